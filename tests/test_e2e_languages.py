"""quizbot in each member's language, end to end: the synced commands carry their names and
descriptions in every shipped language, a private reply follows the member's Discord language, a
public post the server's (or /config language), and a lesson's own translation reaches the member
who reads that language."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from bot.i18n import CATALOGS
from tests.conftest import StartBot
from tests.emulator import DiscordForTests

NAME = re.compile(r"^[-_\w\u0900-\u097F\u0E00-\u0E7F]{1,32}$")


def _localised(commands: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every command, subcommand and option as synced."""
    for command in commands:
        yield command
        yield from _localised(command.get("options") or [])


async def test_the_command_picker_shows_each_shipped_language(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    await start_bot()
    synced = await emulator.wait_commands_synced()
    every = list(_localised(synced))
    assert len(every) > 40
    for entry in every:
        names, descriptions = (
            entry.get("name_localizations") or {},
            entry.get("description_localizations") or {},
        )
        for locale in CATALOGS:  # Spanish twice: es-ES and es-419 read one catalog
            name = names.get(locale, entry["name"])
            assert NAME.match(name) and name == name.lower(), (entry["name"], locale, name)
            if "description" in entry:
                assert 1 <= len(descriptions.get(locale, entry["description"])) <= 100
    quiz = next(c for c in synced if c["name"] == "quiz")
    assert quiz["description_localizations"]["de"] != quiz["description"]
    assert set(quiz["description_localizations"]) >= set(CATALOGS)
    translated_names = sum(1 for entry in every if (entry.get("name_localizations") or {}).get("fr"))
    assert translated_names > len(every) // 4, "names have French names"
