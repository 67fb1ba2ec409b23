"""Each member's private feedback on a posted question (the public post itself is bot.posts')."""

from __future__ import annotations

from datetime import datetime, timedelta

import discord

from bot import grading
from bot.attempts import MemberResult
from bot.embeds import RIGHT, WRONG, add_answer, add_hint, add_mistake, add_solution, tries_left_text
from bot.rendering import duration
from content import Question


def feedback_embed(question: Question, feedback: grading.Feedback) -> discord.Embed:
    """One member's private result for one try."""
    if feedback.right:
        embed = discord.Embed(
            title=f"{RIGHT} Right on try {feedback.try_no}: +{feedback.points_text}",
            colour=discord.Colour.green(),
        )
    elif feedback.tries_left:
        embed = discord.Embed(
            title=f"{WRONG} Not quite: {tries_left_text(feedback.tries_left)}",
            colour=discord.Colour.orange(),
        )
    else:
        embed = discord.Embed(
            title=f"{WRONG} Not quite, and that was your last try", colour=discord.Colour.red()
        )
    add_mistake(embed, feedback.mistake_text)
    if feedback.show_hint:
        add_hint(embed, question)
    if feedback.show_solution:
        if not feedback.right:
            add_answer(embed, question)
        add_solution(embed, question)
    return embed


def result_embed(question: Question, result: MemberResult) -> discord.Embed:
    """For a member who already finished and clicks again."""
    if result.right:
        last = result.tries[-1]
        title = f"You already answered this one: right on try {last.try_no}, {grading.points_phrase(result.points)}"
    else:
        title = f"You have used your {grading.MAX_TRIES} tries on this one"
    embed = discord.Embed(title=title, colour=discord.Colour.blurple())
    return add_solution(add_answer(embed, question), question)


def closes_text(close_after: timedelta, when: datetime) -> str:
    """'in 1 hour (<t:…:f>)': how long in the bot's words, the moment in the reader's own time zone."""
    return f"in {duration(int(close_after.total_seconds() // 60))} ({discord.utils.format_dt(when, 'f')})"
