"""/leaderboard end to end: periods in the guild's time zone, ties, the caller's own rank, paging."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot import answering
from bot.app import QuizBot
from cogs.leaderboard._items import MAX_PAGE
from storage import guilds, post_rows
from tests.clock import Clock
from tests.conftest import StartBot
from tests.emulator import DiscordForTests, plant_message
from tests.messages import lessons_folder

EPHEMERAL = 1 << 6
MONDAY = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)

LESSONS = {
    "lb": """\
id: lb
title: Leaderboard lesson
topic: testing
source: written for the tests
questions:
  - id: lb.hard
    kind: multiple_choice
    shuffle: false
    prompt: Which method updates the weights from gradients?
    options: [optimizer.apply_gradients, model.compile]
    answer: A
    difficulty: hard
    hint: It takes (gradient, variable) pairs.
    solution: [apply_gradients changes each variable by its gradient.]
  - id: lb.easy
    kind: multiple_choice
    shuffle: false
    prompt: Why does training update weights?
    options: [To reduce the loss, To grow the model]
    answer: A
    difficulty: easy
    hint: Think of the loss.
    solution: [Training lowers the loss.]
""",
    "other": """\
id: other
title: Another lesson
topic: testing
source: written for the tests
questions:
  - id: other.q
    kind: multiple_choice
    shuffle: false
    prompt: What does a loss measure?
    options: [How wrong the model is, How big the model is]
    answer: A
    difficulty: medium
    hint: Lower is better.
    solution: [A loss measures the error.]
""",
}


@pytest.fixture
def lessons_dir(tmp_path: Path) -> Path:
    return lessons_folder(tmp_path, **LESSONS)


async def score(bot: QuizBot, member_id: int, question_id: str, when: datetime, tries: str = "A") -> None:
    """`member_id` answers a freshly posted `question_id` at `when` with the letters in `tries`."""
    question = bot.library.question(question_id)
    assert question is not None
    post = await post_rows.create_post(
        bot.database, GUILD_OF[bot], 1, question_id, question.lesson_id, None, None, now=when
    )
    for letter in tries:
        await answering.record_try(bot.database, post, member_id, [letter], question, when)


GUILD_OF: dict[QuizBot, int] = {}


async def started(emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path, clock: Clock) -> QuizBot:
    bot = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir), clock=clock)
    GUILD_OF[bot] = emulator.world.guild_id
    return bot


def member(emulator: DiscordForTests, name: str) -> int:
    return emulator.world.members[name].id


def lines(message: dict[str, Any]) -> list[str]:
    return str(message["embeds"][0]["description"]).splitlines()


def your_rank(message: dict[str, Any]) -> str:
    return next(f["value"] for f in message["embeds"][0]["fields"] if f["name"] == "Your rank")


def buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["label"]: c for row in message["components"] for c in row["components"]}


async def test_top_ten_share_tied_ranks_and_the_caller_sees_their_rank_outside_it(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    bot = await started(emulator, start_bot, lessons_dir, Clock(MONDAY))
    for n in range(12):  # twelve members on 3 points; the first two also on 1 more
        await score(bot, 1000 + n, "lb.hard", MONDAY)
    await score(bot, 1000, "lb.easy", MONDAY)
    await score(bot, 1001, "lb.easy", MONDAY)
    await score(bot, member(emulator, "alice"), "lb.easy", MONDAY, tries="BA")
    ix = await emulator.slash("leaderboard", by="alice", period="all", in_channel="quiz")
    board = await emulator.wait_reply(ix)
    assert not board.get("flags", 0) & EPHEMERAL, "a leaderboard is shared with the channel"
    assert board["embeds"][0]["title"] == "🏆 Leaderboard · All time"
    shown = lines(board)
    assert len(shown) == 10
    assert shown[0].startswith("🥇**=1.** <@1000> · **4 points**")
    assert shown[1].startswith("🥇**=1.** <@1001>")
    assert shown[2].startswith("🥉**=3.** <@1002> · **3 points** · 1 right answer")
    assert shown[9].startswith("🥉**=3.** <@1009>")
    assert your_rank(board).startswith(f"<@{member(emulator, 'alice')}>: **#13** · 0.67 points")


async def test_next_and_previous_page_through_the_board_in_place(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    bot = await started(emulator, start_bot, lessons_dir, Clock(MONDAY))
    for n in range(13):
        await score(bot, 2000 + n, "lb.hard" if n < 5 else "lb.easy", MONDAY)
    board = await emulator.wait_reply(await emulator.slash("leaderboard", by="bob", period="week"))
    assert buttons(board)["Previous"]["disabled"] is True
    assert buttons(board)["Next"].get("disabled") is not True
    await emulator.wait_response(await emulator.click(board, buttons(board)["Next"]["custom_id"], by="carol"))
    second = emulator.message(int(board["id"]))
    assert lines(second) == [
        "**=6.** <@2010> · **1 point** · 1 right answer",
        "**=6.** <@2011> · **1 point** · 1 right answer",
        "**=6.** <@2012> · **1 point** · 1 right answer",
    ]
    assert second["embeds"][0]["footer"]["text"].endswith("page 2 · ties share a rank")
    assert buttons(second)["Next"]["disabled"] is True
    # The rank shown stays the asker's (bob's), whoever turns the page.
    assert your_rank(second).startswith(f"<@{member(emulator, 'bob')}>: No points")
    await emulator.wait_response(
        await emulator.click(second, buttons(second)["Previous"]["custom_id"], by="alice")
    )
    assert lines(emulator.message(int(board["id"])))[0].startswith("🥇**=1.** <@2000>")


async def test_periods_follow_the_guilds_time_zone(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    clock = Clock(MONDAY)
    bot = await started(emulator, start_bot, lessons_dir, clock)  # Monday 18:00 in Tokyo
    await guilds.set_guild_settings(bot.database, emulator.world.guild_id, timezone="Asia/Tokyo")
    alice, bob, carol = (member(emulator, n) for n in ("alice", "bob", "carol"))
    await score(bot, alice, "lb.hard", datetime(2025, 3, 9, 16, 0, tzinfo=UTC))  # Mon 01:00 Tokyo
    await score(bot, bob, "lb.hard", datetime(2025, 3, 9, 14, 0, tzinfo=UTC))  # Sun 23:00 Tokyo
    await score(bot, carol, "lb.easy", datetime(2025, 2, 20, 9, 0, tzinfo=UTC))  # last month

    async def board_of(period: str) -> dict[str, Any]:
        return await emulator.wait_reply(await emulator.slash("leaderboard", by="carol", period=period))

    today = await board_of("today")
    assert [line.split(" · ")[0] for line in lines(today)] == [f"🥇**1.** <@{alice}>"]
    assert today["embeds"][0]["footer"]["text"].startswith("Mon 10 Mar 2025 (Asia/Tokyo)")
    week = await board_of("week")
    assert len(lines(week)) == 1 and f"<@{alice}>" in lines(week)[0]
    assert week["embeds"][0]["footer"]["text"].startswith("10 Mar 2025 - 16 Mar 2025 (Asia/Tokyo)")
    assert "No points in this period yet" in your_rank(week)
    month = await board_of("month")
    assert [f"<@{alice}>" in lines(month)[0], f"<@{bob}>" in lines(month)[1]] == [True, True]
    assert len(lines(month)) == 2
    everything = await board_of("all")
    assert your_rank(everything).startswith(f"<@{carol}>: **#3** · 1 point")
    # A week later the week board is empty again.
    clock.at = MONDAY + timedelta(days=7)
    assert lines(await board_of("week")) == ["Nobody has scored this week yet."]


async def test_where_am_i_tells_the_clicker_their_own_rank_privately(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    bot = await started(emulator, start_bot, lessons_dir, Clock(MONDAY))
    await score(bot, member(emulator, "alice"), "lb.hard", MONDAY)
    await score(bot, member(emulator, "bob"), "lb.easy", MONDAY)
    board = await emulator.wait_reply(await emulator.slash("leaderboard", by="alice", period="today"))
    reply = await emulator.wait_reply(
        await emulator.click(board, buttons(board)["Where am I?"]["custom_id"], by="bob")
    )
    assert reply["flags"] & EPHEMERAL
    assert reply["content"] == "**Today**: **#2** · 1 point · 1 right answer of 1"


async def test_a_lesson_board_counts_only_that_lesson(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    bot = await started(emulator, start_bot, lessons_dir, Clock(MONDAY))
    alice, bob = member(emulator, "alice"), member(emulator, "bob")
    await score(bot, alice, "lb.hard", MONDAY)
    await score(bot, bob, "other.q", MONDAY)
    board = await emulator.wait_reply(
        await emulator.slash("leaderboard", by="alice", period="all", lesson="other")
    )
    assert board["embeds"][0]["title"] == "🏆 Leaderboard · All time · Another lesson"
    assert [line.split(" · ")[0] for line in lines(board)] == [f"🥇**1.** <@{bob}>"]
    assert "No points" in your_rank(board)
    choices = await emulator.autocomplete("leaderboard", "lesson", by="alice", lesson="anoth")
    assert [c["value"] for c in choices] == ["other"]
    unknown = await emulator.wait_reply(await emulator.slash("leaderboard", by="alice", lesson="nope"))
    assert unknown["flags"] & EPHEMERAL and "There is no lesson `nope`" in unknown["content"]


async def test_the_last_possible_page_shows_a_board_with_next_disabled(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    await started(emulator, start_bot, lessons_dir, Clock(MONDAY))
    bob = member(emulator, "bob")
    old = await plant_message(emulator, "quiz", [f"board:page:all:*:{MAX_PAGE}:{bob}"])
    response = await emulator.wait_response(
        await emulator.click(old, f"board:page:all:*:{MAX_PAGE}:{bob}", by="carol")
    )
    assert response["type"] == 7, response  # the board itself, in place: not an apology
    board = emulator.message(int(old["id"]))
    assert board["embeds"][0]["title"] == "🏆 Leaderboard · All time"
    assert buttons(board)["Next"]["disabled"] is True
    assert buttons(board)["Previous"].get("disabled") is not True
