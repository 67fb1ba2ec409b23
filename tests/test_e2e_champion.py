"""The monthly champion end to end: the role moves on the 1st (the server's time zone), exactly
once, ties share it, and a role the bot may not hand out is reported once instead of crashing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from bot.app import QuizBot
from cogs.champion import Champion
from storage.forget import forget_member
from storage.models import ChampionMonth
from tests.clock import Clock
from tests.conftest import StartBot
from tests.emulator import DiscordForTests
from tests.messages import lessons_folder
from tests.test_e2e_leaderboard import LESSONS, member, score, started

EPHEMERAL = 1 << 6
MARCH = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)


@pytest.fixture
def lessons_dir(tmp_path: Path) -> Path:
    return lessons_folder(tmp_path, **LESSONS)


def roles_of(emulator: DiscordForTests, name: str) -> list[int]:
    return emulator.world.members[name].roles


def champion_posts(emulator: DiscordForTests) -> list[dict[str, Any]]:
    return [
        m
        for m in emulator.channel_messages("general")
        if m["embeds"] and "Champion of" in m["embeds"][0]["title"]
    ]


async def set_champion_role(emulator: DiscordForTests) -> str:
    reply = await emulator.wait_reply(
        await emulator.slash(
            "config champion-role", by="mod", role=emulator.world.role_ids["Champion"], channel="general"
        )
    )
    assert reply["flags"] & EPHEMERAL
    return str(reply["content"])


async def bot_with_march(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path, clock: Clock
) -> QuizBot:
    bot = await started(emulator, start_bot, lessons_dir, clock)
    bot.feature(Champion).loop.cancel()  # the test says when a tick happens
    await score(bot, member(emulator, "alice"), "lb.hard", MARCH)  # 3 points
    await score(bot, member(emulator, "bob"), "lb.easy", MARCH)  # 1 point
    return bot


async def test_the_role_goes_to_last_months_top_member_once_and_moves_on_next_month(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    clock = Clock(MARCH)
    bot = await bot_with_march(emulator, start_bot, lessons_dir, clock)
    said = await set_champion_role(emulator)
    assert said.startswith(
        f"On the 1st of each month (the server's time zone) <@&{emulator.world.role_ids['Champion']}>"
    )
    assert "can't" not in said
    champion = emulator.world.role_ids["Champion"]
    awards = bot.feature(Champion)

    clock.at = datetime(2026, 3, 31, 23, 0, tzinfo=UTC)
    assert await awards.award_due() == 0, "March is not over"
    clock.at = datetime(2026, 4, 1, 0, 5, tzinfo=UTC)
    assert await awards.award_due() == 1
    assert champion in roles_of(emulator, "alice") and champion not in roles_of(emulator, "bob")
    (post,) = champion_posts(emulator)
    embed = post["embeds"][0]
    assert embed["title"] == "🏆 Champion of March 2026"
    assert embed["description"].startswith(
        f"Congratulations <@{member(emulator, 'alice')}>: top of the month with 3 points!"
    )
    assert embed["fields"][0]["value"].splitlines() == [
        f"🥇 <@{member(emulator, 'alice')}> · 3 points",
        f"🥈 <@{member(emulator, 'bob')}> · 1 point",
    ]
    assert await awards.award_due() == 0, "once a month, however often it ticks"
    assert len(champion_posts(emulator)) == 1

    await score(bot, member(emulator, "bob"), "lb.hard", datetime(2026, 4, 20, 12, 0, tzinfo=UTC))
    await score(bot, member(emulator, "bob"), "lb.easy", datetime(2026, 4, 21, 12, 0, tzinfo=UTC))
    clock.at = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
    assert await awards.award_due() == 1
    assert champion in roles_of(emulator, "bob") and champion not in roles_of(emulator, "alice"), (
        "the role moved"
    )


async def test_the_first_of_the_month_is_the_servers_and_ties_share_the_role(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    clock = Clock(MARCH)
    bot = await bot_with_march(emulator, start_bot, lessons_dir, clock)
    await score(bot, member(emulator, "carol"), "lb.hard", MARCH)  # 3 points, like alice
    await set_champion_role(emulator)
    await emulator.wait_reply(await emulator.slash("config timezone", by="mod", timezone="Asia/Tokyo"))
    awards = bot.feature(Champion)
    clock.at = datetime(2026, 3, 31, 14, 0, tzinfo=UTC)  # 23:00 in Tokyo: still March there
    assert await awards.award_due() == 0
    clock.at = datetime(2026, 3, 31, 15, 30, tzinfo=UTC)  # 00:30 on 1 April in Tokyo
    assert await awards.award_due() == 1
    champion = emulator.world.role_ids["Champion"]
    assert champion in roles_of(emulator, "alice") and champion in roles_of(emulator, "carol")
    assert "and" in champion_posts(emulator)[0]["embeds"][0]["description"]


async def test_a_role_the_bot_may_not_hand_out_is_reported_once_and_nothing_crashes(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    emulator.world.bot_manages_roles = False
    clock = Clock(MARCH)
    bot = await bot_with_march(emulator, start_bot, lessons_dir, clock)
    said = await set_champion_role(emulator)
    assert "Right now I can't hand out" in said and "Manage Roles" in said
    awards = bot.feature(Champion)
    clock.at = datetime(2026, 4, 1, 8, 0, tzinfo=UTC)
    assert await awards.award_due() == 0
    assert await awards.award_due() == 0
    told = [m for m in emulator.channel_messages("general") if "couldn't hand out" in m.get("content", "")]
    assert len(told) == 1, "the moderators are told once"
    assert emulator.world.role_ids["Champion"] not in roles_of(emulator, "alice")


async def test_only_a_server_manager_sets_the_champion_role(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    await started(emulator, start_bot, lessons_dir, Clock(MARCH))
    refused = await emulator.wait_reply(
        await emulator.slash("config champion-role", by="alice", role=emulator.world.role_ids["Champion"])
    )
    assert refused["flags"] & EPHEMERAL and "Manage Server" in refused["content"]


async def test_forget_me_takes_a_champion_out_of_the_months_they_won(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    clock = Clock(MARCH)
    bot = await bot_with_march(emulator, start_bot, lessons_dir, clock)
    await score(bot, member(emulator, "carol"), "lb.hard", MARCH)  # ties with alice
    await set_champion_role(emulator)
    clock.at = datetime(2026, 4, 1, 8, 0, tzinfo=UTC)
    assert await bot.feature(Champion).award_due() == 1
    await forget_member(bot.database, member(emulator, "alice"))
    async with bot.database.session() as s:
        (april,) = (await s.exec(select(ChampionMonth))).all()
    assert april.winners == [member(emulator, "carol")]


async def test_a_month_with_no_points_crowns_nobody_and_last_months_champion_steps_down(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    clock = Clock(MARCH)
    bot = await bot_with_march(emulator, start_bot, lessons_dir, clock)
    await set_champion_role(emulator)
    awards = bot.feature(Champion)
    clock.at = datetime(2026, 4, 1, 8, 0, tzinfo=UTC)
    assert await awards.award_due() == 1
    champion = emulator.world.role_ids["Champion"]
    assert champion in roles_of(emulator, "alice")
    # April: only wrong answers (0 points each): nobody is "top of the month with 0 points".
    await score(bot, member(emulator, "bob"), "lb.easy", datetime(2026, 4, 9, 12, 0, tzinfo=UTC), tries="BBB")
    await score(
        bot, member(emulator, "carol"), "lb.easy", datetime(2026, 4, 9, 13, 0, tzinfo=UTC), tries="BBB"
    )
    clock.at = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
    assert await awards.award_due() == 0
    assert all(champion not in roles_of(emulator, name) for name in ("alice", "bob", "carol"))
    assert len(champion_posts(emulator)) == 1, "no post for a month without a champion"
