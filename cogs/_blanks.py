"""The fill-in-the-blanks form shared by quiz posts, /practice and /review: one menu per blank.

A form's picks are one letter per blank, '-' for a blank not picked yet ("A-C"); they travel in the
custom_ids, so a form keeps working after a restart. The check of a submitted answer's shape lives
here too, for buttons and forms alike.
"""

from __future__ import annotations

from typing import Any

import discord

from bot.rendering import SELECT_OPTION_LABEL_CHARS, shorten
from content import Question

UNSET = "-"


def blank_menu(custom_id: str, blank: int, picks: str, question: Question | None) -> discord.ui.Select[Any]:
    """Blank `blank`'s menu with the current pick selected. Without the question (a DynamicItem
    rebuilt from a click only needs its custom_id) it has a placeholder option."""
    options = []
    if question is not None:
        options = [
            discord.SelectOption(
                label=shorten(text, SELECT_OPTION_LABEL_CHARS),
                value=letter,
                default=picks[blank - 1] == letter,
            )
            for letter, text in zip(question.letters, question.options, strict=True)
        ]
    return discord.ui.Select(
        custom_id=custom_id,
        placeholder=f"Blank [{blank}]",
        options=options or [discord.SelectOption(label="-", value=UNSET)],
        row=blank - 1,
    )


def with_pick(picks: str, blank: int, menu: discord.ui.Select[Any]) -> str:
    """The picks after the member chose in blank `blank`'s menu."""
    picked = menu.values[0] if menu.values else UNSET
    return picks[: blank - 1] + picked + picks[blank:]


def answer_is_valid(chosen: tuple[str, ...], question: Question) -> bool:
    """A submitted answer: one option letter per blank (one for multiple choice). Anything else
    came from a forged custom_id."""
    return len(chosen) == (question.blanks or 1) and all(c in question.letters for c in chosen)


def picks_are_valid(picks: str, question: Question) -> bool:
    """One entry per blank, each an option letter or unset: anything else was forged."""
    return len(picks) == question.blanks and all(p == UNSET or p in question.letters for p in picks)
