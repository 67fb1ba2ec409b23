"""The posting service: store and send a question, keep its public count, close it and reveal it.

A post is public: whoever publishes, counts or closes it (a moderator's command, a click, the close
loop), it is written in the server's language (`/config language`), its question in the lesson's
translation for that language when it has one."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from datetime import timedelta
from typing import TYPE_CHECKING

import discord

from bot.i18n import N_, _, speaking
from bot.loops import every
from bot.posts import _render as render
from bot.widgets import add_extras, answer_view, state_of
from content import Question
from storage import Post, PostTally, post_rows

if TYPE_CHECKING:
    from bot.app import QuizBot

log = logging.getLogger(__name__)

# Where a question can be posted: a channel the bot has cached, or one known only by id (the scheduler).
PostChannel = discord.TextChannel | discord.Thread | discord.PartialMessageable

# The answer widgets' mode of a public post (custom_ids `quiz:answer:{post}:{letter}`).
POST_MODE = "quiz"
# How far back a takeover looks for a post's message that did arrive (a run posts a few).
RECENT_MESSAGES = 50
# A post stored this long ago and still unconfirmed lost its poster between Discord's reply and
# storing the message id; after a day nobody looks any more.
UNCONFIRMED_AFTER = timedelta(minutes=2)
UNCONFIRMED_FOR_AT_MOST = timedelta(days=1)
# Posts answered recently, kept so a click costs no extra read (a few hundred bytes each).
POST_CACHE_SIZE = 1024

# A click on any post (a quiz post, a live round's question) whose question changed since.
# Translated where it is said: `_(CHANGED_QUESTION)`.
CHANGED_QUESTION = N_(
    "This question was changed after it was posted, so this post no longer takes answers. "
    "Ask a moderator to post the new version."
)
# A changed question's post once closed: only a digest of what it asked is kept, no answer to reveal.
CLOSED_CHANGED = N_(
    "**Closed.** This question was changed after it was posted, so its answer isn't revealed here."
)


class Posts:
    """Owned by the bot (`bot.posts`), used by every feature that posts questions: /quiz post, the
    daily quiz, and whatever posts next. Closing runs here too, every 15 seconds."""

    # Public answer counts are edited at most this often per post, not on every click.
    count_refresh_seconds: float = 3.0

    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot
        self._refreshing: dict[int, asyncio.Task[None]] = {}
        self._cache: OrderedDict[int, Post] = OrderedDict()
        self._loads: dict[int, asyncio.Task[Post | None]] = {}
        self._looked_for: set[int] = set()  # unconfirmed posts whose channel history was read

    def start(self) -> None:
        self.close_loop.start()

    def stop(self) -> None:
        self.close_loop.cancel()
        for task in [*self._refreshing.values(), *self._loads.values()]:
            task.cancel()

    # ----- publishing -----------------------------------------------------------------------
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
            question_digest=question.digest,
        )
        if before_send is not None:
            await before_send(post)
        return await self.send(channel, question, post)

    async def finish_sending(self, channel: PostChannel, question: Question, post: Post) -> Post:
        """A stored post whose message was never confirmed (its poster died): adopt the message if
        it did arrive, else send it (the nonce makes a resend that Discord still knows harmless)."""
        if not await self._find_sent(channel, post):
            await self.send(channel, question, post)
        return post

    async def _find_sent(self, channel: PostChannel, post: Post) -> bool | None:
        """True after recording the post's message, if it is among the channel's recent ones, so
        nothing is sent twice even once Discord has forgotten the nonce. False when it is not
        there; None when history is closed to us (the nonce still guards a resend)."""
        assert post.id is not None and self.bot.user is not None
        try:
            async for message in channel.history(limit=RECENT_MESSAGES):
                if message.author.id == self.bot.user.id and state_of(message, POST_MODE) == str(post.id):
                    await post_rows.set_post_message(self.bot.database, post.id, message.id)
                    post.message_id = message.id
                    return True
        except discord.HTTPException:  # no Read Message History
            return None
        return False

    async def send(self, channel: PostChannel, question: Question, post: Post) -> Post:
        """Send a stored post and record its message; undo the row if Discord refuses.

        The post id is the message's nonce (enforced): sending the same post again, after a crash
        left it unconfirmed, gets back the message Discord already has instead of a second one."""
        assert post.id is not None
        locale = await self.bot.server_locale(post.guild_id)
        with speaking(locale):
            shown = question.arranged(post.id).in_language(locale)
            view = answer_view(
                POST_MODE, str(post.id), shown, public=True, extras=self.bot.question_items(shown)
            )
            embed = self._open_embed(shown, post, None)
        return await self.deliver(channel, post, embed=embed, view=view)

    async def deliver(
        self, channel: PostChannel, post: Post, *, embed: discord.Embed, view: discord.ui.View
    ) -> Post:
        """Send a stored post as this message and record it; undo the row if Discord refuses. Any
        feature's posted questions go out here (a quiz post, a live round's question)."""
        assert post.id is not None
        db = self.bot.database
        try:
            message = await channel.send(embed=embed, view=view, nonce=post.id)
        except discord.HTTPException:
            await post_rows.drop_unsent_post(db, post.id)  # a resent post someone answered stays
            raise
        await post_rows.set_post_message(db, post.id, message.id)
        post.message_id = message.id
        return post

    # ----- reading posts for answers --------------------------------------------------------
    async def cached(self, post_id: int) -> Post | None:
        """A post row from a small cache: its guild, channel and question never change, and a try
        re-reads whether it is closed inside its own transaction."""
        post = self._cache.get(post_id)
        if post is not None:
            self._cache.move_to_end(post_id)
            return post
        # A new post gets a burst of clicks: they share one read instead of one each.
        loading = self._loads.get(post_id)
        if loading is None:
            loading = self._loads[post_id] = asyncio.create_task(self._load(post_id))
            loading.add_done_callback(lambda _: self._loads.pop(post_id, None))
        return await asyncio.shield(loading)

    async def _load(self, post_id: int) -> Post | None:
        post = await post_rows.get_post(self.bot.database, post_id)
        if post is not None:
            self._cache[post_id] = post
            if len(self._cache) > POST_CACHE_SIZE:
                self._cache.popitem(last=False)
        return post

    def forget(self, post_id: int) -> None:
        """Drop a post from the cache (it was deleted)."""
        self._cache.pop(post_id, None)

    # ----- the public count -----------------------------------------------------------------
    def count_changed(self, post: Post) -> None:
        """Edit the public count soon, once for however many clicks arrive meanwhile."""
        post_id = post.id
        if post_id is None or post_id in self._refreshing:
            return
        task = asyncio.create_task(self._refresh_count_later(post_id))
        self._refreshing[post_id] = task
        task.add_done_callback(lambda _: self._refreshing.pop(post_id, None))

    async def _refresh_count_later(self, post_id: int) -> None:
        await asyncio.sleep(self.count_refresh_seconds)
        db = self.bot.database
        fresh = await post_rows.get_post(db, post_id)
        question = self.question_of(fresh) if fresh else None
        if fresh is None or fresh.closed or fresh.message_id is None or question is None:
            return
        tally = await post_rows.post_tally(db, post_id)
        # A task of its own, started by a click: it would speak that member's language, not the server's.
        locale = await self.bot.server_locale(fresh.guild_id)
        with speaking(locale):
            embed = self._open_embed(question.in_language(locale), fresh, tally)
        with contextlib.suppress(discord.HTTPException):
            await self._message(fresh).edit(embed=embed)
        # Another process may have revealed the answer while this count was in flight: put it back.
        after = await post_rows.get_post(db, post_id)
        if after is not None and after.closed:
            await self._reveal(after, question)

    # ----- closing --------------------------------------------------------------------------
    @every(seconds=15, what="closing due questions")
    async def close_loop(self) -> None:
        await self.adopt_unconfirmed()  # first: a post due now is revealed only once it is adopted
        await self.close_due()

    @close_loop.before_loop
    async def _before_close_loop(self) -> None:
        await self.bot.wait_until_ready()

    async def adopt_unconfirmed(self) -> int:
        """Posts whose poster died after Discord took the message but before its id was stored
        (a /quiz post, or a daily quiz before its run is taken over): adopt the message from the
        channel's recent history, so it can be counted, closed and revealed. Each is looked for once
        (once the history could be read): it never deletes a post, which the scheduler's takeover
        may be finishing at the same time. Returns how many were adopted."""
        now, adopted = self.bot.now(), 0
        db = self.bot.database
        unconfirmed = await post_rows.unconfirmed_posts(
            db, posted_after=now - UNCONFIRMED_FOR_AT_MOST, posted_before=now - UNCONFIRMED_AFTER
        )
        for post in unconfirmed:
            assert post.id is not None
            if post.id in self._looked_for:
                continue
            channel = self.bot.get_partial_messageable(post.channel_id, guild_id=post.guild_id)
            found = await self._find_sent(channel, post)
            if found is not None:
                self._looked_for.add(post.id)
            if found:
                log.info("post %s: adopted message %s, whose id was never stored", post.id, post.message_id)
                adopted += 1
        return adopted

    async def close_due(self) -> int:
        """Close every post whose time has come and reveal its answer; returns how many closed."""
        closed = 0
        for post in await post_rows.due_posts_to_close(self.bot.database, self.bot.now()):
            closed += await self.close(post)
        return closed

    async def close_open(self, post_ids: Iterable[int], *, only_without_deadline: bool = False) -> None:
        """Close those of these posts still open (the daily quiz closes the previous day's)."""
        for post_id in post_ids:
            post = await post_rows.get_post(self.bot.database, post_id)
            if post is None or post.closed or (only_without_deadline and post.closes_at is not None):
                continue
            await self.close(post)

    async def close(self, post: Post) -> bool:
        """Close one post (exactly once, even with several bot processes) and reveal the answer."""
        assert post.id is not None
        if not await post_rows.close_post(self.bot.database, post.id, now=self.bot.now()):
            return False
        refresh = self._refreshing.pop(post.id, None)
        if refresh is not None:
            refresh.cancel()  # a count edit landing after the reveal would hide the answer again
        question = self.question_of(post)
        if post.message_id is None:
            return True
        if question is not None:
            await self._reveal(post, question)
        elif self.changed(post):
            await self._close_changed(post)
        return True

    async def _reveal(self, post: Post, question: Question) -> None:
        """Edit the post into its closed form: the answer, first-answer shares, who was right first."""
        assert post.id is not None
        db = self.bot.database
        tally = await post_rows.post_tally(db, post.id)
        first_try = await post_rows.first_try_right_members(db, post.id)
        # Whoever closes it (a moderator's /quiz close, the close loop), the reveal is the server's.
        locale = await self.bot.server_locale(post.guild_id)
        with speaking(locale):
            shown = question.in_language(locale)
            lesson = self.bot.library.lesson(question.lesson_id)
            embed = render.reveal_embed(shown, lesson, tally, first_try)
            # Answer buttons go; other features' buttons (Run the code) stay useful after the reveal.
            view = add_extras(discord.ui.View(timeout=None), self.bot.question_items(shown))
        try:
            await self._message(post).edit(embed=embed, view=view)
        except discord.HTTPException as exc:
            log.warning("could not reveal post %s: %s", post.id, exc)

    async def _close_changed(self, post: Post) -> None:
        """The closed form of a post whose question changed: the card as members saw it stays, its
        buttons go, and a line says why no answer is shown."""
        with speaking(await self.bot.server_locale(post.guild_id)):
            closed = _(CLOSED_CHANGED)
        try:
            await self._message(post).edit(content=closed, view=None)
        except discord.HTTPException as exc:
            log.warning("could not close post %s: %s", post.id, exc)

    # ----- helpers --------------------------------------------------------------------------
    def question_of(self, post: Post) -> Question | None:
        """The post's question as the post shows it (its own order of options, the same in every
        process); None once the question left the lessons, or changed since it was posted (`changed`
        tells which): every click on a post, every count and reveal goes through here."""
        assert post.id is not None
        question = self.bot.library.question(post.question_id)
        if question is None or _changed(post, question):
            return None
        return question.arranged(post.id)

    def changed(self, post: Post) -> bool:
        """The post's question is still in the lessons, but not as it was posted (another answer,
        other options...): grading a click against it would be wrong."""
        question = self.bot.library.question(post.question_id)
        return question is not None and _changed(post, question)

    def _open_embed(self, question: Question, post: Post, tally: PostTally | None) -> discord.Embed:
        return render.question_embed(question, self.bot.library.lesson(question.lesson_id), post, tally)

    def _message(self, post: Post) -> discord.PartialMessage:
        assert post.message_id is not None
        channel = self.bot.get_partial_messageable(post.channel_id, guild_id=post.guild_id)
        return channel.get_partial_message(post.message_id)


def _changed(post: Post, question: Question) -> bool:
    # No digest: posted before digests were kept, taken as unchanged.
    return post.question_digest is not None and post.question_digest != question.digest
