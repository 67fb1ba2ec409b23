"""Discord's limits that shape what a lesson may hold and how anything is drawn; discord.py checks
none of them for us. One home: the lesson validator and the renderers both read them here.

https://discord.com/developers/docs/resources/message#embed-object-embed-limits and
https://discord.com/developers/docs/components/reference
"""

BUTTON_LABEL_CHARS = 80
SELECT_OPTION_LABEL_CHARS = 100
SELECT_OPTIONS = 25  # options in one select menu
AUTOCOMPLETE_CHOICES = 25
CHOICE_NAME_CHARS = 100  # an autocomplete choice's name
# A slash command (or option) name, and its description, in any language.
COMMAND_NAME_CHARS = 32
COMMAND_DESCRIPTION_CHARS = 100
CUSTOM_ID_CHARS = 100
VIEW_ROWS = 5
VIEW_ITEMS = 25  # components in one message: 5 rows of 5
EMBED_FIELD_CHARS = 1024
EMBED_DESCRIPTION_CHARS = 4096
EMBED_TITLE_CHARS = 256
EMBED_TOTAL_CHARS = 6000
MESSAGE_CHARS = 2000
# An upload's size without boosts (interactions carry the server's own as attachment_size_limit).
ATTACHMENT_BYTES = 10 * 1024 * 1024

# The languages a Discord client can be set to (interaction.locale, a server's preferred_locale).
LOCALES = (
    "id", "da", "de", "en-GB", "en-US", "es-ES", "es-419", "fr", "hr", "it", "lt", "hu", "nl", "no",
    "pl", "pt-BR", "ro", "fi", "sv-SE", "vi", "tr", "cs", "el", "bg", "ru", "uk", "hi", "th", "zh-CN",
    "ja", "zh-TW", "ko",
)  # fmt: skip
