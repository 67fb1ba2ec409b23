"""Slash command names, descriptions and choices in each shipped language, for the command picker."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.i18n import NAME_CONTEXT, OPTION_CONTEXT, catalog_name, translations

_NAMES = {
    app_commands.TranslationContextLocation.command_name,
    app_commands.TranslationContextLocation.group_name,
}


class CommandTranslator(app_commands.Translator):
    """Slash command names, descriptions and choices in each shipped language, from the catalogs;
    discord.py sends them as name_localizations / description_localizations when commands sync."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        catalog = catalog_name(locale.value)
        if catalog is None:
            return None
        found = translations(catalog)
        if context.location in _NAMES:
            text = found.pgettext(NAME_CONTEXT, string.message)
        elif context.location is app_commands.TranslationContextLocation.parameter_name:
            text = found.pgettext(OPTION_CONTEXT, string.message)
        else:
            text = found.gettext(string.message)
        return text if text != string.message else None
