"""Live rounds end to end: a lobby, timed questions with speed points, reveals with standings, a
podium; restart-safe, stoppable, for moderators to run and everyone to play."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from bot.app import QuizBot
from bot.live import Standing
from cogs.live import Live
from cogs.live._render import pages_of, ranking_embed
from storage import live_games, post_rows
from storage.models import LiveGame
from tests.clock import Clock
from tests.conftest import StartBot
from tests.databases import member_score
from tests.emulator import DiscordForTests
from tests.messages import button, embed, fields, lessons_folder, menus, shown_letters, title
from tests.postgres import reset_tables

EPHEMERAL = 1 << 6
T0 = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
PACK = """\
id: night
title: Quiz night
topic: testing
source: written for the tests
questions:
  - id: night.q1
    kind: multiple_choice
    prompt: Which method updates the weights?
    options: [optimizer.apply_gradients, model.compile, tf.Variable, model.summary]
    answer: A
    difficulty: hard
    hint: It takes pairs.
    solution:
      - apply_gradients changes each variable.
  - id: night.q2
    kind: multiple_choice
    prompt: Why does training update weights?
    options: [To reduce the loss, To grow the model, To use more memory]
    answer: A
    difficulty: easy
    hint: Think of the loss.
    solution:
      - Training lowers the loss.
"""
RIGHT = {"night.q1": "optimizer.apply_gradients", "night.q2": "To reduce the loss"}
WRONG = {"night.q1": "model.compile", "night.q2": "To grow the model"}


@pytest.fixture
def lessons_dir(tmp_path: Path) -> Path:
    return lessons_folder(tmp_path, night=PACK)


def live_posts(emulator: DiscordForTests) -> list[dict[str, Any]]:
    return [
        m
        for m in emulator.channel_messages("quiz")
        if m["embeds"] and m["embeds"][0]["title"].startswith("Question")
    ]


async def start_game(emulator: DiscordForTests, **options: Any) -> dict[str, Any]:
    reply = await emulator.wait_reply(
        await emulator.slash("live start", by="mod", lesson="night", channel="quiz", seconds=10, **options)
    )
    assert reply["flags"] & EPHEMERAL and reply["content"].startswith("Live round posted in"), reply[
        "content"
    ]
    (lobby,) = [
        m
        for m in emulator.channel_messages("quiz")
        if m["embeds"] and "Live round" in m["embeds"][0]["title"]
    ]
    return lobby


class Question:
    """A live question's public post and the moment it was posted (the bot's frozen clock)."""

    def __init__(self, post: dict[str, Any], posted: datetime) -> None:
        self.post, self.posted = post, posted


async def next_question(emulator: DiscordForTests, bot: QuizBot, clock: Clock, by: timedelta) -> Question:
    """Let `by` pass, and the game post its next question."""
    before = len(live_posts(emulator))
    clock.advance(by)
    await bot.feature(Live).tick()
    await emulator.wait_for(lambda: len(live_posts(emulator)) > before, what="the next question")
    return Question(live_posts(emulator)[-1], clock())


async def answer(
    emulator: DiscordForTests, clock: Clock, question: Question, text: str, by: str, at: float
) -> str:
    """`by` picks the option reading `text`, `at` seconds after the question was posted."""
    post = question.post
    clock.at = question.posted + timedelta(seconds=at)
    ix = await emulator.click(post, button(post, f":{shown_letters(post)[text]}"), by=by)
    reply = await emulator.wait_reply(ix)
    assert reply["flags"] & EPHEMERAL, "nobody sees what others picked"
    return str(reply["content"])


def revealed_post(emulator: DiscordForTests, post: dict[str, Any]) -> dict[str, Any] | None:
    now = emulator.message(int(post["id"]))
    return now if "· answer" in title(now) else None


def podium_post(emulator: DiscordForTests, heading: str) -> dict[str, Any] | None:
    return next((m for m in emulator.channel_messages("quiz") if m["embeds"] and heading in title(m)), None)


def question_of(post: dict[str, Any]) -> str:
    return str(embed(post)["footer"]["text"].rsplit(" · ", 1)[-1])


async def test_a_full_game_ranks_fast_right_slow_right_and_wrong_with_speed_points(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    clock = Clock(T0)
    bot = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir), clock=clock)
    lobby = await start_game(emulator, questions=2)
    assert fields(lobby)["Joined: 0"] == "Nobody yet."
    for who in ("alice", "bob"):  # carol never joins, and plays anyway
        joined = await emulator.wait_reply(await emulator.click(lobby, button(lobby, "live:join:"), by=who))
        assert joined["content"].startswith("You're in!")
    await emulator.wait_for(
        lambda: "Joined: 2" in str(emulator.message(int(lobby["id"]))["embeds"]), what="the lobby"
    )

    for number in (1, 2):
        question = await next_question(emulator, bot, clock, timedelta(seconds=15 if number == 1 else 5))
        post = question.post
        assert title(post).startswith(f"Question {number} of 2")
        assert fields(post)["Time's up"].startswith("<t:") and fields(post)["Time's up"].endswith(":R>")
        qid = question_of(post)
        locked = await answer(emulator, clock, question, RIGHT[qid], "alice", 1.0)
        assert locked == f"Locked in: **{shown_letters(post)[RIGHT[qid]]}** · 1.0 s"
        again = await answer(emulator, clock, question, WRONG[qid], "alice", 1.5)
        assert again.startswith("You're already locked in"), "one answer per question"
        await answer(emulator, clock, question, RIGHT[qid], "carol", 6.0)
        await answer(emulator, clock, question, WRONG[qid], "bob", 7.0)
        # Everyone who joined has answered: revealed before the 10 s are up.
        revealed = await emulator.wait_for(partial(revealed_post, emulator, post), what="the reveal")
        assert title(revealed).startswith(f"Question {number} of 2 · answer")
        shown = fields(revealed)
        assert shown["Answer"].endswith(RIGHT[qid])
        assert (
            shown["Fastest right"]
            .splitlines()[0]
            .startswith(f"<@{emulator.world.members['alice'].id}> 1.0 s")
        )
        assert revealed["components"] == [], "no more answers once revealed"

    clock.advance(timedelta(seconds=5))
    await bot.feature(Live).tick()
    podium = await emulator.wait_for(lambda: podium_post(emulator, "Live round over"), what="the podium")
    ids = {name: emulator.world.members[name].id for name in ("alice", "bob", "carol")}
    # Kahoot's rule, T = 10 s: 1 s -> round(1000 x (1 - 1/20)) = 950, 6 s -> 700, wrong -> 0.
    assert embed(podium)["description"].splitlines()[:3] == [
        f"🥇 <@{ids['alice']}> · 1,900 points",
        f"🥈 <@{ids['carol']}> · 1,400 points",
        f"🥉 <@{ids['bob']}> · 0 points",
    ]
    assert fields(podium)["Right per question"].splitlines()[0].endswith("67% (2/3)")

    ranking = await emulator.wait_reply(await emulator.click(podium, button(podium, "live:rank:"), by="bob"))
    assert ranking["flags"] & EPHEMERAL and embed(ranking)["description"].splitlines() == [
        f"1. <@{ids['alice']}> 1,900 (2 right, 2.0 s)",
        f"2. <@{ids['carol']}> 1,400 (2 right, 12.0 s)",
        f"3. <@{ids['bob']}> 0 (0 right, 14.0 s)",
    ]
    assert [c["disabled"] for row in ranking["components"] for c in row["components"]] == [True, True]

    mine = await emulator.wait_reply(await emulator.click(podium, button(podium, "live:summary:"), by="bob"))
    assert mine["flags"] & EPHEMERAL
    assert embed(mine)["description"] == "Place **3** of 3 · **0** points · 0 of 2 right"
    assert "night.q1" in fields(mine)["To look at again (they are in /review)"]
    # The regular boards count each answer as a first try: hard 3 points + easy 1 point.
    score = await member_score(bot.database, emulator.world.guild_id, ids["carol"])
    assert score is not None and score.points == 12 and score.right_first_try == 2


async def test_a_game_restarted_mid_question_reveals_the_passed_deadline_and_goes_on(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path, tmp_path: Path
) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    clock = Clock(T0)
    bot = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir), database_url=database_url, clock=clock)
    await start_game(emulator, questions=2)
    question = await next_question(emulator, bot, clock, timedelta(seconds=15))
    post = question.post
    await answer(emulator, clock, question, RIGHT[question_of(post)], "alice", 2.0)
    await bot.close()
    await emulator.wait_for(
        lambda: not any(c.ready and not c.ws.closed for c in emulator._sockets), what="the first bot to leave"
    )
    clock.advance(timedelta(minutes=3))  # the deadline passed while nobody ran the game
    bot = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir), database_url=database_url, clock=clock)
    await bot.feature(Live).tick()  # or its own loop, whichever comes first: the step is taken once
    await emulator.wait_for(lambda: revealed_post(emulator, post), what="the reveal after the restart")
    second = await next_question(emulator, bot, clock, timedelta(seconds=5))
    assert title(second.post).startswith("Question 2 of 2")
    assert await bot.feature(Live).tick() == 0, "a step is taken once"


async def test_a_moderator_stops_a_game_mid_question_and_gets_the_podium_so_far(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    clock = Clock(T0)
    bot = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir), clock=clock)
    await start_game(emulator, questions=2)
    again = await emulator.wait_reply(
        await emulator.slash("live start", by="mod", lesson="night", channel="quiz", in_channel="quiz")
    )
    assert again["content"].startswith("A live round is already running in"), "one game per channel"
    question = await next_question(emulator, bot, clock, timedelta(seconds=15))
    post = question.post
    await answer(emulator, clock, question, RIGHT[question_of(post)], "bob", 3.0)
    stopped = await emulator.wait_reply(await emulator.slash("live stop", by="mod", in_channel="quiz"))
    assert stopped["content"] == "Stopped: the podium so far is posted."
    podium = podium_post(emulator, "Live round stopped")
    assert podium is not None
    assert embed(podium)["description"].startswith(f"🥇 <@{emulator.world.members['bob'].id}> · 850 points")
    assert "· answer" in title(emulator.message(int(post["id"]))), "the open question is revealed"
    assert emulator.message(int(post["id"]))["components"] == [], "no answers after the stop"
    assert await live_games.running_game(bot.database, emulator.world.channels["quiz"].id) is None


async def test_members_cannot_start_or_stop_a_game(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    refused = await emulator.wait_reply(await emulator.slash("live start", by="alice", lesson="night"))
    assert refused["flags"] & EPHEMERAL and "moderator" in refused["content"].lower()
    refused = await emulator.wait_reply(await emulator.slash("live stop", by="alice"))
    assert refused["flags"] & EPHEMERAL and "moderator" in refused["content"].lower()
    assert not [m for m in emulator.channel_messages("general") if m["embeds"]]


BLANKS_PACK = """\
id: nightb
title: Blanks night
topic: testing
source: written for the tests
questions:
  - id: nightb.q
    kind: fill_blanks
    prompt: Square the even numbers.
    code: |
      squares = {x: x[1]2 for x in range(6) if x [2] 2 == 0}
    options: ["**", "%", "//", "+"]
    answer: [A, B]
    difficulty: medium
    hint: A power, then a remainder.
    solution:
      - "** raises to a power; % gives the remainder."
"""


async def test_a_blanks_question_opens_the_private_form_with_the_same_deadline(
    emulator: DiscordForTests, start_bot: StartBot, tmp_path: Path
) -> None:
    clock = Clock(T0)
    bot = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_folder(tmp_path, nightb=BLANKS_PACK)), clock=clock)
    bot.feature(
        Live
    ).loop.cancel()  # this test takes the steps itself: a click after the deadline stays possible
    reply = await emulator.wait_reply(
        await emulator.slash("live start", by="mod", lesson="nightb", channel="quiz", seconds=10)
    )
    assert reply["content"].startswith("Live round posted in")
    question = await next_question(emulator, bot, clock, timedelta(seconds=15))
    clock.at = question.posted + timedelta(seconds=2)
    form = await emulator.wait_reply(
        await emulator.click(question.post, button(question.post, "live:fill:"), by="alice")
    )
    assert form["flags"] & EPHEMERAL and title(form) == "Fill in the blanks"
    letters = shown_letters(form)
    for blank, text in enumerate(["**", "%"]):
        await emulator.wait_response(
            await emulator.select(form, menus(form)[blank]["custom_id"], [letters[text]], by="alice")
        )
        form = emulator.message(int(form["id"]))
    done = await emulator.wait_response(await emulator.click(form, button(form, "live:submit:"), by="alice"))
    assert (
        done["type"] == 7
        and done["data"]["content"] == f"Locked in: **{letters['**']}, {letters['%']}** · 2.0 s"
    )
    again = await emulator.wait_reply(
        await emulator.click(question.post, button(question.post, "live:fill:"), by="alice")
    )
    assert again["content"].startswith("You're already locked in")
    clock.at = question.posted + timedelta(seconds=11)
    late = await emulator.wait_reply(
        await emulator.click(question.post, button(question.post, "live:fill:"), by="bob")
    )
    assert late["content"] == "Time's up on this question: answers are no longer taken."


async def test_two_processes_take_each_step_once_and_only_the_guilds_shard_runs_the_game(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path, postgres_run_url: str
) -> None:
    guild_id = emulator.world.guild_id
    owner = (guild_id >> 22) % 2  # Discord's rule for which shard carries a guild
    clock = Clock(T0)

    async def process(shard_id: int) -> QuizBot:
        bot = await start_bot(
            QUIZBOT_CONTENT_DIR=str(lessons_dir),
            database_url=postgres_run_url,
            clock=clock,
            QUIZBOT_SHARD_COUNT="2",
            QUIZBOT_SHARD_IDS=str(shard_id),
        )
        bot.feature(Live).loop.cancel()  # the test takes the steps
        return bot

    first = await process(owner)
    await reset_tables(first.database)  # the run's PostgreSQL database is shared with other tests
    second, elsewhere = await process(owner), await process(1 - owner)
    await start_game(emulator, questions=1)
    clock.advance(timedelta(seconds=15))
    assert await elsewhere.feature(Live).tick() == 0, "another shard's guild: not this process's game"
    taken = await asyncio.gather(first.feature(Live).tick(), second.feature(Live).tick())
    assert sorted(taken) == [0, 1], "the lobby's end is one step, taken by one process"
    await emulator.wait_for(lambda: len(live_posts(emulator)) == 1, what="the question")
    clock.advance(timedelta(seconds=10))
    assert sorted(await asyncio.gather(first.feature(Live).tick(), second.feature(Live).tick())) == [0, 1]
    assert len(live_posts(emulator)) == 1, "posted once"


def test_the_full_ranking_pages_twenty_at_a_time() -> None:
    table = [Standing(member_id=n, points=1000 - n, right=1, answered=1, seconds=1.0) for n in range(45)]
    game = LiveGame(
        guild_id=1, channel_id=2, lesson_id="night", seconds=10, started_by=3, deadline=T0, created_at=T0
    )
    pages = [ranking_embed(None, game, table, page) for page in range(pages_of(table))]
    assert [len(p.description.splitlines()) for p in pages if p.description] == [20, 20, 5]
    assert pages[2].description and pages[2].description.splitlines()[0].startswith("41. <@40>")
    assert pages[1].footer.text == "Page 2 of 3 · ties go to the smaller total time"


async def test_quiz_close_leaves_a_live_question_to_its_round(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    clock = Clock(T0)
    bot = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir), clock=clock)
    await start_game(emulator, questions=1)
    question = await next_question(emulator, bot, clock, timedelta(seconds=15))
    newest = await emulator.wait_reply(await emulator.slash("quiz close", by="mod", in_channel="quiz"))
    assert newest["content"] == "No question is open in this channel. Pick one with `/quiz close post:`."
    post_id = int(question.post["components"][0]["components"][0]["custom_id"].split(":")[2].split(".")[1])
    named = await emulator.wait_reply(
        await emulator.slash("quiz close", by="mod", in_channel="quiz", post=post_id)
    )
    assert named["content"].startswith("That question belongs to a live round")
    assert await emulator.autocomplete("quiz close", "post", by="mod", in_channel="quiz") == []
    assert not title(emulator.message(int(question.post["id"]))).endswith("answer"), "still open"


async def test_a_question_whose_sender_died_before_discord_answered_is_sent_by_the_next_tick(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    clock = Clock(T0)
    bot = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir), clock=clock)
    live = bot.feature(Live)
    live.loop.cancel()
    await start_game(emulator, questions=2)
    game = await live_games.running_game(bot.database, emulator.world.channels["quiz"].id)
    assert game is not None
    # What a process that died right after taking the step leaves: the question listed, never sent.
    clock.advance(timedelta(seconds=15))
    post = await post_rows.create_post(
        bot.database, game.guild_id, game.channel_id, "night.q1", "night", None, None, now=clock()
    )
    assert post.id is not None
    await live_games.advance(
        bot.database,
        game,
        phase="question",
        current=0,
        deadline=clock() + timedelta(seconds=10),
        post_ids=[post.id],
    )
    assert await live.tick() == 0 and live_posts(emulator) == [], "a moment later it may still be on its way"
    clock.advance(timedelta(seconds=4))
    await live.tick()
    (sent,) = live_posts(emulator)
    assert title(sent).startswith("Question 1 of 2")
    await live.tick()
    assert len(live_posts(emulator)) == 1, "sent once"


GERMAN_PACK = """\
id: nacht
title: Quiz night
topic: testing
source: written for the tests
questions:
  - id: nacht.q
    kind: multiple_choice
    prompt: Why does training update weights?
    options: [To reduce the loss, To grow the model, To use more memory]
    answer: A
    difficulty: easy
    hint: Think of the loss.
    solution:
      - Training lowers the loss.
    translations:
      de:
        prompt: Warum aktualisiert das Training die Gewichte?
        options: [Um den Verlust zu senken, Um das Modell zu vergrößern, Um mehr Speicher zu nutzen]
        hint: Denk an den Verlust.
        solution: [Training senkt den Verlust.]
"""


async def test_a_server_in_german_gets_the_rounds_public_posts_in_the_lessons_german(
    emulator: DiscordForTests, start_bot: StartBot, tmp_path: Path
) -> None:
    clock = Clock(T0)
    bot = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_folder(tmp_path, nacht=GERMAN_PACK)), clock=clock)
    bot.feature(Live).loop.cancel()  # this test takes the steps itself
    await emulator.wait_reply(await emulator.slash("config language", by="mod", language="de"))
    reply = await emulator.wait_reply(
        await emulator.slash("live start", by="mod", lesson="nacht", channel="quiz", questions=1, seconds=10)
    )
    assert reply["content"].startswith("Live round posted in"), "the moderator's reply is in their language"

    def the_question() -> dict[str, Any] | None:  # found by its footer: its title is in German
        return next(
            (
                m
                for m in emulator.channel_messages("quiz")
                if m["embeds"] and embed(m).get("footer", {}).get("text", "").endswith("nacht.q")
            ),
            None,
        )

    clock.advance(timedelta(seconds=15))
    await bot.feature(Live).tick()
    post = await emulator.wait_for(the_question, what="the question")
    question = Question(post, clock())
    assert embed(post)["description"].startswith("Warum aktualisiert das Training die Gewichte?")
    locked = await answer(emulator, clock, question, "Um den Verlust zu senken", "alice", 1.0)
    assert locked == f"Locked in: **{shown_letters(post)['Um den Verlust zu senken']}** · 1.0 s"
    clock.advance(timedelta(seconds=10))
    await bot.feature(Live).tick()
    revealed = await emulator.wait_for(
        lambda: (m := emulator.message(int(post["id"])))["components"] == [] and m, what="the reveal"
    )
    assert embed(revealed)["description"].startswith("Warum aktualisiert")
    assert embed(revealed)["fields"][0]["value"].endswith("Um den Verlust zu senken"), "the answer, in German"
