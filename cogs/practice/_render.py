"""Embeds for a practice run: the question with its progress, learn-mode feedback, the summary."""

from __future__ import annotations

from collections.abc import Collection

import discord

from bot import grading
from bot.embeds import (
    COLOURS,
    RIGHT,
    WRONG,
    add_answer,
    add_hint,
    add_mistake,
    add_solution,
    answer_text,
    difficulty_name,
)
from bot.i18n import N_, _, current_locale, ngettext, percent
from bot.rendering import bar, clip, fit, fit_lines, shorten
from cogs.practice._run import Mode, Summary
from content import Lesson, Question, card_description
from content.discord_limits import EMBED_DESCRIPTION_CHARS, EMBED_FIELD_CHARS, EMBED_TITLE_CHARS
from content.scoping import authored

# A longer run's bar is scaled to this many cells (a cell then stands for more than one question).
PROGRESS_CELLS = 20
QUESTION_TITLES: dict[Mode, str] = {
    # TRANSLATORS: {lesson} is a lesson's title.
    "learn": N_("Practice · {lesson}"),
    # TRANSLATORS: {lesson} is a lesson's title.
    "test": N_("Test · {lesson}"),
}
FINISHED_TITLES: dict[Mode, str] = {
    # TRANSLATORS: {lesson} is a lesson's title.
    "learn": N_("Practice finished · {lesson}"),
    # TRANSLATORS: {lesson} is a lesson's title.
    "test": N_("Test finished · {lesson}"),
}
NOT_RANKED = N_("Recorded for you only: practice never changes scores or leaderboards.")
ANSWER_HIDDEN = N_("*(answer hidden while it is open in a quiz)*")
ONE_TRY = N_("One try per question in practice: the solution follows right away.")


def progress(done: int, total: int) -> str:
    """`██░ 2/3`: how far through the run the member is, one cell per question (at most PROGRESS_CELLS)."""
    cells = max(1, min(total, PROGRESS_CELLS))
    return f"`{bar(done / total if total else 1.0, cells)}` {done}/{total}"


def question_embed(lesson: Lesson, mode: Mode, question: Question, index: int, total: int) -> discord.Embed:
    """Question `index` (0-based) of `total`, with a progress bar (`question` as shown: translated)."""
    embed = discord.Embed(
        title=shorten(_(QUESTION_TITLES[mode]).format(lesson=lesson.title), EMBED_TITLE_CHARS),
        description=clip(card_description(question), EMBED_DESCRIPTION_CHARS),
        colour=COLOURS[question.difficulty],
    )
    embed.add_field(name=_("Question"), value=progress(index + 1, total))
    embed.add_field(name=_("Difficulty"), value=difficulty_name(question.difficulty))
    if mode == "test":
        # TRANSLATORS: the footer of a practice question; {question} is the question's id.
        footer = _("Only you can see this; no hints or solutions until the end · {question}")
    elif question.kind == "fill_blanks":
        # TRANSLATORS: the footer of a practice question; {question} is the question's id.
        footer = _(
            "Only you can see this; pick an option for each blank, then Submit; one try, then the solution"
            " · {question}"
        )
    else:
        # TRANSLATORS: the footer of a practice question; {question} is the question's id.
        footer = _("Only you can see this; one try, then the solution · {question}")
    embed.set_footer(text=footer.format(question=authored(question.id)))
    return embed


def chosen_text(question: Question, chosen: tuple[str, ...]) -> str:
    return ", ".join(f"{letter}. {question.option_text(letter)}" for letter in chosen)


def feedback_embed(
    lesson: Lesson, question: Question, chosen: tuple[str, ...], right: bool, index: int, total: int
) -> discord.Embed:
    """Learn mode, after an answer: right or wrong, the hint and the mistake if wrong, then the solution."""
    title = (
        # TRANSLATORS: the title after a right answer; {emoji} is a check mark.
        _("{emoji} Right!").format(emoji=RIGHT)
        if right
        # TRANSLATORS: the title after a wrong answer; {emoji} is a cross.
        else _("{emoji} Not quite").format(emoji=WRONG)
    )
    embed = discord.Embed(
        title=title,
        description=clip(card_description(question), EMBED_DESCRIPTION_CHARS),
        colour=discord.Colour.green() if right else discord.Colour.orange(),
    )
    if not right:
        embed.add_field(
            name=_("Your answer"),
            value=shorten(chosen_text(question, chosen), EMBED_FIELD_CHARS),
            inline=False,
        )
        add_hint(add_mistake(embed, grading.mistake_text(question, chosen)), question)
    add_answer(embed, question)
    add_solution(embed, question)
    embed.add_field(name=_("Question"), value=progress(index + 1, total))
    embed.set_footer(text=f"{_(ONE_TRY)} · {lesson.title} · {authored(question.id)}")
    return fit(embed)


def _review_lines(missed: list[Question], hidden: Collection[str]) -> str:
    """One line per missed question with its right answer (not for one open in a quiz the member
    has not finished), cut at whole lines to fit a field; each question in the member's language."""
    shown = [q.in_language(current_locale()) for q in missed]
    lines = [
        f"• **{q.id}**: {shorten(q.prompt, 90)} → "
        + (_(ANSWER_HIDDEN) if q.id in hidden else f"**{shorten(answer_text(q), 120)}**")
        for q in shown
    ]
    return fit_lines(lines, EMBED_FIELD_CHARS)


def summary_embed(
    lesson: Lesson, mode: Mode, summary: Summary, hidden: Collection[str] = ()
) -> discord.Embed:
    """The end of a run: the total, the score by difficulty, the questions to review with their answers."""
    share = summary.right / summary.total if summary.total else 0.0
    embed = discord.Embed(
        title=shorten(_(FINISHED_TITLES[mode]).format(lesson=lesson.title), EMBED_TITLE_CHARS),
        # TRANSLATORS: {right} of {total} answers were right; {share} is that as a percentage ("67%").
        description=_("You got **{right}/{total}** right ({share})").format(
            right=summary.right, total=summary.total, share=percent(share)
        )
        + f"\n`{bar(share)}`",
        colour=discord.Colour.blurple(),
    )
    embed.add_field(
        name=_("By difficulty"),
        value="\n".join(
            f"{difficulty_name(difficulty)} {right}/{asked} `{bar(right / asked, 5)}`"
            for difficulty, right, asked in summary.by_difficulty()
        )
        or "-",
        inline=False,
    )
    missed = summary.missed
    embed.add_field(
        name=ngettext("To review ({count} question)", "To review ({count} questions)", len(missed)).format(
            count=len(missed)
        )
        if missed
        else _("To review"),
        value=_review_lines(missed, hidden) if missed else _("Nothing: every answer was right. 🎉"),
        inline=False,
    )
    embed.set_footer(text=_(NOT_RANKED))
    return embed


def review_embed(lesson: Lesson, question: Question) -> discord.Embed:
    """A missed question after the run: the card, the answer, the hint, mistakes and the solution."""
    embed = discord.Embed(
        # TRANSLATORS: {lesson} is a lesson's title.
        title=shorten(_("Review · {lesson}").format(lesson=lesson.title), EMBED_TITLE_CHARS),
        description=clip(card_description(question), EMBED_DESCRIPTION_CHARS),
        colour=COLOURS[question.difficulty],
    )
    add_answer(embed, question)
    add_hint(embed, question)
    if question.mistakes:
        mistakes = "\n".join(f"• {f'({m.option}) ' if m.option else ''}{m.text}" for m in question.mistakes)
        embed.add_field(name=_("Common mistakes"), value=clip(mistakes, EMBED_FIELD_CHARS), inline=False)
    add_solution(embed, question)
    embed.set_footer(text=authored(question.id))
    return fit(embed)
