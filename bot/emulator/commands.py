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
SUBCOMMANDS = (1, 2)  # option types: SUB_COMMAND, SUB_COMMAND_GROUP


def problems(commands: list[dict[str, Any]]) -> list[str]:
    """Each thing Discord would refuse in this PUT body, as `where: why`."""
    return list(_siblings(commands, "", top=True))


def _siblings(items: list[dict[str, Any]], where: str, *, top: bool = False) -> Iterator[str]:
    seen: dict[str, set[str]] = {}
    for item in items:
        name = str(item.get("name", ""))
        at = f"{where}/{name}" if where else name
        yield from _named(item, at, top or item.get("type") in SUBCOMMANDS or "description" in item)
        names = {"": name, **(item.get("name_localizations") or {})}
        for locale, localised in names.items():
            taken = seen.setdefault(locale, set())
            if localised in taken:
                yield f"{at}: the name {localised!r} is used twice here ({locale or 'default'})"
            taken.add(localised)
        yield from _siblings(item.get("options") or [], at)
        for choice in item.get("choices") or []:
            yield from _choice(choice, f"{at}[{choice.get('name')}]")


def _named(item: dict[str, Any], at: str, described: bool) -> Iterator[str]:
    names = {"": item.get("name", ""), **(item.get("name_localizations") or {})}
    for locale, name in names.items():
        if locale and locale not in LOCALES:
            yield f"{at}: {locale!r} is not a Discord locale"
        if not isinstance(name, str) or not NAME.fullmatch(name) or name != name.lower():
            yield f"{at}: name {name!r} ({locale or 'default'}) must be 1-{COMMAND_NAME_CHARS} lowercase characters"
    if not described:
        return
    texts = {"": item.get("description", ""), **(item.get("description_localizations") or {})}
    for locale, text in texts.items():
        if locale and locale not in LOCALES:
            yield f"{at}: {locale!r} is not a Discord locale"
        if not isinstance(text, str) or not 1 <= len(text) <= COMMAND_DESCRIPTION_CHARS:
            yield f"{at}: description ({locale or 'default'}) must be 1-{COMMAND_DESCRIPTION_CHARS} characters"


def _choice(choice: dict[str, Any], at: str) -> Iterator[str]:
    names = {"": choice.get("name", ""), **(choice.get("name_localizations") or {})}
    for locale, name in names.items():
        if locale and locale not in LOCALES:
            yield f"{at}: {locale!r} is not a Discord locale"
        if not isinstance(name, str) or not 1 <= len(name) <= CHOICE_NAME_CHARS:
            yield f"{at}: choice name ({locale or 'default'}) must be 1-{CHOICE_NAME_CHARS} characters"
