"""A server's published lesson end to end: the bot loads it from storage, offers it in that server's
lesson lists alone, and posts its questions under the server's own ids."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot import reviewing
from content.scoping import scoped
from storage import server_lessons as store
from tests.clock import Clock
from tests.conftest import StartBot
from tests.emulator import DiscordForTests, plant_message
from tests.messages import button, components, custom_ids, embed, fields, title
from tests.server_lessons import CELLS, T0, publish, upload_of
from tests.test_sandbox import need_the_sandbox

PACK = CELLS
# The same lesson with a question whose code runs (/demo, "Run the code").
RUNNABLE = (
    PACK
    + """\
  - id: cells.count
    kind: multiple_choice
    difficulty: easy
    prompt: What does the code print?
    options: ["4", "22"]
    answer: A
    shuffle: false
    hint: Numbers add up.
    solution: [2 + 2 is 4.]
    demo: |
      print(2 + 2)
"""
)


async def _publish(bot: object, guild_id: int, title: str, pack: str = PACK) -> None:
    await publish(bot, guild_id, pack.replace("Cells of our course", title))


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

    # The question picker, no lesson picked yet, offers this server's questions, never another's.
    picked = await emulator.autocomplete("quiz post", "question", by="mod", question="cells")
    assert [c["value"] for c in picked] == [scoped(here, "cells.q1")]

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


async def _upload(emulator: DiscordForTests, data: bytes, *, by: str = "mod") -> dict:
    """Upload cells.yaml; return the private Publish question below the preview."""
    ix = await emulator.slash("lessons upload", by=by, file=("cells.yaml", data))
    await emulator.wait_for(lambda: len(emulator.followups(ix)) == 2, what="preview and Publish question")
    return emulator.followups(ix)[1]


def _button(message: dict, label: str) -> str:
    (button,) = [b for b in components(message) if b["label"] == label]
    return str(button["custom_id"])


async def _press(emulator: DiscordForTests, message: dict, custom_id: str, *, by: str = "mod") -> str:
    ix = await emulator.click(message, custom_id, by=by)
    response = await emulator.wait_response(ix)
    return str(response.get("data", {}).get("content", ""))


async def test_a_moderator_publishes_an_upload_and_members_can_use_it_at_once(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    bot = await start_bot()
    ask = await _upload(emulator, PACK.encode())
    assert "Publish **Cells of our course** (`cells`, 1 question)" in ask["content"]
    assert (
        bot.catalog.lessons_in(emulator.world.guild_id).lesson(scoped(emulator.world.guild_id, "cells"))
        is None
    )
    # A member without the permission cannot publish it.
    publish = _button(ask, "Publish")
    assert "Only moderators" in await _press(emulator, ask, publish, by="alice")
    done = await _press(emulator, ask, publish)
    assert done.startswith("Published **Cells of our course** (`cells`), version 1: 1 question")
    offered = await emulator.autocomplete("practice", "lesson", by="alice", lesson="cells")
    assert [c["value"] for c in offered] == [scoped(emulator.world.guild_id, "cells")]

    # The same id again asks before replacing, and keeps version 1.
    again = await _upload(
        emulator, PACK.replace("How do body cells divide?", "How do cells divide?").encode()
    )
    assert "This server has version 1 of `cells` already" in again["content"]
    assert "Version 1 is kept." in again["content"]
    assert (await _press(emulator, again, _button(again, "Replace version 1"))).startswith("Published")
    question = bot.library.question(scoped(emulator.world.guild_id, "cells.q1"))
    assert question is not None and question.prompt == "How do cells divide?"
    assert await store.current_version(bot.database, emulator.world.guild_id, "cells") == 2


async def test_cancel_stores_nothing_and_a_second_moderators_version_is_asked_about(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    bot = await start_bot()
    ask = await _upload(emulator, PACK.encode())
    publish, cancel = _button(ask, "Publish"), _button(ask, "Cancel")
    assert await _press(emulator, ask, cancel) == "Cancelled: nothing was stored."
    stale = await plant_message(emulator, "general", [publish])  # the button, kept somewhere else
    assert "published, cancelled or has expired" in await _press(emulator, stale, publish)
    assert await store.current_version(bot.database, emulator.world.guild_id, "cells") == 0

    first, second = await _upload(emulator, PACK.encode()), await _upload(emulator, PACK.encode())
    first_publish = _button(first, "Publish")
    assert (await _press(emulator, second, _button(second, "Publish"))).startswith("Published")
    asked = await _press(emulator, first, first_publish)
    assert asked.startswith("Someone published `cells` meanwhile. This server has version 1")
    assert await store.current_version(bot.database, emulator.world.guild_id, "cells") == 1


async def test_a_forged_publish_button_for_another_servers_draft_changes_nothing(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    bot = await start_bot()
    other = emulator.world.guild_id + 1
    upload = upload_of(other, PACK)
    draft = await store.save_draft(bot.database, upload)
    message = await plant_message(emulator, "general", [f"lessons:publish:{draft}:0"])
    ix = await emulator.click(message, f"lessons:publish:{draft}:0", by="mod")
    response = await emulator.wait_response(ix)
    assert "published, cancelled or has expired" in str(response)
    assert await store.current_version(bot.database, other, "cells") == 0


async def _reply(emulator: DiscordForTests, command: str, *, by: str = "mod", **options: Any) -> dict:
    return await emulator.wait_reply(await emulator.slash(command, by=by, **options), timeout=60)


async def test_stats_report_demo_and_help_offer_and_find_this_servers_lessons_alone(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    bot = await start_bot()
    here, other = emulator.world.guild_id, emulator.world.guild_id + 1
    await _publish(bot, here, "Cells of our course", RUNNABLE)
    await _publish(bot, other, "Another server's cells", RUNNABLE)
    await bot.follow_server_lessons()

    # The pickers: this server's questions, named as the pack writes them.
    offered = await emulator.autocomplete("stats", "question", by="mod", question="cells")
    assert [(c["name"], c["value"]) for c in offered] == [
        ("cells.q1: How do body cells divide?", scoped(here, "cells.q1")),
        ("cells.count: What does the code print?", scoped(here, "cells.count")),
    ]
    offered = await emulator.autocomplete("demo", "question", by="alice", question="cells")
    assert [c["value"] for c in offered] == [scoped(here, "cells.count")]

    shown = await _reply(emulator, "stats", question=scoped(here, "cells.q1"))
    assert title(shown) == "📊 Question stats · cells.q1"
    assert fields(shown)["Lesson"] == "Cells of our course"
    shown = await _reply(emulator, "report questions", lesson=scoped(here, "cells"))
    assert title(shown) == "🔎 Question quality · Cells of our course"

    # Another server's id, typed by hand, gets the answer an id nobody has gets.
    for command, option, theirs, made_up in [
        ("stats", "question", scoped(other, "cells.q1"), "cells.nope"),
        ("demo", "question", scoped(other, "cells.count"), "cells.nope"),
        ("report questions", "lesson", scoped(other, "cells"), "nope"),
        ("report export", "lesson", scoped(other, "cells"), "nope"),
    ]:
        refused = (await _reply(emulator, command, **{option: theirs}))["content"]
        unknown = (await _reply(emulator, command, **{option: made_up}))["content"]
        assert refused.startswith("There is no "), (command, refused)
        assert refused.replace(theirs, "X") == unknown.replace(made_up, "X"), command

    shown = await _reply(emulator, "help", by="alice")
    lessons = next(v for k, v in fields(shown).items() if k.startswith("Lessons loaded"))
    assert "**Cells of our course** (2 questions)" in lessons
    assert "Another server's cells" not in lessons


async def test_a_review_card_of_a_servers_question_answers_and_runs_its_code(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    need_the_sandbox()  # a server's code runs in the sandbox or not at all
    clock = Clock(T0)
    bot = await start_bot(clock=clock)
    here = emulator.world.guild_id
    await _publish(bot, here, "Cells of our course", RUNNABLE)
    await bot.follow_server_lessons()
    alice = emulator.world.members["alice"].id
    await reviewing.record_outcome(
        bot.database, alice, scoped(here, "cells.count"), right=False, try_no=3, now=T0
    )
    clock.advance(timedelta(days=1))

    card = await _reply(emulator, "review", by="alice")
    assert embed(card)["footer"]["text"].endswith(" · cells.count"), "the id as its pack writes it"
    await emulator.wait_response(await emulator.click(card, button(card, "review:hint:"), by="alice"))
    hinted = emulator.message(int(card["id"]))
    assert fields(hinted)["Hint"] == "Numbers add up."
    await emulator.wait_response(await emulator.click(hinted, button(hinted, ":A"), by="alice"))
    answered = emulator.message(int(card["id"]))
    assert title(answered) == "✅ Right, with the hint"

    run = button(answered, "demo:run:")
    ran = await emulator.wait_reply(await emulator.click(answered, run, by="alice"), timeout=60)
    assert title(ran) == "▶️ What the code printed"
    assert embed(ran)["description"] == "```\n4\n```"
    assert embed(ran)["footer"]["text"].startswith("cells.count · seed ")


async def test_with_uploaded_demos_off_a_servers_demo_is_refused_and_a_bundled_one_still_runs(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    bot = await start_bot(QUIZBOT_UPLOADED_DEMOS="off")
    here = emulator.world.guild_id
    await _publish(bot, here, "Cells of our course", RUNNABLE)
    await bot.follow_server_lessons()

    refused = await _reply(emulator, "demo", by="alice", question=scoped(here, "cells.count"))
    assert refused["content"] == "Running the code of uploaded lessons is turned off on this bot."
    assert not refused["embeds"], "nothing ran"
    ran = await emulator.wait_reply(
        await emulator.slash("demo", by="alice", question="weights.q3", seed=0), timeout=120
    )
    assert title(ran) == "▶️ What the code printed"
