"""Quiz play end to end: the real bot against the loopback Discord, every body spec-checked."""

from __future__ import annotations

import ast
import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import make_url

from bot import answering
from storage import engine, guilds, post_rows, review
from storage.engine import asyncpg_dsn
from tests.clock import Clock
from tests.conftest import StartBot
from tests.databases import member_score, require_postgres
from tests.emulator import DiscordForTests, plant_message
from tests.messages import button, custom_ids, fields, lessons_folder, title
from tests.postgres import create_postgres_database, drop_postgres_database, postgres_admin_url

EPHEMERAL = 1 << 6

LESSON = """\
id: qp
title: Quiz play lesson
topic: testing
source: written for the tests
questions:
  - id: qp.hard
    kind: multiple_choice
    shuffle: false
    prompt: Which method updates the weights from gradients?
    options: [optimizer.apply_gradients, model.compile, tf.Variable, model.summary]
    answer: A
    difficulty: hard
    hint: It takes (gradient, variable) pairs.
    mistakes:
      - text: compile only configures training.
        option: B
    solution:
      - apply_gradients changes each variable by its gradient.
      - The others configure, create or describe.
  - id: qp.easy
    kind: multiple_choice
    shuffle: false
    prompt: Why does training update weights?
    options: [To reduce the loss, To grow the model]
    answer: A
    difficulty: easy
    hint: Think of the loss.
    solution:
      - Training lowers the loss.
  - id: qp.blanks
    kind: fill_blanks
    shuffle: false
    prompt: Square the even numbers.
    code: |
      squares = {x: x[1]2 for x in range(6) if x [2] 2 == 0}
    options: ["**", "%", "//", "+"]
    answer: [A, B]
    difficulty: medium
    hint: A power, then a remainder.
    mistakes:
      - text: "// is floor division, not a remainder."
        option: C
    solution:
      - "** raises to a power; % gives the remainder."
    demo: |
      squares = {x: x**2 for x in range(6) if x % 2 == 0}
      print(squares)
"""


@pytest.fixture
def lessons_dir(tmp_path: Path) -> Path:
    return lessons_folder(tmp_path, qp=LESSON)


async def post_question(
    emulator: DiscordForTests, question: str, *, close_after: int = 60, lesson: str = "qp"
) -> dict[str, Any]:
    """As the moderator, post `question` of `lesson` in #quiz; return the public message."""
    ix = await emulator.slash(
        "quiz post", by="mod", lesson=lesson, question=question, channel="quiz", close_after=close_after
    )
    reply = await emulator.wait_reply(ix)
    assert "Posted" in reply["content"], reply["content"]
    (message,) = [
        m
        for m in emulator.channel_messages("quiz")
        if m["embeds"] and m["embeds"][0]["footer"]["text"].endswith(question)
    ][-1:]
    return message


async def test_moderator_posts_a_question_with_one_button_per_option(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    message = await post_question(emulator, "qp.hard")
    embed = message["embeds"][0]
    assert "Which method updates the weights" in embed["description"]
    assert fields(message)["Answered"] == "0 members"
    ids = custom_ids(message)
    assert [cid.rsplit(":", 1)[1] for cid in ids] == ["A", "B", "C", "D"]
    assert all(cid.startswith("quiz:answer:") and len(cid) <= 100 for cid in ids)
    labels = [c["label"] for row in message["components"] for c in row["components"]]
    assert labels[0] == "A. optimizer.apply_gradients"


async def test_members_without_permission_are_refused_and_nothing_is_posted(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    ix = await emulator.slash("quiz post", by="alice", lesson="qp")
    reply = await emulator.wait_reply(ix)
    assert reply["flags"] & EPHEMERAL
    assert "Only moderators" in reply["content"]
    assert emulator.channel_messages("quiz") == []
    assert not emulator.requests_to("POST", "/messages")


async def test_the_moderator_role_set_with_config_may_post(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    bot = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    # carol gets the moderator role in the emulated guild, but not Manage Server.
    emulator.world.members["carol"].roles.append(emulator.world.moderator_role_id)
    await guilds.set_guild_settings(
        bot.database, emulator.world.guild_id, moderator_role_id=emulator.world.moderator_role_id
    )
    ix = await emulator.slash("quiz post", by="carol", lesson="qp", question="qp.easy", channel="quiz")
    assert "Posted" in (await emulator.wait_reply(ix))["content"]


async def test_right_answer_on_first_try_earns_full_points_and_shows_the_solution(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    bot = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    message = await post_question(emulator, "qp.hard")
    reply = await emulator.wait_reply(await emulator.click(message, button(message, ":A"), by="alice"))
    assert reply["flags"] & EPHEMERAL, "an answer is private"
    assert title(reply) == "✅ Right on try 1: +3 points"
    assert "apply_gradients changes each variable" in fields(reply)["Solution"]
    score = await member_score(bot.database, emulator.world.guild_id, emulator.world.members["alice"].id)
    assert score is not None and score.points == 9  # thirds: 3 points


async def test_wrong_answer_shows_hint_mistake_and_tries_left_then_right_earns_less(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    message = await post_question(emulator, "qp.hard")
    wrong = await emulator.wait_reply(await emulator.click(message, button(message, ":B"), by="bob"))
    assert title(wrong) == "❌ Not quite: 2 tries left"
    assert fields(wrong)["Hint"] == "It takes (gradient, variable) pairs."
    assert fields(wrong)["Common mistake"] == "compile only configures training."
    assert "Solution" not in fields(wrong), "no solution while tries are left"
    right = await emulator.wait_reply(await emulator.click(message, button(message, ":A"), by="bob"))
    assert title(right) == "✅ Right on try 2: +2 points"
    again = await emulator.wait_reply(await emulator.click(message, button(message, ":C"), by="bob"))
    assert title(again) == "You already answered this one: right on try 2, 2 points"


async def test_three_wrong_tries_reveal_the_solution_and_a_fourth_changes_nothing(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    bot = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    message = await post_question(emulator, "qp.hard")
    first = await emulator.wait_reply(await emulator.click(message, button(message, ":B"), by="carol"))
    assert title(first) == "❌ Not quite: 2 tries left"
    await emulator.wait_reply(await emulator.click(message, button(message, ":C"), by="carol"))
    last = await emulator.wait_reply(await emulator.click(message, button(message, ":D"), by="carol"))
    assert title(last) == "❌ Not quite, and that was your last try"
    assert fields(last)["Answer"] == "A. optimizer.apply_gradients"
    assert "apply_gradients changes each variable" in fields(last)["Solution"]
    fourth = await emulator.wait_reply(await emulator.click(message, button(message, ":A"), by="carol"))
    assert title(fourth) == "You have used your 3 tries on this one"
    post = await post_rows.get_post_by_message(bot.database, int(message["id"]))
    assert post is not None and post.id is not None
    result = await answering.member_result(bot.database, post.id, emulator.world.members["carol"].id)
    assert result is not None and len(result.tries) == 3 and result.points == 0


async def test_a_post_says_when_it_closes_one_way(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    bot = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    for close_after, said in [(60, "in 1 hour"), (90, "in 1 hour 30 minutes"), (45, "in 45 minutes")]:
        ix = await emulator.slash(
            "quiz post", by="mod", lesson="qp", question="qp.easy", channel="quiz", close_after=close_after
        )
        reply = await emulator.wait_reply(ix)
        message = emulator.channel_messages("quiz")[-1]
        post = await post_rows.get_post_by_message(bot.database, int(message["id"]))
        assert post is not None and post.closes_at is not None
        moment = f"<t:{int(post.closes_at.timestamp())}:f>"
        assert f"; it closes {said} ({moment})." in reply["content"], (
            "not 'in 60 minutes' here, 'in 1 hour' there"
        )
        assert fields(message)["Closes"] == moment, "the moment: no relative time that each client rounds"


async def test_blanks_are_drawn_as_slots_no_code_has_and_the_filled_code_is_valid_python(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    bot = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    message = await post_question(emulator, "qp.blanks")
    code = message["embeds"][0]["description"].split("```python\n")[1].split("```")[0].strip()
    assert code == "squares = {x: x⟨1⟩2 for x in range(6) if x ⟨2⟩ 2 == 0}", "not `[1]`, a list or an index"
    (answer_id,) = [cid for cid in custom_ids(message) if cid.startswith("quiz:")]
    form = await emulator.wait_reply(await emulator.click(message, answer_id, by="alice"))
    assert "x⟨1⟩2 for x in range(6) if x ⟨2⟩ 2" in form["embeds"][0]["description"]
    menus = [c for row in form["components"] for c in row["components"] if c["type"] == 3]
    assert [m["placeholder"] for m in menus] == ["Blank ⟨1⟩", "Blank ⟨2⟩"], "named as the code shows them"
    question = bot.library.question("qp.blanks")
    assert question is not None
    filled = question.filled_code()
    assert filled == "squares = {x: x**2 for x in range(6) if x % 2 == 0}\n"
    ast.parse(filled)


async def test_fill_blanks_answer_opens_a_private_form_with_one_menu_per_blank(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    message = await post_question(emulator, "qp.blanks")
    (answer_id,) = [cid for cid in custom_ids(message) if cid.startswith("quiz:")]
    assert answer_id.startswith("quiz:fill:")
    form = await emulator.wait_reply(await emulator.click(message, answer_id, by="alice"))
    assert form["flags"] & EPHEMERAL
    menus = [c for row in form["components"] for c in row["components"] if c["type"] == 3]
    assert len(menus) == 2 and [o["label"] for o in menus[0]["options"]] == ["**", "%", "//", "+"]
    submit = next(c for row in form["components"] for c in row["components"] if c["type"] == 2)
    assert submit["disabled"] is True, "Submit waits until every blank is picked"

    # Pick a wrong pair first: ** then // (the mistake tied to C).
    await emulator.wait_response(await emulator.select(form, menus[0]["custom_id"], ["A"], by="alice"))
    form = emulator.message(int(form["id"]))
    menus = [c for row in form["components"] for c in row["components"] if c["type"] == 3]
    await emulator.wait_response(await emulator.select(form, menus[1]["custom_id"], ["C"], by="alice"))
    form = emulator.message(int(form["id"]))
    submit = next(c for row in form["components"] for c in row["components"] if c["type"] == 2)
    assert submit["custom_id"].endswith(":AC") and not submit.get("disabled")
    await emulator.wait_response(await emulator.click(form, submit["custom_id"], by="alice"))
    form = emulator.message(int(form["id"]))
    assert title(form) == "❌ Not quite: 2 tries left"
    assert fields(form)["Common mistake"] == "// is floor division, not a remainder."
    retry = form["embeds"][1]
    assert "x⟨1⟩2 for x in range(6)" in retry["description"], "the code is back for the next try"
    assert retry["footer"]["text"].endswith("2 of 3 tries left")

    # The form is fresh for the next try; the right pair earns medium's 2 x 2/3 points.
    menus = [c for row in form["components"] for c in row["components"] if c["type"] == 3]
    await emulator.wait_response(await emulator.select(form, menus[0]["custom_id"], ["A"], by="alice"))
    form = emulator.message(int(form["id"]))
    menus = [c for row in form["components"] for c in row["components"] if c["type"] == 3]
    await emulator.wait_response(await emulator.select(form, menus[1]["custom_id"], ["B"], by="alice"))
    form = emulator.message(int(form["id"]))
    submit = next(c for row in form["components"] for c in row["components"] if c["type"] == 2)
    await emulator.wait_response(await emulator.click(form, submit["custom_id"], by="alice"))
    form = emulator.message(int(form["id"]))
    assert title(form) == "✅ Right on try 2: +1.33 points"
    assert form["components"] == []


async def test_buttons_keep_working_after_a_restart(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path, tmp_path: Path
) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    first = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir), database_url=database_url)
    message = await post_question(emulator, "qp.hard")
    await first.close()
    await emulator.wait_for(
        lambda: not any(c.ready and not c.ws.closed for c in emulator._sockets), what="the first bot to leave"
    )
    await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir), database_url=database_url)
    reply = await emulator.wait_reply(await emulator.click(message, button(message, ":A"), by="alice"))
    assert title(reply) == "✅ Right on try 1: +3 points"


async def test_a_question_taken_out_of_the_lessons_is_refused_politely(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path, tmp_path: Path
) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    first = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir), database_url=database_url)
    message = await post_question(emulator, "qp.hard")
    await first.close()
    await emulator.wait_for(
        lambda: not any(c.ready and not c.ws.closed for c in emulator._sockets), what="the first bot to leave"
    )
    (lessons_dir / "qp.yaml").write_text(LESSON.replace("id: qp.hard", "id: qp.renamed"))
    await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir), database_url=database_url)
    reply = await emulator.wait_reply(await emulator.click(message, button(message, ":A"), by="alice"))
    assert reply["flags"] & EPHEMERAL
    assert "taken out of the lessons" in reply["content"]


async def test_fifty_concurrent_clicks_by_one_member_store_one_try_and_points_once(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    bot = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    message = await post_question(emulator, "qp.hard")
    right = button(message, ":A")
    clicks = await asyncio.gather(*(emulator.click(message, right, by="alice") for _ in range(50)))
    replies = [await emulator.wait_reply(ix) for ix in clicks]
    titles = [title(r) for r in replies]
    assert titles.count("✅ Right on try 1: +3 points") == 1
    assert titles.count("You already answered this one: right on try 1, 3 points") == 49
    score = await member_score(bot.database, emulator.world.guild_id, emulator.world.members["alice"].id)
    assert score is not None and score.points == 9 and score.answered == 1


async def test_fifty_concurrent_wrong_clicks_store_at_most_three_tries(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    bot = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    message = await post_question(emulator, "qp.hard")
    post = await post_rows.get_post_by_message(bot.database, int(message["id"]))
    assert post is not None and post.id is not None
    bob = emulator.world.members["bob"].id

    doubled = await asyncio.gather(
        *(emulator.click(message, button(message, ":D"), by="bob") for _ in range(10))
    )
    replies = [await emulator.wait_reply(ix) for ix in doubled]
    result = await answering.member_result(bot.database, post.id, bob)
    assert result is not None and [t.try_no for t in result.tries] == [1], "a double click costs one try"
    assert sum("You already tried that" in (r.get("content") or "") for r in replies) == 9
    assert "2 tries left" in next(r["content"] for r in replies if r.get("content"))

    wrong = [button(message, f":{letter}") for letter in "BCD"]
    clicks = await asyncio.gather(*(emulator.click(message, wrong[i % 3], by="bob") for i in range(50)))
    for ix in clicks:
        await emulator.wait_reply(ix)
    result = await answering.member_result(bot.database, post.id, bob)
    assert result is not None and [t.try_no for t in result.tries] == [1, 2, 3]


async def test_stale_forged_and_malformed_buttons_get_a_polite_answer(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    message = await post_question(emulator, "qp.hard")
    post_id = button(message, ":A").split(":")[2]
    # Buttons an older version of the bot could have left behind in the channel.
    old = await plant_message(
        emulator, "quiz", ["quiz:answer:987654321:A", f"quiz:answer:{post_id}:Z", "quiz:answer:not-a-number"]
    )
    stale = await emulator.wait_reply(await emulator.click(old, "quiz:answer:987654321:A", by="alice"))
    assert "no longer available" in stale["content"]
    forged = await emulator.wait_reply(await emulator.click(old, f"quiz:answer:{post_id}:Z", by="alice"))
    assert "doesn't belong to this question" in forged["content"]
    malformed = await emulator.wait_reply(await emulator.click(old, "quiz:answer:not-a-number", by="alice"))
    assert "don't recognise that button" in malformed["content"]
    for reply in (stale, forged, malformed):
        assert reply["flags"] & EPHEMERAL


async def test_answer_buttons_of_an_unknown_mode_or_an_unreadable_state_are_not_recognised(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    bot = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    message = await post_question(emulator, "qp.blanks")
    post_id = button(message, "quiz:fill:").split(":")[2]
    planted = [
        "live:answer:1:A",  # a mode this bot has not registered
        "practice:answer:not-a-run:A",  # a practice run that does not parse
        "review:fill:qp.easy:0:0",  # the public "Answer" of a private mode
        f"quiz:pick:{post_id}:1:A-C",  # picks for three blanks on a two-blank question
        f"quiz:submit:{post_id}:A-",  # Submit with a blank not picked
    ]
    old = await plant_message(emulator, "quiz", planted)
    replies = [await emulator.wait_reply(await emulator.click(old, cid, by="alice")) for cid in planted]
    for reply in replies[:3]:
        assert "don't recognise that button" in reply["content"]
    assert "doesn't belong to this question" in replies[3]["content"]
    assert replies[4]["content"] == "Pick an option for every blank first."
    assert all(reply["flags"] & EPHEMERAL for reply in replies)
    alice = emulator.world.members["alice"].id
    assert await answering.member_result(bot.database, int(post_id), alice) is None, "no try was stored"


async def test_a_quiz_post_whose_message_id_was_never_stored_is_adopted_then_counted_and_revealed(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    bot = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir), clock=clock)
    stored = post_rows.set_post_message

    async def killed(*args: Any) -> None:  # the bot dies after Discord took the message
        raise RuntimeError("killed")

    monkeypatch.setattr(post_rows, "set_post_message", killed)
    ix = await emulator.slash("quiz post", by="mod", lesson="qp", question="qp.easy", channel="quiz")
    assert "went wrong" in (await emulator.wait_reply(ix))["content"]
    monkeypatch.setattr(post_rows, "set_post_message", stored)
    (message,) = [m for m in emulator.channel_messages("quiz") if m["components"]]
    post_id = int(button(message, ":A").split(":")[2])
    assert (await post_rows.get_post(bot.database, post_id)).message_id is None  # type: ignore[union-attr]

    assert await bot.posts.adopt_unconfirmed() == 0, "a post a moment old may still be sending"
    clock.advance(timedelta(minutes=3))
    assert await bot.posts.adopt_unconfirmed() == 1
    assert (await post_rows.get_post(bot.database, post_id)).message_id == int(message["id"])  # type: ignore[union-attr]
    bot.posts.count_refresh_seconds = 0.05
    await emulator.wait_reply(await emulator.click(message, button(message, ":A"), by="alice"))
    await emulator.wait_for(
        lambda: fields(emulator.message(int(message["id"])))["Answered"] == "1 member", what="the count"
    )
    closed = await emulator.wait_reply(await emulator.slash("quiz close", by="mod", in_channel="quiz"))
    assert "Closed `qp.easy`" in closed["content"]
    assert fields(emulator.message(int(message["id"])))["Answer"] == "**A.** To reduce the loss"
    assert len([m for m in emulator.channel_messages("quiz") if m["embeds"]]) == 1, "posted once"


async def test_a_moderator_check_that_cannot_read_the_database_apologises_instead_of_going_silent(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))

    async def away(*args: Any) -> None:
        raise ConnectionError("the database is away")

    monkeypatch.setattr(guilds, "get_guild_settings", away)  # alice's role must be looked up
    ix = await emulator.slash("quiz post", by="alice", lesson="qp", channel="quiz")
    reply = await emulator.wait_reply(ix)
    assert reply["flags"] & EPHEMERAL and "something went wrong on my side" in reply["content"]


async def test_public_post_shows_counts_then_reveals_the_answer_when_it_closes(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    clock = Clock()
    bot = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir), clock=clock)
    bot.posts.count_refresh_seconds = 0.05
    message = await post_question(emulator, "qp.hard", close_after=5)
    await emulator.wait_reply(await emulator.click(message, button(message, ":A"), by="alice"))
    await emulator.wait_reply(await emulator.click(message, button(message, ":B"), by="bob"))
    await emulator.wait_for(
        lambda: fields(emulator.message(int(message["id"])))["Answered"] == "2 members", what="the count"
    )
    public = emulator.message(int(message["id"]))
    assert "optimizer.apply_gradients" not in str(public["embeds"][0].get("fields")), "no answer while open"

    clock.advance(timedelta(minutes=6))
    assert await bot.posts.close_due() == 1
    closed = emulator.message(int(message["id"]))
    revealed = fields(closed)
    assert revealed["Answer"] == "**A.** optimizer.apply_gradients"
    first = revealed["First answers (2 members)"]
    assert "50%" in first and "✅" in first
    assert len(first.splitlines()) == 2, "one bar per option picked, each on its own line"
    assert revealed["Right on the first try: 1"] == f"<@{emulator.world.members['alice'].id}>"
    assert closed["components"] == [], "answer buttons go when the answer is revealed"


async def test_a_click_that_races_the_close_is_told_the_question_closed(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    bot = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    message = await post_question(emulator, "qp.easy")
    post = await post_rows.get_post_by_message(bot.database, int(message["id"]))
    assert post is not None and post.id is not None
    await post_rows.close_post(bot.database, post.id)  # closed, the reveal edit not yet made
    late = await emulator.wait_reply(await emulator.click(message, button(message, ":A"), by="carol"))
    assert "has closed" in late["content"]
    assert await answering.member_result(bot.database, post.id, emulator.world.members["carol"].id) is None


async def test_without_a_question_the_channel_gets_the_one_it_has_not_seen_then_the_oldest(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    replies = []
    for _ in range(5):
        ix = await emulator.slash("quiz post", by="mod", lesson="qp", channel="quiz")
        replies.append((await emulator.wait_reply(ix))["content"])
    posted = [r.split("`")[1] for r in replies]
    assert posted == ["qp.hard", "qp.easy", "qp.blanks", "qp.hard", "qp.easy"]
    assert "posted longest ago" not in replies[2] and "posted longest ago" in replies[3]


async def test_a_missed_posted_question_comes_back_in_review(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    clock = Clock()
    bot = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir), clock=clock)
    message = await post_question(emulator, "qp.hard")
    for wrong in "BCD":
        await emulator.wait_reply(await emulator.click(message, button(message, f":{wrong}"), by="bob"))
    await emulator.wait_reply(await emulator.click(message, button(message, ":A"), by="alice"))
    bob = emulator.world.members["bob"].id
    for _ in range(100):  # the review card is rated by a listener, just after the reply
        if await review.get_card(bot.database, bob, "qp.hard") is not None:
            break
        await asyncio.sleep(0.05)
    clock.advance(timedelta(days=1))
    bobs = await emulator.wait_reply(await emulator.slash("review", by="bob"))
    assert bobs["embeds"][0]["footer"]["text"].endswith("qp.hard"), "bob missed it: it is due"
    alices = await emulator.wait_reply(await emulator.slash("review", by="alice"))
    assert "qp.hard" not in str(alices), "alice got it right first try: nothing to review"


async def test_a_moderator_closes_the_newest_open_question_early_and_it_reveals(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    bot = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    older = await post_question(emulator, "qp.easy")
    newest = await post_question(emulator, "qp.hard")
    await emulator.wait_reply(await emulator.click(newest, button(newest, ":A"), by="alice"))

    refused = await emulator.wait_reply(await emulator.slash("quiz close", by="alice", in_channel="quiz"))
    assert "Only moderators" in refused["content"] and refused["flags"] & EPHEMERAL

    reply = await emulator.wait_reply(await emulator.slash("quiz close", by="mod", in_channel="quiz"))
    assert reply["flags"] & EPHEMERAL and "Closed `qp.hard`" in reply["content"]
    revealed = emulator.message(int(newest["id"]))
    assert fields(revealed)["Answer"] == "**A.** optimizer.apply_gradients"
    assert fields(revealed)["Right on the first try: 1"] == f"<@{emulator.world.members['alice'].id}>"
    assert revealed["components"] == [], "no more answers once revealed"
    assert custom_ids(emulator.message(int(older["id"]))), "the older question stays open"

    # Without a question it takes the newest one still open: the older one, then nothing.
    again = await emulator.wait_reply(await emulator.slash("quiz close", by="mod", in_channel="quiz"))
    assert "Closed `qp.easy`" in again["content"]
    none_left = await emulator.wait_reply(await emulator.slash("quiz close", by="mod", in_channel="quiz"))
    assert "No question is open in this channel" in none_left["content"]
    assert "`/quiz close post:`" in none_left["content"], "the option is named for what it picks: a post"
    post = await post_rows.get_post_by_message(bot.database, int(newest["id"]))
    assert post is not None and post.closed


async def test_close_offers_the_open_questions_and_refuses_one_already_closed(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    await post_question(emulator, "qp.easy")
    await post_question(emulator, "qp.hard")
    choices = await emulator.autocomplete("quiz close", "post", by="mod")
    assert [c["name"].split(":")[0] for c in choices] == ["#quiz · qp.hard", "#quiz · qp.easy"], (
        "newest first"
    )
    hard = choices[0]["value"]
    typed = await emulator.autocomplete("quiz close", "post", by="mod", post="GRADIENTS")
    assert typed == [choices[0]], "what was typed narrows the list"

    reply = await emulator.wait_reply(await emulator.slash("quiz close", by="mod", post=hard))
    assert "Closed `qp.hard` in <#" in reply["content"], "works from any channel when the question is named"
    later = await emulator.wait_reply(await emulator.slash("quiz close", by="mod", post=hard))
    assert "already closed" in later["content"]
    assert [c["name"] for c in await emulator.autocomplete("quiz close", "post", by="mod")] == [
        choices[1]["name"]
    ]
    forged = await emulator.wait_reply(await emulator.slash("quiz close", by="mod", post=2**31 - 1))
    assert "no such question in this server" in forged["content"]


async def test_close_finds_an_open_question_older_than_the_newest_25(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    await post_question(emulator, "qp.hard")
    for _ in range(25):
        await post_question(emulator, "qp.easy")
    assert len(await emulator.autocomplete("quiz close", "post", by="mod")) == 25, "Discord's maximum"
    (oldest,) = await emulator.autocomplete("quiz close", "post", by="mod", post="qp.hard")
    assert oldest["name"].startswith("#quiz · qp.hard")


# ----- the close loop outlives a database outage ------------------------------------------------
Outage = Callable[[], AbstractAsyncContextManager[None]]


@pytest.fixture(params=["sqlite", "postgresql"])
def database_with_outage(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, Outage]]:
    """A database URL for the bot, and a way to make that database unusable for a while: the SQLite
    file write-locked by another connection (as a backup does), PostgreSQL refusing connections
    with the bot's ones cut."""
    if request.param == "sqlite":
        path = tmp_path / "quizbot.db"
        monkeypatch.setattr(engine, "SQLITE_BUSY_TIMEOUT_MS", 200)  # fail a locked write quickly

        @contextlib.asynccontextmanager
        async def locked() -> AsyncIterator[None]:
            other = sqlite3.connect(path, isolation_level=None)
            other.execute("BEGIN EXCLUSIVE")
            try:
                yield
            finally:
                other.execute("ROLLBACK")
                other.close()

        yield f"sqlite+aiosqlite:///{path}", locked
        return
    require_postgres()
    url = asyncio.run(create_postgres_database())
    name = make_url(url).database

    @contextlib.asynccontextmanager
    async def refused() -> AsyncIterator[None]:
        admin = await asyncpg.connect(asyncpg_dsn(postgres_admin_url()))
        try:
            await admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name
            )
            try:
                yield
            finally:
                await admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')
        finally:
            await admin.close()

    try:
        yield url, refused
    finally:
        asyncio.run(drop_postgres_database(url))


async def test_a_question_due_during_a_database_outage_is_closed_and_revealed_once_it_is_back(
    emulator: DiscordForTests,
    start_bot: StartBot,
    lessons_dir: Path,
    database_with_outage: tuple[str, Outage],
    caplog: pytest.LogCaptureFixture,
) -> None:
    url, outage = database_with_outage
    clock = Clock()
    bot = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir), database_url=url, clock=clock)
    message = await post_question(emulator, "qp.easy", close_after=5)
    bot.posts.close_loop.change_interval(seconds=0.1)
    async with outage():
        clock.advance(timedelta(minutes=5))  # the post falls due as the database goes away...
        for _ in range(3):  # ...for 30 seconds of the bot's clock
            await asyncio.sleep(0.5)
            clock.advance(timedelta(seconds=10))
        failures = [r for r in caplog.records if r.getMessage().startswith("closing due questions failed")]
        assert len(failures) >= 2, "the loop kept trying while the database was away"
        assert fields(emulator.message(int(message["id"])))["Answered"] == "0 members", "not revealed yet"
    revealed = await emulator.wait_for(
        lambda: "Answer" in (f := fields(emulator.message(int(message["id"])))) and f,
        what="the reveal",
        timeout=20,
    )
    assert revealed["Answer"] == "**A.** To reduce the loss"
    assert emulator.message(int(message["id"]))["components"] == [], "answer buttons go at the reveal"


async def test_option_values_out_of_range_are_refused_saying_what_is_allowed(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    # Discord's client keeps options in range; a forged request does not have to.
    await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    post: dict[str, Any] = {"lesson": "qp", "question": "qp.easy", "channel": "quiz"}
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("quiz post", {**post, "close_after": 0}, "close_after must be between 1 and 10080."),
        ("quiz post", {**post, "close_after": -5}, "close_after must be between 1 and 10080."),
        ("quiz post", {**post, "close_after": 10**15}, "close_after must be between 1 and 10080."),
        ("quiz close", {"post": 2**40}, "post must be between 1 and 2147483647."),
        ("schedule remove", {"schedule": 0}, "schedule must be between 1 and 2147483647."),
        ("schedule pause", {"schedule": 2**40}, "schedule must be between 1 and 2147483647."),
        (
            "schedule add",
            {"channel": "quiz", "time": "09:00", "lesson": "qp", "close_after": 0},
            "close_after must be between 1 and 1440.",
        ),
        ("demo", {"question": "qp.easy", "seed": -1}, "seed must be between 0 and 2147483647."),
    ]
    for command, options, expected in cases:
        reply = await emulator.wait_reply(await emulator.slash(command, by="mod", **options))
        assert reply["content"] == expected, (command, options)
        assert reply["flags"] & EPHEMERAL
    assert not [m for m in emulator.channel_messages("quiz") if m.get("embeds")], "nothing was posted"


async def test_a_blanks_answer_button_forged_onto_a_multiple_choice_post_gets_a_polite_answer(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    message = await post_question(emulator, "qp.easy")
    post_id = button(message, ":A").split(":")[2]
    old = await plant_message(emulator, "quiz", [f"quiz:fill:{post_id}"])
    reply = await emulator.wait_reply(await emulator.click(old, f"quiz:fill:{post_id}", by="alice"))
    assert "doesn't belong to this question" in reply["content"]
    assert reply["flags"] & EPHEMERAL
