"""Quiz play: guild settings, posts, attempts, member scores, daily rollups, practice runs.

Revision ID: 0001
Revises:
Create Date: 2025-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Plain SQLAlchemy types here, never app types: a migration must keep working after the models change.
UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "guild_settings",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("moderator_role_id", sa.BigInteger(), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=True),
        sa.PrimaryKeyConstraint("guild_id", name="pk_guild_settings"),
    )
    op.create_table(
        "posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("question_id", sa.String(length=200), nullable=False),
        sa.Column("lesson_id", sa.String(length=200), nullable=False),
        sa.Column("posted_by", sa.BigInteger(), nullable=True),
        sa.Column("posted_at", UTC_DATETIME, nullable=False),
        sa.Column("closes_at", UTC_DATETIME, nullable=True),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("closed_at", UTC_DATETIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_posts"),
    )
    op.create_index("ix_posts_guild_channel", "posts", ["guild_id", "channel_id"])
    op.create_index("ix_posts_closed_closes_at", "posts", ["closed", "closes_at"])
    op.create_index("uq_posts_message_id", "posts", ["message_id"], unique=True)
    op.create_table(
        "attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.Column("try_no", sa.SmallInteger(), nullable=False),
        sa.Column("chosen", sa.String(length=100), nullable=False),
        sa.Column("is_right", sa.Boolean(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("answered_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_attempts"),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name="fk_attempts_post_id_posts", ondelete="CASCADE"
        ),
        # The guard against doubled tries, across processes too.
        sa.UniqueConstraint("post_id", "member_id", "try_no", name="uq_attempts_post_member_try"),
        sa.CheckConstraint("try_no BETWEEN 1 AND 3", name="ck_attempts_try_no"),
    )
    op.create_index("ix_attempts_guild_member", "attempts", ["guild_id", "member_id"])
    op.create_table(
        "member_scores",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("member_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("right_answers", sa.Integer(), nullable=False),
        sa.Column("right_first_try", sa.Integer(), nullable=False),
        sa.Column("current_streak", sa.Integer(), nullable=False),
        sa.Column("best_streak", sa.Integer(), nullable=False),
        sa.Column("last_answered_day", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("guild_id", "member_id", name="pk_member_scores"),
    )
    op.create_index("ix_member_scores_guild_points", "member_scores", ["guild_id", "points"])
    op.create_table(
        "daily_scores",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("member_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("right_answers", sa.Integer(), nullable=False),
        sa.Column("right_first_try", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "member_id", "day", name="pk_daily_scores"),
    )
    op.create_index("ix_daily_scores_guild_day", "daily_scores", ["guild_id", "day"])
    op.create_table(
        "practice_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=True),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.Column("lesson_id", sa.String(length=200), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("score_by_difficulty", sa.JSON(), nullable=False),
        sa.Column("right_answers", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("started_at", UTC_DATETIME, nullable=False),
        sa.Column("finished_at", UTC_DATETIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_practice_runs"),
    )
    op.create_index("ix_practice_runs_member_started", "practice_runs", ["member_id", "started_at"])


def downgrade() -> None:
    op.drop_table("practice_runs")
    op.drop_table("daily_scores")
    op.drop_table("member_scores")
    op.drop_table("attempts")
    op.drop_table("posts")
    op.drop_table("guild_settings")
