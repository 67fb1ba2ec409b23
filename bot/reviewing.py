"""Rating review cards: bot.spaced_review decides each card's next state, storage keeps the rows.

The review cog's one entry for a finished quiz post (record_outcome) and for a /review answer
(rate_answer).
"""

from __future__ import annotations

from datetime import datetime

from bot.spaced_review import next_card
from storage import review
from storage.engine import Database
from storage.models import ReviewCard


async def record_outcome(
    db: Database,
    member_id: int,
    question_id: str,
    *,
    right: bool,
    try_no: int,
    now: datetime,
    hinted: bool = False,
) -> ReviewCard | None:
    """A member finished a posted question (right on try `try_no`, or out of tries): create or rate
    their card. The card, or None when a right first try met no card (nothing to review)."""
    return await review.record_outcome(
        db,
        member_id,
        question_id,
        lambda card, lapses, at: next_card(card, lapses, at, right=right, try_no=try_no, hinted=hinted),
        now=now,
    )


async def rate_answer(
    db: Database,
    member_id: int,
    question_id: str,
    *,
    right: bool,
    hinted: bool,
    seen_reviews: int,
    now: datetime,
) -> ReviewCard | None:
    """A /review answer to the showing with `seen_reviews`: the rated card, or None if the card is
    gone or was rated since it was shown."""
    return await review.rate(
        db,
        member_id,
        question_id,
        lambda card, lapses, at: next_card(card, lapses, at, right=right, hinted=hinted),
        seen_reviews=seen_reviews,
        now=now,
    )
