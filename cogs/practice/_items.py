"""Persistent practice buttons: the run's whole state is in the custom_id (see _run.py).

practice:answer|pick|submit:{run}:...   the shared answer widgets (bot.widgets), mode `practice`
practice:next:{run}                     the next question, or the summary after the last one
practice:review:{key}:{started}         after the summary: a missed question's solution (value: its id)
practice:again:{key}:{mode}             start a new run of the same lesson and mode

{run} is the signed {key}:{mode}:{started}:{history}:{sig}, e.g. 0k3x9a:l:t2a8qz:AB1:3kq0zz
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from bot.i18n import _, current_locale
from bot.rendering import custom_id, shorten
from bot.widgets import UNSET, add_extras, answer_view
from cogs.practice._run import KEY_CHARS, STARTED_PATTERN, STATE_PATTERN, Run, from36
from content import Question
from content.discord_limits import SELECT_OPTION_LABEL_CHARS, SELECT_OPTIONS

if TYPE_CHECKING:
    from cogs.practice._cog import Practice

PRACTICE_MODE = "practice"
_KEY = rf"(?P<key>[0-9a-z]{{{KEY_CHARS}}})"
_STARTED = rf"(?P<started>{STARTED_PATTERN})"


def _practice(interaction: discord.Interaction[Any]) -> Practice:
    from cogs.practice._cog import Practice  # the cog module imports these items

    return interaction.client.feature(Practice)


class NextButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=rf"practice:next:{STATE_PATTERN}"):
    def __init__(self, state: str, label: str | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                # TRANSLATORS: a button label (80 characters at most): on to the next practice question.
                label=label if label is not None else _("Next"),
                style=discord.ButtonStyle.primary,
                emoji="➡️",
                custom_id=custom_id("practice", "next", state),
            )
        )
        self.state = state

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Any, /
    ) -> NextButton:
        return cls(match.group(0).removeprefix("practice:next:"))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _practice(interaction).show(interaction, self.state)


class ReviewSelect(
    discord.ui.DynamicItem[discord.ui.Select[Any]], template=rf"practice:review:{_KEY}(?::{_STARTED})?"
):
    """One option per missed question (value: its id); picking one shows its answer and solution,
    lettered as the run showed it (the run's start orders its options)."""

    def __init__(self, key: str, started: str, questions: list[Question] | None = None) -> None:
        shown = [q.in_language(current_locale()) for q in (questions or [])[:SELECT_OPTIONS]]
        options = [
            discord.SelectOption(label=shorten(f"{q.id}: {q.prompt}", SELECT_OPTION_LABEL_CHARS), value=q.id)
            for q in shown
        ]
        super().__init__(
            discord.ui.Select(
                custom_id=custom_id("practice", "review", key, started),
                # TRANSLATORS: a menu's placeholder (150 characters at most); its options are missed questions.
                placeholder=_("See a missed question's solution"),
                options=options or [discord.SelectOption(label="-", value=UNSET)],
            )
        )
        self.key, self.started = key, started

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Any, /
    ) -> ReviewSelect:
        # Menus from before options were shuffled lack the start; their key is stale anyway.
        return cls(match["key"], match["started"] or "0")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        picked = self.item.values[0] if self.item.values else UNSET
        await _practice(interaction).review(interaction, self.key, from36(self.started), picked)


class AgainButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"practice:again:{_KEY}:(?P<mode>[lt])",
):
    def __init__(self, key: str, mode_code: str) -> None:
        super().__init__(
            discord.ui.Button(
                # TRANSLATORS: a button label (80 characters at most): a new run of the same lesson and mode.
                label=_("Start again"),
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


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (NextButton, ReviewSelect, AgainButton)


def question_view(question: Question, state: str, picks: str | None = None) -> discord.ui.View:
    """Option buttons, or one menu per blank and Submit (Run the code waits for the feedback)."""
    return answer_view(PRACTICE_MODE, state, question, picks=picks)


def next_view(state: str, last: bool, extras: list[discord.ui.Item[Any]] | None = None) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    label = (
        # TRANSLATORS: a button label (80 characters at most): after the last question of a run.
        _("See your summary")
        if last
        # TRANSLATORS: a button label (80 characters at most): on to the run's next question.
        else _("Next question")
    )
    view.add_item(NextButton(state, label=label))
    return add_extras(view, extras or [])


def summary_view(run: Run, missed: list[Question]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    if missed:
        view.add_item(ReviewSelect(run.key, run.started_code, missed))
    view.add_item(AgainButton(run.key, run.mode_code))
    return view
