"""storage.schedules on SQLite and PostgreSQL: one claim per (schedule, date), even under concurrency."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest

from storage import Database, post_rows
from storage import schedules as store
from storage.schedules import RunStatus

GUILD = 900_000_000_000_000_001
OTHER_GUILD = 900_000_000_000_000_009
CHANNEL = 800_000_000_000_000_002
MOD = 700_000_000_000_000_003
T0 = datetime(2030, 6, 1, 12, 0, tzinfo=UTC)
DAY = date(2030, 6, 2)


async def new_schedule(database: Database, guild_id: int = GUILD, **kw: object) -> int:
    schedule = await store.create_schedule(
        database,
        guild_id=guild_id,
        channel_id=CHANNEL,
        created_by=MOD,
        lesson_id="lesson1",
        hour=9,
        minute=0,
        timezone="Europe/Berlin",
        now=T0,
        **kw,  # type: ignore[arg-type]
    )
    assert schedule.id is not None
    return schedule.id


async def test_a_run_is_claimed_once_per_schedule_and_local_date(db: Database) -> None:
    sid = await new_schedule(db)
    due = datetime(2030, 6, 2, 7, 0, tzinfo=UTC)
    first = await store.claim_run(db, sid, DAY, due, now=due)
    assert first is not None and first.status == RunStatus.CLAIMED
    assert await store.claim_run(db, sid, DAY, due, now=due) is None
    assert await store.claim_run(db, sid, DAY, due, status=RunStatus.SKIPPED, now=due) is None
    assert await store.claim_run(db, sid, date(2030, 6, 3), due, now=due) is not None
    assert (await store.run_dates_since(db, DAY))[sid] == {DAY, date(2030, 6, 3)}


async def test_concurrent_claims_from_separate_connections_have_one_winner(
    db: Database,
    db_url: str,
) -> None:
    sid = await new_schedule(db)
    others = [await Database.open(db_url) for _ in range(4)]
    try:
        due = datetime(2030, 6, 2, 7, 0, tzinfo=UTC)
        results = await asyncio.gather(
            *(store.claim_run(d, sid, DAY, due, now=due) for d in [db, *others] for _ in range(3))
        )
    finally:
        for other in others:
            await other.close()
    assert sum(r is not None for r in results) == 1
    assert len(await store.schedule_runs(db, sid)) == 1


async def test_a_failed_run_keeps_its_error_and_posts_and_is_the_previous_run(db: Database) -> None:
    sid = await new_schedule(db)
    post = await post_rows.create_post(db, GUILD, CHANNEL, "lesson1.q1", "lesson1", None, MOD, now=T0)
    assert post.id is not None
    run = await store.claim_run(db, sid, DAY, T0, now=T0)
    assert run is not None and run.id is not None
    await store.finish_run(db, run, RunStatus.FAILED, post_ids=[post.id], error="x" * 900, now=T0)
    (stored,) = await store.schedule_runs(db, sid)
    assert stored.status == RunStatus.FAILED and stored.error == "x" * store.ERROR_CHARS
    assert await store.previous_post_ids(db, sid, date(2030, 6, 3)) == [post.id]
    assert await store.previous_post_ids(db, sid, DAY) == [], "only runs before the given date"
    assert (await store.last_runs(db, [sid]))[sid].run_date == DAY


async def test_question_recency_ranks_questions_by_their_latest_post_in_the_channel(db: Database) -> None:
    ids = {}
    for qid in ("q1", "q2", "q1"):
        post = await post_rows.create_post(db, GUILD, CHANNEL, qid, "lesson1", None, MOD, now=T0)
        ids[qid] = post.id
    await post_rows.create_post(db, GUILD, CHANNEL + 1, "q3", "lesson1", None, MOD, now=T0)
    recency = await post_rows.question_recency(db, GUILD, CHANNEL)
    assert recency == {"q1": ids["q1"], "q2": ids["q2"]}
    assert recency["q1"] > recency["q2"]


async def test_removing_and_pausing_only_reach_the_guilds_own_schedules(db: Database) -> None:
    sid = await new_schedule(db)
    await store.claim_run(db, sid, DAY, T0, now=T0)
    assert await store.set_paused(db, sid, True, reason="r", guild_id=OTHER_GUILD) is None
    assert await store.delete_schedule(db, sid, guild_id=OTHER_GUILD) is None
    paused = await store.set_paused(db, sid, True, reason="channel gone", guild_id=GUILD)
    assert paused is not None and paused.paused and paused.paused_reason == "channel gone"
    assert await store.active_schedules(db) == []
    resumed = await store.set_paused(db, sid, False)
    assert resumed is not None and not resumed.paused and resumed.paused_reason is None
    assert await store.delete_schedule(db, sid, guild_id=GUILD) is not None
    assert await store.get_schedule(db, sid) is None
    assert await store.schedule_runs(db, sid) == [], "a schedule's runs go with it"
    assert await store.get_schedule(db, 2**40) is None, "an out-of-range id reads as missing"


async def test_a_guild_has_at_most_25_schedules(db: Database) -> None:
    for _ in range(store.MAX_SCHEDULES_PER_GUILD):
        await new_schedule(db)
    with pytest.raises(store.TooManySchedules):
        await new_schedule(db)
    await new_schedule(db, guild_id=OTHER_GUILD)  # other servers are not affected


async def test_a_stale_claim_is_taken_over_once_and_its_first_claimer_is_fenced_off(
    db: Database, db_url: str
) -> None:
    sid = await new_schedule(db)
    due = datetime(2030, 6, 2, 7, 0, tzinfo=UTC)
    slow = await store.claim_run(db, sid, DAY, due, now=due)
    assert slow is not None
    await store.add_run_post(db, slow, 11)
    assert await store.stale_claims(db, due + store.STALE_CLAIM - timedelta(seconds=1)) == []

    later = due + store.STALE_CLAIM
    other = await Database.open(db_url)  # two processes race for the takeover
    try:
        racers = (db, other, db)
        views = [(await store.stale_claims(d, later))[0] for d in racers]
        await store.add_run_post(db, slow, 12)  # the slow claimer lists one more after they looked
        won = await asyncio.gather(
            *(store.reclaim_run(d, v, later) for d, v in zip(racers, views, strict=True))
        )
    finally:
        await other.close()
    (taken,) = [run for run in won if run is not None]
    assert taken.post_ids == [11, 12], "the takeover knows every post the first claimer listed"
    assert await store.stale_claims(db, later + timedelta(seconds=30)) == [], "fresh again"

    with pytest.raises(store.ClaimLost):  # the first claimer wakes up: it may not list more posts
        await store.add_run_post(db, slow, 14)
    with pytest.raises(store.ClaimLost):  # nor record an outcome over the new claimer's
        await store.finish_run(db, slow, RunStatus.FAILED, error="late", now=later)
    await store.add_run_post(db, taken, 13)
    await store.finish_run(db, taken, RunStatus.POSTED, post_ids=taken.post_ids, now=later)
    (stored,) = await store.schedule_runs(db, sid)
    assert (stored.post_ids, stored.status, stored.error) == ([11, 12, 13], RunStatus.POSTED, None)
