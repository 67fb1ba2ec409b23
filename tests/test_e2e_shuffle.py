"""Shuffled options end to end: a post, a practice run and a review card each show their own order;
the member goes by the text, feedback and the reveal follow the letters shown, storage keeps the
pack's letters, and a restart keeps every order."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot import reviewing
from storage import attempt_rows, post_rows, practice_runs
from tests.clock import Clock
from tests.conftest import StartBot
from tests.emulator import DiscordForTests
from tests.messages import button, embed, fields, lessons_folder, menus, shown_letters, title
from tests.test_e2e_leaderboard import MONDAY
from tests.test_e2e_practice import act, start_practice
from tests.test_shuffle import PACK

EPHEMERAL = 1 << 6
RIGHT, MISTAKE = "optimizer.apply_gradients", "model.compile"  # the pack's A and B


@pytest.fixture
def lessons_dir(tmp_path: Path) -> Path:
    return lessons_folder(tmp_path, sh=PACK)


async def post(emulator: DiscordForTests, question: str = "sh.q") -> dict[str, Any]:
    reply = await emulator.wait_reply(
        await emulator.slash("quiz post", by="mod", lesson="sh", question=question, channel="quiz")
    )
    assert "Posted" in reply["content"], reply["content"]
    return emulator.channel_messages("quiz")[-1]


def option_order(message: dict[str, Any]) -> list[str]:
    return sorted(shown_letters(message), key=shown_letters(message).__getitem__)


async def pick(emulator: DiscordForTests, message: dict[str, Any], text: str, by: str) -> dict[str, Any]:
    letter = shown_letters(message)[text]
    return await emulator.wait_reply(await emulator.click(message, button(message, f":{letter}"), by=by))


async def test_each_post_has_its_own_order_graded_and_revealed_in_its_letters_and_stored_in_the_packs(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path, tmp_path: Path
) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    clock = Clock()
    bot = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir), database_url=database_url, clock=clock)
    posts = [await post(emulator) for _ in range(3)]
    orders = [option_order(m) for m in posts]
    assert all(sorted(order) == sorted([RIGHT, MISTAKE, "tf.Variable", "model.summary"]) for order in orders)
    assert len({tuple(order) for order in orders}) > 1, "posts do not all share the pack's order"
    first = posts[0]
    lines = embed(first)["description"].split("\n\n")[-1].splitlines()
    assert lines == [
        f"**{letter}.** {text}" for text, letter in sorted(shown_letters(first).items(), key=lambda kv: kv[1])
    ], "the card's lettered list matches its buttons"

    wrong = await pick(emulator, first, MISTAKE, by="alice")
    assert fields(wrong)["Common mistake"] == "compile only configures training.", (
        "the mistake follows its option"
    )
    right = await pick(emulator, first, RIGHT, by="alice")
    assert title(right) == "✅ Right on try 2: +2 points"
    assert title(await pick(emulator, first, RIGHT, by="bob")) == "✅ Right on try 1: +3 points"

    stored = await post_rows.get_post_by_message(bot.database, int(first["id"]))
    assert stored is not None and stored.id is not None
    tries = await attempt_rows.member_tries(bot.database, stored.id, emulator.world.members["alice"].id)
    assert [t.chosen for t in tries] == [("B",), ("A",)], "stored in the pack's letters"

    # A restart on the same database reads each post's buttons the same way.
    await bot.close()
    await emulator.wait_for(
        lambda: not any(c.ready and not c.ws.closed for c in emulator._sockets), what="the first bot to leave"
    )
    bot = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir), database_url=database_url, clock=clock)
    for message in posts[1:]:
        assert title(await pick(emulator, message, RIGHT, by="carol")) == "✅ Right on try 1: +3 points"

    shown = shown_letters(first)
    await bot.posts.close(stored)
    revealed = fields(emulator.message(int(first["id"])))
    assert revealed["Answer"] == f"**{shown[RIGHT]}.** {RIGHT}"
    shares = revealed["First answers (2 members)"].splitlines()
    assert sorted(line.split("`")[1].strip() for line in shares) == sorted([shown[RIGHT], shown[MISTAKE]])
    (right_line,) = [line for line in shares if "✅" in line]
    assert right_line.startswith(f"`{shown[RIGHT]}"), "the tick is on the letter this post gave the answer"


async def test_a_blanks_post_and_its_private_form_show_one_order(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    message = await post(emulator, "sh.blanks")
    listed = embed(message)["description"].split("\n\n")[-1].splitlines()
    form = await emulator.wait_reply(await emulator.click(message, button(message, "quiz:fill:"), by="alice"))
    letters = shown_letters(form)
    assert listed == [
        f"**{letter}.** {text}" for text, letter in sorted(letters.items(), key=lambda kv: kv[1])
    ]
    for blank, text in enumerate(["**", "%"]):
        ix = await emulator.select(form, menus(form)[blank]["custom_id"], [letters[text]], by="alice")
        await emulator.wait_response(ix)
        form = emulator.message(int(form["id"]))
    done = await emulator.wait_response(await emulator.click(form, button(form, "quiz:submit:"), by="alice"))
    assert done["data"]["embeds"][0]["title"] == "✅ Right on try 1: +2 points"


async def test_practice_letters_each_run_its_own_way_and_records_the_packs_letters(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    bot = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    message = await start_practice(emulator, "sh")
    letters = shown_letters(message)
    missed = await act(
        emulator, message, await emulator.click(message, button(message, f":{letters[MISTAKE]}"))
    )
    assert title(missed) == "❌ Not quite"
    assert fields(missed)["Your answer"] == f"{letters[MISTAKE]}. {MISTAKE}"
    assert fields(missed)["Common mistake"] == "compile only configures training."
    assert fields(missed)["Answer"] == f"{letters[RIGHT]}. {RIGHT}", "lettered as this run shows it"
    message = await act(emulator, missed, await emulator.click(missed, button(missed, "practice:next:")))
    blanks = shown_letters(message)
    for blank, text in enumerate(["**", "%"]):
        ix = await emulator.select(message, menus(message)[blank]["custom_id"], [blanks[text]])
        message = await act(emulator, message, ix)
    done = await act(emulator, message, await emulator.click(message, button(message, "practice:submit:")))
    assert title(done) == "✅ Right!"
    (run,) = await practice_runs.practice_runs_for(bot.database, emulator.world.members["alice"].id)
    assert run.answers[0]["chosen"] == ["B"], "the pack's letter of model.compile"

    summary = await act(emulator, done, await emulator.click(done, button(done, "practice:next:")))
    (review_menu,) = menus(summary)
    solution = await emulator.wait_reply(await emulator.select(summary, review_menu["custom_id"], ["sh.q"]))
    assert fields(solution)["Answer"] == f"{letters[RIGHT]}. {RIGHT}", (
        "the run's letters after the summary too"
    )


async def test_a_review_card_keeps_its_order_through_the_hint_and_grades_the_option_picked(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    clock = Clock(MONDAY)
    bot = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir), clock=clock)
    bob = emulator.world.members["bob"].id
    await reviewing.record_outcome(bot.database, bob, "sh.q", right=False, try_no=3, now=MONDAY)
    clock.at = MONDAY + timedelta(days=1)
    card = await emulator.wait_reply(await emulator.slash("review", by="bob"))
    order = option_order(card)
    await emulator.wait_response(await emulator.click(card, button(card, "review:hint:"), by="bob"))
    hinted = emulator.message(int(card["id"]))
    assert option_order(hinted) == order, "the hint does not reshuffle the card"
    letter = shown_letters(hinted)[RIGHT]
    await emulator.wait_response(await emulator.click(hinted, button(hinted, f":{letter}"), by="bob"))
    assert title(emulator.message(int(card["id"]))) == "✅ Right, with the hint"
