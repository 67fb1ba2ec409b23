"""A server's own lessons: uploads (drafts and published versions), the version in use, and a log
of changes every bot process follows.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "lesson_uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("lesson_id", sa.String(length=48), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=256), nullable=False),
        sa.Column("questions", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("format", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("uploaded_by", sa.BigInteger(), nullable=False),
        sa.Column("uploaded_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_lesson_uploads"),
        sa.UniqueConstraint(
            "guild_id", "lesson_id", "version", name="uq_lesson_uploads_guild_id_lesson_id_version"
        ),
    )
    op.create_table(
        "server_lessons",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("lesson_id", sa.String(length=48), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "lesson_id", name="pk_server_lessons"),
    )
    op.create_table(
        "lesson_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("changed_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_lesson_changes"),
    )


def downgrade() -> None:
    op.drop_table("lesson_changes")
    op.drop_table("server_lessons")
    op.drop_table("lesson_uploads")
