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

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from fsrs import Card, Rating, Scheduler
from sqlalchemy import delete, func, or_, update
from sqlmodel import col, select

from storage._common import aware, insert_for
from storage.driver import DriverValues, for_dialect, per_dialect
from storage.engine import Database
from storage.models import ReviewCard, ReviewReminder

SCHEDULER: Final = Scheduler(enable_fuzzing=False)
# At most one reminder DM per member in this long: 20 hours, so a daily habit does not drift later.
REMINDER_GAP: Final = timedelta(hours=20)


def rating_for(*, right: bool, try_no: int = 1, hinted: bool = False) -> Rating:
    """The fsrs rating for an outcome: wrong Again, right after a miss or a hint Hard, else Good."""
    if not right:
        return Rating.Again
    if try_no > 1 or hinted:
        return Rating.Hard
    return Rating.Good


def _rated(card: dict[str, Any] | None, lapses: int, rating: Rating, now: datetime) -> tuple[Card, int]:
    """The card after `rating` (a new one when `card` is None) and its new lapse count."""
    current = Card.from_dict(card) if card is not None else Card(due=now)  # type: ignore[arg-type]
    current, _log = SCHEDULER.review_card(current, rating, now)
    return current, lapses + int(rating is Rating.Again)


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
    rates the card; returns it, or None when a right first try met no card (nothing to review).

    Every finished post calls this, so like a try it is one transaction on the driver itself
    (storage.driver): read the card (locked), rate it in Python, write it back."""
    now = aware(now, "now")
    rating = rating_for(right=right, try_no=try_no, hinted=hinted)
    sql = _outcome_sql(db)
    if db.dialect == "postgresql":
        for _ in range(3):
            async with db.postgres_connection() as conn, conn.transaction():
                stored = await conn.fetchrow(sql.read, member_id, question_id)
                change = sql.change(member_id, question_id, stored, rating, now)
                if change is None:
                    return None
                card, statement, params = change
                if await conn.fetchval(statement, *params) is not None:
                    return card
            # The insert met a card another process created after our read: rate that one.
        raise RuntimeError(f"could not store a review card for member {member_id}, {question_id}")

    def work(conn: sqlite3.Connection) -> ReviewCard | None:
        stored = conn.execute(sql.read, (member_id, question_id)).fetchone()
        change = sql.change(member_id, question_id, stored, rating, now)
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
        self, member_id: int, question_id: str, stored: Sequence[Any] | None, rating: Rating, now: datetime
    ) -> tuple[ReviewCard, str, tuple[Any, ...]] | None:
        """The rated card with the statement and parameters that store it; None: nothing to store."""
        if stored is None and rating is Rating.Good:
            return None
        values = self.values
        if stored is None:
            card, lapses = _rated(None, 0, rating, now)
            reviews, created_at, statement = 1, now, self.insert
        else:
            card, lapses = _rated(values.read_json(stored[0]), int(stored[2]), rating, now)
            reviews, created_at, statement = int(stored[1]) + 1, values.read_time(stored[3]), self.update
        row = ReviewCard(
            member_id=member_id,
            question_id=question_id,
            due=card.due,
            card=dict(card.to_dict()),
            reviews=reviews,
            lapses=lapses,
            created_at=created_at,
            updated_at=now,
        )
        due, stored_card = values.time(card.due), values.json(row.card)
        params: tuple[Any, ...] = (
            member_id,
            question_id,
            due,
            stored_card,
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
    rating: Rating,
    *,
    seen_reviews: int,
    now: datetime,
) -> ReviewCard | None:
    """Rate a card from /review. None if the card is gone or was rated since it was shown."""
    now = aware(now, "now")
    async with db.writing() as s:
        row = await s.get(ReviewCard, (member_id, question_id))
        if row is None or row.reviews != seen_reviews:
            return None
        card, lapses = _rated(row.card, row.lapses, rating, now)
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


async def set_reminders(db: Database, member_id: int, on: bool, *, now: datetime) -> None:
    """Turn a member's review reminders on (idempotent) or off."""
    now = aware(now, "now")
    if on:
        stmt = (
            insert_for(db, ReviewReminder)
            .values(member_id=member_id, created_at=now)
            .on_conflict_do_nothing(index_elements=["member_id"])
        )
    else:
        stmt = delete(ReviewReminder).where(col(ReviewReminder.member_id) == member_id)
    async with db.writing() as s:
        await s.exec(stmt)
        await s.commit()


def _remind_again(now: datetime) -> Any:
    reminder = ReviewReminder
    return or_(col(reminder.last_sent_at).is_(None), col(reminder.last_sent_at) <= now - REMINDER_GAP)


async def members_to_remind(db: Database, now: datetime, limit: int = 100) -> list[tuple[int, int]]:
    """(member, cards due) for members with reminders on, cards due now, and no reminder for a while."""
    now = aware(now, "now")
    card, reminder = ReviewCard, ReviewReminder
    async with db.session() as s:
        rows = await s.exec(
            select(reminder.member_id, func.count())
            .join(card, col(card.member_id) == col(reminder.member_id))
            .where(col(card.due) <= now, _remind_again(now))
            .group_by(col(reminder.member_id))
            .order_by(col(reminder.member_id))
            .limit(limit)
        )
        return [(int(member_id), int(due)) for member_id, due in rows.all()]


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
