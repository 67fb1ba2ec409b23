"""Autocomplete choices shared by the commands: lessons, questions, open posts, time zones.

Each returns at most 25 choices (Discord's limit) whose names fit in 100 characters.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot import timezones
from bot.i18n import _, current_locale
from bot.rendering import shorten
from content import Lesson, Question
from content.discord_limits import AUTOCOMPLETE_CHOICES as CHOICES
from content.discord_limits import CHOICE_NAME_CHARS
from content.scoping import authored
from storage import live_games, post_rows

if TYPE_CHECKING:
    from bot.app import QuizBot


def lessons(
    interaction: discord.Interaction[QuizBot], typed: str, *, keep: Callable[[Lesson], bool] | None = None
) -> list[app_commands.Choice[str]]:
    """The server's lessons (bundled and its own, those `keep` accepts) whose id or title contains
    what was typed."""
    typed = typed.lower()
    view = interaction.client.catalog.lessons_in(interaction.guild_id).lessons.values()
    found = [lesson for lesson in view if keep is None or keep(lesson)]
    return [
        app_commands.Choice(
            name=shorten(f"{lesson.title} ({authored(lesson.id)})", CHOICE_NAME_CHARS), value=lesson.id
        )
        for lesson in found
        if typed in authored(lesson.id).lower() or typed in lesson.title.lower()
    ][:CHOICES]


def named(titles: dict[str, str], typed: str) -> list[app_commands.Choice[str]]:
    """Ids with their titles, as "Title (id)", whose id or title contains what was typed."""
    typed = typed.lower()
    return [
        app_commands.Choice(name=shorten(f"{title} ({lesson_id})", CHOICE_NAME_CHARS), value=lesson_id)
        for lesson_id, title in titles.items()
        if typed in lesson_id.lower() or typed in title.lower()
    ][:CHOICES]


def questions(candidates: list[Question], typed: str) -> list[app_commands.Choice[str]]:
    """Questions whose id (as authored) or prompt (as the lesson has it, or as this member reads it)
    contains what was typed; named by the prompt in the member's language."""
    typed = typed.lower()
    locale = current_locale()
    found = []
    for q in candidates:
        prompt = q.in_language(locale).prompt
        if typed in authored(q.id).lower() or typed in q.prompt.lower() or typed in prompt.lower():
            found.append(
                app_commands.Choice(
                    name=shorten(f"{authored(q.id)}: {prompt}", CHOICE_NAME_CHARS), value=q.id
                )
            )
            if len(found) == CHOICES:
                break
    return found


def questions_of_lesson(
    interaction: discord.Interaction[QuizBot], lesson_id: str, typed: str
) -> list[app_commands.Choice[str]]:
    """The questions of the lesson already picked in the command (all of this server's while none is)."""
    here = interaction.client.catalog.lessons_in(interaction.guild_id)
    lesson = here.lesson(lesson_id)
    return questions(lesson.questions if lesson else list(here.questions.values()), typed)


async def open_posts(bot: QuizBot, guild_id: int | None, typed: str) -> list[app_commands.Choice[int]]:
    """The server's open posts as "#channel · question: prompt"."""
    if guild_id is None:
        return []
    choices = []
    live = await live_games.running_post_ids(bot.database, guild_id)  # a live round closes its own
    # Every open post, then the filter: what was typed may match one older than the newest 25.
    for post in await post_rows.open_posts(bot.database, guild_id, limit=None):
        assert post.id is not None
        if post.id in live:
            continue
        found = bot.library.question(post.question_id)
        channel = bot.get_channel(post.channel_id)
        # TRANSLATORS: in a list of open posts to pick from, for a channel the bot cannot see the name of.
        where = f"#{channel.name}" if isinstance(channel, discord.abc.GuildChannel) else _("a channel")
        # TRANSLATORS: in a list of open posts to pick from, instead of the prompt of a question that
        # is no longer in the lessons.
        prompt = found.in_language(current_locale()).prompt if found else _("removed question")
        name = shorten(f"{where} · {authored(post.question_id)}: {prompt}", CHOICE_NAME_CHARS)
        if typed.lower() in name.lower():
            choices.append(app_commands.Choice(name=name, value=post.id))
    return choices[:CHOICES]


def no_lesson(typed: str) -> str:
    """The one answer to a lesson option that names no lesson (typed by hand, or from an old list)."""
    # TRANSLATORS: {lesson} is what the member typed as a lesson's id or title.
    return _("There is no lesson `{lesson}`: pick one from the list as you type.").format(
        lesson=shorten(typed, 50)
    )


def zones(typed: str) -> list[app_commands.Choice[str]]:
    """IANA zones containing what was typed, best matches (prefix of a part) first."""
    typed = typed.strip().lower().replace(" ", "_")
    hits = [z for z in timezones.known_zones() if typed in z.lower()]
    hits.sort(key=lambda z: (not any(part.lower().startswith(typed) for part in z.split("/")), z))
    return [app_commands.Choice(name=z, value=z) for z in hits[:CHOICES]]
