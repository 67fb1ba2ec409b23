"""/review end to end: missed questions come back privately, most overdue first, rated by fsrs."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot import grading, reviewing
from bot.app import QuizBot
from bot.i18n import translations
from cogs.review._cog import Review
from storage import review
from tests.clock import Clock
from tests.conftest import StartBot
from tests.emulator import DiscordForTests, plant_message
from tests.messages import lessons_folder
from tests.test_e2e_leaderboard import LESSONS, MONDAY, member, started

EPHEMERAL = 1 << 6
BLANKS = """\
id: rb
title: Review blanks
topic: testing
source: written for the tests
questions:
  - id: rb.blanks
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
"""


@pytest.fixture
def lessons_dir(tmp_path: Path) -> Path:
    return lessons_folder(tmp_path, **LESSONS, rb=BLANKS)


def footer(message: dict[str, Any]) -> str:
    return str(message["embeds"][0]["footer"]["text"])


def fields(message: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: f["value"] for f in message["embeds"][0].get("fields", [])}


def buttons(message: dict[str, Any]) -> dict[str, str]:
    return {c["label"]: c["custom_id"] for row in message["components"] for c in row["components"]}


async def missed_on_monday(bot: QuizBot, emulator: DiscordForTests, who: str, question_id: str) -> int:
    """`who` ran out of tries on `question_id` on Monday (a card due soon after); their member id."""
    member_id = member(emulator, who)
    await reviewing.record_outcome(bot.database, member_id, question_id, right=False, try_no=3, now=MONDAY)
    return member_id


async def test_missed_questions_come_back_most_overdue_first_and_answers_reschedule_them(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    clock = Clock(MONDAY)
    bot = await started(emulator, start_bot, lessons_dir, clock)
    alice = member(emulator, "alice")
    db = bot.database
    await reviewing.record_outcome(db, alice, "other.q", right=False, try_no=3, now=MONDAY)
    await reviewing.record_outcome(
        db, alice, "lb.hard", right=False, try_no=3, now=MONDAY - timedelta(days=1)
    )
    await reviewing.record_outcome(db, alice, "lb.easy", right=True, try_no=1, now=MONDAY)  # never missed
    clock.at = MONDAY + timedelta(hours=1)

    first = await emulator.wait_reply(await emulator.slash("review", by="alice"))
    assert first["flags"] & EPHEMERAL
    assert footer(first).endswith("lb.hard"), "the card missed longest ago is the most overdue"
    assert fields(first)["Due now"] == "2 questions"
    await emulator.wait_response(await emulator.click(first, buttons(first)["A. optimizer.apply_gradients"]))
    right = emulator.message(int(first["id"]))
    assert right["embeds"][0]["title"] == "✅ Right!"
    assert "apply_gradients changes each variable" in fields(right)["Solution"]
    card = await review.get_card(db, alice, "lb.hard")
    assert card is not None and card.due > MONDAY + timedelta(hours=1), "a right answer pushes it later"

    await emulator.wait_response(await emulator.click(right, buttons(right)["Next review"]))
    second = emulator.message(int(first["id"]))
    assert footer(second).endswith("other.q") and fields(second)["Due now"] == "1 question"
    await emulator.wait_response(await emulator.click(second, buttons(second)["B. How big the model is"]))
    wrong = emulator.message(int(first["id"]))
    assert wrong["embeds"][0]["title"] == "❌ Not quite"
    assert fields(wrong)["Answer"] == "A. How wrong the model is"

    await emulator.wait_response(await emulator.click(wrong, buttons(wrong)["Next review"]))
    done = emulator.message(int(first["id"]))
    assert done["embeds"][0]["description"].startswith(
        "Nothing is due right now: 2 questions in your review deck. The next one is due <t:"
    )
    assert buttons(done) == {"Remind me when reviews are due": "review:remind:on"}


async def test_the_hint_makes_a_right_answer_a_hard_recall_and_a_second_answer_is_refused(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    clock = Clock(MONDAY)
    bot = await started(emulator, start_bot, lessons_dir, clock)
    bob = await missed_on_monday(bot, emulator, "bob", "lb.hard")
    clock.at = MONDAY + timedelta(days=1)
    shown = await emulator.wait_reply(await emulator.slash("review", by="bob"))
    await emulator.wait_response(await emulator.click(shown, buttons(shown)["Show the hint"], by="bob"))
    hinted = emulator.message(int(shown["id"]))
    assert fields(hinted)["Hint"] == "It takes (gradient, variable) pairs."
    assert "Show the hint" not in buttons(hinted)
    answer_id = buttons(hinted)["A. optimizer.apply_gradients"]
    await emulator.wait_response(await emulator.click(hinted, answer_id, by="bob"))
    assert emulator.message(int(shown["id"]))["embeds"][0]["title"] == "✅ Right, with the hint"
    card = await review.get_card(bot.database, bob, "lb.hard")
    assert card is not None and card.reviews == 2
    # The same answer again (a stale copy of the button): refused, the card is rated once.
    stale = await plant_message(emulator, "general", [answer_id])
    again = await emulator.wait_reply(await emulator.click(stale, answer_id, by="bob"))
    assert again["flags"] & EPHEMERAL and again["content"].startswith("You already answered this review")
    card_after = await review.get_card(bot.database, bob, "lb.hard")
    assert card_after is not None and card_after.reviews == 2


async def test_a_finished_quiz_post_puts_a_miss_in_the_review_deck(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    bot = await started(emulator, start_bot, lessons_dir, Clock(MONDAY))
    carol = member(emulator, "carol")
    empty = await emulator.wait_reply(await emulator.slash("review", by="carol"))
    assert empty["embeds"][0]["description"].startswith("You have no missed questions to review.")

    def outcome(right: bool, try_no: int) -> grading.Feedback:
        return grading.Feedback(right, 0, try_no, 0, False, None, True, True)

    bot.dispatch("quiz_outcome", carol, "lb.easy", outcome(True, 1))  # right first try: nothing to review
    bot.dispatch("quiz_outcome", carol, "lb.hard", outcome(True, 2))  # right after a miss: Hard
    for _ in range(50):
        if await review.get_card(bot.database, carol, "lb.hard") is not None:
            break
        await emulator.wait_for(lambda: True, 0.1, "a moment")
    assert await review.get_card(bot.database, carol, "lb.easy") is None
    card = await review.get_card(bot.database, carol, "lb.hard")
    assert card is not None and card.lapses == 0 and card.due > MONDAY


def components(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for row in message["components"] for c in row["components"]]


async def test_a_fill_in_the_blanks_review_uses_one_menu_per_blank_and_submit(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    clock = Clock(MONDAY)
    bot = await started(emulator, start_bot, lessons_dir, clock)
    alice = await missed_on_monday(bot, emulator, "alice", "rb.blanks")
    clock.at = MONDAY + timedelta(hours=1)
    message = await emulator.wait_reply(await emulator.slash("review", by="alice"))
    menus = [c for c in components(message) if c["type"] == 3]
    assert len(menus) == 2 and [o["label"] for o in menus[0]["options"]] == ["**", "%", "//", "+"]
    assert next(c for c in components(message) if c.get("label") == "Submit")["disabled"] is True
    for blank, letter in ((0, "A"), (1, "C")):
        menus = [c for c in components(message) if c["type"] == 3]
        await emulator.wait_response(await emulator.select(message, menus[blank]["custom_id"], [letter]))
        message = emulator.message(int(message["id"]))
    submit = next(c for c in components(message) if c.get("label") == "Submit")
    assert submit.get("disabled") is not True
    await emulator.wait_response(await emulator.click(message, submit["custom_id"]))
    result = emulator.message(int(message["id"]))
    assert result["embeds"][0]["title"] == "❌ Not quite"
    assert fields(result)["Common mistake"] == "// is floor division, not a remainder."
    card = await review.get_card(bot.database, alice, "rb.blanks")
    assert card is not None and card.lapses == 2 and card.reviews == 2


async def test_review_buttons_keep_working_after_a_restart(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path, tmp_path: Path
) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    first = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir), database_url=database_url)
    carol = member(emulator, "carol")
    await reviewing.record_outcome(first.database, carol, "lb.easy", right=False, try_no=3, now=MONDAY)
    shown = await emulator.wait_reply(await emulator.slash("review", by="carol"))
    await first.close()
    await emulator.wait_for(
        lambda: not any(c.ready and not c.ws.closed for c in emulator._sockets), what="the first bot to leave"
    )
    second = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir), database_url=database_url)
    await emulator.wait_response(
        await emulator.click(shown, buttons(shown)["A. To reduce the loss"], by="carol")
    )
    assert emulator.message(int(shown["id"]))["embeds"][0]["title"] == "✅ Right!"
    card = await review.get_card(second.database, carol, "lb.easy")
    assert card is not None and card.reviews == 2


async def test_a_member_who_asks_is_reminded_by_dm_once_a_day_while_reviews_are_due(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    clock = Clock(MONDAY)
    bot = await started(emulator, start_bot, lessons_dir, clock)
    reviews = bot.feature(Review)
    await missed_on_monday(bot, emulator, "alice", "lb.hard")
    empty = await emulator.wait_reply(await emulator.slash("review", by="alice"))  # due in minutes, not now
    assert await reviews.send_reminders() == 0, "nobody asked"

    click = await emulator.click(empty, "review:remind:on", by="alice")
    (turned_on,) = await emulator.wait_for(lambda: emulator.followups(click), what="the confirmation")
    assert turned_on["flags"] & EPHEMERAL and turned_on["content"].startswith("🔔 I'll DM you")
    flipped = emulator.message(int(empty["id"]))
    assert buttons(flipped) == {"Stop review reminders": "review:remind:off"}, "the same button turns it off"
    assert await reviews.send_reminders() == 0, "nothing is due yet"
    clock.at = MONDAY + timedelta(hours=1)
    assert await reviews.send_reminders() == 1
    assert await reviews.send_reminders() == 0, "one a day"
    (dm,) = emulator.dm_messages("alice")
    assert dm["embeds"][0]["description"].startswith("1 question you missed is due for review.")
    assert buttons(dm) == {"Stop review reminders": "review:remind:off"}

    click = await emulator.click(dm, "review:remind:off", by="alice")
    (stopped,) = await emulator.wait_for(lambda: emulator.followups(click), what="the confirmation")
    assert stopped["content"].startswith("🔕 No more review reminders")
    assert buttons(emulator.message(int(dm["id"]))) == {"Remind me when reviews are due": "review:remind:on"}
    clock.at = MONDAY + timedelta(days=2)
    assert await reviews.send_reminders() == 0
    assert len([m for m in emulator.dm_messages("alice") if m["embeds"]]) == 1


async def test_reminders_stop_for_a_member_whose_dms_are_closed(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    clock = Clock(MONDAY)
    bot = await started(emulator, start_bot, lessons_dir, clock)
    bob = await missed_on_monday(bot, emulator, "bob", "lb.hard")
    await review.set_reminders(bot.database, bob, True, now=MONDAY)
    emulator.dms_closed.add("bob")
    clock.at = MONDAY + timedelta(hours=1)
    reviews = bot.feature(Review)
    assert await reviews.send_reminders() == 0
    assert not await review.reminders_on(bot.database, bob), "not retried every day against closed DMs"


async def test_a_due_card_waits_while_its_question_is_open_in_a_quiz_the_member_has_not_finished(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    clock = Clock(MONDAY)
    bot = await started(emulator, start_bot, lessons_dir, clock)
    bob = await missed_on_monday(bot, emulator, "bob", "lb.hard")
    clock.at = MONDAY + timedelta(days=1)
    posted = await emulator.wait_reply(
        await emulator.slash("quiz post", by="mod", lesson="lb", question="lb.hard", channel="quiz")
    )
    assert "Posted" in posted["content"]
    waiting = await emulator.wait_reply(await emulator.slash("review", by="bob"))
    assert "optimizer.apply_gradients" not in str(waiting), "the open post's answer is not in review"
    assert waiting["embeds"][0]["description"].startswith("1 question due for review is open in a quiz")
    await review.set_reminders(bot.database, bob, True, now=clock.at)
    assert await bot.feature(Review).send_reminders() == 0, "no reminder for a card held back"

    (post,) = [m for m in emulator.channel_messages("quiz") if m["components"]]
    right = buttons(post)["A. optimizer.apply_gradients"]
    await emulator.wait_reply(await emulator.click(post, right, by="bob"))
    for _ in range(100):  # the card is rated by a listener, just after the reply
        card = await review.get_card(bot.database, bob, "lb.hard")
        if card is not None and card.reviews == 2:
            break
        await asyncio.sleep(0.05)
    assert card is not None and card.reviews == 2, "answering the post was the card's review"


async def test_a_reminder_dm_is_written_in_the_language_the_member_asked_in(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    clock = Clock(MONDAY)
    bot = await started(emulator, start_bot, lessons_dir, clock)
    emulator.world.members["alice"].locale = "de"
    await missed_on_monday(bot, emulator, "alice", "lb.hard")
    empty = await emulator.wait_reply(await emulator.slash("review", by="alice"))
    click = await emulator.click(empty, "review:remind:on", by="alice")
    await emulator.wait_for(lambda: emulator.followups(click), what="the confirmation")
    emulator.world.members["alice"].locale = "fr"  # a DM has no interaction: the language asked in counts
    clock.at = MONDAY + timedelta(hours=1)
    assert await bot.feature(Review).send_reminders() == 1
    (dm,) = emulator.dm_messages("alice")
    german = translations("de")
    assert dm["embeds"][0]["title"] == german.gettext("🔁 Time for a review") != "🔁 Time for a review"
    assert dm["embeds"][0]["description"].startswith(
        german.ngettext(
            "{count} question you missed is due for review.",
            "{count} questions you missed are due for review.",
            1,
        ).format(count=1)
    )
