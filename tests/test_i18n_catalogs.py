"""Every shipped catalog translates every message the code and the commands have, with the same
placeholders and every plural form its language has; command names are names Discord accepts."""

from __future__ import annotations

import string

import pytest

from bot.emulator.commands import NAME  # Discord's rule for a command or option name
from bot.i18n import NAME_CONTEXT, OPTION_CONTEXT, SHIPPED
from bot.message_catalogs import read_catalog, template, untranslated
from content.discord_limits import COMMAND_DESCRIPTION_CHARS

LANGUAGES = SHIPPED[1:]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.fixture(scope="module")
def fresh():
    return template()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalog_is_up_to_date_with_the_code(language, fresh) -> None:
    catalog = read_catalog(language)
    wanted = {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in fresh if m.id}
    have = {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in catalog if m.id}
    assert not sorted(wanted - have, key=str)[:10], "run `python -m bot i18n extract`"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language) -> None:
    missing = untranslated(read_catalog(language))
    assert not missing, f"{len(missing)} untranslated in {language}, e.g. {missing[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders_and_plural_forms(language) -> None:
    catalog = read_catalog(language)
    wrong: list[tuple[object, object]] = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        if message.pluralizable:
            assert len(message.string) == catalog.num_plurals, message.id
            ids, texts = list(message.id), list(message.string)
            wanted = _fields(ids[0]) | _fields(ids[1])
            # A form may leave the count out ("one try left"), never add or rename a field.
            wrong += [(message.id, t) for t in texts if t and not _fields(t) <= wanted]
            wrong += [(message.id, t) for t in texts[1:] if t and _fields(t) != _fields(ids[1])]
        elif _fields(str(message.string)) != _fields(str(message.id)):
            wrong.append((message.id, message.string))
    assert not wrong, wrong[:5]


@pytest.mark.parametrize("language", LANGUAGES)
def test_command_names_and_descriptions_are_ones_discord_accepts(language) -> None:
    bad = []
    for message in read_catalog(language):
        if not message.id or not message.string:
            continue
        if message.context in (NAME_CONTEXT, OPTION_CONTEXT):
            name = str(message.string)
            if not NAME.fullmatch(name) or name != name.lower():
                bad.append(name)
    assert not bad, bad
    for message in read_catalog(language):
        declared = any(where.startswith("/") for where, _ in message.locations)
        if message.string and declared and message.context is None:  # a description or a choice
            assert len(str(message.string)) <= COMMAND_DESCRIPTION_CHARS, (message.id, message.string)
