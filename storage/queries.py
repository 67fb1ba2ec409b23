"""Every read and write the bot does, one function per need. All times are timezone-aware UTC.

Points are integer thirds (bot.grading.format_points renders them). Each write is one transaction.
"""

from __future__ import annotations

import enum
import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import asyncpg
from sqlalchemy import Table, and_, case, delete, func, update
from sqlalchemy import select as core_select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.grading import MAX_TRIES, Feedback, QuestionLike, feedback_for
from storage.driver import DriverValues, for_dialect, numbered_dollars, per_dialect
from storage.engine import Database
from storage.models import (
    Attempt,
    DailyScore,
    GuildSettings,
    MemberScore,
    Post,
    PracticeRun,
)

CHOICE_SEPARATOR: Final = ","
CHOICE_MAX_CHARS: Final = 100  # attempts.chosen is VARCHAR(100)
# posts.id is a 32-bit integer; a larger id (a forged custom_id) must read as "no such post", not crash.
POST_ID_MAX: Final = 2**31 - 1
# Errors after which a try is simply made again, from what is then stored: another process stored
# the same try number first, or PostgreSQL broke a deadlock with a concurrent /forget-me (it and a
# try update the shared score_counts rows in different orders) by aborting the try.
_TRY_AGAIN: Final = (sqlite3.IntegrityError, asyncpg.UniqueViolationError, asyncpg.DeadlockDetectedError)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (UTC), got naive {value!r}")
    return value.astimezone(UTC)


def _table(model: type[Any]) -> Table:
    table: Table = model.__table__
    return table


def _insert(db: Database, model: type[Any]) -> Any:
    """INSERT ... ON CONFLICT for the engine in use (both spell it the same way in SQLAlchemy)."""
    return (pg_insert if db.dialect == "postgresql" else sqlite_insert)(_table(model))


async def _rows(s: AsyncSession, stmt: Any) -> Sequence[Any]:
    """Run a plain SQLAlchemy Core select (wide aggregate rows sqlmodel's select() cannot type)."""
    return (await (await s.connection()).execute(stmt)).all()


def encode_choice(chosen: Sequence[str]) -> str:
    letters = tuple(c.strip().upper() for c in chosen)
    if not letters or any(not c or CHOICE_SEPARATOR in c for c in letters):
        raise ValueError(f"chosen must be non-empty option letters, got {tuple(chosen)!r}")
    stored = CHOICE_SEPARATOR.join(letters)
    if len(stored) > CHOICE_MAX_CHARS:
        raise ValueError(f"chosen is too long to store ({len(stored)} > {CHOICE_MAX_CHARS} characters)")
    return stored


def decode_choice(stored: str) -> tuple[str, ...]:
    return tuple(stored.split(CHOICE_SEPARATOR))


# --------------------------------------------------------------------------- guild settings


class _Unset(enum.Enum):
    UNSET = enum.auto()


UNSET: Final = _Unset.UNSET


def zone(name: str) -> ZoneInfo:
    """The guild's time zone; an unknown name (e.g. a tzdata update removed it) falls back to UTC."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


async def get_guild_settings(db: Database, guild_id: int) -> GuildSettings:
    """The guild's settings, or the defaults (not stored) when the guild never changed any."""
    async with db.session() as s:
        row = await s.get(GuildSettings, guild_id)
    return row if row is not None else GuildSettings(guild_id=guild_id)


async def set_guild_settings(
    db: Database,
    guild_id: int,
    *,
    moderator_role_id: int | _Unset | None = UNSET,
    timezone: str | _Unset = UNSET,
    now: datetime | None = None,
) -> GuildSettings:
    """Change only the settings given; `moderator_role_id=None` clears the role. Raises ValueError
    for a time zone name that is not in the IANA database."""
    if isinstance(timezone, str):
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {timezone!r}; use an IANA name like Europe/Berlin") from exc
    changes: dict[str, Any] = {"updated_at": _aware(now or utcnow(), "now")}
    if not isinstance(moderator_role_id, _Unset):
        changes["moderator_role_id"] = moderator_role_id
    if isinstance(timezone, str):
        changes["timezone"] = timezone
    values = {"guild_id": guild_id, "timezone": "UTC", "moderator_role_id": None, **changes}
    stmt = _insert(db, GuildSettings).values(**values)
    stmt = stmt.on_conflict_do_update(index_elements=["guild_id"], set_=changes)
    async with db.writing() as s:
        await s.exec(stmt)
        await s.commit()
    return await get_guild_settings(db, guild_id)


# --------------------------------------------------------------------------- posts


async def create_post(
    db: Database,
    guild_id: int,
    channel_id: int,
    question_id: str,
    lesson_id: str,
    closes_at: datetime | None,
    posted_by: int | None,
    *,
    now: datetime | None = None,
) -> Post:
    """Store a post before sending it, so its id can go in the buttons' custom_id."""
    post = Post(
        guild_id=guild_id,
        channel_id=channel_id,
        question_id=question_id,
        lesson_id=lesson_id,
        posted_by=posted_by,
        posted_at=_aware(now or utcnow(), "now"),
        closes_at=_aware(closes_at, "closes_at") if closes_at is not None else None,
    )
    async with db.writing() as s:
        s.add(post)
        await s.commit()
        await s.refresh(post)
    return post


async def set_post_message(db: Database, post_id: int, message_id: int) -> None:
    async with db.writing() as s:
        result = await s.exec(update(Post).where(col(Post.id) == post_id).values(message_id=message_id))
        if result.rowcount != 1:
            raise LookupError(f"no post {post_id}")
        await s.commit()


async def get_post(db: Database, post_id: int) -> Post | None:
    if not 0 < post_id <= POST_ID_MAX:
        return None
    async with db.session() as s:
        return await s.get(Post, post_id)


async def get_post_by_message(db: Database, message_id: int) -> Post | None:
    async with db.session() as s:
        return (await s.exec(select(Post).where(Post.message_id == message_id))).first()


async def drop_unsent_post(db: Database, post_id: int) -> bool:
    """Delete a post whose message was never confirmed, unless someone answered it: then its
    message did reach Discord, and it stays (its tries and the points they earned must agree)."""
    answered = select(Attempt.id).where(Attempt.post_id == post_id).exists()
    async with db.writing() as s:
        result = await s.exec(delete(Post).where(col(Post.id) == post_id, ~answered))
        await s.commit()
    return bool(result.rowcount == 1)


async def close_post(db: Database, post_id: int, *, now: datetime | None = None) -> bool:
    """Close a post. True only for the call that closed it, so exactly one caller reveals the answer."""
    async with db.writing() as s:
        result = await s.exec(
            update(Post)
            .where(col(Post.id) == post_id, col(Post.closed).is_(False))
            .values(closed=True, closed_at=_aware(now or utcnow(), "now"))
        )
        await s.commit()
    return bool(result.rowcount == 1)


async def due_posts_to_close(db: Database, now: datetime) -> list[Post]:
    """Open posts whose closing time has come, oldest first."""
    now = _aware(now, "now")
    async with db.session() as s:
        rows = await s.exec(
            select(Post)
            .where(col(Post.closed).is_(False), col(Post.closes_at).is_not(None), col(Post.closes_at) <= now)
            .order_by(col(Post.closes_at), col(Post.id))
        )
        return list(rows.all())


async def open_posts(
    db: Database,
    guild_id: int,
    *,
    channel_id: int | None = None,
    question_id: str | None = None,
    limit: int | None = 25,
) -> list[Post]:
    """The guild's posts still taking answers (optionally in one channel, of one question), newest first."""
    query = select(Post).where(
        Post.guild_id == guild_id, col(Post.closed).is_(False), col(Post.message_id).is_not(None)
    )
    if channel_id is not None:
        query = query.where(Post.channel_id == channel_id)
    if question_id is not None:
        query = query.where(Post.question_id == question_id)
    async with db.session() as s:
        rows = await s.exec(query.order_by(col(Post.id).desc()).limit(limit))
        return list(rows.all())


async def question_recency(db: Database, guild_id: int, channel_id: int) -> dict[str, int]:
    """Question id -> its latest post id in this channel (larger: posted more recently). Questions
    never posted there are absent: rotation picks those first, then the ones posted longest ago."""
    async with db.session() as s:
        rows = await s.exec(
            select(Post.question_id, func.max(Post.id))
            .where(Post.guild_id == guild_id, Post.channel_id == channel_id)
            .group_by(col(Post.question_id))
        )
        return {question_id: post_id for question_id, post_id in rows.all() if post_id is not None}


# --------------------------------------------------------------------------- attempts


class AttemptStatus(enum.StrEnum):
    RECORDED = "recorded"  # a new try was stored
    ALREADY_DONE = "already_done"  # right earlier or out of tries: nothing stored, previous result returned
    REPEATED = "repeated"  # the same wrong choice as the last try (a double click): nothing stored
    CLOSED = "closed"  # the post is closed and the member had no finished result: nothing stored


@dataclass(frozen=True, slots=True)
class AttemptOutcome:
    status: AttemptStatus
    # This try's feedback (RECORDED), the member's final try's feedback (ALREADY_DONE), None (CLOSED).
    feedback: Feedback | None
    try_no: int  # the try this feedback is about; 0 when the member never tried
    points: int  # thirds this member has on this post in total

    @property
    def recorded(self) -> bool:
        return self.status is AttemptStatus.RECORDED

    @property
    def already_done(self) -> bool:
        return self.status is AttemptStatus.ALREADY_DONE


@dataclass(frozen=True, slots=True)
class TryRecord:
    try_no: int
    chosen: tuple[str, ...]
    right: bool
    points: int
    answered_at: datetime


@dataclass(frozen=True, slots=True)
class MemberResult:
    tries: tuple[TryRecord, ...]

    @property
    def right(self) -> bool:
        return any(t.right for t in self.tries)

    @property
    def points(self) -> int:
        return sum(t.points for t in self.tries)

    @property
    def done(self) -> bool:
        return self.right or len(self.tries) >= MAX_TRIES

    @property
    def tries_left(self) -> int:
        return 0 if self.done else MAX_TRIES - len(self.tries)


def _result(rows: Iterable[Attempt]) -> MemberResult:
    return MemberResult(
        tuple(
            TryRecord(a.try_no, decode_choice(a.chosen), a.is_right, a.points, a.answered_at)
            for a in sorted(rows, key=lambda a: a.try_no)
        )
    )


async def _attempts(s: AsyncSession, post_id: int, member_id: int) -> list[Attempt]:
    rows = await s.exec(
        select(Attempt)
        .where(Attempt.post_id == post_id, Attempt.member_id == member_id)
        .order_by(col(Attempt.try_no))
    )
    return list(rows.all())


async def member_result(db: Database, post_id: int, member_id: int) -> MemberResult | None:
    """The member's tries on a post, or None if they never answered it."""
    async with db.session() as s:
        rows = await _attempts(s, post_id, member_id)
    return _result(rows) if rows else None


async def record_attempt(
    db: Database,
    post: Post,
    member_id: int,
    chosen: Sequence[str],
    question: QuestionLike,
    now: datetime,
) -> AttemptOutcome:
    """Grade and store one try, updating member_scores and daily_scores in the same transaction.

    Tries by one member on one post are serialised by an in-process lock, and the unique
    (post, member, try_no) constraint stops a second process from storing the same try twice: on a
    conflict the whole decision is re-made from what is now stored.
    """
    if post.id is None:
        raise ValueError("post has no id; store it with create_post first")
    if question.id != post.question_id:
        raise ValueError(f"question {question.id!r} is not the one posted ({post.question_id!r})")
    now = _aware(now, "now")
    choice = encode_choice(chosen)
    lock = db.lock("attempt", post.id, member_id)
    async with lock:
        for _ in range(MAX_TRIES + 2):
            try:
                return await _record_attempt_once(db, post.id, member_id, choice, question, now)
            except _TRY_AGAIN:
                continue
    raise RuntimeError(f"could not store a try for member {member_id} on post {post.id}")


async def _record_attempt_once(
    db: Database, post_id: int, member_id: int, choice: str, question: QuestionLike, now: datetime
) -> AttemptOutcome:
    run = _record_on_postgresql if db.dialect == "postgresql" else _record_on_sqlite
    return await run(db, _attempt_sql(db), post_id, member_id, choice, question, now)


async def _record_on_postgresql(
    db: Database,
    sql: _AttemptSql,
    post_id: int,
    member_id: int,
    choice: str,
    question: QuestionLike,
    now: datetime,
) -> AttemptOutcome:
    async with db.postgres_connection() as conn, conn.transaction():
        state = await conn.fetch(sql.state, post_id, member_id)
        outcome, rows = _decide(sql, state, post_id, member_id, choice, question, now)
        if rows is not None:
            attempt, scores = rows
            await conn.execute(sql.store, *attempt, *scores)  # one round trip for all three rows
    return outcome


async def _record_on_sqlite(
    db: Database,
    sql: _AttemptSql,
    post_id: int,
    member_id: int,
    choice: str,
    question: QuestionLike,
    now: datetime,
) -> AttemptOutcome:
    def work(conn: sqlite3.Connection) -> AttemptOutcome:
        state = conn.execute(sql.state, (post_id, member_id)).fetchall()
        outcome, rows = _decide(sql, state, post_id, member_id, choice, question, now)
        if rows is not None:
            attempt, scores = rows
            conn.execute(sql.insert, attempt)  # the unique constraint speaks before scores move
            conn.execute(sql.member_scores, scores)
            conn.execute(sql.daily_scores, scores[:7])
        return outcome

    # One call for the whole transaction (SQLite writers are serial anyway): see sqlite_write.
    return await db.sqlite_write(work)


def _decide(
    sql: _AttemptSql,
    state: Sequence[Any],
    post_id: int,
    member_id: int,
    choice: str,
    question: QuestionLike,
    now: datetime,
) -> tuple[AttemptOutcome, tuple[tuple[Any, ...], tuple[Any, ...]] | None]:
    """Grade one try against the post's state and the member's earlier tries; return the outcome
    and the parameters of the attempt row and of the score upserts (None: nothing to store)."""
    if not state:
        raise LookupError(f"no post {post_id}")
    guild_id, closed, closes_at, tz_name = state[0][0], state[0][1], state[0][2], state[0][3]
    previous = [(row[4], row[5], bool(row[6]), row[7]) for row in state if row[4] is not None]
    earned = sum(points for *_, points in previous)
    if previous and (previous[-1][2] or len(previous) >= MAX_TRIES):
        last_try, last_choice, _, _ = previous[-1]
        feedback = feedback_for(question, decode_choice(last_choice), last_try)
        return AttemptOutcome(AttemptStatus.ALREADY_DONE, feedback, last_try, earned), None
    if closed or (closes_at is not None and sql.values.read_time(closes_at) <= now):
        return AttemptOutcome(AttemptStatus.CLOSED, None, len(previous), earned), None
    if any(chosen == choice for _, chosen, _, _ in previous):
        # Every earlier try was wrong (a right one ends the question above): picking one of those
        # choices again never helps, and a double click must not cost a try.
        last_try = previous[-1][0]
        feedback = feedback_for(question, decode_choice(choice), last_try)
        return AttemptOutcome(AttemptStatus.REPEATED, feedback, last_try, earned), None

    try_no = len(previous) + 1
    feedback = feedback_for(question, decode_choice(choice), try_no)
    day = now.astimezone(zone(tz_name or "UTC")).date()
    answered_at = sql.values.time(now)
    attempt = (post_id, guild_id, member_id, try_no, choice, feedback.right, feedback.points, answered_at)
    scores = (
        guild_id,
        member_id,
        feedback.points,
        int(try_no == 1),
        int(feedback.right),
        int(feedback.right and try_no == 1),
        sql.values.day(day),
        sql.values.day(day - timedelta(days=1)),
    )
    outcome = AttemptOutcome(AttemptStatus.RECORDED, feedback, try_no, earned + feedback.points)
    return outcome, (attempt, scores)


# The attempt hot path talks to the drivers directly (see storage.driver): a try is one read and
# three writes. Plain SQL that both engines accept; `?` is numbered `$n` for asyncpg.
_STATE_SQL: Final = """\
SELECT p.guild_id, p.closed, p.closes_at, g.timezone, a.try_no, a.chosen, a.is_right, a.points
FROM posts AS p
LEFT JOIN guild_settings AS g ON g.guild_id = p.guild_id
LEFT JOIN attempts AS a ON a.post_id = p.id AND a.member_id = ?2
WHERE p.id = ?1
ORDER BY a.try_no"""
# FOR SHARE (PostgreSQL): tries on one post do not wait for each other, but close_post waits for
# tries in flight, so no try lands after the reveal counted the post. SQLite is serial already.
_FOR_SHARE: Final = "\nFOR SHARE OF p"

_INSERT_SQL: Final = """\
INSERT INTO attempts (post_id, guild_id, member_id, try_no, chosen, is_right, points, answered_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)"""

# Increments happen inside the upsert, so two transactions for one member (two posts, two
# processes) cannot lose each other's update. ?7 is the guild-local day, ?8 the day before.
_STREAK: Final = """CASE
    WHEN member_scores.last_answered_day = ?7 THEN member_scores.current_streak
    WHEN member_scores.last_answered_day = ?8 THEN member_scores.current_streak + 1
    WHEN member_scores.last_answered_day > ?7 THEN member_scores.current_streak
    ELSE 1 END"""
_MEMBER_SCORES_SQL: Final = f"""\
INSERT INTO member_scores (guild_id, member_id, points, answered, right_answers, right_first_try,
    current_streak, best_streak, last_answered_day)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, 1, ?7)
ON CONFLICT (guild_id, member_id) DO UPDATE SET
    points = member_scores.points + excluded.points,
    answered = member_scores.answered + excluded.answered,
    right_answers = member_scores.right_answers + excluded.right_answers,
    right_first_try = member_scores.right_first_try + excluded.right_first_try,
    current_streak = {_STREAK},
    best_streak = CASE WHEN {_STREAK} > member_scores.best_streak THEN {_STREAK}
        ELSE member_scores.best_streak END,
    last_answered_day = CASE
        WHEN member_scores.last_answered_day IS NULL OR member_scores.last_answered_day < ?7 THEN ?7
        ELSE member_scores.last_answered_day END"""
_DAILY_SCORES_SQL: Final = """\
INSERT INTO daily_scores (guild_id, member_id, points, answered, right_answers, right_first_try, day)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
ON CONFLICT (guild_id, member_id, day) DO UPDATE SET
    points = daily_scores.points + excluded.points,
    answered = daily_scores.answered + excluded.answered,
    right_answers = daily_scores.right_answers + excluded.right_answers,
    right_first_try = daily_scores.right_first_try + excluded.right_first_try"""


def _postgresql_store() -> str:
    """The three writes as one PostgreSQL statement (data-modifying CTEs): one round trip, and a
    duplicate try still fails the whole statement before any score moves. Parameters: the 8 of
    _INSERT_SQL, then the 8 of _MEMBER_SCORES_SQL (whose first 7 _DAILY_SCORES_SQL shares)."""
    return (
        f"WITH attempt AS (\n{numbered_dollars(_INSERT_SQL)}\nRETURNING 1\n),\n"
        f"member AS (\n{numbered_dollars(_MEMBER_SCORES_SQL, 8)}\nRETURNING 1\n)\n"
        f"{numbered_dollars(_DAILY_SCORES_SQL, 8)}"
    )


@dataclass(frozen=True, slots=True)
class _AttemptSql:
    state: str
    insert: str
    member_scores: str
    daily_scores: str
    store: str  # PostgreSQL: insert, member_scores and daily_scores in one statement
    values: DriverValues

    @staticmethod
    def build(db: Database) -> _AttemptSql:
        statements = (_STATE_SQL, _INSERT_SQL, _MEMBER_SCORES_SQL, _DAILY_SCORES_SQL)
        state, insert, member, daily = (for_dialect(db, sql) for sql in statements)
        if db.dialect == "postgresql":
            state += _FOR_SHARE
        return _AttemptSql(
            state=state,
            insert=insert,
            member_scores=member,
            daily_scores=daily,
            store=_postgresql_store(),
            values=DriverValues.of(db),
        )


_attempt_sql = per_dialect(_AttemptSql.build)


@dataclass(frozen=True, slots=True)
class PostTally:
    """What the public post may show while open: counts only, never who chose what."""

    choice_counts: dict[str, int]  # every try, keyed by the stored choice ("B", or "A,C" for blanks)
    first_try_counts: dict[str, int]
    tries: int
    answered: int  # members with at least one try
    right: int  # members who got it right on some try
    first_try_right: int


async def post_tally(db: Database, post_id: int) -> PostTally:
    a = _table(Attempt).c
    async with db.session() as s:
        per_choice = await _rows(
            s,
            core_select(a.chosen, a.try_no, func.count())
            .where(a.post_id == post_id)
            .group_by(a.chosen, a.try_no),
        )
        members = (
            await _rows(
                s,
                core_select(
                    func.count(func.distinct(a.member_id)),
                    func.count(func.distinct(case((a.is_right.is_(True), a.member_id)))),
                    func.count(func.distinct(case((and_(a.is_right.is_(True), a.try_no == 1), a.member_id)))),
                ).where(a.post_id == post_id),
            )
        )[0]
    choice_counts: Counter[str] = Counter()
    first_try_counts: Counter[str] = Counter()
    for chosen, try_no, count in per_choice:
        choice_counts[chosen] += count
        if try_no == 1:
            first_try_counts[chosen] += count
    return PostTally(
        choice_counts=dict(choice_counts),
        first_try_counts=dict(first_try_counts),
        tries=sum(choice_counts.values()),
        answered=members[0],
        right=members[1],
        first_try_right=members[2],
    )


async def first_try_right_members(db: Database, post_id: int) -> list[int]:
    """Members who answered right on their first try, in the order they answered (for the reveal)."""
    a = Attempt
    async with db.session() as s:
        rows = await s.exec(
            select(a.member_id)
            .where(a.post_id == post_id, a.try_no == 1, col(a.is_right).is_(True))
            .order_by(col(a.answered_at), col(a.member_id))
        )
        return list(rows.all())


# --------------------------------------------------------------------------- leaderboards


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


async def top_members(db: Database, guild_id: int, limit: int = 10, offset: int = 0) -> list[RankedMember]:
    """The all-time leaderboard page, read from member_scores (one indexed range, no attempt scan)."""
    m = _table(MemberScore).c
    rank = func.rank().over(order_by=m.points.desc()).label("rank")
    async with db.session() as s:
        rows = await _rows(
            s,
            core_select(
                rank,
                m.member_id,
                m.points,
                m.answered,
                m.right_answers,
                m.right_first_try,
                m.current_streak,
                m.best_streak,
            )
            .where(m.guild_id == guild_id)
            .order_by(m.points.desc(), m.member_id)
            .limit(limit)
            .offset(offset),
        )
    return [RankedMember(*row) for row in rows]


async def member_rank(db: Database, guild_id: int, member_id: int) -> RankedMember | None:
    """The member's all-time standing, or None if they never answered in this guild."""
    async with db.session() as s:
        me = await s.get(MemberScore, (guild_id, member_id))
        if me is None:
            return None
        ahead = (
            await s.exec(
                select(func.count())
                .select_from(MemberScore)
                .where(MemberScore.guild_id == guild_id, MemberScore.points > me.points)
            )
        ).one()
    return RankedMember(
        ahead + 1,
        member_id,
        me.points,
        me.answered,
        me.right_answers,
        me.right_first_try,
        me.current_streak,
        me.best_streak,
    )


async def member_score(db: Database, guild_id: int, member_id: int) -> MemberScore | None:
    async with db.session() as s:
        return await s.get(MemberScore, (guild_id, member_id))


async def top_members_between(
    db: Database, guild_id: int, first_day: date, last_day: date, limit: int = 10, offset: int = 0
) -> list[RankedMember]:
    """Leaderboard for guild-local days first_day..last_day inclusive, summed from daily_scores.
    Streak fields are 0 here: streaks are an all-time notion."""
    d = _table(DailyScore).c
    points = func.sum(d.points).label("points")
    rank = func.rank().over(order_by=func.sum(d.points).desc()).label("rank")
    async with db.session() as s:
        rows = await _rows(
            s,
            core_select(
                rank,
                d.member_id,
                points,
                func.sum(d.answered),
                func.sum(d.right_answers),
                func.sum(d.right_first_try),
            )
            .where(d.guild_id == guild_id, d.day >= first_day, d.day <= last_day)
            .group_by(d.member_id)
            .order_by(points.desc(), d.member_id)
            .limit(limit)
            .offset(offset),
        )
    return [RankedMember(int(r[0]), r[1], int(r[2]), int(r[3]), int(r[4]), int(r[5])) for r in rows]


async def daily_scores(db: Database, guild_id: int, member_id: int) -> list[DailyScore]:
    async with db.session() as s:
        rows = await s.exec(
            select(DailyScore)
            .where(DailyScore.guild_id == guild_id, DailyScore.member_id == member_id)
            .order_by(col(DailyScore.day))
        )
        return list(rows.all())


# --------------------------------------------------------------------------- practice runs


@dataclass(frozen=True, slots=True)
class PracticeAnswer:
    question_id: str
    difficulty: str
    chosen: tuple[str, ...]
    right: bool
    tries: int = 1


async def record_practice_run(
    db: Database,
    *,
    member_id: int,
    lesson_id: str,
    mode: str,
    answers: Sequence[PracticeAnswer],
    started_at: datetime,
    finished_at: datetime | None = None,
    guild_id: int | None = None,
) -> PracticeRun:
    """Store a finished (or abandoned) practice/test run. Never touches scores or leaderboards.

    Idempotent: a run is identified by (member, lesson, mode, started_at), guarded by a unique
    index, so recording the same run twice (a double click on "finish") keeps the first row and
    returns it."""
    if mode not in ("practice", "test"):
        raise ValueError(f"mode must be 'practice' or 'test', got {mode!r}")
    started_at = _aware(started_at, "started_at")
    by_difficulty: dict[str, dict[str, int]] = {}
    for a in answers:
        bucket = by_difficulty.setdefault(a.difficulty, {"right": 0, "total": 0})
        bucket["total"] += 1
        bucket["right"] += int(a.right)
    values = {
        "guild_id": guild_id,
        "member_id": member_id,
        "lesson_id": lesson_id,
        "mode": mode,
        "answers": [
            {
                "question_id": a.question_id,
                "difficulty": a.difficulty,
                "chosen": list(a.chosen),
                "right": a.right,
                "tries": a.tries,
            }
            for a in answers
        ],
        "score_by_difficulty": by_difficulty,
        "right_answers": sum(int(a.right) for a in answers),
        "total": len(answers),
        "started_at": started_at,
        "finished_at": _aware(finished_at, "finished_at") if finished_at is not None else None,
    }
    stmt = (
        _insert(db, PracticeRun)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["member_id", "lesson_id", "mode", "started_at"])
    )
    async with db.writing() as s:
        await s.exec(stmt)
        run = (
            await s.exec(
                select(PracticeRun).where(
                    PracticeRun.member_id == member_id,
                    PracticeRun.lesson_id == lesson_id,
                    PracticeRun.mode == mode,
                    col(PracticeRun.started_at) == started_at,
                )
            )
        ).one()
        await s.commit()
    return run


async def practice_runs_for(
    db: Database, member_id: int, lesson_id: str | None = None, limit: int = 20
) -> list[PracticeRun]:
    """The member's runs, newest first."""
    stmt = select(PracticeRun).where(PracticeRun.member_id == member_id)
    if lesson_id is not None:
        stmt = stmt.where(PracticeRun.lesson_id == lesson_id)
    async with db.session() as s:
        rows = await s.exec(
            stmt.order_by(col(PracticeRun.started_at).desc(), col(PracticeRun.id).desc()).limit(limit)
        )
        return list(rows.all())
