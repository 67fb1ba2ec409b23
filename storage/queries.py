"""Every read and write the bot does, one function per need. All times are timezone-aware UTC.

Points are integer thirds (bot.grading.format_points renders them). Each write is one transaction.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Table, and_, bindparam, case, delete, func, or_, update
from sqlalchemy import insert as core_insert
from sqlalchemy import select as core_select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.grading import MAX_TRIES, Feedback, QuestionLike, feedback_for
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


async def _guild_zone(s: AsyncSession, guild_id: int) -> ZoneInfo:
    tz_name = (await s.exec(select(GuildSettings.timezone).where(GuildSettings.guild_id == guild_id))).first()
    return zone(tz_name or "UTC")


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


async def delete_post(db: Database, post_id: int) -> None:
    """Forget a post that never reached Discord (sending failed). Its attempts go with it."""
    async with db.writing() as s:
        await s.exec(delete(Post).where(col(Post.id) == post_id))
        await s.commit()


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
            except IntegrityError:
                continue  # another process stored this try number first
    raise RuntimeError(f"could not store a try for member {member_id} on post {post.id}")


async def _record_attempt_once(
    db: Database, post_id: int, member_id: int, choice: str, question: QuestionLike, now: datetime
) -> AttemptOutcome:
    sql = _attempt_statements(db.dialect)
    async with db.write_transaction() as conn:
        # One read: the post (FOR SHARE on PostgreSQL: tries on one post do not wait for each other,
        # but close_post waits for tries in flight, so no try lands after the reveal counted the
        # post; SQLite is already serial), the guild's time zone and this member's earlier tries.
        rows = (await conn.execute(sql.state, {"post_id": post_id, "member_id": member_id})).all()
        if not rows:
            raise LookupError(f"no post {post_id}")
        guild_id, closed, closes_at, tz_name = rows[0][:4]
        previous = [row for row in rows if row.try_no is not None]
        earned = sum(row.points for row in previous)
        if previous and (previous[-1].is_right or len(previous) >= MAX_TRIES):
            last = previous[-1]
            return AttemptOutcome(
                AttemptStatus.ALREADY_DONE,
                feedback_for(question, decode_choice(last.chosen), last.try_no),
                last.try_no,
                earned,
            )
        if closed or (closes_at is not None and closes_at <= now):
            return AttemptOutcome(AttemptStatus.CLOSED, None, len(previous), earned)

        try_no = len(previous) + 1
        feedback = feedback_for(question, decode_choice(choice), try_no)
        # The unique (post, member, try_no) constraint speaks here, before the scores move.
        await conn.execute(
            sql.insert,
            {
                "post_id": post_id,
                "guild_id": guild_id,
                "member_id": member_id,
                "try_no": try_no,
                "chosen": choice,
                "is_right": feedback.right,
                "points": feedback.points,
                "answered_at": now,
            },
        )
        day = now.astimezone(zone(tz_name or "UTC")).date()
        scores = {
            "guild_id": guild_id,
            "member_id": member_id,
            "day": day,
            "yesterday": day - timedelta(days=1),
            "points": feedback.points,
            "answered": int(try_no == 1),
            "right_answers": int(feedback.right),
            "right_first_try": int(feedback.right and try_no == 1),
        }
        await conn.execute(sql.member_scores, scores)
        await conn.execute(sql.daily_scores, scores)
    return AttemptOutcome(AttemptStatus.RECORDED, feedback, try_no, earned + feedback.points)


@dataclass(frozen=True, slots=True)
class _AttemptStatements:
    state: Any
    insert: Any
    member_scores: Any
    daily_scores: Any


# Built once per dialect: SQLAlchemy then compiles each once and memoizes its cache key, so a try
# costs no statement building (it used to be ~5 ms of CPU, mostly here and in the ORM flush).
_ATTEMPT_STATEMENTS: dict[str, _AttemptStatements] = {}


def _attempt_statements(dialect: str) -> _AttemptStatements:
    built = _ATTEMPT_STATEMENTS.get(dialect)
    if built is None:
        built = _ATTEMPT_STATEMENTS[dialect] = _build_attempt_statements(dialect)
    return built


def _build_attempt_statements(dialect: str) -> _AttemptStatements:
    posts, settings, attempts = _table(Post), _table(GuildSettings), _table(Attempt)
    p, g, a = posts.c, settings.c, attempts.c
    state = (
        core_select(p.guild_id, p.closed, p.closes_at, g.timezone, a.try_no, a.chosen, a.is_right, a.points)
        .select_from(
            posts.outerjoin(settings, g.guild_id == p.guild_id).outerjoin(
                attempts,
                and_(a.post_id == p.id, a.member_id == bindparam("member_id", type_=a.member_id.type)),
            )
        )
        .where(p.id == bindparam("post_id", type_=p.id.type))
        .order_by(a.try_no)
        .with_for_update(read=True, of=posts)  # SQLite renders nothing here
    )
    make_insert = pg_insert if dialect == "postgresql" else sqlite_insert

    def param(name: str, column: Any) -> Any:
        return bindparam(name, type_=column.type)

    # Increments happen inside the upsert, so two transactions for one member (two posts, two
    # processes) cannot lose each other's update.
    ms_table = _table(MemberScore)
    ms = ms_table.c
    day, yesterday = param("day", ms.last_answered_day), param("yesterday", ms.last_answered_day)
    streak = case(
        (ms.last_answered_day == day, ms.current_streak),
        (ms.last_answered_day == yesterday, ms.current_streak + 1),
        (ms.last_answered_day > day, ms.current_streak),  # an older answer arriving late
        else_=1,
    )
    member = make_insert(ms_table).values(
        guild_id=param("guild_id", ms.guild_id),
        member_id=param("member_id", ms.member_id),
        points=param("points", ms.points),
        answered=param("answered", ms.answered),
        right_answers=param("right_answers", ms.right_answers),
        right_first_try=param("right_first_try", ms.right_first_try),
        current_streak=1,
        best_streak=1,
        last_answered_day=day,
    )
    member = member.on_conflict_do_update(
        index_elements=["guild_id", "member_id"],
        set_={
            "points": ms.points + member.excluded.points,
            "answered": ms.answered + member.excluded.answered,
            "right_answers": ms.right_answers + member.excluded.right_answers,
            "right_first_try": ms.right_first_try + member.excluded.right_first_try,
            "current_streak": streak,
            "best_streak": case((streak > ms.best_streak, streak), else_=ms.best_streak),
            "last_answered_day": case(
                (or_(ms.last_answered_day.is_(None), ms.last_answered_day < day), day),
                else_=ms.last_answered_day,
            ),
        },
    )

    ds_table = _table(DailyScore)
    ds = ds_table.c
    daily = make_insert(ds_table).values(
        guild_id=param("guild_id", ds.guild_id),
        member_id=param("member_id", ds.member_id),
        day=param("day", ds.day),
        points=param("points", ds.points),
        answered=param("answered", ds.answered),
        right_answers=param("right_answers", ds.right_answers),
        right_first_try=param("right_first_try", ds.right_first_try),
    )
    daily = daily.on_conflict_do_update(
        index_elements=["guild_id", "member_id", "day"],
        set_={
            "points": ds.points + daily.excluded.points,
            "answered": ds.answered + daily.excluded.answered,
            "right_answers": ds.right_answers + daily.excluded.right_answers,
            "right_first_try": ds.right_first_try + daily.excluded.right_first_try,
        },
    )
    return _AttemptStatements(state, core_insert(attempts), member, daily)


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


# --------------------------------------------------------------------------- forgetting a member


async def forget_member(db: Database, member_id: int) -> int:
    """Delete everything stored about a member in every guild (tries, scores, rollups, practice runs)
    and unlink them from posts they made. Returns the number of rows deleted. Other members'
    scores are untouched; a post's tally simply no longer counts this member."""
    deleted = 0
    async with db.writing() as s:
        for model in (Attempt, MemberScore, DailyScore, PracticeRun):
            table = _table(model)
            result = await s.exec(delete(table).where(table.c.member_id == member_id))
            deleted += result.rowcount or 0
        await s.exec(update(Post).where(col(Post.posted_by) == member_id).values(posted_by=None))
        await s.commit()
    return deleted
