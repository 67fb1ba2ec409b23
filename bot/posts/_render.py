"""What a posted question looks like in its channel: open (the card and how many answered), and
closed (the answer, the share of first answers per option, who got it first try)."""

from __future__ import annotations

import discord

from bot import grading
from bot.embeds import COLOURS, add_revealed_answer, share_lines
from bot.rendering import plural, shorten
from content import Lesson, Question, card_description
from content.discord_limits import EMBED_TITLE_CHARS
from storage import Post, PostTally


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
        # The moment, not "in 60 minutes": a relative time is rounded by each client its own way.
        embed.add_field(name="Closes", value=discord.utils.format_dt(post.closes_at, "f"))
    embed.set_footer(text=f"{grading.MAX_TRIES} tries each, {how}; your answers are private · {question.id}")
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
    add_revealed_answer(embed, question)
    firsts = {tuple(choice.split(",")): count for choice, count in tally.first_try_counts.items()}
    embed.add_field(
        name=f"First answers ({plural(tally.answered, 'member')})",
        value=share_lines(question, firsts) if firsts else "Nobody answered.",
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
