"""Who may do what: shared by the cogs that have moderator-only commands."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from storage import guilds

if TYPE_CHECKING:
    from bot.app import QuizBot

NOT_A_MODERATOR = (
    "Only moderators can do that: you need the **Manage Server** permission or the server's "
    "moderator role (someone with Manage Server can set it with `/config moderator-role`)."
)


async def is_moderator(interaction: discord.Interaction[QuizBot]) -> bool:
    """Manage Server, or the moderator role set with /config moderator-role."""
    if interaction.guild_id is None or not isinstance(interaction.user, discord.Member):
        return False
    if interaction.permissions.manage_guild:
        return True
    settings = await guilds.get_guild_settings(interaction.client.database, interaction.guild_id)
    role_id = settings.moderator_role_id
    return role_id is not None and any(role.id == role_id for role in interaction.user.roles)
