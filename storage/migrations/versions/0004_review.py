"""Leaderboards and spaced review: week/month score rollups kept by triggers, review cards.

period_scores holds each member's totals per guild-local week (Monday first) and month. Triggers
on daily_scores add every change to the matching week and month rows, inside the same transaction
as the attempt that moved daily_scores, so the week and month boards read one indexed range instead
of summing up to 31 daily rows per member. Existing daily rows are rolled up once here.

Revision ID: 0004
Revises: 0003
Create Date: 2025-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)
COUNTERS = ("points", "answered", "right_answers", "right_first_try")

# A day's week start (Monday) and month start, per engine. SQLite stores dates as 'YYYY-MM-DD'.
_SQLITE_START = {"w": "date({d}, 'weekday 0', '-6 days')", "m": "date({d}, 'start of month')"}
_PG_START = {"w": "date_trunc('week', {d})::date", "m": "date_trunc('month', {d})::date"}


def _sqlite_triggers() -> list[str]:
    statements = []
    for event, delta in (("INSERT", "NEW.{c}"), ("UPDATE", "NEW.{c} - OLD.{c}")):
        upserts = []
        for period, start in _SQLITE_START.items():
            values = ", ".join(delta.format(c=c) for c in COUNTERS)
            sets = ", ".join(f"{c} = {c} + excluded.{c}" for c in COUNTERS)
            upserts.append(
                "INSERT INTO period_scores (guild_id, period, start, member_id, "
                f"{', '.join(COUNTERS)}) VALUES (NEW.guild_id, '{period}', "
                f"{start.format(d='NEW.day')}, NEW.member_id, {values}) "
                f"ON CONFLICT (guild_id, period, start, member_id) DO UPDATE SET {sets};"
            )
        statements.append(
            f"CREATE TRIGGER trg_daily_scores_periods_{event.lower()} AFTER {event} ON daily_scores "
            f"FOR EACH ROW BEGIN {' '.join(upserts)} END"
        )
    return statements


def _pg_function() -> str:
    deltas = ", ".join(
        f"CASE WHEN TG_OP = 'UPDATE' THEN NEW.{c} - OLD.{c} ELSE NEW.{c} END" for c in COUNTERS
    )
    rows = ", ".join(
        f"(NEW.guild_id, '{period}', {start.format(d='NEW.day')}, NEW.member_id, {deltas})"
        for period, start in _PG_START.items()
    )
    sets = ", ".join(f"{c} = period_scores.{c} + EXCLUDED.{c}" for c in COUNTERS)
    return (
        "CREATE FUNCTION quizbot_daily_scores_to_periods() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        "BEGIN\n"
        f"  INSERT INTO period_scores (guild_id, period, start, member_id, {', '.join(COUNTERS)})\n"
        f"  VALUES {rows}\n"
        f"  ON CONFLICT (guild_id, period, start, member_id) DO UPDATE SET {sets};\n"
        "  RETURN NULL;\n"
        "END $$"
    )


def upgrade() -> None:
    op.create_table(
        "period_scores",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("period", sa.String(length=1), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("member_id", sa.BigInteger(), autoincrement=False, nullable=False),
        *(sa.Column(c, sa.Integer(), nullable=False) for c in COUNTERS),
        sa.PrimaryKeyConstraint("guild_id", "period", "start", "member_id", name="pk_period_scores"),
    )
    op.create_index("ix_period_scores_board", "period_scores", ["guild_id", "period", "start", "points"])
    op.create_table(
        "review_cards",
        sa.Column("member_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("question_id", sa.String(length=200), nullable=False),
        sa.Column("due", UTC_DATETIME, nullable=False),
        sa.Column("card", sa.JSON(), nullable=False),
        sa.Column("reviews", sa.Integer(), nullable=False),
        sa.Column("lapses", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("member_id", "question_id", name="pk_review_cards"),
    )
    op.create_index("ix_review_cards_member_due", "review_cards", ["member_id", "due"])
    # Today's board: the top of one day without touching other days' rows.
    op.create_index("ix_daily_scores_guild_day_points", "daily_scores", ["guild_id", "day", "points"])
    # Lesson-filtered boards and question stats find a lesson's posts without a scan.
    op.create_index("ix_posts_guild_lesson", "posts", ["guild_id", "lesson_id"])

    starts = _PG_START if op.get_bind().dialect.name == "postgresql" else _SQLITE_START
    for period, start in starts.items():
        day_start = start.format(d="day")
        op.execute(
            f"INSERT INTO period_scores (guild_id, period, start, member_id, {', '.join(COUNTERS)}) "
            f"SELECT guild_id, '{period}', {day_start}, member_id, "
            f"{', '.join(f'sum({c})' for c in COUNTERS)} FROM daily_scores "
            f"GROUP BY guild_id, {day_start}, member_id"
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_pg_function())
        op.execute(
            "CREATE TRIGGER trg_daily_scores_periods AFTER INSERT OR UPDATE ON daily_scores "
            "FOR EACH ROW EXECUTE FUNCTION quizbot_daily_scores_to_periods()"
        )
    else:
        for statement in _sqlite_triggers():
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS trg_daily_scores_periods ON daily_scores")
        op.execute("DROP FUNCTION IF EXISTS quizbot_daily_scores_to_periods()")
    else:
        op.execute("DROP TRIGGER IF EXISTS trg_daily_scores_periods_insert")
        op.execute("DROP TRIGGER IF EXISTS trg_daily_scores_periods_update")
    op.drop_index("ix_posts_guild_lesson", table_name="posts")
    op.drop_index("ix_daily_scores_guild_day_points", table_name="daily_scores")
    op.drop_index("ix_review_cards_member_due", table_name="review_cards")
    op.drop_table("review_cards")
    op.drop_index("ix_period_scores_board", table_name="period_scores")
    op.drop_table("period_scores")
