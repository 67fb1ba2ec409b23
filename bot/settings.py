"""Operator settings: read once from the environment and an optional `.env` (pydantic-settings)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Self
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from content.formats import MAX_IMPORT_BYTES, MAX_QUESTIONS, ImportLimits

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/quizbot.db"
_DATABASE_SCHEMES = ("sqlite+aiosqlite", "postgresql+asyncpg")


# A host name or an IP address (IPv6 in brackets or bare); anything else cannot be a PostgreSQL host.
_HOST = re.compile(r"[A-Za-z0-9._-]+|\[?[0-9A-Fa-f:.]+\]?")


def _check_database_url(value: str) -> None:
    """What can be known wrong without connecting; the messages never repeat the URL (a password)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(value)
    except (ArgumentError, ValueError):
        raise ValueError("cannot be read as a URL: check the host and the port (a number)") from None
    if url.drivername.startswith("sqlite"):
        if url.database in (None, ""):
            raise ValueError("SQLite needs a file path, e.g. sqlite+aiosqlite:///data/quizbot.db")
        if url.database == ":memory:" or url.query.get("mode") == "memory":
            raise ValueError(
                "in-memory SQLite cannot work: each connection would get its own empty database; "
                "give a file path, e.g. sqlite+aiosqlite:///data/quizbot.db"
            )
        return
    if url.host is not None and not _HOST.fullmatch(url.host):
        raise ValueError(f"the host {url.host!r} is not a host name or an IP address")
    if url.port is not None and not 1 <= url.port <= 65535:
        raise ValueError(f"the port {url.port} is not between 1 and 65535")


class SettingsError(Exception):
    """A setting has a wrong value; the message is one line that names it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    discord_token: SecretStr | None = Field(default=None, validation_alias="DISCORD_TOKEN")
    database_url: str = Field(default=DEFAULT_DATABASE_URL, validation_alias="DATABASE_URL")
    # None means the lessons bundled with the package (content.DEFAULT_LESSONS_DIR).
    content_dir: Path | None = Field(default=None, validation_alias="QUIZBOT_CONTENT_DIR")
    skip_bad_lessons: bool = Field(default=False, validation_alias="QUIZBOT_SKIP_BAD_LESSONS")
    discord_api_url: str = Field(default="https://discord.com/api/v10", validation_alias="DISCORD_API_URL")
    discord_gateway_url: str = Field(
        default="wss://gateway.discord.gg/", validation_alias="DISCORD_GATEWAY_URL"
    )
    dev_guild: int | None = Field(default=None, validation_alias="QUIZBOT_DEV_GUILD")
    catch_up_minutes: float = Field(default=60, ge=0, validation_alias="QUIZBOT_CATCH_UP")
    # Several processes on one PostgreSQL (docs/architecture.md, "At scale"): the total, and this process's ids.
    # None: discord.py asks Discord how many shards and runs them all here.
    shard_count: int | None = Field(default=None, ge=1, validation_alias="QUIZBOT_SHARD_COUNT")
    shard_ids: Annotated[list[int] | None, NoDecode] = Field(
        default=None, validation_alias="QUIZBOT_SHARD_IDS"
    )
    # A server's own lessons (/lessons upload): how many it may keep, and what one file may hold (its
    # size in KiB, its questions).
    server_lessons: int = Field(default=50, ge=1, validation_alias="QUIZBOT_SERVER_LESSONS")
    upload_kib: int = Field(default=MAX_IMPORT_BYTES // 1024, ge=1, validation_alias="QUIZBOT_UPLOAD_KIB")
    lesson_questions: int = Field(default=MAX_QUESTIONS, ge=1, validation_alias="QUIZBOT_LESSON_QUESTIONS")
    # The trainer (bot/trainer): demos of servers' uploaded lessons at all (on/off), and minutes without a
    # demo after which the TensorFlow worker exits to free its memory (unset or "off": it stays warm).
    uploaded_demos: bool = Field(default=True, validation_alias="QUIZBOT_UPLOADED_DEMOS")
    trainer_idle_minutes: float | None = Field(
        default=None, gt=0, validation_alias="QUIZBOT_TRAINER_IDLE_MINUTES"
    )

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        scheme = value.split("://", 1)[0] if "://" in value else ""
        if scheme not in _DATABASE_SCHEMES:
            raise ValueError(f"must start with {' or '.join(s + '://' for s in _DATABASE_SCHEMES)}")
        _check_database_url(value)
        return value

    @field_validator("discord_api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if urlsplit(value).scheme not in ("http", "https"):
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/")

    @field_validator("discord_gateway_url")
    @classmethod
    def _ws_url(cls, value: str) -> str:
        if urlsplit(value).scheme not in ("ws", "wss"):
            raise ValueError("must be a ws:// or wss:// URL")
        return value

    @field_validator("dev_guild", "shard_count", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("trainer_idle_minutes", mode="before")
    @classmethod
    def _off_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and value.strip().lower() in ("", "off", "none") else value

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _comma_list(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            if not all(part.isdigit() for part in parts):
                raise ValueError("must be shard numbers separated by commas, e.g. 0,2")
            return [int(part) for part in parts] or None
        return value

    @property
    def import_limits(self) -> ImportLimits:
        return ImportLimits(max_bytes=self.upload_kib * 1024, max_questions=self.lesson_questions)

    @model_validator(mode="after")
    def _shards_fit(self) -> Self:
        if self.shard_ids is None:
            return self
        if self.shard_count is None:
            raise ValueError("QUIZBOT_SHARD_IDS needs QUIZBOT_SHARD_COUNT (the total over all processes)")
        if any(shard >= self.shard_count for shard in self.shard_ids):
            raise ValueError(f"QUIZBOT_SHARD_IDS must be below QUIZBOT_SHARD_COUNT ({self.shard_count})")
        twice = next((shard for shard in self.shard_ids if self.shard_ids.count(shard) > 1), None)
        if twice is not None:
            # Two sessions for one shard: Discord would send each of its events to either, or both.
            raise ValueError(f"QUIZBOT_SHARD_IDS lists shard {twice} twice: give each shard once")
        return self


def load_settings(**overrides: object) -> Settings:
    """Read the settings; a wrong value becomes one SettingsError line naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "settings"
        message = first["msg"].removeprefix("Value error, ")
        # The rejected value is not echoed: it may hold a password or a token.
        raise SettingsError(f"{name}: {message}" if first["loc"] else message) from None
