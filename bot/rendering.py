"""Pure text helpers for what members read: no discord import at run time, so tests and the worker use them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.i18n import ngettext
from content.discord_limits import BUTTON_LABEL_CHARS, CUSTOM_ID_CHARS, EMBED_TOTAL_CHARS

if TYPE_CHECKING:
    import discord


MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}


def place_mark(place: int) -> str:
    """A podium place as its medal, else "4." and on."""
    return MEDALS.get(place, f"{place}.")


def shorten(text: str, limit: int) -> str:
    """Cut to `limit` characters with an ellipsis, on one line."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def clip(text: str, limit: int) -> str:
    """Cut multi-line text to `limit` characters, keeping its line breaks."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def more_lines(count: int) -> str:
    """The tail of a cut list when nothing says what was left out."""
    return ngettext("… and {count} more", "… and {count} more", count).format(count=count)


def questions(count: int) -> str:
    """'1 question', '3 questions'."""
    return ngettext("{count} question", "{count} questions", count).format(count=count)


def times(count: int) -> str:
    # TRANSLATORS: how many times something happened (posted, answered, picked, missed): "3 times".
    return ngettext("{count} time", "{count} times", count).format(count=count)


def more_lessons(count: int) -> str:
    return ngettext("… and {count} more lesson", "… and {count} more lessons", count).format(count=count)


def fit_lines(
    lines: list[str],
    limit: int,
    *,
    more: Callable[[int], str] = more_lines,
    max_lines: int | None = None,
    sep: str = "\n",
) -> str:
    """Join whole lines within `limit` characters (and `max_lines` lines); the rest become the tail
    `more(count)` writes: "… and 3 more", or one naming what was left out ("… and 3 more lessons")."""
    most = len(lines) if max_lines is None else min(max_lines, len(lines))
    for keep in range(most, -1, -1):
        shown, left_out = lines[:keep], len(lines) - keep
        if left_out:
            shown = [*shown, more(left_out)]
        text = sep.join(shown)
        if len(text) <= limit:
            return text
    return clip(text, limit)  # only when even the tail alone is over the limit


def fit(embed: discord.Embed) -> discord.Embed:
    """Cut the description so the whole embed stays within Discord's 6000 characters."""
    excess = len(embed) - EMBED_TOTAL_CHARS
    if excess > 0 and embed.description:
        embed.description = clip(embed.description, max(1, len(embed.description) - excess))
    return embed


def custom_id(*parts: object) -> str:
    """Join parts with ':' and refuse ids Discord would reject (over 100 characters)."""
    value = ":".join(str(p) for p in parts)
    if len(value) > CUSTOM_ID_CHARS:
        raise ValueError(f"custom_id over {CUSTOM_ID_CHARS} characters: {value[:40]}...")
    return value


def option_label(letter: str, text: str) -> str:
    """An answer button's label, "B. model.compile", within Discord's 80 characters."""
    return shorten(f"{letter}. {text}", BUTTON_LABEL_CHARS)


def bar(fraction: float, width: int = 10) -> str:
    """A text bar for shares and progress: bar(0.4) -> '████░░░░░░'."""
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return "█" * filled + "░" * (width - filled)


def duration(minutes: int) -> str:
    """How long, in whole units, one way everywhere: 60 -> '1 hour', 90 -> '1 hour 30 minutes', 1440 -> '1 day'."""
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("{count} day", "{count} days", days).format(count=days))
    if hours:
        parts.append(ngettext("{count} hour", "{count} hours", hours).format(count=hours))
    if mins or not parts:
        parts.append(ngettext("{count} minute", "{count} minutes", mins).format(count=mins))
    return " ".join(parts)


def numbered(steps: list[str]) -> str:
    return "\n".join(f"{i}. {step}" for i, step in enumerate(steps, 1))
