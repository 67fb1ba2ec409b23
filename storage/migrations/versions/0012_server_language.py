"""The language a server's public posts are written in, when /config language overrides Discord's
server language.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("guild_settings", sa.Column("language", sa.String(length=10), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE guild_settings DROP COLUMN language")
