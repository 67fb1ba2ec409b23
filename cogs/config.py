"""/config: per-server settings (Manage Server only): the moderator role, the time zone, the
monthly champion role and the language of public posts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import timezones
from bot.i18n import SPOKEN, _
from cogs import _choices as choices
from cogs._checks import manager_only
from storage import guilds

if TYPE_CHECKING:
    from bot.app import QuizBot

SERVER_LANGUAGE = "server"


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Config(commands.GroupCog, group_name="config", group_description="Server settings (Manage Server)"):
    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(
        name="moderator-role", description="Members with this role may post and schedule quizzes"
    )
    @manager_only()
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
            # TRANSLATORS: {role} is the role, mentioned.
            _("Members with {role} can now post and schedule quizzes.").format(role=role.mention)
            if role
            else _("Moderator role cleared: only Manage Server remains.")
        )
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(
        name="timezone", description="The server's time zone, for leaderboard days and weeks"
    )
    @manager_only()
    @app_commands.describe(timezone="An IANA name such as Europe/Berlin")
    async def timezone(self, interaction: discord.Interaction[QuizBot], timezone: str) -> None:
        assert interaction.guild_id is not None
        try:
            # The same rule as /schedule add, so a zone accepted here is accepted there too.
            zone = timezones.parse_zone(timezone)
        except timezones.UnknownZone as exc:
            await interaction.response.send_message(str(exc), ephemeral=True)
            return
        await guilds.set_guild_settings(
            self.bot.database, interaction.guild_id, timezone=zone.key, now=self.bot.now()
        )
        await interaction.response.send_message(
            # TRANSLATORS: {timezone} is an IANA time zone name such as Europe/Berlin.
            _("Time zone set to **{timezone}**.").format(timezone=zone.key),
            ephemeral=True,
        )

    @app_commands.command(
        name="champion-role", description="Give last month's top member this role on the 1st of each month"
    )
    @manager_only()
    @app_commands.describe(
        role="The champion role; leave empty to stop", channel="Where to congratulate them (default: here)"
    )
    async def champion_role(
        self,
        interaction: discord.Interaction[QuizBot],
        role: discord.Role | None = None,
        channel: discord.TextChannel | None = None,
    ) -> None:
        assert interaction.guild is not None
        where = channel or interaction.channel
        if role is None:
            await guilds.set_guild_settings(
                self.bot.database, interaction.guild.id, champion=None, now=self.bot.now()
            )
            await interaction.response.send_message(_("No more monthly champion role."), ephemeral=True)
            return
        if where is None:
            await interaction.response.send_message(
                _("Pick a channel for the congratulations."), ephemeral=True
            )
            return
        await guilds.set_guild_settings(
            self.bot.database, interaction.guild.id, champion=(role.id, where.id), now=self.bot.now()
        )
        # TRANSLATORS: {role} is the role, mentioned; {channel} the channel's id, inside <#...>.
        text = _(
            "On the 1st of each month (the server's time zone) {role} goes to last month's top "
            "member, and I'll congratulate them in <#{channel}>. Set in a month's first week, it "
            "goes to last month's top member within minutes."
        ).format(role=role.mention, channel=where.id)
        me = interaction.guild.me
        if not (me.guild_permissions.manage_roles and role.is_assignable()):
            # TRANSLATORS: {role} is the role, mentioned. "Manage Roles" and "Server Settings → Roles"
            # are Discord's own names: use the ones Discord shows in your language.
            text += "\n" + _(
                "⚠️ Right now I can't hand out {role}: give me *Manage Roles* and move my role "
                "above it in Server Settings → Roles."
            ).format(role=role.mention)
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(name="language", description="The language of this server's public posts")
    @manager_only()
    @app_commands.describe(language="Public posts' language; private replies follow each member's Discord")
    @app_commands.choices(
        language=[app_commands.Choice(name="The server's Discord language", value=SERVER_LANGUAGE)]
        + [app_commands.Choice(name=name, value=code) for code, name in SPOKEN.items()]
    )
    async def language(self, interaction: discord.Interaction[QuizBot], language: str) -> None:
        assert interaction.guild_id is not None
        chosen = None if language == SERVER_LANGUAGE else language
        await guilds.set_guild_settings(
            self.bot.database, interaction.guild_id, language=chosen, now=self.bot.now()
        )
        self.bot.forget_server_locale(interaction.guild_id)
        if chosen is None:
            text = _("Public posts now follow the server's Discord language.")
        else:
            text = _("Public posts are now written in **{language}**.").format(language=SPOKEN[chosen])
        await interaction.response.send_message(
            text + " " + _("Private replies stay in each member's own language."), ephemeral=True
        )

    @timezone.autocomplete("timezone")
    async def _timezone_choices(
        self, interaction: discord.Interaction[QuizBot], typed: str
    ) -> list[app_commands.Choice[str]]:
        return choices.zones(typed)


async def setup(bot: QuizBot) -> None:
    await bot.add_cog(Config(bot))
