"""Embeds for /review: the question being reviewed, the result with the next due time, the empty deck."""

from __future__ import annotations

from datetime import datetime

import discord

from bot import grading
from bot.embeds import COLOURS, RIGHT, WRONG, add_answer, add_hint, add_mistake, add_solution
from bot.rendering import clip, fit, plural, shorten
from content import Lesson, Question, card_description
from content.discord_limits import EMBED_DESCRIPTION_CHARS, EMBED_TITLE_CHARS
from content.scoping import authored
from storage.models import ReviewCard
from storage.review import ReviewSummary

HOW = "Wrong: it comes back soon. Right: it comes back later, later still each time (spaced review)."


def when(moment: datetime) -> str:
    return discord.utils.format_dt(moment, "R")


def question_embed(
    question: Question, lesson: Lesson | None, card: ReviewCard, due: int, hinted: bool
) -> discord.Embed:
    embed = discord.Embed(
        title=shorten(
            f"🔁 Review · {lesson.title if lesson else authored(question.lesson_id)}", EMBED_TITLE_CHARS
        ),
        description=clip(card_description(question), EMBED_DESCRIPTION_CHARS),
        colour=COLOURS.get(question.difficulty, discord.Colour.blurple()),
    )
    embed.add_field(name="Due now", value=plural(due, "question"))
    embed.add_field(name="Missed before", value=plural(max(card.lapses, 1), "time"))
    if hinted:
        add_hint(embed, question)
    embed.set_footer(
        text=f"Only you can see this. Using the hint counts as a hard recall · {authored(question.id)}"
    )
    return embed


def result_embed(
    question: Question, chosen: tuple[str, ...], right: bool, hinted: bool, card: ReviewCard
) -> discord.Embed:
    if right:
        title = f"{RIGHT} Right, with the hint" if hinted else f"{RIGHT} Right!"
        colour = discord.Colour.green()
    else:
        title, colour = f"{WRONG} Not quite", discord.Colour.orange()
    embed = discord.Embed(
        title=title, description=clip(card_description(question), EMBED_DESCRIPTION_CHARS), colour=colour
    )
    if not right:
        add_mistake(embed, grading.mistake_text(question, chosen))
    add_answer(embed, question)
    add_solution(embed, question)
    embed.add_field(name="Back for review", value=when(card.due), inline=False)
    embed.set_footer(text=f"{HOW} · {authored(question.id)}")
    return fit(embed)


def nothing_due_embed(summary: ReviewSummary, held_back: int = 0) -> discord.Embed:
    """No card to show now; `held_back` due cards wait because their question is open in a quiz."""
    if held_back:
        text = (
            f"{plural(held_back, 'question')} due for review {'is' if held_back == 1 else 'are'} open in "
            "a quiz right now: answer there, or review once it closes."
        )
    elif summary.total == 0:
        text = (
            "You have no missed questions to review. Questions you miss in the server's quizzes "
            "come back here on a spaced schedule."
        )
    else:
        upcoming = f" The next one is due {when(summary.next_due)}." if summary.next_due else ""
        text = f"Nothing is due right now: {plural(summary.total, 'question')} in your review deck.{upcoming}"
    return discord.Embed(title="🔁 Review", description=text, colour=discord.Colour.blurple())


def reminder_embed(due: int) -> discord.Embed:
    return discord.Embed(
        title="🔁 Time for a review",
        description=(
            f"{plural(due, 'question')} you missed {'is' if due == 1 else 'are'} due for review. "
            "Run `/review` in any server we share: a few minutes now keeps them for good."
        ),
        colour=discord.Colour.blurple(),
    ).set_footer(text="At most one reminder a day, and only when something is due.")


def reminders_set_text(on: bool) -> str:
    if on:
        return "🔔 I'll DM you when reviews are due, at most once a day. The same button turns it off."
    return "🔕 No more review reminders. `/review` still shows what is due whenever you ask."
