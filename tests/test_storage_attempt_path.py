"""The answer hot path (record_attempt's prebuilt statements), on SQLite and PostgreSQL: it must
keep every rule the ORM version kept, while doing one read and three writes per try."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import update
from sqlmodel import col, select

from bot import answering
from bot.attempts import AttemptStatus
from storage import Database, guilds, post_rows
from storage.engine import asyncpg_dsn
from storage.models import Attempt, Post
from tests.databases import daily_scores, member_score
from tests.fakes import Question
from tests.postgres import reset_tables, wait_until_another_waits_for_a_lock

GUILD = 900_000_000_000_000_001
CHANNEL = 800_000_000_000_000_002
T0 = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


QUESTION = Question(difficulty="medium", hint="Look again.", mistakes={})


async def new_post(db: Database) -> Post:
    return await post_rows.create_post(db, GUILD, CHANNEL, QUESTION.id, "lesson1", None, 42, now=T0)


async def tries_of(db: Database, post_id: int) -> list[int]:
    async with db.session() as s:
        rows = await s.exec(select(Attempt.try_no).where(Attempt.post_id == post_id))
        return sorted(rows.all())


async def test_a_try_waits_for_a_close_in_flight_and_is_then_refused(db: Database) -> None:
    post = await new_post(db)
    assert post.id is not None
    async with db.writing() as s:  # close_post in flight: its UPDATE holds the post row
        await s.exec(update(Post).where(col(Post.id) == post.id).values(closed=True, closed_at=T0))
        trying = asyncio.create_task(answering.record_try(db, post, 7, ("B",), QUESTION, T0))
        await asyncio.sleep(0.3)
        assert not trying.done(), "the try read the post without waiting for the close to finish"
        await s.commit()
    outcome = await asyncio.wait_for(trying, 10)
    assert outcome.status is AttemptStatus.CLOSED
    assert await tries_of(db, post.id) == []


async def test_a_post_that_is_gone_is_reported_not_stored(db: Database) -> None:
    post = await new_post(db)
    assert post.id is not None
    assert await post_rows.drop_unsent_post(db, post.id)
    with pytest.raises(LookupError):
        await answering.record_try(db, post, 7, ("B",), QUESTION, T0)
    assert await tries_of(db, post.id) == []


async def test_a_new_time_zone_applies_to_the_very_next_try(db: Database) -> None:
    evening = datetime(2025, 3, 10, 20, 0, tzinfo=UTC)  # already the 11th in Tokyo
    first, second = await new_post(db), await new_post(db)
    await answering.record_try(db, first, 7, ("B",), QUESTION, evening)
    await guilds.set_guild_settings(db, GUILD, timezone="Asia/Tokyo")
    await answering.record_try(db, second, 7, ("B",), QUESTION, evening)
    days = [(r.day, r.points) for r in await daily_scores(db, GUILD, 7)]
    assert days == [(date(2025, 3, 10), 6), (date(2025, 3, 11), 6)]
    score = await member_score(db, GUILD, 7)
    assert score is not None
    # Two guild-local days in a row: the streak grew, and the later day is remembered.
    assert (score.current_streak, score.best_streak, score.last_answered_day) == (2, 2, date(2025, 3, 11))


async def test_wrong_then_right_reports_each_try_and_totals_points(db: Database) -> None:
    post = await new_post(db)
    assert post.id is not None
    wrong = await answering.record_try(db, post, 7, ("A",), QUESTION, T0)
    right = await answering.record_try(db, post, 7, ("B",), QUESTION, T0 + timedelta(seconds=5))
    again = await answering.record_try(db, post, 7, ("A",), QUESTION, T0 + timedelta(seconds=9))
    assert (wrong.status, wrong.try_no, wrong.points) == (AttemptStatus.RECORDED, 1, 0)
    assert wrong.feedback is not None and wrong.feedback.show_hint and wrong.feedback.tries_left == 2
    assert (right.status, right.try_no, right.points) == (AttemptStatus.RECORDED, 2, 4)
    # Done: a third click changes nothing and replays the final (right) try.
    assert (again.status, again.try_no, again.points) == (AttemptStatus.ALREADY_DONE, 2, 4)
    assert again.feedback is not None and again.feedback.right
    assert await tries_of(db, post.id) == [1, 2]
    result = await answering.member_result(db, post.id, 7)
    assert result is not None and result.tries[1].answered_at == T0 + timedelta(seconds=5)


async def test_sqlite_try_waits_for_another_process_without_stalling_the_bot(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/quiz.db"
    db = await Database.open(url)
    other_process = sqlite3.connect(tmp_path / "quiz.db", isolation_level=None)
    try:
        post = await new_post(db)
        assert post.id is not None
        other_process.execute("BEGIN IMMEDIATE")  # another bot process is writing
        trying = asyncio.create_task(answering.record_try(db, post, 7, ("B",), QUESTION, T0))
        ticks = 0
        for _ in range(20):  # the event loop keeps serving everyone else meanwhile
            await asyncio.sleep(0.01)
            ticks += 1
        assert ticks == 20 and not trying.done()
        other_process.execute("COMMIT")
        outcome = await asyncio.wait_for(trying, 10)
        assert outcome.status is AttemptStatus.RECORDED and outcome.points == 6
        assert await tries_of(db, post.id) == [1]
    finally:
        other_process.close()
        await db.close()


async def test_sqlite_a_write_whose_commit_fails_is_rolled_back_and_the_next_try_is_stored(
    tmp_path: Path,
) -> None:
    db = await Database.open(f"sqlite+aiosqlite:///{tmp_path}/quiz.db")
    try:
        post = await new_post(db)
        assert post.id is not None

        def orphan_row(conn: sqlite3.Connection) -> None:
            # A deferred foreign-key check fails at COMMIT, as a full disk or an I/O error would.
            conn.execute("PRAGMA defer_foreign_keys=ON")
            conn.execute(
                "INSERT INTO attempts (post_id, guild_id, member_id, try_no, chosen, is_right, points, answered_at)"
                " VALUES (999999, 1, 7, 1, 'A', 0, 0, '2025-03-10 12:00:00.000000')"
            )

        with pytest.raises(sqlite3.IntegrityError):
            await db.sqlite_write(orphan_row)
        outcome = await answering.record_try(db, post, 7, ("B",), QUESTION, T0)
        assert outcome.status is AttemptStatus.RECORDED, "the writer is usable again"
        assert await tries_of(db, post.id) == [1]
    finally:
        await db.close()


async def test_the_same_wrong_choice_again_is_not_a_new_try(db: Database) -> None:
    post = await new_post(db)
    assert post.id is not None
    first = await answering.record_try(db, post, 7, ("A",), QUESTION, T0)
    again = await answering.record_try(db, post, 7, ("A",), QUESTION, T0)
    assert (first.status, again.status) == (AttemptStatus.RECORDED, AttemptStatus.REPEATED)
    assert again.feedback is not None and again.feedback.tries_left == 2
    other = await answering.record_try(db, post, 7, ("C",), QUESTION, T0)
    back = await answering.record_try(db, post, 7, ("A",), QUESTION, T0)
    assert (other.try_no, back.status) == (2, AttemptStatus.REPEATED), (
        "any earlier wrong choice, not just the last"
    )
    right = await answering.record_try(db, post, 7, ("B",), QUESTION, T0)
    assert right.status is AttemptStatus.RECORDED and right.try_no == 3
    assert await tries_of(db, post.id) == [1, 2, 3]


async def test_postgresql_a_try_aborted_to_break_a_deadlock_is_made_again(postgres_run_url: str) -> None:
    db = await Database.open(postgres_run_url)
    blocker = await asyncpg.connect(asyncpg_dsn(postgres_run_url))
    try:
        await reset_tables(db)
        earlier, post = await new_post(db), await new_post(db)
        assert post.id is not None
        await answering.record_try(db, earlier, 7, ("B",), QUESTION, T0)  # member 7 has a score row
        # Another transaction (a /forget-me, say) holds member 7's score row...
        await blocker.execute("BEGIN")
        await blocker.execute("SELECT 1 FROM member_scores WHERE member_id = 7 FOR UPDATE")
        trying = asyncio.create_task(answering.record_try(db, post, 7, ("B",), QUESTION, T0))
        await wait_until_another_waits_for_a_lock(
            blocker
        )  # the try holds the post (FOR SHARE) and waits for that row
        # ...and now wants the post: a deadlock. The try waited first, so PostgreSQL aborts it.
        await blocker.execute("SELECT 1 FROM posts WHERE id = $1 FOR UPDATE", post.id)
        await blocker.execute("ROLLBACK")
        outcome = await asyncio.wait_for(trying, 10)
        assert outcome.status is AttemptStatus.RECORDED, "the member's click is not lost"
        assert await tries_of(db, post.id) == [1]
    finally:
        await blocker.close()
        await db.close()
