"""The monthly champion: the champion role moves to last month's top member on the first of the
month (the server's time zone), with a public congratulation.

Each month is claimed in the database before any role moves (storage.champions), so it is awarded
once whatever restarts or however many processes; only the process holding the guild's shard does
it. A role the bot may not hand out (no Manage Roles, or the role above the bot's) is recorded as
failed and the moderators are told once, in the champion channel.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.i18n import _, speaking
from bot.loops import every
from cogs.champion import _render as render
from storage import champions, leaderboards
from storage.guilds import zone
from storage.models import GuildSettings

if TYPE_CHECKING:
    from bot.app import QuizBot

log = logging.getLogger(__name__)

# A bot that was down on the 1st still awards the month within this many days; a role set later in
# the month waits for the next 1st.
CATCH_UP_DAYS = 7


def month_before(today: date) -> date:
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


class Champion(commands.Cog):
    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.loop.start()

    async def cog_unload(self) -> None:
        self.loop.cancel()

    @every(minutes=5, what="awarding monthly champions")
    async def loop(self) -> None:
        await self.award_due()

    @loop.before_loop
    async def _before_loop(self) -> None:
        await self.bot.wait_until_ready()

    async def award_due(self) -> int:
        """Award every month that has just ended in the guilds this process holds; returns how many."""
        db, now = self.bot.database, self.bot.now()
        awarded = 0
        for settings in await champions.awarding_guilds(db):
            if not self.bot.holds_guild(settings.guild_id):
                continue
            today = leaderboards.local_today(now, settings.timezone)
            if today.day > CATCH_UP_DAYS:
                continue
            month = month_before(today)
            claimed_at = await champions.claim_month(db, settings.guild_id, month, now)
            if claimed_at is not None:
                # The congratulations (and a note to the moderators) are public: the server's language.
                with speaking(await self.bot.server_locale(settings.guild_id)):
                    awarded += await self._award(settings, month, claimed_at)
        return awarded

    async def _award(self, settings: GuildSettings, month: date, claimed_at: datetime) -> int:
        db, guild_id, role_id = self.bot.database, settings.guild_id, settings.champion_role_id
        assert role_id is not None
        # The month's board as seen on its last day (guild-local noon): its own days, nothing after.
        last_day = leaderboards.window("month", month).last_day
        assert last_day is not None
        seen_at = datetime.combine(last_day, time(12), zone(settings.timezone)).astimezone(UTC)
        board = await leaderboards.board(db, guild_id, "month", now=seen_at, per_page=10)
        # A month where nobody scored has no champion (everyone on 0 would share rank 1).
        winners = [row.member_id for row in board.rows if row.rank == 1 and row.points > 0]

        async def finish(status: str, error: str | None = None) -> None:
            await champions.finish_month(
                db,
                guild_id,
                month,
                claimed_at,
                status=status,
                winners=winners,
                error=error,
                now=self.bot.now(),
            )

        try:
            # Last month's holders lose it first, even in a month with no champion.
            for member_id in await champions.last_champions(db, guild_id, month):
                if member_id not in winners:
                    with contextlib.suppress(discord.NotFound):  # left the server meanwhile
                        await self.bot.http.remove_role(
                            guild_id,
                            member_id,
                            role_id,
                            # TRANSLATORS: the audit log's reason for taking the champion role back.
                            reason=_("Last month's champion"),
                        )
            for member_id in winners:
                with contextlib.suppress(discord.NotFound):  # a winner who left since
                    await self.bot.http.add_role(
                        guild_id,
                        member_id,
                        role_id,
                        # TRANSLATORS: the audit log's reason for giving the role; {month} reads "March 2026".
                        reason=_("Champion of {month}").format(month=render.month_name(month)),
                    )
        except discord.HTTPException as exc:
            # Forbidden (no Manage Roles, the role above the bot's), a deleted role, Discord down:
            # recorded, and the moderators told once; the holders given it so far are remembered.
            log.warning("guild %s: could not hand out the champion role %s: %s", guild_id, role_id, exc)
            await finish("failed", f"Discord refused: {exc.text or exc.status}")
            await self._tell(settings, content=render.cannot_assign(role_id))
            return 0
        if not winners:
            await finish("nobody")
            return 0
        await finish("awarded")
        await self._tell(settings, embed=render.champion_embed(month, role_id, board.rows))
        return 1

    async def _tell(
        self, settings: GuildSettings, *, content: str | None = None, embed: discord.Embed | None = None
    ) -> None:
        if settings.champion_channel_id is None:
            return
        channel = self.bot.get_partial_messageable(settings.champion_channel_id, guild_id=settings.guild_id)
        try:
            # Mentions name people without pinging the role: the post congratulates, it does not call.
            mentions = discord.AllowedMentions(users=True, roles=False)
            if embed is not None:
                await channel.send(content=content, embed=embed, allowed_mentions=mentions)
            else:
                await channel.send(content=content, allowed_mentions=mentions)
        except discord.HTTPException as exc:
            log.warning("guild %s: could not post in the champion channel: %s", settings.guild_id, exc)
