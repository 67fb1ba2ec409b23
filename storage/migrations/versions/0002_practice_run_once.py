"""A practice run is stored once: unique (member, lesson, mode, started_at).

Revision ID: 0002
Revises: 0001
Create Date: 2025-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Keep the first row of any run recorded twice before the index existed.
    op.execute(
        "DELETE FROM practice_runs WHERE id NOT IN ("
        " SELECT min(id) FROM practice_runs GROUP BY member_id, lesson_id, mode, started_at)"
    )
    op.create_index(
        "uq_practice_runs_run",
        "practice_runs",
        ["member_id", "lesson_id", "mode", "started_at"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("uq_practice_runs_run", table_name="practice_runs")
