"""Answering a posted question: bot.attempts decides each try, storage keeps the rows.

The quiz cog's one entry for a click (record_try) and for what the member has so far (member_result).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.attempts import AttemptOutcome, MemberResult, decide
from bot.grading import QuestionLike
from storage import attempt_rows
from storage.engine import Database
from storage.models import Post


async def record_try(
    db: Database,
    post: Post,
    member_id: int,
    chosen: Sequence[str],
    question: QuestionLike,
    now: datetime,
    *,
    member_name: str | None = None,
) -> AttemptOutcome:
    """Grade and store one try on `post` (LookupError when the post is gone)."""
    if question.id != post.question_id:
        raise ValueError(f"question {question.id!r} is not the one posted ({post.question_id!r})")
    return await attempt_rows.record_attempt(
        db, post, member_id, chosen, lambda state: decide(state, question), now, member_name=member_name
    )


async def member_result(db: Database, post_id: int, member_id: int) -> MemberResult | None:
    """The member's tries on a post, or None if they never answered it."""
    tries = await attempt_rows.member_tries(db, post_id, member_id)
    return MemberResult(tries) if tries else None
