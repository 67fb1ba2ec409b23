"""Forgetting a member (/forget-me): everything stored about them, in every guild, in one transaction.

Instead of a list of tables to keep in step with the models, this deletes from every table that
has a `member_id` column, so a table added later is covered the day it appears (a test checks the list is what we expect).
Posts the member made stay (other members answered them), without their name; months they were
champion of stay, without them.
"""

from __future__ import annotations

import asyncio
import random
from typing import Final

from sqlalchemy import Table, delete, update
from sqlalchemy.exc import DBAPIError
from sqlmodel import col, select

from storage.engine import Database
from storage.models import ChampionMonth, LiveGame, Post, metadata


def member_tables() -> list[Table]:
    """Every table holding rows about one member, children before parents."""
    return [t for t in reversed(metadata.sorted_tables) if "member_id" in t.c]


DEADLOCK: Final = "40P01"  # PostgreSQL's SQLSTATE for a transaction aborted to break a deadlock
SERIALIZATION_FAILURE: Final = "40001"  # a row the snapshot saw was changed by a try meanwhile
ATTEMPTS: Final = 8


async def forget_member(db: Database, member_id: int) -> dict[str, int]:
    """Delete the member's rows everywhere; returns rows deleted per table (tables with none left out)."""
    for attempt in range(ATTEMPTS - 1):
        try:
            return await _forget_once(db, member_id)
        except DBAPIError as exc:
            # Deleting scores moves the shared score_counts rows, as other members' tries do in
            # another order: PostgreSQL may abort this side of a deadlock; or one of the member's
            # own tries changed a row after our snapshot. Either way nothing was deleted. A short,
            # growing, random pause lets the tries in flight finish before the next snapshot.
            if getattr(exc.orig, "sqlstate", None) not in (DEADLOCK, SERIALIZATION_FAILURE):
                raise
            await asyncio.sleep(random.uniform(0, 0.01 * 2**attempt))
    return await _forget_once(db, member_id)


async def _forget_once(db: Database, member_id: int) -> dict[str, int]:
    deleted: dict[str, int] = {}
    async with db.writing() as s:
        if db.dialect == "postgresql":
            # One snapshot for every delete: a try committing halfway through cannot leave its
            # attempt without its scores (or the reverse); it is either forgotten whole or, if it
            # came after the snapshot, kept whole. (SQLite writers are serial already.)
            await s.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        for table in member_tables():
            result = await s.exec(delete(table).where(table.c.member_id == member_id))
            if result.rowcount:
                deleted[table.name] = result.rowcount
        await s.exec(update(Post).where(col(Post.posted_by) == member_id).values(posted_by=None))
        await s.exec(update(LiveGame).where(col(LiveGame.started_by) == member_id).values(started_by=None))
        # A month they were champion of keeps its date, not their name (a JSON list: read in Python,
        # a few rows per guild and year).
        for month in (await s.exec(select(ChampionMonth))).all():
            if member_id in month.winners:
                month.winners = [m for m in month.winners if m != member_id]
                s.add(month)
                deleted[ChampionMonth.__tablename__] = deleted.get(ChampionMonth.__tablename__, 0) + 1
        await s.commit()
    return deleted
