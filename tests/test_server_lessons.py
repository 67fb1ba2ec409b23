"""A server's uploaded lessons in storage and in the catalog, on SQLite and PostgreSQL: publishing
asks again when another version landed first, stays within the server's limit, keeps every version,
and one server's lessons are seen by that server alone, under ids no other lesson has."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.catalog import Catalog, parse_uploads
from content import load_library
from content.scoping import authored, guild_of, scoped
from storage import Database, schedules
from storage import server_lessons as store
from storage.models import LessonUpload

GUILD = 900_000_000_000_000_001
OTHER_GUILD = 900_000_000_000_000_009
MOD = 700_000_000_000_000_003
T0 = datetime(2030, 6, 1, 12, 0, tzinfo=UTC)


def pack(lesson_id: str = "biology", prompt: str = "What do cells divide by?") -> str:
    return f"""id: {lesson_id}
title: Cells
topic: Biology
source: A teacher's notes
questions:
  - id: {lesson_id}.q1
    kind: multiple_choice
    difficulty: easy
    prompt: {prompt}
    options: [Mitosis, Osmosis]
    answer: A
    hint: Think of the cell cycle.
    solution: [Cells divide by mitosis.]
"""


async def draft(
    db: Database, guild_id: int = GUILD, lesson_id: str = "biology", text: str | None = None
) -> int:
    upload = LessonUpload(
        guild_id=guild_id,
        lesson_id=lesson_id,
        title="Cells",
        questions=1,
        source="cells.yaml",
        format="yaml",
        text=text or pack(lesson_id),
        uploaded_by=MOD,
        uploaded_at=T0,
    )
    return await store.save_draft(db, upload)


def test_server_ids_name_their_server_and_cannot_be_written_in_a_pack() -> None:
    lesson_id = scoped(GUILD, "biology")
    assert guild_of(lesson_id) == GUILD and authored(lesson_id) == "biology"
    assert guild_of("biology") is None and authored("biology") == "biology"
    assert scoped(GUILD, "x") != scoped(OTHER_GUILD, "x")
    assert lesson_id != lesson_id.lower()  # authored ids are lowercase: none can take a server's id


async def test_publishing_versions_a_lesson_and_asks_again_when_another_landed_first(db: Database) -> None:
    first = await draft(db)
    assert await store.publish(db, first, GUILD, replacing=0, limit=50, now=T0) == store.Published(1)
    assert await store.publish(db, first, GUILD, replacing=0, limit=50, now=T0) is None  # published already
    # Two moderators preview replacements of version 1; the second to click is asked again.
    mine, theirs = await draft(db), await draft(db)
    assert await store.publish(db, theirs, GUILD, replacing=1, limit=50, now=T0) == store.Published(2)
    assert await store.publish(db, mine, GUILD, replacing=1, limit=50, now=T0) == store.Changed(2)
    assert await store.publish(db, mine, GUILD, replacing=2, limit=50, now=T0) == store.Published(3)
    assert await store.current_version(db, GUILD, "biology") == 3
    in_use = await store.lessons_in_use(db)
    assert [(u.lesson_id, u.version) for u in in_use] == [("biology", 3)]


async def test_racing_publishes_of_one_lesson_store_one_version_each(db: Database, db_url: str) -> None:
    others = [await Database.open(db_url) for _ in range(3)]
    try:
        drafts = [await draft(db) for _ in others]
        results = await asyncio.gather(
            *(
                store.publish(d, i, GUILD, replacing=0, limit=50, now=T0)
                for d, i in zip(others, drafts, strict=True)
            )
        )
    finally:
        for other in others:
            await other.close()
    assert results.count(store.Published(1)) == 1
    assert all(isinstance(r, store.Changed) for r in results if r != store.Published(1))
    assert await store.current_version(db, GUILD, "biology") == 1


async def test_a_server_stays_within_its_lesson_limit_and_replacing_is_not_a_new_lesson(db: Database) -> None:
    for name in ("one", "two"):
        assert isinstance(
            await store.publish(db, await draft(db, lesson_id=name), GUILD, replacing=0, limit=2, now=T0),
            store.Published,
        )
    assert await store.publish(
        db, await draft(db, lesson_id="three"), GUILD, replacing=0, limit=2, now=T0
    ) == store.TooMany(2)
    assert await store.publish(
        db, await draft(db, lesson_id="one"), GUILD, replacing=1, limit=2, now=T0
    ) == store.Published(2)
    # Another server's limit is its own.
    assert await store.publish(
        db, await draft(db, OTHER_GUILD, "three"), OTHER_GUILD, replacing=0, limit=2, now=T0
    ) == store.Published(1)


async def test_a_cancelled_draft_is_gone_and_another_server_cannot_touch_it(db: Database) -> None:
    kept = await draft(db)
    assert await store.get_draft(db, kept, OTHER_GUILD) is None
    assert not await store.drop_draft(db, kept, OTHER_GUILD)
    assert await store.publish(db, kept, OTHER_GUILD, replacing=0, limit=50, now=T0) is None
    assert await store.drop_draft(db, kept, GUILD)
    assert await store.get_draft(db, kept, GUILD) is None
    assert await store.publish(db, kept, GUILD, replacing=0, limit=50, now=T0) is None


async def test_every_process_learns_which_servers_lessons_changed(db: Database) -> None:
    seen = await store.last_change(db)
    await store.publish(db, await draft(db), GUILD, replacing=0, limit=50, now=T0)
    await store.publish(db, await draft(db, OTHER_GUILD), OTHER_GUILD, replacing=0, limit=50, now=T0)
    newest, guilds = await store.changes_since(db, seen)
    assert guilds == {GUILD, OTHER_GUILD} and newest > seen
    assert await store.changes_since(db, newest) == (newest, set())


async def test_the_catalog_shows_a_servers_lessons_to_that_server_alone(db: Database) -> None:
    bundled = load_library()
    await store.publish(db, await draft(db), GUILD, replacing=0, limit=50, now=T0)
    await store.publish(
        db,
        await draft(db, OTHER_GUILD, text=pack(prompt="Which divides cells?")),
        OTHER_GUILD,
        replacing=0,
        limit=50,
        now=T0,
    )
    catalog = Catalog(bundled, parse_uploads(await store.lessons_in_use(db)))

    mine, theirs = scoped(GUILD, "biology"), scoped(OTHER_GUILD, "biology")
    here = catalog.lessons_in(GUILD)
    assert mine in here.lessons and theirs not in here.lessons
    assert set(bundled.lessons) <= set(here.lessons)  # the bundled lessons stay
    assert catalog.lessons_in(None).lessons == bundled.lessons  # a DM picks from the bundled ones
    # Every stored question id is found, whichever server it belongs to (posts, review cards in a DM).
    question = catalog.everything.question(scoped(GUILD, "biology.q1"))
    assert question is not None and question.lesson_id == mine
    other = catalog.everything.question(scoped(OTHER_GUILD, "biology.q1"))
    assert other is not None and other.prompt == "Which divides cells?"
    upload = catalog.upload_of(mine)
    assert upload is not None and upload.uploaded_by == MOD and upload.version == 1
    assert catalog.upload_of(next(iter(bundled.lessons))) is None

    # A server whose lessons changed is reloaded alone; one with none left loses them.
    emptied = catalog.with_servers({}, {}, [OTHER_GUILD])
    assert theirs not in emptied.everything.lessons and mine in emptied.everything.lessons


async def test_removing_keeps_every_version_pauses_its_schedules_and_logs_the_change(db: Database) -> None:
    await store.publish(db, await draft(db), GUILD, replacing=0, limit=50, now=T0)
    await store.publish(
        db, await draft(db, text=pack(prompt="Cells divide by?")), GUILD, replacing=1, limit=50, now=T0
    )
    schedule = await schedules.create_schedule(
        db,
        guild_id=GUILD,
        channel_id=1,
        lesson_id=scoped(GUILD, "biology"),
        hour=9,
        minute=0,
        timezone="UTC",
        created_by=MOD,
    )
    seen = await store.last_change(db)
    # Asked while version 1 was in use: version 2 is not removed unseen.
    assert await store.remove(
        db, GUILD, "biology", version=1, schedules_id=scoped(GUILD, "biology"), reason="r", now=T0
    ) == store.Changed(2)
    removed = await store.remove(
        db, GUILD, "biology", version=2, schedules_id=scoped(GUILD, "biology"), reason="removed", now=T0
    )
    assert removed == store.Removed(paused=1)
    assert await store.current_version(db, GUILD, "biology") == 0
    assert [v.version for v in await store.versions(db, GUILD, "biology")] == [2, 1]
    assert await store.uploaded_lessons(db, GUILD) == {"biology": "Cells"}
    paused = await schedules.get_schedule(db, schedule.id or 0)
    assert paused is not None and paused.paused and paused.paused_reason == "removed"
    assert (await store.changes_since(db, seen))[1] == {GUILD}

    # Restoring is publishing a version's text again, as the newest version.
    (v2, v1) = await store.versions(db, GUILD, "biology")
    assert await store.get_version(db, v1.id or 0, OTHER_GUILD) is None  # not another server's
    again = await store.draft_of_version(db, v1, by=MOD, now=T0)
    assert await store.publish(db, again.id or 0, GUILD, replacing=0, limit=50, now=T0) == store.Published(3)
    (in_use,) = await store.lessons_in_use(db, [GUILD])
    assert in_use.version == 3 and in_use.text == v1.text != v2.text


async def test_a_hidden_bundled_lesson_leaves_that_servers_view_alone(db: Database) -> None:
    bundled = load_library()
    lesson_id = next(iter(bundled.lessons))
    assert await store.hide(db, GUILD, lesson_id, reason="hidden", now=T0) == store.Removed(paused=0)
    assert await store.hide(db, GUILD, lesson_id, reason="hidden", now=T0) is None
    hidden = await store.hidden_lessons(db)
    assert hidden == {GUILD: frozenset({lesson_id})}
    catalog = Catalog(bundled, {}, hidden)
    assert lesson_id not in catalog.lessons_in(GUILD).lessons
    assert lesson_id in catalog.lessons_in(OTHER_GUILD).lessons
    assert lesson_id in catalog.everything.lessons  # stored ids (review cards) are still found
    assert [lesson.id for lesson in catalog.hidden_in(GUILD)] == [lesson_id]
    assert await store.show(db, GUILD, lesson_id, now=T0)
    assert not await store.show(db, GUILD, lesson_id, now=T0)
    assert await store.hidden_lessons(db) == {}


async def test_unpublished_drafts_and_read_changes_are_forgotten_after_a_day(db: Database) -> None:
    old = await draft(db)
    await store.publish(db, await draft(db), GUILD, replacing=0, limit=50, now=T0)
    await store.publish(db, await draft(db, OTHER_GUILD), OTHER_GUILD, replacing=0, limit=50, now=T0)
    newest = await store.last_change(db)
    fresh = await draft(db)  # uploaded "now": T0 + 1 day
    async with db.writing() as s:  # the drafts above were uploaded at T0; this one a day later
        row = await s.get(LessonUpload, fresh)
        assert row is not None
        row.uploaded_at = T0 + timedelta(days=1)
        s.add(row)
        await s.commit()

    await store.prune(db, T0 + timedelta(hours=12))
    assert await store.get_draft(db, old, GUILD) is None
    assert await store.get_draft(db, fresh, GUILD) is not None
    assert [v.version for v in await store.versions(db, GUILD, "biology")] == [1]  # versions stay
    assert await store.last_change(db) == newest  # the newest change stays: ids never go back
    assert await store.changes_since(db, 0) == (newest, {OTHER_GUILD})
