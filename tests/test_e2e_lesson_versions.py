"""A server's lessons over time, end to end: /lessons list, download, history and Restore, remove
(asked first; its daily quizzes pause with the reason), and hide / show for bundled lessons."""

from __future__ import annotations

from typing import Any

from content.scoping import scoped
from storage import schedules
from storage import server_lessons as store
from tests.conftest import StartBot
from tests.emulator import DiscordForTests, plant_message
from tests.messages import components
from tests.server_lessons import CELLS, publish

PACK = CELLS
SECOND = PACK.replace("How do body cells divide?", "By what do body cells divide?")


def _button(message: dict, label: str) -> str:
    (button,) = [b for b in components(message) if b["label"] == label]
    return str(button["custom_id"])


async def _press(emulator: DiscordForTests, message: dict, custom_id: str, *, by: str = "mod") -> str:
    response = await emulator.wait_response(await emulator.click(message, custom_id, by=by))
    return str(response.get("data", {}).get("content", ""))


async def _reply(emulator: DiscordForTests, command: str, **options: Any) -> dict:
    return await emulator.wait_reply(await emulator.slash(command, by="mod", **options))


async def _lesson_values(emulator: DiscordForTests, command: str = "quiz post") -> list[str]:
    return [c["value"] for c in await emulator.autocomplete(command, "lesson", by="mod", lesson="")]


async def test_list_says_where_each_lesson_comes_from_and_download_gives_the_stored_file(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    bot = await start_bot()
    here = emulator.world.guild_id
    await publish(bot, here, PACK, uploaded_by=emulator.world.members["mod"].id)
    await publish(bot, here, SECOND, uploaded_by=emulator.world.members["mod"].id)
    await bot.follow_server_lessons()

    listed = (await _reply(emulator, "lessons list"))["embeds"][0]
    lines = listed["description"].splitlines()
    (own,) = [line for line in lines if "`cells`" in line]
    assert f"uploaded by <@{emulator.world.members['mod'].id}>" in own and "version 2" in own
    assert sum("· bundled ·" in line for line in lines) == len(bot.catalog.bundled.lessons)

    reply = await _reply(emulator, "lessons download", lesson=scoped(here, "cells"))
    assert emulator.attachment(reply, "cells.yaml").decode() == SECOND  # uploads again unchanged

    reply = await _reply(emulator, "lessons download", lesson=scoped(here, "cells"), format="gift")
    gift = emulator.attachment(reply, "cells.gift.txt").decode()
    assert "By what do body cells divide?" in gift
    assert "cells.q1" in gift and scoped(here, "") not in gift  # the ids its authors wrote


async def test_history_restores_an_earlier_version_as_the_newest(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    bot = await start_bot()
    here = emulator.world.guild_id
    await publish(bot, here, PACK)
    await publish(bot, here, SECOND)
    await bot.follow_server_lessons()

    history = await _reply(emulator, "lessons history", lesson="cells")
    text = history["embeds"][0]["description"]
    assert "Version 2 is in use." in text
    assert text.index("**Version 2** · in use") < text.index("**Version 1**")
    assert [b["label"] for b in components(history)] == ["Restore version 1"]
    restore = _button(history, "Restore version 1")

    assert "Only moderators" in await _press(emulator, history, restore, by="alice")
    done = await _press(emulator, history, restore)
    assert done.startswith("Restored **Cells of our course** (`cells`) as version 3")
    question = bot.catalog.lessons_in(here).question(scoped(here, "cells.q1"))
    assert question is not None and question.prompt == "How do body cells divide?"
    assert await store.current_version(bot.database, here, "cells") == 3

    # The same button again, after version 3 landed: asked again, not replaced unseen.
    stale = await plant_message(emulator, "general", [restore])
    asked = await _press(emulator, stale, restore)
    assert asked.startswith("Someone published `cells` meanwhile. This server has version 3")
    # Another server's version, forged into a button: nothing of it is used.
    other_version = await publish(bot, here + 1, PACK)
    (theirs,) = await store.versions(bot.database, here + 1, "cells")
    assert other_version == 1
    forged = f"lessons:restore:{theirs.id}:3"
    planted = await plant_message(emulator, "general", [forged])
    assert "not one of this server's" in await _press(emulator, planted, forged)
    assert await store.current_version(bot.database, here, "cells") == 3


async def test_removing_asks_first_pauses_its_daily_quizzes_and_can_be_restored(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    bot = await start_bot()
    here = emulator.world.guild_id
    lesson = scoped(here, "cells")
    await publish(bot, here, PACK)
    await bot.follow_server_lessons()
    added = await _reply(emulator, "schedule add", channel="quiz", time="09:00", lesson=lesson)
    assert "Cells of our course" in str(added)
    assert lesson in await _lesson_values(emulator)

    asked = await _reply(emulator, "lessons remove", lesson=lesson)
    assert asked["content"].startswith("Remove **Cells of our course** (`cells`) from this server?")
    assert "1 daily quiz of it will pause." in asked["content"]
    assert await _press(emulator, asked, _button(asked, "Keep it")) == "Kept: nothing changed."
    assert lesson in await _lesson_values(emulator)

    asked = await _reply(emulator, "lessons remove", lesson=lesson)
    done = await _press(emulator, asked, _button(asked, "Remove"))
    assert done.startswith("Removed `cells` from this server. 1 daily quiz paused")
    assert lesson not in await _lesson_values(emulator)
    assert lesson not in await _lesson_values(emulator, "practice")
    (schedule,) = await schedules.list_schedules(bot.database, here)
    assert schedule.paused
    listed = str(await _reply(emulator, "schedule list"))
    assert "paused: its lesson `cells` was removed from this server by" in listed

    history = await _reply(emulator, "lessons history", lesson="cells")
    assert "It is removed from this server" in history["embeds"][0]["description"]
    restored = await _press(emulator, history, _button(history, "Restore version 1"))
    assert restored.startswith("Restored **Cells of our course** (`cells`) as version 2")
    assert lesson in await _lesson_values(emulator)


async def test_a_removal_asked_before_a_new_version_landed_removes_nothing(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    bot = await start_bot()
    here = emulator.world.guild_id
    await publish(bot, here, PACK)
    await bot.follow_server_lessons()
    asked = await _reply(emulator, "lessons remove", lesson=scoped(here, "cells"))
    await publish(bot, here, SECOND)
    await bot.follow_server_lessons()
    done = await _press(emulator, asked, _button(asked, "Remove"))
    assert done == "`cells` changed since you asked (version 2 is in use now): nothing was removed."
    assert await store.current_version(bot.database, here, "cells") == 2
    bundled = next(iter(bot.catalog.bundled.lessons))
    refused = await _reply(emulator, "lessons remove", lesson=bundled)
    assert "comes with quizbot: `/lessons hide`" in refused["content"]


async def test_a_hidden_bundled_lesson_leaves_this_server_only_and_show_brings_it_back(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    bot = await start_bot()
    here = emulator.world.guild_id
    bundled = next(iter(bot.catalog.bundled.lessons))
    await _reply(emulator, "schedule add", channel="quiz", time="09:00", lesson=bundled)

    hidden = await _reply(emulator, "lessons hide", lesson=bundled)
    assert hidden["content"].startswith("Hid **")
    assert "1 daily quiz of it paused." in hidden["content"]
    assert bundled not in await _lesson_values(emulator)
    refused = await _reply(emulator, "quiz post", lesson=bundled, channel="quiz")
    assert "There is no lesson" in refused["content"]
    assert bot.catalog.lessons_in(here + 1).lesson(bundled) is not None  # other servers keep it
    listed = (await _reply(emulator, "lessons list"))["embeds"][0]
    assert listed["fields"][0]["name"] == "Hidden on this server"
    assert f"(`{bundled}`)" in listed["fields"][0]["value"]
    assert "is hidden already" in (await _reply(emulator, "lessons hide", lesson=bundled))["content"]

    offered = await emulator.autocomplete("lessons show", "lesson", by="mod", lesson="")
    assert [c["value"] for c in offered] == [bundled]
    shown = await _reply(emulator, "lessons show", lesson=bundled)
    assert "is back on this server's lists" in shown["content"]
    assert bundled in await _lesson_values(emulator)
    (schedule,) = await schedules.list_schedules(bot.database, here)
    assert schedule.paused  # resumed by a moderator, on purpose
