"""The emulated Discord world: one guild, its channels, roles and members, and the messages in it.

Payload builders return plain dicts shaped like Discord's API objects so that discord.py parses them
exactly as it parses Discord's own.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

# Discord's epoch (2015-01-01) in ms: snowflakes made here sort by time like real ones.
_DISCORD_EPOCH_MS = 1_420_070_400_000
_counter = itertools.count()

MANAGE_GUILD = 1 << 5
ADMINISTRATOR = 1 << 3
MEMBER_PERMISSIONS = (
    (1 << 10)  # view channel
    | (1 << 11)  # send messages
    | (1 << 14)  # embed links
    | (1 << 15)  # attach files
    | (1 << 16)  # read message history
    | (1 << 31)  # use application commands
)
BOT_PERMISSIONS = MEMBER_PERMISSIONS | (1 << 13)  # + manage messages
MANAGE_ROLES = 1 << 28


def snowflake() -> int:
    ms = int(time.time() * 1000) - _DISCORD_EPOCH_MS
    return (ms << 22) | (next(_counter) % (1 << 22))


def iso_now() -> str:
    return datetime.now(UTC).isoformat()


@dataclass
class Member:
    id: int
    name: str
    roles: list[int] = field(default_factory=list)
    permissions: int = MEMBER_PERMISSIONS
    bot: bool = False
    locale: str = "en-US"  # the member's Discord client language, sent with each interaction

    def user_payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.name,
            "global_name": self.name.title(),
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
        }

    def member_payload(self, *, with_permissions: bool = False) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "user": self.user_payload(),
            "roles": [str(r) for r in self.roles],
            "joined_at": "2025-09-01T12:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "nick": None,
            "avatar": None,
        }
        if with_permissions:
            payload["permissions"] = str(self.permissions)
        return payload


@dataclass
class Channel:
    id: int
    name: str
    # A channel the bot may not post in behaves like a real one with missing permissions (403).
    bot_can_post: bool = True

    def payload(self, guild_id: int, position: int = 0) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "type": 0,
            "guild_id": str(guild_id),
            "name": self.name,
            "position": position,
            "permission_overwrites": [],
            "nsfw": False,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "parent_id": None,
            "flags": 0,
        }


@dataclass
class World:
    """The guild the emulator serves. Names are stable so tests and the playground can refer to them."""

    guild_id: int = field(default_factory=snowflake)
    guild_name: str = "Study Group"
    guild_locale: str = "en-US"  # the server's language (Community settings), as preferred_locale
    bot_user: Member = field(default_factory=lambda: Member(snowflake(), "quizbot", bot=True))
    application_id: int = field(default_factory=snowflake)
    moderator_role_id: int = field(default_factory=snowflake)
    channels: dict[str, Channel] = field(default_factory=dict)
    members: dict[str, Member] = field(default_factory=dict)
    # Roles by name, lowest first after @everyone (a role's position is its place here): the bot's
    # own role sits above "Champion" and below "Staff", as a server's roles usually do.
    role_ids: dict[str, int] = field(
        default_factory=lambda: {name: snowflake() for name in ("Champion", "quizbot", "Staff")}
    )
    # Off: the bot's role lacks Manage Roles (set before the bot connects).
    bot_manages_roles: bool = True

    @classmethod
    def study_group(cls) -> World:
        """Three members and a moderator in one guild with #general and #quiz channels."""
        world = cls()
        world.bot_user.permissions = BOT_PERMISSIONS
        world.bot_user.roles = [world.role_ids["quizbot"]]
        for name in ("general", "quiz"):
            world.channels[name] = Channel(snowflake(), name)
        for name in ("alice", "bob", "carol"):
            world.members[name] = Member(snowflake(), name)
        world.members["mod"] = Member(
            snowflake(), "mod", roles=[world.moderator_role_id], permissions=MEMBER_PERMISSIONS | MANAGE_GUILD
        )
        return world

    def channel_by_id(self, channel_id: int) -> Channel | None:
        return next((c for c in self.channels.values() if c.id == channel_id), None)

    def member_by_id(self, member_id: int) -> Member | None:
        if member_id == self.bot_user.id:
            return self.bot_user
        return next((m for m in self.members.values() if m.id == member_id), None)

    def roles_payload(self) -> list[dict[str, Any]]:
        def role(role_id: int, name: str, permissions: int, position: int) -> dict[str, Any]:
            return {
                "id": str(role_id),
                "name": name,
                "color": 0,
                "hoist": False,
                "position": position,
                "permissions": str(permissions),
                "managed": False,
                "mentionable": False,
                "flags": 0,
            }

        bot_role = BOT_PERMISSIONS | (MANAGE_ROLES if self.bot_manages_roles else 0)
        permissions = {"Champion": MEMBER_PERMISSIONS, "quizbot": bot_role, "Staff": MEMBER_PERMISSIONS}
        return [
            role(self.guild_id, "@everyone", MEMBER_PERMISSIONS, 0),
            role(self.moderator_role_id, "Moderator", MEMBER_PERMISSIONS | MANAGE_GUILD, 1),
            *(
                role(role_id, name, permissions[name], position)
                for position, (name, role_id) in enumerate(self.role_ids.items(), start=2)
            ),
        ]

    def role_position(self, role_id: int) -> int | None:
        return next((int(r["position"]) for r in self.roles_payload() if int(r["id"]) == role_id), None)

    def bot_may_assign(self, role_id: int) -> bool:
        """Discord's rule: Manage Roles, and only roles below the bot's highest."""
        position = self.role_position(role_id)
        own = max(self.role_position(r) or 0 for r in self.bot_user.roles)
        return self.bot_manages_roles and position is not None and 0 < position < own

    def guild_payload(self) -> dict[str, Any]:
        owner = self.members.get("mod", self.bot_user)
        return {
            "id": str(self.guild_id),
            "name": self.guild_name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "owner_id": str(owner.id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": self.roles_payload(),
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "vanity_url_code": None,
            "description": None,
            "banner": None,
            "premium_tier": 0,
            "preferred_locale": self.guild_locale,
            "public_updates_channel_id": None,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "unavailable": False,
            "large": False,
            "member_count": len(self.members) + 1,
            "joined_at": "2025-09-01T12:00:00+00:00",
            "channels": [c.payload(self.guild_id, i) for i, c in enumerate(self.channels.values())],
            "threads": [],
            "members": [m.member_payload() for m in [self.bot_user, *self.members.values()]],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }

    def application_payload(self) -> dict[str, Any]:
        return {
            "id": str(self.application_id),
            "name": "quizbot",
            "icon": None,
            "description": "A study-group tutor",
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": self.members.get("mod", self.bot_user).user_payload(),
            "verify_key": "0" * 64,
            "flags": 0,
            "team": None,
            "summary": "",
            "rpc_origins": [],
            "bot": self.bot_user.user_payload(),
        }
