"""Tables. Alembic migrations under storage/migrations own the schema; these classes mirror it.

Conventions: Discord snowflakes are BigInteger; times are timezone-aware UTC (`UTCDateTime`);
points are integer thirds of a point (see bot.grading), so sums stay exact.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Index, SmallInteger, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime

_NOT_AUTO = {"autoincrement": False}

# Predictable constraint names, so later migrations can alter or drop them on both engines.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class GuildSettings(SQLModel, table=True):
    __tablename__ = "guild_settings"

    guild_id: int = Field(sa_type=BigInteger, primary_key=True, sa_column_kwargs=_NOT_AUTO)
    moderator_role_id: int | None = Field(default=None, sa_type=BigInteger)
    # IANA name (e.g. "Europe/Berlin"): decides which day an answer counts for (streaks, daily rollups).
    timezone: str = Field(default="UTC", max_length=64)
    # The monthly champion (migration 0007): the role last month's top member gets, and where the
    # bot congratulates them.
    champion_role_id: int | None = Field(default=None, sa_type=BigInteger)
    champion_channel_id: int | None = Field(default=None, sa_type=BigInteger)
    # A Discord locale for public posts (/config language); None: the server's own Discord language.
    language: str | None = Field(default=None, max_length=10)
    updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Post(SQLModel, table=True):
    """A question posted publicly in a channel; members answer it with buttons."""

    __tablename__ = "posts"
    __table_args__ = (
        Index("ix_posts_guild_channel", "guild_id", "channel_id"),
        Index("ix_posts_closed_closes_at", "closed", "closes_at"),
        Index("uq_posts_message_id", "message_id", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger)
    channel_id: int = Field(sa_type=BigInteger)
    # Set once Discord has accepted the message (the post row exists first so its id can go in custom_id).
    message_id: int | None = Field(default=None, sa_type=BigInteger)
    question_id: str = Field(max_length=200)
    lesson_id: str = Field(max_length=200)
    posted_by: int | None = Field(default=None, sa_type=BigInteger)
    posted_at: datetime = Field(sa_type=UTCDateTime)
    closes_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed: bool = Field(default=False)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Question.digest when posted (None: posted before digests were kept), so a click on a post whose
    # question changed since is told so instead of graded against the new answer.
    question_digest: str | None = Field(default=None, max_length=16)


class Attempt(SQLModel, table=True):
    """One try by one member on one post. (post, member, try_no) is unique: a double click cannot add a try."""

    __tablename__ = "attempts"
    __table_args__ = (
        UniqueConstraint("post_id", "member_id", "try_no", name="uq_attempts_post_member_try"),
        CheckConstraint("try_no BETWEEN 1 AND 3", name="try_no"),
        Index("ix_attempts_guild_member", "guild_id", "member_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(foreign_key="posts.id", ondelete="CASCADE")
    guild_id: int = Field(sa_type=BigInteger)
    member_id: int = Field(sa_type=BigInteger)
    try_no: int = Field(sa_type=SmallInteger)
    # Option letters joined by "," (one per blank for fill_blanks), e.g. "B" or "A,C".
    chosen: str = Field(max_length=100)
    is_right: bool
    points: int = 0
    answered_at: datetime = Field(sa_type=UTCDateTime)


class MemberScore(SQLModel, table=True):
    """Running totals per member per guild, updated in the attempt's transaction; leaderboards read this."""

    __tablename__ = "member_scores"
    __table_args__ = (Index("ix_member_scores_guild_points", "guild_id", "points"),)

    guild_id: int = Field(sa_type=BigInteger, primary_key=True, sa_column_kwargs=_NOT_AUTO)
    member_id: int = Field(sa_type=BigInteger, primary_key=True, sa_column_kwargs=_NOT_AUTO)
    points: int = 0
    answered: int = 0  # posts the member tried at least once
    right_answers: int = 0  # posts eventually answered right
    right_first_try: int = 0
    current_streak: int = 0  # consecutive days (guild time zone) with at least one try
    best_streak: int = 0
    last_answered_day: date | None = None
    # The member's display name at their latest try (migration 0009): what the moderators' export
    # shows for a member the bot's cache does not hold (it holds few: no privileged members intent).
    display_name: str | None = Field(default=None, max_length=100)


class DailyScore(SQLModel, table=True):
    """Per member per guild-local day rollup: period leaderboards sum a few of these rows."""

    __tablename__ = "daily_scores"
    __table_args__ = (Index("ix_daily_scores_guild_day", "guild_id", "day"),)

    guild_id: int = Field(sa_type=BigInteger, primary_key=True, sa_column_kwargs=_NOT_AUTO)
    member_id: int = Field(sa_type=BigInteger, primary_key=True, sa_column_kwargs=_NOT_AUTO)
    day: date = Field(primary_key=True)
    points: int = 0
    answered: int = 0
    right_answers: int = 0
    right_first_try: int = 0


class PracticeRun(SQLModel, table=True):
    """A private practice or test run through a lesson: recorded for the member, never ranked."""

    __tablename__ = "practice_runs"
    __table_args__ = (
        Index("ix_practice_runs_member_started", "member_id", "started_at"),
        # One row per run: recording the same run twice (a double click on "finish") is harmless.
        Index("uq_practice_runs_run", "member_id", "lesson_id", "mode", "started_at", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int | None = Field(default=None, sa_type=BigInteger)
    member_id: int = Field(sa_type=BigInteger)
    lesson_id: str = Field(max_length=200)
    mode: str = Field(max_length=20)  # "practice" or "test"
    # [{"question_id", "difficulty", "chosen": [...], "right", "tries"}, ...]
    answers: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    # {"easy": {"right": 2, "total": 3}, ...}
    score_by_difficulty: dict[str, dict[str, int]] = Field(default_factory=dict, sa_type=JSON)
    right_answers: int = 0
    total: int = 0
    started_at: datetime = Field(sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


metadata = SQLModel.metadata


# ----- scheduled daily quizzes (migration 0003) ---------------------------------------------
class Schedule(SQLModel, table=True):
    """A daily quiz: `count` questions of a lesson posted in a channel at hour:minute in `timezone`."""

    __tablename__ = "schedules"
    __table_args__ = (
        CheckConstraint("hour BETWEEN 0 AND 23", name="hour"),
        CheckConstraint("minute BETWEEN 0 AND 59", name="minute"),
        CheckConstraint("count BETWEEN 1 AND 5", name="count"),
        Index("ix_schedules_guild", "guild_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger)
    channel_id: int = Field(sa_type=BigInteger)
    created_by: int = Field(sa_type=BigInteger)  # the moderator told when the schedule pauses itself
    lesson_id: str = Field(max_length=200)
    difficulty: str = Field(default="any", max_length=10)  # any, easy, medium, hard
    count: int = Field(default=1, sa_type=SmallInteger)
    # None: the posts stay open until the next run opens (then they close and reveal).
    close_after_minutes: int | None = None
    hour: int = Field(sa_type=SmallInteger)
    minute: int = Field(sa_type=SmallInteger)
    timezone: str = Field(max_length=64)  # IANA name
    paused: bool = False
    paused_reason: str | None = Field(default=None, max_length=300)
    created_at: datetime = Field(sa_type=UTCDateTime)


class ScheduleRun(SQLModel, table=True):
    """One day's run of a schedule, claimed before posting: (schedule, local date) is unique."""

    __tablename__ = "schedule_runs"
    __table_args__ = (UniqueConstraint("schedule_id", "run_date", name="uq_schedule_runs_schedule_date"),)

    id: int | None = Field(default=None, primary_key=True)
    schedule_id: int = Field(foreign_key="schedules.id", ondelete="CASCADE")
    run_date: date  # the local date in the schedule's time zone
    due_at: datetime = Field(sa_type=UTCDateTime)
    claimed_at: datetime = Field(sa_type=UTCDateTime)
    status: str = Field(default="claimed", max_length=20)  # claimed, posted, failed, skipped
    post_ids: list[int] = Field(default_factory=list, sa_type=JSON)
    error: str | None = Field(default=None, max_length=500)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


# ----- leaderboards and spaced review (migration 0004) --------------------------------------
class PeriodScore(SQLModel, table=True):
    """Per member per guild-local week ("w", starts Monday) or month ("m") totals.

    Kept by database triggers on daily_scores (migration 0004), so they move in the attempt's own
    transaction without storage.attempt_rows knowing about them; week and month boards read one indexed range.
    """

    __tablename__ = "period_scores"
    __table_args__ = (Index("ix_period_scores_board", "guild_id", "period", "start", "points"),)

    guild_id: int = Field(sa_type=BigInteger, primary_key=True, sa_column_kwargs=_NOT_AUTO)
    period: str = Field(primary_key=True, max_length=1)  # "w" or "m"
    start: date = Field(primary_key=True)  # the period's first guild-local day
    member_id: int = Field(sa_type=BigInteger, primary_key=True, sa_column_kwargs=_NOT_AUTO)
    points: int = 0
    answered: int = 0
    right_answers: int = 0
    right_first_try: int = 0


class ReviewCard(SQLModel, table=True):
    """One member's spaced-review card for one missed question, shared by every guild:
    what a person remembers does not depend on the server they answered in."""

    __tablename__ = "review_cards"
    __table_args__ = (Index("ix_review_cards_member_due", "member_id", "due"),)

    member_id: int = Field(sa_type=BigInteger, primary_key=True, sa_column_kwargs=_NOT_AUTO)
    question_id: str = Field(primary_key=True, max_length=200)
    due: datetime = Field(sa_type=UTCDateTime)
    # The scheduler's card as bot.spaced_review gives it (Card.to_dict(): state, step, stability,
    # difficulty, due, last_review); storage never reads inside it.
    card: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    # Every rating adds one: a rating names the count it saw, so a doubled click rates once.
    reviews: int = 0
    lapses: int = 0  # times rated Again
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class ReviewReminder(SQLModel, table=True):
    """A member who asked for a DM when reviews are due (migration 0005); no row: no reminders."""

    __tablename__ = "review_reminders"

    member_id: int = Field(sa_type=BigInteger, primary_key=True, sa_column_kwargs=_NOT_AUTO)
    created_at: datetime = Field(sa_type=UTCDateTime)
    last_sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The member's Discord language when they asked (migration 0013): a DM has no interaction to say it.
    locale: str | None = Field(default=None, max_length=10)


class LiveGame(SQLModel, table=True):
    """A live round (migration 0006): questions one after another in a channel, each timed.

    `phase` and `current` say where it is (lobby, a question open, its reveal, done), `deadline` when
    that phase ends. Each step is a compare-and-set on `version`, so a restarted bot continues a game
    and two processes never take one step twice. One game at a time per channel."""

    __tablename__ = "live_games"
    __table_args__ = (
        Index(
            "uq_live_games_running_channel",
            "channel_id",
            unique=True,
            sqlite_where=text("phase != 'done'"),
            postgresql_where=text("phase != 'done'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger)
    channel_id: int = Field(sa_type=BigInteger)
    lesson_id: str = Field(max_length=200)
    question_ids: list[str] = Field(default_factory=list, sa_type=JSON)
    seconds: int = Field(sa_type=SmallInteger)  # per question
    started_by: int | None = Field(default=None, sa_type=BigInteger)  # None after their /forget-me
    phase: str = Field(default="lobby", max_length=10)  # lobby, question, reveal, done
    current: int = Field(default=-1, sa_type=SmallInteger)  # the question shown or revealed last
    deadline: datetime = Field(sa_type=UTCDateTime)
    post_ids: list[int] = Field(default_factory=list, sa_type=JSON)  # one per question shown so far
    message_id: int | None = Field(default=None, sa_type=BigInteger)  # the lobby message
    version: int = 0
    created_at: datetime = Field(sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LivePlayer(SQLModel, table=True):
    """A member who pressed Join: the game's "everyone has answered" waits for these."""

    __tablename__ = "live_players"

    game_id: int = Field(foreign_key="live_games.id", primary_key=True, ondelete="CASCADE")
    member_id: int = Field(sa_type=BigInteger, primary_key=True, sa_column_kwargs=_NOT_AUTO)
    joined_at: datetime = Field(sa_type=UTCDateTime)


class ChampionMonth(SQLModel, table=True):
    """One month's champion award in one guild, claimed before the role moves: (guild, month) is
    unique, so each month is awarded once whatever restarts or however many processes."""

    __tablename__ = "champion_months"

    guild_id: int = Field(sa_type=BigInteger, primary_key=True, sa_column_kwargs=_NOT_AUTO)
    month: date = Field(primary_key=True)  # the first day of the month awarded
    claimed_at: datetime = Field(sa_type=UTCDateTime)
    status: str = Field(default="claimed", max_length=20)  # claimed, awarded, nobody, failed
    winners: list[int] = Field(default_factory=list, sa_type=JSON)
    error: str | None = Field(default=None, max_length=300)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LessonUpload(SQLModel, table=True):
    """One uploaded lesson file, as quizbot YAML: a draft awaiting Publish (`version` None), or one
    published version of a server's lesson. Versions are never changed or deleted: restoring one
    publishes its text again as the next version."""

    __tablename__ = "lesson_uploads"
    __table_args__ = (UniqueConstraint("guild_id", "lesson_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger)
    lesson_id: str = Field(max_length=48)  # as authored; content.scoping gives the server's id
    version: int | None = None
    title: str = Field(max_length=256)
    questions: int
    source: str = Field(max_length=200)  # the uploaded file's name
    format: str = Field(max_length=20)
    text: str = Field(sa_type=Text)
    uploaded_by: int = Field(sa_type=BigInteger)
    uploaded_at: datetime = Field(sa_type=UTCDateTime)


class ServerLesson(SQLModel, table=True):
    """A server's lesson: which published version is in use."""

    __tablename__ = "server_lessons"

    guild_id: int = Field(sa_type=BigInteger, primary_key=True, sa_column_kwargs=_NOT_AUTO)
    lesson_id: str = Field(primary_key=True, max_length=48)
    version: int


class HiddenLesson(SQLModel, table=True):
    """A bundled lesson a server does not want: it leaves that server's lesson lists."""

    __tablename__ = "hidden_lessons"

    guild_id: int = Field(sa_type=BigInteger, primary_key=True, sa_column_kwargs=_NOT_AUTO)
    lesson_id: str = Field(primary_key=True, max_length=200)


class LessonChange(SQLModel, table=True):
    """A server's lessons changed: every bot process reloads that server's lessons once it reads this."""

    __tablename__ = "lesson_changes"

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger)
    changed_at: datetime = Field(sa_type=UTCDateTime)


class ScoreCount(SQLModel, table=True):
    """How many members of a guild have exactly `points` on one board: a histogram kept by triggers
    (migration 0004), so a rank is a sum over the point values above it, not a count of members."""

    __tablename__ = "score_counts"

    guild_id: int = Field(sa_type=BigInteger, primary_key=True, sa_column_kwargs=_NOT_AUTO)
    board: str = Field(primary_key=True, max_length=1)  # "a" all time, "d" day, "w" week, "m" month
    start: date = Field(primary_key=True)  # the board's first day; 1970-01-01 for all time
    points: int = Field(primary_key=True, sa_column_kwargs=_NOT_AUTO)
    members: int = 0


class LessonScore(SQLModel, table=True):
    """All-time totals per member per lesson, added by a trigger on attempts (migration 0004)."""

    __tablename__ = "lesson_scores"
    __table_args__ = (Index("ix_lesson_scores_board", "guild_id", "lesson_id", "points"),)

    guild_id: int = Field(sa_type=BigInteger, primary_key=True, sa_column_kwargs=_NOT_AUTO)
    lesson_id: str = Field(primary_key=True, max_length=200)
    member_id: int = Field(sa_type=BigInteger, primary_key=True, sa_column_kwargs=_NOT_AUTO)
    points: int = 0
    answered: int = 0
    right_answers: int = 0
    right_first_try: int = 0


# Indexes on earlier tables, declared here so this block stays the only place 0004 touches.
Index(
    "ix_daily_scores_guild_day_points",
    DailyScore.__table__.c.guild_id,  # type: ignore[attr-defined]
    DailyScore.__table__.c.day,  # type: ignore[attr-defined]
    DailyScore.__table__.c.points,  # type: ignore[attr-defined]
)
Index(
    "ix_posts_guild_lesson",
    Post.__table__.c.guild_id,  # type: ignore[attr-defined]
    Post.__table__.c.lesson_id,  # type: ignore[attr-defined]
)
# Migration 0008: every column storage.reports reads of an attempt, so the quality report's GROUP BYs
# read this index alone, never the table rows.
Index(
    "ix_attempts_post_try_covering",
    *(Attempt.__table__.c[name] for name in ("post_id", "try_no", "is_right", "member_id", "chosen")),  # type: ignore[attr-defined]
)
