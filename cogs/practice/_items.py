"""Persistent practice buttons and menus: the run's whole state is in the custom_id (see _run.py).

practice:answer:{run}:{letter}          a multiple-choice option
practice:pick:{run}:{blank}:{picks}     one blank's menu; picks is one letter per blank, '-' if unset
practice:submit:{run}:{picks}           submit the blanks
practice:next:{run}                     the next question, or the summary after the last one
practice:review:{key}                   after the summary: a missed question's solution (value: its id)
practice:again:{key}:{mode}             start a new run of the same lesson and mode

{run} is {key}:{mode}:{started}:{history}, e.g. 0k3x9a:l:t2a8qz:AB1
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from bot.rendering import SELECT_OPTION_LABEL_CHARS, custom_id, option_label, shorten
from cogs._blanks import UNSET, blank_menu, with_pick
from cogs.practice._run import MAX_LEARN_QUESTIONS, Run
from content import Question

if TYPE_CHECKING:
    from cogs.practice._cog import Practice

_RUN = (
    r"(?P<key>[0-9a-z]{6}):(?P<mode>[lt]):(?P<started>[0-9a-z]{1,8}):"
    rf"(?P<history>[A-Y01]{{0,{MAX_LEARN_QUESTIONS}}})"
)


def _practice(interaction: discord.Interaction[Any]) -> Practice:
    cog = interaction.client.get_cog("Practice")
    assert cog is not None, "the practice cog is not loaded"
    return cog  # type: ignore[no-any-return]


def _run(match: Any) -> Run:
    return Run.parse(match["key"], match["mode"], match["started"], match["history"])


def _run_id(action: str, run: Run, *rest: object) -> str:
    return custom_id("practice", action, run.key, run.mode_code, run.started_code, run.history, *rest)


class AnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=rf"practice:answer:{_RUN}:(?P<letter>[A-Y])"
):
    def __init__(self, run: Run, letter: str, label: str | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=label or letter,
                style=discord.ButtonStyle.secondary,
                custom_id=_run_id("answer", run, letter),
            )
        )
        self.run, self.letter = run, letter

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Any, /
    ) -> AnswerButton:
        return cls(_run(match), match["letter"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _practice(interaction).answer(interaction, self.run, (self.letter,))


class BlankSelect(
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=rf"practice:pick:{_RUN}:(?P<blank>[1-4]):(?P<picks>[A-Y-]{{1,4}})",
):
    def __init__(self, run: Run, blank: int, picks: str, question: Question | None = None) -> None:
        super().__init__(blank_menu(_run_id("pick", run, blank, picks), blank, picks, question))
        self.run, self.blank, self.picks = run, blank, picks

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Any, /
    ) -> BlankSelect:
        return cls(_run(match), int(match["blank"]), match["picks"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        picks = with_pick(self.picks, self.blank, self.item)
        await _practice(interaction).update_blanks(interaction, self.run, picks)


class SubmitButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"practice:submit:{_RUN}:(?P<picks>[A-Y-]{{1,4}})",
):
    def __init__(self, run: Run, picks: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Submit",
                style=discord.ButtonStyle.success,
                custom_id=_run_id("submit", run, picks),
                row=4,
                disabled=UNSET in picks,
            )
        )
        self.run, self.picks = run, picks

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Any, /
    ) -> SubmitButton:
        return cls(_run(match), match["picks"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        if UNSET in self.picks:
            await interaction.response.send_message("Pick an option for every blank first.", ephemeral=True)
            return
        await _practice(interaction).answer(interaction, self.run, tuple(self.picks))


class NextButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=rf"practice:next:{_RUN}"):
    def __init__(self, run: Run, label: str = "Next") -> None:
        super().__init__(
            discord.ui.Button(
                label=label, style=discord.ButtonStyle.primary, emoji="➡️", custom_id=_run_id("next", run)
            )
        )
        self.run = run

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Any, /
    ) -> NextButton:
        return cls(_run(match))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _practice(interaction).show(interaction, self.run)


class ReviewSelect(
    discord.ui.DynamicItem[discord.ui.Select[Any]], template=r"practice:review:(?P<key>[0-9a-z]{6})"
):
    """One option per missed question (value: its id); picking one shows its answer and solution."""

    def __init__(self, key: str, questions: list[Question] | None = None) -> None:
        options = [
            discord.SelectOption(label=shorten(f"{q.id}: {q.prompt}", SELECT_OPTION_LABEL_CHARS), value=q.id)
            for q in (questions or [])[:25]
        ]
        super().__init__(
            discord.ui.Select(
                custom_id=custom_id("practice", "review", key),
                placeholder="See a missed question's solution",
                options=options or [discord.SelectOption(label="-", value=UNSET)],
            )
        )
        self.key = key

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Any, /
    ) -> ReviewSelect:
        return cls(match["key"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        picked = self.item.values[0] if self.item.values else UNSET
        await _practice(interaction).review(interaction, self.key, picked)


class AgainButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"practice:again:(?P<key>[0-9a-z]{6}):(?P<mode>[lt])",
):
    def __init__(self, key: str, mode_code: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Start again",
                emoji="🔁",
                style=discord.ButtonStyle.secondary,
                custom_id=custom_id("practice", "again", key, mode_code),
            )
        )
        self.key, self.mode_code = key, mode_code

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Any, /
    ) -> AgainButton:
        return cls(match["key"], match["mode"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _practice(interaction).again(interaction, self.key, self.mode_code)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    AnswerButton,
    BlankSelect,
    SubmitButton,
    NextButton,
    ReviewSelect,
    AgainButton,
)


def _add_extras(view: discord.ui.View, extras: list[discord.ui.Item[Any]]) -> None:
    for item in extras:
        if len(view.children) < 25:
            view.add_item(item)


def question_view(
    question: Question, run: Run, picks: str | None = None, extras: list[discord.ui.Item[Any]] | None = None
) -> discord.ui.View:
    """Option buttons, or one menu per blank and Submit; then other cogs' buttons (Run the code)."""
    view = discord.ui.View(timeout=None)
    if question.kind == "multiple_choice":
        for letter, text in zip(question.letters, question.options, strict=True):
            label = option_label(letter, text)
            view.add_item(AnswerButton(run, letter, label=label))
    else:
        picks = picks or UNSET * question.blanks
        for blank in range(1, question.blanks + 1):
            view.add_item(BlankSelect(run, blank, picks, question))
        view.add_item(SubmitButton(run, picks))
    _add_extras(view, extras or [])
    return view


def next_view(run: Run, last: bool, extras: list[discord.ui.Item[Any]] | None = None) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(NextButton(run, label="See your summary" if last else "Next question"))
    _add_extras(view, extras or [])
    return view


def summary_view(run: Run, missed: list[Question]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    if missed:
        view.add_item(ReviewSelect(run.key, missed))
    view.add_item(AgainButton(run.key, run.mode_code))
    return view
