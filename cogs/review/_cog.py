"""/review: due cards one at a time in one private message; answers rate the card (fsrs).

Cards are made by finished quiz posts: the quiz cog dispatches `quiz_outcome` and the listener here
turns it into a rating (bot.reviewing.record_outcome), so the quiz knows nothing of reviews. The
rating rule is bot.spaced_review; storage.review keeps the cards.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import grading, reviewing, spoilers
from bot.i18n import N_, _, current_locale, speaking
from bot.loops import every
from bot.spoilers import Visibility
from cogs.review import _render as render
from cogs.review._items import SHOWN_PATTERN, after_view, question_view, reminder_view
from content import Question
from storage import review

if TYPE_CHECKING:
    from bot.app import QuizBot

log = logging.getLogger(__name__)

# TRANSLATORS: "Next review" is the button's label.
ALREADY = N_(
    "You already answered this review. Click **Next review** for the next one, or run `/review` again."
)
GONE = N_("This question was taken out of the lessons, so it left your review deck.")
FORGED = N_("That button doesn't belong to this review. Run `/review` again.")
OPEN_IN_A_QUIZ = N_(
    "This question is open in a quiz right now: answer it there, or review it once it closes."
)
_SHOWN = re.compile(SHOWN_PATTERN)
# How often due reviews are checked for reminders (each member still gets at most one a day).
REMINDER_TICK_MINUTES = 10


def showing(question: Question, member_id: int, seen: int) -> Question:
    """The question as this review of the card shows it: each review its own order of options, the
    same for every click (and process) within one."""
    return question.arranged(f"review:{member_id}:{seen}")


def read_as(question: Question) -> Question:
    """The question as the member being answered reads it: the lesson's translation into their
    language, if it has one, in the same order of options (graded as the lesson has it)."""
    return question.in_language(current_locale())


class Review(commands.Cog):
    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.remind_loop.start()

    async def cog_unload(self) -> None:
        self.remind_loop.cancel()

    @app_commands.command(
        name="review", description="Your missed questions, brought back on a spaced schedule"
    )
    async def review_command(self, interaction: discord.Interaction[QuizBot]) -> None:
        await self.show_next(interaction)

    @commands.Cog.listener()
    async def on_quiz_outcome(self, member_id: int, question_id: str, feedback: grading.Feedback) -> None:
        """A try on a posted question: once the member is done with it, rate their card."""
        if not feedback.done:
            return
        await reviewing.record_outcome(
            self.bot.database,
            member_id,
            question_id,
            right=feedback.right,
            try_no=feedback.try_no,
            now=self.bot.now(),
        )

    # ----- showing and answering ------------------------------------------------------------
    async def show_next(self, interaction: discord.Interaction[QuizBot]) -> None:
        """The most overdue card whose question still exists, or a note that nothing is due."""
        db, now, member_id = self.bot.database, self.bot.now(), interaction.user.id
        held_back = 0
        for card in await review.due_cards(db, member_id, now):
            question = self.bot.library.question(card.question_id)
            if question is None:
                await review.drop_card(db, member_id, card.question_id)
                continue
            if await spoilers.visibility(db, member_id, question) is Visibility.HIDDEN:
                held_back += 1  # posted again and open: reviewing it now would give that post away
                continue
            summary = await review.review_summary(db, member_id, now)
            lesson = self.bot.library.lesson(question.lesson_id)
            shown_as = read_as(showing(question, member_id, card.reviews))
            embed = render.question_embed(shown_as, lesson, card, summary.due, hinted=False)
            await self._reply(interaction, embed, question_view(shown_as, card.reviews, hinted=False))
            return
        summary = await review.review_summary(db, member_id, now)
        on = await review.reminders_on(db, member_id)
        await self._reply(interaction, render.nothing_due_embed(summary, held_back), reminder_view(on))

    async def set_reminders(self, interaction: discord.Interaction[QuizBot], on: bool) -> None:
        """Flip reminders, flip the button on the message clicked, and confirm privately."""
        await review.set_reminders(
            self.bot.database, interaction.user.id, on, now=self.bot.now(), locale=str(interaction.locale)
        )
        await interaction.response.edit_message(view=reminder_view(on))
        await interaction.followup.send(render.reminders_set_text(on), ephemeral=True)

    # ----- reminders ------------------------------------------------------------------------
    @every(minutes=REMINDER_TICK_MINUTES, what="sending review reminders")
    async def remind_loop(self) -> None:
        await self.send_reminders()

    @remind_loop.before_loop
    async def _before_remind_loop(self) -> None:
        await self.bot.wait_until_ready()

    async def send_reminders(self) -> int:
        """DM every member who asked for reminders and has cards due (at most once per
        REMINDER_GAP, claimed in the database first so two processes never both send it)."""
        db, now, sent = self.bot.database, self.bot.now(), 0
        for member_id, due, locale in await review.members_to_remind(db, now):
            due -= await self._held_back(member_id)
            if due <= 0 or not await review.claim_reminder(db, member_id, now):
                continue
            try:
                channel = await self.bot.create_dm(discord.Object(id=member_id))
                with speaking(locale):  # the language the member asked for reminders in
                    embed, view = render.reminder_embed(due), reminder_view(True)
                await channel.send(embed=embed, view=view)
            except discord.Forbidden:
                # DMs closed (or no server shared any more): stop trying rather than fail daily.
                await review.set_reminders(db, member_id, False, now=now)
                log.info("review reminders: member %s cannot be DMed; turned off", member_id)
                continue
            except discord.HTTPException as exc:
                log.warning("review reminders: DM to member %s failed (%s)", member_id, exc)
                continue
            sent += 1
        return sent

    async def show_hint(self, interaction: discord.Interaction[QuizBot], question_id: str, seen: int) -> None:
        shown = await self._shown(interaction, question_id, seen)
        if shown is None:
            return
        question, card = shown
        summary = await review.review_summary(self.bot.database, interaction.user.id, self.bot.now())
        lesson = self.bot.library.lesson(question.lesson_id)
        shown_as = read_as(question)
        embed = render.question_embed(shown_as, lesson, card, summary.due, hinted=True)
        await self._reply(interaction, embed, question_view(shown_as, seen, hinted=True))

    # ----- the `review` answer mode (bot.widgets) -------------------------------------------
    @property
    def forged(self) -> str:
        return _(FORGED)

    async def shown(
        self, interaction: discord.Interaction[QuizBot], state: str
    ) -> tuple[tuple[int, bool], Question] | None:
        """The showing a button belongs to ((seen, hinted)) and its question, if it can still be answered."""
        match = _SHOWN.fullmatch(state)
        if match is None:
            await self.bot.unknown_button(interaction)
            return None
        seen, hinted = int(match["seen"]), match["hint"] == "1"
        found = await self._shown(interaction, match["question"], seen)
        if found is None:
            return None
        if await spoilers.visibility(self.bot.database, interaction.user.id, found[0]) is Visibility.HIDDEN:
            await interaction.response.send_message(_(OPEN_IN_A_QUIZ), ephemeral=True)
            return None
        return (seen, hinted), found[0]

    def form_view(self, shown: tuple[int, bool], question: Question, picks: str) -> discord.ui.View:
        seen, hinted = shown
        return question_view(read_as(question), seen, hinted, picks)

    async def answer(
        self,
        interaction: discord.Interaction[QuizBot],
        shown: tuple[int, bool],
        question: Question,
        chosen: tuple[str, ...],
    ) -> None:
        seen, hinted = shown
        right = grading.grade(question, chosen)
        card = await reviewing.rate_answer(
            self.bot.database,
            interaction.user.id,
            question.id,
            right=right,
            hinted=hinted,
            seen_reviews=seen,
            now=self.bot.now(),
        )
        if card is None:
            await interaction.response.send_message(_(ALREADY), ephemeral=True)
            return
        shown_as = read_as(question)  # graded above as the lesson has it
        embed = render.result_embed(shown_as, chosen, right, hinted, card)
        await self._reply(interaction, embed, after_view(self.bot.question_items(shown_as)))

    # ----- helpers --------------------------------------------------------------------------
    async def _held_back(self, member_id: int) -> int:
        """Due cards /review would hold back now: their question is open in a quiz for this member."""
        db, now = self.bot.database, self.bot.now()
        found = [
            self.bot.library.question(card.question_id) for card in await review.due_cards(db, member_id, now)
        ]
        return len(await spoilers.hidden_from(db, member_id, [q for q in found if q is not None]))

    async def _shown(
        self, interaction: discord.Interaction[QuizBot], question_id: str, seen: int
    ) -> tuple[Question, Any] | None:
        """The question and card a button belongs to, if that showing can still be answered."""
        question = self.bot.library.question(question_id)
        if question is None:
            await review.drop_card(self.bot.database, interaction.user.id, question_id)
            await interaction.response.send_message(_(GONE), ephemeral=True)
            return None
        card = await review.get_card(self.bot.database, interaction.user.id, question_id)
        if card is None or card.reviews != seen:
            await interaction.response.send_message(_(ALREADY), ephemeral=True)
            return None
        return showing(question, interaction.user.id, seen), card

    @staticmethod
    async def _reply(
        interaction: discord.Interaction[QuizBot], embed: discord.Embed, view: discord.ui.View | None
    ) -> None:
        """A slash command gets a new private message; a button edits the private review message."""
        message: Any = interaction.message
        if (
            interaction.type is discord.InteractionType.component
            and message is not None
            and message.flags.ephemeral
        ):
            await interaction.response.edit_message(embed=embed, view=view)
        else:
            kwargs: dict[str, Any] = {"embed": embed, "ephemeral": True}
            if view is not None:
                kwargs["view"] = view
            await interaction.response.send_message(**kwargs)
