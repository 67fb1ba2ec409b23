"""Persistent review buttons: the card's state is in the custom_id, so they work after a restart.

review:answer|pick|submit:{question}:{seen}:{hint}:...  the shared answer widgets (bot.widgets), mode `review`
review:hint:{question}:{seen}                           show the hint (a right answer then rates Hard)
review:next                                             the next due question
review:remind:{on|off}                                  turn due-review DMs on or off

{seen} is the card's review count when it was shown: a second answer to the same showing is refused.
{hint} is 1 once the hint was shown, else 0.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from bot.i18n import _
from bot.rendering import custom_id
from bot.widgets import add_extras, answer_view
from content import Question
from content.scoping import SCOPED_ID

if TYPE_CHECKING:
    from cogs.review._cog import Review

REVIEW_MODE = "review"
_CARD = rf"(?P<question>{SCOPED_ID}):(?P<seen>[0-9]{{1,6}})"
SHOWN_PATTERN = rf"{_CARD}:(?P<hint>[01])"


def _cog(interaction: discord.Interaction[Any]) -> Review:
    from cogs.review._cog import Review  # the cog module imports these items

    return interaction.client.feature(Review)


def shown_state(question_id: str, seen: int, hinted: bool) -> str:
    """One showing of a card, as the answer widgets' state."""
    return f"{question_id}:{seen}:{int(hinted)}"


class HintButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=rf"review:hint:{_CARD}"):
    def __init__(self, question_id: str, seen: int, row: int | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                # TRANSLATORS: a button label (80 characters at most).
                label=_("Show the hint"),
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
                # TRANSLATORS: a button label (80 characters at most): the next due review question.
                label=_("Next review"),
                emoji="➡️",
                style=discord.ButtonStyle.primary,
                custom_id="review:next",
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
                label=(
                    # TRANSLATORS: a button label (80 characters at most): turns on reminder DMs.
                    _("Remind me when reviews are due")
                    if turn_on
                    # TRANSLATORS: a button label (80 characters at most): turns off reminder DMs.
                    else _("Stop review reminders")
                ),
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


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (HintButton, NextButton, RemindButton)


def question_view(question: Question, seen: int, hinted: bool, picks: str | None = None) -> discord.ui.View:
    """Option buttons (or a menu per blank and Submit), and the hint button until it is used.
    No "Run the code" here: a lesson's demo is its solved code."""
    hint = (
        [] if hinted else [HintButton(question.id, seen, row=4 if question.kind == "fill_blanks" else None)]
    )
    return answer_view(
        REVIEW_MODE, shown_state(question.id, seen, hinted), question, picks=picks, extras=hint
    )


def after_view(extras: list[discord.ui.Item[Any]]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(NextButton())
    return add_extras(view, extras)


def reminder_view(reminders_on: bool) -> discord.ui.View:
    """The one button that flips reminders: "remind me" while they are off, "stop" while on."""
    view = discord.ui.View(timeout=None)
    view.add_item(RemindButton(turn_on=not reminders_on))
    return view
