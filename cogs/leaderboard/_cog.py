"""/leaderboard: public, so a study group shares it; paging edits the same message."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.i18n import N_, _, speaking
from cogs import _choices as choices
from cogs.leaderboard import _render as render
from cogs.leaderboard._items import board_view
from storage.leaderboards import PAGE_SIZE, BoardPage, Period, board, standing

if TYPE_CHECKING:
    from bot.app import QuizBot

NO_GUILD = N_("Leaderboards belong to a server: use this command in one.")


def tied_ranks(page: BoardPage) -> set[int]:
    """Ranks shared by two members: twice on this page, or with a member on an earlier page."""
    counts = Counter(row.rank for row in page.rows)
    shared = {rank for rank, n in counts.items() if n > 1}
    for index, row in enumerate(page.rows):
        if row.rank < page.page * PAGE_SIZE + index + 1:
            shared.add(row.rank)
    return shared


class Leaderboard(commands.Cog):
    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot

    @app_commands.command(name="leaderboard", description="The server's top members, with your own rank")
    @app_commands.describe(
        period="Which days count (the server's time zone; weeks start on Monday)",
        lesson="Only points from this lesson's questions",
    )
    @app_commands.guild_only()
    async def leaderboard(
        self,
        interaction: discord.Interaction[QuizBot],
        period: Period = "week",
        lesson: str | None = None,
    ) -> None:
        if interaction.guild_id is None:
            await interaction.response.send_message(_(NO_GUILD), ephemeral=True)
            return
        if lesson is not None and self.bot.catalog.lessons_in(interaction.guild_id).lesson(lesson) is None:
            await interaction.response.send_message(
                choices.no_lesson(lesson),
                ephemeral=True,
            )
            return
        # A lesson board sums attempts (no rollup per lesson): give it time beyond Discord's 3 s.
        await interaction.response.defer(thinking=True)
        # The board is public: in the server's language, like its pages (see turn_page).
        with speaking(await self.bot.server_locale(interaction.guild_id)):
            embed, view = await self._board(interaction.guild_id, period, lesson, 0, interaction.user.id)
        await interaction.followup.send(embed=embed, view=view)

    @leaderboard.autocomplete("lesson")
    async def _lesson_choices(
        self, interaction: discord.Interaction[QuizBot], typed: str
    ) -> list[app_commands.Choice[str]]:
        return choices.lessons(interaction, typed)

    async def turn_page(
        self,
        interaction: discord.Interaction[QuizBot],
        period: Period,
        lesson_id: str | None,
        page: int,
        member_id: int,
    ) -> None:
        """Previous / Next: the same message shows another page; the asker's rank stays."""
        if interaction.guild_id is None:
            await interaction.response.send_message(_(NO_GUILD), ephemeral=True)
            return
        with speaking(await self.bot.server_locale(interaction.guild_id)):  # the public board's message
            embed, view = await self._board(interaction.guild_id, period, lesson_id, page, member_id)
        await interaction.response.edit_message(embed=embed, view=view)

    async def where_am_i(
        self, interaction: discord.Interaction[QuizBot], period: Period, lesson_id: str | None
    ) -> None:
        """Anyone looking at the board can see their own rank, privately."""
        if interaction.guild_id is None:
            await interaction.response.send_message(_(NO_GUILD), ephemeral=True)
            return
        me = await standing(
            self.bot.database,
            interaction.guild_id,
            interaction.user.id,
            period,
            now=self.bot.now(),
            lesson_id=lesson_id,
        )
        period_title, standing_text = render.period_title(period), render.standing_text(me)
        if lesson_id:
            # TRANSLATORS: {period} is "This week", "All time"...; {lesson} a lesson's title; {standing}
            # the member's rank, points and right answers ("**#2** · 3 points · 2 right answers of 4").
            text = _("**{period} · {lesson}**: {standing}").format(
                period=period_title, lesson=self._lesson_title(lesson_id), standing=standing_text
            )
        else:
            # TRANSLATORS: {period} is "This week", "All time"...; {standing} the member's rank, points
            # and right answers ("**#2** · 3 points · 2 right answers of 4").
            text = _("**{period}**: {standing}").format(period=period_title, standing=standing_text)
        await interaction.response.send_message(text, ephemeral=True)

    async def _board(
        self, guild_id: int, period: Period, lesson_id: str | None, page: int, member_id: int
    ) -> tuple[discord.Embed, discord.ui.View]:
        db, now = self.bot.database, self.bot.now()
        found = await board(db, guild_id, period, now=now, lesson_id=lesson_id, page=page)
        me = await standing(db, guild_id, member_id, period, now=now, lesson_id=lesson_id)
        embed = render.board_embed(
            found,
            tz_name=found.tz_name,
            lesson_title=self._lesson_title(lesson_id) if lesson_id else None,
            me=me,
            me_id=member_id,
            tied_ranks=tied_ranks(found),
        )
        return embed, board_view(period, lesson_id, page, found.has_more, member_id)

    def _lesson_title(self, lesson_id: str | None) -> str | None:
        if lesson_id is None:
            return None
        lesson = self.bot.library.lesson(lesson_id)
        return lesson.title if lesson else lesson_id
