"""The monthly champion: the role and channel per guild, and each month's award, claimed once.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("guild_settings") as batch:
        batch.add_column(sa.Column("champion_role_id", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("champion_channel_id", sa.BigInteger(), nullable=True))
    op.create_table(
        "champion_months",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("claimed_at", UTC_DATETIME, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("winners", sa.JSON(), nullable=False),
        sa.Column("error", sa.String(length=300), nullable=True),
        sa.Column("finished_at", UTC_DATETIME, nullable=True),
        sa.PrimaryKeyConstraint("guild_id", "month", name="pk_champion_months"),
    )


def downgrade() -> None:
    op.drop_table("champion_months")
    with op.batch_alter_table("guild_settings") as batch:
        batch.drop_column("champion_channel_id")
        batch.drop_column("champion_role_id")
