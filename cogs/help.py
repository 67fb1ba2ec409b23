"""/help: what quizbot does, every command in one line, the lessons loaded, the trainer's state."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.i18n import N_, _, command_name, ngettext
from bot.rendering import fit_lines
from content import Lesson
from content.discord_limits import EMBED_FIELD_CHARS

if TYPE_CHECKING:
    from bot.app import QuizBot

ABOUT = N_(
    "I post lesson questions with answer buttons, keep everyone's score, run daily quizzes and "
    "leaderboards, and can run a lesson's own TensorFlow code to show what it really prints."
)


def declared_description(description: str) -> str:
    """A command's or group's description in the language spoken: bot.message_catalogs extracts
    every declared description, so it needs no N_ of its own (as bot.i18n.command_name)."""
    return _(description)


def command_lines(tree: app_commands.CommandTree) -> Iterator[str]:
    """One line per command, a group's subcommands on its line: `/live` start · stop - ..."""

    def names(group: app_commands.Group) -> Iterator[str]:
        for child in group.commands:
            if isinstance(child, app_commands.Group):
                yield from (f"{command_name(child.name)} {name}" for name in names(child))
            else:
                yield command_name(child.name)

    for command in sorted(tree.get_commands(), key=lambda c: c.name):
        name = command_name(command.name)
        if isinstance(command, app_commands.Group):
            yield f"`/{name}` {' · '.join(names(command))} - {declared_description(command.description)}"
        elif isinstance(command, app_commands.Command):
            yield f"`/{name}` - {declared_description(command.description)}"


def lesson_line(lesson: Lesson) -> str:
    """'**Lesson title** (12 questions)'."""
    count = len(lesson.questions)
    # TRANSLATORS: a line of /help's list of lessons; {lesson} is a lesson's title.
    text = ngettext("**{lesson}** ({count} question)", "**{lesson}** ({count} questions)", count)
    return text.format(lesson=lesson.title, count=count)


class Help(commands.Cog):
    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="What quizbot does and how to use it")
    async def help(self, interaction: discord.Interaction) -> None:
        bot = self.bot
        embed = discord.Embed(title="quizbot", description=_(ABOUT), colour=discord.Colour.blurple())
        embed.add_field(
            # TRANSLATORS: the heading of /help's list of slash commands.
            name=_("Commands"),
            value=fit_lines(list(command_lines(bot.tree)), EMBED_FIELD_CHARS) or "-",
            inline=False,
        )
        lessons = [
            lesson_line(lesson) for lesson in bot.catalog.lessons_in(interaction.guild_id).lessons.values()
        ]
        embed.add_field(
            # TRANSLATORS: the heading of /help's list of lessons; {count} is how many there are.
            name=ngettext("Lessons loaded: {count}", "Lessons loaded: {count}", len(lessons)).format(
                count=len(lessons)
            ),
            value=fit_lines(lessons, EMBED_FIELD_CHARS) or "-",
            inline=False,
        )
        trainer = (
            # TRANSLATORS: the state of the process that runs lessons' code, in /help.
            _("warm: code runs in about a second")
            if bot.trainer.warm
            else _("warming up (TensorFlow is loading)")
        )
        # TRANSLATORS: a heading in /help: the process that runs lessons' TensorFlow code.
        embed.add_field(name=_("TensorFlow worker"), value=trainer, inline=False)
        await interaction.response.send_message(embed=embed, ephemeral=True)


async def setup(bot: QuizBot) -> None:
    await bot.add_cog(Help(bot))
