"""A question changed after it was posted, end to end: its old posts say so politely and take no
answers (they would grade against an answer they do not show), a fresh post of the new version
grades as it shows, and a fix that leaves the answer alone keeps old posts working."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.posts import CHANGED_QUESTION
from cogs.live import Live
from content.scoping import scoped
from storage import post_rows
from tests.clock import Clock
from tests.conftest import StartBot
from tests.databases import member_score
from tests.emulator import DiscordForTests, plant_message
from tests.messages import button, components, embed, fields, lessons_folder, menus, title
from tests.server_lessons import CELLS, publish

EPHEMERAL = 1 << 6
PACK = (
    CELLS
    + """\
  - id: cells.q2
    kind: fill_blanks
    difficulty: medium
    prompt: Count the cells.
    code: |
      cells = [1](samples)
    options: [len, sum, max]
    answer: [A]
    shuffle: false
    hint: How many are there?
    solution: [len counts the samples.]
"""
)
# A moderator's correction: the other option is now the answer (and the old posts show the old one).
NEW_ANSWER = PACK.replace("    answer: A\n", "    answer: B\n")
# The blanks question's answer moves to `sum`.
NEW_BLANK = PACK.replace("answer: [A]", "answer: [B]")
NEW_HINT = PACK.replace("Think of the cell cycle.", "Think of how a cell copies itself.")


async def setup_lesson(bot: Any, guild_id: int, text: str = PACK) -> None:
    await publish(bot, guild_id, text)
    await bot.follow_server_lessons()  # what the bot's loop does every few seconds


async def post_question(emulator: DiscordForTests, question: str) -> dict[str, Any]:
    """As the moderator, /quiz post this question of the server's lesson; the public message."""
    here = emulator.world.guild_id
    ix = await emulator.slash(
        "quiz post", by="mod", lesson=scoped(here, "cells"), question=scoped(here, question), channel="quiz"
    )
    posted = await emulator.wait_reply(ix)
    assert f"`{question}`" in posted["content"] and scoped(here, "") not in posted["content"]
    message = [m for m in emulator.channel_messages("quiz") if m["embeds"]][-1]
    footer = message["embeds"][0]["footer"]["text"]
    assert footer.endswith(f" · {question}"), "the id as its pack writes it, not the server's scoped one"
    return message


async def click(emulator: DiscordForTests, message: dict[str, Any], part: str, by: str) -> dict[str, Any]:
    return await emulator.wait_reply(await emulator.click(message, button(message, part), by=by))


async def test_a_post_whose_answer_changed_says_so_privately_and_records_nothing(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    bot = await start_bot()
    here = emulator.world.guild_id
    await setup_lesson(bot, here)
    old = await post_question(emulator, "cells.q1")
    await setup_lesson(bot, here, NEW_ANSWER)

    for letter in (":A", ":B"):  # the old answer and the new one alike
        reply = await click(emulator, old, letter, by="alice")
        assert reply["flags"] & EPHEMERAL and reply["content"] == CHANGED_QUESTION
    assert await member_score(bot.database, here, emulator.world.members["alice"].id) is None
    post = await post_rows.get_post_by_message(bot.database, int(old["id"]))
    assert post is not None and post.id is not None
    assert (await post_rows.post_tally(bot.database, post.id)).tries == 0

    # Posted again, the new version grades as it shows.
    new = await post_question(emulator, "cells.q1")
    assert title(await click(emulator, new, ":B", by="alice")) == "✅ Right on try 1: +1 point"

    # Closed, the old post keeps its card, loses its buttons and reveals no answer it never had.
    ix = await emulator.slash("quiz close", by="mod", post=post.id)
    assert "was changed after it was posted" in (await emulator.wait_reply(ix))["content"]
    closed = emulator.message(int(old["id"]))
    assert closed["content"].startswith("**Closed.** This question was changed after it was posted")
    assert closed["components"] == []
    assert "How do body cells divide?" in embed(closed)["description"]
    assert "Answer" not in fields(closed)


async def test_an_open_post_of_the_old_version_hides_nothing_of_the_new_one(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    bot = await start_bot()
    here = emulator.world.guild_id
    await setup_lesson(bot, here)
    await post_question(emulator, "cells.q1")  # open, and alice has not answered it

    async def practise_first_question() -> dict[str, Any]:
        ix = await emulator.slash("practice", by="alice", lesson=scoped(here, "cells"))
        first = await emulator.wait_reply(ix)
        return await click(emulator, first, ":A", by="alice")

    refused = await practise_first_question()
    assert "open in a quiz right now" in refused["content"], "the open post's answer stays hidden"
    await setup_lesson(bot, here, NEW_ANSWER)
    shown = await practise_first_question()
    assert "open in a quiz" not in shown.get("content", ""), "that post takes no answers any more"
    assert fields(shown)["Answer"] == "B. Osmosis", "practice shows the new version's answer"


async def test_every_step_of_an_old_blanks_form_says_the_question_changed(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    bot = await start_bot()
    here = emulator.world.guild_id
    await setup_lesson(bot, here)
    post = await post_question(emulator, "cells.q2")
    form = await click(emulator, post, "quiz:fill:", by="alice")  # opened before the change
    await emulator.wait_response(await emulator.select(form, menus(form)[0]["custom_id"], ["A"], by="alice"))
    form = emulator.message(int(form["id"]))
    await setup_lesson(bot, here, NEW_BLANK)

    picked = await emulator.wait_reply(
        await emulator.select(form, menus(form)[0]["custom_id"], ["B"], by="alice")
    )
    assert picked["content"] == CHANGED_QUESTION
    assert (await click(emulator, form, "quiz:submit:", by="alice"))["content"] == CHANGED_QUESTION
    assert (await click(emulator, post, "quiz:fill:", by="bob"))["content"] == CHANGED_QUESTION
    assert await member_score(bot.database, here, emulator.world.members["alice"].id) is None


async def test_a_version_that_only_fixes_the_hint_keeps_old_posts_working(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    bot = await start_bot()
    here = emulator.world.guild_id
    await setup_lesson(bot, here)
    old = await post_question(emulator, "cells.q1")
    await setup_lesson(bot, here, NEW_HINT)

    wrong = await click(emulator, old, ":B", by="bob")
    assert title(wrong) == "❌ Not quite: 2 tries left"
    assert fields(wrong)["Hint"] == "Think of how a cell copies itself.", "the fix reaches old posts"
    assert title(await click(emulator, old, ":A", by="alice")) == "✅ Right on try 1: +1 point"


async def test_a_post_stored_before_digests_were_kept_still_takes_answers(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    bot = await start_bot()
    here = emulator.world.guild_id
    await setup_lesson(bot, here)
    # As an older bot stored it: no digest.
    post = await post_rows.create_post(
        bot.database,
        here,
        emulator.world.channels["quiz"].id,
        scoped(here, "cells.q1"),
        scoped(here, "cells"),
        None,
        None,
    )
    assert post.id is not None and post.question_digest is None
    message = await plant_message(emulator, "quiz", [f"quiz:answer:{post.id}:A"])
    await post_rows.set_post_message(bot.database, post.id, int(message["id"]))
    assert title(await click(emulator, message, ":A", by="alice")) == "✅ Right on try 1: +1 point"


LIVE_PACK = """\
id: night
title: Quiz night
topic: testing
source: written for the tests
questions:
  - id: night.q1
    kind: multiple_choice
    prompt: Which method updates the weights?
    options: [optimizer.apply_gradients, model.compile]
    answer: A
    shuffle: false
    difficulty: hard
    hint: It takes pairs.
    solution:
      - apply_gradients changes each variable.
"""


async def test_a_live_question_changed_on_disk_while_open_takes_no_answers_and_says_so_at_its_reveal(
    emulator: DiscordForTests, start_bot: StartBot, tmp_path: Path
) -> None:
    clock = Clock(datetime(2026, 3, 2, 18, 0, tzinfo=UTC))
    folder = lessons_folder(tmp_path, night=LIVE_PACK)
    bot = await start_bot(QUIZBOT_CONTENT_DIR=str(folder), clock=clock)
    bot.feature(Live).loop.cancel()  # this test takes the steps itself
    ix = await emulator.slash("live start", by="mod", lesson="night", channel="quiz", seconds=10)
    assert (await emulator.wait_reply(ix))["content"].startswith("Live round posted in")
    clock.advance(timedelta(seconds=15))
    await bot.feature(Live).tick()

    def question_post() -> dict[str, Any] | None:
        return next((m for m in emulator.channel_messages("quiz") if "Question 1" in str(m["embeds"])), None)

    post = await emulator.wait_for(question_post, what="the live question")
    (folder / "night.yaml").write_text(LIVE_PACK.replace("answer: A", "answer: B"))
    await bot.refresh_lessons()  # what SIGHUP does

    reply = await click(emulator, post, ":A", by="alice")
    assert reply["flags"] & EPHEMERAL and reply["content"] == CHANGED_QUESTION
    clock.advance(timedelta(seconds=11))
    await bot.feature(Live).tick()
    revealed = await emulator.wait_for(
        lambda: "changed while it was open" in str(emulator.message(int(post["id"]))["embeds"]),
        what="the reveal",
    )
    assert revealed
    assert components(emulator.message(int(post["id"]))) == []
