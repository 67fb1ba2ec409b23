"""What a posted question looks like in its channel: open (the card and how many answered), and
closed (the answer, the share of first answers per option, who got it first try).

Public: the posting service builds these while speaking the server's language (bot.posts._service)."""

from __future__ import annotations

import discord

from bot import grading
from bot.embeds import COLOURS, add_revealed_answer, difficulty_name, share_lines
from bot.i18n import _, ngettext
from bot.rendering import shorten
from content import Lesson, Question, card_description
from content.discord_limits import EMBED_TITLE_CHARS
from content.scoping import authored
from storage import Post, PostTally

# How many of those right on the first try a closed post names (the rest are counted).
NAMED_FIRST_TRY = 30


def cannot_post(channel_mention: str) -> str:
    """Why a post did not go out: the two permissions quizbot needs in a channel."""
    # TRANSLATORS: {channel} is a channel's mention; *Send Messages* and *Embed Links* are Discord's
    # names of two permissions: use the ones Discord shows in your language.
    text = _("I can't post in {channel}: I need *Send Messages* and *Embed Links* there.")
    return text.format(channel=channel_mention)


def _max_points(question: Question) -> str:
    return grading.points_phrase(grading.points_for(question.difficulty, 1))


def question_embed(
    question: Question, lesson: Lesson | None, post: Post, tally: PostTally | None
) -> discord.Embed:
    """The public post while it is open: the card and how many answered, never who chose what."""
    # TRANSLATORS: a quiz post's title; {lesson} is a lesson's title.
    title = _("Question · {lesson}").format(lesson=_lesson_name(question, lesson))
    embed = discord.Embed(
        title=shorten(title, EMBED_TITLE_CHARS),
        description=card_description(question),
        colour=COLOURS[question.difficulty],
    )
    embed.add_field(
        # TRANSLATORS: a field heading on a quiz post (256 characters at most).
        name=_("Difficulty"),
        # TRANSLATORS: {difficulty} is "easy", "medium" or "hard"; {points} the most a right answer
        # earns, with its noun ("3 points").
        value=_("{difficulty} · up to {points}").format(
            difficulty=difficulty_name(question.difficulty), points=_max_points(question)
        ),
    )
    answered = tally.answered if tally else 0
    embed.add_field(
        # TRANSLATORS: a field heading on a quiz post: how many members answered it so far.
        name=_("Answered"),
        # TRANSLATORS: how many members answered a quiz post so far.
        value=ngettext("{count} member", "{count} members", answered).format(count=answered),
    )
    if post.closes_at is not None:
        # The moment, not "in 60 minutes": a relative time is rounded by each client its own way.
        # TRANSLATORS: a field heading on a quiz post: when it closes (a Discord timestamp follows).
        embed.add_field(name=_("Closes"), value=discord.utils.format_dt(post.closes_at, "f"))
    if question.kind == "multiple_choice":
        # TRANSLATORS: a quiz post's footer; {count} is how many tries each member has; {question} a
        # question's id.
        footer = ngettext(
            "{count} try each, click an option; your answers are private · {question}",
            "{count} tries each, click an option; your answers are private · {question}",
            grading.MAX_TRIES,
        )
    else:
        # TRANSLATORS: a quiz post's footer; {count} is how many tries each member has; "Answer" is
        # the post's button; {question} a question's id.
        footer = ngettext(
            "{count} try each, click Answer to fill the blanks; your answers are private · {question}",
            "{count} tries each, click Answer to fill the blanks; your answers are private · {question}",
            grading.MAX_TRIES,
        )
    embed.set_footer(text=footer.format(count=grading.MAX_TRIES, question=authored(question.id)))
    return embed


def reveal_embed(
    question: Question, lesson: Lesson | None, tally: PostTally, first_try_members: list[int]
) -> discord.Embed:
    """The post once closed: the answer, the share of first answers per option, who got it first try."""
    # TRANSLATORS: a closed quiz post's title; {lesson} is a lesson's title.
    title = _("Closed · {lesson}").format(lesson=_lesson_name(question, lesson))
    embed = discord.Embed(
        title=shorten(title, EMBED_TITLE_CHARS),
        description=card_description(question),
        colour=discord.Colour.dark_grey(),
    )
    add_revealed_answer(embed, question)
    firsts = {tuple(choice.split(",")): count for choice, count in tally.first_try_counts.items()}
    embed.add_field(
        # TRANSLATORS: a field heading over the share of each option in members' first answers.
        name=ngettext(
            "First answers ({count} member)", "First answers ({count} members)", tally.answered
        ).format(count=tally.answered),
        # TRANSLATORS: under "First answers": no member answered the quiz post.
        value=share_lines(question, firsts) if firsts else _("Nobody answered."),
        inline=False,
    )
    right = len(first_try_members)
    names = " ".join(f"<@{member_id}>" for member_id in first_try_members[:NAMED_FIRST_TRY])
    if right > NAMED_FIRST_TRY:
        rest = right - NAMED_FIRST_TRY
        # TRANSLATORS: {names} are members' mentions; {count} how many more were right on the first try.
        names = ngettext("{names} and {count} more", "{names} and {count} more", rest).format(
            names=names, count=rest
        )
    embed.add_field(
        # TRANSLATORS: a field heading; {count} is how many members were right on their first try.
        name=ngettext("Right on the first try: {count}", "Right on the first try: {count}", right).format(
            count=right
        ),
        # TRANSLATORS: nobody was right on the first try (under "Right on the first try: 0").
        value=names or _("nobody"),
        inline=False,
    )
    embed.set_footer(text=authored(question.id))
    return embed


def _lesson_name(question: Question, lesson: Lesson | None) -> str:
    return lesson.title if lesson else question.lesson_id
