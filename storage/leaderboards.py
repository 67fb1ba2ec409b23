"""Period leaderboards, a member's own rank, member and question statistics.

A page is one indexed range read (ORDER BY points DESC LIMIT n) plus one count for the first row's
rank, never a window function over the whole guild, so the cost does not grow with the size of the
guild for the top pages.

Where each board reads (all kept up to date in the attempt's own transaction):
    all     member_scores            index (guild_id, points)
    today   daily_scores             index (guild_id, day, points)
    week    period_scores "w"        index (guild_id, period, start, points), kept by triggers (0004)
    month   period_scores "m"        same index
    lesson, all time      lesson_scores (trigger on attempts), index (guild_id, lesson_id, points)
    lesson, today/week/month   attempts joined to posts, summed per member: no rollup per lesson
            and period (a trigger cannot tell the guild-local day); only posts open during the
            period are read, so it grows with the lesson's tries in the period (bench/leaderboard.py).

Ranks are competition ranks: ties share a rank (1, 1, 3); within a tie, members are listed by id.
A rank is 1 + the members with more points: for the unfiltered boards that is a sum over the
score_counts histogram (one row per distinct point value), so it costs the same for the last member
as for the first.
"""

from __future__ import annotations

import calendar
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final, Literal, get_args

from sqlalchemy import ColumnElement, Select, and_, case, func, or_
from sqlalchemy import select as core_select

from storage._common import core_rows, table_of
from storage.engine import Database
from storage.guilds import zone
from storage.models import (
    Attempt,
    DailyScore,
    GuildSettings,
    LessonScore,
    MemberScore,
    PeriodScore,
    Post,
    ScoreCount,
)

Period = Literal["today", "week", "month", "all"]
PERIODS: Final[tuple[Period, ...]] = get_args(Period)
PAGE_SIZE: Final = 10
ALL_TIME: Final = date(1970, 1, 1)  # score_counts.start of the all-time board (see migration 0004)


@dataclass(frozen=True, slots=True)
class Window:
    """Which guild-local days a board covers: None for all time."""

    period: Period
    first_day: date | None
    last_day: date | None

    def utc_bounds(self, tz_name: str) -> tuple[datetime, datetime] | None:
        """[start, end) in UTC: local midnight of the first day to local midnight after the last."""
        if self.first_day is None or self.last_day is None:
            return None
        tz = zone(tz_name)
        start = datetime.combine(self.first_day, time(), tz).astimezone(UTC)
        end = datetime.combine(self.last_day + timedelta(days=1), time(), tz).astimezone(UTC)
        return start, end


def window(period: Period, today: date) -> Window:
    """The days `period` covers, seen from guild-local `today`: weeks start on Monday."""
    if period == "today":
        return Window(period, today, today)
    if period == "week":
        monday = today - timedelta(days=today.weekday())
        return Window(period, monday, monday + timedelta(days=6))
    if period == "month":
        last = calendar.monthrange(today.year, today.month)[1]
        return Window(period, today.replace(day=1), today.replace(day=last))
    if period == "all":
        return Window(period, None, None)
    raise ValueError(f"unknown period {period!r}; expected one of {PERIODS}")


def local_today(now: datetime, tz_name: str) -> date:
    return now.astimezone(zone(tz_name)).date()


@dataclass(frozen=True, slots=True)
class RankedMember:
    rank: int  # ties share a rank: 1, 1, 3
    member_id: int
    points: int  # thirds
    answered: int
    right_answers: int
    right_first_try: int
    current_streak: int = 0
    best_streak: int = 0


@dataclass(frozen=True, slots=True)
class BoardPage:
    window: Window
    page: int  # 0-based
    rows: list[RankedMember]
    has_more: bool  # another page follows
    today: date  # guild-local, for deciding whether a streak is still alive
    tz_name: str  # the guild's time zone the days were counted in


# --------------------------------------------------------------------------- board sources


@dataclass(frozen=True, slots=True)
class _Source:
    """Rows (member_id, points, answered, right_answers, right_first_try) of one board."""

    stmt: Select[Any]  # selects those five columns, filtered to the board
    points: ColumnElement[int]  # the points expression, for ORDER BY and rank counts
    member: ColumnElement[int]
    grouped: bool  # points is an aggregate: compare it in HAVING
    counts: tuple[int, str, date] | None = None  # the score_counts histogram for this board, if any


def _source(guild_id: int, win: Window, lesson_id: str | None, tz_name: str) -> _Source:
    if lesson_id is not None and win.period == "all":
        t = table_of(LessonScore).c
        stmt = core_select(t.member_id, t.points, t.answered, t.right_answers, t.right_first_try).where(
            t.guild_id == guild_id, t.lesson_id == lesson_id
        )
        return _Source(stmt, t.points, t.member_id, grouped=False)
    if lesson_id is not None:
        a, p = table_of(Attempt).c, table_of(Post).c
        points = func.sum(a.points)
        stmt = (
            core_select(
                a.member_id,
                points.label("points"),
                func.sum(case((a.try_no == 1, 1), else_=0)),
                func.sum(case((a.is_right.is_(True), 1), else_=0)),
                func.sum(case((and_(a.is_right.is_(True), a.try_no == 1), 1), else_=0)),
            )
            .select_from(table_of(Post).join(table_of(Attempt), a.post_id == p.id))
            .where(p.guild_id == guild_id, p.lesson_id == lesson_id)
            .group_by(a.member_id)
        )
        bounds = win.utc_bounds(tz_name)
        if bounds is not None:
            start, end = bounds
            stmt = stmt.where(
                a.answered_at >= start,
                a.answered_at < end,
                # Exact, and it keeps the scan to the period's posts: record_attempt refuses a try
                # once a post is closed or past closes_at, so a post that closed before the period
                # (or was posted after it) has no tries in it.
                p.posted_at < end,
                or_(p.closes_at.is_(None), p.closes_at > start),
                or_(p.closed_at.is_(None), p.closed_at > start),
            )
        return _Source(stmt, points, a.member_id, grouped=True)
    if win.period == "all" or win.first_day is None:
        t = table_of(MemberScore).c
        where: list[ColumnElement[bool]] = [t.guild_id == guild_id]
        counts = (guild_id, "a", ALL_TIME)
    elif win.period == "today":
        t = table_of(DailyScore).c
        where = [t.guild_id == guild_id, t.day == win.first_day]
        counts = (guild_id, "d", win.first_day)
    else:
        t = table_of(PeriodScore).c
        where = [t.guild_id == guild_id, t.period == win.period[0], t.start == win.first_day]
        counts = (guild_id, win.period[0], win.first_day)
    stmt = core_select(t.member_id, t.points, t.answered, t.right_answers, t.right_first_try).where(*where)
    return _Source(stmt, t.points, t.member_id, grouped=False, counts=counts)


async def _count_above(s: Any, src: _Source, points: int) -> int:
    """How many members of the board have more points than `points` (rank = this + 1)."""
    if src.counts is not None:
        c = table_of(ScoreCount).c
        guild_id, board_code, start = src.counts
        stmt = core_select(func.coalesce(func.sum(c.members), 0)).where(
            c.guild_id == guild_id, c.board == board_code, c.start == start, c.points > points
        )
    elif src.grouped:
        inner = src.stmt.having(src.points > points).subquery()
        stmt = core_select(func.count()).select_from(inner)
    else:
        stmt = src.stmt.with_only_columns(func.count()).where(src.points > points)
    return int((await core_rows(s, stmt))[0][0])


async def streaks_of(s: Any, guild_id: int, member_ids: list[int], today: date) -> dict[int, tuple[int, int]]:
    """(current, best) streak per member; a streak whose last day is before yesterday has ended."""
    if not member_ids:
        return {}
    m = table_of(MemberScore).c
    rows = await core_rows(
        s,
        core_select(m.member_id, m.current_streak, m.best_streak, m.last_answered_day).where(
            m.guild_id == guild_id, m.member_id.in_(member_ids)
        ),
    )
    yesterday = today - timedelta(days=1)
    return {r[0]: (r[1] if r[3] is not None and r[3] >= yesterday else 0, r[2]) for r in rows}


def _ranked(row: Any, rank: int, streaks: dict[int, tuple[int, int]]) -> RankedMember:
    current, best = streaks.get(row[0], (0, 0))
    return RankedMember(rank, row[0], int(row[1]), int(row[2]), int(row[3]), int(row[4]), current, best)


async def guild_today(s: Any, guild_id: int, now: datetime) -> tuple[str, date]:
    g = table_of(GuildSettings).c
    found = await core_rows(s, core_select(g.timezone).where(g.guild_id == guild_id))
    tz_name = found[0][0] if found else "UTC"
    return tz_name, local_today(now, tz_name)


async def board(
    db: Database,
    guild_id: int,
    period: Period,
    *,
    now: datetime,
    lesson_id: str | None = None,
    page: int = 0,
    per_page: int = PAGE_SIZE,
) -> BoardPage:
    """One page of the board for `period` (guild-local, as of `now`), optionally for one lesson."""
    if page < 0:
        raise ValueError("page must be >= 0")
    # One session for the whole page: each extra session is a pool checkout and a transaction.
    async with db.session() as s:
        tz_name, today = await guild_today(s, guild_id, now)
        win = window(period, today)
        src = _source(guild_id, win, lesson_id, tz_name)
        stmt = src.stmt.order_by(src.points.desc(), src.member).limit(per_page + 1).offset(page * per_page)
        rows = list(await core_rows(s, stmt))
        has_more = len(rows) > per_page
        rows = rows[:per_page]
        ranked: list[RankedMember] = []
        if rows:
            streaks = await streaks_of(s, guild_id, [r[0] for r in rows], today)
            rank = await _count_above(s, src, int(rows[0][1])) + 1
            for index, row in enumerate(rows):
                if index and int(row[1]) < int(rows[index - 1][1]):
                    rank = page * per_page + index + 1
                ranked.append(_ranked(row, rank, streaks))
    return BoardPage(win, page, ranked, has_more, today, tz_name)


async def standing(
    db: Database,
    guild_id: int,
    member_id: int,
    period: Period,
    *,
    now: datetime,
    lesson_id: str | None = None,
) -> RankedMember | None:
    """The member's own row and rank on that board, or None if they have no points row there."""
    async with db.session() as s:
        tz_name, today = await guild_today(s, guild_id, now)
        src = _source(guild_id, window(period, today), lesson_id, tz_name)
        found = await core_rows(s, src.stmt.where(src.member == member_id))
        if not found:
            return None
        row = found[0]
        above = await _count_above(s, src, int(row[1]))
        streaks = await streaks_of(s, guild_id, [member_id], today)
    return _ranked(row, above + 1, streaks)


# --------------------------------------------------------------------------- member statistics


@dataclass(frozen=True, slots=True)
class LessonProgress:
    lesson_id: str
    tried: int  # distinct questions of the lesson the member tried
    right: int  # distinct questions answered right on some try
    right_first_try: int  # distinct questions answered right on a first try


@dataclass(frozen=True, slots=True)
class MemberStats:
    standing: RankedMember | None  # all-time rank and totals; None if never answered here
    lessons: list[LessonProgress] = field(default_factory=list)

    @property
    def accuracy(self) -> float | None:
        """Share of tried posts eventually answered right."""
        s = self.standing
        return s.right_answers / s.answered if s and s.answered else None

    @property
    def first_try_rate(self) -> float | None:
        s = self.standing
        return s.right_first_try / s.answered if s and s.answered else None


async def member_stats(db: Database, guild_id: int, member_id: int, *, now: datetime) -> MemberStats:
    """All-time totals, rank and streaks, and per-lesson progress over distinct questions."""
    me = await standing(db, guild_id, member_id, "all", now=now)
    a, p = table_of(Attempt).c, table_of(Post).c
    right_q = case((a.is_right.is_(True), p.question_id))
    first_q = case((and_(a.is_right.is_(True), a.try_no == 1), p.question_id))
    async with db.session() as s:
        rows = await core_rows(
            s,
            core_select(
                p.lesson_id,
                func.count(func.distinct(p.question_id)),
                func.count(func.distinct(right_q)),
                func.count(func.distinct(first_q)),
            )
            .select_from(table_of(Attempt).join(table_of(Post), a.post_id == p.id))
            .where(a.guild_id == guild_id, a.member_id == member_id)
            .group_by(p.lesson_id)
            .order_by(p.lesson_id),
        )
    return MemberStats(me, [LessonProgress(r[0], int(r[1]), int(r[2]), int(r[3])) for r in rows])


async def answered_days(db: Database, guild_id: int, member_id: int, first: date, last: date) -> set[date]:
    """The guild-local days from `first` to `last` on which the member answered something."""
    t = table_of(DailyScore).c
    async with db.session() as s:
        rows = await core_rows(
            s,
            core_select(t.day).where(
                t.guild_id == guild_id,
                t.member_id == member_id,
                t.day >= first,
                t.day <= last,
                t.answered > 0,
            ),
        )
    return {row[0] for row in rows}


# --------------------------------------------------------------------------- question statistics


def most_picked(choices: dict[str, int]) -> tuple[str, int] | None:
    """The choice picked most often (ties: alphabetical), with its count: the distractor that works."""
    if not choices:
        return None
    return min(choices.items(), key=lambda kv: (-kv[1], kv[0]))


@dataclass(frozen=True, slots=True)
class QuestionStats:
    question_id: str
    posts: int  # times posted in the guild
    answered: int  # member-post pairs with at least one try
    right: int  # member-post pairs answered right on some try
    first_try_right: int
    wrong_choices: dict[str, int]  # every wrong try, keyed by stored choice ("B", "A,C")

    @property
    def right_share(self) -> float | None:
        return self.right / self.answered if self.answered else None

    @property
    def first_try_share(self) -> float | None:
        return self.first_try_right / self.answered if self.answered else None

    @property
    def most_picked_wrong(self) -> tuple[str, int] | None:
        return most_picked(self.wrong_choices)


async def question_stats(db: Database, guild_id: int, question_id: str) -> QuestionStats:
    a, p = table_of(Attempt).c, table_of(Post).c
    joined = table_of(Attempt).join(table_of(Post), a.post_id == p.id)
    async with db.session() as s:
        posts = (
            await core_rows(
                s,
                core_select(func.count()).where(p.guild_id == guild_id, p.question_id == question_id),
            )
        )[0][0]
        per_post = await core_rows(
            s,
            core_select(
                func.count(func.distinct(a.member_id)),
                func.count(func.distinct(case((a.is_right.is_(True), a.member_id)))),
                func.count(func.distinct(case((and_(a.is_right.is_(True), a.try_no == 1), a.member_id)))),
            )
            .select_from(joined)
            .where(p.guild_id == guild_id, p.question_id == question_id)
            .group_by(a.post_id),
        )
        wrong = await core_rows(
            s,
            core_select(a.chosen, func.count())
            .select_from(joined)
            .where(p.guild_id == guild_id, p.question_id == question_id, a.is_right.is_(False))
            .group_by(a.chosen),
        )
    totals = Counter[str]()
    for answered, right, first in per_post:
        totals.update(answered=answered, right=right, first=first)
    return QuestionStats(
        question_id,
        int(posts),
        totals["answered"],
        totals["right"],
        totals["first"],
        {chosen: int(count) for chosen, count in wrong},
    )
