"""/practice: a private, paced run through a lesson. Recorded for the member, never ranked.

One ephemeral message is edited as the member goes. Nothing is kept in memory: each button carries
the run (see _run.py), so a click reaches the same state in any bot process, after any restart.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot import spoilers
from bot.i18n import N_, _, current_locale
from bot.spoilers import Visibility
from bot.widgets import add_extras
from cogs import _choices as choices
from cogs.practice import _render as render
from cogs.practice import _run
from cogs.practice._items import next_view, question_view, summary_view
from content import Lesson, Library, Question
from storage import PracticeAnswer, practice_runs

if TYPE_CHECKING:
    from bot.app import QuizBot


STALE_RUN = N_(
    "This practice run can't go on: its lesson was changed or removed since you started. "
    "Nothing more was recorded; start a new run with `/practice`."
)
FORGED = N_("That button doesn't belong to this practice run. Start a new run with `/practice`.")
OPEN_IN_A_QUIZ = N_(
    "This question is open in a quiz right now, so practice won't show its answer yet. "
    "Answer it in the quiz first, or carry on here once it closes."
)


def run_secret(token: str | None) -> bytes:
    """The key that signs runs: from the bot's token, so every process of one bot agrees (and a new
    token retires old buttons); without a token, a key for this process only."""
    if token is None:
        return secrets.token_bytes(32)
    return hashlib.sha256(b"quizbot practice runs\0" + token.encode()).digest()


class Practice(commands.Cog):
    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot
        token = bot.settings.discord_token
        self.signer = _run.Signer(run_secret(token.get_secret_value() if token else None))
        self._keys: dict[str, Lesson] = {}
        self._keyed: Library | None = None

    # ----- the command ----------------------------------------------------------------------
    @app_commands.command(name="practice", description="A private, paced run through a lesson (not ranked)")
    @app_commands.describe(
        lesson="The lesson to practise",
        mode="learn: hint and solution after each question; test: up to 10 questions, scored at the end",
    )
    async def practice(
        self,
        interaction: discord.Interaction[QuizBot],
        lesson: str,
        mode: Literal["learn", "test"] = "learn",
    ) -> None:
        found = self.bot.catalog.lessons_in(interaction.guild_id).lesson(lesson)
        if found is None:
            await interaction.response.send_message(
                choices.no_lesson(lesson),
                ephemeral=True,
            )
            return
        run = _run.start(found, mode, self.bot.now())
        embed, view = self._question_state(found, run, _run.plan(found, run))
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    @practice.autocomplete("lesson")
    async def _lesson_choices(
        self, interaction: discord.Interaction[QuizBot], typed: str
    ) -> list[app_commands.Choice[str]]:
        return choices.lessons(interaction, typed)

    # ----- the `practice` answer mode (bot.widgets) and the buttons in _items.py ------------
    @property
    def forged(self) -> str:
        return _(FORGED)

    async def shown(
        self, interaction: discord.Interaction[QuizBot], state: str
    ) -> tuple[tuple[Lesson, list[Question], _run.Run], Question] | None:
        """The run a button carries, its lesson and questions, and the question it is at."""
        run = self.signer.run(state)
        if run is None:
            await self.bot.unknown_button(interaction)
            return None
        resolved = await self._resolve(interaction, run)
        if resolved is None:
            return None
        lesson, questions = resolved
        if run.position >= len(questions):
            await interaction.response.send_message(_(FORGED), ephemeral=True)
            return None
        return (lesson, questions, run), questions[run.position]

    def form_view(
        self, shown: tuple[Lesson, list[Question], _run.Run], question: Question, picks: str
    ) -> discord.ui.View:
        return self._view(shown[2], question, picks)

    async def show(self, interaction: discord.Interaction[QuizBot], state: str) -> None:
        """Next: the question at the run's position, or the summary once every question is answered."""
        run = self.signer.run(state)
        if run is None:
            await self.bot.unknown_button(interaction)
            return
        resolved = await self._resolve(interaction, run)
        if resolved is None:
            return
        lesson, questions = resolved
        if run.position >= len(questions):
            await self._finish(interaction, lesson, run, questions)
            return
        embed, view = self._question_state(lesson, run, questions)
        await self._reply(interaction, embed, view)

    async def answer(
        self,
        interaction: discord.Interaction[QuizBot],
        shown: tuple[Lesson, list[Question], _run.Run],
        question: Question,
        chosen: tuple[str, ...],
    ) -> None:
        """One answer (a click, or submitted blanks). Learn: feedback and Next. Test: straight on."""
        lesson, questions, run = shown
        if await self._hidden(interaction, question):
            await interaction.response.send_message(_(OPEN_IN_A_QUIZ), ephemeral=True)
            return
        after = run.with_mark(_run.mark_for(question, chosen))
        done = after.position == len(questions)
        if run.mode == "test":
            if done:
                await self._finish(interaction, lesson, after, questions)
            else:
                embed, view = self._question_state(lesson, after, questions)
                await self._reply(interaction, embed, view)
            return
        if done:
            # Recorded as soon as the last answer is in, even if Summary is never clicked.
            await self._record(interaction, lesson, after, questions)
        right = _run.is_right(question, after.history[-1])
        shown_as = question.in_language(current_locale())  # graded above as the lesson has it
        embed = render.feedback_embed(lesson, shown_as, chosen, right, run.position, len(questions))
        await self._reply(
            interaction, embed, next_view(self.signer.state(after), done, self.bot.question_items(shown_as))
        )

    async def review(
        self, interaction: discord.Interaction[QuizBot], key: str, started: int, question_id: str
    ) -> None:
        """After the summary: one missed question's answer and solution, in a new private message."""
        lesson = self._lesson_for(key)
        if lesson is None:
            await interaction.response.send_message(_(STALE_RUN), ephemeral=True)
            return
        found = next((q for q in lesson.questions if q.id == question_id), None)
        if found is None:
            await interaction.response.send_message(_(FORGED), ephemeral=True)
            return
        question = found.arranged(_run.shuffle_seed(key, started))
        if await self._hidden(interaction, question):
            await interaction.response.send_message(_(OPEN_IN_A_QUIZ), ephemeral=True)
            return
        shown_as = question.in_language(current_locale())
        view = add_extras(discord.ui.View(timeout=None), self.bot.question_items(shown_as))
        await interaction.response.send_message(
            embed=render.review_embed(lesson, shown_as), view=view, ephemeral=True
        )

    async def again(self, interaction: discord.Interaction[QuizBot], key: str, mode_code: str) -> None:
        lesson = self._lesson_for(key)
        if lesson is None:
            await interaction.response.send_message(_(STALE_RUN), ephemeral=True)
            return
        run = _run.start(lesson, _run.MODE_CODES[mode_code], self.bot.now())
        embed, view = self._question_state(lesson, run, _run.plan(lesson, run))
        await self._reply(interaction, embed, view)

    # ----- helpers --------------------------------------------------------------------------
    async def _hidden(self, interaction: discord.Interaction[QuizBot], question: Question) -> bool:
        """Open in a quiz this member has not finished: practice must not give it away."""
        shown = await spoilers.visibility(self.bot.database, interaction.user.id, question)
        return shown is Visibility.HIDDEN

    def _question_state(
        self, lesson: Lesson, run: _run.Run, questions: list[Question], picks: str | None = None
    ) -> tuple[discord.Embed, discord.ui.View]:
        question = questions[run.position]
        shown_as = question.in_language(current_locale())
        embed = render.question_embed(lesson, run.mode, shown_as, run.position, len(questions))
        return embed, self._view(run, question, picks)

    def _view(self, run: _run.Run, question: Question, picks: str | None = None) -> discord.ui.View:
        # No Run the code before an answer, in learn mode too: a demo is the solved code, so it would give
        # the answer away (a quiz post refuses it until answered). Learn mode offers it with the feedback.
        # The options on the buttons read in the member's language (the letters are the same).
        return question_view(question.in_language(current_locale()), self.signer.state(run), picks)

    async def _finish(
        self,
        interaction: discord.Interaction[QuizBot],
        lesson: Lesson,
        run: _run.Run,
        questions: list[Question],
    ) -> None:
        await self._record(interaction, lesson, run, questions)
        summary = _run.summarise(questions, run.history)
        hidden = await spoilers.hidden_from(self.bot.database, interaction.user.id, list(summary.missed))
        embed = render.summary_embed(lesson, run.mode, summary, hidden)
        await self._reply(interaction, embed, summary_view(run, summary.missed))

    async def _record(
        self,
        interaction: discord.Interaction[QuizBot],
        lesson: Lesson,
        run: _run.Run,
        questions: list[Question],
    ) -> None:
        """Store the finished run. record_practice_run keeps one row per (member, lesson, mode,
        start), so a second click on the last button, or a retry in another process, stores nothing."""
        answers = [
            PracticeAnswer(
                question_id=o.question.id,
                difficulty=o.question.difficulty,
                chosen=_run.chosen_from(o.question, o.mark),
                right=o.right,
            )
            for o in _run.summarise(questions, run.history).outcomes
        ]
        await practice_runs.record_practice_run(
            self.bot.database,
            member_id=interaction.user.id,
            lesson_id=lesson.id,
            mode=_run.STORED_MODE[run.mode],
            answers=answers,
            started_at=run.started_at,
            finished_at=self.bot.now(),
            guild_id=interaction.guild_id,
        )

    async def _resolve(
        self, interaction: discord.Interaction[QuizBot], run: _run.Run
    ) -> tuple[Lesson, list[Question]] | None:
        """The run's lesson and questions, or None after telling the member politely why not."""
        lesson = self._lesson_for(run.key)
        if lesson is None:
            await interaction.response.send_message(_(STALE_RUN), ephemeral=True)
            return None
        questions = _run.plan(lesson, run)
        if not _run.history_is_valid(questions, run.history):
            await interaction.response.send_message(_(FORGED), ephemeral=True)
            return None
        return lesson, questions

    def _lesson_for(self, key: str) -> Lesson | None:
        """The loaded lesson with this fingerprint; recomputed whenever the lessons are reloaded."""
        library = self.bot.library
        if library is not self._keyed:
            self._keys = {_run.lesson_key(lesson): lesson for lesson in library.lessons.values()}
            self._keyed = library
        return self._keys.get(key)

    @staticmethod
    async def _reply(
        interaction: discord.Interaction[QuizBot], embed: discord.Embed, view: discord.ui.View
    ) -> None:
        """Edit the member's private practice message; a practice button on a public message (an
        old or forged one) is answered privately instead, so practice never shows in a channel."""
        message = interaction.message
        if message is not None and message.flags.ephemeral:
            await interaction.response.edit_message(embed=embed, view=view)
        else:
            await interaction.response.send_message(embed=embed, view=view, ephemeral=True)
