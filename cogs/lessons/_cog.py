"""/lessons upload file: [format:]: what an uploaded question file becomes, and Publish to keep it.

The size is checked from the attachment before anything is downloaded; the conversion (every format
in content.formats, untrusted input handled there as one problem line each) runs off the event loop.
A valid file is kept as a draft (storage.server_lessons) until a moderator presses Publish or Cancel.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.i18n import _
from bot.loops import every
from cogs import _choices as choices
from cogs._checks import NOT_A_MODERATOR, is_moderator, moderator_only
from cogs.lessons import _render as render
from cogs.lessons._items import DYNAMIC_ITEMS
from content import Lesson, load_lesson_text
from content.formats import EXPORT_FORMATS, FORMATS, convert, export
from content.scoping import authored, guild_of, scoped
from storage import schedules
from storage import server_lessons as store
from storage.models import LessonUpload

if TYPE_CHECKING:
    from bot.app import QuizBot

log = logging.getLogger(__name__)

FOLLOW_SECONDS = 5  # how soon every process sees a server's newly published lesson
DRAFTS_KEPT = timedelta(days=1)  # an upload nobody published or cancelled is forgotten after this


class Lessons(commands.Cog):
    lessons = app_commands.Group(
        name="lessons", description="Bring your own lessons (moderators)", guild_only=True
    )

    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*DYNAMIC_ITEMS)
        self.follow.start()
        self.prune.start()

    async def cog_unload(self) -> None:
        self.follow.cancel()
        self.prune.cancel()

    @every(seconds=FOLLOW_SECONDS, what="reloading uploaded lessons")
    async def follow(self) -> None:
        # Another process (or this one) published a server's lessons: every process sees them.
        await self.bot.follow_server_lessons()

    @every(minutes=60, what="forgetting old uploads")
    async def prune(self) -> None:
        await store.prune(self.bot.database, self.bot.now() - DRAFTS_KEPT)

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
        limits = self.bot.settings.import_limits
        refused = render.refused_for_size(file.filename, file.size, limits.max_bytes)
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
        conversion = await asyncio.to_thread(convert, file.filename, data, format, limits)
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
        await interaction.response.send_message(_(NOT_A_MODERATOR), ephemeral=True)
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
        draft = await store.get_draft(self.bot.database, draft_id, interaction.guild_id)
        outcome = await self._publish(interaction.guild_id, draft_id, replacing)
        if draft is None or outcome is None:
            await interaction.response.edit_message(content=_(render.DRAFT_GONE), view=None)
        elif isinstance(outcome, store.Published):
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
            content=_(render.CANCELLED) if dropped else _(render.DRAFT_GONE), view=None
        )

    @lessons.command(name="list", description="Every lesson this server sees, and where it comes from")
    @moderator_only()
    async def list_lessons(self, interaction: discord.Interaction[QuizBot]) -> None:
        catalog = self.bot.catalog
        lessons = list(catalog.lessons_in(interaction.guild_id).lessons.values())
        uploads = {lesson.id: up for lesson in lessons if (up := catalog.upload_of(lesson.id)) is not None}
        assert interaction.guild_id is not None
        hidden = catalog.hidden_in(interaction.guild_id)
        embed = render.lessons_embed(lessons, uploads, hidden)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @lessons.command(name="download", description="A lesson's file, to edit and check again (moderators)")
    @app_commands.describe(lesson="The lesson", format="yaml (default), or gift / moodle-xml for Moodle")
    @app_commands.choices(
        format=[app_commands.Choice(name=FORMATS[name], value=name) for name in EXPORT_FORMATS]
    )
    @moderator_only()
    async def download(
        self, interaction: discord.Interaction[QuizBot], lesson: str, format: str = "yaml"
    ) -> None:
        # Moderators only: a lesson's file holds every answer, open questions' too.
        found = self._lesson_here(interaction, lesson)
        if found is None:
            await interaction.response.send_message(choices.no_lesson(lesson), ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        upload = self.bot.catalog.upload_of(found.id)
        if upload is not None:  # under the ids its authors wrote, not the server's
            found = await asyncio.to_thread(load_lesson_text, upload.text, upload.source)
        if upload is not None and format == "yaml":
            text, notes = upload.text, list[str]()  # the file as stored: it uploads again unchanged
        else:
            text, notes = await asyncio.to_thread(export, found, format)
        reply = render.download_reply(found, format, text, notes)
        await interaction.followup.send(reply.content, files=reply.files, ephemeral=True)

    def _lesson_here(self, interaction: discord.Interaction[QuizBot], lesson_id: str) -> Lesson | None:
        return self.bot.catalog.lessons_in(interaction.guild_id).lesson(lesson_id)

    @lessons.command(name="history", description="A lesson's uploaded versions, to restore an earlier one")
    @app_commands.describe(lesson="One of this server's uploaded lessons (removed ones too)")
    @moderator_only()
    async def history(self, interaction: discord.Interaction[QuizBot], lesson: str) -> None:
        assert interaction.guild_id is not None
        lesson_id = self._authored_here(interaction.guild_id, lesson)
        db = self.bot.database
        versions = await store.versions(db, interaction.guild_id, lesson_id)
        if not versions:
            await interaction.response.send_message(render.no_history(lesson_id), ephemeral=True)
            return
        in_use = await store.current_version(db, interaction.guild_id, lesson_id)
        reply = render.history_reply(lesson_id, versions, in_use)
        await interaction.response.send_message(
            embeds=reply.embeds, view=reply.view or discord.utils.MISSING, ephemeral=True
        )

    @staticmethod
    def _authored_here(guild_id: int, lesson: str) -> str:
        """A lesson id as this server's moderators wrote it (the pickers may give the scoped one)."""
        return authored(lesson) if guild_of(lesson) == guild_id else lesson

    @history.autocomplete("lesson")
    async def _history_choices(
        self, interaction: discord.Interaction[QuizBot], typed: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        titles = await store.uploaded_lessons(self.bot.database, interaction.guild_id)
        return choices.named(titles, typed)

    async def restore(
        self, interaction: discord.Interaction[QuizBot], upload_id: int, replacing: int
    ) -> None:
        """Restore pressed: that version's text is published again as the lesson's newest version."""
        if not await self._moderator(interaction):
            return
        assert interaction.guild_id is not None
        db = self.bot.database
        row = await store.get_version(db, upload_id, interaction.guild_id)
        if row is None:
            await interaction.response.edit_message(content=_(render.VERSION_GONE), embeds=[], view=None)
            return
        draft = await store.draft_of_version(db, row, by=interaction.user.id, now=self.bot.now())
        assert draft.id is not None
        outcome = await self._publish(interaction.guild_id, draft.id, replacing)
        if isinstance(outcome, store.Published):
            await interaction.response.edit_message(
                content=render.restored(draft, outcome.version), embeds=[], view=None
            )
            return
        if isinstance(outcome, store.Changed):  # asked again, as an upload is
            reply = render.publish_question_again(draft, draft.id, outcome.version)
            await interaction.response.edit_message(content=reply.content, embeds=[], view=reply.view)
            return
        await store.drop_draft(db, draft.id, interaction.guild_id)
        text = render.too_many(outcome.limit) if outcome else _(render.DRAFT_GONE)
        await interaction.response.edit_message(content=text, embeds=[], view=None)

    async def _publish(
        self, guild_id: int, draft_id: int, replacing: int
    ) -> store.Published | store.Changed | store.TooMany | None:
        outcome = await store.publish(
            self.bot.database,
            draft_id,
            guild_id,
            replacing=replacing,
            limit=self.bot.settings.server_lessons,
            now=self.bot.now(),
        )
        if isinstance(outcome, store.Published):
            await self.bot.follow_server_lessons()  # this process sees it at once; the others within seconds
        return outcome

    @lessons.command(
        name="remove", description="Take one of this server's uploaded lessons away (asks first)"
    )
    @app_commands.describe(lesson="One of this server's uploaded lessons")
    @moderator_only()
    async def remove(self, interaction: discord.Interaction[QuizBot], lesson: str) -> None:
        found = self._lesson_here(interaction, lesson)
        if found is None:
            await interaction.response.send_message(choices.no_lesson(lesson), ephemeral=True)
            return
        upload = self.bot.catalog.upload_of(found.id)
        if upload is None or upload.id is None:
            await interaction.response.send_message(render.not_removable(found), ephemeral=True)
            return
        assert interaction.guild_id is not None
        schedules = await self._active_schedules_of(interaction.guild_id, found.id)
        reply = render.remove_question(found, schedules, upload.id)
        assert reply.view is not None
        await interaction.response.send_message(reply.content, view=reply.view, ephemeral=True)

    async def _active_schedules_of(self, guild_id: int, lesson_id: str) -> int:
        listed = await schedules.list_schedules(self.bot.database, guild_id)
        return sum(1 for s in listed if s.lesson_id == lesson_id and not s.paused)

    async def remove_pressed(self, interaction: discord.Interaction[QuizBot], upload_id: int) -> None:
        if not await self._moderator(interaction):
            return
        assert interaction.guild_id is not None
        db = self.bot.database
        row = await store.get_version(db, upload_id, interaction.guild_id)
        if row is None or row.version is None:
            await interaction.response.edit_message(content=_(render.VERSION_GONE), view=None)
            return
        outcome = await store.remove(
            db,
            interaction.guild_id,
            row.lesson_id,
            version=row.version,
            schedules_id=scoped(interaction.guild_id, row.lesson_id),
            reason=render.removed_reason(row.lesson_id, interaction.user.id),
            now=self.bot.now(),
        )
        if isinstance(outcome, store.Changed):
            text = render.removed_meanwhile(row.lesson_id, outcome.version)
        else:
            await self.bot.follow_server_lessons()
            text = render.removed(row.lesson_id, outcome.paused)
        await interaction.response.edit_message(content=text, view=None)

    async def keep(self, interaction: discord.Interaction[QuizBot]) -> None:
        await interaction.response.edit_message(content=_(render.KEPT), view=None)

    @lessons.command(name="hide", description="Take a lesson that comes with quizbot off this server's lists")
    @app_commands.describe(lesson="A lesson that comes with quizbot")
    @moderator_only()
    async def hide(self, interaction: discord.Interaction[QuizBot], lesson: str) -> None:
        found = self._lesson_here(interaction, lesson)
        if found is None:
            hidden = self.bot.catalog.bundled.lesson(lesson)  # not in this server's view: hidden already
            text = render.hidden(hidden, None) if hidden else choices.no_lesson(lesson)
            await interaction.response.send_message(text, ephemeral=True)
            return
        if guild_of(found.id) is not None:
            await interaction.response.send_message(render.not_hideable(found), ephemeral=True)
            return
        assert interaction.guild_id is not None
        outcome = await store.hide(
            self.bot.database,
            interaction.guild_id,
            found.id,
            reason=render.hidden_reason(found.id, interaction.user.id),
            now=self.bot.now(),
        )
        await self.bot.follow_server_lessons()
        paused = outcome.paused if outcome else None
        await interaction.response.send_message(render.hidden(found, paused), ephemeral=True)

    @lessons.command(name="show", description="List a hidden lesson that comes with quizbot again")
    @app_commands.describe(lesson="A lesson this server hides")
    @moderator_only()
    async def show(self, interaction: discord.Interaction[QuizBot], lesson: str) -> None:
        found = self.bot.catalog.bundled.lesson(lesson)
        if found is None:
            await interaction.response.send_message(choices.no_lesson(lesson), ephemeral=True)
            return
        assert interaction.guild_id is not None
        changed = await store.show(self.bot.database, interaction.guild_id, found.id, now=self.bot.now())
        await self.bot.follow_server_lessons()
        await interaction.response.send_message(render.shown(found, changed), ephemeral=True)

    @show.autocomplete("lesson")
    async def _hidden_choices(
        self, interaction: discord.Interaction[QuizBot], typed: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        hidden = self.bot.catalog.hidden_in(interaction.guild_id)
        return choices.named({lesson.id: lesson.title for lesson in hidden}, typed)

    @download.autocomplete("lesson")
    async def _lesson_choices(
        self, interaction: discord.Interaction[QuizBot], typed: str
    ) -> list[app_commands.Choice[str]]:
        return choices.lessons(interaction, typed)

    @remove.autocomplete("lesson")
    async def _own_choices(
        self, interaction: discord.Interaction[QuizBot], typed: str
    ) -> list[app_commands.Choice[str]]:
        return choices.lessons(interaction, typed, keep=lambda lesson: guild_of(lesson.id) is not None)

    @hide.autocomplete("lesson")
    async def _bundled_choices(
        self, interaction: discord.Interaction[QuizBot], typed: str
    ) -> list[app_commands.Choice[str]]:
        return choices.lessons(interaction, typed, keep=lambda lesson: guild_of(lesson.id) is None)
