"""Run the lesson's own code in the TensorFlow worker and show what it really prints."""

from __future__ import annotations

import asyncio
import io
import logging
import time
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import spoilers
from bot.i18n import N_, _, current_locale, speaking
from bot.plots import loss_curve_png
from bot.rendering import custom_id, shorten
from bot.spoilers import Visibility
from bot.trainer import DemoRefused, TrainerBusy
from cogs import _choices as choices
from cogs.demo import _render as render
from content import Question
from content.scoping import SCOPED_ID, guild_of

if TYPE_CHECKING:
    from bot.app import QuizBot

log = logging.getLogger(__name__)

NO_DEMO = N_("That question has no code to run.")
# Shown while this run wakes the worker, which exited after QUIZBOT_TRAINER_IDLE_MINUTES without a demo.
# TRANSLATORS: the trainer is the process that runs lessons' TensorFlow code.
WARMING_UP = N_("⏳ Warming up the trainer: the first run takes a few seconds.")
ANSWER_FIRST = N_(
    "This question is open for answers right now, and running its code would give it away. "
    "Answer first (or wait until it closes), then run it."
)


class RunButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"demo:run:(?P<question>{SCOPED_ID})",
):
    """ "Run the code" under a question; the question id is all the state it needs."""

    def __init__(self, question_id: str) -> None:
        super().__init__(
            discord.ui.Button(
                # TRANSLATORS: a button under a question: runs its TensorFlow code and shows the output.
                label=_("Run the code"),
                emoji="▶️",
                style=discord.ButtonStyle.success,
                custom_id=custom_id("demo", "run", question_id),
            )
        )
        self.question_id = question_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Any, /
    ) -> RunButton:
        return cls(match["question"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.client.feature(Demo).run_from_button(interaction, self.question_id)


class Demo(commands.Cog):
    # Edits of the reply while a model trains: at most one per this many seconds (rate limits).
    progress_every_s: float = 1.0
    # None: the trainer's own limit. Tests shorten it to reach the timeout path quickly.
    time_limit_s: float | None = None

    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot

    def question_items(self, question: Question) -> list[discord.ui.Item[Any]]:
        """Offered to every place a question is shown (see QuizBot.question_items)."""
        return [RunButton(question.id)] if question.has_demo else []

    @app_commands.command(name="demo", description="Run a question's code for real and see what it prints")
    @app_commands.describe(question="The question (type to search)", seed="Random seed, to reproduce a run")
    async def demo(
        self,
        interaction: discord.Interaction[QuizBot],
        question: str,
        seed: app_commands.Range[int, 0, 2**31 - 1] | None = None,
    ) -> None:
        # What a member may name: this server's questions and the bundled ones, not another server's.
        found = self.bot.catalog.lessons_in(interaction.guild_id).question(question)
        if found is None or not found.has_demo:
            # TRANSLATORS: {question} is what the member typed as a question's id.
            unknown = _("There is no question `{question}`.").format(question=shorten(question, 60))
            await interaction.response.send_message(_(NO_DEMO) if found else unknown, ephemeral=True)
            return
        shown = await spoilers.visibility(self.bot.database, interaction.user.id, found)
        if shown is Visibility.HIDDEN:
            await interaction.response.send_message(_(ANSWER_FIRST), ephemeral=True)
            return
        # While the question is open anywhere, its output stays private even for those who answered.
        await self.run(interaction, found, seed=seed, ephemeral=shown is Visibility.PRIVATE)

    @demo.autocomplete("question")
    async def _question_choices(
        self, interaction: discord.Interaction[QuizBot], typed: str
    ) -> list[app_commands.Choice[str]]:
        here = self.bot.catalog.lessons_in(interaction.guild_id).questions.values()
        return choices.questions([q for q in here if q.has_demo], typed)

    async def run_from_button(self, interaction: discord.Interaction[QuizBot], question_id: str) -> None:
        question = self.bot.library.question(question_id)  # a stored id: the button may be in a DM
        if question is None or not question.has_demo:
            await interaction.response.send_message(_(NO_DEMO), ephemeral=True)
            return
        # Not only the post clicked: the same question may be open on a newer post, or elsewhere.
        if await spoilers.visibility(self.bot.database, interaction.user.id, question) is Visibility.HIDDEN:
            await interaction.response.send_message(_(ANSWER_FIRST), ephemeral=True)
            return
        await self.run(interaction, question, seed=None, ephemeral=True)

    async def run(
        self,
        interaction: discord.Interaction[QuizBot],
        question: Question,
        *,
        seed: int | None,
        ephemeral: bool,
    ) -> None:
        assert question.demo is not None
        # The 3-second rule: acknowledge now; the worker's answer comes as an edit.
        await interaction.response.defer(ephemeral=ephemeral, thinking=True)
        # A reply the whole channel sees is in the server's language; a private one in the member's.
        public = not ephemeral and interaction.guild_id is not None
        locale = await self.bot.server_locale(interaction.guild_id) if public else current_locale()
        with speaking(locale):
            await self._run(interaction, question, seed=seed)

    async def _run(
        self, interaction: discord.Interaction[QuizBot], question: Question, *, seed: int | None
    ) -> None:
        assert question.demo is not None
        # The code runs as the lesson has it; what it means is told in the language of the reply.
        shown = question.in_language(current_locale())
        if self.bot.trainer.asleep:
            await interaction.edit_original_response(content=_(WARMING_UP))
        progress: list[str] = []
        last_edit = 0.0

        async def on_epoch(epoch: int, logs: dict[str, float]) -> None:
            nonlocal last_edit
            progress.append(render.epoch_line(epoch, logs))
            if time.monotonic() - last_edit >= self.progress_every_s:
                last_edit = time.monotonic()
                try:
                    await interaction.edit_original_response(
                        content=None, embed=render.progress_embed(question, progress, seed)
                    )
                except discord.HTTPException as exc:  # progress is a courtesy; the result still comes
                    log.debug("progress edit failed: %s", exc)

        try:
            result = await self.bot.trainer.run(
                question.demo,
                seed=seed,
                member=interaction.user.id,
                on_epoch=on_epoch,
                time_limit_s=self.time_limit_s,
                output_pattern=question.output_check.pattern if question.output_check else None,
                untrusted=guild_of(question.id) is not None,  # a server's upload: the sandbox or nothing
            )
        except TrainerBusy as busy:
            await interaction.edit_original_response(content=f"⏳ {busy}")
            return
        except DemoRefused as refused:
            await interaction.edit_original_response(content=str(refused))
            return
        attachments = []
        if len(result.losses) >= 2:
            title = render.seed_line(question, result.seed)
            png = await asyncio.to_thread(loss_curve_png, result.losses, title)
            attachments.append(discord.File(fp=io.BytesIO(png), filename="loss.png"))
        embed = render.result_embed(shown, result, progress=progress)
        if attachments:
            embed.set_image(url="attachment://loss.png")
        # content=None takes the "warming up" line away.
        await interaction.edit_original_response(content=None, embed=embed, attachments=attachments)
