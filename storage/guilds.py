"""Guild settings: the moderator role and the time zone that guild-local days are counted in."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from storage._common import aware, insert_for, utcnow
from storage.engine import Database
from storage.models import GuildSettings


class _Unset(enum.Enum):
    UNSET = enum.auto()


UNSET: Final = _Unset.UNSET


def zone(name: str) -> ZoneInfo:
    """The guild's time zone; an unknown name (e.g. a tzdata update removed it) falls back to UTC."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


async def get_guild_settings(db: Database, guild_id: int) -> GuildSettings:
    """The guild's settings, or the defaults (not stored) when the guild never changed any."""
    async with db.session() as s:
        row = await s.get(GuildSettings, guild_id)
    return row if row is not None else GuildSettings(guild_id=guild_id)


async def set_guild_settings(
    db: Database,
    guild_id: int,
    *,
    moderator_role_id: int | _Unset | None = UNSET,
    timezone: str | _Unset = UNSET,
    champion: tuple[int, int] | _Unset | None = UNSET,
    language: str | _Unset | None = UNSET,
    now: datetime | None = None,
) -> GuildSettings:
    """Change only the settings given; `moderator_role_id=None` clears the role, `champion` is
    (role id, channel id) or None to stop the monthly champion, `language` a Discord locale for public
    posts or None for the server's own. Raises ValueError for a time zone name that is not in the
    IANA database."""
    if isinstance(timezone, str):
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {timezone!r}; use an IANA name like Europe/Berlin") from exc
    changes: dict[str, Any] = {"updated_at": aware(now or utcnow(), "now")}
    if not isinstance(moderator_role_id, _Unset):
        changes["moderator_role_id"] = moderator_role_id
    if isinstance(timezone, str):
        changes["timezone"] = timezone
    if not isinstance(champion, _Unset):
        changes["champion_role_id"], changes["champion_channel_id"] = champion or (None, None)
    if not isinstance(language, _Unset):
        changes["language"] = language
    values = {"guild_id": guild_id, "timezone": "UTC", "moderator_role_id": None, **changes}
    stmt = insert_for(db, GuildSettings).values(**values)
    stmt = stmt.on_conflict_do_update(index_elements=["guild_id"], set_=changes)
    async with db.writing() as s:
        await s.exec(stmt)
        await s.commit()
    return await get_guild_settings(db, guild_id)
