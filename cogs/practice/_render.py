"""Embeds for a practice run: the question with its progress, learn-mode feedback, the summary."""

from __future__ import annotations

from collections.abc import Collection

import discord

from bot import grading
from bot.embeds import COLOURS, RIGHT, WRONG, add_answer, add_hint, add_mistake, add_solution, answer_text
from bot.rendering import bar, clip, fit, fit_lines, plural, shorten
from cogs.practice._run import Mode, Summary
from content import Lesson, Question, card_description
from content.discord_limits import EMBED_DESCRIPTION_CHARS, EMBED_FIELD_CHARS, EMBED_TITLE_CHARS

# A longer run's bar is scaled to this many cells (a cell then stands for more than one question).
PROGRESS_CELLS = 20
MODE_NAMES: dict[Mode, str] = {"learn": "Practice", "test": "Test"}
NOT_RANKED = "Recorded for you only: practice never changes scores or leaderboards."
ANSWER_HIDDEN = "*(answer hidden while it is open in a quiz)*"
ONE_TRY = "One try per question in practice: the solution follows right away."


def progress(done: int, total: int) -> str:
    """`██░ 2/3`: how far through the run the member is, one cell per question (at most PROGRESS_CELLS)."""
    cells = max(1, min(total, PROGRESS_CELLS))
    return f"`{bar(done / total if total else 1.0, cells)}` {done}/{total}"


def question_embed(lesson: Lesson, mode: Mode, question: Question, index: int, total: int) -> discord.Embed:
    """Question `index` (0-based) of `total`, with a progress bar."""
    embed = discord.Embed(
        title=shorten(f"{MODE_NAMES[mode]} · {lesson.title}", EMBED_TITLE_CHARS),
        description=clip(card_description(question), EMBED_DESCRIPTION_CHARS),
        colour=COLOURS[question.difficulty],
    )
    embed.add_field(name="Question", value=progress(index + 1, total))
    embed.add_field(name="Difficulty", value=question.difficulty)
    if mode == "test":
        how = "no hints or solutions until the end"
    elif question.kind == "fill_blanks":
        how = "pick an option for each blank, then Submit; one try, then the solution"
    else:
        how = "one try, then the solution"
    embed.set_footer(text=f"Only you can see this; {how} · {question.id}")
    return embed


def chosen_text(question: Question, chosen: tuple[str, ...]) -> str:
    return ", ".join(f"{letter}. {question.option_text(letter)}" for letter in chosen)


def feedback_embed(
    lesson: Lesson, question: Question, chosen: tuple[str, ...], right: bool, index: int, total: int
) -> discord.Embed:
    """Learn mode, after an answer: right or wrong, the hint and the mistake if wrong, then the solution."""
    embed = discord.Embed(
        title=f"{RIGHT} Right!" if right else f"{WRONG} Not quite",
        description=clip(card_description(question), EMBED_DESCRIPTION_CHARS),
        colour=discord.Colour.green() if right else discord.Colour.orange(),
    )
    if not right:
        embed.add_field(
            name="Your answer", value=shorten(chosen_text(question, chosen), EMBED_FIELD_CHARS), inline=False
        )
        add_hint(add_mistake(embed, grading.mistake_text(question, chosen)), question)
    add_answer(embed, question)
    add_solution(embed, question)
    embed.add_field(name="Question", value=progress(index + 1, total))
    embed.set_footer(text=f"{ONE_TRY} · {lesson.title} · {question.id}")
    return fit(embed)


def _review_lines(missed: list[Question], hidden: Collection[str]) -> str:
    """One line per missed question with its right answer (not for one open in a quiz the member
    has not finished), cut at whole lines to fit a field."""
    lines = [
        f"• **{q.id}**: {shorten(q.prompt, 90)} → "
        + (ANSWER_HIDDEN if q.id in hidden else f"**{shorten(answer_text(q), 120)}**")
        for q in missed
    ]
    return fit_lines(lines, EMBED_FIELD_CHARS)


def summary_embed(
    lesson: Lesson, mode: Mode, summary: Summary, hidden: Collection[str] = ()
) -> discord.Embed:
    """The end of a run: the total, the score by difficulty, the questions to review with their answers."""
    share = summary.right / summary.total if summary.total else 0.0
    embed = discord.Embed(
        title=shorten(f"{MODE_NAMES[mode]} finished · {lesson.title}", EMBED_TITLE_CHARS),
        description=f"You got **{summary.right}/{summary.total}** right ({share:.0%})\n`{bar(share)}`",
        colour=discord.Colour.blurple(),
    )
    embed.add_field(
        name="By difficulty",
        value="\n".join(
            f"{difficulty} {right}/{asked} `{bar(right / asked, 5)}`"
            for difficulty, right, asked in summary.by_difficulty()
        )
        or "-",
        inline=False,
    )
    missed = summary.missed
    embed.add_field(
        name=f"To review ({plural(len(missed), 'question')})" if missed else "To review",
        value=_review_lines(missed, hidden) if missed else "Nothing: every answer was right. 🎉",
        inline=False,
    )
    embed.set_footer(text=NOT_RANKED)
    return embed


def review_embed(lesson: Lesson, question: Question) -> discord.Embed:
    """A missed question after the run: the card, the answer, the hint, mistakes and the solution."""
    embed = discord.Embed(
        title=shorten(f"Review · {lesson.title}", EMBED_TITLE_CHARS),
        description=clip(card_description(question), EMBED_DESCRIPTION_CHARS),
        colour=COLOURS[question.difficulty],
    )
    add_answer(embed, question)
    add_hint(embed, question)
    if question.mistakes:
        mistakes = "\n".join(f"• {f'({m.option}) ' if m.option else ''}{m.text}" for m in question.mistakes)
        embed.add_field(name="Common mistakes", value=clip(mistakes, EMBED_FIELD_CHARS), inline=False)
    add_solution(embed, question)
    embed.set_footer(text=question.id)
    return fit(embed)
