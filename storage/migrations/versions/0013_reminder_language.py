"""The Discord language a member asked for review reminders in: the DM has no interaction to say it.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("review_reminders", sa.Column("locale", sa.String(length=10), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE review_reminders DROP COLUMN locale")
