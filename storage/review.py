"""Spaced review of missed questions: one fsrs card per (member, question), across guilds.

How outcomes become ratings (the product owner's rule):
    wrong (a post finished without a right answer, or a wrong /review answer)   Again
    right after a miss, or after looking at the hint                            Hard
    right on the first try                                                      Good
A card is created by the first miss (Again or Hard); a right first try on a question without a card
changes nothing: there is nothing to review. Cards are rated with fuzzing off, so a test (or two
processes) computes the same due date from the same history.

Every rating bumps `reviews`; a rating names the count it was shown (`seen_reviews`), so a second
click on the same review, in any process, is refused instead of rating the card twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from fsrs import Card, Rating, Scheduler
from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from storage.engine import Database
from storage.models import ReviewCard
from storage.queries import _aware

SCHEDULER: Final = Scheduler(enable_fuzzing=False)


def rating_for(*, right: bool, try_no: int = 1, hinted: bool = False) -> Rating:
    """The fsrs rating for an outcome: wrong Again, right after a miss or a hint Hard, else Good."""
    if not right:
        return Rating.Again
    if try_no > 1 or hinted:
        return Rating.Hard
    return Rating.Good


def _rated(row: ReviewCard | None, rating: Rating, now: datetime) -> tuple[Card, int]:
    card = Card.from_dict(row.card) if row is not None else Card(due=now)  # type: ignore[arg-type]
    card, _log = SCHEDULER.review_card(card, rating, now)
    lapses = (row.lapses if row is not None else 0) + int(rating is Rating.Again)
    return card, lapses


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
    """A member finished a posted question (right on try `try_no`, or out of tries). Creates or
    rates the card; returns it, or None when a right first try met no card (nothing to review)."""
    now = _aware(now, "now")
    rating = rating_for(right=right, try_no=try_no, hinted=hinted)
    async with db.lock("review", member_id, question_id):
        for _ in range(3):
            try:
                return await _record_once(db, member_id, question_id, rating, now)
            except IntegrityError:
                continue  # another process created the card first: rate that one
    raise RuntimeError(f"could not store a review card for member {member_id}, {question_id}")


async def _record_once(
    db: Database, member_id: int, question_id: str, rating: Rating, now: datetime
) -> ReviewCard | None:
    async with db.writing() as s:
        row = await s.get(ReviewCard, (member_id, question_id), with_for_update=True)
        if row is None and rating is Rating.Good:
            return None
        card, lapses = _rated(row, rating, now)
        if row is None:
            row = ReviewCard(
                member_id=member_id, question_id=question_id, created_at=now, due=now, updated_at=now
            )
            s.add(row)
        row.card = dict(card.to_dict())
        row.due = card.due
        row.reviews += 1
        row.lapses = lapses
        row.updated_at = now
        await s.commit()
        return row


async def rate(
    db: Database,
    member_id: int,
    question_id: str,
    rating: Rating,
    *,
    seen_reviews: int,
    now: datetime,
) -> ReviewCard | None:
    """Rate a card from /review. None if the card is gone or was rated since it was shown."""
    now = _aware(now, "now")
    async with db.writing() as s:
        row = await s.get(ReviewCard, (member_id, question_id))
        if row is None or row.reviews != seen_reviews:
            return None
        card, lapses = _rated(row, rating, now)
        # Guarded by the count we read: a concurrent rating in another process makes this a no-op.
        result = await s.exec(
            update(ReviewCard)
            .where(
                col(ReviewCard.member_id) == member_id,
                col(ReviewCard.question_id) == question_id,
                col(ReviewCard.reviews) == seen_reviews,
            )
            .values(
                card=card.to_dict(),
                due=card.due,
                reviews=seen_reviews + 1,
                lapses=lapses,
                updated_at=now,
            )
        )
        if result.rowcount != 1:
            return None
        await s.commit()
    return await get_card(db, member_id, question_id)


async def get_card(db: Database, member_id: int, question_id: str) -> ReviewCard | None:
    async with db.session() as s:
        return await s.get(ReviewCard, (member_id, question_id))


async def due_cards(db: Database, member_id: int, now: datetime, limit: int = 25) -> list[ReviewCard]:
    """The member's cards due by `now`, most overdue first (ties: question id)."""
    now = _aware(now, "now")
    async with db.session() as s:
        rows = await s.exec(
            select(ReviewCard)
            .where(ReviewCard.member_id == member_id, col(ReviewCard.due) <= now)
            .order_by(col(ReviewCard.due), col(ReviewCard.question_id))
            .limit(limit)
        )
        return list(rows.all())


@dataclass(frozen=True, slots=True)
class ReviewSummary:
    total: int  # cards the member has
    due: int  # cards due now
    next_due: datetime | None  # the soonest card not yet due


async def review_summary(db: Database, member_id: int, now: datetime) -> ReviewSummary:
    now = _aware(now, "now")
    r = ReviewCard
    async with db.session() as s:
        total = (await s.exec(select(func.count()).select_from(r).where(r.member_id == member_id))).one()
        due = (
            await s.exec(
                select(func.count()).select_from(r).where(r.member_id == member_id, col(r.due) <= now)
            )
        ).one()
        upcoming = (
            await s.exec(
                select(r.due).where(r.member_id == member_id, col(r.due) > now).order_by(col(r.due)).limit(1)
            )
        ).first()
    return ReviewSummary(int(total), int(due), upcoming)


async def drop_card(db: Database, member_id: int, question_id: str) -> None:
    """Forget a card whose question left the lessons."""
    async with db.writing() as s:
        row = await s.get(ReviewCard, (member_id, question_id))
        if row is not None:
            await s.delete(row)
            await s.commit()
