"""/live start and /live stop, the game's steps, and the `live` answer mode.

A game is a row (storage.live_games) moved one step at a time by compare-and-set: the lobby runs
out, a question is posted, its time runs out (or everyone who joined has answered) and it is
revealed, a few seconds later the next one comes, and after the last the podium. Every process runs
the steps of the games of the guilds it holds; whichever takes a step first does it, once. A bot
restarted mid-game picks up where the row says, revealing at once a deadline that passed meanwhile.

The lobby, the questions, their reveals and the podium are public: built speaking the server's
language (and each question in the lesson's translation for it, if it has one). Replies to a member
are in theirs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import live as standings
from bot.attempts import AttemptStatus, LockedIn, decide_once
from bot.daily import pick_questions
from bot.embeds import blanks_form_embed
from bot.i18n import N_, _, current_locale, ngettext, speaking
from bot.loops import every
from bot.posts import CHANGED_QUESTION, cannot_post
from bot.widgets import FORGED_QUESTION, UNSET, answer_view
from cogs import _choices as choices
from cogs._checks import moderator_only
from cogs.live import _render as render
from cogs.live._items import LIVE_MODE, answer_state, lobby_view, podium_view, ranking_view, read_state
from content import Lesson, Question
from storage import Post, attempt_rows, post_rows
from storage import live_games as store
from storage.models import LiveGame

if TYPE_CHECKING:
    from bot.app import QuizBot

log = logging.getLogger(__name__)


STALE = N_("This live question is no longer available.")
TIME_UP = N_("Time's up on this question: answers are no longer taken.")
FINISHED = N_("This live round has finished.")


def _letters(question: Question, stored: tuple[str, ...]) -> str:
    return ", ".join(question.shown_letters(stored))


def _already_locked_in(question: Question, stored: tuple[str, ...]) -> str:
    # TRANSLATORS: {answer} is the option letters the member picked: "B" or "A, C".
    return _("You're already locked in: **{answer}**.").format(answer=_letters(question, stored))


# A question's message still unknown this long after its step was taken: its sender died.
UNSENT_AFTER = timedelta(seconds=3)


class Live(commands.Cog):
    live = app_commands.Group(name="live", description="Live rounds: a timed quiz game", guild_only=True)
    lobby_seconds = 15
    reveal_seconds = 5  # the reveal stays alone this long before the next question

    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot
        self._steps: dict[int, asyncio.Lock] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        # What a click needs, without a database read per click (a rush is hundreds a second):
        # each game as last read (re-read once a click names a post it does not list yet), who
        # joined, and who this process has locked in per post (for "everyone has answered").
        self._games: dict[int, LiveGame] = {}
        self._loading: dict[int, asyncio.Task[LiveGame | None]] = {}
        self._joined: dict[int, set[int]] = {}
        self._answered: dict[int, set[int]] = {}

    async def cog_load(self) -> None:
        self.loop.start()

    async def cog_unload(self) -> None:
        self.loop.cancel()
        for task in self._tasks:
            task.cancel()

    # ----- commands -------------------------------------------------------------------------
    @live.command(name="start", description="Start a live round: timed questions, speed points (moderators)")
    @app_commands.describe(
        lesson="The lesson to take the questions from",
        questions="How many questions (default 10)",
        seconds="Seconds per question (default 20)",
        channel="Where to play (default: here)",
    )
    @moderator_only()
    async def start(
        self,
        interaction: discord.Interaction[QuizBot],
        lesson: str,
        questions: app_commands.Range[int, 1, 30] = 10,
        seconds: app_commands.Range[int, 5, 120] = 20,
        channel: discord.TextChannel | None = None,
    ) -> None:
        found = self.bot.catalog.lessons_in(interaction.guild_id).lesson(lesson)
        if found is None:
            await interaction.response.send_message(choices.no_lesson(lesson), ephemeral=True)
            return
        target = channel or interaction.channel
        if not isinstance(target, discord.TextChannel | discord.Thread) or interaction.guild_id is None:
            await interaction.response.send_message(
                _("I can only run a live round in a server's text channel or thread."), ephemeral=True
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        recency = await post_rows.question_recency(self.bot.database, interaction.guild_id, target.id)
        picked = pick_questions(found.questions, recency, questions)
        now = self.bot.now()
        try:
            game = await store.create_game(
                self.bot.database,
                guild_id=interaction.guild_id,
                channel_id=target.id,
                lesson_id=found.id,
                question_ids=[q.id for q in picked],
                seconds=seconds,
                started_by=interaction.user.id,
                starts_at=now + timedelta(seconds=self.lobby_seconds),
                now=now,
            )
        except store.GameRunning:
            await interaction.followup.send(
                # TRANSLATORS: {channel} is a channel's mention; `/live stop` is a command: keep it as it is.
                _("A live round is already running in {channel}: `/live stop` there ends it.").format(
                    channel=target.mention
                )
            )
            return
        assert game.id is not None
        with speaking(await self.bot.server_locale(interaction.guild_id)):  # the lobby is public
            embed, view = render.lobby_embed(found, game, []), lobby_view(game.id)
        try:
            lobby = await target.send(embed=embed, view=view)
        except discord.HTTPException:
            await store.advance(self.bot.database, game, phase=store.DONE, finished_at=self.bot.now())
            await interaction.followup.send(cannot_post(target.mention))
            return
        await store.advance(self.bot.database, game, message_id=lobby.id)
        self._wake_at(game.deadline)
        count = len(picked)
        if count == questions:
            # TRANSLATORS: {channel} is a channel's mention, {seconds} a whole number of seconds, {when}
            # a Discord timestamp that reads "in 15 seconds".
            text = ngettext(
                "Live round posted in {channel}: {count} question, {seconds} s each, starting {when}.",
                "Live round posted in {channel}: {count} questions, {seconds} s each, starting {when}.",
                count,
            )
        else:  # fewer than asked for: the lesson has no more
            # TRANSLATORS: {channel} is a channel's mention, {seconds} a whole number of seconds, {when}
            # a Discord timestamp that reads "in 15 seconds"; fewer questions than asked, all the lesson has.
            text = ngettext(
                "Live round posted in {channel}: {count} question (the lesson has {count}), {seconds} s "
                "each, starting {when}.",
                "Live round posted in {channel}: {count} questions (the lesson has {count}), {seconds} s "
                "each, starting {when}.",
                count,
            )
        await interaction.followup.send(
            text.format(
                channel=target.mention,
                count=count,
                seconds=seconds,
                when=discord.utils.format_dt(game.deadline, "R"),
            )
        )

    @start.autocomplete("lesson")
    async def _lesson_choices(
        self, interaction: discord.Interaction[QuizBot], typed: str
    ) -> list[app_commands.Choice[str]]:
        return choices.lessons(interaction, typed)

    @live.command(
        name="stop", description="End this channel's live round now, with the podium so far (moderators)"
    )
    @moderator_only()
    async def stop(self, interaction: discord.Interaction[QuizBot]) -> None:
        assert interaction.channel_id is not None
        game = await store.running_game(self.bot.database, interaction.channel_id)
        if game is None:
            await interaction.response.send_message(
                _("No live round is running in this channel."), ephemeral=True
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with self._lock(game):
            fresh = await store.get_game(self.bot.database, game.id or 0)
            if fresh is None or fresh.phase == store.DONE or not await self._finish(fresh, stopped=True):
                await interaction.followup.send(_("That live round had just finished."))
                return
        await interaction.followup.send(_("Stopped: the podium so far is posted."))

    # ----- the game's steps -----------------------------------------------------------------
    @every(seconds=0.5, what="running live rounds")
    async def loop(self) -> None:
        await self.tick()

    @loop.before_loop
    async def _before_loop(self) -> None:
        await self.bot.wait_until_ready()

    async def tick(self) -> int:
        """Take every step that is due in the games of the guilds this process holds."""
        now = self.bot.now()
        games = [g for g in await store.running_games(self.bot.database) if self.bot.holds_guild(g.guild_id)]
        await self._finish_sending([g for g in games if g.phase == store.QUESTION], now)
        taken = 0
        for game in sorted((g for g in games if g.deadline <= now), key=lambda g: g.deadline):
            taken += await self.step(game)
        return taken

    def _wake_at(self, when: datetime) -> None:
        """Take the step due at `when` on time: the loop's next tick is only the safety net (and
        what a restarted process has)."""
        delay = max(0.0, (when - self.bot.now()).total_seconds())

        async def wake() -> None:
            await asyncio.sleep(delay)
            try:
                await self.tick()
            except Exception:
                log.exception("live rounds: the step due at %s failed; the loop tries again", when)

        self._spawn(wake())

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _lock(self, game: LiveGame) -> asyncio.Lock:
        assert game.id is not None
        return self._steps.setdefault(game.id, asyncio.Lock())

    async def step(self, game: LiveGame) -> bool:
        """The game's next step, if nobody (here or in another process) took it already."""
        async with self._lock(game):
            fresh = await store.get_game(self.bot.database, game.id or 0)
            if fresh is None or fresh.version != game.version:
                return False
            if fresh.phase == store.QUESTION:
                return await self._reveal(fresh)
            if fresh.current + 1 < len(fresh.question_ids):
                return await self._post_question(fresh, fresh.current + 1)
            return await self._finish(fresh, stopped=False)

    async def _post_question(self, game: LiveGame, index: int) -> bool:
        db, now = self.bot.database, self.bot.now()
        question = self.bot.library.question(game.question_ids[index])
        if question is None:  # taken out of the lessons since the game started: skip it
            return await store.advance(db, game, current=index) is not None
        post = await post_rows.create_post(
            db,
            game.guild_id,
            game.channel_id,
            question.id,
            question.lesson_id,
            None,
            game.started_by,
            now=now,
            question_digest=question.digest,
        )
        assert post.id is not None
        moved = await store.advance(
            db,
            game,
            phase=store.QUESTION,
            current=index,
            deadline=now + timedelta(seconds=game.seconds),
            post_ids=[*game.post_ids, post.id],
        )
        if moved is None:
            await post_rows.drop_unsent_post(db, post.id)
            return False
        self._remember(moved)
        await self._send_question(moved, post, question)
        return True

    async def _send_question(self, game: LiveGame, post: Post, question: Question) -> None:
        """Send the game's current question (stored, listed on the game); the post id is the nonce,
        so sending it again after a crash gets back the message Discord already has."""
        db = self.bot.database
        assert game.id is not None and post.id is not None
        # Who joined, read once per question (not per click): what "everyone has answered" waits for.
        self._joined[game.id] = set(await store.players(db, game.id))
        locale = await self.bot.server_locale(game.guild_id)
        with speaking(locale):  # a public post: the server's language, the lesson's translation for it
            shown = question.arranged(post.id).in_language(locale)
            view = answer_view(LIVE_MODE, answer_state(game.id, post.id), shown, public=True)
            embed = render.question_embed(self._lesson(game), game, shown)
        try:
            await self.bot.posts.deliver(self._channel(game), post, embed=embed, view=view)
        except discord.HTTPException as exc:
            log.warning(
                "live round %s: could not post question %s (%s); ending it", game.id, game.current + 1, exc
            )
            await store.advance(db, game, phase=store.DONE, finished_at=self.bot.now())
            return
        self._wake_at(game.deadline)

    async def _finish_sending(self, asking: list[LiveGame], now: datetime) -> None:
        """A question whose process died between taking the step and Discord's reply: send it (or
        get Discord's copy back, by its nonce), so its round goes on with it."""
        db = self.bot.database
        for game in asking:
            if not game.post_ids:
                continue
            post = await post_rows.get_post(db, game.post_ids[-1])
            if post is None or post.message_id is not None or now - post.posted_at < UNSENT_AFTER:
                continue
            question = self.bot.posts.question_of(post)
            if question is not None:
                async with self._lock(game):
                    fresh = await store.get_game(db, game.id or 0)
                    if fresh is not None and fresh.version == game.version:
                        await self._send_question(fresh, post, question.in_lesson_order)

    async def _reveal(self, game: LiveGame) -> bool:
        db = self.bot.database
        moved = await store.advance(
            db, game, phase=store.REVEAL, deadline=self.bot.now() + timedelta(seconds=self.reveal_seconds)
        )
        if moved is None:
            return False
        self._wake_at(moved.deadline)
        await self._show_reveal(moved)
        return True

    async def _show_reveal(self, game: LiveGame) -> None:
        """Close the current question and edit its post into the answer and the standings."""
        db = self.bot.database
        post_id = game.post_ids[-1]
        await post_rows.close_post(db, post_id, now=self.bot.now())
        self._answered.pop(post_id, None)
        post = await post_rows.get_post(db, post_id)
        question = self.bot.posts.question_of(post) if post else None
        if post is None or post.message_id is None:
            return
        message = self._channel(game).get_partial_message(post.message_id)
        locale = await self.bot.server_locale(game.guild_id)  # the reveal is public
        if question is None:  # taken out of the lessons or changed while open: nothing to reveal
            with speaking(locale):
                gone = render.gone_embed(self._lesson(game), game, changed=self.bot.posts.changed(post))
            with contextlib.suppress(discord.HTTPException):
                await message.edit(embed=gone, view=None)
            return
        answers = await store.answers(db, game.post_ids)
        with speaking(locale):
            embed = render.reveal_embed(
                self._lesson(game),
                game,
                question.in_language(locale),
                answers,
                standings.shares(answers, post_id),
                standings.fastest_right(answers, post_id),
                standings.standings(answers, game.seconds),
            )
        try:
            await message.edit(embed=embed, view=None)
        except discord.HTTPException as exc:
            log.warning("live round %s: could not reveal post %s: %s", game.id, post_id, exc)

    async def _finish(self, game: LiveGame, *, stopped: bool) -> bool:
        db = self.bot.database
        moved = await store.advance(db, game, phase=store.DONE, finished_at=self.bot.now())
        if moved is None:
            return False
        assert moved.id is not None
        self._remember(moved)
        self._joined.pop(moved.id, None)
        self._steps.pop(moved.id, None)
        if game.phase == store.QUESTION:  # stopped mid-question: it counts, and shows its answer
            await self._show_reveal(moved)
        answers = await store.answers(db, moved.post_ids)
        with speaking(await self.bot.server_locale(moved.guild_id)):  # the podium is public
            embed = render.podium_embed(
                self._lesson(moved),
                moved,
                standings.standings(answers, moved.seconds),
                standings.accuracy(answers, moved.post_ids),
                stopped=stopped,
            )
            view = podium_view(moved.id)
        try:
            await self._channel(moved).send(embed=embed, view=view)
        except discord.HTTPException as exc:
            log.warning("live round %s: could not post the podium: %s", moved.id, exc)
        return True

    # ----- joining and summaries -------------------------------------------------------------
    async def join(self, interaction: discord.Interaction[QuizBot], game_id: int) -> None:
        db = self.bot.database
        game = await store.get_game(db, game_id)
        if game is None or game.guild_id != interaction.guild_id:
            await self.bot.unknown_button(interaction)
            return
        if game.phase == store.DONE:
            await interaction.response.send_message(_(FINISHED), ephemeral=True)
            return
        if not await store.join(db, game_id, interaction.user.id, self.bot.now()):
            await interaction.response.send_message(_("You're already in. Good luck!"), ephemeral=True)
            return
        (await self._joined_to(game_id)).add(interaction.user.id)
        if game.phase == store.LOBBY:
            text = _("You're in! The first question comes soon: the faster you answer, the more points.")
        elif game.phase == store.QUESTION:
            text = _("You're in! Answer the question that's up now: the faster you answer, the more points.")
        else:
            text = _("You're in! The next question comes soon: the faster you answer, the more points.")
        await interaction.response.send_message(text, ephemeral=True)
        if game.phase == store.LOBBY and game.message_id is not None:
            joined = await store.players(db, game_id)
            with speaking(await self.bot.server_locale(game.guild_id)):  # the lobby is public
                embed = render.lobby_embed(self._lesson(game), game, joined)
            try:
                await self._channel(game).get_partial_message(game.message_id).edit(embed=embed)
            except discord.HTTPException as exc:
                log.warning("live round %s: could not update the lobby: %s", game_id, exc)

    async def summary(self, interaction: discord.Interaction[QuizBot], game_id: int) -> None:
        db = self.bot.database
        game = await store.get_game(db, game_id)
        if game is None or game.guild_id != interaction.guild_id:
            await self.bot.unknown_button(interaction)
            return
        answers = await store.answers(db, game.post_ids)
        table = standings.standings(answers, game.seconds)
        mine = next(
            (
                (place, row)
                for place, row in enumerate(table, start=1)
                if row.member_id == interaction.user.id
            ),
            None,
        )
        missed_posts = {a.post_id for a in answers if a.member_id == interaction.user.id and not a.right}
        missed = []
        for post_id in game.post_ids:
            post = await post_rows.get_post(db, post_id) if post_id in missed_posts else None
            question = self.bot.library.question(post.question_id) if post else None
            if question is not None:
                missed.append(question)
        place, row = mine if mine else (None, None)
        await interaction.response.send_message(
            embed=render.summary_embed(self._lesson(game), game, place, row, missed, len(table)),
            ephemeral=True,
        )

    async def ranking(self, interaction: discord.Interaction[QuizBot], game_id: int, page: int) -> None:
        """The full ranking, privately: a new message from the podium, then its pages in place."""
        game = await store.get_game(self.bot.database, game_id)
        if game is None or game.guild_id != interaction.guild_id:
            await self.bot.unknown_button(interaction)
            return
        table = standings.standings(await store.answers(self.bot.database, game.post_ids), game.seconds)
        page = min(page, render.pages_of(table) - 1)
        embed = render.ranking_embed(self._lesson(game), game, table, page)
        view = ranking_view(game_id, page, render.pages_of(table))
        message = interaction.message
        if message is not None and message.flags.ephemeral:
            await interaction.response.edit_message(embed=embed, view=view)
        else:
            await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    # ----- the `live` answer mode (bot.widgets) ---------------------------------------------
    @property
    def forged(self) -> str:
        return _(FORGED_QUESTION)

    async def shown(
        self, interaction: discord.Interaction[QuizBot], state: str
    ) -> tuple[tuple[LiveGame, Post], Question] | None:
        ids = read_state(state)
        if ids is None:
            await self.bot.unknown_button(interaction)
            return None
        game_id, post_id = ids
        post = await self.bot.posts.cached(post_id)
        game = await self._game_listing(game_id, post_id)
        if (
            post is None
            or game is None
            or post.guild_id != interaction.guild_id
            or post_id not in game.post_ids
        ):
            await interaction.response.send_message(_(STALE), ephemeral=True)
            return None
        question = self.bot.posts.question_of(post)
        if question is None:
            gone = _(CHANGED_QUESTION) if self.bot.posts.changed(post) else _(STALE)
            await interaction.response.send_message(gone, ephemeral=True)
            return None
        return (game, post), question

    async def answer(
        self,
        interaction: discord.Interaction[QuizBot],
        shown: tuple[LiveGame, Post],
        question: Question,
        chosen: tuple[str, ...],
    ) -> None:
        """One answer, locked in: graded now, shown to nobody until the reveal."""
        game, post = shown
        assert post.id is not None
        deadline = post.posted_at + timedelta(seconds=game.seconds)
        lesson_order = question.in_lesson_order
        now = self.bot.now()
        locked: LockedIn = await attempt_rows.record_attempt(
            self.bot.database,
            post,
            interaction.user.id,
            question.lesson_letters(chosen),
            lambda state: decide_once(state, lesson_order, deadline),
            now,
            member_name=interaction.user.display_name,
        )
        if locked.status is AttemptStatus.CLOSED:
            text = _(TIME_UP)
        elif locked.status is AttemptStatus.ALREADY_DONE:
            text = _already_locked_in(question, locked.chosen)
        else:
            assert locked.feedback is not None
            taken = (now - post.posted_at).total_seconds()
            # TRANSLATORS: {answer} is the option letters picked ("B" or "A, C"); {seconds} how long
            # the member took, "1.4 s".
            text = _("Locked in: **{answer}** · {seconds}").format(
                answer=_letters(question, locked.chosen), seconds=render.seconds_text(taken)
            )
            self.bot.dispatch("quiz_outcome", interaction.user.id, question.id, locked.feedback)
            self._reveal_early_if_all_answered(game, interaction.user.id, post.id)
        if (
            question.kind == "fill_blanks"
            and interaction.message is not None
            and interaction.message.flags.ephemeral
        ):
            await interaction.response.edit_message(content=text, embed=None, view=None)
        else:
            await interaction.response.send_message(text, ephemeral=True)

    async def _game_listing(self, game_id: int, post_id: int) -> LiveGame | None:
        """The game, as cached unless it does not list this post yet (a new question, or another
        process's game); a burst of clicks shares that one read."""
        game = self._games.get(game_id)
        if game is not None and post_id in game.post_ids:
            return game
        loading = self._loading.get(game_id)
        if loading is None:
            loading = self._loading[game_id] = asyncio.create_task(self._load_game(game_id))
            loading.add_done_callback(lambda _: self._loading.pop(game_id, None))
        return await asyncio.shield(loading)

    async def _load_game(self, game_id: int) -> LiveGame | None:
        game = await store.get_game(self.bot.database, game_id)
        if game is not None:
            self._remember(game)
        return game

    def _remember(self, game: LiveGame) -> None:
        assert game.id is not None
        if game.phase == store.DONE:
            self._games.pop(game.id, None)
        else:
            self._games[game.id] = game

    async def _joined_to(self, game_id: int) -> set[int]:
        if game_id not in self._joined:
            self._joined[game_id] = set(await store.players(self.bot.database, game_id))
        return self._joined[game_id]

    def _reveal_early_if_all_answered(self, game: LiveGame, member_id: int, post_id: int) -> None:
        assert game.id is not None
        answered = self._answered.setdefault(post_id, set())
        answered.add(member_id)
        joined = self._joined.get(game.id)
        if joined is not None and not (joined and joined <= answered):
            return

        async def check() -> None:
            assert game.id is not None
            joined = await self._joined_to(game.id)
            if not joined or not joined <= answered:
                return
            if not await store.everyone_answered(self.bot.database, game.id, post_id):
                return
            fresh = await store.get_game(self.bot.database, game.id or 0)
            if fresh is not None and fresh.phase == store.QUESTION and fresh.post_ids[-1:] == [post_id]:
                await self.step(fresh)

        self._spawn(check())

    async def open_form(
        self, interaction: discord.Interaction[QuizBot], shown: tuple[LiveGame, Post], question: Question
    ) -> None:
        """ "Answer" on a blanks question: the member's own form, with the same deadline."""
        game, post = shown
        assert post.id is not None
        tries = await attempt_rows.member_tries(self.bot.database, post.id, interaction.user.id)
        if tries:
            await interaction.response.send_message(
                _already_locked_in(question, tries[0].chosen), ephemeral=True
            )
            return
        if self.bot.now() >= post.posted_at + timedelta(seconds=game.seconds):
            await interaction.response.send_message(_(TIME_UP), ephemeral=True)
            return
        embed = blanks_form_embed(question.in_language(current_locale()), 1)
        embed.set_footer(
            # TRANSLATORS: "Submit" is the form's button.
            text=_("Pick an option for each blank, then Submit · one answer: the faster, the more points")
        )
        await interaction.response.send_message(
            embed=embed, view=self.form_view(shown, question, UNSET * question.blanks), ephemeral=True
        )

    def form_view(self, shown: tuple[LiveGame, Post], question: Question, picks: str) -> discord.ui.View:
        game, post = shown
        assert game.id is not None and post.id is not None
        # The form is the member's own: in their language (graded by its letters, the same in any).
        mine = question.in_language(current_locale())
        return answer_view(LIVE_MODE, answer_state(game.id, post.id), mine, picks=picks)

    # ----- helpers --------------------------------------------------------------------------
    def _lesson(self, game: LiveGame) -> Lesson | None:
        return self.bot.library.lesson(game.lesson_id)

    def _channel(self, game: LiveGame) -> discord.PartialMessageable:
        return self.bot.get_partial_messageable(game.channel_id, guild_id=game.guild_id)
