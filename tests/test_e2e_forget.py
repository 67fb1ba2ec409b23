"""/forget-me end to end: a confirmation first, then every trace of the member goes, in every guild."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot import answering, reviewing
from storage import post_rows, review
from storage.leaderboards import standing
from tests.clock import Clock
from tests.conftest import StartBot
from tests.emulator import DiscordForTests, plant_message
from tests.messages import lessons_folder
from tests.test_e2e_leaderboard import LESSONS, MONDAY, member, score, started

EPHEMERAL = 1 << 6
OTHER_GUILD = 123_456_789_012_345_678


@pytest.fixture
def lessons_dir(tmp_path: Path) -> Path:
    return lessons_folder(tmp_path, **LESSONS)


def buttons(message: dict[str, Any]) -> dict[str, str]:
    return {c["label"]: c["custom_id"] for row in message["components"] for c in row["components"]}


async def test_forget_me_asks_first_then_deletes_scores_attempts_and_reviews_everywhere(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    bot = await started(emulator, start_bot, lessons_dir, Clock(MONDAY))
    alice, bob = member(emulator, "alice"), member(emulator, "bob")
    await score(bot, alice, "lb.hard", MONDAY, tries="BA")
    await score(bot, bob, "lb.easy", MONDAY)
    await reviewing.record_outcome(bot.database, alice, "lb.hard", right=True, try_no=2, now=MONDAY)
    # alice also answered in another server the bot is in.
    other = await post_rows.create_post(bot.database, OTHER_GUILD, 1, "lb.easy", "lb", None, None, now=MONDAY)
    easy = bot.library.question("lb.easy")
    assert easy is not None
    await answering.record_try(bot.database, other, alice, ["A"], easy, MONDAY)

    prompt = await emulator.wait_reply(await emulator.slash("forget-me", by="alice"))
    assert prompt["flags"] & EPHEMERAL
    assert "everything I store about you, in every server" in prompt["content"]
    assert await standing(bot.database, emulator.world.guild_id, alice, "all", now=MONDAY) is not None, (
        "nothing is deleted before the confirmation"
    )
    await emulator.wait_response(await emulator.click(prompt, buttons(prompt)["Delete my data"], by="alice"))
    done = emulator.message(int(prompt["id"]))
    assert done["content"].startswith("Done: I deleted") and done["components"] == []

    for guild in (emulator.world.guild_id, OTHER_GUILD):
        assert await standing(bot.database, guild, alice, "all", now=MONDAY) is None
        assert await standing(bot.database, guild, alice, "week", now=MONDAY) is None
    assert await review.get_card(bot.database, alice, "lb.hard") is None
    board = await emulator.wait_reply(await emulator.slash("leaderboard", by="alice", period="all"))
    assert str(board["embeds"][0]["description"]).startswith(f"🥇**1.** <@{bob}>")
    assert "No points" in board["embeds"][0]["fields"][0]["value"]


async def test_keep_my_data_deletes_nothing_and_a_copied_button_cannot_delete_someone_else(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    bot = await started(emulator, start_bot, lessons_dir, Clock(MONDAY))
    alice = member(emulator, "alice")
    await score(bot, alice, "lb.hard", MONDAY)
    prompt = await emulator.wait_reply(await emulator.slash("forget-me", by="alice"))
    await emulator.wait_response(await emulator.click(prompt, buttons(prompt)["Keep my data"], by="alice"))
    assert emulator.message(int(prompt["id"]))["content"] == "Nothing was deleted."
    confirm_id = f"forget:confirm:{alice}"
    copied = await plant_message(emulator, "general", [confirm_id])
    refused = await emulator.wait_reply(await emulator.click(copied, confirm_id, by="bob"))
    assert refused["flags"] & EPHEMERAL and refused["content"].startswith(
        "This confirmation belongs to someone else"
    )
    assert await standing(bot.database, emulator.world.guild_id, alice, "all", now=MONDAY) is not None
