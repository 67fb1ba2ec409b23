"""Review reminders: members who asked to be told (by DM, at most daily) when reviews are due.

A row means "on"; turning reminders off deletes it. last_sent_at is claimed before a DM is sent,
so two bot processes never remind the same member twice in one gap.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "review_reminders",
        sa.Column("member_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("last_sent_at", UTC_DATETIME, nullable=True),
        sa.PrimaryKeyConstraint("member_id", name="pk_review_reminders"),
    )


def downgrade() -> None:
    op.drop_table("review_reminders")
