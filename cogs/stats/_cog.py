"""/stats member: (private to the asker) and /stats question: (moderators)."""

from __future__ import annotations

import asyncio
import io
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.i18n import _, current_locale
from bot.plots import calendar_days, stats_card_png
from bot.rendering import shorten
from cogs import _choices as choices
from cogs._checks import require_moderator
from cogs.stats import _render as render
from content.scoping import authored
from storage import guilds
from storage.leaderboards import answered_days, local_today, member_stats, question_stats
from storage.reports import question_quality

if TYPE_CHECKING:
    from bot.app import QuizBot


CARD_FILE = "stats.png"


class Stats(commands.Cog):
    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="stats", description="Points, right answers, streaks and mastery; or a question's numbers"
    )
    @app_commands.describe(
        member="Whose stats (default: yours)",
        question="A question's numbers instead (moderators)",
    )
    @app_commands.guild_only()
    async def stats(
        self,
        interaction: discord.Interaction[QuizBot],
        member: discord.Member | None = None,
        question: str | None = None,
    ) -> None:
        # Private: a member's numbers are theirs to share; the public view is /leaderboard.
        if interaction.guild_id is None:
            await interaction.response.send_message(_("Use /stats in a server."), ephemeral=True)
            return
        if question is not None:
            await self._question(interaction, interaction.guild_id, question)
            return
        who = member or interaction.user
        db, now = self.bot.database, self.bot.now()
        found = await member_stats(db, interaction.guild_id, who.id, now=now)
        embed = render.member_embed(
            who.display_name, found, self.bot.library.lessons, own=who.id == interaction.user.id
        )
        if found.standing is None:
            await interaction.response.send_message(embed=embed, ephemeral=True)
            return
        # The card is drawn off the event loop; the embed keeps every figure as text (screen
        # readers, members who turned images off).
        await interaction.response.defer(ephemeral=True, thinking=True)
        timezone = (await guilds.get_guild_settings(db, interaction.guild_id)).timezone
        today = local_today(now, timezone)
        days = await answered_days(db, interaction.guild_id, who.id, calendar_days(today)[0], today)
        titles = {lesson.id: lesson.title for lesson in self.bot.library.lessons.values()}
        lessons = [(titles.get(p.lesson_id, authored(p.lesson_id)), p.right, p.tried) for p in found.lessons]
        # TRANSLATORS: the title of a member's stats card (an image); {member} is their display name.
        title = _("{member} · right answers per lesson").format(member=who.display_name)
        # The thread runs in a copy of this context: the card's labels are in the asker's language.
        card = await asyncio.to_thread(stats_card_png, title, lessons, days, today)
        embed.set_image(url=f"attachment://{CARD_FILE}")
        await interaction.followup.send(embed=embed, file=discord.File(io.BytesIO(card), CARD_FILE))

    async def _question(
        self, interaction: discord.Interaction[QuizBot], guild_id: int, question_id: str
    ) -> None:
        await require_moderator(interaction)
        # Another server's question, typed by hand, is no more known here than a made-up id.
        here = self.bot.catalog.lessons_in(guild_id)
        question = here.question(question_id)
        if question is None:
            # TRANSLATORS: {question} is the question id the moderator typed.
            unknown = _("There is no question `{question}`: pick one from the list as you type.")
            await interaction.response.send_message(
                unknown.format(question=shorten(question_id, 60)), ephemeral=True
            )
            return
        found = await question_stats(self.bot.database, guild_id, question.id)
        # The rest of its lesson is read too: discrimination compares members across the lesson.
        quality = await question_quality(
            self.bot.database, guild_id, lesson_id=question.lesson_id, question_id=question.id
        )
        embed = render.question_embed(
            question.in_language(current_locale()),  # the lesson's translation, if it has one
            here.lesson(question.lesson_id),
            found,
            quality[0] if quality else None,
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @stats.autocomplete("question")
    async def _question_choices(
        self, interaction: discord.Interaction[QuizBot], typed: str
    ) -> list[app_commands.Choice[str]]:
        here = self.bot.catalog.lessons_in(interaction.guild_id)
        return choices.questions(list(here.questions.values()), typed)
