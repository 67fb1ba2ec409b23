"""/stats end to end: a member's own numbers privately, another member's, a question's for moderators."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from bot.plots import calendar_days
from storage.leaderboards import answered_days
from tests.clock import Clock
from tests.conftest import StartBot
from tests.emulator import DiscordForTests
from tests.messages import lessons_folder
from tests.test_e2e_leaderboard import LESSONS, MONDAY, member, score, started

EPHEMERAL = 1 << 6


@pytest.fixture
def lessons_dir(tmp_path: Path) -> Path:
    return lessons_folder(tmp_path, **LESSONS)


def fields(message: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: f["value"] for f in message["embeds"][0].get("fields", [])}


async def test_my_stats_show_points_accuracy_first_try_rate_streak_and_mastery_privately(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    bot = await started(emulator, start_bot, lessons_dir, Clock(MONDAY))
    alice = member(emulator, "alice")
    await score(bot, alice, "lb.hard", MONDAY.replace(day=9))  # Sunday, right first try
    await score(bot, alice, "lb.easy", MONDAY, tries="BA")  # right on the second try
    await score(bot, alice, "other.q", MONDAY, tries="BBB")  # missed
    reply = await emulator.wait_reply(await emulator.slash("stats", by="alice"))
    assert reply["flags"] & EPHEMERAL
    assert reply["embeds"][0]["title"] == "📊 Stats · Alice"
    shown = fields(reply)
    assert shown["Points"] == "**3.67** · rank #1"
    assert shown["Questions answered"] == "3"
    assert "Accuracy" not in shown, (
        "it said 100% for a member wrong once on every question: say what it counts"
    )
    assert shown["Right in the end"].startswith("67%")
    assert shown["Right on the first try"].startswith("33%")
    assert shown["Streak"] == "🔥 2 days (best 2)"
    mastery = shown["Mastery per lesson"].splitlines()
    assert mastery[0].endswith("**Leaderboard lesson**: 2/2 mastered (1 first try)")
    assert mastery[1].endswith("**Another lesson**: 0/1 mastered (0 first try)")

    # The card: bars per lesson and a 12-week calendar, as a PNG beside the same figures in text.
    assert reply["embeds"][0]["image"]["url"].endswith("stats.png")
    (attachment,) = reply["attachments"]
    card = Image.open(io.BytesIO(emulator.attachments[int(attachment["id"])][2])).convert("RGB")
    assert card.size == (640, 420)
    colours = Counter(card.get_flattened_data())
    assert colours[(0x3B, 0xA5, 0x5C)] > 0, "days answered are filled in"
    assert colours[(0x58, 0x65, 0xF2)] > 0, "the lessons' bars"
    days = calendar_days(MONDAY.date())
    assert len(days) == 84 and days[-7] == MONDAY.date(), "twelve whole weeks, this one last"
    assert await answered_days(bot.database, emulator.world.guild_id, alice, days[0], days[-1]) == {
        MONDAY.date(),
        MONDAY.date().replace(day=9),
    }


async def test_stats_of_another_member_and_of_someone_who_never_answered(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    bot = await started(emulator, start_bot, lessons_dir, Clock(MONDAY))
    await score(bot, member(emulator, "bob"), "lb.easy", MONDAY)
    bobs = await emulator.wait_reply(await emulator.slash("stats", by="alice", member="bob"))
    assert bobs["flags"] & EPHEMERAL and bobs["embeds"][0]["title"] == "📊 Stats · Bob"
    assert fields(bobs)["Points"] == "**1** · rank #1"
    mine = await emulator.wait_reply(await emulator.slash("stats", by="carol"))
    assert mine["embeds"][0]["description"].startswith("No answers yet in this server")


async def test_question_stats_show_shares_the_most_picked_wrong_option_and_flag_the_label(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    bot = await started(emulator, start_bot, lessons_dir, Clock(MONDAY))
    # lb.hard is labelled hard, but five of six get it right on the first try: it plays easy.
    for n in range(5):
        await score(bot, 3000 + n, "lb.hard", MONDAY)
    await score(bot, 3010, "lb.hard", MONDAY, tries="BA")
    reply = await emulator.wait_reply(await emulator.slash("stats", by="mod", question="lb.hard"))
    assert reply["flags"] & EPHEMERAL
    shown = fields(reply)
    assert shown["Answered"] == "6 times"
    assert shown["Right in the end"].startswith("100%"), "the same names as a member's stats"
    assert shown["Right on the first try"].startswith("83%")
    assert shown["Most-picked wrong answer"] == "**model.compile** (1 time)", (
        "by text: letters differ per post"
    )
    assert shown["Difficulty"].startswith("⚠️ Labelled **hard**, but 83% get it right on the first try")
    assert "plays like **easy**" in shown["Difficulty"]


async def test_question_stats_are_for_moderators_only(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    await started(emulator, start_bot, lessons_dir, Clock(MONDAY))
    refused = await emulator.wait_reply(await emulator.slash("stats", by="alice", question="lb.hard"))
    assert refused["flags"] & EPHEMERAL and "Only moderators" in refused["content"]
    quiet = await emulator.wait_reply(await emulator.slash("stats", by="mod", question="lb.easy"))
    assert fields(quiet)["Answered"] == "Nobody has answered it yet."
    choices = await emulator.autocomplete("stats", "question", by="mod", question="weights")
    assert {c["value"] for c in choices} == {"lb.hard", "lb.easy"}
