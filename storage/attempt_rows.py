"""A member's tries on a post: the attempt rows and the scores each try moves, in one transaction.

Storage does not grade: `record_attempt` reads what is stored, hands it to the caller's decision
(bot.attempts applies the rules) and stores the try it returns, points included.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, Protocol, TypeVar

import asyncpg
from sqlmodel import col, select

from storage._common import aware
from storage.driver import DriverValues, for_dialect, numbered_dollars, per_dialect
from storage.engine import Database
from storage.guilds import zone
from storage.models import Attempt, Post

R = TypeVar("R")

CHOICE_SEPARATOR: Final = ","
CHOICE_MAX_CHARS: Final = 100  # attempts.chosen is VARCHAR(100)
NAME_CHARS: Final = 100  # member_scores.display_name is VARCHAR(100)
# Errors after which a try is simply made again, from what is then stored: another process stored
# the same try number first, or PostgreSQL broke a deadlock with a concurrent /forget-me (it and a
# try update the shared score_counts rows in different orders) by aborting the try.
_TRY_AGAIN: Final = (sqlite3.IntegrityError, asyncpg.UniqueViolationError, asyncpg.DeadlockDetectedError)
# Each conflict means another try (or a forget) landed meanwhile; a member has only a few tries.
_ROUNDS: Final = 5


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


@dataclass(frozen=True, slots=True)
class StoredTry:
    """One stored try: what a member has so far, and what a new try is decided on (the hot path's
    one read carries no times)."""

    try_no: int
    chosen: tuple[str, ...]
    right: bool
    points: int
    answered_at: datetime | None = None


async def member_tries(db: Database, post_id: int, member_id: int) -> tuple[StoredTry, ...]:
    """The member's tries on a post in order; empty if they never answered it."""
    async with db.session() as s:
        rows = await s.exec(
            select(Attempt)
            .where(Attempt.post_id == post_id, Attempt.member_id == member_id)
            .order_by(col(Attempt.try_no))
        )
        return tuple(
            StoredTry(a.try_no, decode_choice(a.chosen), a.is_right, a.points, a.answered_at)
            for a in rows.all()
        )


# --------------------------------------------------------------------------- recording a try


@dataclass(frozen=True, slots=True)
class AttemptState:
    """What a new try is decided on, read in the transaction that would store it."""

    chosen: tuple[str, ...]  # the new try's choice, normalised as it would be stored
    now: datetime  # when the member made it (aware UTC)
    closed: bool
    closes_at: datetime | None
    tries: tuple[StoredTry, ...]  # the member's earlier tries on the post, in order


class TryToStore(Protocol):
    """The try a decision asks to store; its points are added to the member's scores."""

    @property
    def try_no(self) -> int: ...
    @property
    def chosen(self) -> tuple[str, ...]: ...
    @property
    def right(self) -> bool: ...
    @property
    def points(self) -> int: ...


# The caller's rule: its outcome (returned by record_attempt as is) and the try to store, if any.
Decide = Callable[[AttemptState], tuple[R, TryToStore | None]]


async def record_attempt(
    db: Database,
    post: Post,
    member_id: int,
    chosen: Sequence[str],
    decide: Decide[R],
    now: datetime,
    *,
    member_name: str | None = None,
) -> R:
    """Decide one try on what is stored and store it, moving member_scores and daily_scores in the
    same transaction; `member_name` (the member's display name now) is kept on their scores row for
    the moderators' exports. Raises LookupError when the post is gone.

    Tries by one member on one post are serialised by an in-process lock, and the unique
    (post, member, try_no) constraint stops a second process from storing the same try twice: on a
    conflict the whole decision is re-made from what is now stored.
    """
    if post.id is None:
        raise ValueError("post has no id; store it with create_post first")
    now = aware(now, "now")
    choice = decode_choice(encode_choice(chosen))
    name = member_name[:NAME_CHARS] if member_name else None
    run = _record_on_postgresql if db.dialect == "postgresql" else _record_on_sqlite
    async with db.lock("attempt", post.id, member_id):
        for _ in range(_ROUNDS):
            try:
                return await run(db, _attempt_sql(db), post.id, member_id, choice, decide, now, name)
            except _TRY_AGAIN:
                continue
    raise RuntimeError(f"could not store a try for member {member_id} on post {post.id}")


async def _record_on_postgresql(
    db: Database,
    sql: _AttemptSql,
    post_id: int,
    member_id: int,
    choice: tuple[str, ...],
    decide: Decide[R],
    now: datetime,
    name: str | None,
) -> R:
    async with db.postgres_connection() as conn, conn.transaction():
        state = await conn.fetch(sql.state, post_id, member_id)
        outcome, rows = _decided(sql, state, post_id, member_id, choice, decide, now, name)
        if rows is not None:
            attempt, scores = rows
            await conn.execute(sql.store, *attempt, *scores)  # one round trip for all three rows
    return outcome


async def _record_on_sqlite(
    db: Database,
    sql: _AttemptSql,
    post_id: int,
    member_id: int,
    choice: tuple[str, ...],
    decide: Decide[R],
    now: datetime,
    name: str | None,
) -> R:
    def work(conn: sqlite3.Connection) -> R:
        state = conn.execute(sql.state, (post_id, member_id)).fetchall()
        outcome, rows = _decided(sql, state, post_id, member_id, choice, decide, now, name)
        if rows is not None:
            attempt, scores = rows
            conn.execute(sql.insert, attempt)  # the unique constraint speaks before scores move
            conn.execute(sql.member_scores, scores)
            conn.execute(sql.daily_scores, scores[:7])
        return outcome

    # One call for the whole transaction (SQLite writers are serial anyway): see sqlite_write.
    return await db.sqlite_write(work)


def _decided(
    sql: _AttemptSql,
    state: Sequence[Any],
    post_id: int,
    member_id: int,
    choice: tuple[str, ...],
    decide: Decide[R],
    now: datetime,
    name: str | None,
) -> tuple[R, tuple[tuple[Any, ...], tuple[Any, ...]] | None]:
    """Hand the stored state (the rows of _STATE_SQL) to `decide`; return its outcome and the
    parameters of the attempt row and of the score upserts (None: nothing to store)."""
    if not state:
        raise LookupError(f"no post {post_id}")
    guild_id, closed, closes_at, tz_name = state[0][0], state[0][1], state[0][2], state[0][3]
    earlier = tuple(
        StoredTry(row[4], decode_choice(row[5]), bool(row[6]), row[7]) for row in state if row[4] is not None
    )
    read_closes_at = sql.values.read_time(closes_at) if closes_at is not None else None
    outcome, new = decide(AttemptState(choice, now, bool(closed), read_closes_at, earlier))
    if new is None:
        return outcome, None
    day = now.astimezone(zone(tz_name or "UTC")).date()
    attempt = (
        post_id,
        guild_id,
        member_id,
        new.try_no,
        encode_choice(new.chosen),
        new.right,
        new.points,
        sql.values.time(now),
    )
    scores = (
        guild_id,
        member_id,
        new.points,
        int(new.try_no == 1),
        int(new.right),
        int(new.right and new.try_no == 1),
        sql.values.day(day),
        sql.values.day(day - timedelta(days=1)),
        name,
    )
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
    current_streak, best_streak, last_answered_day, display_name)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, 1, ?7, ?9)
ON CONFLICT (guild_id, member_id) DO UPDATE SET
    display_name = COALESCE(excluded.display_name, member_scores.display_name),
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
    _INSERT_SQL, then the 9 of _MEMBER_SCORES_SQL (whose first 7 _DAILY_SCORES_SQL shares)."""
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
