"""Member-facing text in each member's language: gettext catalogs made with Babel.

- `_("Right!")`, `ngettext("{count} try", "{count} tries", n).format(count=n)`: in the language of
  what is being written now. Each interaction speaks its member's Discord language (set once per
  interaction by the bot, see `speaking`); a public post speaks the server's (`with speaking(...)`).
- `N_("...")` marks a module-level constant for extraction; it is translated where it is used,
  `_(CONSTANT)`, because a module is imported before anyone is speaking.
- Placeholders are str.format fields (`{count}`), so a translation may move them around.

The catalogs are `bot/locales/<lang>/LC_MESSAGES/quizbot.po`, compiled in memory when first used
(no .mo files to build or commit). `python -m bot i18n extract` refreshes the template and merges
it into every catalog. Discord's locale codes map onto them in `CATALOGS`; any other locale (and
an id without a translation) reads English, the language the code is written in.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "quizbot"
ENGLISH = "en-US"
# Discord locale code -> the catalog that speaks it (Spanish has two Discord codes, one catalog).
CATALOGS = {"de": "de", "fr": "fr", "es-ES": "es", "es-419": "es", "pt-BR": "pt_BR"}
SHIPPED = ("en", "de", "fr", "es", "pt_BR")  # the catalogs, English being the source text
# What /config language offers: a Discord locale per catalog, named in its own language.
SPOKEN = {
    "en-US": "English",
    "de": "Deutsch",
    "fr": "Français",
    "es-ES": "Español",
    "pt-BR": "Português (Brasil)",
}

_speaking: ContextVar[str] = ContextVar("quizbot_locale", default=ENGLISH)


def catalog_name(locale: object) -> str | None:
    """The catalog for a Discord locale ("de", discord.Locale.german), or None for English."""
    return CATALOGS.get(str(locale))


@cache
def translations(catalog: str) -> gettext.NullTranslations:
    """One catalog compiled in memory (cached: the .po is read once per process)."""
    path = LOCALES_DIR / catalog / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.is_file():
        return gettext.NullTranslations()
    with path.open("rb") as handle:
        po = read_po(handle, locale=catalog, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, po, use_fuzzy=False)  # a fuzzy guess is not shown to members
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def _current() -> gettext.NullTranslations:
    catalog = catalog_name(_speaking.get())
    return translations(catalog) if catalog else _ENGLISH


_ENGLISH = gettext.NullTranslations()


def current_locale() -> str:
    """The Discord locale being spoken now."""
    return _speaking.get()


def speak(locale: object) -> None:
    """Write in this Discord locale for the rest of the current task: the bot calls it once as each
    interaction starts (its own task), so every reply to it is in the member's language."""
    _speaking.set(str(locale) if locale else ENGLISH)


@contextmanager
def speaking(locale: object) -> Iterator[None]:
    """Write in this Discord locale (None or unknown: English) inside the block."""
    token = _speaking.set(str(locale) if locale else ENGLISH)
    try:
        yield
    finally:
        _speaking.reset(token)


def _(message: str) -> str:
    return _current().gettext(message)


def N_(message: str) -> str:
    """Marked for the catalogs, translated later where it is shown: `_(CONSTANT)`."""
    return message


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form for `count` by the language's own plural rule (some have more than two)."""
    return _current().ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    return _current().pgettext(context, message)


def babel_locale() -> Locale:
    """The Babel locale of the language being spoken, for dates and numbers."""
    catalog = catalog_name(_speaking.get())
    return Locale.parse(catalog or "en")


def number(value: int | float | Decimal, decimals: int | None = None) -> str:
    """A number the way the current language writes it (1,234.5 / 1.234,5); with `decimals`, always
    that many ("2.0 s")."""
    pattern = None if decimals is None else "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=babel_locale())


def day(value: date, pattern: str = "d MMM y") -> str:
    """A date the way the current language writes it: '10 Mar 2025', '10. März 2025'."""
    return format_date(value, pattern, locale=babel_locale())


def percent(share: float) -> str:
    """A share of 1 as a whole percentage: "45%", "45 %"."""
    return format_percent(share, format="#,##0%", locale=babel_locale())


# A command's, group's and option's name is one word Discord shows in the picker: its translation
# is told apart from the same English word in a sentence (see bot.command_translator).
NAME_CONTEXT = "command name"
OPTION_CONTEXT = "option name"  # an option of a command: "post" of /quiz close is not /quiz post


def command_name(name: str) -> str:
    """A command's or group's name as the command picker shows it in the language being spoken
    (bot.message_catalogs extracts every declared name, so no N_ is needed)."""
    return pgettext(NAME_CONTEXT, name)


def option_name(name: str) -> str:
    """A command option's name as the command picker shows it in the language being spoken."""
    return pgettext(OPTION_CONTEXT, name)
