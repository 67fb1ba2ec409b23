"""The public congratulations, and the note to moderators when the role cannot be handed out."""

from __future__ import annotations

from datetime import date

import discord

from bot.grading import points_phrase
from bot.i18n import _, day, ngettext
from bot.rendering import MEDALS, place_mark
from storage import RankedMember


def month_name(month: date) -> str:
    """'March 2026', in the language being spoken."""
    return day(month, "LLLL y")


def _names(member_ids: list[int]) -> str:
    """`<@1> and <@2> and <@3>`: the tied champions."""
    names = f"<@{member_ids[0]}>"
    for member_id in member_ids[1:]:
        # TRANSLATORS: joins tied champions' mentions: {names} is one or more already joined, {name} the next.
        names = _("{names} and {name}").format(names=names, name=f"<@{member_id}>")
    return names


def champion_embed(month: date, role_id: int, podium: list[RankedMember]) -> discord.Embed:
    """`podium`: last month's board from the top; everyone ranked 1 is a champion (ties share it)."""
    winners = [row for row in podium if row.rank == 1]
    # TRANSLATORS: {members} mentions the champion(s) (several when tied), {points} reads "3 points",
    # {role} is the champion role's id inside a role mention. The plural is the number of champions.
    description = ngettext(
        "Congratulations {members}: top of the month with {points}! <@&{role}> is yours until next month.",
        "Congratulations {members}: top of the month with {points}! <@&{role}> is yours until next month.",
        len(winners),
    ).format(
        members=_names([row.member_id for row in winners]),
        points=points_phrase(winners[0].points),
        role=role_id,
    )
    embed = discord.Embed(
        # TRANSLATORS: {month} is a month and its year ("March 2026").
        title=_("🏆 Champion of {month}").format(month=month_name(month)),
        description=description,
        colour=discord.Colour.gold(),
    )
    lines = [
        f"{place_mark(row.rank)} <@{row.member_id}> · {points_phrase(row.points)}"
        for row in podium
        if row.rank in MEDALS
    ]
    embed.add_field(name=_("The month's podium"), value="\n".join(lines), inline=False)
    return embed


def cannot_assign(role_id: int) -> str:
    # TRANSLATORS: told to the moderators in the champion channel; {role} is the role's id inside a role mention.
    return _(
        "I couldn't hand out <@&{role}> to last month's champion: I need the *Manage Roles* "
        "permission, and the role must exist and be below my own role in Server Settings → Roles. "
        "A moderator can fix that; next month I'll try again."
    ).format(role=role_id)
