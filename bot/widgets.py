"""The answer widgets every way of answering shares: option buttons, the fill-in-the-blanks form.

One family of persistent items serves every mode (a quiz post, a practice run, a review card, and
whatever comes next). Their custom_ids are `{mode}:{action}:{state}:...`, where `state` is the
mode's own text (a post id, a practice run, a review showing), so they keep working after a restart:

{mode}:answer:{state}:{letter}         a multiple-choice option
{mode}:fill:{state}                    "Answer" on a public post: opens the private blanks form
{mode}:pick:{state}:{blank}:{picks}    one blank's menu; picks is one letter per blank, '-' if unset
{mode}:submit:{state}:{picks}          submit the blanks

A mode plugs in by implementing `AnswerMode` and registering itself with
`QuizBot.add_answer_mode(name, mode)`; a click on a mode nobody registered, or a state its mode
cannot read, gets the polite "I don't recognise that button".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

import discord

from bot.i18n import N_, _, pgettext
from bot.rendering import custom_id, option_label, shorten
from content import MAX_BLANKS, SLOT, Question
from content.discord_limits import CUSTOM_ID_CHARS, SELECT_OPTION_LABEL_CHARS, VIEW_ITEMS

if TYPE_CHECKING:
    from bot.app import QuizBot

UNSET = "-"
PICK_FIRST = N_("Pick an option for every blank first.")
# A question's button whose id names another question (forged, or from a damaged message).
FORGED_QUESTION = N_("That button doesn't belong to this question. Use the buttons on the question itself.")

_MODE = r"(?P<mode>[a-z]{1,12})"
_STATE = rf"(?P<state>[0-9A-Za-z_.:-]{{1,{CUSTOM_ID_CHARS}}})"
# Any capital: the question decides which letters are its options, and says so politely to a
# forged one ("That button doesn't belong to this question") instead of "I don't recognise it".
_LETTER = r"(?P<letter>[A-Z])"
_PICKS = rf"(?P<picks>[A-Z{UNSET}]{{1,{MAX_BLANKS}}})"
_BLANK = rf"(?P<blank>[1-{MAX_BLANKS}])"

Shown = TypeVar("Shown")


class AnswerMode(Protocol[Shown]):
    """What a mode gives the shared widgets. `Shown` is the mode's own context for one showing of
    a question (a post, a practice run, a review card)."""

    async def shown(
        self, interaction: discord.Interaction[QuizBot], state: str
    ) -> tuple[Shown, Question] | None:
        """What `state` refers to and its question; None after telling the member why not (an old,
        changed or forged button)."""
        ...

    async def answer(
        self,
        interaction: discord.Interaction[QuizBot],
        shown: Shown,
        question: Question,
        chosen: tuple[str, ...],
    ) -> None:
        """One answer, already checked to be one option letter per blank."""
        ...

    def form_view(self, shown: Shown, question: Question, picks: str) -> discord.ui.View:
        """The blanks form with these picks (the family redraws it after each pick)."""
        ...

    @property
    def forged(self) -> str:
        """What a member is told when a button's answer does not fit its question (in the language
        being spoken: `_(FORGED)`)."""
        ...


@runtime_checkable
class PublicAnswerMode(AnswerMode[Shown], Protocol[Shown]):
    """A mode whose questions are public posts: their "Answer" button opens a private blanks form."""

    async def open_form(
        self, interaction: discord.Interaction[QuizBot], shown: Shown, question: Question
    ) -> None: ...


def answer_is_valid(chosen: tuple[str, ...], question: Question) -> bool:
    """A submitted answer: one option letter per blank (one for multiple choice). Anything else
    came from a forged custom_id."""
    return len(chosen) == (question.blanks or 1) and all(c in question.letters for c in chosen)


def picks_are_valid(picks: str, question: Question) -> bool:
    """One entry per blank, each an option letter or unset: anything else was forged."""
    return len(picks) == question.blanks and all(p == UNSET or p in question.letters for p in picks)


async def _resolve(
    interaction: discord.Interaction[QuizBot], mode_name: str, state: str
) -> tuple[AnswerMode[Any], Any, Question] | None:
    mode = interaction.client.answer_mode(mode_name)
    if mode is None:
        await interaction.client.unknown_button(interaction)
        return None
    found = await mode.shown(interaction, state)
    if found is None:
        return None
    return mode, *found


async def _answer(
    interaction: discord.Interaction[QuizBot], mode_name: str, state: str, chosen: tuple[str, ...]
) -> None:
    resolved = await _resolve(interaction, mode_name, state)
    if resolved is None:
        return
    mode, shown, question = resolved
    if not answer_is_valid(chosen, question):
        await interaction.response.send_message(mode.forged, ephemeral=True)
        return
    await mode.answer(interaction, shown, question, chosen)


class AnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=rf"{_MODE}:answer:{_STATE}:{_LETTER}"
):
    def __init__(self, mode: str, state: str, letter: str, label: str | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=label or letter,
                style=discord.ButtonStyle.secondary,
                custom_id=custom_id(mode, "answer", state, letter),
            )
        )
        self.mode, self.state, self.letter = mode, state, letter

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> AnswerButton:
        return cls(match["mode"], match["state"], match["letter"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _answer(interaction, self.mode, self.state, (self.letter,))


class FillButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=rf"{_MODE}:fill:{_STATE}"):
    """A public post's "Answer" for fill-in-the-blanks: the form itself is private."""

    def __init__(self, mode: str, state: str) -> None:
        super().__init__(
            discord.ui.Button(
                # TRANSLATORS: a button label (80 characters at most) on a public fill-in-the-blanks
                # question: it opens the member's own form.
                label=pgettext("button", "Answer"),  # a verb, not the heading of a revealed answer
                emoji="✏️",
                style=discord.ButtonStyle.primary,
                custom_id=custom_id(mode, "fill", state),
            )
        )
        self.mode, self.state = mode, state

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> FillButton:
        return cls(match["mode"], match["state"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        mode = interaction.client.answer_mode(self.mode)
        if not isinstance(mode, PublicAnswerMode):  # unknown, or a private mode: it never draws this
            await interaction.client.unknown_button(interaction)
            return
        found = await mode.shown(interaction, self.state)
        if found is None:
            return
        if found[1].blanks == 0:  # "Answer" planted on a multiple-choice question: it has no form
            await interaction.response.send_message(mode.forged, ephemeral=True)
            return
        await mode.open_form(interaction, *found)


class BlankSelect(
    discord.ui.DynamicItem[discord.ui.Select[Any]], template=rf"{_MODE}:pick:{_STATE}:{_BLANK}:{_PICKS}"
):
    """Blank `blank`'s menu with the current pick selected. Rebuilt from a click (no question) it
    has a placeholder option: only its custom_id matters then."""

    def __init__(
        self, mode: str, state: str, blank: int, picks: str, question: Question | None = None
    ) -> None:
        options = (
            [
                discord.SelectOption(
                    label=shorten(text, SELECT_OPTION_LABEL_CHARS),
                    value=letter,
                    default=picks[blank - 1] == letter,
                )
                for letter, text in zip(question.letters, question.options, strict=True)
            ]
            if question is not None
            else []
        )
        super().__init__(
            discord.ui.Select(
                custom_id=custom_id(mode, "pick", state, blank, picks),
                # TRANSLATORS: a menu's placeholder (150 characters at most); {blank} is the blank's
                # number as the code shows it ("⟨1⟩").
                placeholder=_("Blank {blank}").format(blank=SLOT.format(blank)),
                options=options or [discord.SelectOption(label=UNSET, value=UNSET)],
                row=blank - 1,
            )
        )
        self.mode, self.state, self.blank, self.picks = mode, state, blank, picks

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> BlankSelect:
        return cls(match["mode"], match["state"], int(match["blank"]), match["picks"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        picked = self.item.values[0] if self.item.values else UNSET
        picks = self.picks[: self.blank - 1] + picked + self.picks[self.blank :]
        resolved = await _resolve(interaction, self.mode, self.state)
        if resolved is None:
            return
        mode, shown, question = resolved
        if not picks_are_valid(picks, question):
            await interaction.response.send_message(mode.forged, ephemeral=True)
            return
        await interaction.response.edit_message(view=mode.form_view(shown, question, picks))


class SubmitButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=rf"{_MODE}:submit:{_STATE}:{_PICKS}"
):
    def __init__(self, mode: str, state: str, picks: str) -> None:
        super().__init__(
            discord.ui.Button(
                # TRANSLATORS: a button label (80 characters at most): it sends the blanks form.
                label=pgettext("button", "Submit"),
                style=discord.ButtonStyle.success,
                custom_id=custom_id(mode, "submit", state, picks),
                row=MAX_BLANKS,
                disabled=UNSET in picks,
            )
        )
        self.mode, self.state, self.picks = mode, state, picks

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> SubmitButton:
        return cls(match["mode"], match["state"], match["picks"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        if UNSET in self.picks:
            await interaction.response.send_message(_(PICK_FIRST), ephemeral=True)
            return
        await _answer(interaction, self.mode, self.state, tuple(self.picks))


ANSWER_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    AnswerButton,
    FillButton,
    BlankSelect,
    SubmitButton,
)


def add_extras(view: discord.ui.View, extras: Iterable[discord.ui.Item[Any]]) -> discord.ui.View:
    """Other features' buttons (Run the code) after a mode's own, as many as Discord allows."""
    for item in extras:
        if len(view.children) < VIEW_ITEMS:
            view.add_item(item)
    return view


def answer_view(
    mode: str,
    state: str,
    question: Question,
    *,
    picks: str | None = None,
    public: bool = False,
    extras: Iterable[discord.ui.Item[Any]] = (),
) -> discord.ui.View:
    """Option buttons; for blanks the form itself (one menu per blank and Submit) or, on a public
    post, the one "Answer" button that opens it privately. Then `extras`."""
    view = discord.ui.View(timeout=None)
    if question.kind == "multiple_choice":
        for letter, text in zip(question.letters, question.options, strict=True):
            view.add_item(AnswerButton(mode, state, letter, label=option_label(letter, text)))
    elif public:
        view.add_item(FillButton(mode, state))
    else:
        picks = picks or UNSET * question.blanks
        for blank in range(1, question.blanks + 1):
            view.add_item(BlankSelect(mode, state, blank, picks, question))
        view.add_item(SubmitButton(mode, state, picks))
    return add_extras(view, extras)


def state_of(message: discord.Message, mode: str) -> str | None:
    """The state a public message's answer buttons carry for `mode` (None: not one of its posts)."""
    for row in message.components:
        for component in getattr(row, "children", []):
            cid = getattr(component, "custom_id", None) or ""
            for item in (AnswerButton, FillButton):
                match = item.__discord_ui_compiled_template__.fullmatch(cid)
                if match is not None and match["mode"] == mode:
                    return match["state"]
    return None
