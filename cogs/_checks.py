"""Who may do what, declared at the command: a check that refuses raises `Refusal` with the
member-facing reason, and QuizBot's one error handler tells the member privately."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import discord
from discord import app_commands

from bot.app import Refusal
from bot.i18n import N_, _
from storage import guilds

if TYPE_CHECKING:
    from bot.app import QuizBot

T = TypeVar("T")

# A post or schedule number as a command option: rows are numbered from 1, in a 32-bit column.
RowId = app_commands.Range[int, 1, 2**31 - 1]

NOT_A_MODERATOR = N_(
    "Only moderators can do that: you need the **Manage Server** permission or the server's "
    "moderator role (someone with Manage Server can set it with `/config moderator-role`)."
)
NOT_A_MANAGER = N_("Only members with **Manage Server** can change settings.")


async def is_moderator(interaction: discord.Interaction[QuizBot]) -> bool:
    """Manage Server, or the moderator role set with /config moderator-role."""
    if interaction.guild_id is None or not isinstance(interaction.user, discord.Member):
        return False
    if interaction.permissions.manage_guild:
        return True
    settings = await guilds.get_guild_settings(interaction.client.database, interaction.guild_id)
    role_id = settings.moderator_role_id
    return role_id is not None and any(role.id == role_id for role in interaction.user.roles)


async def require_moderator(interaction: discord.Interaction[QuizBot]) -> None:
    """For a command open to everyone with one moderator-only option (`/stats question:`)."""
    if not await is_moderator(interaction):
        raise Refusal(_(NOT_A_MODERATOR))


def moderator_only() -> Callable[[T], T]:
    """The command is for moderators (Manage Server or the moderator role)."""

    async def predicate(interaction: discord.Interaction[QuizBot]) -> bool:
        try:
            await require_moderator(interaction)
        except Refusal:
            raise
        except Exception as exc:
            # discord.py passes only AppCommandErrors from a check to the error handler: without
            # this, a database hiccup here would leave the member with "did not respond".
            raise app_commands.AppCommandError("checking the moderator role failed") from exc
        return True

    return app_commands.check(predicate)


def manager_only() -> Callable[[T], T]:
    """The command is for Manage Server. Pair it with `default_permissions(manage_guild=True)`,
    which hides it from others; this refuses if a server's command permissions show it anyway."""

    def predicate(interaction: discord.Interaction[QuizBot]) -> bool:
        if not interaction.permissions.manage_guild:
            raise Refusal(_(NOT_A_MANAGER))
        return True

    return app_commands.check(predicate)
