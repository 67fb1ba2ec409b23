"""/practice end to end: the real bot against the loopback Discord, every body spec-checked."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from cogs.practice import _run
from cogs.practice._cog import Practice
from cogs.practice._items import next_view, question_view
from content import DEFAULT_LESSONS_DIR, load_lesson_text
from storage import practice_runs
from tests.conftest import StartBot
from tests.databases import daily_scores, member_score, member_scores
from tests.emulator import DiscordForTests, plant_message
from tests.messages import button, components, custom_ids, fields, lessons_folder, menus, shown_letters, title

EPHEMERAL = 1 << 6

LEARN_LESSON = """\
id: pr
title: Practice lesson
topic: testing
source: written for the tests
questions:
  - id: pr.mc
    kind: multiple_choice
    shuffle: false
    prompt: Which method updates the weights from gradients?
    options: [optimizer.apply_gradients, model.compile, tf.Variable, model.summary]
    answer: A
    difficulty: medium
    hint: It takes (gradient, variable) pairs.
    mistakes:
      - text: compile only configures training.
        option: B
    solution:
      - apply_gradients changes each variable by its gradient.
  - id: pr.easy
    kind: multiple_choice
    shuffle: false
    prompt: Why does training update weights?
    options: [To reduce the loss, To grow the model]
    answer: A
    difficulty: easy
    hint: Think of the loss.
    solution:
      - Training lowers the loss.
    demo: print("the loss goes down")
  - id: pr.blanks
    kind: fill_blanks
    shuffle: false
    prompt: Square the even numbers.
    code: |
      squares = {x: x[1]2 for x in range(6) if x [2] 2 == 0}
    options: ["**", "%", "//", "+"]
    answer: [A, B]
    difficulty: hard
    hint: A power, then a remainder.
    mistakes:
      - text: "// is floor division, not a remainder."
        option: C
    solution:
      - "** raises to a power; % gives the remainder."
"""


def mixed_lesson() -> str:
    """13 questions: 4 easy, 5 medium (one fill-in-the-blanks), 4 hard; every right answer is A."""
    lines = [
        "id: mix",
        "title: Mixed lesson",
        "topic: testing",
        "source: written for the tests",
        "questions:",
    ]
    for difficulty in ("easy", "medium", "hard"):
        for n in range(1, 5):
            lines += [
                f"  - id: mix.{difficulty}{n}",
                "    kind: multiple_choice",
                "    shuffle: false",
                f"    prompt: {difficulty.title()} question number {n}?",
                "    options: [Right, Wrong]",
                "    answer: A",
                f"    difficulty: {difficulty}",
                "    hint: Pick Right.",
                "    solution:",
                "      - Right is right.",
            ]
    lines += [
        "  - id: mix.blanks",
        "    kind: fill_blanks",
        "    shuffle: false",
        "    prompt: Fill the blank.",
        "    code: 'y = 2 [1] 3'",
        '    options: ["+", "-"]',
        "    answer: [A]",
        "    difficulty: medium",
        "    hint: Add.",
        "    solution:",
        "      - 2 + 3.",
    ]
    return "\n".join(lines) + "\n"


@pytest.fixture
def lessons_dir(tmp_path: Path) -> Path:
    return lessons_folder(tmp_path, pr=LEARN_LESSON, mix=mixed_lesson())


def question_id(message: dict[str, Any]) -> str:
    return str(message["embeds"][0]["footer"]["text"].rsplit(" · ", 1)[-1])


async def start_practice(
    emulator: DiscordForTests, lesson: str, mode: str = "learn", by: str = "alice"
) -> dict[str, Any]:
    reply = await emulator.wait_reply(await emulator.slash("practice", by=by, lesson=lesson, mode=mode))
    assert reply["flags"] & EPHEMERAL, "practice is private"
    return reply


async def act(emulator: DiscordForTests, message: dict[str, Any], ix: Any) -> dict[str, Any]:
    """Wait for the bot to answer a click; return the practice message as it is now."""
    response = await emulator.wait_response(ix)
    assert response["type"] == 7, f"expected the practice message to be edited, got {response}"
    return emulator.message(int(message["id"]))


async def click(
    emulator: DiscordForTests, message: dict[str, Any], part: str, by: str = "alice"
) -> dict[str, Any]:
    return await act(emulator, message, await emulator.click(message, button(message, part), by=by))


async def fill_blanks(
    emulator: DiscordForTests, message: dict[str, Any], letters: str, by: str = "alice"
) -> dict[str, Any]:
    for blank, letter in enumerate(letters):
        menu = menus(message)[blank]
        message = await act(
            emulator, message, await emulator.select(message, menu["custom_id"], [letter], by=by)
        )
    return await click(emulator, message, "practice:submit:", by=by)


async def answer(
    emulator: DiscordForTests, message: dict[str, Any], right: bool, by: str = "alice"
) -> dict[str, Any]:
    """Answer the question on screen (every right answer in these lessons is A, or A then B for blanks)."""
    if menus(message):
        blanks = len(menus(message))
        letters = "AB"[:blanks] if right else "C" * blanks if blanks > 1 else "B"
        return await fill_blanks(emulator, message, letters, by=by)
    return await click(emulator, message, ":A" if right else ":B", by=by)


# ----- pure run state ------------------------------------------------------------------------


def test_the_longest_run_state_fits_discords_custom_id_limit() -> None:
    questions = "\n".join(
        f"""  - id: long.q{n:02}
    kind: fill_blanks
    shuffle: false
    prompt: Fill in.
    code: 'x = [1] + [2] + [3] + [4]'
    options: [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, s, t, u, v, w, x, y]
    answer: [Y, Y, Y, Y]
    difficulty: hard
    hint: All y.
    solution: [All y.]"""
        for n in range(70)
    )
    lesson = load_lesson_text(f"id: {'l' * 48}\ntitle: Long\ntopic: t\nsource: s\nquestions:\n{questions}\n")
    run = _run.Run(_run.lesson_key(lesson), "learn", 36**8 - 1, "0" * (_run.MAX_LEARN_QUESTIONS - 1))
    assert len(_run.plan(lesson, run)) == _run.MAX_LEARN_QUESTIONS, "a learn run covers the first 50"
    signer = _run.Signer(b"any secret")
    views = [
        question_view(lesson.questions[0], signer.state(run), "YYY-"),
        next_view(signer.state(run.with_mark("1")), last=True),
    ]
    ids = [item.custom_id for view in views for item in view.children]  # type: ignore[attr-defined]
    assert max(len(cid) for cid in ids) <= 100


def test_a_test_draws_ten_mixed_questions_in_an_order_fixed_by_its_seed() -> None:
    lesson = load_lesson_text(mixed_lesson())
    one = _run.start(lesson, "test", datetime(2025, 1, 1, tzinfo=UTC))
    other = _run.start(lesson, "test", datetime(2025, 1, 2, tzinfo=UTC))
    picked = _run.plan(lesson, one)
    assert len(picked) == 10 and len({q.id for q in picked}) == 10
    assert all(sum(q.difficulty == d for q in picked) >= 3 for d in ("easy", "medium", "hard"))
    assert [q.id for q in _run.plan(lesson, one)] == [q.id for q in picked], "same seed, same test"
    assert [q.id for q in _run.plan(lesson, other)] != [q.id for q in picked]


# ----- end to end ----------------------------------------------------------------------------


async def test_learn_mode_shows_progress_then_hint_mistake_and_solution_and_next_advances(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    first = await start_practice(emulator, "pr")
    assert title(first) == "Practice · Practice lesson"
    assert fields(first)["Question"].endswith(" 1/3")
    assert question_id(first) == "pr.mc"
    labels = [c["label"] for c in components(first)]
    assert labels == [
        "A. optimizer.apply_gradients",
        "B. model.compile",
        "C. tf.Variable",
        "D. model.summary",
    ]

    feedback = await click(emulator, first, ":B")
    assert title(feedback) == "❌ Not quite"
    shown = fields(feedback)
    assert shown["Your answer"] == "B. model.compile"
    assert shown["Common mistake"] == "compile only configures training."
    assert shown["Hint"] == "It takes (gradient, variable) pairs."
    assert shown["Answer"] == "A. optimizer.apply_gradients"
    assert "apply_gradients changes each variable" in shown["Solution"]
    assert [c["label"] for c in components(feedback)] == ["Next question"]

    second = await click(emulator, feedback, "practice:next:")
    assert second["id"] == first["id"], "one message, edited as the member goes"
    assert fields(second)["Question"].endswith(" 2/3") and question_id(second) == "pr.easy"
    right = await click(emulator, second, ":A")
    assert title(right) == "✅ Right!"
    assert "Hint" not in fields(right) and "Training lowers the loss." in fields(right)["Solution"]
    # Nobody else sees any of it.
    assert not [m for m in emulator.channel_messages("general", visible_to="bob") if m["embeds"]]


async def test_the_progress_bar_has_one_cell_per_question(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    message = await start_practice(emulator, "pr")
    assert fields(message)["Question"] == "`█░░` 1/3", "three questions, three cells (not ten)"
    message = await click(emulator, await click(emulator, message, ":A"), "practice:next:")
    assert fields(message)["Question"] == "`██░` 2/3"


async def test_fill_blanks_questions_work_in_practice(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    message = await start_practice(emulator, "pr")
    message = await click(emulator, await click(emulator, message, ":A"), "practice:next:")
    message = await click(emulator, await click(emulator, message, ":A"), "practice:next:")
    assert question_id(message) == "pr.blanks" and fields(message)["Question"].endswith(" 3/3")
    assert "x⟨1⟩2 for x in range(6) if x ⟨2⟩ 2" in message["embeds"][0]["description"], "blanks are slots"
    assert [m["placeholder"] for m in menus(message)] == ["Blank ⟨1⟩", "Blank ⟨2⟩"]
    assert [o["label"] for o in menus(message)[0]["options"]] == ["**", "%", "//", "+"]
    submit = next(c for c in components(message) if c["type"] == 2)
    assert submit["disabled"] is True, "Submit waits until every blank is picked"

    wrong = await fill_blanks(emulator, message, "AC")
    assert title(wrong) == "❌ Not quite"
    assert fields(wrong)["Your answer"] == "A. **, C. //"
    assert fields(wrong)["Common mistake"] == "// is floor division, not a remainder."
    assert fields(wrong)["Answer"] == "A. **, B. %"
    assert [c["label"] for c in components(wrong)] == ["See your summary"]

    summary = await click(emulator, wrong, "practice:next:")
    assert title(summary) == "Practice finished · Practice lesson"
    assert "**2/3**" in summary["embeds"][0]["description"]
    assert fields(summary)["By difficulty"].splitlines()[2].startswith("hard 0/1")
    assert "**pr.blanks**" in fields(summary)["To review (1 question)"]


async def test_test_mode_hides_feedback_until_the_end_then_scores_by_difficulty(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    bot = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    message = await start_practice(emulator, "mix", mode="test")
    asked: list[str] = []
    expected: dict[str, list[int]] = {"easy": [0, 0], "medium": [0, 0], "hard": [0, 0]}
    missed: list[str] = []
    for number in range(1, 11):
        assert title(message) == "Test · Mixed lesson"
        assert fields(message)["Question"].endswith(f" {number}/10")
        assert set(fields(message)) == {"Question", "Difficulty"}, "no hints or solutions in a test"
        qid = question_id(message)
        difficulty = fields(message)["Difficulty"]
        # Right on easy, wrong on hard, and on medium right only for the odd-numbered ones.
        right = difficulty == "easy" or (difficulty == "medium" and qid[-1] in "13")
        expected[difficulty][0] += right
        expected[difficulty][1] += 1
        if not right:
            missed.append(qid)
        asked.append(qid)
        message = await answer(emulator, message, right)
        if number < 10:
            assert not title(message).startswith(("✅", "❌")), "no feedback until the end"

    assert len(set(asked)) == 10
    assert all(total >= 3 for _, total in expected.values()), "the test mixes difficulties"
    assert title(message) == "Test finished · Mixed lesson"
    lines = fields(message)["By difficulty"].splitlines()
    assert [line.split(" `")[0] for line in lines] == [f"{d} {r}/{t}" for d, (r, t) in expected.items()]
    total_right = sum(r for r, _ in expected.values())
    assert f"**{total_right}/10**" in message["embeds"][0]["description"]
    review = fields(message)[f"To review ({len(missed)} questions)"]
    assert [line.split("**")[1] for line in review.splitlines()] == missed
    assert all(line.endswith("→ **A. Right**") or "mix.blanks" in line for line in review.splitlines())

    (run,) = await practice_runs.practice_runs_for(bot.database, emulator.world.members["alice"].id)
    assert run.mode == "test" and run.total == 10 and run.right_answers == total_right
    assert run.score_by_difficulty == {d: {"right": r, "total": t} for d, (r, t) in expected.items()}

    # The summary's menu shows a missed question's solution privately.
    menu = menus(message)[0]
    assert [o["value"] for o in menu["options"]] == missed
    shown = await emulator.wait_reply(await emulator.select(message, menu["custom_id"], [missed[0]]))
    assert shown["flags"] & EPHEMERAL and fields(shown)["Solution"]


async def test_a_run_continues_after_a_restart_and_is_recorded_once(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path, tmp_path: Path
) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    first = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir), database_url=database_url)
    message = await click(emulator, await start_practice(emulator, "pr"), ":A")
    await first.close()
    await emulator.wait_for(
        lambda: not any(c.ready and not c.ws.closed for c in emulator._sockets), what="the first bot to leave"
    )
    second = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir), database_url=database_url)
    message = await click(emulator, message, "practice:next:")
    assert question_id(message) == "pr.easy" and fields(message)["Question"].endswith(" 2/3")
    message = await click(emulator, await click(emulator, message, ":B"), "practice:next:")
    message = await fill_blanks(emulator, message, "AB")
    last = button(message, "practice:next:")
    # A double click on the last button must not store the run twice.
    clicks = await asyncio.gather(*(emulator.click(message, last) for _ in range(3)))
    for ix in clicks:
        await emulator.wait_response(ix)
    assert title(emulator.message(int(message["id"]))) == "Practice finished · Practice lesson"
    (run,) = await practice_runs.practice_runs_for(second.database, emulator.world.members["alice"].id)
    assert run.mode == "practice" and run.lesson_id == "pr"
    assert [(a["question_id"], a["right"]) for a in run.answers] == [
        ("pr.mc", True),
        ("pr.easy", False),
        ("pr.blanks", True),
    ]
    assert run.answers[0]["chosen"] == ["A"] and run.answers[1]["chosen"] == ["B"]


async def test_practice_never_changes_the_leaderboard(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    bot = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    guild, alice = emulator.world.guild_id, emulator.world.members["alice"].id
    ix = await emulator.slash("quiz post", by="mod", lesson="pr", question="pr.mc", channel="quiz")
    assert "Posted" in (await emulator.wait_reply(ix))["content"]
    (post,) = [m for m in emulator.channel_messages("quiz") if m["components"]]
    await emulator.wait_reply(await emulator.click(post, button(post, ":A"), by="alice"))
    before = (
        await member_scores(bot.database, guild),
        await daily_scores(bot.database, guild, alice),
    )
    assert before[0][0].points == 6  # medium, first try: 2 points in thirds

    message = await start_practice(emulator, "pr")
    for _ in range(2):
        message = await click(emulator, await click(emulator, message, ":A"), "practice:next:")
    message = await click(emulator, await fill_blanks(emulator, message, "AB"), "practice:next:")
    assert "**3/3**" in message["embeds"][0]["description"]
    message = await start_practice(emulator, "mix", mode="test")
    for _ in range(10):
        message = await answer(emulator, message, right=True)
    assert "**10/10**" in message["embeds"][0]["description"]

    after = (
        await member_scores(bot.database, guild),
        await daily_scores(bot.database, guild, alice),
    )
    assert after == before
    assert await member_score(bot.database, guild, emulator.world.members["bob"].id) is None
    runs = await practice_runs.practice_runs_for(bot.database, alice)
    assert sorted(r.mode for r in runs) == ["practice", "test"]


async def test_forged_practice_buttons_are_refused_politely_and_record_nothing(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    bot = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    lesson = bot.library.lesson("pr")
    assert lesson is not None
    key = _run.lesson_key(lesson)
    signed = bot.feature(Practice).signer.state  # runs this bot made, as an older version might have

    def run(history: str, lesson_key: str = key) -> str:
        return signed(_run.Run(lesson_key, "learn", 1, history))

    forged = {
        f"practice:next:{run('', 'zzzzzz')}": "lesson was changed or removed",
        f"practice:next:{run('D')}": "",  # a well-formed run on a public message: answered privately
        f"practice:next:{run('AX')}": "doesn't belong",  # pr.easy has options A and B only
        f"practice:next:{run('AAAA')}": "doesn't belong",  # more answers than questions
        f"practice:answer:{run('')}:X": "doesn't belong",  # pr.mc has options A-D
        f"practice:submit:{run('A')}:AB": "doesn't belong",  # the second question is not blanks
        "practice:answer:not-a-run": "don't recognise that button",
        f"practice:next:{run('A')[:-6]}zzzzzz": "don't recognise that button",  # a wrong signature
        f"practice:next:{key}:l:1:AB": "don't recognise that button",  # no signature at all
    }
    for custom_id, polite in forged.items():
        # Buttons an older version (or a forger) could leave in a public channel.
        old = await plant_message(emulator, "general", [custom_id])
        reply = await emulator.wait_reply(await emulator.click(old, custom_id, by="bob"))
        if polite:
            assert polite in reply["content"], custom_id
        else:
            assert fields(reply)["Question"].endswith(" 2/3")
        assert reply["flags"] & EPHEMERAL
        assert emulator.message(int(old["id"])) == old, "the public message is untouched"
    assert await practice_runs.practice_runs_for(bot.database, emulator.world.members["bob"].id) == []


async def test_lessons_autocomplete_and_an_unknown_lesson_is_refused(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    choices = await emulator.autocomplete("practice", "lesson", lesson="mix")
    assert [c["value"] for c in choices] == ["mix"]
    reply = await emulator.wait_reply(await emulator.slash("practice", lesson="nope"))
    assert reply["flags"] & EPHEMERAL and "There is no lesson `nope`" in reply["content"]


async def test_questions_with_a_demo_offer_run_the_code_once_answered_in_learn_mode_but_not_in_a_test(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    # The real trainer cog offers "Run the code" for every question with a demo.
    await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    message = await click(emulator, await start_practice(emulator, "pr"), ":A")
    assert "Run the code" not in [c.get("label") for c in components(message)], "pr.mc has no demo"
    message = await click(emulator, message, "practice:next:")
    assert question_id(message) == "pr.easy"
    assert [c["label"] for c in components(message)] == ["A. To reduce the loss", "B. To grow the model"], (
        "not before an answer: the demo is the solved code (a quiz post refuses it until answered too)"
    )
    feedback = await click(emulator, message, ":A")
    assert [c["label"] for c in components(feedback)] == ["Next question", "Run the code"]

    # In a test the demo (the solved code) would give the answer away.
    test = await start_practice(emulator, "pr", mode="test")
    labels = []
    for _ in range(3):
        labels += [c.get("label") for c in components(test)]
        test = await answer(emulator, test, right=True)
    assert "Run the code" not in labels and title(test) == "Test finished · Practice lesson"


async def test_every_bundled_lesson_can_be_practised_to_the_end_with_wrong_answers(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    """The longest feedback (your answer, mistake, hint, answer, solution) of every bundled question
    must make a message Discord accepts: the emulator checks every body against the spec."""
    bot = await start_bot(QUIZBOT_CONTENT_DIR=str(DEFAULT_LESSONS_DIR))
    assert bot.library.lessons
    for lesson in bot.library.lessons.values():
        message = await start_practice(emulator, lesson.id)
        for _ in lesson.questions:
            question = bot.library.question(question_id(message))
            assert question is not None
            letters = shown_letters(message)
            if menus(message):
                wrong = "".join(
                    next(x for t, x in letters.items() if t != right) for right in question.answer_texts
                )
                message = await fill_blanks(emulator, message, wrong)
            else:
                wrong = next(x for t, x in letters.items() if t not in question.answer_texts)
                message = await click(emulator, message, f":{wrong}")
            assert title(message) == "❌ Not quite"
            message = await click(emulator, message, "practice:next:")
        assert f"**0/{len(lesson.questions)}**" in message["embeds"][0]["description"]


async def test_a_run_whose_lesson_changed_is_refused_politely_and_start_again_begins_afresh(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    bot = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    message = await start_practice(emulator, "mix", mode="test")
    for _ in range(10):
        message = await answer(emulator, message, right=False)
    assert "**0/10**" in message["embeds"][0]["description"]
    again = await click(emulator, message, "practice:again:")
    assert title(again) == "Test · Mixed lesson" and fields(again)["Question"].endswith(" 1/10")

    (lessons_dir / "mix.yaml").write_text(mixed_lesson().replace("mix.easy1", "mix.renamed"))
    await bot.refresh_lessons()
    # The new run's order is shuffled: its first question may be a blanks form.
    if menus(again):
        first = await emulator.select(again, menus(again)[0]["custom_id"], ["A"])
    else:
        first = await emulator.click(again, button(again, ":A"))
    reply = await emulator.wait_reply(first)
    assert reply["flags"] & EPHEMERAL and "lesson was changed or removed" in reply["content"]
    assert emulator.message(int(again["id"]))["embeds"] == again["embeds"], "the old run is left as it was"


async def test_practice_keeps_the_answer_of_a_question_open_in_a_quiz_until_the_member_answered_it(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    posted = await emulator.wait_reply(
        await emulator.slash("quiz post", by="mod", lesson="pr", question="pr.mc", channel="quiz")
    )
    assert "Posted" in posted["content"]
    first = await start_practice(emulator, "pr")
    assert question_id(first) == "pr.mc"
    ix = await emulator.click(first, button(first, ":A"), by="alice")
    refused = await emulator.wait_reply(ix)
    assert refused["flags"] & EPHEMERAL and "open in a quiz right now" in refused["content"]
    assert "apply_gradients changes" not in str(emulator.message(int(first["id"]))), "no solution shown"

    (post,) = [m for m in emulator.channel_messages("quiz") if m["components"]]
    await emulator.wait_reply(await emulator.click(post, button(post, ":B"), by="alice"))
    await emulator.wait_reply(await emulator.click(post, button(post, ":C"), by="alice"))
    await emulator.wait_reply(await emulator.click(post, button(post, ":A"), by="alice"))
    feedback = await click(emulator, first, ":A")
    assert title(feedback) == "✅ Right!", "once the member finished the post, practice goes on"
    assert "apply_gradients changes each variable" in fields(feedback)["Solution"]


async def test_a_forged_finished_test_is_not_recognised_and_nothing_is_recorded(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    bot = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    message = await start_practice(emulator, "pr", mode="test")
    # practice:{answer|pick|submit}:{key}:t:{started}:{history}:{sig}:...: claim two right answers
    parts = next(cid for cid in custom_ids(message) if cid.startswith("practice:")).split(":")
    parts[5] = "AA"
    forged = ":".join(parts)
    old = await plant_message(emulator, "general", [forged])
    reply = await emulator.wait_reply(await emulator.click(old, forged, by="alice"))
    assert reply["flags"] & EPHEMERAL and "don't recognise that button" in reply["content"]
    alice = emulator.world.members["alice"].id
    assert await practice_runs.practice_runs_for(bot.database, alice) == [], "no forged test stored"
