"""Spaced review of missed questions: how an answer moves a member's fsrs card.

How outcomes become ratings (the product owner's rule):
    wrong (a post finished without a right answer, or a wrong /review answer)   Again
    right after a miss, or after looking at the hint                            Hard
    right on the first try                                                      Good
A card is created by the first miss (Again or Hard); a right first try on a question without a card
changes nothing: there is nothing to review. Cards are rated with fuzzing off, so a test (or two
processes) computes the same due date from the same history. Every Again is a lapse.

The rule storage.review applies inside its transaction (bot.reviewing passes it in): pure, no discord
and no storage, so the whole rating is testable without a database. Storage keeps the card as the
JSON dict fsrs gives (`Card.to_dict()`) and never reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from fsrs import Card, Rating, Scheduler

SCHEDULER: Final = Scheduler(enable_fuzzing=False)


def rating_for(*, right: bool, try_no: int = 1, hinted: bool = False) -> Rating:
    """The fsrs rating for an outcome: wrong Again, right after a miss or a hint Hard, else Good."""
    if not right:
        return Rating.Again
    if try_no > 1 or hinted:
        return Rating.Hard
    return Rating.Good


@dataclass(frozen=True, slots=True)
class RatedCard:
    """A card after a rating, as storage keeps it (storage.review.CardToStore)."""

    card: dict[str, Any]  # fsrs.Card.to_dict()
    due: datetime
    lapses: int


def rated(card: dict[str, Any] | None, lapses: int, rating: Rating, now: datetime) -> RatedCard:
    """The card after `rating` (a new one when `card` is None) and its new lapse count."""
    current = Card.from_dict(card) if card is not None else Card(due=now)  # type: ignore[arg-type]
    current, _log = SCHEDULER.review_card(current, rating, now)
    return RatedCard(dict(current.to_dict()), current.due, lapses + int(rating is Rating.Again))


def next_card(
    card: dict[str, Any] | None,
    lapses: int,
    now: datetime,
    *,
    right: bool,
    try_no: int = 1,
    hinted: bool = False,
) -> RatedCard | None:
    """The member's card after an answer, given the stored one (None: they have none) and its
    lapses; None when there is nothing to store (a right first try on a question without a card)."""
    rating = rating_for(right=right, try_no=try_no, hinted=hinted)
    if card is None and rating is Rating.Good:
        return None
    return rated(card, lapses, rating, now)
