"""Persistent review buttons: the card's state is in the custom_id, so they work after a restart.

review:answer:{question}:{seen}:{hint}:{letter}         a multiple-choice option
review:pick:{question}:{seen}:{hint}:{blank}:{picks}    one blank's menu; picks: a letter per blank, '-' unset
review:submit:{question}:{seen}:{hint}:{picks}          submit the blanks
review:hint:{question}:{seen}                           show the hint (a right answer then rates Hard)
review:next                                             the next due question
review:remind:{on|off}                                  turn due-review DMs on or off

{seen} is the card's review count when it was shown: a second answer to the same showing is refused.
{hint} is 1 once the hint was shown, else 0.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from bot.rendering import custom_id, option_label
from cogs._blanks import UNSET, blank_menu, with_pick
from content import Question

if TYPE_CHECKING:
    from cogs.review._cog import Review

_CARD = r"(?P<question>[a-z0-9][a-z0-9_.-]{0,47}):(?P<seen>[0-9]{1,6})"
_SHOWN = rf"{_CARD}:(?P<hint>[01])"


def _cog(interaction: discord.Interaction[Any]) -> Review:
    cog = interaction.client.get_cog("Review")
    assert cog is not None, "the review cog is not loaded"
    return cog  # type: ignore[no-any-return]


class AnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=rf"review:answer:{_SHOWN}:(?P<letter>[A-Y])"
):
    def __init__(
        self, question_id: str, seen: int, hinted: bool, letter: str, label: str | None = None
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=label or letter,
                style=discord.ButtonStyle.secondary,
                custom_id=custom_id("review", "answer", question_id, seen, int(hinted), letter),
            )
        )
        self.question_id, self.seen, self.hinted, self.letter = question_id, seen, hinted, letter

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Any, /
    ) -> AnswerButton:
        return cls(match["question"], int(match["seen"]), match["hint"] == "1", match["letter"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _cog(interaction).answer(interaction, self.question_id, self.seen, self.hinted, (self.letter,))


class BlankSelect(
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=rf"review:pick:{_SHOWN}:(?P<blank>[1-4]):(?P<picks>[A-Y-]{{1,4}})",
):
    def __init__(
        self,
        question_id: str,
        seen: int,
        hinted: bool,
        blank: int,
        picks: str,
        question: Question | None = None,
    ) -> None:
        super().__init__(
            blank_menu(
                custom_id("review", "pick", question_id, seen, int(hinted), blank, picks),
                blank,
                picks,
                question,
            )
        )
        self.question_id, self.seen, self.hinted, self.blank, self.picks = (
            question_id,
            seen,
            hinted,
            blank,
            picks,
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Any, /
    ) -> BlankSelect:
        return cls(
            match["question"], int(match["seen"]), match["hint"] == "1", int(match["blank"]), match["picks"]
        )

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        picks = with_pick(self.picks, self.blank, self.item)
        await _cog(interaction).update_blanks(interaction, self.question_id, self.seen, self.hinted, picks)


class SubmitButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"review:submit:{_SHOWN}:(?P<picks>[A-Y-]{{1,4}})",
):
    def __init__(self, question_id: str, seen: int, hinted: bool, picks: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Submit",
                style=discord.ButtonStyle.success,
                custom_id=custom_id("review", "submit", question_id, seen, int(hinted), picks),
                row=4,
                disabled=UNSET in picks,
            )
        )
        self.question_id, self.seen, self.hinted, self.picks = question_id, seen, hinted, picks

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Any, /
    ) -> SubmitButton:
        return cls(match["question"], int(match["seen"]), match["hint"] == "1", match["picks"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        if UNSET in self.picks:
            await interaction.response.send_message("Pick an option for every blank first.", ephemeral=True)
            return
        await _cog(interaction).answer(
            interaction, self.question_id, self.seen, self.hinted, tuple(self.picks)
        )


class HintButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=rf"review:hint:{_CARD}"):
    def __init__(self, question_id: str, seen: int, row: int | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label="Show the hint",
                emoji="💡",
                style=discord.ButtonStyle.secondary,
                custom_id=custom_id("review", "hint", question_id, seen),
                row=row,
            )
        )
        self.question_id, self.seen = question_id, seen

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Any, /
    ) -> HintButton:
        return cls(match["question"], int(match["seen"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _cog(interaction).show_hint(interaction, self.question_id, self.seen)


class NextButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"review:next"):
    def __init__(self) -> None:
        super().__init__(
            discord.ui.Button(
                label="Next review", emoji="➡️", style=discord.ButtonStyle.primary, custom_id="review:next"
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Any, /
    ) -> NextButton:
        return cls()

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _cog(interaction).show_next(interaction)


class RemindButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"review:remind:(?P<turn>on|off)"
):
    """Turns reminders on (or off): a DM, at most daily, when reviews are due."""

    def __init__(self, turn_on: bool) -> None:
        super().__init__(
            discord.ui.Button(
                label="Remind me when reviews are due" if turn_on else "Stop review reminders",
                emoji="🔔" if turn_on else "🔕",
                style=discord.ButtonStyle.secondary,
                custom_id=f"review:remind:{'on' if turn_on else 'off'}",
            )
        )
        self.turn_on = turn_on

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Any, /
    ) -> RemindButton:
        return cls(match["turn"] == "on")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _cog(interaction).set_reminders(interaction, self.turn_on)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    AnswerButton,
    BlankSelect,
    SubmitButton,
    HintButton,
    NextButton,
    RemindButton,
)


def question_view(question: Question, seen: int, hinted: bool, picks: str | None = None) -> discord.ui.View:
    """Option buttons (or a menu per blank and Submit), and the hint button until it is used.
    No "Run the code" here: a lesson's demo is its solved code."""
    view = discord.ui.View(timeout=None)
    if question.kind == "multiple_choice":
        for letter, text in zip(question.letters, question.options, strict=True):
            label = option_label(letter, text)
            view.add_item(AnswerButton(question.id, seen, hinted, letter, label=label))
    else:
        picks = picks or UNSET * question.blanks
        for blank in range(1, question.blanks + 1):
            view.add_item(BlankSelect(question.id, seen, hinted, blank, picks, question))
        view.add_item(SubmitButton(question.id, seen, hinted, picks))
    if not hinted and len(view.children) < 25:
        view.add_item(HintButton(question.id, seen, row=4 if question.kind == "fill_blanks" else None))
    return view


def after_view(extras: list[discord.ui.Item[Any]]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(NextButton())
    for item in extras:
        if len(view.children) < 25:
            view.add_item(item)
    return view


def reminder_view(reminders_on: bool) -> discord.ui.View:
    """The one button that flips reminders: "remind me" while they are off, "stop" while on."""
    view = discord.ui.View(timeout=None)
    view.add_item(RemindButton(turn_on=not reminders_on))
    return view
