"""Schedule queries: the daily quizzes moderators set up, and the run claimed for each local date.

A run is claimed by inserting (schedule_id, run_date) before anything is posted; the unique constraint
makes exactly one claimer win, whether the other is a retry, a restarted bot or a second process.

A claimer that dies while posting leaves its run "claimed". Once the claim is stale (STALE_CLAIM)
another tick takes it over (reclaim_run) and finishes the posting. Each post row is listed on the
run before its message is sent, and the message is sent with the post id as Discord's nonce, so the
new claimer resends exactly the unconfirmed posts and Discord hands back any message that did
arrive instead of posting it twice. `claimed_at` is the claim's fencing token: a slow claimer that
lost its run to a takeover cannot list another post (add_run_post) and stops.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any, Final

from sqlalchemy import delete, func, update
from sqlmodel import col, select

from storage._common import aware, insert_for, utcnow
from storage.engine import Database
from storage.models import Schedule, ScheduleRun

MAX_SCHEDULES_PER_GUILD: Final = 25  # one autocomplete page
ERROR_CHARS: Final = 500  # schedule_runs.error is VARCHAR(500)
REASON_CHARS: Final = 300  # schedules.paused_reason is VARCHAR(300)
# Posting a run takes seconds; a claim this old without an outcome belongs to a claimer that died.
STALE_CLAIM: Final = timedelta(minutes=2)
# schedules.id is a 32-bit integer; larger ids (typed by hand) read as "no such schedule".
SCHEDULE_ID_MAX: Final = 2**31 - 1


class RunStatus(enum.StrEnum):
    CLAIMED = "claimed"  # claimed, posting under way (a stale claim is taken over: see the module doc)
    POSTED = "posted"
    FAILED = "failed"  # claimed, but posting failed: recorded, not retried
    SKIPPED = "skipped"  # missed by more than the catch-up window


class ClaimLost(Exception):
    """Another process took this run over (our claim went stale): stop posting it."""


class TooManySchedules(Exception):
    """The guild already has MAX_SCHEDULES_PER_GUILD schedules."""


async def create_schedule(
    db: Database,
    *,
    guild_id: int,
    channel_id: int,
    created_by: int,
    lesson_id: str,
    hour: int,
    minute: int,
    timezone: str,
    difficulty: str = "any",
    count: int = 1,
    close_after_minutes: int | None = None,
    now: datetime | None = None,
) -> Schedule:
    schedule = Schedule(
        guild_id=guild_id,
        channel_id=channel_id,
        created_by=created_by,
        lesson_id=lesson_id,
        difficulty=difficulty,
        count=count,
        close_after_minutes=close_after_minutes,
        hour=hour,
        minute=minute,
        timezone=timezone,
        created_at=aware(now or utcnow(), "now"),
    )
    async with db.writing() as s:
        existing = (
            await s.exec(select(func.count()).select_from(Schedule).where(Schedule.guild_id == guild_id))
        ).one()
        if existing >= MAX_SCHEDULES_PER_GUILD:
            raise TooManySchedules(guild_id)
        s.add(schedule)
        await s.commit()
        await s.refresh(schedule)
    return schedule


async def get_schedule(db: Database, schedule_id: int, *, guild_id: int | None = None) -> Schedule | None:
    """The schedule, or None if it does not exist (or belongs to another guild when guild_id is given)."""
    if not 0 < schedule_id <= SCHEDULE_ID_MAX:
        return None
    async with db.session() as s:
        row = await s.get(Schedule, schedule_id)
    if row is None or (guild_id is not None and row.guild_id != guild_id):
        return None
    return row


async def list_schedules(db: Database, guild_id: int) -> list[Schedule]:
    """A guild's schedules, by time of day."""
    async with db.session() as s:
        rows = await s.exec(
            select(Schedule)
            .where(Schedule.guild_id == guild_id)
            .order_by(col(Schedule.hour), col(Schedule.minute), col(Schedule.id))
        )
        return list(rows.all())


async def active_schedules(db: Database) -> list[Schedule]:
    """Every schedule that is not paused (the scheduler decides which are due)."""
    async with db.session() as s:
        rows = await s.exec(
            select(Schedule).where(col(Schedule.paused).is_(False)).order_by(col(Schedule.id))
        )
        return list(rows.all())


async def delete_schedule(db: Database, schedule_id: int, *, guild_id: int) -> Schedule | None:
    """Delete a guild's schedule and its run history; returns it, or None if there was none."""
    found = await get_schedule(db, schedule_id, guild_id=guild_id)
    if found is None:
        return None
    async with db.writing() as s:
        await s.exec(delete(ScheduleRun).where(col(ScheduleRun.schedule_id) == schedule_id))
        result = await s.exec(
            delete(Schedule).where(col(Schedule.id) == schedule_id, col(Schedule.guild_id) == guild_id)
        )
        await s.commit()
    return found if result.rowcount == 1 else None


async def set_paused(
    db: Database,
    schedule_id: int,
    paused: bool,
    *,
    reason: str | None = None,
    guild_id: int | None = None,
) -> Schedule | None:
    """Pause (with a reason the moderator reads) or resume; None if there is no such schedule."""
    if await get_schedule(db, schedule_id, guild_id=guild_id) is None:
        return None
    stored_reason = reason[:REASON_CHARS] if paused and reason else None
    async with db.writing() as s:
        await s.exec(
            update(Schedule)
            .where(col(Schedule.id) == schedule_id)
            .values(paused=paused, paused_reason=stored_reason)
        )
        await s.commit()
    return await get_schedule(db, schedule_id)


async def run_dates_since(db: Database, since: date) -> dict[int, set[date]]:
    """Local dates on or after `since` that already have a run row, per schedule."""
    async with db.session() as s:
        rows = await s.exec(
            select(ScheduleRun.schedule_id, col(ScheduleRun.run_date)).where(
                col(ScheduleRun.run_date) >= since
            )
        )
        done: dict[int, set[date]] = defaultdict(set)
        for schedule_id, run_date in rows.all():
            done[schedule_id].add(run_date)
        return done


async def claim_run(
    db: Database,
    schedule_id: int,
    run_date: date,
    due_at: datetime,
    *,
    status: RunStatus = RunStatus.CLAIMED,
    now: datetime | None = None,
) -> ScheduleRun | None:
    """Insert the (schedule, date) run row; the new row if this call won, None if it existed already."""
    now = aware(now or utcnow(), "now")
    values: dict[str, Any] = {
        "schedule_id": schedule_id,
        "run_date": run_date,
        "due_at": aware(due_at, "due_at"),
        "claimed_at": now,
        "status": status.value,
        "post_ids": [],
        "finished_at": None if status is RunStatus.CLAIMED else now,
    }
    stmt = (
        insert_for(db, ScheduleRun)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["schedule_id", "run_date"])
        .returning(ScheduleRun.__table__.c.id)  # type: ignore[attr-defined]
    )
    async with db.writing() as s:
        run_id = (await s.exec(stmt)).scalar_one_or_none()
        await s.commit()
    if run_id is None:
        return None
    return ScheduleRun(id=run_id, **values)


async def _update_if_still_claimed(db: Database, run: ScheduleRun, **values: Any) -> bool:
    """Update a claimed run only while `claimed_at` is still the one `run` holds (the fence)."""
    async with db.writing() as s:
        result = await s.exec(
            update(ScheduleRun)
            .where(
                col(ScheduleRun.id) == run.id,
                col(ScheduleRun.status) == RunStatus.CLAIMED.value,
                col(ScheduleRun.claimed_at) == run.claimed_at,
            )
            .values(**values)
        )
        await s.commit()
    return bool(result.rowcount == 1)


async def add_run_post(db: Database, run: ScheduleRun, post_id: int) -> None:
    """List a post on its run before its message is sent, so a takeover knows to confirm it.
    Raises ClaimLost when the run is no longer ours (another process took it over)."""
    post_ids = [*run.post_ids, post_id]
    if not await _update_if_still_claimed(db, run, post_ids=post_ids):
        raise ClaimLost(f"schedule run {run.id} was taken over")
    run.post_ids = post_ids


async def stale_claims(db: Database, now: datetime) -> list[ScheduleRun]:
    """Runs still "claimed" STALE_CLAIM after their claim: their claimer died while posting."""
    async with db.session() as s:
        rows = await s.exec(
            select(ScheduleRun)
            .where(
                col(ScheduleRun.status) == RunStatus.CLAIMED.value,
                col(ScheduleRun.claimed_at) <= aware(now, "now") - STALE_CLAIM,
            )
            .order_by(col(ScheduleRun.due_at))
        )
        return list(rows.all())


async def reclaim_run(db: Database, run: ScheduleRun, now: datetime) -> ScheduleRun | None:
    """Take over a stale claim; the run as it now stands (ours) if this call won, None if someone
    else did. It is read after the takeover: a post the first claimer listed late is included."""
    now = aware(now, "now")
    if not await _update_if_still_claimed(db, run, claimed_at=now):
        return None
    async with db.session() as s:
        return await s.get(ScheduleRun, run.id)


async def finish_run(
    db: Database,
    run: ScheduleRun,
    status: RunStatus,
    *,
    post_ids: Sequence[int] = (),
    error: str | None = None,
    now: datetime | None = None,
) -> None:
    """Record how a claimed run ended: the posts it made, and the error if it failed. Raises
    ClaimLost when another process took the run over meanwhile (its outcome is the one kept)."""
    finished = await _update_if_still_claimed(
        db,
        run,
        status=status.value,
        post_ids=list(post_ids),
        error=error[:ERROR_CHARS] if error else None,
        finished_at=aware(now or utcnow(), "now"),
    )
    if not finished:
        raise ClaimLost(f"schedule run {run.id} was taken over")
    run.status = status.value


async def schedule_runs(db: Database, schedule_id: int, limit: int = 50) -> list[ScheduleRun]:
    """A schedule's runs, newest date first."""
    async with db.session() as s:
        rows = await s.exec(
            select(ScheduleRun)
            .where(ScheduleRun.schedule_id == schedule_id)
            .order_by(col(ScheduleRun.run_date).desc())
            .limit(limit)
        )
        return list(rows.all())


async def last_runs(db: Database, schedule_ids: Sequence[int]) -> dict[int, ScheduleRun]:
    """Each schedule's most recent run (for /schedule list)."""
    if not schedule_ids:
        return {}
    latest = (
        select(ScheduleRun.schedule_id, func.max(ScheduleRun.run_date).label("run_date"))
        .where(col(ScheduleRun.schedule_id).in_(schedule_ids))
        .group_by(col(ScheduleRun.schedule_id))
        .subquery()
    )
    async with db.session() as s:
        rows = await s.exec(
            select(ScheduleRun).join(
                latest,
                (col(ScheduleRun.schedule_id) == latest.c.schedule_id)
                & (col(ScheduleRun.run_date) == latest.c.run_date),
            )
        )
        return {run.schedule_id: run for run in rows.all()}


async def previous_post_ids(db: Database, schedule_id: int, before: date) -> list[int]:
    """The posts of the schedule's latest run before `before` that posted anything (to close them)."""
    async with db.session() as s:
        rows = await s.exec(
            select(ScheduleRun)
            .where(
                ScheduleRun.schedule_id == schedule_id,
                col(ScheduleRun.run_date) < before,
                col(ScheduleRun.status).in_([RunStatus.POSTED.value, RunStatus.FAILED.value]),
            )
            .order_by(col(ScheduleRun.run_date).desc())
            .limit(10)
        )
        for run in rows.all():
            if run.post_ids:
                return [int(i) for i in run.post_ids]
    return []
