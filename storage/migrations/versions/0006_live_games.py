"""Live rounds: a game's questions in order, where it is, and who joined.

Each question of a game is an ordinary post (its answers are one-try attempts that move the
regular boards); the game row lists them. One game at a time per channel: a partial unique index.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)
RUNNING = sa.text("phase != 'done'")


def upgrade() -> None:
    op.create_table(
        "live_games",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=False),
        sa.Column("lesson_id", sa.String(length=200), nullable=False),
        sa.Column("question_ids", sa.JSON(), nullable=False),
        sa.Column("seconds", sa.SmallInteger(), nullable=False),
        sa.Column("started_by", sa.BigInteger(), nullable=True),
        sa.Column("phase", sa.String(length=10), nullable=False),
        sa.Column("current", sa.SmallInteger(), nullable=False),
        sa.Column("deadline", UTC_DATETIME, nullable=False),
        sa.Column("post_ids", sa.JSON(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("finished_at", UTC_DATETIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_live_games"),
    )
    op.create_index(
        "uq_live_games_running_channel",
        "live_games",
        ["channel_id"],
        unique=True,
        sqlite_where=RUNNING,
        postgresql_where=RUNNING,
    )
    op.create_table(
        "live_players",
        sa.Column("game_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("joined_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["game_id"], ["live_games.id"], name="fk_live_players_game_id_live_games", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("game_id", "member_id", name="pk_live_players"),
    )


def downgrade() -> None:
    op.drop_table("live_players")
    op.drop_index("uq_live_games_running_channel", table_name="live_games")
    op.drop_table("live_games")
