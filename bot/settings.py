"""Operator settings: read once from the environment and an optional `.env` (pydantic-settings)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/quizbot.db"
_DATABASE_SCHEMES = ("sqlite+aiosqlite", "postgresql+asyncpg")


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

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        scheme = value.split("://", 1)[0] if "://" in value else ""
        if scheme not in _DATABASE_SCHEMES:
            raise ValueError(f"must start with {' or '.join(s + '://' for s in _DATABASE_SCHEMES)}")
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

    @field_validator("dev_guild", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value


def load_settings(**overrides: object) -> Settings:
    """Read the settings; a wrong value becomes one SettingsError line naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "settings"
        message = first["msg"].removeprefix("Value error, ")
        # The rejected value is not echoed: it may hold a password or a token.
        raise SettingsError(f"{name}: {message}") from None
