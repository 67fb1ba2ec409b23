"""Logging set-up: discord.py's handler and format, with secrets scrubbed from every line."""

from __future__ import annotations

import logging
from collections.abc import Iterable

import discord.utils


class RedactSecrets(logging.Filter):
    """Replace each secret (the bot token) wherever it would appear in a formatted log line."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self._secrets):
            for secret in self._secrets:
                message = message.replace(secret, "[redacted]")
            record.msg, record.args = message, None
        return True


def setup_logging(*, secrets: Iterable[str] = (), level: int = logging.INFO) -> None:
    discord.utils.setup_logging(level=level, root=True)
    redact = RedactSecrets(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)
