"""/quiz post and the answer flow: grade privately, count publicly, reveal on close."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot import answering
from bot.attempts import AttemptStatus
from bot.rendering import EMBED_TOTAL_CHARS, plural, shorten
from bot.scheduler import pick_questions
from cogs._blanks import UNSET, answer_is_valid, picks_are_valid
from cogs._checks import NOT_A_MODERATOR, is_moderator
from cogs.quiz import _render as render
from cogs.quiz._items import blanks_view, post_of, post_view
from content import Lesson, Question
from storage import Post, post_rows

if TYPE_CHECKING:
    from bot.app import QuizBot

log = logging.getLogger(__name__)

# Where a question can be posted: a channel the bot has cached, or one known only by id (the scheduler).
PostChannel = discord.TextChannel | discord.Thread | discord.PartialMessageable

STALE_POST = "This question is no longer available (it was removed or never finished posting)."
REMOVED_QUESTION = "This question was taken out of the lessons, so it can't be answered any more."
FORGED = "That button doesn't belong to this question. Try the buttons on the question itself."
CLOSED = "This question has closed: answers are no longer taken."
FORGOTTEN = "Nothing is stored for you on this question any more (your data was deleted with /forget-me)."
# How far back a takeover looks for a post's message that did arrive (a run posts a few).
RECENT_MESSAGES = 50
# Posts answered recently, kept so a click costs no extra read (a few hundred bytes each).
POST_CACHE_SIZE = 1024


def lesson_choices(bot: QuizBot, typed: str) -> list[app_commands.Choice[str]]:
    """Lessons whose id or title contains what was typed (at most 25, Discord's limit)."""
    typed = typed.lower()
    return [
        app_commands.Choice(name=shorten(f"{lesson.title} ({lesson.id})", 100), value=lesson.id)
        for lesson in bot.library.lessons.values()
        if typed in lesson.id.lower() or typed in lesson.title.lower()
    ][:25]


def question_choices(questions: list[Question], typed: str) -> list[app_commands.Choice[str]]:
    """Questions whose id or prompt contains what was typed (at most 25)."""
    typed = typed.lower()
    return [
        app_commands.Choice(name=shorten(f"{q.id}: {q.prompt}", 100), value=q.id)
        for q in questions
        if typed in q.id.lower() or typed in q.prompt.lower()
    ][:25]


class Quiz(commands.Cog):
    # Public answer counts are edited at most this often per post, not on every click.
    count_refresh_seconds: float = 3.0

    quiz = app_commands.Group(name="quiz", description="Post lesson questions", guild_only=True)

    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot
        self._refreshing: dict[int, asyncio.Task[None]] = {}
        self._posts: OrderedDict[int, Post] = OrderedDict()  # see _cached_post
        self._post_loads: dict[int, asyncio.Task[Post | None]] = {}

    async def cog_load(self) -> None:
        self.close_loop.start()

    async def cog_unload(self) -> None:
        self.close_loop.cancel()
        for task in self._refreshing.values():
            task.cancel()

    # ----- posting --------------------------------------------------------------------------
    @quiz.command(name="post", description="Post a question now (moderators)")
    @app_commands.describe(
        lesson="The lesson to take the question from",
        question="A question id; empty: the next one this channel has not seen",
        channel="Where to post (default: here)",
        close_after="Minutes until the answer is revealed (default 60)",
    )
    async def post(
        self,
        interaction: discord.Interaction[QuizBot],
        lesson: str,
        question: str | None = None,
        channel: discord.TextChannel | None = None,
        close_after: app_commands.Range[int, 1, 10080] = 60,
    ) -> None:
        if not await is_moderator(interaction):
            await interaction.response.send_message(NOT_A_MODERATOR, ephemeral=True)
            return
        found = self.bot.library.lesson(lesson)
        if found is None:
            await interaction.response.send_message(
                f"There is no lesson `{shorten(lesson, 50)}`.", ephemeral=True
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        target = channel or interaction.channel
        if not isinstance(target, discord.TextChannel | discord.Thread) or interaction.guild_id is None:
            await interaction.followup.send(
                "I can only post questions in a server's text channels or threads."
            )
            return
        if question:
            picked = next((q for q in found.questions if q.id == question), None)
            if picked is None:
                await interaction.followup.send(
                    f"Lesson `{lesson}` has no question `{shorten(question, 60)}`."
                )
                return
            note = ""
        else:
            picked, note = await self.next_question(interaction.guild_id, target.id, found)
        try:
            post = await self.publish(
                interaction.guild_id,
                target,
                picked,
                timedelta(minutes=close_after),
                posted_by=interaction.user.id,
            )
        except discord.Forbidden:
            await interaction.followup.send(
                f"I can't post in {getattr(target, 'mention', 'that channel')}: I need *Send Messages* and *Embed Links* there."
            )
            return
        await interaction.followup.send(
            f"Posted `{picked.id}` in <#{post.channel_id}>; it closes {render.closes_at_text(post.closes_at)}.{note}"
        )

    @post.autocomplete("lesson")
    async def _lesson_choices(
        self, interaction: discord.Interaction[QuizBot], typed: str
    ) -> list[app_commands.Choice[str]]:
        return lesson_choices(self.bot, typed)

    @post.autocomplete("question")
    async def _question_choices(
        self, interaction: discord.Interaction[QuizBot], typed: str
    ) -> list[app_commands.Choice[str]]:
        lesson = self.bot.library.lesson(getattr(interaction.namespace, "lesson", "") or "")
        questions = lesson.questions if lesson else list(self.bot.library.questions.values())
        return question_choices(questions, typed)

    @quiz.command(name="close", description="Close a question now and reveal its answer (moderators)")
    @app_commands.describe(question="An open question; empty: the newest one open in this channel")
    async def close_command(
        self, interaction: discord.Interaction[QuizBot], question: int | None = None
    ) -> None:
        if not await is_moderator(interaction):
            await interaction.response.send_message(NOT_A_MODERATOR, ephemeral=True)
            return
        assert interaction.guild_id is not None  # guild_only group; is_moderator refuses DMs
        db = self.bot.database
        if question is None:
            newest = await post_rows.open_posts(
                db, interaction.guild_id, channel_id=interaction.channel_id, limit=1
            )
            post = newest[0] if newest else None
            missing = "No question is open in this channel. Pick one with `/quiz close question:`."
        else:
            post = await post_rows.get_post(db, question)
            if post is not None and post.guild_id != interaction.guild_id:
                post = None
            missing = "There is no such question in this server. Pick one from the list `/quiz close` offers."
        if post is None:
            await interaction.response.send_message(missing, ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        if not await self.close(post):
            await interaction.followup.send(
                f"`{post.question_id}` in <#{post.channel_id}> had already closed."
            )
            return
        await interaction.followup.send(
            f"Closed `{post.question_id}` in <#{post.channel_id}>: its answer is revealed there."
        )

    @close_command.autocomplete("question")
    async def _open_post_choices(
        self, interaction: discord.Interaction[QuizBot], typed: str
    ) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None:
            return []
        choices = []
        # Every open post, then the filter: what was typed may match one older than the newest 25.
        for post in await post_rows.open_posts(self.bot.database, interaction.guild_id, limit=None):
            assert post.id is not None
            found = self.bot.library.question(post.question_id)
            channel = self.bot.get_channel(post.channel_id)
            where = f"#{channel.name}" if isinstance(channel, discord.abc.GuildChannel) else "a channel"
            name = shorten(
                f"{where} · {post.question_id}: {found.prompt if found else 'removed question'}", 100
            )
            if typed.lower() in name.lower():
                choices.append(app_commands.Choice(name=name, value=post.id))
        return choices[:25]  # Discord shows at most 25

    async def next_question(self, guild_id: int, channel_id: int, lesson: Lesson) -> tuple[Question, str]:
        """The first question of the lesson this channel has not seen; once all were posted, the one
        posted longest ago (the same rotation as scheduled quizzes)."""
        recency = await post_rows.question_recency(self.bot.database, guild_id, channel_id)
        (picked,) = pick_questions(lesson.questions, recency, 1)
        if picked.id in recency:
            return (
                picked,
                " Every question of this lesson has been posted here: this is the one posted longest ago.",
            )
        return picked, ""

    async def publish(
        self,
        guild_id: int,
        channel: PostChannel,
        question: Question,
        close_after: timedelta | None,
        *,
        posted_by: int | None,
        before_send: Callable[[Post], Awaitable[None]] | None = None,
    ) -> Post:
        """Store the post first (its id goes in the buttons), then send it. `before_send` sees the
        stored post before Discord does (the scheduler lists it on its run)."""
        now = self.bot.now()
        post = await post_rows.create_post(
            self.bot.database,
            guild_id,
            channel.id,
            question.id,
            question.lesson_id,
            now + close_after if close_after else None,
            posted_by,
            now=now,
        )
        if before_send is not None:
            await before_send(post)
        return await self.send_post(channel, question, post)

    async def adopt_sent(self, channel: PostChannel, post: Post) -> bool:
        """A stored post whose message was never confirmed (the poster died): if the message is
        among the channel's recent ones, record it and say True, so nothing is sent twice even
        after Discord has forgotten the nonce. False when it is not there or history is closed."""
        assert post.id is not None and self.bot.user is not None
        try:
            async for message in channel.history(limit=RECENT_MESSAGES):
                if message.author.id == self.bot.user.id and post_of(message) == post.id:
                    await post_rows.set_post_message(self.bot.database, post.id, message.id)
                    post.message_id = message.id
                    return True
        except discord.HTTPException:  # no Read Message History: the nonce still guards the resend
            return False
        return False

    async def send_post(self, channel: PostChannel, question: Question, post: Post) -> Post:
        """Send a stored post and record its message; undo the row if Discord refuses.

        The post id is the message's nonce (enforced): sending the same post again, after a crash
        left it unconfirmed, gets back the message Discord already has instead of a second one."""
        assert post.id is not None
        db = self.bot.database
        try:
            message = await channel.send(
                embed=render.question_embed(
                    question, self.bot.library.lesson(question.lesson_id), post, None
                ),
                view=post_view(question, post.id, self.bot.question_items(question)),
                nonce=post.id,
            )
        except discord.HTTPException:
            await post_rows.drop_unsent_post(db, post.id)  # a resent post someone answered stays
            raise
        await post_rows.set_post_message(db, post.id, message.id)
        post.message_id = message.id
        return post

    # ----- answering ------------------------------------------------------------------------
    async def _cached_post(self, post_id: int) -> Post | None:
        """A post row from a small cache: its guild, channel and question never change, and
        record_attempt re-reads whether it is closed inside its own transaction."""
        post = self._posts.get(post_id)
        if post is not None:
            self._posts.move_to_end(post_id)
            return post
        # A new post gets a burst of clicks: they share one read instead of one each.
        loading = self._post_loads.get(post_id)
        if loading is None:
            loading = self._post_loads[post_id] = asyncio.create_task(self._load_post(post_id))
            loading.add_done_callback(lambda _: self._post_loads.pop(post_id, None))
        return await asyncio.shield(loading)

    async def _load_post(self, post_id: int) -> Post | None:
        post = await post_rows.get_post(self.bot.database, post_id)
        if post is not None:
            self._posts[post_id] = post
            if len(self._posts) > POST_CACHE_SIZE:
                self._posts.popitem(last=False)
        return post

    async def _open_post(
        self, interaction: discord.Interaction[QuizBot], post_id: int, *, cached: bool = False
    ) -> tuple[Post, Question] | None:
        """The post and its question, or None after telling the member politely why not.
        `cached`: only for callers that re-check `closed` in the database themselves."""
        if cached:
            post = await self._cached_post(post_id)
        else:
            post = await post_rows.get_post(self.bot.database, post_id)
        question = self.bot.library.question(post.question_id) if post else None
        if post is None or post.guild_id != interaction.guild_id:
            await interaction.response.send_message(STALE_POST, ephemeral=True)
            return None
        if question is None:
            await interaction.response.send_message(REMOVED_QUESTION, ephemeral=True)
            return None
        return post, question

    async def answer(
        self, interaction: discord.Interaction[QuizBot], post_id: int, chosen: tuple[str, ...]
    ) -> None:
        """A click on an option (or a submitted blanks form): one try, graded, answered privately."""
        opened = await self._open_post(interaction, post_id, cached=True)
        if opened is None:
            return
        post, question = opened
        if not answer_is_valid(chosen, question):
            await interaction.response.send_message(FORGED, ephemeral=True)
            return
        try:
            outcome = await answering.record_try(
                self.bot.database, post, interaction.user.id, chosen, question, self.bot.now()
            )
        except LookupError:  # the cached post was deleted meanwhile
            self._posts.pop(post_id, None)
            await interaction.response.send_message(STALE_POST, ephemeral=True)
            return
        if outcome.status is AttemptStatus.CLOSED:
            await interaction.response.send_message(CLOSED, ephemeral=True)
            return
        if outcome.status is AttemptStatus.ALREADY_DONE:
            result = await answering.member_result(self.bot.database, post_id, interaction.user.id)
            if result is None:  # /forget-me ran in between: nothing is stored any more
                await interaction.response.send_message(FORGOTTEN, ephemeral=True)
                return
            await interaction.response.send_message(
                embed=render.result_embed(question, result), ephemeral=True
            )
            return
        assert outcome.feedback is not None
        if outcome.status is AttemptStatus.REPEATED:
            tries_left = outcome.feedback.tries_left
            await interaction.response.send_message(
                f"You already tried that, and it isn't the answer. {plural(tries_left, 'try', 'tries')} left: "
                "pick something else.",
                ephemeral=True,
            )
            return
        # Before replying: a reply that fails (a slow database ran past Discord's 3 seconds) must
        # not cost the public count or the review card of a try that is stored.
        self.schedule_count_refresh(post)
        # Other features react to a recorded try (spaced review rates the member's card).
        self.bot.dispatch("quiz_outcome", interaction.user.id, question.id, outcome.feedback)
        embed = render.feedback_embed(question, outcome.feedback)
        if question.kind == "fill_blanks" and outcome.feedback.done:
            await interaction.response.edit_message(embed=embed, view=None)
        elif question.kind == "fill_blanks":
            # The private form becomes the feedback, then the code again with fresh menus (the
            # code alone if both would pass Discord's 6000 characters for a message's embeds).
            form = self._form_embed(question, outcome.feedback.tries_left)
            embeds = [embed, form] if len(embed) + len(form) <= EMBED_TOTAL_CHARS else [embed]
            view = blanks_view(question, post_id, UNSET * question.blanks)
            await interaction.response.edit_message(embeds=embeds, view=view)
        else:
            await interaction.response.send_message(embed=embed, ephemeral=True)

    async def open_blanks_form(self, interaction: discord.Interaction[QuizBot], post_id: int) -> None:
        opened = await self._open_post(interaction, post_id)
        if opened is None:
            return
        post, question = opened
        result = await answering.member_result(self.bot.database, post_id, interaction.user.id)
        if result is not None and result.done:
            await interaction.response.send_message(
                embed=render.result_embed(question, result), ephemeral=True
            )
            return
        if post.closed:
            await interaction.response.send_message(CLOSED, ephemeral=True)
            return
        tries_left = result.tries_left if result else 3
        await interaction.response.send_message(
            embed=self._form_embed(question, tries_left),
            view=blanks_view(question, post_id, UNSET * question.blanks),
            ephemeral=True,
        )

    async def update_blanks_form(
        self, interaction: discord.Interaction[QuizBot], post_id: int, picks: str
    ) -> None:
        opened = await self._open_post(interaction, post_id)
        if opened is None:
            return
        _, question = opened
        if not picks_are_valid(picks, question):
            await interaction.response.send_message(FORGED, ephemeral=True)
            return
        await interaction.response.edit_message(view=blanks_view(question, post_id, picks))

    async def submit_blanks(
        self, interaction: discord.Interaction[QuizBot], post_id: int, picks: str
    ) -> None:
        if UNSET in picks:
            await interaction.response.send_message("Pick an option for every blank first.", ephemeral=True)
            return
        await self.answer(interaction, post_id, tuple(picks))

    @staticmethod
    def _form_embed(question: Question, tries_left: int) -> discord.Embed:
        embed = discord.Embed(
            title="Fill in the blanks",
            description=f"{question.prompt}\n```python\n{question.code}\n```",
            colour=render.COLOURS[question.difficulty],
        )
        embed.set_footer(text=f"Pick an option for each blank, then Submit · {tries_left} of 3 tries left")
        return embed

    # ----- public counts and closing --------------------------------------------------------
    def schedule_count_refresh(self, post: Post) -> None:
        """Edit the public count soon, once for however many clicks arrive meanwhile."""
        if post.id is None or post.id in self._refreshing:
            return
        task = asyncio.create_task(self._refresh_count_later(post))
        self._refreshing[post.id] = task
        task.add_done_callback(lambda _: self._refreshing.pop(post.id, None))  # type: ignore[arg-type]

    async def _refresh_count_later(self, post: Post) -> None:
        await asyncio.sleep(self.count_refresh_seconds)
        assert post.id is not None
        fresh = await post_rows.get_post(self.bot.database, post.id)
        question = self.bot.library.question(post.question_id)
        if fresh is None or fresh.closed or fresh.message_id is None or question is None:
            return
        tally = await post_rows.post_tally(self.bot.database, post.id)
        embed = render.question_embed(question, self.bot.library.lesson(question.lesson_id), fresh, tally)
        with contextlib.suppress(discord.HTTPException):
            await self._message(fresh).edit(embed=embed)
        # Another process may have revealed the answer while this count was in flight: put it back.
        after = await post_rows.get_post(self.bot.database, post.id)
        if after is not None and after.closed:
            await self._reveal(after, question)

    def _message(self, post: Post) -> discord.PartialMessage:
        assert post.message_id is not None
        channel = self.bot.get_partial_messageable(post.channel_id, guild_id=post.guild_id)
        return channel.get_partial_message(post.message_id)

    @tasks.loop(seconds=15)
    async def close_loop(self) -> None:
        await self.close_due()

    @close_loop.error
    async def _close_loop_error(
        self, error: BaseException
    ) -> None:  # pragma: no cover - logged, loop goes on
        log.exception("closing due posts failed", exc_info=error)

    async def close_due(self) -> int:
        """Close every post whose time has come and reveal its answer; returns how many closed."""
        closed = 0
        for post in await post_rows.due_posts_to_close(self.bot.database, self.bot.now()):
            closed += await self.close(post)
        return closed

    async def close(self, post: Post) -> bool:
        """Close one post (exactly once, even with several bot processes) and reveal the answer."""
        assert post.id is not None
        if not await post_rows.close_post(self.bot.database, post.id, now=self.bot.now()):
            return False
        refresh = self._refreshing.pop(post.id, None)
        if refresh is not None:
            refresh.cancel()  # a count edit landing after the reveal would hide the answer again
        question = self.bot.library.question(post.question_id)
        if post.message_id is None or question is None:
            return True
        await self._reveal(post, question)
        return True

    async def _reveal(self, post: Post, question: Question) -> None:
        """Edit the post into its closed form: the answer, first-answer shares, who was right first."""
        assert post.id is not None
        tally = await post_rows.post_tally(self.bot.database, post.id)
        first_try = await post_rows.first_try_right_members(self.bot.database, post.id)
        embed = render.reveal_embed(question, self.bot.library.lesson(question.lesson_id), tally, first_try)
        # Answer buttons go; other cogs' buttons (Run the code) stay useful after the reveal.
        extra = self.bot.question_items(question)
        view = discord.ui.View(timeout=None)
        for item in extra:
            view.add_item(item)
        try:
            await self._message(post).edit(embed=embed, view=view)
        except discord.HTTPException as exc:
            log.warning("could not reveal post %s: %s", post.id, exc)
