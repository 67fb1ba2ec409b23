"""A server's published lesson end to end: the bot loads it from storage, offers it in that server's
lesson lists alone, and posts its questions under the server's own ids."""

from __future__ import annotations

from datetime import UTC, datetime

from content.scoping import scoped
from storage import server_lessons as store
from storage.models import LessonUpload
from tests.conftest import StartBot
from tests.emulator import DiscordForTests
from tests.messages import custom_ids

T0 = datetime(2030, 6, 1, 12, 0, tzinfo=UTC)
PACK = """\
id: cells
title: Cells of our course
topic: Biology
source: A teacher's notes
questions:
  - id: cells.q1
    kind: multiple_choice
    difficulty: easy
    prompt: How do body cells divide?
    options: [Mitosis, Osmosis]
    answer: A
    shuffle: false
    hint: Think of the cell cycle.
    solution: [Body cells divide by mitosis.]
"""


async def _publish(bot: object, guild_id: int, title: str) -> None:
    db = bot.database  # type: ignore[attr-defined]
    upload = LessonUpload(
        guild_id=guild_id,
        lesson_id="cells",
        title="Cells",
        questions=1,
        source="cells.yaml",
        format="yaml",
        text=PACK.replace("Cells of our course", title),
        uploaded_by=1,
        uploaded_at=T0,
    )
    draft = await store.save_draft(db, upload)
    assert isinstance(
        await store.publish(db, draft, guild_id, replacing=0, limit=50, now=T0), store.Published
    )


async def test_a_published_lesson_is_offered_and_posted_in_its_own_server_only(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    bot = await start_bot()
    here = emulator.world.guild_id
    await _publish(bot, here, "Cells of our course")
    await _publish(bot, here + 1, "Another server's cells")
    await bot.follow_server_lessons()  # what the loop does every few seconds

    offered = await emulator.autocomplete("quiz post", "lesson", by="mod", lesson="cell")
    assert [c["name"] for c in offered] == ["Cells of our course (cells)"]
    assert offered[0]["value"] == scoped(here, "cells")

    ix = await emulator.slash("quiz post", by="mod", lesson=scoped(here, "cells"), channel="quiz")
    assert "Posted" in (await emulator.wait_reply(ix))["content"]
    (message,) = [m for m in emulator.channel_messages("quiz") if m["embeds"]]
    assert "How do body cells divide?" in message["embeds"][0]["description"]

    # Another server's lesson, typed by hand, is not this server's to post.
    ix = await emulator.slash("quiz post", by="mod", lesson=scoped(here + 1, "cells"), channel="quiz")
    assert "There is no lesson" in (await emulator.wait_reply(ix))["content"]


async def test_a_servers_lesson_has_its_own_leaderboard_with_working_buttons(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    bot = await start_bot()
    here = emulator.world.guild_id
    await _publish(bot, here, "Cells of our course")
    await bot.follow_server_lessons()
    ix = await emulator.slash("leaderboard", by="alice", lesson=scoped(here, "cells"))
    board = await emulator.wait_reply(ix)
    ids = custom_ids(board)
    assert ids and all(len(cid) <= 100 for cid in ids)
    me = next(cid for cid in ids if cid.startswith("board:me:"))
    assert me.endswith(":~cells")  # the server is the click's, not written in the button
    reply = await emulator.wait_reply(await emulator.click(board, me, by="alice"))
    assert "Cells of our course" in str(reply), reply
