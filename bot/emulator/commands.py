"""What Discord refuses in a command sync (400, code 50035 "Invalid Form Body"), checked the way
Discord does: names, descriptions and their localizations, choices, and names unique among siblings
in every language. discord.py checks none of the localizations, so a bad catalog entry shows up here
as it would on Discord, instead of only in production.

https://discord.com/developers/docs/interactions/application-commands#application-command-object
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from content.discord_limits import CHOICE_NAME_CHARS, COMMAND_DESCRIPTION_CHARS, COMMAND_NAME_CHARS, LOCALES

# Discord's pattern (letters, numbers, - _ ' and the Devanagari and Thai scripts), lowercase where the
# script has case; Python's \w stands for \p{L}\p{N} (and _).
NAME = re.compile(rf"^[-_'\w\u0900-\u097F\u0E00-\u0E7F]{{1,{COMMAND_NAME_CHARS}}}$")
CHAT_INPUT = 1  # a slash command; context menus (2, 3) have no description


def problems(commands: list[dict[str, Any]]) -> list[str]:
    """Each thing Discord would refuse in this PUT body, as `where: why`."""
    top = [(c, c.get("type", CHAT_INPUT) == CHAT_INPUT) for c in commands]
    return list(_siblings(top, ""))


def _siblings(items: list[tuple[dict[str, Any], bool]], where: str) -> Iterator[str]:
    """Commands or options of one level (each with whether it has a description)."""
    seen: dict[str, set[str]] = {}
    for item, described in items:
        at = f"{where}/{item.get('name')}" if where else str(item.get("name"))
        yield from _unknown_locales(item, at)
        for locale, name in _localised(item, "name"):
            if not isinstance(name, str) or not NAME.fullmatch(name) or name != name.lower():
                yield f"{at}: name {name!r} ({locale}) must be 1-{COMMAND_NAME_CHARS} lowercase characters"
            taken = seen.setdefault(locale, set())
            if name in taken:
                yield f"{at}: the name {name!r} is used twice here ({locale})"
            taken.add(name)
        if described:
            for locale, text in _localised(item, "description"):
                if not isinstance(text, str) or not 1 <= len(text) <= COMMAND_DESCRIPTION_CHARS:
                    yield f"{at}: description ({locale}) must be 1-{COMMAND_DESCRIPTION_CHARS} characters"
        yield from _siblings([(option, True) for option in item.get("options") or []], at)
        for choice in item.get("choices") or []:
            yield from _unknown_locales(choice, f"{at}[{choice.get('name')}]")
            for locale, name in _localised(choice, "name"):
                if not isinstance(name, str) or not 1 <= len(name) <= CHOICE_NAME_CHARS:
                    yield f"{at}: choice name ({locale}) must be 1-{CHOICE_NAME_CHARS} characters"


def _localised(item: dict[str, Any], key: str) -> Iterator[tuple[str, Any]]:
    """("default", the text), then (locale, its translation) for each of `key`_localizations."""
    yield "default", item.get(key, "")
    yield from (item.get(f"{key}_localizations") or {}).items()


def _unknown_locales(item: dict[str, Any], at: str) -> Iterator[str]:
    for key in ("name_localizations", "description_localizations"):
        for locale in item.get(key) or {}:
            if locale not in LOCALES:
                yield f"{at}: {locale!r} is not a Discord locale"
