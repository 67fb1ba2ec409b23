"""The Bot: opens storage, loads lessons and cogs, starts the trainer, syncs slash commands."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import pkgutil
import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

import discord
from discord import app_commands
from discord.ext import commands

import cogs
from bot.catalog import Catalog, parse_uploads
from bot.command_translator import CommandTranslator
from bot.discord_target import point_discord_py_at
from bot.i18n import ENGLISH, N_, _, option_name, speak
from bot.posts import Posts
from bot.settings import Settings
from bot.trainer import Trainer
from bot.widgets import ANSWER_ITEMS, AnswerMode
from content import DEFAULT_LESSONS_DIR, Library, Question, load_library
from storage import Database, guilds, server_lessons

log = logging.getLogger(__name__)

CogT = TypeVar("CogT", bound=commands.Cog)

LANGUAGE_KEPT_S = 60  # how long a server's /config language is kept before it is read again
UNKNOWN_BUTTON = N_(
    "Sorry, I don't recognise that button: it may be from an old version of me, or damaged. "
    "Nothing was recorded."
)

COMMAND_REFUSED = N_("Sorry, that can't be done here.")

COMMAND_FAILED = N_(
    "Sorry, something went wrong on my side and that didn't work. Nothing you had is lost: "
    "try again in a moment."
)


class Refusal(app_commands.CheckFailure):
    """The member may not do this (or not like that); the message says why, for them. Raised by
    the checks in cogs._checks and by options_as_declared; QuizBot's error handler sends it."""


async def tell_privately(interaction: discord.Interaction, text: str) -> None:
    """Send `text` only to the member, whether or not the interaction was answered already."""
    with contextlib.suppress(discord.HTTPException):
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)


async def apologise(interaction: discord.Interaction) -> None:
    """Tell the member their command or click failed on our side."""
    await tell_privately(interaction, _(COMMAND_FAILED))


def _apologise_on_error(item: type[discord.ui.DynamicItem[Any]]) -> None:
    """discord.py only logs an exception from a persistent button's callback, so the member sees
    "This interaction failed" and wonders whether their answer counted. Wrap each registered
    callback once: the error is logged as before, and the member gets an apology (in their
    language: the wrapper is also where a click starts speaking it)."""
    callback = item.callback
    if getattr(callback, "_apologises", False):
        return

    @functools.wraps(callback)
    async def apologising(self: discord.ui.DynamicItem[Any], interaction: discord.Interaction) -> None:
        speak(interaction.locale)  # each click runs in its own task: answered in the member's language
        try:
            await callback(self, interaction)
        except Exception:
            log.exception("%s failed for custom_id %s", item.__name__, self.custom_id)
            await apologise(interaction)

    apologising._apologises = True  # type: ignore[attr-defined]
    item.callback = apologising  # type: ignore[method-assign]


def _allowed(param: app_commands.Parameter) -> str:
    """The refusal of a value out of the option's range: one whole sentence per case."""
    low, high = param.min_value, param.max_value
    option = option_name(param.display_name)
    if param.type is discord.AppCommandOptionType.string:
        if low is not None and high is not None:
            # TRANSLATORS: {option} is a slash command option's name, e.g. close_after.
            text = _("{option} must be between {low} and {high} characters long.")
        elif low is not None:
            # TRANSLATORS: {option} is a slash command option's name, e.g. close_after.
            text = _("{option} must be at least {low} characters long.")
        else:
            # TRANSLATORS: {option} is a slash command option's name, e.g. close_after.
            text = _("{option} must be at most {high} characters long.")
    elif low is not None and high is not None:
        # TRANSLATORS: {option} is a slash command option's name, e.g. close_after.
        text = _("{option} must be between {low} and {high}.")
    elif low is not None:
        # TRANSLATORS: {option} is a slash command option's name, e.g. close_after.
        text = _("{option} must be at least {low}.")
    else:
        # TRANSLATORS: {option} is a slash command option's name, e.g. close_after.
        text = _("{option} must be at most {high}.")
    return text.format(option=option, low=low, high=high)


async def options_as_declared(interaction: discord.Interaction[Any]) -> bool:
    """Discord's client keeps an option to its range and choices, but a forged request need not:
    check them here too (discord.py's Range only tells Discord), and say what is allowed."""
    command = interaction.command
    if not isinstance(command, app_commands.Command):
        return True
    for param in command.parameters:
        value = getattr(interaction.namespace, param.display_name, None)
        if value is None:
            continue
        if param.choices and value not in [choice.value for choice in param.choices]:
            names = ", ".join(_(choice.name) for choice in param.choices)  # as the picker shows them
            # TRANSLATORS: {option} is a slash command option's name; {choices} lists its choices.
            text = _("{option} must be one of: {choices}.")
            raise Refusal(text.format(option=option_name(param.display_name), choices=names))
        measured = len(value) if isinstance(value, str) else value
        if not isinstance(measured, (int, float)) or isinstance(measured, bool):
            continue
        too_low = param.min_value is not None and measured < param.min_value
        too_high = param.max_value is not None and measured > param.max_value
        if too_low or too_high:
            raise Refusal(_allowed(param))
    return True


def discover_extensions() -> Iterator[str]:
    """Every module or package in cogs/ is an extension; names starting with `_` are helpers."""
    for module in pkgutil.iter_modules(cogs.__path__, prefix=f"{cogs.__name__}."):
        if not module.name.rsplit(".", 1)[-1].startswith("_"):
            yield module.name


class QuizTree(app_commands.CommandTree["QuizBot"]):
    async def interaction_check(self, interaction: discord.Interaction[QuizBot], /) -> bool:
        # Every command and autocomplete runs in its own task: it answers in the member's language.
        speak(interaction.locale)
        return True


class QuizBot(commands.AutoShardedBot):
    """The quizbot application: one instance per process, running every shard or the ones
    QUIZBOT_SHARD_IDS gives it (discord.py's AutoShardedBot; one shard for most study groups)."""

    def __init__(
        self,
        settings: Settings,
        *,
        trainer: Trainer | None = None,
        clock: Callable[[], datetime] | None = None,
        **options: object,
    ) -> None:
        if settings.shard_ids is not None:
            options["shard_ids"] = settings.shard_ids
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents.default(),
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            shard_count=settings.shard_count,
            tree_cls=QuizTree,
            **options,  # type: ignore[arg-type]
        )
        self.settings = settings
        point_discord_py_at(settings.discord_api_url, settings.discord_gateway_url)
        self.trainer = trainer or Trainer.from_settings(settings)
        self._owns_trainer = trainer is None
        # The bundled lessons and every server's own (bot.catalog); `library` indexes them all.
        self.catalog = Catalog(Library(lessons={}, questions={}, skipped=[]))
        self._lesson_changes_seen = 0
        self.db: Database | None = None
        self.posts = Posts(self)
        self._answer_modes: dict[str, AnswerMode[Any]] = {}
        self._lessons_loading = asyncio.Lock()  # one load at a time: an older one never swaps in last
        self._dynamic_patterns: list[re.Pattern[str]] = []
        self._clock: Callable[[], datetime] = clock or functools.partial(datetime.now, UTC)
        self._languages: dict[int, tuple[float, str | None]] = {}  # guild -> (read at, /config language)

    def now(self) -> datetime:
        """The bot's clock: real UTC time unless one was injected (tests move time that way)."""
        return self._clock()

    @property
    def library(self) -> Library:
        """Every lesson, bundled or a server's: for ids read back from storage (posts, review cards).
        What a member may pick is `catalog.lessons_in(guild)`."""
        return self.catalog.everything

    async def server_locale(self, guild_id: int | None) -> str:
        """The language of a server's public posts: `/config language`, else the server's own
        Discord language. Read from storage at most once a minute per server (every process sees
        a change within that)."""
        if guild_id is None:
            return ENGLISH
        read_at, chosen = self._languages.get(guild_id, (-LANGUAGE_KEPT_S, None))
        if time.monotonic() - read_at >= LANGUAGE_KEPT_S:
            chosen = (await guilds.get_guild_settings(self.database, guild_id)).language
            self._languages[guild_id] = (time.monotonic(), chosen)
        if chosen:
            return chosen
        guild = self.get_guild(guild_id)
        return str(guild.preferred_locale) if guild is not None else ENGLISH

    def forget_server_locale(self, guild_id: int) -> None:
        self._languages.pop(guild_id, None)

    @property
    def database(self) -> Database:
        if self.db is None:
            raise RuntimeError("storage is not open yet (setup_hook has not run)")
        return self.db

    async def setup_hook(self) -> None:
        # Lessons first: a bad pack stops start-up before anything else is opened. Read in a thread:
        # the playground's page is already served by this loop.
        await self.refresh_lessons()
        log.info("Loaded %d lessons, %d questions", len(self.library.lessons), len(self.library.questions))
        self.db = await Database.open(self.settings.database_url)
        log.info("Storage ready at %s", self.db.url)
        await self.follow_server_lessons(everything=True)
        # The worker warms up (imports TensorFlow) in the background; login does not wait for it.
        await self.trainer.start()
        self.add_dynamic_items(*ANSWER_ITEMS)
        self.posts.start()
        for extension in discover_extensions():
            await self.load_extension(extension)
        for command in self.tree.walk_commands():
            if isinstance(command, app_commands.Command):
                command.add_check(options_as_declared)
        self.tree.error(self.on_app_command_error)
        await self.tree.set_translator(CommandTranslator())
        await self.sync_commands()

    async def on_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """A command that failed (the database away, a bug): logged, and the member told, instead of
        Discord's bare "The application did not respond"."""
        if isinstance(error, app_commands.CheckFailure):
            # A Refusal's message is written for the member; discord.py's own checks' are not.
            await tell_privately(
                interaction, str(error) if isinstance(error, Refusal) else _(COMMAND_REFUSED)
            )
            return
        log.error(
            "/%s failed", interaction.command.qualified_name if interaction.command else "?", exc_info=error
        )
        await apologise(interaction)

    def add_dynamic_items(self, *items: type[discord.ui.DynamicItem[Any]]) -> None:
        for item in items:
            _apologise_on_error(item)
        super().add_dynamic_items(*items)
        self._dynamic_patterns += [item.__discord_ui_compiled_template__ for item in items]

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """A component whose custom_id is ours in form (`area:...`) but matches no registered item
        was forged or is from an old version: say so instead of letting the click fail silently."""
        if interaction.type is not discord.InteractionType.component or interaction.data is None:
            return
        speak(interaction.locale)  # a listener runs in a task of its own
        custom_id = str(interaction.data.get("custom_id", ""))
        if ":" in custom_id and not any(p.fullmatch(custom_id) for p in self._dynamic_patterns):
            await self.unknown_button(interaction)

    async def unknown_button(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(_(UNKNOWN_BUTTON), ephemeral=True)

    def holds_guild(self, guild_id: int) -> bool:
        """Whether this process holds the guild's shard: with several shard processes, only that
        one runs the guild's timed work (daily quizzes, live rounds)."""
        shard_ids, count = self.shard_ids, self.shard_count
        if not shard_ids or not count:
            return True  # this process runs every shard
        return (guild_id >> 22) % count in shard_ids

    def add_answer_mode(self, name: str, mode: AnswerMode[Any]) -> None:
        """Plug a way of answering into the shared answer widgets (bot.widgets): their custom_ids
        start with `name`."""
        self._answer_modes[name] = mode

    def answer_mode(self, name: str) -> AnswerMode[Any] | None:
        return self._answer_modes.get(name)

    def feature(self, cog_type: type[CogT]) -> CogT:
        """The loaded cog of this type, typed: how a feature's persistent items reach their cog.
        Found by the cog's name, not isinstance: reloading an extension makes a new class."""
        cog = self.get_cog(cog_type.__cog_name__)
        if cog is None:
            raise LookupError(f"{cog_type.__cog_name__} is not loaded")
        return cast(CogT, cog)

    def load_lessons(self) -> Library:
        """Read and check the lesson files into a new Library, touching nothing the bot uses: safe in
        a thread, so a big pack never stalls the event loop. LessonError if a pack is broken (unless
        the settings skip bad packs)."""
        return load_library(
            self.settings.content_dir or DEFAULT_LESSONS_DIR, skip_bad=self.settings.skip_bad_lessons
        )

    def use_lessons(self, library: Library) -> None:
        """Swap in the loaded bundled lessons (on the event loop): one assignment, never half a library."""
        self.catalog = self.catalog.with_bundled(library)

    async def follow_server_lessons(self, *, everything: bool = False) -> None:
        """Reload the lessons of the servers whose uploads changed since the last look (another
        process may have published them), or of every server at start-up. Parsed in a thread."""
        db = self.database
        if everything:
            self._lesson_changes_seen = await server_lessons.last_change(db)
            uploads = await server_lessons.lessons_in_use(db)
            hidden = await server_lessons.hidden_lessons(db)
            parsed = await asyncio.to_thread(parse_uploads, uploads)
            self.catalog = Catalog(self.catalog.bundled, parsed, hidden)
            return
        newest, guilds = await server_lessons.changes_since(db, self._lesson_changes_seen)
        if not guilds:
            return
        uploads = await server_lessons.lessons_in_use(db, sorted(guilds))
        hidden = await server_lessons.hidden_lessons(db, sorted(guilds))
        changed = await asyncio.to_thread(parse_uploads, uploads)
        self.catalog = self.catalog.with_servers(changed, hidden, guilds)
        self._lesson_changes_seen = newest

    async def refresh_lessons(self) -> Library:
        """Load the lessons in a thread and swap them in on the loop (start-up, SIGHUP). On
        LessonError the lessons in use stay as they were."""
        async with self._lessons_loading:
            library = await asyncio.to_thread(self.load_lessons)
            self.use_lessons(library)
            return library

    def question_items(self, question: Question) -> list[discord.ui.Item[Any]]:
        """Extra buttons for a question wherever it is shown (a post, /practice): any cog may offer
        them with a `question_items(question)` method; the trainer's cog adds "Run the code"."""
        items: list[discord.ui.Item[Any]] = []
        for cog in self.cogs.values():
            provider = getattr(cog, "question_items", None)
            if provider is not None:
                items.extend(provider(question))
        return items

    async def sync_commands(self) -> None:
        guild_id = self.settings.dev_guild
        if guild_id is not None:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("Synced %d commands to guild %s", len(synced), guild_id)
        else:
            synced = await self.tree.sync()
            log.info("Synced %d global commands", len(synced))

    async def close(self) -> None:
        self.posts.stop()
        await super().close()
        if self._owns_trainer:
            await self.trainer.close()
        if self.db is not None:
            await self.db.close()
            self.db = None
