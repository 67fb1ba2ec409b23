"""/quiz post and /quiz close, and answering a posted question: graded privately, one try at a time.

Publishing, the public count, closing and the reveal are the bot's posting service (bot.posts);
this cog is the `quiz` answer mode of the shared answer widgets (bot.widgets).
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import answering, grading
from bot.attempts import AttemptStatus
from bot.daily import pick_questions
from bot.embeds import blanks_form_embed, tries_left_text
from bot.grading import MAX_TRIES
from bot.i18n import N_, _, current_locale
from bot.posts import CHANGED_QUESTION, POST_MODE, cannot_post
from bot.rendering import shorten
from bot.widgets import FORGED_QUESTION, UNSET, answer_view
from cogs import _choices as choices
from cogs._checks import RowId, moderator_only
from cogs.quiz import _render as render
from content import Lesson, Question
from content.discord_limits import EMBED_TOTAL_CHARS
from content.scoping import authored
from storage import Post, live_games, post_rows

if TYPE_CHECKING:
    from bot.app import QuizBot

STALE_POST = N_("This question is no longer available (it was removed or never finished posting).")
REMOVED_QUESTION = N_("This question was taken out of the lessons, so it can't be answered any more.")
# Its sibling, for a question changed since it was posted: bot.posts.CHANGED_QUESTION (live rounds say it too).
CLOSED = N_("This question has closed: answers are no longer taken.")
FORGOTTEN = N_("Nothing is stored for you on this question any more (your data was deleted with /forget-me).")
NOT_POSTABLE = N_("I can only post questions in a server's text channels or threads.")
LIVE_POST = N_(
    "That question belongs to a live round, which reveals it at its deadline: `/live stop` ends the round."
)
NO_OPEN_POST = N_("No question is open in this channel. Pick one with `/quiz close post:`.")
NO_SUCH_POST = N_("There is no such question in this server. Pick one from the list `/quiz close` offers.")


class Quiz(commands.Cog):
    quiz = app_commands.Group(name="quiz", description="Post lesson questions", guild_only=True)

    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot

    # ----- posting --------------------------------------------------------------------------
    @quiz.command(name="post", description="Post a question now (moderators)")
    @app_commands.describe(
        lesson="The lesson to take the question from",
        question="A question id; empty: the next one this channel has not seen",
        channel="Where to post (default: here)",
        close_after="Minutes until the answer is revealed (default 60)",
    )
    @moderator_only()
    async def post(
        self,
        interaction: discord.Interaction[QuizBot],
        lesson: str,
        question: str | None = None,
        channel: discord.TextChannel | None = None,
        close_after: app_commands.Range[int, 1, 10080] = 60,
    ) -> None:
        found = self.bot.catalog.lessons_in(interaction.guild_id).lesson(lesson)
        if found is None:
            await interaction.response.send_message(choices.no_lesson(lesson), ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        target = channel or interaction.channel
        if not isinstance(target, discord.TextChannel | discord.Thread) or interaction.guild_id is None:
            await interaction.followup.send(_(NOT_POSTABLE))
            return
        if question:
            picked = next((q for q in found.questions if q.id == question), None)
            if picked is None:
                await interaction.followup.send(
                    # TRANSLATORS: {lesson} is a lesson's id; {question} the question id the moderator typed.
                    _("Lesson `{lesson}` has no question `{question}`.").format(
                        lesson=lesson, question=shorten(question, 60)
                    )
                )
                return
            rotated = False
        else:
            picked, rotated = await self.next_question(interaction.guild_id, target.id, found)
        try:
            post = await self.bot.posts.publish(
                interaction.guild_id,
                target,
                picked,
                timedelta(minutes=close_after),
                posted_by=interaction.user.id,
            )
        except discord.Forbidden:
            await interaction.followup.send(cannot_post(target.mention))
            return
        assert post.closes_at is not None  # /quiz post always sets a deadline
        await interaction.followup.send(
            render.posted_text(
                picked.id, post.channel_id, timedelta(minutes=close_after), post.closes_at, rotated=rotated
            )
        )

    @post.autocomplete("lesson")
    async def _lesson_choices(
        self, interaction: discord.Interaction[QuizBot], typed: str
    ) -> list[app_commands.Choice[str]]:
        return choices.lessons(interaction, typed)

    @post.autocomplete("question")
    async def _question_choices(
        self, interaction: discord.Interaction[QuizBot], typed: str
    ) -> list[app_commands.Choice[str]]:
        return choices.questions_of_lesson(
            interaction, getattr(interaction.namespace, "lesson", "") or "", typed
        )

    @quiz.command(name="close", description="Close a question now and reveal its answer (moderators)")
    @app_commands.describe(post="An open post; empty: the newest one open in this channel")
    @moderator_only()
    async def close_command(
        self, interaction: discord.Interaction[QuizBot], post: RowId | None = None
    ) -> None:
        assert interaction.guild_id is not None  # a guild_only group
        db = self.bot.database
        live = await live_games.running_post_ids(db, interaction.guild_id)  # a live round closes its own
        if post is None:
            open_here = await post_rows.open_posts(
                db, interaction.guild_id, channel_id=interaction.channel_id, limit=None
            )
            found = next((p for p in open_here if p.id not in live), None)
            missing = _(NO_OPEN_POST)
        else:
            found = await post_rows.get_post(db, post)
            if found is not None and found.guild_id != interaction.guild_id:
                found = None
            missing = _(NO_SUCH_POST)
        if found is not None and found.id in live:
            await interaction.response.send_message(_(LIVE_POST), ephemeral=True)
            return
        if found is None:
            await interaction.response.send_message(missing, ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        where = {"question": authored(found.question_id), "channel": f"<#{found.channel_id}>"}
        if not await self.bot.posts.close(found):
            await interaction.followup.send(
                # TRANSLATORS: {question} is a question's id; {channel} a channel's mention.
                _("`{question}` in {channel} had already closed.").format(**where)
            )
            return
        if self.bot.posts.changed(found):
            await interaction.followup.send(
                # TRANSLATORS: {question} is a question's id; {channel} a channel's mention.
                _(
                    "Closed `{question}` in {channel}. Its question was changed after it was posted, so "
                    "its answer isn't revealed there: post the new version to ask it again."
                ).format(**where)
            )
            return
        if self.bot.library.question(found.question_id) is None:
            await interaction.followup.send(
                # TRANSLATORS: {question} is a question's id; {channel} a channel's mention.
                _(
                    "Closed `{question}` in {channel}. Its question was taken out of the lessons, so there "
                    "is no answer to reveal."
                ).format(**where)
            )
            return
        await interaction.followup.send(
            # TRANSLATORS: {question} is a question's id; {channel} a channel's mention.
            _("Closed `{question}` in {channel}: its answer is revealed there.").format(**where)
        )

    @close_command.autocomplete("post")
    async def _open_post_choices(
        self, interaction: discord.Interaction[QuizBot], typed: str
    ) -> list[app_commands.Choice[int]]:
        return await choices.open_posts(self.bot, interaction.guild_id, typed)

    async def next_question(self, guild_id: int, channel_id: int, lesson: Lesson) -> tuple[Question, bool]:
        """The first question of the lesson this channel has not seen; once all were posted, the one
        posted longest ago (the same rotation as scheduled quizzes), and True."""
        recency = await post_rows.question_recency(self.bot.database, guild_id, channel_id)
        (picked,) = pick_questions(lesson.questions, recency, 1)
        return picked, picked.id in recency

    # ----- the `quiz` answer mode (bot.widgets) ---------------------------------------------
    @property
    def forged(self) -> str:
        return _(FORGED_QUESTION)

    async def shown(
        self, interaction: discord.Interaction[QuizBot], state: str
    ) -> tuple[Post, Question] | None:
        """The post a button belongs to (from the posting service's cache: its guild, channel and
        question never change; a try re-checks `closed` in its own transaction)."""
        if not state.isdigit():
            await self.bot.unknown_button(interaction)
            return None
        post = await self.bot.posts.cached(int(state))
        if post is None or post.guild_id != interaction.guild_id:
            await interaction.response.send_message(_(STALE_POST), ephemeral=True)
            return None
        question = self.bot.posts.question_of(post)
        if question is None:
            gone = _(CHANGED_QUESTION) if self.bot.posts.changed(post) else _(REMOVED_QUESTION)
            await interaction.response.send_message(gone, ephemeral=True)
            return None
        return post, question

    async def answer(
        self,
        interaction: discord.Interaction[QuizBot],
        post: Post,
        question: Question,
        chosen: tuple[str, ...],
    ) -> None:
        """A click on an option (or a submitted blanks form): one try, graded, answered privately."""
        assert post.id is not None
        try:
            # Stored and graded in the pack's letters: the post's own order is only how it shows them.
            outcome = await answering.record_try(
                self.bot.database,
                post,
                interaction.user.id,
                question.lesson_letters(chosen),
                question.in_lesson_order,
                self.bot.now(),
                member_name=interaction.user.display_name,
            )
        except LookupError:  # the cached post was deleted meanwhile
            self.bot.posts.forget(post.id)
            await interaction.response.send_message(_(STALE_POST), ephemeral=True)
            return
        if outcome.status is AttemptStatus.CLOSED:
            await interaction.response.send_message(_(CLOSED), ephemeral=True)
            return
        if outcome.status is AttemptStatus.ALREADY_DONE:
            await self._send_result(interaction, post, question)
            return
        assert outcome.feedback is not None
        if outcome.status is AttemptStatus.REPEATED:
            await interaction.response.send_message(
                # TRANSLATORS: {tries_left} says how many tries remain ("2 tries left").
                _(
                    "You already tried that, and it isn't the answer. {tries_left}: pick something else."
                ).format(tries_left=tries_left_text(outcome.feedback.tries_left)),
                ephemeral=True,
            )
            return
        # Before replying: a reply that fails (a slow database ran past Discord's 3 seconds) must
        # not cost the public count or the review card of a try that is stored.
        self.bot.posts.count_changed(post)
        # Other features react to a recorded try (spaced review rates the member's card).
        self.bot.dispatch("quiz_outcome", interaction.user.id, question.id, outcome.feedback)
        shown = question.in_language(current_locale())  # graded above as the lesson has it
        feedback = outcome.feedback
        if feedback.mistake_text and shown is not question:  # the mistake in the member's language too
            feedback = dataclasses.replace(feedback, mistake_text=grading.mistake_text(shown, chosen))
        embed = render.feedback_embed(shown, feedback)
        if question.kind == "fill_blanks" and outcome.feedback.done:
            await interaction.response.edit_message(embed=embed, view=None)
        elif question.kind == "fill_blanks":
            # The private form becomes the feedback, then the code again with fresh menus (the
            # code alone if both would pass Discord's 6000 characters for a message's embeds).
            form = blanks_form_embed(shown, outcome.feedback.tries_left)
            embeds = [embed, form] if len(embed) + len(form) <= EMBED_TOTAL_CHARS else [embed]
            await interaction.response.edit_message(
                embeds=embeds, view=self.form_view(post, question, UNSET * question.blanks)
            )
        else:
            await interaction.response.send_message(embed=embed, ephemeral=True)

    async def open_form(
        self, interaction: discord.Interaction[QuizBot], post: Post, question: Question
    ) -> None:
        """ "Answer" on a blanks post: the member's own form, unless they are done or it closed."""
        assert post.id is not None
        result = await answering.member_result(self.bot.database, post.id, interaction.user.id)
        shown = question.in_language(current_locale())
        if result is not None and result.done:
            await interaction.response.send_message(embed=render.result_embed(shown, result), ephemeral=True)
            return
        fresh = await post_rows.get_post(self.bot.database, post.id)  # the cached row may predate the close
        if fresh is None or fresh.closed:
            await interaction.response.send_message(_(CLOSED) if fresh else _(STALE_POST), ephemeral=True)
            return
        await interaction.response.send_message(
            embed=blanks_form_embed(shown, result.tries_left if result else MAX_TRIES),
            view=self.form_view(post, question, UNSET * question.blanks),
            ephemeral=True,
        )

    def form_view(self, post: Post, question: Question, picks: str) -> discord.ui.View:
        """The member's private blanks form: its menus read in the member's language (same letters)."""
        return answer_view(POST_MODE, str(post.id), question.in_language(current_locale()), picks=picks)

    async def _send_result(
        self, interaction: discord.Interaction[QuizBot], post: Post, question: Question
    ) -> None:
        """For a member who already finished and clicks again."""
        assert post.id is not None
        result = await answering.member_result(self.bot.database, post.id, interaction.user.id)
        if result is None:  # /forget-me ran in between: nothing is stored any more
            await interaction.response.send_message(_(FORGOTTEN), ephemeral=True)
            return
        shown = question.in_language(current_locale())
        await interaction.response.send_message(embed=render.result_embed(shown, result), ephemeral=True)
