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

from bot import answering
from bot.plots import loss_curve_png
from bot.rendering import custom_id, shorten
from bot.trainer import TrainerBusy
from cogs.demo import _render as render
from content import ID, Question
from storage import Post, post_rows

if TYPE_CHECKING:
    from bot.app import QuizBot

log = logging.getLogger(__name__)

NO_DEMO = "That question has no code to run."
ANSWER_FIRST = (
    "Running the code shows what it prints, which gives this question away. "
    "Answer first (or wait until the question closes), then run it."
)


class RunButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"demo:run:(?P<question>{ID})",
):
    """ "Run the code" under a question; the question id is all the state it needs."""

    def __init__(self, question_id: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Run the code",
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
        found = self.bot.library.question(question)
        if found is None or not found.has_demo:
            await interaction.response.send_message(
                NO_DEMO if found else f"There is no question `{shorten(question, 60)}`.", ephemeral=True
            )
            return
        open_here = await self._open_posts_of(interaction, found)
        for post in open_here:
            if not await self._finished(interaction, post):
                await interaction.response.send_message(ANSWER_FIRST, ephemeral=True)
                return
        # While the question is open here, its output stays private even for those who answered.
        await self.run(interaction, found, seed=seed, ephemeral=bool(open_here))

    @demo.autocomplete("question")
    async def _question_choices(
        self, interaction: discord.Interaction[QuizBot], typed: str
    ) -> list[app_commands.Choice[str]]:
        typed = typed.lower()
        return [
            app_commands.Choice(name=shorten(f"{q.id}: {q.prompt}", 100), value=q.id)
            for q in self.bot.library.questions.values()
            if q.has_demo and (typed in q.id.lower() or typed in q.prompt.lower())
        ][:25]

    async def run_from_button(self, interaction: discord.Interaction[QuizBot], question_id: str) -> None:
        question = self.bot.library.question(question_id)
        if question is None or not question.has_demo:
            await interaction.response.send_message(NO_DEMO, ephemeral=True)
            return
        if interaction.message is not None and not await self._may_see_output(
            interaction, interaction.message.id
        ):
            await interaction.response.send_message(ANSWER_FIRST, ephemeral=True)
            return
        await self.run(interaction, question, seed=None, ephemeral=True)

    async def _may_see_output(self, interaction: discord.Interaction[QuizBot], message_id: int) -> bool:
        """On an open quiz post, only members who finished answering may run the code."""
        post = await post_rows.get_post_by_message(self.bot.database, message_id)
        if post is None or post.closed:
            return True
        return await self._finished(interaction, post)

    async def _finished(self, interaction: discord.Interaction[QuizBot], post: Post) -> bool:
        assert post.id is not None
        result = await answering.member_result(self.bot.database, post.id, interaction.user.id)
        return result is not None and result.done

    async def _open_posts_of(
        self, interaction: discord.Interaction[QuizBot], question: Question
    ) -> list[Post]:
        """The posts of this question still open in this server: its output would give them away."""
        if interaction.guild_id is None:
            return []
        return await post_rows.open_posts(self.bot.database, interaction.guild_id, question_id=question.id)

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
        progress: list[str] = []
        last_edit = 0.0

        async def on_epoch(epoch: int, logs: dict[str, float]) -> None:
            nonlocal last_edit
            progress.append(f"epoch {epoch + 1}: " + ", ".join(f"{k} {v:.4f}" for k, v in logs.items()))
            if time.monotonic() - last_edit >= self.progress_every_s:
                last_edit = time.monotonic()
                try:
                    await interaction.edit_original_response(
                        embed=render.progress_embed(question, progress, seed)
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
            )
        except TrainerBusy as busy:
            await interaction.edit_original_response(content=f"⏳ {busy}")
            return
        attachments = []
        if len(result.losses) >= 2:
            png = await asyncio.to_thread(
                loss_curve_png, result.losses, f"{question.id} · seed {result.seed}"
            )
            attachments.append(discord.File(fp=io.BytesIO(png), filename="loss.png"))
        embed = render.result_embed(question, result, progress=progress)
        if attachments:
            embed.set_image(url="attachment://loss.png")
        await interaction.edit_original_response(embed=embed, attachments=attachments)
