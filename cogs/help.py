"""/help: what quizbot does, every command in one line, the lessons loaded, the trainer's state."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.rendering import fit_lines, plural
from content.discord_limits import EMBED_FIELD_CHARS

if TYPE_CHECKING:
    from bot.app import QuizBot

ABOUT = (
    "I post lesson questions with answer buttons, keep everyone's score, run daily quizzes and "
    "leaderboards, and can run a lesson's own TensorFlow code to show what it really prints."
)


def command_lines(tree: app_commands.CommandTree) -> Iterator[str]:
    """One line per command, a group's subcommands on its line: `/live` start · stop - ..."""

    def names(group: app_commands.Group) -> Iterator[str]:
        for child in group.commands:
            if isinstance(child, app_commands.Group):
                yield from (f"{child.name} {name}" for name in names(child))
            else:
                yield child.name

    for command in sorted(tree.get_commands(), key=lambda c: c.name):
        if isinstance(command, app_commands.Group):
            yield f"`/{command.name}` {' · '.join(names(command))} - {command.description}"
        elif isinstance(command, app_commands.Command):
            yield f"`/{command.name}` - {command.description}"


class Help(commands.Cog):
    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="What quizbot does and how to use it")
    async def help(self, interaction: discord.Interaction) -> None:
        bot = self.bot
        embed = discord.Embed(title="quizbot", description=ABOUT, colour=discord.Colour.blurple())
        embed.add_field(
            name="Commands",
            value=fit_lines(list(command_lines(bot.tree)), EMBED_FIELD_CHARS) or "-",
            inline=False,
        )
        lessons = [
            f"**{lesson.title}** ({plural(len(lesson.questions), 'question')})"
            for lesson in bot.catalog.lessons_in(interaction.guild_id).lessons.values()
        ]
        embed.add_field(
            name=f"Lessons loaded: {len(lessons)}",
            value=fit_lines(lessons, EMBED_FIELD_CHARS) or "-",
            inline=False,
        )
        trainer = (
            "warm: code runs in about a second" if bot.trainer.warm else "warming up (TensorFlow is loading)"
        )
        embed.add_field(name="TensorFlow worker", value=trainer, inline=False)
        await interaction.response.send_message(embed=embed, ephemeral=True)


async def setup(bot: QuizBot) -> None:
    await bot.add_cog(Help(bot))
