"""Quiz play storage, on SQLite (a temp file) and on PostgreSQL (a fresh database per test)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

from bot import answering
from bot.attempts import AttemptStatus
from storage import Database, PracticeAnswer, guilds, leaderboards, post_rows, practice_runs
from storage.engine import mask_url, normalize_url
from storage.models import Attempt, DailyScore, MemberScore, Post
from tests.databases import daily_scores, member_score, member_scores
from tests.fakes import Question

QUESTION = Question()

GUILD = 900_000_000_000_000_001  # real snowflakes do not fit in 32 bits (nor exactly in a float)
CHANNEL = 800_000_000_000_000_002
T0 = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


async def new_post(db: Database, q: Question = QUESTION, *, closes_in: timedelta | None = None, **kw: int):
    closes_at = T0 + closes_in if closes_in is not None else None
    return await post_rows.create_post(
        db,
        kw.get("guild_id", GUILD),
        kw.get("channel_id", CHANNEL),
        q.id,
        "lesson1",
        closes_at,
        posted_by=42,
        now=T0,
    )


async def stored_attempts(db: Database, post_id: int) -> list[Attempt]:
    async with db.session() as s:
        return list((await s.exec(select(Attempt).where(Attempt.post_id == post_id))).all())


# --------------------------------------------------------------------------- attempts and points


async def test_sqlite_file_and_its_folder_are_created_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "bot.db"
    db = await Database.open(f"sqlite:///{path}")
    try:
        async with db.session() as s:
            mode = (await s.connection()).exec_driver_sql("PRAGMA journal_mode")
            assert (await mode).scalar() == "wal"
    finally:
        await db.close()
    assert path.exists()


async def test_right_answer_on_first_try_of_hard_question_earns_three_points(db: Database) -> None:
    post = await new_post(db)
    out = await answering.record_try(db, post, 7, ("B",), Question(), T0)
    assert out.status is AttemptStatus.RECORDED
    assert out.feedback is not None and out.feedback.right and out.feedback.show_solution
    assert (out.try_no, out.points) == (1, 9)
    score = await member_score(db, GUILD, 7)
    assert score is not None and (score.points, score.right_first_try) == (9, 1)


@pytest.mark.parametrize(
    ("difficulty", "wrong_tries", "thirds"),
    [("easy", 0, 3), ("easy", 2, 1), ("medium", 1, 4), ("hard", 2, 3)],
)
async def test_points_depend_on_difficulty_and_try(
    db: Database, difficulty: str, wrong_tries: int, thirds: int
) -> None:
    q = Question(difficulty=difficulty)
    post = await new_post(db, q)
    for wrong in "AC"[:wrong_tries]:
        await answering.record_try(db, post, 7, (wrong,), q, T0)
    out = await answering.record_try(db, post, 7, ("B",), q, T0)
    assert out.try_no == wrong_tries + 1
    assert out.points == thirds
    result = await answering.member_result(db, post.id, 7)
    assert result is not None and result.right and result.points == thirds and result.done


async def test_wrong_answer_shows_hint_mistake_and_tries_left(db: Database) -> None:
    post = await new_post(db)
    out = await answering.record_try(db, post, 7, ("A",), Question(), T0)
    fb = out.feedback
    assert fb is not None
    assert (fb.right, fb.tries_left, fb.show_hint, fb.show_solution) == (False, 2, True, False)
    assert fb.mistake_text == "A is the loss, not the weights."
    result = await answering.member_result(db, post.id, 7)
    assert result is not None and result.tries_left == 2 and not result.done


async def test_fourth_try_is_refused_and_nothing_is_stored(db: Database) -> None:
    post = await new_post(db)
    for expected_try, wrong in zip((1, 2, 3), "ACD", strict=True):
        out = await answering.record_try(db, post, 7, (wrong,), Question(), T0)
        assert out.try_no == expected_try
    assert out.feedback is not None and out.feedback.done and out.feedback.show_solution
    before = await member_score(db, GUILD, 7)

    fourth = await answering.record_try(db, post, 7, ("B",), Question(), T0 + timedelta(minutes=1))

    assert fourth.status is AttemptStatus.ALREADY_DONE
    assert fourth.feedback is not None and not fourth.feedback.right and fourth.try_no == 3
    assert fourth.points == 0
    assert len(await stored_attempts(db, post.id)) == 3
    assert await member_score(db, GUILD, 7) == before


async def test_member_who_is_done_clicking_again_gets_their_result_and_nothing_changes(
    db: Database,
) -> None:
    post = await new_post(db)
    await answering.record_try(db, post, 7, ("A",), Question(), T0)
    first = await answering.record_try(db, post, 7, ("B",), Question(), T0)
    assert first.points == 6
    tally_before = await post_rows.post_tally(db, post.id)

    again = await answering.record_try(db, post, 7, ("A",), Question(), T0 + timedelta(seconds=1))

    assert again.already_done and not again.recorded
    assert again.feedback == first.feedback
    assert (again.try_no, again.points) == (2, 6)
    assert await post_rows.post_tally(db, post.id) == tally_before
    score = await member_score(db, GUILD, 7)
    assert score is not None and (score.points, score.answered, score.right_answers) == (6, 1, 1)


async def test_closed_post_takes_no_new_tries_but_done_members_still_see_their_result(db: Database) -> None:
    post = await new_post(db, closes_in=timedelta(minutes=10))
    await answering.record_try(db, post, 1, ("B",), Question(), T0)
    late = T0 + timedelta(minutes=10)

    out = await answering.record_try(db, post, 2, ("B",), Question(), late)
    assert out.status is AttemptStatus.CLOSED and out.feedback is None
    done = await answering.record_try(db, post, 1, ("B",), Question(), late)
    assert done.already_done and done.points == 9
    assert await answering.member_result(db, post.id, 2) is None


async def test_attempt_for_another_question_than_posted_is_rejected(db: Database) -> None:
    post = await new_post(db)
    with pytest.raises(ValueError, match="not the one posted"):
        await answering.record_try(db, post, 7, ("B",), Question(id="other"), T0)


@pytest.mark.parametrize(("answers", "expected_tries"), [("A", 1), ("B", 1), ("ACD", 3)])
async def test_fifty_concurrent_clicks_store_at_most_three_tries_and_points_once(
    db: Database, answers: str, expected_tries: int
) -> None:
    """The same option clicked over and over is one try; different wrong options, three at most."""
    post = await new_post(db)
    outs = await asyncio.gather(
        *(answering.record_try(db, post, 7, (answers[i % len(answers)],), Question(), T0) for i in range(50))
    )
    rows = await stored_attempts(db, post.id)
    assert sorted(a.try_no for a in rows) == list(range(1, expected_tries + 1))
    assert sum(o.recorded for o in outs) == expected_tries
    right = answers == "B"
    score = await member_score(db, GUILD, 7)
    assert score is not None
    assert score.points == (9 if right else 0)
    assert (score.answered, score.right_answers) == (1, int(right))


async def test_two_processes_clicking_at_once_cannot_double_a_try(db: Database, db_url: str) -> None:
    # A second Database has its own in-process locks: only the unique constraint protects us here.
    other = await Database.open(db_url)
    try:
        post = await new_post(db)
        wrong_then_right = [("A",), ("C",), ("B",)]
        calls = [
            answering.record_try(d, post, 7, wrong_then_right[i % 3], Question(), T0)
            for i in range(30)
            for d in (db, other)
        ]
        await asyncio.gather(*calls)
        rows = await stored_attempts(db, post.id)
        assert len(rows) <= 3
        assert sorted(a.try_no for a in rows) == list(range(1, len(rows) + 1))
        score = await member_score(db, GUILD, 7)
        assert score is not None
        assert score.points == sum(a.points for a in rows)
        assert score.answered == 1
    finally:
        await other.close()


# --------------------------------------------------------------------------- scores and rollups


async def test_scores_and_daily_rollups_match_the_attempts(db: Database) -> None:
    q_easy, q_hard = Question(id="e", difficulty="easy"), Question(id="h", difficulty="hard")
    script = [  # (day offset, question, member, answer)
        (0, q_easy, 1, "B"),
        (0, q_easy, 2, "A"),
        (0, q_easy, 2, "B"),
        (0, q_hard, 1, "A"),
        (1, q_hard, 1, "C"),
        (1, q_hard, 1, "B"),
        (1, q_hard, 3, "A"),
        (2, q_hard, 3, "C"),
        (2, q_hard, 2, "B"),
    ]
    posts = {q.id: await new_post(db, q) for q in (q_easy, q_hard)}
    for offset, q, member, answer in script:
        await answering.record_try(db, posts[q.id], member, (answer,), q, T0 + timedelta(days=offset))

    async with db.session() as s:
        attempts = list((await s.exec(select(Attempt))).all())
        scores = {m.member_id: m for m in (await s.exec(select(MemberScore))).all()}
        days = {(d.member_id, d.day): d for d in (await s.exec(select(DailyScore))).all()}

    expected_member: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    expected_day: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for a in attempts:
        row = [a.points, int(a.try_no == 1), int(a.is_right), int(a.is_right and a.try_no == 1)]
        for target in (expected_member[a.member_id], expected_day[(a.member_id, a.answered_at.date())]):
            for i, v in enumerate(row):
                target[i] += v
    got_member = {m: [s.points, s.answered, s.right_answers, s.right_first_try] for m, s in scores.items()}
    got_day = {k: [d.points, d.answered, d.right_answers, d.right_first_try] for k, d in days.items()}
    assert got_member == dict(expected_member)
    assert got_day == dict(expected_day)
    assert got_member[1] == [3 + 3, 2, 2, 1]  # easy on try 1, hard on try 3


async def test_answers_count_for_the_guild_local_day(db: Database) -> None:
    await guilds.set_guild_settings(db, GUILD, timezone="Asia/Tokyo")
    post = await new_post(db)
    late_evening_utc = datetime(2025, 3, 10, 20, 0, tzinfo=UTC)  # 05:00 on the 11th in Tokyo
    await answering.record_try(db, post, 7, ("B",), Question(), late_evening_utc)
    rows = await daily_scores(db, GUILD, 7)
    assert [(r.day, r.points) for r in rows] == [(date(2025, 3, 11), 9)]


async def test_daily_streak_grows_on_consecutive_days_and_best_is_kept(db: Database) -> None:
    answer_days = [0, 0, 1, 2, 5, 6]
    for i, offset in enumerate(answer_days):
        q = Question(id=f"q{i}")
        post = await new_post(db, q)
        await answering.record_try(db, post, 7, ("B",), q, T0 + timedelta(days=offset))
    score = await member_score(db, GUILD, 7)
    assert score is not None
    assert (score.current_streak, score.best_streak) == (2, 3)
    assert score.last_answered_day == (T0 + timedelta(days=6)).date()


# --------------------------------------------------------------------------- posts


async def test_tally_counts_choices_members_and_first_try_right(db: Database) -> None:
    post = await new_post(db)
    for member, answers in {1: ["B"], 2: ["A", "B"], 3: ["C", "A", "D"], 4: ["B"]}.items():
        for a in answers:
            await answering.record_try(db, post, member, (a,), Question(), T0)
    tally = await post_rows.post_tally(db, post.id)
    assert tally.choice_counts == {"A": 2, "B": 3, "C": 1, "D": 1}
    assert tally.first_try_counts == {"A": 1, "B": 2, "C": 1}
    assert (tally.tries, tally.answered, tally.right, tally.first_try_right) == (7, 4, 3, 2)
    empty = await post_rows.post_tally(db, (await new_post(db)).id)
    assert (empty.choice_counts, empty.answered) == ({}, 0)


async def test_reveal_lists_first_try_right_members_in_answer_order(db: Database) -> None:
    post = await new_post(db)
    clicks = [(3, "B", 5), (1, "A", 1), (1, "B", 2), (2, "B", 3), (4, "C", 4)]  # member, answer, seconds
    for member, answer, seconds in clicks:
        await answering.record_try(db, post, member, (answer,), Question(), T0 + timedelta(seconds=seconds))
    assert await post_rows.first_try_right_members(db, post.id) == [2, 3]


async def test_many_members_answering_at_once_are_all_counted(db: Database) -> None:
    post = await new_post(db)
    members = range(100, 140)
    outs = await asyncio.gather(
        *(answering.record_try(db, post, m, ("B" if m % 2 else "A",), Question(), T0) for m in members)
    )
    assert all(o.recorded for o in outs)
    tally = await post_rows.post_tally(db, post.id)
    assert (tally.answered, tally.right, tally.choice_counts) == (40, 20, {"A": 20, "B": 20})
    board = await leaderboards.board(db, GUILD, "all", now=T0, per_page=100)
    assert len(board.rows) == 40 and [r.rank for r in board.rows].count(1) == 20


async def test_fill_blank_choices_are_stored_per_blank(db: Database) -> None:
    q = Question(id="fb", kind="fill_blanks", answer_letters=("A", "C"), difficulty="easy")
    post = await new_post(db, q)
    wrong = await answering.record_try(db, post, 7, ("A", "B"), q, T0)
    right = await answering.record_try(db, post, 7, ("a", "c"), q, T0)
    assert wrong.feedback is not None and not wrong.feedback.right
    assert right.points == 2
    result = await answering.member_result(db, post.id, 7)
    assert result is not None and [t.chosen for t in result.tries] == [("A", "B"), ("A", "C")]
    assert (await post_rows.post_tally(db, post.id)).choice_counts == {"A,B": 1, "A,C": 1}


async def test_question_recency_knows_what_each_channel_has_seen_and_when(db: Database) -> None:
    ids = {}
    for n, (qid, channel) in enumerate([("q1", CHANNEL), ("q2", CHANNEL), ("q1", CHANNEL), ("q3", 5)]):
        ids[n] = (await new_post(db, Question(id=qid), channel_id=channel)).id
    assert await post_rows.question_recency(db, GUILD, CHANNEL) == {"q1": ids[2], "q2": ids[1]}
    assert await post_rows.question_recency(db, GUILD, 5) == {"q3": ids[3]}
    assert await post_rows.question_recency(db, 1, CHANNEL) == {}


async def test_post_keeps_its_message_id_and_times_come_back_aware_utc(db: Database) -> None:
    post = await new_post(db, closes_in=timedelta(hours=1))
    assert post.id is not None
    await post_rows.set_post_message(db, post.id, 1_300_000_000_000_000_003)
    loaded = await post_rows.get_post(db, post.id)
    assert loaded is not None
    assert loaded.message_id == 1_300_000_000_000_000_003
    assert loaded.guild_id == GUILD and loaded.channel_id == CHANNEL
    assert loaded.posted_at == T0 and loaded.posted_at.tzinfo is not None
    assert loaded.closes_at == T0 + timedelta(hours=1)
    assert (await post_rows.get_post_by_message(db, 1_300_000_000_000_000_003)) == loaded
    assert await post_rows.get_post(db, 123456) is None
    assert await post_rows.get_post(db, 2**63 - 1) is None  # a forged custom_id must not crash PostgreSQL
    assert await post_rows.get_post(db, -1) is None
    with pytest.raises(LookupError):
        await post_rows.set_post_message(db, 123456, 1)


async def test_naive_datetimes_are_refused(db: Database) -> None:
    post = await new_post(db)
    with pytest.raises(ValueError, match="timezone-aware"):
        await answering.record_try(db, post, 7, ("B",), Question(), datetime(2025, 1, 1))


async def test_due_posts_close_once_even_when_two_closers_race(db: Database) -> None:
    soon = await new_post(db, closes_in=timedelta(minutes=5))
    later = await new_post(db, closes_in=timedelta(hours=5))
    await new_post(db)  # never closes by itself
    now = T0 + timedelta(minutes=6)

    due = await post_rows.due_posts_to_close(db, now)
    assert [p.id for p in due] == [soon.id]
    assert soon.id is not None
    closed = await asyncio.gather(*(post_rows.close_post(db, soon.id, now=now) for _ in range(5)))
    assert closed.count(True) == 1
    assert await post_rows.due_posts_to_close(db, now) == []
    assert [p.id for p in await post_rows.due_posts_to_close(db, T0 + timedelta(hours=6))] == [later.id]
    reloaded = await post_rows.get_post(db, soon.id)
    assert reloaded is not None and reloaded.closed and reloaded.closed_at == now


async def test_closing_waits_for_a_try_in_flight_so_the_reveal_counts_it(db: Database) -> None:
    post = await new_post(db)
    assert post.id is not None
    async with db.writing() as s:  # a try in flight: the post row is read the way record_attempt reads it
        await s.get(Post, post.id, with_for_update={"read": True})
        closing = asyncio.create_task(post_rows.close_post(db, post.id, now=T0))
        await asyncio.sleep(0.3)
        assert not closing.done()
        await s.commit()
    assert await asyncio.wait_for(closing, 10)


# --------------------------------------------------------------------------- settings and practice


async def test_guild_settings_default_then_change_one_field_at_a_time(db: Database) -> None:
    default = await guilds.get_guild_settings(db, GUILD)
    assert (default.moderator_role_id, default.timezone) == (None, "UTC")
    await guilds.set_guild_settings(db, GUILD, moderator_role_id=1_100_000_000_000_000_007)
    s = await guilds.set_guild_settings(db, GUILD, timezone="Europe/Berlin")
    assert (s.moderator_role_id, s.timezone) == (1_100_000_000_000_000_007, "Europe/Berlin")
    s = await guilds.set_guild_settings(db, GUILD, moderator_role_id=None)
    assert (s.moderator_role_id, s.timezone) == (None, "Europe/Berlin")
    with pytest.raises(ValueError, match="unknown time zone"):
        await guilds.set_guild_settings(db, GUILD, timezone="Mars/Olympus")
    assert (await guilds.get_guild_settings(db, GUILD)).timezone == "Europe/Berlin"


async def test_practice_runs_are_recorded_with_score_by_difficulty_and_not_ranked(db: Database) -> None:
    answers = [
        PracticeAnswer("q1", "easy", ("B",), True),
        PracticeAnswer("q2", "hard", ("A",), False, tries=3),
        PracticeAnswer("q3", "hard", ("C", "D"), True, tries=2),
    ]
    run = await practice_runs.record_practice_run(
        db, member_id=7, lesson_id="lesson1", mode="test", answers=answers, started_at=T0, guild_id=GUILD
    )
    await practice_runs.record_practice_run(
        db, member_id=7, lesson_id="lesson2", mode="practice", answers=[], started_at=T0 + timedelta(hours=1)
    )
    runs = await practice_runs.practice_runs_for(db, 7)
    assert [r.lesson_id for r in runs] == ["lesson2", "lesson1"]
    stored = (await practice_runs.practice_runs_for(db, 7, lesson_id="lesson1"))[0]
    assert stored.id == run.id
    assert stored.score_by_difficulty == {"easy": {"right": 1, "total": 1}, "hard": {"right": 1, "total": 2}}
    assert (stored.right_answers, stored.total) == (2, 3)
    assert stored.answers[2] == {
        "question_id": "q3",
        "difficulty": "hard",
        "chosen": ["C", "D"],
        "right": True,
        "tries": 2,
    }
    assert await member_scores(db, GUILD) == []
    again = await practice_runs.record_practice_run(
        db, member_id=7, lesson_id="lesson1", mode="test", answers=answers[:1], started_at=T0, guild_id=GUILD
    )
    assert again.id == run.id and again.total == 3, "recording the same run twice keeps the first"
    twice = await asyncio.gather(
        *(
            practice_runs.record_practice_run(
                db, member_id=8, lesson_id="l", mode="practice", answers=[], started_at=T0
            )
            for _ in range(2)
        )
    )
    assert twice[0].id == twice[1].id
    assert len(await practice_runs.practice_runs_for(db, 7)) == 2
    with pytest.raises(ValueError, match="mode"):
        await practice_runs.record_practice_run(
            db, member_id=7, lesson_id="l", mode="ranked", answers=[], started_at=T0
        )


async def test_attempts_table_has_no_rows_for_practice(db: Database) -> None:
    await practice_runs.record_practice_run(
        db,
        member_id=7,
        lesson_id="l",
        mode="practice",
        answers=[PracticeAnswer("q", "easy", ("B",), True)],
        started_at=T0,
    )
    async with db.session() as s:
        assert (await s.exec(select(func.count()).select_from(Attempt))).one() == 0


def test_urls_people_paste_get_the_async_driver_and_logs_hide_the_password() -> None:
    assert normalize_url("postgres://u:secret@h/db").drivername == "postgresql+asyncpg"
    assert normalize_url("sqlite:///data/x.db").drivername == "sqlite+aiosqlite"
    assert "secret" not in mask_url("postgresql+asyncpg://u:secret@h/db")
    with pytest.raises(ValueError, match="unsupported"):
        normalize_url("mysql://u@h/db")
    with pytest.raises(ValueError, match="in-memory"):
        normalize_url("sqlite+aiosqlite://")


async def test_database_url_property_masks_the_password(postgres_run_url: str) -> None:
    db = await Database.open(normalize_url(postgres_run_url).set(password="hunter2"))  # trust auth ignores it
    try:
        assert "hunter2" not in db.url and "***" in db.url
    finally:
        await db.close()


def test_storage_never_imports_discord_tensorflow_or_the_bot() -> None:
    code = (
        "import sys, storage.attempt_rows, storage.forget, storage.guilds, storage.leaderboards, "
        "storage.post_rows, storage.practice_runs, storage.review, storage.schedules; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'discord', 'tensorflow', 'keras', 'bot', 'cogs'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"


async def test_open_posts_are_the_guilds_sent_unclosed_posts_newest_first(db: Database) -> None:
    async def sent(guild_id: int = GUILD, channel_id: int = CHANNEL) -> Post:
        post = await new_post(db, guild_id=guild_id, channel_id=channel_id)
        assert post.id is not None
        await post_rows.set_post_message(db, post.id, 10_000 + post.id)
        return post

    first, elsewhere, closed, newest = await sent(), await sent(channel_id=7), await sent(), await sent()
    await sent(guild_id=GUILD + 1)  # another server's
    await new_post(db)  # never reached Discord
    assert closed.id is not None
    await post_rows.close_post(db, closed.id)
    assert [p.id for p in await post_rows.open_posts(db, GUILD)] == [newest.id, elsewhere.id, first.id]
    assert [p.id for p in await post_rows.open_posts(db, GUILD, channel_id=CHANNEL, limit=1)] == [newest.id]


async def test_an_unsent_post_is_dropped_only_if_nobody_answered_it(db: Database) -> None:
    silent, answered = await new_post(db), await new_post(db)
    assert silent.id is not None and answered.id is not None
    await answering.record_try(db, answered, 7, ("B",), Question(), T0)  # its message did arrive
    assert await post_rows.drop_unsent_post(db, silent.id)
    assert not await post_rows.drop_unsent_post(db, answered.id), "a try and its points stay together"
    assert await post_rows.get_post(db, silent.id) is None
    assert await answering.member_result(db, answered.id, 7) is not None
