"""Practice and test runs: private, paced runs through a lesson, kept apart from scores and boards."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select

from storage._common import aware, insert_for
from storage.engine import Database
from storage.models import PracticeRun


@dataclass(frozen=True, slots=True)
class PracticeAnswer:
    question_id: str
    difficulty: str
    chosen: tuple[str, ...]
    right: bool
    tries: int = 1


async def record_practice_run(
    db: Database,
    *,
    member_id: int,
    lesson_id: str,
    mode: str,
    answers: Sequence[PracticeAnswer],
    started_at: datetime,
    finished_at: datetime | None = None,
    guild_id: int | None = None,
) -> PracticeRun:
    """Store a finished (or abandoned) practice/test run. Never touches scores or leaderboards.

    Idempotent: a run is identified by (member, lesson, mode, started_at), guarded by a unique
    index, so recording the same run twice (a double click on "finish") keeps the first row and
    returns it."""
    if mode not in ("practice", "test"):
        raise ValueError(f"mode must be 'practice' or 'test', got {mode!r}")
    started_at = aware(started_at, "started_at")
    by_difficulty: dict[str, dict[str, int]] = {}
    for a in answers:
        bucket = by_difficulty.setdefault(a.difficulty, {"right": 0, "total": 0})
        bucket["total"] += 1
        bucket["right"] += int(a.right)
    values = {
        "guild_id": guild_id,
        "member_id": member_id,
        "lesson_id": lesson_id,
        "mode": mode,
        "answers": [
            {
                "question_id": a.question_id,
                "difficulty": a.difficulty,
                "chosen": list(a.chosen),
                "right": a.right,
                "tries": a.tries,
            }
            for a in answers
        ],
        "score_by_difficulty": by_difficulty,
        "right_answers": sum(int(a.right) for a in answers),
        "total": len(answers),
        "started_at": started_at,
        "finished_at": aware(finished_at, "finished_at") if finished_at is not None else None,
    }
    stmt = (
        insert_for(db, PracticeRun)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["member_id", "lesson_id", "mode", "started_at"])
    )
    async with db.writing() as s:
        await s.exec(stmt)
        run = (
            await s.exec(
                select(PracticeRun).where(
                    PracticeRun.member_id == member_id,
                    PracticeRun.lesson_id == lesson_id,
                    PracticeRun.mode == mode,
                    col(PracticeRun.started_at) == started_at,
                )
            )
        ).one()
        await s.commit()
    return run


async def practice_runs_for(
    db: Database, member_id: int, lesson_id: str | None = None, limit: int = 20
) -> list[PracticeRun]:
    """The member's runs, newest first."""
    stmt = select(PracticeRun).where(PracticeRun.member_id == member_id)
    if lesson_id is not None:
        stmt = stmt.where(PracticeRun.lesson_id == lesson_id)
    async with db.session() as s:
        rows = await s.exec(
            stmt.order_by(col(PracticeRun.started_at).desc(), col(PracticeRun.id).desc()).limit(limit)
        )
        return list(rows.all())
