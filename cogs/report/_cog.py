"""/report export and /report questions (moderators): private replies."""

from __future__ import annotations

import asyncio
import io
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import exports
from bot.i18n import N_, _, current_locale
from cogs import _choices as choices
from cogs._checks import moderator_only
from cogs.report import _render as render
from cogs.report._chart import CHART_FILE, facility_chart_png
from content import Question
from content.discord_limits import ATTACHMENT_BYTES
from content.scoping import authored
from storage import guilds
from storage.leaderboards import Period, local_today, window
from storage.reports import export_rows, question_quality

if TYPE_CHECKING:
    from bot.app import QuizBot

PERIOD_SCOPES: dict[Period, str] = {
    # TRANSLATORS: what an export covers, as in "Export of today: 3 answer rows, 2 members."
    "today": N_("today"),
    # TRANSLATORS: what an export covers, as in "Export of this week: 3 answer rows, 2 members."
    "week": N_("this week"),
    # TRANSLATORS: what an export covers, as in "Export of this month: 3 answer rows, 2 members."
    "month": N_("this month"),
    # TRANSLATORS: what an export covers, as in "Export of all time: 3 answer rows, 2 members."
    "all": N_("all time"),
}


class Report(commands.Cog):
    group = app_commands.Group(
        name="report", description="Exports and question quality (moderators)", guild_only=True
    )

    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot
        # None: the limit Discord gives with each interaction (it grows with server boosts).
        self.attachment_limit: int | None = None

    def _unknown_lesson(self, guild_id: int, lesson: str | None) -> str | None:
        # Another server's lesson, typed by hand, is no more known here than a made-up id.
        if lesson is not None and self.bot.catalog.lessons_in(guild_id).lesson(lesson) is None:
            return choices.no_lesson(lesson)
        return None

    @group.command(name="export", description="CSV files of every answer and every member (moderators)")
    @app_commands.describe(
        lesson="Only this lesson's questions",
        period="Questions posted in this period (the server's time zone; weeks start on Monday)",
    )
    @moderator_only()
    async def export(
        self,
        interaction: discord.Interaction[QuizBot],
        lesson: str | None = None,
        period: Period = "all",
    ) -> None:
        guild = interaction.guild
        if guild is None:
            return
        if (problem := self._unknown_lesson(guild.id, lesson)) is not None:
            await interaction.response.send_message(problem, ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        now = self.bot.now()
        tz_name = (await guilds.get_guild_settings(self.bot.database, guild.id)).timezone
        bounds = window(period, local_today(now, tz_name)).utc_bounds(tz_name)
        since, until = bounds if bounds else (None, None)
        found = await export_rows(
            self.bot.database, guild.id, now=now, lesson_id=lesson, since=since, until=until
        )

        def name(member_id: int) -> str:
            # The member cache, else the name kept at the member's latest try: one API call per
            # member would take minutes on a big server.
            member = guild.get_member(member_id)
            return member.display_name if member else found.stored_name(member_id)

        limit = self.attachment_limit or interaction.filesize_limit or ATTACHMENT_BYTES
        # Thousands of rows to format and maybe zip: off the event loop.
        files = await asyncio.to_thread(exports.csv_files, found, name)
        parcel = await asyncio.to_thread(exports.package, files, limit)
        scope = _(PERIOD_SCOPES[period]) + (f" · {self._lesson_title(guild.id, lesson)}" if lesson else "")
        if parcel is None:
            size = sum(len(exports.file_bytes(lines)) for _name, lines in files)
            await interaction.followup.send(render.too_big_text(size, guild.id), ephemeral=True)
            return
        summary = render.export_summary(found, parcel, limit, scope)
        first, *rest = parcel.messages
        await interaction.followup.send(summary, files=_files(first), ephemeral=True)
        for part in rest:
            await interaction.followup.send(files=_files(part), ephemeral=True)

    @group.command(
        name="questions", description="How each question performs, doubtful ones first (moderators)"
    )
    @app_commands.describe(lesson="Only this lesson's questions", page="Which page (8 questions each)")
    @moderator_only()
    async def questions(
        self,
        interaction: discord.Interaction[QuizBot],
        lesson: str | None = None,
        page: app_commands.Range[int, 1, 1000] = 1,
    ) -> None:
        if interaction.guild_id is None:
            return
        if (problem := self._unknown_lesson(interaction.guild_id, lesson)) is not None:
            await interaction.response.send_message(problem, ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        found = await question_quality(self.bot.database, interaction.guild_id, lesson_id=lesson)
        items = render.judged(found, self._shown_question)
        # TRANSLATORS: what /report questions covers without a lesson, as in "Question quality · every lesson".
        scope = self._lesson_title(interaction.guild_id, lesson) if lesson else _("every lesson")
        embed = render.questions_embed(items, page - 1, scope or "")
        bars = [(authored(j.quality.question_id), j.quality.facility, j.verdict.doubtful) for j in items]
        drawn = [(qid, share, doubtful) for qid, share, doubtful in bars if share is not None]
        if not drawn:
            await interaction.followup.send(embed=embed, ephemeral=True)
            return
        # Drawing takes tens of milliseconds: off the event loop. The embed keeps every figure in
        # text, for screen readers and members who turned images off.
        # TRANSLATORS: the chart's title; {scope} is a lesson's title, or "every lesson".
        title = _("Facility per question · {scope}").format(scope=scope)
        # The thread runs in a copy of this context: the chart's labels are in the moderator's language.
        png = await asyncio.to_thread(facility_chart_png, drawn, title)
        embed.set_image(url=f"attachment://{CHART_FILE}")
        await interaction.followup.send(
            embed=embed, file=discord.File(io.BytesIO(png), filename=CHART_FILE), ephemeral=True
        )

    @export.autocomplete("lesson")
    @questions.autocomplete("lesson")
    async def _lesson_choices(
        self, interaction: discord.Interaction[QuizBot], typed: str
    ) -> list[app_commands.Choice[str]]:
        return choices.lessons(interaction, typed)

    def _shown_question(self, question_id: str) -> Question | None:
        """A question as the moderator reads it: the lesson's translation, if it has one."""
        question = self.bot.library.question(question_id)
        return None if question is None else question.in_language(current_locale())

    def _lesson_title(self, guild_id: int, lesson_id: str | None) -> str | None:
        if lesson_id is None:
            return None
        lesson = self.bot.catalog.lessons_in(guild_id).lesson(lesson_id)
        return lesson.title if lesson else authored(lesson_id)


def _files(files: list[tuple[str, bytes]]) -> list[discord.File]:
    return [discord.File(io.BytesIO(content), filename=name) for name, content in files]
