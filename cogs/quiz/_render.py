"""Each member's private feedback on a posted question (the public post itself is bot.posts')."""

from __future__ import annotations

from datetime import datetime, timedelta

import discord

from bot import grading
from bot.attempts import MemberResult
from bot.embeds import RIGHT, WRONG, add_answer, add_hint, add_mistake, add_solution, tries_left_text
from bot.i18n import _, ngettext
from bot.rendering import duration
from content import Question
from content.scoping import authored


def feedback_embed(question: Question, feedback: grading.Feedback) -> discord.Embed:
    """One member's private result for one try (`question` as the member reads it)."""
    if feedback.right:
        embed = discord.Embed(
            # TRANSLATORS: {mark} is a tick emoji; {try_no} the try's number (1, 2 or 3); {points}
            # the points earned, with their noun ("2 points", "1.33 points").
            title=_("{mark} Right on try {try_no}: +{points}").format(
                mark=RIGHT, try_no=feedback.try_no, points=feedback.points_text
            ),
            colour=discord.Colour.green(),
        )
    elif feedback.tries_left:
        embed = discord.Embed(
            # TRANSLATORS: {mark} is a cross emoji; {tries_left} says how many tries remain ("2 tries left").
            title=_("{mark} Not quite: {tries_left}").format(
                mark=WRONG, tries_left=tries_left_text(feedback.tries_left)
            ),
            colour=discord.Colour.orange(),
        )
    else:
        embed = discord.Embed(
            # TRANSLATORS: {mark} is a cross emoji.
            title=_("{mark} Not quite, and that was your last try").format(mark=WRONG),
            colour=discord.Colour.red(),
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
    """For a member who already finished and clicks again (`question` as the member reads it)."""
    if result.right:
        # TRANSLATORS: {try_no} is the try's number (1, 2 or 3); {points} the points earned, with
        # their noun ("2 points").
        title = _("You already answered this one: right on try {try_no}, {points}").format(
            try_no=result.tries[-1].try_no, points=grading.points_phrase(result.points)
        )
    else:
        # TRANSLATORS: {count} is how many tries each member has on a question.
        title = ngettext(
            "You have used your {count} try on this one",
            "You have used your {count} tries on this one",
            grading.MAX_TRIES,
        ).format(count=grading.MAX_TRIES)
    embed = discord.Embed(title=title, colour=discord.Colour.blurple())
    return add_solution(add_answer(embed, question), question)


def posted_text(
    question_id: str, channel_id: int, close_after: timedelta, when: datetime, *, rotated: bool
) -> str:
    """/quiz post's reply: where the question went, and when it closes, how long in the bot's words
    ('in 1 hour') and the moment in the reader's own time zone. `rotated`: every question of the
    lesson was posted in that channel before, so this is the one posted longest ago."""
    values = {
        "question": authored(question_id),
        "channel": f"<#{channel_id}>",
        "duration": duration(int(close_after.total_seconds() // 60)),
        "when": discord.utils.format_dt(when, "f"),
    }
    if rotated:
        # TRANSLATORS: {question} is a question's id; {channel} a channel's mention; {duration} how
        # long until it closes ("1 hour 30 minutes"); {when} a Discord timestamp (the reader's own time).
        return _(
            "Posted `{question}` in {channel}; it closes in {duration} ({when}). Every question of this "
            "lesson has been posted here: this is the one posted longest ago."
        ).format(**values)
    # TRANSLATORS: {question} is a question's id; {channel} a channel's mention; {duration} how long
    # until it closes ("1 hour 30 minutes"); {when} a Discord timestamp (the reader's own time).
    return _("Posted `{question}` in {channel}; it closes in {duration} ({when}).").format(**values)
