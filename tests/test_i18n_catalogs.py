"""Every message quizbot can show is translated in every shipped language, with the same
placeholders and every plural form the language has; command names are names Discord accepts."""

from __future__ import annotations

import re
import string

import pytest
from babel.messages.catalog import Catalog, Message

from bot.i18n import NAME_CONTEXT, SHIPPED
from bot.message_catalogs import read_catalog, template

LANGUAGES = SHIPPED[1:]  # English is the code's own text
# Discord's rule for a command or option name in any language (its API reference, "Application
# Command Naming"), and the lowercase it requires of every letter that has one.
COMMAND_NAME = re.compile(r"^[-_\w\u0900-\u097F\u0E00-\u0E7F]{1,32}$")
DESCRIPTION_CHARS = 100


@pytest.fixture(scope="module")
def messages() -> list[Message]:
    return [m for m in template() if m.id]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _forms(message: Message) -> tuple[str, ...]:
    if isinstance(message.string, (list, tuple)):
        return tuple(message.string)
    return (message.string or "",)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_with_its_placeholders(language: str, messages: list[Message]) -> None:
    catalog: Catalog = read_catalog(language)
    missing: list[str] = []
    wrong: list[tuple[object, tuple[str, ...]]] = []
    for message in messages:
        found = catalog.get(message.id, context=message.context)
        forms = _forms(found) if found is not None else ()
        if not forms or not all(forms) or (found is not None and found.fuzzy):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
            continue
        if isinstance(message.id, (list, tuple)):
            assert len(forms) == catalog.num_plurals, (language, message.id, "plural forms")
            expected = _fields(message.id[1])
            # A language may spell out "one" instead of {count} in its singular form.
            if any(not _fields(form) <= expected for form in forms) or _fields(forms[-1]) != expected:
                wrong.append((message.id, forms))
        elif _fields(forms[0]) != _fields(message.id):
            wrong.append((message.id, forms))
    assert not missing, f"{language}: {len(missing)} messages untranslated, e.g. {missing[:5]}"
    assert not wrong, f"{language}: placeholders differ: {wrong[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_command_names_and_descriptions_fit_discord(language: str, messages: list[Message]) -> None:
    catalog = read_catalog(language)
    for message in messages:
        found = catalog.get(message.id, context=message.context)
        if found is None or not found.string or not message.locations[0][0].startswith("/"):
            continue
        text = str(found.string)
        if message.context == NAME_CONTEXT:
            assert COMMAND_NAME.match(text) and text == text.lower(), (language, message.id, text)
        else:
            assert 1 <= len(text) <= DESCRIPTION_CHARS, (language, message.id, text)
