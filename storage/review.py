"""Spaced review cards: one card per (member, question), across guilds, and reminders.

Storage does not rate: `record_outcome` and `rate` read the card in their transaction, hand it to the
caller's rule (bot.spaced_review applies it, bot.reviewing passes it in) and store the card it
returns. The card is kept as the JSON dict the rule gives; storage never reads inside it.

Every rating bumps `reviews`; a rating names the count it was shown (`seen_reviews`), so a second
click on the same review, in any process, is refused instead of rating the card twice.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, NamedTuple, Protocol

from sqlalchemy import delete, func, or_, update
from sqlmodel import col, select

from storage._common import aware, insert_for
from storage.driver import DriverValues, for_dialect, per_dialect
from storage.engine import Database
from storage.models import ReviewCard, ReviewReminder

# At most one reminder DM per member in this long: 20 hours, so a daily habit does not drift later.
REMINDER_GAP: Final = timedelta(hours=20)


class CardToStore(Protocol):
    """The card a rule asks to store: its JSON dict, when it is next due, its lapse count."""

    @property
    def card(self) -> dict[str, Any]: ...
    @property
    def due(self) -> datetime: ...
    @property
    def lapses(self) -> int: ...


# The caller's rule: the stored card's dict (None: the member has no card for the question), its
# lapse count and now -> the card to store, or None for nothing to store.
RateCard = Callable[[dict[str, Any] | None, int, datetime], CardToStore | None]


async def record_outcome(
    db: Database, member_id: int, question_id: str, rate_card: RateCard, *, now: datetime
) -> ReviewCard | None:
    """Create or rate the member's card for a finished post with `rate_card`; returns the stored
    card, or None when the rule stored nothing.

    Every finished post calls this, so like a try it is one transaction on the driver itself
    (storage.driver): read the card (locked), rate it with the rule, write it back."""
    now = aware(now, "now")
    sql = _outcome_sql(db)
    if db.dialect == "postgresql":
        for _ in range(3):
            async with db.postgres_connection() as conn, conn.transaction():
                stored = await conn.fetchrow(sql.read, member_id, question_id)
                change = sql.change(member_id, question_id, stored, rate_card, now)
                if change is None:
                    return None
                card, statement, params = change
                if await conn.fetchval(statement, *params) is not None:
                    return card
            # The insert met a card another process created after our read: rate that one.
        raise RuntimeError(f"could not store a review card for member {member_id}, {question_id}")

    def work(conn: sqlite3.Connection) -> ReviewCard | None:
        stored = conn.execute(sql.read, (member_id, question_id)).fetchone()
        change = sql.change(member_id, question_id, stored, rate_card, now)
        if change is None:
            return None
        card, statement, params = change
        conn.execute(statement, params)  # writers are serial on SQLite: no one created it meanwhile
        return card

    return await db.sqlite_write(work)


_OUTCOME_READ: Final = """\
SELECT card, reviews, lapses, created_at FROM review_cards WHERE member_id = ? AND question_id = ?"""
# ?1 member, ?2 question, ?3 due, ?4 card, ?5 reviews, ?6 lapses, ?7 updated_at, ?8 created_at.
_OUTCOME_INSERT: Final = """\
INSERT INTO review_cards (member_id, question_id, due, card, reviews, lapses, updated_at, created_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
ON CONFLICT DO NOTHING RETURNING 1"""
_OUTCOME_UPDATE: Final = """\
UPDATE review_cards SET due = ?3, card = ?4, reviews = ?5, lapses = ?6, updated_at = ?7
WHERE member_id = ?1 AND question_id = ?2
RETURNING 1"""


@dataclass(frozen=True, slots=True)
class _OutcomeSql:
    """record_outcome's statements and value conversions for one engine."""

    read: str
    insert: str
    update: str
    values: DriverValues

    @staticmethod
    def build(db: Database) -> _OutcomeSql:
        read = for_dialect(db, _OUTCOME_READ)
        if db.dialect == "postgresql":
            read += " FOR UPDATE"
        insert, update_ = for_dialect(db, _OUTCOME_INSERT), for_dialect(db, _OUTCOME_UPDATE)
        return _OutcomeSql(read, insert, update_, DriverValues.of(db))

    def change(
        self,
        member_id: int,
        question_id: str,
        stored: Sequence[Any] | None,
        rate_card: RateCard,
        now: datetime,
    ) -> tuple[ReviewCard, str, tuple[Any, ...]] | None:
        """The rated card with the statement and parameters that store it; None: nothing to store."""
        values = self.values
        if stored is None:
            new = rate_card(None, 0, now)
            reviews, created_at, statement = 1, now, self.insert
        else:
            new = rate_card(values.read_json(stored[0]), int(stored[2]), now)
            reviews, created_at, statement = int(stored[1]) + 1, values.read_time(stored[3]), self.update
        if new is None:
            return None
        due, lapses = aware(new.due, "due"), new.lapses
        row = ReviewCard(
            member_id=member_id,
            question_id=question_id,
            due=due,
            card=new.card,
            reviews=reviews,
            lapses=lapses,
            created_at=created_at,
            updated_at=now,
        )
        params: tuple[Any, ...] = (
            member_id,
            question_id,
            values.time(due),
            values.json(row.card),
            reviews,
            lapses,
            values.time(now),
        )
        if stored is None:
            params += (values.time(created_at),)
        return row, statement, params


_outcome_sql = per_dialect(_OutcomeSql.build)


async def rate(
    db: Database,
    member_id: int,
    question_id: str,
    rate_card: RateCard,
    *,
    seen_reviews: int,
    now: datetime,
) -> ReviewCard | None:
    """Rate a card from /review with `rate_card`. None if the card is gone, was rated since it was
    shown (its `reviews` is no longer `seen_reviews`), or the rule stored nothing."""
    now = aware(now, "now")
    async with db.writing() as s:
        row = await s.get(ReviewCard, (member_id, question_id))
        if row is None or row.reviews != seen_reviews:
            return None
        new = rate_card(row.card, row.lapses, now)
        if new is None:
            return None
        # Guarded by the count we read: a concurrent rating in another process makes this a no-op.
        result = await s.exec(
            update(ReviewCard)
            .where(
                col(ReviewCard.member_id) == member_id,
                col(ReviewCard.question_id) == question_id,
                col(ReviewCard.reviews) == seen_reviews,
            )
            .values(
                card=new.card,
                due=aware(new.due, "due"),
                reviews=seen_reviews + 1,
                lapses=new.lapses,
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
    now = aware(now, "now")
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
    now = aware(now, "now")
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


# ----- reminders: a DM, at most daily, to members who asked for one ------------------------------
async def reminders_on(db: Database, member_id: int) -> bool:
    async with db.session() as s:
        return await s.get(ReviewReminder, member_id) is not None


async def set_reminders(
    db: Database, member_id: int, on: bool, *, now: datetime, locale: str | None = None
) -> None:
    """Turn a member's review reminders on (idempotent: asking again keeps the newest language) or off."""
    now = aware(now, "now")
    if on:
        insert = insert_for(db, ReviewReminder).values(member_id=member_id, created_at=now, locale=locale)
        # Asking again in another language moves the DMs to it; asking without one keeps the last.
        kept = func.coalesce(insert.excluded.locale, col(ReviewReminder.locale))
        stmt = insert.on_conflict_do_update(index_elements=["member_id"], set_={"locale": kept})
    else:
        stmt = delete(ReviewReminder).where(col(ReviewReminder.member_id) == member_id)
    async with db.writing() as s:
        await s.exec(stmt)
        await s.commit()


def _remind_again(now: datetime) -> Any:
    reminder = ReviewReminder
    return or_(col(reminder.last_sent_at).is_(None), col(reminder.last_sent_at) <= now - REMINDER_GAP)


class Due(NamedTuple):
    member_id: int
    due: int
    locale: str | None  # the Discord language the member asked in


async def members_to_remind(db: Database, now: datetime, limit: int = 100) -> list[Due]:
    """Members with reminders on, cards due now, and no reminder for a while, with how many are due."""
    now = aware(now, "now")
    card, reminder = ReviewCard, ReviewReminder
    async with db.session() as s:
        rows = await s.exec(
            select(reminder.member_id, func.count(), reminder.locale)
            .join(card, col(card.member_id) == col(reminder.member_id))
            .where(col(card.due) <= now, _remind_again(now))
            .group_by(col(reminder.member_id), col(reminder.locale))
            .order_by(col(reminder.member_id))
            .limit(limit)
        )
        return [Due(int(member_id), int(due), locale) for member_id, due, locale in rows.all()]


async def claim_reminder(db: Database, member_id: int, now: datetime) -> bool:
    """Mark a reminder as sent before sending it: True for the one caller (of any process) that may."""
    now = aware(now, "now")
    async with db.writing() as s:
        result = await s.exec(
            update(ReviewReminder)
            .where(col(ReviewReminder.member_id) == member_id, _remind_again(now))
            .values(last_sent_at=now)
        )
        await s.commit()
    return bool(result.rowcount == 1)
