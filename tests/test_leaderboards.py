"""Leaderboards, stats and forgetting at the storage level, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import asyncpg
import pytest
from sqlalchemy import text

from bot import answering
from bot.reviewing import record_outcome
from storage import Database, guilds, post_rows
from storage.engine import asyncpg_dsn
from storage.forget import forget_member, member_tables
from storage.leaderboards import board, member_stats, question_stats, standing, window
from storage.models import PeriodScore, Post
from storage.review import get_card
from tests.fakes import Question
from tests.postgres import reset_tables, wait_until_another_waits_for_a_lock
from tests.test_storage import CHANNEL, GUILD

MONDAY = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)  # a Monday
EASY = Question(id="l1.easy", difficulty="easy")
HARD = Question(id="l1.hard", difficulty="hard")
OTHER = Question(id="l2.q", difficulty="medium")


async def answer(
    db: Database, member: int, question: Question, when: datetime, *, tries: str = "B", lesson: str = "l1"
) -> None:
    """Post `question` and have `member` try the letters in `tries` in order (B is right)."""
    post = await post_rows.create_post(db, GUILD, CHANNEL, question.id, lesson, None, None, now=when)
    for letter in tries:
        await answering.record_try(db, post, member, [letter], question, when)


def test_windows_follow_the_calendar() -> None:
    sunday = date(2025, 3, 16)
    assert window("week", sunday).first_day == date(2025, 3, 10)
    assert window("week", sunday).last_day == sunday
    assert window("month", date(2024, 2, 10)).last_day == date(2024, 2, 29)
    assert window("today", sunday).first_day == sunday
    assert window("all", sunday).first_day is None


async def test_ties_share_a_rank_and_the_next_rank_skips(db: Database) -> None:
    await answer(db, 1, HARD, MONDAY)  # 9 thirds
    await answer(db, 2, HARD, MONDAY)  # 9
    await answer(db, 3, EASY, MONDAY)  # 3
    await answer(db, 4, EASY, MONDAY, tries="AB")  # 2
    page = await board(db, GUILD, "all", now=MONDAY)
    assert [(r.rank, r.member_id, r.points) for r in page.rows] == [
        (1, 1, 9),
        (1, 2, 9),
        (3, 3, 3),
        (4, 4, 2),
    ]
    assert page.rows[3].answered == 1 and page.rows[3].right_first_try == 0
    assert not page.has_more


async def test_pages_continue_the_ranks_and_a_tie_across_pages_keeps_its_rank(db: Database) -> None:
    # 12 members: member 1 has most, members 2..12 tie.
    await answer(db, 1, HARD, MONDAY)
    for member in range(2, 13):
        await answer(db, member, EASY, MONDAY)
    first = await board(db, GUILD, "all", now=MONDAY, per_page=5)
    assert first.has_more and [r.rank for r in first.rows] == [1, 2, 2, 2, 2]
    third = await board(db, GUILD, "all", now=MONDAY, page=2, per_page=5)
    assert [r.member_id for r in third.rows] == [11, 12]
    assert [r.rank for r in third.rows] == [2, 2] and not third.has_more


async def test_period_boards_count_only_their_days_in_the_guild_time_zone(db: Database) -> None:
    await guilds.set_guild_settings(db, GUILD, timezone="Asia/Tokyo")
    # Sunday 2025-03-09 16:00 UTC is Monday 01:00 in Tokyo: this week, not last week.
    await answer(db, 1, HARD, datetime(2025, 3, 9, 16, 0, tzinfo=UTC))
    await answer(db, 2, HARD, datetime(2025, 3, 9, 14, 0, tzinfo=UTC))  # Sunday 23:00 Tokyo
    await answer(db, 3, EASY, datetime(2025, 2, 27, 12, 0, tzinfo=UTC))  # last month
    now = MONDAY  # Monday 21:00 in Tokyo
    assert [r.member_id for r in (await board(db, GUILD, "today", now=now)).rows] == [1]
    assert [r.member_id for r in (await board(db, GUILD, "week", now=now)).rows] == [1]
    assert [r.member_id for r in (await board(db, GUILD, "month", now=now)).rows] == [1, 2]
    assert [r.member_id for r in (await board(db, GUILD, "all", now=now)).rows] == [1, 2, 3]
    # The week rollup adds every later try of the week to the same row.
    await answer(db, 1, EASY, now)
    week = await board(db, GUILD, "week", now=now)
    assert week.rows[0].points == 12 and week.rows[0].answered == 2


async def test_own_rank_is_found_outside_the_top_ten(db: Database) -> None:
    for member in range(1, 13):
        await answer(db, member, HARD, MONDAY)
    await answer(db, 99, EASY, MONDAY, tries="ACB")
    me = await standing(db, GUILD, 99, "week", now=MONDAY)
    assert me is not None and (me.rank, me.points, me.right_answers) == (13, 1, 1)
    assert await standing(db, GUILD, 99, "today", now=MONDAY + timedelta(days=1)) is None
    tied = await standing(db, GUILD, 5, "all", now=MONDAY)
    assert tied is not None and tied.rank == 1


async def test_a_lesson_board_counts_only_that_lessons_posts(db: Database) -> None:
    await answer(db, 1, HARD, MONDAY)
    await answer(db, 2, OTHER, MONDAY, lesson="l2")
    await answer(db, 2, EASY, MONDAY)
    page = await board(db, GUILD, "all", now=MONDAY, lesson_id="l2")
    assert [(r.member_id, r.points) for r in page.rows] == [(2, 6)]
    l1 = await board(db, GUILD, "week", now=MONDAY, lesson_id="l1")
    assert [(r.rank, r.member_id, r.points) for r in l1.rows] == [(1, 1, 9), (2, 2, 3)]
    me = await standing(db, GUILD, 2, "month", now=MONDAY, lesson_id="l1")
    assert me is not None and me.rank == 2
    assert (await board(db, GUILD, "week", now=MONDAY + timedelta(days=7), lesson_id="l1")).rows == []


async def test_a_broken_streak_shows_as_zero_but_the_best_stays(db: Database) -> None:
    for day in range(3):
        await answer(db, 1, EASY, MONDAY + timedelta(days=day))
    wednesday = MONDAY + timedelta(days=2)
    assert (await board(db, GUILD, "all", now=wednesday)).rows[0].current_streak == 3
    later = (await board(db, GUILD, "all", now=MONDAY + timedelta(days=5))).rows[0]
    assert (later.current_streak, later.best_streak) == (0, 3)


async def test_member_stats_give_accuracy_first_try_rate_and_lesson_progress(db: Database) -> None:
    await answer(db, 1, HARD, MONDAY)
    await answer(db, 1, EASY, MONDAY, tries="AB")
    await answer(db, 1, EASY, MONDAY, tries="AAA")  # the same question posted again, missed
    await answer(db, 1, OTHER, MONDAY, tries="A", lesson="l2")  # still trying
    stats = await member_stats(db, GUILD, 1, now=MONDAY)
    assert stats.standing is not None and stats.standing.answered == 4
    assert stats.accuracy == 0.5 and stats.first_try_rate == 0.25
    progress = {p.lesson_id: (p.tried, p.right, p.right_first_try) for p in stats.lessons}
    assert progress == {"l1": (2, 2, 1), "l2": (1, 0, 0)}
    nobody = await member_stats(db, GUILD, 42, now=MONDAY)
    assert nobody.standing is None and nobody.accuracy is None and nobody.lessons == []


async def test_question_stats_find_the_most_picked_wrong_option(db: Database) -> None:
    await answer(db, 1, HARD, MONDAY, tries="B")
    await answer(db, 2, HARD, MONDAY, tries="AB")
    await answer(db, 3, HARD, MONDAY, tries="CAD")
    await answer(db, 5, HARD, MONDAY, tries="A")
    await answer(db, 4, EASY, MONDAY, tries="C")  # another question: not counted
    stats = await question_stats(db, GUILD, HARD.id)
    assert (stats.posts, stats.answered, stats.right, stats.first_try_right) == (4, 4, 2, 1)
    assert stats.most_picked_wrong == ("A", 3)
    assert stats.right_share == pytest.approx(2 / 4)
    empty = await question_stats(db, GUILD, "nobody.asked")
    assert empty.answered == 0 and empty.most_picked_wrong is None and empty.right_share is None


async def test_forget_member_deletes_every_trace_and_leaves_others_alone(db: Database) -> None:
    await answer(db, 1, HARD, MONDAY)
    await answer(db, 2, EASY, MONDAY)
    await record_outcome(db, 1, HARD.id, right=False, try_no=3, now=MONDAY)
    await record_outcome(db, 2, HARD.id, right=False, try_no=3, now=MONDAY)
    deleted = await forget_member(db, 1)
    assert set(deleted) == {
        "attempts",
        "member_scores",
        "daily_scores",
        "period_scores",
        "lesson_scores",
        "review_cards",
    }
    assert await standing(db, GUILD, 1, "all", now=MONDAY) is None
    assert await get_card(db, 1, HARD.id) is None
    async with db.session() as s:
        assert await s.get(PeriodScore, (GUILD, "w", MONDAY.date(), 1)) is None
    # Bob keeps his points and card, and moves up to first place on every board.
    for period in ("today", "week", "month", "all"):
        page = await board(db, GUILD, period, now=MONDAY)  # type: ignore[arg-type]
        assert [(r.rank, r.member_id) for r in page.rows] == [(1, 2)]
        me = await standing(db, GUILD, 2, period, now=MONDAY)  # type: ignore[arg-type]
        assert me is not None and me.rank == 1
    assert await get_card(db, 2, HARD.id) is not None


def test_forgetting_covers_every_table_about_members() -> None:
    names = {t.name for t in member_tables()}
    assert {
        "attempts",
        "member_scores",
        "daily_scores",
        "period_scores",
        "review_cards",
        "review_reminders",
        "practice_runs",
        "live_players",
    } <= names


async def histogram(db: Database) -> dict[tuple[str, str, int], int]:
    """score_counts as {(board, start, points): members}, empty buckets left out."""
    async with db.session() as s:
        conn = await s.connection()
        rows = (await conn.execute(text("SELECT * FROM score_counts WHERE members > 0"))).all()
    return {(row.board, str(row.start), row.points): row.members for row in rows}


async def histogram_expected(db: Database) -> dict[tuple[str, str, int], int]:
    """The same histogram counted straight from the score tables."""
    expected: dict[tuple[str, str, int], int] = {}
    async with db.session() as s:
        conn = await s.connection()
        for sql in (
            "SELECT 'a', '1970-01-01', points FROM member_scores",
            "SELECT 'd', day, points FROM daily_scores",
            "SELECT period, start, points FROM period_scores",
        ):
            for board_code, start, points in (await conn.execute(text(sql))).all():
                key = (board_code, str(start), points)
                expected[key] = expected.get(key, 0) + 1
    return expected


async def test_rank_histograms_match_the_score_tables_after_many_tries(db: Database) -> None:
    """score_counts (kept by triggers) says how many members hold each point value on each board."""
    for member in range(1, 6):
        for day in range(member):
            await answer(
                db,
                member,
                EASY if day % 2 else HARD,
                MONDAY + timedelta(days=day),
                tries="B" if day % 2 == 0 else "AB",
            )
    await forget_member(db, 3)
    assert await histogram(db) == await histogram_expected(db)
    lesson = await board(db, GUILD, "all", now=MONDAY, lesson_id="l1")
    assert [r.member_id for r in lesson.rows] == [5, 4, 2, 1]


async def test_a_lesson_week_counts_this_weeks_tries_even_on_a_post_from_last_week(db: Database) -> None:
    last_week = MONDAY - timedelta(days=7)
    still_open = await post_rows.create_post(
        db, GUILD, CHANNEL, HARD.id, "l1", MONDAY + timedelta(days=1), None, now=last_week
    )
    await answering.record_try(db, still_open, 1, ["B"], HARD, MONDAY)
    closed = await post_rows.create_post(db, GUILD, CHANNEL, HARD.id, "l1", None, None, now=last_week)
    await answering.record_try(db, closed, 2, ["B"], HARD, last_week)
    await post_rows.close_post(db, closed.id or 0, now=last_week + timedelta(hours=1))
    week = await board(db, GUILD, "week", now=MONDAY, lesson_id="l1")
    assert [r.member_id for r in week.rows] == [1]
    ever = await board(db, GUILD, "all", now=MONDAY, lesson_id="l1")
    assert [r.member_id for r in ever.rows] == [1, 2]


async def test_concurrent_tries_by_many_members_keep_ranks_exact(db: Database) -> None:
    """Members answering at once all move through the same histogram rows: no lost update, no deadlock."""
    posts = [
        await post_rows.create_post(db, GUILD, CHANNEL, q.id, "l1", None, None, now=MONDAY)
        for q in (HARD, EASY)
    ]

    async def play(member: int) -> None:
        for post, question in zip(posts, (HARD, EASY), strict=True):
            for letter in "AB" if member % 2 else "B":
                await answering.record_try(db, post, member, [letter], question, MONDAY)

    await asyncio.gather(*(play(member) for member in range(1, 21)))
    assert await histogram(db) == await histogram_expected(db)
    page = await board(db, GUILD, "all", now=MONDAY, per_page=20)
    assert [(r.rank, r.points) for r in page.rows] == [(1, 12)] * 10 + [(11, 8)] * 10
    last = await standing(db, GUILD, 19, "week", now=MONDAY)
    assert last is not None and last.rank == 11


async def test_postgresql_forget_aborted_to_break_a_deadlock_is_made_again(postgres_run_url: str) -> None:
    db = await Database.open(postgres_run_url)
    blocker = await asyncpg.connect(asyncpg_dsn(postgres_run_url))
    try:
        await reset_tables(db)
        await answer(db, 1, HARD, MONDAY)
        # Another transaction (a try in flight, say) holds member 1's score row...
        await blocker.execute("BEGIN")
        await blocker.execute("SELECT 1 FROM member_scores WHERE member_id = 1 FOR UPDATE")
        forgetting = asyncio.create_task(forget_member(db, 1))
        await wait_until_another_waits_for_a_lock(
            blocker
        )  # forget has deleted member 1's tries and waits for that row
        # ...and now wants those tries: a deadlock. Forget waited first, so PostgreSQL aborts it.
        await blocker.execute("SELECT 1 FROM attempts WHERE member_id = 1 FOR UPDATE")
        await blocker.execute("ROLLBACK")
        deleted = await asyncio.wait_for(forgetting, 10)
        assert deleted["attempts"] == 1 and deleted["member_scores"] == 1, "everything is forgotten"
        assert await standing(db, GUILD, 1, "all", now=MONDAY) is None
    finally:
        await blocker.close()
        await db.close()


async def member_totals(db: Database, member: int) -> dict[str, int]:
    """Member's points as each table that keeps them says: all equal when nothing is torn."""
    tables = ("attempts", "member_scores", "daily_scores", "lesson_scores")
    async with db.session() as s:
        totals = {}
        for table in tables:
            total = await s.exec(
                text(f"SELECT COALESCE(SUM(points), 0) FROM {table} WHERE member_id = :m"),
                params={"m": member},
            )  # type: ignore[call-overload]
            totals[table] = int(total.scalar_one())
    return totals


async def test_postgresql_forget_racing_the_members_own_tries_keeps_every_table_in_step(
    postgres_run_url: str,
) -> None:
    db = await Database.open(postgres_run_url)
    try:
        await reset_tables(db)
        for round_no in range(12):
            posts = [
                await post_rows.create_post(db, GUILD, CHANNEL, q.id, "l1", None, None, now=MONDAY)
                for q in (HARD, EASY, HARD, EASY)
            ]

            async def play(post: Post, question: Question) -> None:
                for letter in "AB":
                    await answering.record_try(db, post, 1, [letter], question, MONDAY)

            tries = [play(post, q) for post, q in zip(posts, (HARD, EASY, HARD, EASY), strict=True)]
            await asyncio.gather(*tries[:2], forget_member(db, 1), *tries[2:])
            totals = await member_totals(db, 1)
            assert len(set(totals.values())) == 1, f"round {round_no}: torn rows {totals}"
            await forget_member(db, 1)
    finally:
        await db.close()
