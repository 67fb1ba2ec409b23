"""The public congratulations, and the note to moderators when the role cannot be handed out."""

from __future__ import annotations

from datetime import date

import discord

from bot.grading import points_phrase
from bot.rendering import MEDALS, place_mark
from storage import RankedMember


def month_name(month: date) -> str:
    return month.strftime("%B %Y")


def champion_embed(month: date, role_id: int, podium: list[RankedMember]) -> discord.Embed:
    """`podium`: last month's board from the top; everyone ranked 1 is a champion (ties share it)."""
    winners = [row for row in podium if row.rank == 1]
    names = " and ".join(f"<@{row.member_id}>" for row in winners)
    embed = discord.Embed(
        title=f"🏆 Champion of {month_name(month)}",
        description=(
            f"Congratulations {names}: top of the month with {points_phrase(winners[0].points)}! "
            f"<@&{role_id}> is yours until next month."
        ),
        colour=discord.Colour.gold(),
    )
    lines = [
        f"{place_mark(row.rank)} <@{row.member_id}> · {points_phrase(row.points)}"
        for row in podium
        if row.rank in MEDALS
    ]
    embed.add_field(name="The month's podium", value="\n".join(lines), inline=False)
    return embed


def cannot_assign(role_id: int) -> str:
    return (
        f"I couldn't hand out <@&{role_id}> to last month's champion: I need the *Manage Roles* "
        "permission, and the role must exist and be below my own role in Server Settings → Roles. "
        "A moderator can fix that; next month I'll try again."
    )
