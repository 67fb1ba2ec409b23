"""Embeds and components for posted questions and for each member's private feedback."""

from __future__ import annotations

from datetime import datetime

import discord

from bot import grading
from bot.attempts import MemberResult
from bot.rendering import EMBED_FIELD_CHARS, EMBED_TITLE_CHARS, bar, clip, numbered, plural, shorten
from content import Lesson, Question, card_description
from storage import Post, PostTally

COLOURS = {"easy": discord.Colour.green(), "medium": discord.Colour.gold(), "hard": discord.Colour.red()}
RIGHT, WRONG = "✅", "❌"


def _max_points(question: Question) -> str:
    return grading.points_phrase(grading.points_for(question.difficulty, 1))


def question_embed(
    question: Question, lesson: Lesson | None, post: Post, tally: PostTally | None
) -> discord.Embed:
    """The public post while it is open: the card and how many answered, never who chose what."""
    embed = discord.Embed(
        title=shorten(f"Question · {lesson.title if lesson else question.lesson_id}", EMBED_TITLE_CHARS),
        description=card_description(question),
        colour=COLOURS[question.difficulty],
    )
    how = "click an option" if question.kind == "multiple_choice" else "click Answer to fill the blanks"
    embed.add_field(name="Difficulty", value=f"{question.difficulty} · up to {_max_points(question)}")
    embed.add_field(name="Answered", value=plural(tally.answered if tally else 0, "member"))
    if post.closes_at is not None:
        embed.add_field(name="Closes", value=discord.utils.format_dt(post.closes_at, "R"))
    embed.set_footer(text=f"3 tries each, {how}; your answers are private · {question.id}")
    return embed


def reveal_embed(
    question: Question, lesson: Lesson | None, tally: PostTally, first_try_members: list[int]
) -> discord.Embed:
    """The post once closed: the answer, the share of first answers per option, who got it first try."""
    embed = discord.Embed(
        title=shorten(f"Closed · {lesson.title if lesson else question.lesson_id}", EMBED_TITLE_CHARS),
        description=card_description(question),
        colour=discord.Colour.dark_grey(),
    )
    answer = ", ".join(
        f"**{letter}.** {text}"
        for letter, text in zip(question.answer_letters, question.answer_texts, strict=True)
    )
    embed.add_field(name="Answer", value=shorten(answer, EMBED_FIELD_CHARS), inline=False)
    firsts = sum(tally.first_try_counts.values())
    lines = []
    for choice, count in sorted(tally.first_try_counts.items(), key=lambda kv: (-kv[1], kv[0])):
        share = count / firsts if firsts else 0
        mark = RIGHT if grading.grade(question, tuple(choice.split(","))) else "  "
        lines.append(f"`{choice:<7}` {bar(share)} {share:4.0%} ({count}) {mark}")
    embed.add_field(
        name=f"First answers ({plural(tally.answered, 'member')})",
        value=clip("\n".join(lines[:10]), EMBED_FIELD_CHARS) if lines else "Nobody answered.",
        inline=False,
    )
    names = " ".join(f"<@{member_id}>" for member_id in first_try_members[:30])
    if len(first_try_members) > 30:
        names += f" and {len(first_try_members) - 30} more"
    embed.add_field(
        name=f"Right on the first try: {len(first_try_members)}", value=names or "nobody", inline=False
    )
    embed.set_footer(text=question.id)
    return embed


def solution_text(question: Question) -> str:
    return clip(numbered(question.solution), EMBED_FIELD_CHARS)


def answer_text(question: Question) -> str:
    return ", ".join(
        f"{letter}. {text}"
        for letter, text in zip(question.answer_letters, question.answer_texts, strict=True)
    )


def feedback_embed(question: Question, feedback: grading.Feedback) -> discord.Embed:
    """One member's private result for one try."""
    if feedback.right:
        embed = discord.Embed(
            title=f"{RIGHT} Right on try {feedback.try_no}: +{feedback.points_text}",
            colour=discord.Colour.green(),
        )
    elif feedback.tries_left:
        embed = discord.Embed(
            title=f"{WRONG} Not quite: {plural(feedback.tries_left, 'try', 'tries')} left",
            colour=discord.Colour.orange(),
        )
    else:
        embed = discord.Embed(
            title=f"{WRONG} Not quite, and that was your last try", colour=discord.Colour.red()
        )
    if feedback.mistake_text:
        embed.add_field(
            name="Common mistake", value=shorten(feedback.mistake_text, EMBED_FIELD_CHARS), inline=False
        )
    if feedback.show_hint:
        embed.add_field(name="Hint", value=shorten(question.hint, EMBED_FIELD_CHARS), inline=False)
    if feedback.show_solution:
        if not feedback.right:
            embed.add_field(
                name="Answer", value=shorten(answer_text(question), EMBED_FIELD_CHARS), inline=False
            )
        embed.add_field(name="Solution", value=solution_text(question), inline=False)
    return embed


def result_embed(question: Question, result: MemberResult) -> discord.Embed:
    """For a member who already finished and clicks again."""
    if result.right:
        last = result.tries[-1]
        title = f"You already answered this one: right on try {last.try_no}, {grading.points_phrase(result.points)}"
    else:
        title = "You have used your 3 tries on this one"
    embed = discord.Embed(title=title, colour=discord.Colour.blurple())
    embed.add_field(name="Answer", value=shorten(answer_text(question), EMBED_FIELD_CHARS), inline=False)
    embed.add_field(name="Solution", value=solution_text(question), inline=False)
    return embed


def closes_at_text(when: datetime | None) -> str:
    return discord.utils.format_dt(when, "R") if when else "when a moderator closes it"
