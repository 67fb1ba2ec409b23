"""Spaced review cards (fsrs) stored, on SQLite and PostgreSQL: storage keeping what the caller's
rule returns, ratings through bot.reviewing, due order, a doubled answer, and outcomes arriving
together (from one bot or from two). The rule alone is tests/test_spaced_review.py."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.reviewing import rate_answer, record_outcome
from storage import Database, review
from storage.review import (
    REMINDER_GAP,
    claim_reminder,
    due_cards,
    get_card,
    members_to_remind,
    reminders_on,
    review_summary,
    set_reminders,
)

T0 = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Stored:
    card: dict[str, Any]
    due: datetime
    lapses: int


async def test_storage_keeps_what_the_rule_returns_and_shows_it_the_stored_card(db: Database) -> None:
    seen: list[tuple[dict[str, Any] | None, int]] = []

    def rule(card: dict[str, Any] | None, lapses: int, now: datetime) -> Stored | None:
        seen.append((card, lapses))
        return Stored({"n": len(seen)}, now + timedelta(days=len(seen)), lapses + 2)

    assert await review.record_outcome(db, 1, "q", lambda card, lapses, now: None, now=T0) is None
    assert await get_card(db, 1, "q") is None, "nothing to store: no row"
    first = await review.record_outcome(db, 1, "q", rule, now=T0)
    assert first is not None and (first.card, first.due, first.reviews, first.lapses) == (
        {"n": 1},
        T0 + timedelta(days=1),
        1,
        2,
    )
    second = await review.record_outcome(db, 1, "q", rule, now=T0 + timedelta(hours=1))
    assert second is not None and (second.card, second.reviews, second.lapses) == ({"n": 2}, 2, 4)
    rated = await review.rate(db, 1, "q", rule, seen_reviews=2, now=T0 + timedelta(hours=2))
    assert rated is not None and (rated.card, rated.reviews, rated.lapses) == ({"n": 3}, 3, 6)
    assert seen == [(None, 0), ({"n": 1}, 2), ({"n": 2}, 4)]
    assert await get_card(db, 1, "q") == rated


async def test_a_miss_makes_a_card_due_soon_and_a_right_first_try_alone_makes_none(db: Database) -> None:
    assert await record_outcome(db, 1, "q.right", right=True, try_no=1, now=T0) is None
    card = await record_outcome(db, 1, "q.missed", right=False, try_no=3, now=T0)
    assert card is not None and card.lapses == 1 and card.reviews == 1
    assert T0 < card.due <= T0 + timedelta(minutes=10), "a missed question comes back within minutes"
    assert await get_card(db, 1, "q.right") is None


async def test_good_answers_space_a_card_further_each_time(db: Database) -> None:
    await record_outcome(db, 1, "q", right=False, try_no=3, now=T0)
    gaps = []
    now = T0
    for _ in range(4):
        card = await get_card(db, 1, "q")
        assert card is not None
        now = max(now, card.due)
        rated = await rate_answer(db, 1, "q", right=True, hinted=False, seen_reviews=card.reviews, now=now)
        assert rated is not None
        gaps.append(rated.due - now)
    assert gaps == sorted(gaps) and gaps[-1] > timedelta(days=1)


async def test_due_cards_come_most_overdue_first_and_only_once_due(db: Database) -> None:
    await record_outcome(db, 7, "b.later", right=False, try_no=3, now=T0)
    await record_outcome(db, 7, "a.earlier", right=False, try_no=3, now=T0 - timedelta(hours=2))
    await record_outcome(db, 8, "someone.else", right=False, try_no=3, now=T0)
    assert [c.question_id for c in await due_cards(db, 7, T0)] == ["a.earlier"], "b.later is not due yet"
    due = await due_cards(db, 7, T0 + timedelta(hours=1))
    assert [c.question_id for c in due] == ["a.earlier", "b.later"]
    summary = await review_summary(db, 7, T0)
    assert (summary.total, summary.due) == (2, 1)
    assert summary.next_due is not None and summary.next_due > T0


async def test_a_second_answer_to_the_same_showing_rates_nothing(db: Database) -> None:
    card = await record_outcome(db, 1, "q", right=False, try_no=3, now=T0)
    assert card is not None
    later = T0 + timedelta(hours=1)
    assert (
        await rate_answer(db, 1, "q", right=True, hinted=False, seen_reviews=card.reviews, now=later)
        is not None
    )
    assert (
        await rate_answer(db, 1, "q", right=False, hinted=False, seen_reviews=card.reviews, now=later) is None
    )
    stored = await get_card(db, 1, "q")
    assert stored is not None and stored.reviews == 2 and stored.lapses == 1


async def test_a_card_reviewed_then_missed_again_keeps_its_history(db: Database) -> None:
    first = await record_outcome(db, 1, "q", right=False, try_no=3, now=T0)
    assert first is not None
    stored = await get_card(db, 1, "q")
    assert stored is not None and (stored.due, stored.card) == (first.due, first.card)
    reviewed = await rate_answer(db, 1, "q", right=True, hinted=False, seen_reviews=1, now=first.due)
    assert reviewed is not None and reviewed.due > first.due
    again = await record_outcome(db, 1, "q", right=False, try_no=3, now=reviewed.due)
    assert again is not None and (again.reviews, again.lapses) == (3, 2)
    assert again.created_at == T0, "the card keeps the day it was first missed"
    assert again.due - reviewed.due < timedelta(hours=1), "a new miss brings the card back soon"
    assert await get_card(db, 1, "q") == again


async def test_outcomes_arriving_together_each_rate_the_card_once(db: Database, db_url: str) -> None:
    """Quiz posts finishing at the same moment, half in this bot and half in a second process on
    the same database: one card, every outcome counted, none twice."""
    other = await Database.open(db_url)
    try:

        async def miss(database: Database, n: int) -> None:
            await record_outcome(
                database, 5, "q.shared", right=False, try_no=3, now=T0 + timedelta(seconds=n)
            )

        await asyncio.gather(*(miss(db if n % 2 else other, n) for n in range(20)))
    finally:
        await other.close()
    card = await get_card(db, 5, "q.shared")
    assert card is not None and (card.reviews, card.lapses) == (20, 20)
    assert (await review_summary(db, 5, T0 + timedelta(days=1))).total == 1


async def test_reminders_go_to_members_who_asked_with_cards_due_at_most_once_a_day(
    db: Database, db_url: str
) -> None:
    await record_outcome(db, 1, "a", right=False, try_no=3, now=T0)
    await record_outcome(db, 1, "b", right=False, try_no=3, now=T0)
    await record_outcome(db, 2, "a", right=False, try_no=3, now=T0 + timedelta(days=30))  # not due yet
    await record_outcome(db, 3, "a", right=False, try_no=3, now=T0)  # never asked for reminders
    for member in (1, 2):
        await set_reminders(db, member, True, now=T0)
    await set_reminders(db, 1, True, now=T0, locale="de")  # asking twice is harmless: the newest language
    await set_reminders(db, 1, True, now=T0)  # ... and asking without one keeps it
    assert (await reminders_on(db, 1), await reminders_on(db, 3)) == (True, False)

    later = T0 + timedelta(hours=1)
    assert await members_to_remind(db, later) == [(1, 2, "de")]
    other = await Database.open(db_url)  # two bot processes tick together
    try:
        claims = await asyncio.gather(*(claim_reminder(d, 1, later) for d in (db, other, db, other)))
    finally:
        await other.close()
    assert sorted(claims) == [False, False, False, True], "one DM, whoever ticks"
    assert await members_to_remind(db, later + REMINDER_GAP - timedelta(minutes=1)) == []
    assert await members_to_remind(db, later + REMINDER_GAP) == [(1, 2, "de")], "the next day, if still due"

    await set_reminders(db, 1, False, now=later)
    assert not await reminders_on(db, 1)
    assert await members_to_remind(db, later + REMINDER_GAP) == []
