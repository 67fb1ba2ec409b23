"""/review end to end: missed questions come back privately, most overdue first, rated by fsrs."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot import grading
from bot.emulator import DiscordEmulator
from storage import review
from tests.conftest import StartBot
from tests.test_e2e_leaderboard import LESSONS, MONDAY, member, started

EPHEMERAL = 1 << 6


@pytest.fixture
def lessons_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "lessons"
    folder.mkdir()
    for name, text in LESSONS.items():
        (folder / f"{name}.yaml").write_text(text)
    return folder


def footer(message: dict[str, Any]) -> str:
    return str(message["embeds"][0]["footer"]["text"])


def fields(message: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: f["value"] for f in message["embeds"][0].get("fields", [])}


def buttons(message: dict[str, Any]) -> dict[str, str]:
    return {c["label"]: c["custom_id"] for row in message["components"] for c in row["components"]}


async def test_missed_questions_come_back_most_overdue_first_and_answers_reschedule_them(
    emulator: DiscordEmulator, start_bot: StartBot, lessons_dir: Path
) -> None:
    bot = await started(emulator, start_bot, lessons_dir, MONDAY)
    alice = member(emulator, "alice")
    db = bot.database
    await review.record_outcome(db, alice, "other.q", right=False, try_no=3, now=MONDAY)
    await review.record_outcome(db, alice, "lb.hard", right=False, try_no=3, now=MONDAY - timedelta(days=1))
    await review.record_outcome(db, alice, "lb.easy", right=True, try_no=1, now=MONDAY)  # never missed
    bot.now = lambda: MONDAY + timedelta(hours=1)  # type: ignore[method-assign]

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
    assert done["components"] == []


async def test_the_hint_makes_a_right_answer_a_hard_recall_and_a_second_answer_is_refused(
    emulator: DiscordEmulator, start_bot: StartBot, lessons_dir: Path
) -> None:
    bot = await started(emulator, start_bot, lessons_dir, MONDAY)
    bob = member(emulator, "bob")
    await review.record_outcome(bot.database, bob, "lb.hard", right=False, try_no=3, now=MONDAY)
    bot.now = lambda: MONDAY + timedelta(days=1)  # type: ignore[method-assign]
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
    stale = await emulator.plant_message("general", [answer_id])
    again = await emulator.wait_reply(await emulator.click(stale, answer_id, by="bob"))
    assert again["flags"] & EPHEMERAL and again["content"].startswith("You already answered this review")
    card_after = await review.get_card(bot.database, bob, "lb.hard")
    assert card_after is not None and card_after.reviews == 2


async def test_a_finished_quiz_post_puts_a_miss_in_the_review_deck(
    emulator: DiscordEmulator, start_bot: StartBot, lessons_dir: Path
) -> None:
    bot = await started(emulator, start_bot, lessons_dir, MONDAY)
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
