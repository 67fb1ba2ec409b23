"""The gettext template and each language's catalog: extracted from the code with Babel, plus the
slash commands' names, descriptions and choices read from the cogs' declarations.

`python -m bot i18n extract` writes bot/locales/quizbot.pot and merges it into every language's
.po (new messages arrive untranslated, removed ones are dropped); the catalog test then names each
message a language lacks. Development tooling: the running bot only reads the .po files (bot.i18n).
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po
from discord import app_commands
from discord.ext import commands

from bot.i18n import DOMAIN, LOCALES_DIR, NAME_CONTEXT, OPTION_CONTEXT, SHIPPED

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("bot", "cogs", "content")  # content: what a moderator reads of a lesson file's problems
# Never shown to a member: the loopback Discord and the playground's own page (English tooling).
NOT_MEMBER_FACING = ("bot/emulator", "bot/playground")
TEMPLATE = LOCALES_DIR / f"{DOMAIN}.pot"


def _from_code(catalog: Catalog) -> None:
    for source in SOURCES:
        extracted = extract_from_dir(
            ROOT / source,
            method_map=[("**.py", "python")],
            comment_tags=("TRANSLATORS:",),
            strip_comment_tags=True,
        )
        for filename, lineno, message, comments, context in extracted:
            path = f"{source}/{filename}"
            if path.startswith(NOT_MEMBER_FACING):
                continue
            catalog.add(message, locations=[(path, lineno)], auto_comments=comments, context=context)


def _declared() -> Iterator[tuple[str, str | None, str]]:
    """(text, context, where) for every command, group and option name, description and choice."""
    from bot.app import discover_extensions

    for extension in discover_extensions():
        module = importlib.import_module(extension)
        for _name, cog in inspect.getmembers(module, inspect.isclass):
            if not (issubclass(cog, commands.Cog) and cog.__module__.startswith(extension)):
                continue
            prefix = "/"
            if issubclass(cog, commands.GroupCog):  # the cog is the group: /config ...
                group = str(cog.__cog_group_name__)
                yield group, NAME_CONTEXT, f"/{group}"
                yield str(cog.__cog_group_description__), None, f"/{group}"
                prefix = f"/{group}/"
            for root in cog.__cog_app_commands__:
                yield from _walk(root, f"{prefix}{root.name}")


def _walk(
    command: app_commands.Command | app_commands.Group,  # type: ignore[type-arg]
    where: str,
) -> Iterator[tuple[str, str | None, str]]:
    yield command.name, NAME_CONTEXT, where
    yield command.description, None, where
    if isinstance(command, app_commands.Group):
        for child in command.commands:
            yield from _walk(child, f"{where}/{child.name}")
        return
    for param in command.parameters:
        yield param.name, OPTION_CONTEXT, f"{where}[{param.name}]"
        yield param.description, None, f"{where}[{param.name}]"
        for choice in param.choices:
            yield choice.name, None, f"{where}[{param.name}]"


def template() -> Catalog:
    """Every member-facing message of the code and the commands, as a gettext template."""
    catalog = _catalog(None)
    _from_code(catalog)
    for text, context, where in _declared():
        if text and text != "…":
            catalog.add(text, locations=[(where, 0)], context=context)
    return catalog


def _catalog(language: str | None) -> Catalog:
    return Catalog(
        locale=language,
        domain=DOMAIN,
        project="quizbot",
        version="1",
        copyright_holder="the quizbot authors",
        header_comment="# quizbot's member-facing messages. Refresh with `python -m bot i18n extract`.",
        fuzzy=False,
    )


def catalog_path(language: str) -> Path:
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(language: str) -> Catalog:
    with catalog_path(language).open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def write_catalog(language: str, catalog: Catalog) -> str:
    """Write one language's catalog back the way `extract` writes it (no churn in the diff)."""
    return _write(catalog_path(language), catalog)


def untranslated(catalog: Catalog) -> list[str]:
    """The ids a catalog has no (complete) translation for; a plural needs every form."""
    missing = []
    for message in catalog:
        if not message.id:
            continue  # the header
        forms = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if not all(forms) or message.fuzzy:
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def extract() -> list[str]:
    """Write the template and merge it into every language's catalog; returns what was written."""
    fresh = template()
    if TEMPLATE.is_file():
        with TEMPLATE.open("rb") as handle:
            old = read_po(handle, domain=DOMAIN)
        if _entries(old) == _entries(fresh):  # nothing changed: no new date to commit in six files
            fresh.creation_date = old.creation_date
    written = [_write(TEMPLATE, fresh)]
    for language in SHIPPED[1:]:
        path = catalog_path(language)
        if path.is_file():
            catalog = read_catalog(language)
            catalog.update(fresh, no_fuzzy_matching=True)  # a guessed translation is worse than none
        else:
            catalog = _catalog(language)
            catalog.update(fresh, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        written.append(_write(path, catalog))
    return written


def _entries(catalog: Catalog) -> list[tuple[object, ...]]:
    # Locations by file alone: the catalogs are written without line numbers.
    return [
        (m.id, m.context, tuple(sorted({p for p, _ in m.locations})), tuple(m.auto_comments))
        for m in catalog
        if m.id
    ]


def _write(path: Path, catalog: Catalog) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=False, include_lineno=False)
    return str(path.relative_to(ROOT))
