"""/config: per-server settings (Manage Server only): the moderator role and the time zone."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import scheduler
from storage import guilds

if TYPE_CHECKING:
    from bot.app import QuizBot


def timezone_choices(typed: str) -> list[app_commands.Choice[str]]:
    """IANA zones containing what was typed, best matches (prefix of a part) first; at most 25."""
    typed = typed.strip().lower().replace(" ", "_")
    hits = [z for z in scheduler.known_zones() if typed in z.lower()]
    hits.sort(key=lambda z: (not any(part.lower().startswith(typed) for part in z.split("/")), z))
    return [app_commands.Choice(name=z, value=z) for z in hits[:25]]


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Config(commands.GroupCog, group_name="config", group_description="Server settings (Manage Server)"):
    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction[QuizBot]) -> bool:  # type: ignore[override]
        # default_permissions hides the command; this also refuses if a server overrides that.
        if interaction.permissions.manage_guild:
            return True
        await interaction.response.send_message(
            "Only members with **Manage Server** can change settings.", ephemeral=True
        )
        return False

    @app_commands.command(
        name="moderator-role", description="Members with this role may post and schedule quizzes"
    )
    @app_commands.describe(role="The moderator role; leave empty to clear it")
    async def moderator_role(
        self, interaction: discord.Interaction[QuizBot], role: discord.Role | None = None
    ) -> None:
        assert interaction.guild_id is not None
        await guilds.set_guild_settings(
            self.bot.database,
            interaction.guild_id,
            moderator_role_id=role.id if role else None,
            now=self.bot.now(),
        )
        text = (
            f"Members with {role.mention} can now post and schedule quizzes."
            if role
            else "Moderator role cleared: only Manage Server remains."
        )
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(
        name="timezone", description="The server's time zone, for leaderboard days and weeks"
    )
    @app_commands.describe(timezone="An IANA name such as Europe/Berlin")
    async def timezone(self, interaction: discord.Interaction[QuizBot], timezone: str) -> None:
        assert interaction.guild_id is not None
        try:
            # The same rule as /schedule add, so a zone accepted here is accepted there too.
            zone = scheduler.parse_zone(timezone)
        except scheduler.ScheduleError as exc:
            await interaction.response.send_message(str(exc), ephemeral=True)
            return
        await guilds.set_guild_settings(
            self.bot.database, interaction.guild_id, timezone=zone.key, now=self.bot.now()
        )
        await interaction.response.send_message(f"Time zone set to **{zone.key}**.", ephemeral=True)

    @timezone.autocomplete("timezone")
    async def _timezone_choices(
        self, interaction: discord.Interaction[QuizBot], typed: str
    ) -> list[app_commands.Choice[str]]:
        return timezone_choices(typed)


async def setup(bot: QuizBot) -> None:
    await bot.add_cog(Config(bot))
