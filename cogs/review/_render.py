"""Embeds for /review: the question being reviewed, the result with the next due time, the empty deck."""

from __future__ import annotations

from datetime import datetime

import discord

from bot import grading
from bot.embeds import COLOURS, RIGHT, WRONG, add_answer, add_hint, add_mistake, add_solution
from bot.i18n import N_, _, ngettext
from bot.rendering import clip, fit, questions, shorten, times
from content import Lesson, Question, card_description
from content.discord_limits import EMBED_DESCRIPTION_CHARS, EMBED_TITLE_CHARS
from content.scoping import authored
from storage.models import ReviewCard
from storage.review import ReviewSummary

HOW = N_("Wrong: it comes back soon. Right: it comes back later, later still each time (spaced review).")


def when(moment: datetime) -> str:
    return discord.utils.format_dt(moment, "R")


def question_embed(
    question: Question, lesson: Lesson | None, card: ReviewCard, due: int, hinted: bool
) -> discord.Embed:
    """One due card (`question` as the member reads it: maybe the lesson's translation)."""
    title = lesson.title if lesson else authored(question.lesson_id)
    missed = max(card.lapses, 1)
    embed = discord.Embed(
        # TRANSLATORS: an embed title; {lesson} is a lesson's title.
        title=shorten(_("🔁 Review · {lesson}").format(lesson=title), EMBED_TITLE_CHARS),
        description=clip(card_description(question), EMBED_DESCRIPTION_CHARS),
        colour=COLOURS.get(question.difficulty, discord.Colour.blurple()),
    )
    due_text = questions(due)
    # TRANSLATORS: a field name: how many review questions are due now ("2 questions").
    embed.add_field(name=_("Due now"), value=due_text)
    # TRANSLATORS: how many times something happened (posted, answered, picked, missed): "3 times".
    missed_text = times(missed)
    # TRANSLATORS: a field name: how many times the member missed this question ("2 times").
    embed.add_field(name=_("Missed before"), value=missed_text)
    if hinted:
        add_hint(embed, question)
    # TRANSLATORS: the footer of a review question; {question} is the question's id.
    footer = _("Only you can see this. Using the hint counts as a hard recall · {question}")
    embed.set_footer(text=footer.format(question=authored(question.id)))
    return embed


def result_embed(
    question: Question, chosen: tuple[str, ...], right: bool, hinted: bool, card: ReviewCard
) -> discord.Embed:
    if right:
        title = (
            # TRANSLATORS: the title after a right answer given after looking at the hint; {emoji} is a check mark.
            _("{emoji} Right, with the hint").format(emoji=RIGHT)
            if hinted
            # TRANSLATORS: the title after a right answer; {emoji} is a check mark.
            else _("{emoji} Right!").format(emoji=RIGHT)
        )
        colour = discord.Colour.green()
    else:
        # TRANSLATORS: the title after a wrong answer; {emoji} is a cross.
        title, colour = _("{emoji} Not quite").format(emoji=WRONG), discord.Colour.orange()
    embed = discord.Embed(
        title=title, description=clip(card_description(question), EMBED_DESCRIPTION_CHARS), colour=colour
    )
    if not right:
        add_mistake(embed, grading.mistake_text(question, chosen))
    add_answer(embed, question)
    add_solution(embed, question)
    # TRANSLATORS: a field name; its value is a Discord timestamp ("in 3 days").
    embed.add_field(name=_("Back for review"), value=when(card.due), inline=False)
    embed.set_footer(text=f"{_(HOW)} · {authored(question.id)}")
    return fit(embed)


def nothing_due_embed(summary: ReviewSummary, held_back: int = 0) -> discord.Embed:
    """No card to show now; `held_back` due cards wait because their question is open in a quiz."""
    if held_back:
        text = ngettext(
            "{count} question due for review is open in a quiz right now: "
            "answer there, or review once it closes.",
            "{count} questions due for review are open in a quiz right now: "
            "answer there, or review once it closes.",
            held_back,
        ).format(count=held_back)
    elif summary.total == 0:
        text = _(
            "You have no missed questions to review. Questions you miss in the server's quizzes "
            "come back here on a spaced schedule."
        )
    else:
        text = ngettext(
            "Nothing is due right now: {count} question in your review deck.",
            "Nothing is due right now: {count} questions in your review deck.",
            summary.total,
        ).format(count=summary.total)
        if summary.next_due:
            # TRANSLATORS: {when} is a Discord timestamp, relative ("in 3 hours").
            text += " " + _("The next one is due {when}.").format(when=when(summary.next_due))
    # TRANSLATORS: an embed title: the member's spaced review.
    return discord.Embed(title=_("🔁 Review"), description=text, colour=discord.Colour.blurple())


def reminder_embed(due: int) -> discord.Embed:
    """The reminder DM, in the language the member asked for reminders in (see Review.send_reminders)."""
    missed = ngettext(
        "{count} question you missed is due for review.",
        "{count} questions you missed are due for review.",
        due,
    ).format(count=due)
    return discord.Embed(
        # TRANSLATORS: the title of a direct message reminding a member of their due reviews.
        title=_("🔁 Time for a review"),
        description=missed
        + " "
        + _("Run `/review` in any server we share: a few minutes now keeps them for good."),
        colour=discord.Colour.blurple(),
    ).set_footer(text=_("At most one reminder a day, and only when something is due."))


def reminders_set_text(on: bool) -> str:
    if on:
        return _("🔔 I'll DM you when reviews are due, at most once a day. The same button turns it off.")
    return _("🔕 No more review reminders. `/review` still shows what is due whenever you ask.")
