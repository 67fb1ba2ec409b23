"""Bundled lessons a server hides, and each post's question digest (a click on a question changed
since it was posted is told so, not graded against the new answer).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "hidden_lessons",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("lesson_id", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "lesson_id", name="pk_hidden_lessons"),
    )
    # A plain ADD/DROP COLUMN on both engines: a batch copy of posts on SQLite would break the
    # triggers that read it. NULL: posted before digests were kept (taken as unchanged).
    op.add_column("posts", sa.Column("question_digest", sa.String(length=16), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE posts DROP COLUMN question_digest")
    op.drop_table("hidden_lessons")
