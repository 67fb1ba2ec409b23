"""Monthly champion queries: which guilds award one, and each month's award claimed exactly once.

A month is claimed by inserting (guild, month) before any role moves; the primary key makes one
claimer win. A claimer that died leaves the month "claimed": once the claim is older than
STALE_CLAIM another process takes it over (fenced by `claimed_at`, like a scheduled run).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Final

from sqlalchemy import update
from sqlmodel import col, select

from storage._common import aware, insert_for
from storage.engine import Database
from storage.models import ChampionMonth, GuildSettings

STALE_CLAIM: Final = timedelta(minutes=10)
ERROR_CHARS: Final = 300  # champion_months.error is VARCHAR(300)


async def awarding_guilds(db: Database) -> list[GuildSettings]:
    """Guilds with a champion role set."""
    async with db.session() as s:
        rows = await s.exec(select(GuildSettings).where(col(GuildSettings.champion_role_id).is_not(None)))
        return list(rows.all())


async def claim_month(db: Database, guild_id: int, month: date, now: datetime) -> datetime | None:
    """Claim the award of `month` (its first day); returns the claim's fencing token (claimed_at),
    or None when it is awarded already or another claimer is at it."""
    now = aware(now, "now")
    stmt = (
        insert_for(db, ChampionMonth)
        .values(guild_id=guild_id, month=month, claimed_at=now, status="claimed", winners=[])
        .on_conflict_do_nothing()
    )
    async with db.writing() as s:
        inserted = (await s.exec(stmt)).rowcount == 1
        if not inserted:
            taken = await s.exec(
                update(ChampionMonth)
                .where(
                    col(ChampionMonth.guild_id) == guild_id,
                    col(ChampionMonth.month) == month,
                    col(ChampionMonth.status) == "claimed",
                    col(ChampionMonth.claimed_at) < now - STALE_CLAIM,
                )
                .values(claimed_at=now)
            )
            inserted = taken.rowcount == 1
        await s.commit()
    return now if inserted else None


async def finish_month(
    db: Database,
    guild_id: int,
    month: date,
    claimed_at: datetime,
    *,
    status: str,
    winners: Sequence[int],
    error: str | None,
    now: datetime,
) -> bool:
    """Record how the award went; False when the claim was taken over meanwhile."""
    async with db.writing() as s:
        result = await s.exec(
            update(ChampionMonth)
            .where(
                col(ChampionMonth.guild_id) == guild_id,
                col(ChampionMonth.month) == month,
                col(ChampionMonth.claimed_at) == aware(claimed_at, "claimed_at"),
            )
            .values(
                status=status,
                winners=list(winners),
                error=error[:ERROR_CHARS] if error else None,
                finished_at=aware(now, "now"),
            )
        )
        await s.commit()
    return bool(result.rowcount == 1)


async def last_champions(db: Database, guild_id: int, before: date) -> list[int]:
    """Who may hold the role from the latest award before `before` (a failed one may have given it
    to some already): the holders to take it from."""
    async with db.session() as s:
        rows = await s.exec(
            select(ChampionMonth)
            .where(
                ChampionMonth.guild_id == guild_id,
                col(ChampionMonth.month) < before,
                col(ChampionMonth.status).in_(("awarded", "failed")),
            )
            .order_by(col(ChampionMonth.month).desc())
            .limit(1)
        )
        latest = rows.first()
    return list(latest.winners) if latest else []
