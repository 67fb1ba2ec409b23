"""What members read stays within Discord's limits, cut where a reader expects: whole lines, latest epochs."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import discord
import pytest

from bot.posts import _render as posts
from bot.rendering import duration, fit_lines, more_lessons
from bot.trainer import RunResult
from bot.trainer._result import cut_text
from bot.trainer._worker import LESSON_FILENAME, format_error
from cogs._checks import NOT_A_MODERATOR
from cogs.demo import _render as demo
from cogs.demo._cog import RunButton
from cogs.practice import _render as practice
from cogs.practice._run import Summary
from cogs.review import _render as review
from cogs.review._items import SHOWN_PATTERN, question_view
from cogs.schedule import _render as schedule
from cogs.stats import _render as stats
from content import MAX_BLANKS, Lesson, Question, card_description
from content.discord_limits import (
    EMBED_DESCRIPTION_CHARS,
    EMBED_FIELD_CHARS,
    EMBED_TITLE_CHARS,
    EMBED_TOTAL_CHARS,
)
from content.scoping import guild_of
from storage import Post, PostTally, RankedMember
from storage.leaderboards import LessonProgress, MemberStats
from storage.models import ReviewCard, Schedule, ScheduleRun

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def lesson(questions: list[dict[str, Any]], *, title: str = "Lesson", lesson_id: str = "lim") -> Lesson:
    """A lesson through the same validation as a moderator's pack, so every limit it allows is real."""
    return Lesson.model_validate(
        {"id": lesson_id, "title": title, "topic": "t", "source": "s", "questions": questions},
        strict=False,
    )


def choice(qid: str = "lim.q", **extra: Any) -> dict[str, Any]:
    return {
        "id": qid,
        "kind": "multiple_choice",
        "prompt": "Which one?",
        "options": ["this", "that"],
        "answer": "A",
        "difficulty": "easy",
        "hint": "Look again.",
        "solution": ["It is this one."],
        **extra,
    }


def maximal_fill_blanks() -> Question:
    """Four 80-character answers, a 4096-character card and all the feedback the validator still allows."""
    options = [f"name_{i:02d}_" + "x" * 72 for i in range(5)]
    code = "a = [1]\nb = [2]\nc = [3]\nd = [4]"
    hint = "Look again."
    mistake, step = "m" * 1000, "s" * 631
    question = {
        "id": "lim.max",
        "kind": "fill_blanks",
        "prompt": "p",
        "code": code,
        "options": options,
        "answer": ["A", "B", "C", "D"],
        "difficulty": "hard",
        "hint": hint,
        "mistakes": [{"text": mistake, "option": "E"}],
        "solution": [step],
    }
    base = len(card_description(lesson([question]).questions[0]))
    question["prompt"] = "p" * (1 + EMBED_DESCRIPTION_CHARS - base)
    (built,) = lesson([question]).questions
    assert len(card_description(built)) == EMBED_DESCRIPTION_CHARS
    return built


# Titles: a lesson title may be 256 characters; the prefixes must not push the title past it.


def long_titled() -> tuple[Lesson, Question]:
    long = lesson([choice()], title="T" * EMBED_TITLE_CHARS)
    return long, long.questions[0]


def test_every_title_built_from_a_lesson_title_fits_discord() -> None:
    long, question = long_titled()
    post = Post(guild_id=1, channel_id=2, question_id=question.id, lesson_id=long.id, posted_at=NOW)
    tally = PostTally(choice_counts={}, first_try_counts={}, tries=0, answered=0, right=0, first_try_right=0)
    card = ReviewCard(member_id=1, question_id=question.id, due=NOW, created_at=NOW, updated_at=NOW)
    embeds = {
        "quiz question": posts.question_embed(question, long, post, None),
        "quiz reveal": posts.reveal_embed(question, long, tally, []),
        "practice question": practice.question_embed(long, "learn", question, 0, 1),
        "practice summary": practice.summary_embed(long, "test", Summary(())),
        "practice review": practice.review_embed(long, question),
        "review question": review.question_embed(question, long, card, 1, False),
    }
    for name, embed in embeds.items():
        assert embed.title is not None
        assert len(embed.title) <= EMBED_TITLE_CHARS, name
        assert embed.title.endswith("T…"), f"{name}: the title is shortened visibly"


# /review's wrong-answer result for the largest question a lesson may hold.


def test_a_wrong_review_of_a_maximal_question_fits_one_embed_and_keeps_the_feedback() -> None:
    question = maximal_fill_blanks()
    card = ReviewCard(
        member_id=1, question_id=question.id, due=NOW + timedelta(days=1), created_at=NOW, updated_at=NOW
    )
    embed = review.result_embed(question, ("E", "B", "C", "D"), False, False, card)
    assert len(embed) <= EMBED_TOTAL_CHARS
    shown = {field.name: field.value for field in embed.fields}
    assert shown["Common mistake"] == question.mistakes[0].text
    assert all(text in str(shown["Answer"]) for text in question.answer_texts), "every answer is named"
    assert question.solution[0] in str(shown["Solution"])
    assert embed.description is not None and embed.description.endswith("…"), "the card is what gets cut"


# Whole lines with a count of the rest (/help, and every other list of lines).


@pytest.mark.parametrize(
    ("lines", "kept"),
    [
        (["a" * 300] * 3 + ["b" * 200], 3),  # only the last line overflows
        (["a" * 300] * 3 + ["b" * 122], 3),  # the last line would end 1 character over
        (["a" * 300] * 3 + ["b" * 121], 4),  # exactly the limit: everything fits, no tail
        (["a" * 100] * 30, 10),
    ],
)
def test_fit_lines_keeps_whole_lines_and_counts_the_rest(lines: list[str], kept: int) -> None:
    text = fit_lines(lines, EMBED_FIELD_CHARS)
    assert len(text) <= EMBED_FIELD_CHARS
    out = text.split("\n")
    if kept == len(lines):
        assert out == lines
    else:
        assert out[:-1] == lines[:kept]
        assert out[-1] == f"… and {len(lines) - kept} more"


def test_fit_lines_names_what_it_left_out_in_the_right_number() -> None:
    assert fit_lines(["x"] * 3, 100, more=more_lessons, max_lines=2) == "x\nx\n… and 1 more lesson"
    assert fit_lines(["x"] * 4, 100, more=more_lessons, max_lines=2) == "x\nx\n… and 2 more lessons"


# /demo's result: long printed output, long training.


def demo_question() -> Question:
    (question,) = lesson(
        [
            choice(
                "lim.demo",
                options=["It prints 1", "It prints 2"],
                output_check={"pattern": r"1", "supports": "A"},
                demo="print(1)",
            )
        ]
    ).questions
    return question


def run_result(stdout: str) -> RunResult:
    return RunResult(output=stdout, error=None, seed=1, wall_ms=10.0, losses=[], status="ok", stdout=stdout)


def test_what_it_means_stays_within_a_field_when_the_code_prints_a_lot() -> None:
    printed = "\n".join(f"tensor row {i}: " + "0.1234 " * 10 for i in range(40))
    embed = demo.result_embed(demo_question(), replace(run_result(printed), output_matches=False))
    (meaning,) = [f.value for f in embed.fields if f.name == "What it means"]
    assert meaning is not None and len(meaning) <= EMBED_FIELD_CHARS
    assert meaning.startswith("The code printed `tensor row 0:") and "please tell a moderator" in meaning


def test_what_it_means_says_so_when_the_output_check_could_not_be_decided() -> None:
    undecided = run_result("a" * 29)  # the worker leaves output_matches None when the pattern took too long
    embed = demo.result_embed(demo_question(), undecided)
    (meaning,) = [f.value for f in embed.fields if f.name == "What it means"]
    assert meaning == (
        f"The code printed `{'a' * 29}`; checking it against the answer **It prints 1** took too long: "
        "please tell a moderator."
    )
    confirmed = demo.result_embed(demo_question(), replace(run_result("1\n"), output_matches=True))
    assert [f.value for f in confirmed.fields if f.name == "What it means"] == [
        "The code printed `1`: that is the answer **It prints 1**."
    ]


def test_the_result_of_a_long_training_shows_its_last_epochs() -> None:
    progress = [f"epoch {n}: loss {1 / n:.4f}, accuracy {n / 50:.4f}" for n in range(1, 51)]
    embed = demo.result_embed(demo_question(), run_result("1\n"), progress=progress)
    assert embed.description == "```\n1\n```", "under 'printed', only what the code printed"
    (epochs,) = [f.value for f in embed.fields if f.name == demo.PROGRESS_HEADING]
    assert epochs is not None and len(epochs) <= EMBED_FIELD_CHARS
    assert "epoch 50: loss" in epochs, "the final epoch, where the loss ended up"
    assert "epoch 1: loss" not in epochs
    live = demo.progress_embed(demo_question(), progress, seed=1)
    assert epochs == live.description, "the same epochs as the last live update"


# /schedule list with the most schedules a server may have.


def test_schedule_list_shows_whole_schedules_and_counts_the_rest() -> None:
    title = "Training loops, callbacks and the checkpoints that bring a model back after a crash"
    topic = lesson([choice()], title=title)
    rows: list[tuple[Schedule, Lesson | None, datetime | None, ScheduleRun | None]] = []
    for n in range(1, 26):
        plan = Schedule(
            id=n,
            guild_id=1,
            channel_id=900_000_000_000_000_000 + n,
            created_by=1,
            lesson_id=topic.id,
            difficulty="medium",
            count=3,
            close_after_minutes=120,
            hour=9,
            minute=30,
            timezone="America/Argentina/Buenos_Aires",
            paused=n % 3 == 0,
            paused_reason="I can no longer post in that channel: check my permissions there."
            if n % 3 == 0
            else None,
            created_at=NOW,
        )
        last = ScheduleRun(
            schedule_id=n,
            run_date=date(2025, 2, 28),
            due_at=NOW,
            claimed_at=NOW,
            status="failed",
            error="Missing Permissions: the bot lacks Send Messages in that channel",
        )
        rows.append((plan, topic, NOW + timedelta(hours=n), last))
    description = schedule.list_embed(rows).description
    assert description is not None and len(description) <= EMBED_DESCRIPTION_CHARS
    *blocks, tail = description.split("\n\n")
    assert 0 < len(blocks) < 25
    assert tail == f"… and {25 - len(blocks)} more schedules"
    for n, block in enumerate(blocks, 1):
        assert block.startswith(f"**#{n}** ·")
        assert block.split("\n")[-1].startswith("last run: 28 Feb 2025: failed (Missing Permissions")


# /stats: mastery per lesson.


def member_stats(lesson_ids: list[str]) -> MemberStats:
    standing = RankedMember(rank=1, member_id=1, points=30, answered=10, right_answers=8, right_first_try=5)
    return MemberStats(standing, [LessonProgress(lid, 3, 2, 1) for lid in lesson_ids])


def mastery(embed: discord.Embed) -> str:
    (value,) = [f.value for f in embed.fields if f.name == "Mastery per lesson"]
    assert value is not None
    return value


def test_stats_cuts_mastery_at_whole_lessons_and_counts_the_rest() -> None:
    lessons = {
        f"l{n:02d}": lesson(
            [choice(f"l{n:02d}.q")], title=f"Lesson {n:02d}: " + "a long title " * 8, lesson_id=f"l{n:02d}"
        )
        for n in range(20)
    }
    value = mastery(stats.member_embed("alice", member_stats(list(lessons)), lessons, own=True))
    assert len(value) <= EMBED_FIELD_CHARS
    *lines, tail = value.split("\n")
    assert all(line.endswith("(1 first try)") for line in lines), "no lesson line is cut"
    assert tail == f"… and {20 - len(lines)} more lessons"


def test_stats_says_one_more_lesson_in_the_singular() -> None:
    ids = [f"l{n:02d}" for n in range(stats.MAX_LESSON_LINES + 1)]
    value = mastery(stats.member_embed("alice", member_stats(ids), {}, own=True))
    assert value.split("\n")[-1] == "… and 1 more lesson"


# The trainer's notes count in the right number.


def test_trainer_notes_say_one_frame_and_one_character_in_the_singular() -> None:
    def library_code() -> None:
        raise ValueError("bad shape")

    try:
        exec(compile("library_code()", LESSON_FILENAME, "exec"), {"library_code": library_code})
    except ValueError as exc:
        assert "(1 more frame inside libraries)" in format_error(exc)
    text, _ = cut_text("x" * 10, 11, 10)
    assert text.endswith("(output cut: 1 more character)")


# The refusal says who can set the moderator role: /config needs Manage Server.


def test_the_moderator_refusal_names_who_can_set_the_role() -> None:
    assert "someone with Manage Server can set it with `/config moderator-role`" in NOT_A_MODERATOR


def test_durations_are_said_one_way_in_whole_units() -> None:
    assert [duration(m) for m in (1, 45, 60, 90, 120, 1440, 1500, 10080)] == [
        "1 minute",
        "45 minutes",
        "1 hour",
        "1 hour 30 minutes",
        "2 hours",
        "1 day",
        "1 day 1 hour",
        "7 days",
    ]


def test_a_long_practice_run_draws_at_most_twenty_cells() -> None:
    assert practice.progress(1, 1) == "`█` 1/1"
    assert practice.progress(25, 50) == f"`{'█' * 10}{'░' * 10}` 25/50"


# custom_ids that carry a question id: a server's longest one still fits, and a click finds its item.


def test_a_servers_longest_question_id_fits_every_button_that_carries_it() -> None:
    long_id = "q" * 48  # content.ID allows 48 characters
    blanks = {
        "id": long_id,
        "kind": "fill_blanks",
        "prompt": "Fill them in.",
        "code": "".join(f"x{n} = [{n}]\n" for n in range(1, MAX_BLANKS + 1)),
        "options": ["1", "2", "3", "4"],
        "answer": ["A", "B", "C", "D"],
        "difficulty": "easy",
        "hint": "Count.",
        "solution": ["One to four."],
        "demo": "print(1)",
    }
    largest_guild = 2**64 - 1  # a snowflake's largest value: the longest server prefix
    (question,) = lesson([blanks], lesson_id="l" * 48).for_server(largest_guild).questions
    assert guild_of(question.id) == largest_guild
    items = [*question_view(question, seen=999_999, hinted=False).children, RunButton(question.id)]
    assert len(items) == MAX_BLANKS + 3, "a menu per blank, Submit, the hint and Run the code"
    for item in items:
        cid = str(getattr(item, "custom_id", ""))
        assert len(cid) <= 100, cid
        template = type(item).__discord_ui_compiled_template__  # type: ignore[attr-defined]
        match = template.fullmatch(cid)
        assert match is not None, f"a click on {cid} would be an old button"
        found = match.groupdict()
        assert found.get("question", question.id) == question.id
        if "state" in found:
            assert re.fullmatch(SHOWN_PATTERN, found["state"]), f"the review card reads {cid}"
