"""Leaderboards and spaced review: week/month score rollups kept by triggers, review cards.

period_scores holds each member's totals per guild-local week (Monday first) and month. Triggers
on daily_scores add every change to the matching week and month rows, inside the same transaction
as the attempt that moved daily_scores, so the week and month boards read one indexed range instead
of summing up to 31 daily rows per member. Existing daily rows are rolled up once here.

score_counts is a histogram per board (all time "a", a day "d", a week "w", a month "m"): how many
members have exactly n points. Triggers on member_scores, daily_scores and period_scores move a
member from one bucket to the next, so a rank is a sum over the distinct point values above it
(a few hundred rows) instead of a count over every member above it.

lesson_scores holds each member's all-time totals per lesson, added by a trigger on attempts, for
the lesson-filtered board.

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


ALL_TIME = "1970-01-01"  # score_counts.start for the all-time board (primary key columns are not null)
# (table, board expression, start expression) of the tables whose points the histogram follows.
_COUNTED = (
    ("member_scores", "'a'", "'" + ALL_TIME + "'"),
    ("daily_scores", "'d'", "{r}.day"),
    ("period_scores", "{r}.period", "{r}.start"),
)


def _bucket(table: str, rec: str) -> tuple[str, str]:
    board, start = next((b, s) for t, b, s in _COUNTED if t == table)
    return board.format(r=rec), start.format(r=rec)


def _count_sql(table: str, rec: str, delta: str, pg: bool) -> str:
    board, start = _bucket(table, rec)
    if pg and rec == "NEW":
        start = f"({start})::date"
    if delta == "+1":
        plus = "score_counts.members + 1" if pg else "members + 1"
        return (
            "INSERT INTO score_counts (guild_id, board, start, points, members) "
            f"VALUES ({rec}.guild_id, {board}, {start}, {rec}.points, 1) "
            f"ON CONFLICT (guild_id, board, start, points) DO UPDATE SET members = {plus};"
        )
    return (
        "UPDATE score_counts SET members = members - 1 "
        f"WHERE guild_id = {rec}.guild_id AND board = {board} AND start = {start} AND points = {rec}.points;"
    )


def _sqlite_count_triggers() -> list[str]:
    out = []
    for table, _, _ in _COUNTED:
        out += [
            f"CREATE TRIGGER trg_{table}_counts_insert AFTER INSERT ON {table} FOR EACH ROW "
            f"BEGIN {_count_sql(table, 'NEW', '+1', False)} END",
            f"CREATE TRIGGER trg_{table}_counts_update AFTER UPDATE ON {table} FOR EACH ROW "
            f"WHEN NEW.points <> OLD.points BEGIN {_count_sql(table, 'OLD', '-1', False)} "
            f"{_count_sql(table, 'NEW', '+1', False)} END",
            f"CREATE TRIGGER trg_{table}_counts_delete AFTER DELETE ON {table} FOR EACH ROW "
            f"BEGIN {_count_sql(table, 'OLD', '-1', False)} END",
        ]
    return out


def _pg_count_functions() -> list[str]:
    out = []
    for table, _, _ in _COUNTED:
        out.append(
            f"CREATE FUNCTION quizbot_{table}_counts() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            "BEGIN\n"
            "  IF TG_OP = 'UPDATE' THEN\n"
            "    IF NEW.points = OLD.points THEN RETURN NULL; END IF;\n"
            "  END IF;\n"
            "  IF TG_OP IN ('UPDATE', 'DELETE') THEN\n"
            f"    {_count_sql(table, 'OLD', '-1', True)}\n"
            "  END IF;\n"
            "  IF TG_OP IN ('INSERT', 'UPDATE') THEN\n"
            f"    {_count_sql(table, 'NEW', '+1', True)}\n"
            "  END IF;\n"
            "  RETURN NULL;\n"
            "END $$"
        )
        out.append(
            f"CREATE TRIGGER trg_{table}_counts AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION quizbot_{table}_counts()"
        )
    return out


def _lesson_trigger(pg: bool) -> list[str]:
    flags = (
        "(NEW.try_no = 1)::int, NEW.is_right::int, (NEW.is_right AND NEW.try_no = 1)::int"
        if pg
        else "NEW.try_no = 1, NEW.is_right, NEW.is_right AND NEW.try_no = 1"
    )
    sets = ", ".join(f"{c} = {'lesson_scores.' if pg else ''}{c} + excluded.{c}" for c in COUNTERS)
    upsert = (
        f"INSERT INTO lesson_scores (guild_id, lesson_id, member_id, {', '.join(COUNTERS)}) "
        f"SELECT NEW.guild_id, p.lesson_id, NEW.member_id, NEW.points, {flags} "
        "FROM posts p WHERE p.id = NEW.post_id "
        f"ON CONFLICT (guild_id, lesson_id, member_id) DO UPDATE SET {sets};"
    )
    if not pg:
        return [
            f"CREATE TRIGGER trg_attempts_lesson_scores AFTER INSERT ON attempts FOR EACH ROW BEGIN {upsert} END"
        ]
    return [
        "CREATE FUNCTION quizbot_attempts_lesson_scores() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"BEGIN\n  {upsert}\n  RETURN NULL;\nEND $$",
        "CREATE TRIGGER trg_attempts_lesson_scores AFTER INSERT ON attempts "
        "FOR EACH ROW EXECUTE FUNCTION quizbot_attempts_lesson_scores()",
    ]


def backfill_counts(pg: bool) -> list[str]:
    """Fill score_counts and lesson_scores from the rows already there (also used by the benchmark)."""
    out = []
    for table, board, start in _COUNTED:
        b, st = board.format(r=table), start.format(r=table)
        if pg:
            st = f"({st})::date"
        out.append(
            "INSERT INTO score_counts (guild_id, board, start, points, members) "
            f"SELECT guild_id, {b}, {st}, points, count(*) FROM {table} GROUP BY 1, 2, 3, 4"
        )
    flags = (
        "sum((a.try_no = 1)::int), sum(a.is_right::int), sum((a.is_right AND a.try_no = 1)::int)"
        if pg
        else "sum(a.try_no = 1), sum(a.is_right), sum(a.is_right AND a.try_no = 1)"
    )
    out.append(
        f"INSERT INTO lesson_scores (guild_id, lesson_id, member_id, {', '.join(COUNTERS)}) "
        f"SELECT a.guild_id, p.lesson_id, a.member_id, sum(a.points), {flags} "
        "FROM attempts a JOIN posts p ON p.id = a.post_id GROUP BY a.guild_id, p.lesson_id, a.member_id"
    )
    return out


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
    op.create_table(
        "score_counts",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("board", sa.String(length=1), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("points", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "board", "start", "points", name="pk_score_counts"),
    )
    op.create_table(
        "lesson_scores",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("lesson_id", sa.String(length=200), nullable=False),
        sa.Column("member_id", sa.BigInteger(), autoincrement=False, nullable=False),
        *(sa.Column(c, sa.Integer(), nullable=False) for c in COUNTERS),
        sa.PrimaryKeyConstraint("guild_id", "lesson_id", "member_id", name="pk_lesson_scores"),
    )
    op.create_index("ix_lesson_scores_board", "lesson_scores", ["guild_id", "lesson_id", "points"])
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
    pg = op.get_bind().dialect.name == "postgresql"
    for statement in backfill_counts(pg):
        op.execute(statement)
    for statement in (_pg_count_functions() if pg else _sqlite_count_triggers()) + _lesson_trigger(pg):
        op.execute(statement)


def downgrade() -> None:
    pg = op.get_bind().dialect.name == "postgresql"
    for table, _, _ in _COUNTED:
        if pg:
            op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_counts ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS quizbot_{table}_counts()")
        else:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_counts_{event}")
    if pg:
        op.execute("DROP TRIGGER IF EXISTS trg_attempts_lesson_scores ON attempts")
        op.execute("DROP FUNCTION IF EXISTS quizbot_attempts_lesson_scores()")
    else:
        op.execute("DROP TRIGGER IF EXISTS trg_attempts_lesson_scores")
    op.drop_index("ix_lesson_scores_board", table_name="lesson_scores")
    op.drop_table("lesson_scores")
    op.drop_table("score_counts")
    if pg:
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
