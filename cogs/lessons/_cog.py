"""/lessons upload file: [format:]: what an uploaded question file becomes, and Publish to keep it.

The size is checked from the attachment before anything is downloaded; the conversion (every format
in content.formats, untrusted input handled there as one problem line each) runs off the event loop.
A valid file is kept as a draft (storage.server_lessons) until a moderator presses Publish or Cancel.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.loops import every
from cogs import _choices as choices
from cogs._checks import NOT_A_MODERATOR, is_moderator, moderator_only
from cogs.lessons import _render as render
from cogs.lessons._items import DYNAMIC_ITEMS
from content.formats import EXPORT_FORMATS, FORMATS, convert, export
from storage import server_lessons as store
from storage.models import LessonUpload

if TYPE_CHECKING:
    from bot.app import QuizBot

log = logging.getLogger(__name__)

FOLLOW_SECONDS = 5  # how soon every process sees a server's newly published lesson


class Lessons(commands.Cog):
    lessons = app_commands.Group(
        name="lessons", description="Bring your own lessons (moderators)", guild_only=True
    )

    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*DYNAMIC_ITEMS)
        self.follow.start()

    async def cog_unload(self) -> None:
        self.follow.cancel()

    @every(seconds=FOLLOW_SECONDS, what="reloading uploaded lessons")
    async def follow(self) -> None:
        # Another process (or this one) published a server's lessons: every process sees them.
        await self.bot.follow_server_lessons()

    @lessons.command(name="upload", description="Add a lesson from a question file: preview, then Publish")
    @app_commands.describe(
        file="A lesson file: quizbot YAML, GIFT, Moodle XML, Aiken, Kahoot CSV, Red trivia, Open Trivia DB",
        format="The file's format, if quizbot should not tell it from the name and content",
    )
    @app_commands.choices(
        format=[app_commands.Choice(name=label, value=name) for name, label in FORMATS.items()]
    )
    @moderator_only()
    async def upload(
        self, interaction: discord.Interaction[QuizBot], file: discord.Attachment, format: str | None = None
    ) -> None:
        refused = render.refused_for_size(file.filename, file.size)
        if refused:  # from the size Discord reports, before downloading a byte
            await interaction.response.send_message(refused, ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            data = await file.read()
        except discord.HTTPException as exc:
            log.warning("downloading %s failed: %s", file.url, exc)
            await interaction.followup.send(render.download_failed(file.filename), ephemeral=True)
            return
        conversion = await asyncio.to_thread(convert, file.filename, data, format)
        if conversion.lesson is None or conversion.pack_yaml is None:
            await self._send(interaction, render.problems_reply(file.filename, conversion))
            return
        lesson = conversion.lesson
        assert interaction.guild_id is not None
        draft = LessonUpload(
            guild_id=interaction.guild_id,
            lesson_id=lesson.id,
            title=lesson.title[:256],
            questions=len(lesson.questions),
            source=file.filename[:200],
            format=conversion.format[:20],
            text=conversion.pack_yaml,
            uploaded_by=interaction.user.id,
            uploaded_at=self.bot.now(),
        )
        draft_id = await store.save_draft(self.bot.database, draft)
        replacing = await store.current_version(self.bot.database, interaction.guild_id, lesson.id)
        await self._send(interaction, render.preview_reply(file.filename, conversion, lesson))
        await self._send(interaction, render.publish_question(lesson, draft_id, replacing))

    @staticmethod
    async def _moderator(interaction: discord.Interaction[QuizBot]) -> bool:
        """Buttons are not commands: the moderator check is asked here, and a refusal told privately."""
        if await is_moderator(interaction):
            return True
        await interaction.response.send_message(NOT_A_MODERATOR, ephemeral=True)
        return False

    @staticmethod
    async def _send(interaction: discord.Interaction[QuizBot], reply: render.Reply) -> None:
        await interaction.followup.send(
            reply.content or discord.utils.MISSING,
            embeds=reply.embeds or discord.utils.MISSING,
            view=reply.view or discord.utils.MISSING,
            files=reply.files or discord.utils.MISSING,
            ephemeral=True,
        )

    async def publish(self, interaction: discord.Interaction[QuizBot], draft_id: int, replacing: int) -> None:
        """Publish pressed: the draft becomes the lesson's next version, unless another moderator
        published one since the preview (asked again) or the server has its most lessons."""
        if not await self._moderator(interaction):
            return
        assert interaction.guild_id is not None
        db = self.bot.database
        draft = await store.get_draft(db, draft_id, interaction.guild_id)
        outcome = await store.publish(
            db,
            draft_id,
            interaction.guild_id,
            replacing=replacing,
            limit=self.bot.settings.server_lessons,
            now=self.bot.now(),
        )
        if draft is None or outcome is None:
            await interaction.response.edit_message(content=render.DRAFT_GONE, view=None)
        elif isinstance(outcome, store.Published):
            await self.bot.follow_server_lessons()  # this process sees it at once; the others within seconds
            await interaction.response.edit_message(
                content=render.published(draft, outcome.version), view=None
            )
        elif isinstance(outcome, store.Changed):
            reply = render.publish_question_again(draft, draft_id, outcome.version)
            await interaction.response.edit_message(content=reply.content, view=reply.view)
        else:
            await interaction.response.edit_message(content=render.too_many(outcome.limit), view=None)

    async def cancel(self, interaction: discord.Interaction[QuizBot], draft_id: int) -> None:
        if not await self._moderator(interaction):
            return
        assert interaction.guild_id is not None
        dropped = await store.drop_draft(self.bot.database, draft_id, interaction.guild_id)
        await interaction.response.edit_message(
            content=render.CANCELLED if dropped else render.DRAFT_GONE, view=None
        )

    @lessons.command(name="list", description="Every lesson this server sees, and where it comes from")
    @moderator_only()
    async def list_lessons(self, interaction: discord.Interaction[QuizBot]) -> None:
        lessons = list(self.bot.library.lessons.values())
        await interaction.response.send_message(embed=render.lessons_embed(lessons), ephemeral=True)

    @lessons.command(name="download", description="A lesson's file, to edit and check again (moderators)")
    @app_commands.describe(lesson="The lesson", format="yaml (default), or gift / moodle-xml for Moodle")
    @app_commands.choices(
        format=[app_commands.Choice(name=render.format_label(name), value=name) for name in EXPORT_FORMATS]
    )
    @moderator_only()
    async def download(
        self, interaction: discord.Interaction[QuizBot], lesson: str, format: str = "yaml"
    ) -> None:
        # Moderators only: a lesson's file holds every answer, open questions' too.
        found = self.bot.library.lesson(lesson)
        if found is None:
            await interaction.response.send_message(
                choices.no_lesson(lesson),
                ephemeral=True,
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        text, notes = await asyncio.to_thread(export, found, format)
        reply = render.download_reply(found, format, text, notes)
        await interaction.followup.send(reply.content, files=reply.files, ephemeral=True)

    @download.autocomplete("lesson")
    async def _lesson_choices(
        self, interaction: discord.Interaction[QuizBot], typed: str
    ) -> list[app_commands.Choice[str]]:
        return choices.lessons(interaction, typed)
