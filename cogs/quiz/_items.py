"""Persistent buttons and menus: all their state is in the custom_id, so they work after a restart.

quiz:answer:{post}:{letter}         a multiple-choice option on the public post
quiz:fill:{post}                    "Answer" on a fill-in-the-blanks post: opens the private form
quiz:pick:{post}:{blank}:{picks}    one blank's menu in the private form
quiz:submit:{post}:{picks}          submit the form; picks is one letter per blank, '-' if unset
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from bot.rendering import custom_id, option_label
from cogs._blanks import UNSET, blank_menu, with_pick
from content import Question

if TYPE_CHECKING:
    from cogs.quiz._cog import Quiz


def _quiz(interaction: discord.Interaction[Any]) -> Quiz:
    cog = interaction.client.get_cog("Quiz")
    assert cog is not None, "the quiz cog is not loaded"
    return cog  # type: ignore[no-any-return]


class AnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"quiz:answer:(?P<post>[0-9]{1,20}):(?P<letter>[A-Z])",
):
    def __init__(self, post_id: int, letter: str, label: str | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=label or letter,
                style=discord.ButtonStyle.secondary,
                custom_id=custom_id("quiz", "answer", post_id, letter),
            )
        )
        self.post_id, self.letter = post_id, letter

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Any, /
    ) -> AnswerButton:
        return cls(int(match["post"]), match["letter"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _quiz(interaction).answer(interaction, self.post_id, (self.letter,))


class FillButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"quiz:fill:(?P<post>[0-9]{1,20})"):
    def __init__(self, post_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Answer",
                emoji="✏️",
                style=discord.ButtonStyle.primary,
                custom_id=custom_id("quiz", "fill", post_id),
            )
        )
        self.post_id = post_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Any, /
    ) -> FillButton:
        return cls(int(match["post"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _quiz(interaction).open_blanks_form(interaction, self.post_id)


class BlankSelect(
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=r"quiz:pick:(?P<post>[0-9]{1,20}):(?P<blank>[1-4]):(?P<picks>[A-Z-]{1,4})",
):
    def __init__(self, post_id: int, blank: int, picks: str, question: Question | None = None) -> None:
        super().__init__(blank_menu(custom_id("quiz", "pick", post_id, blank, picks), blank, picks, question))
        self.post_id, self.blank, self.picks = post_id, blank, picks

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Any, /
    ) -> BlankSelect:
        return cls(int(match["post"]), int(match["blank"]), match["picks"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        picks = with_pick(self.picks, self.blank, self.item)
        await _quiz(interaction).update_blanks_form(interaction, self.post_id, picks)


class SubmitButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"quiz:submit:(?P<post>[0-9]{1,20}):(?P<picks>[A-Z-]{1,4})",
):
    def __init__(self, post_id: int, picks: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Submit",
                style=discord.ButtonStyle.success,
                custom_id=custom_id("quiz", "submit", post_id, picks),
                row=4,
                disabled=UNSET in picks,
            )
        )
        self.post_id, self.picks = post_id, picks

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Any, /
    ) -> SubmitButton:
        return cls(int(match["post"]), match["picks"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _quiz(interaction).submit_blanks(interaction, self.post_id, self.picks)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    AnswerButton,
    FillButton,
    BlankSelect,
    SubmitButton,
)


def post_view(
    question: Question, post_id: int, extra: list[discord.ui.Item[Any]] | None = None
) -> discord.ui.View:
    """The public post's buttons: one per option, or a single Answer button for blanks."""
    view = discord.ui.View(timeout=None)
    if question.kind == "multiple_choice":
        for letter, text in zip(question.letters, question.options, strict=True):
            view.add_item(AnswerButton(post_id, letter, label=option_label(letter, text)))
    else:
        view.add_item(FillButton(post_id))
    for item in extra or []:
        if len(view.children) < 25:
            view.add_item(item)
    return view


def blanks_view(question: Question, post_id: int, picks: str) -> discord.ui.View:
    """The private form: one menu per blank and Submit (enabled once every blank is picked)."""
    view = discord.ui.View(timeout=None)
    for blank in range(1, question.blanks + 1):
        view.add_item(BlankSelect(post_id, blank, picks, question))
    view.add_item(SubmitButton(post_id, picks))
    return view


def post_of(message: discord.Message) -> int | None:
    """The post id a public question message's buttons carry (None: not a question post)."""
    for row in message.components:
        for component in getattr(row, "children", []):
            cid = getattr(component, "custom_id", None) or ""
            for item in (AnswerButton, FillButton):
                match = item.__discord_ui_compiled_template__.fullmatch(cid)
                if match is not None:
                    return int(match["post"])
    return None
