"""Paging buttons for a leaderboard message: the whole board state is in the custom_id.

board:page:{period}:{lesson}:{page}:{member}   Previous / Next; member is who asked (their rank stays shown)
board:me:{period}:{lesson}                     "Where am I?": the clicker's own rank, privately

{lesson} is a lesson id, or "*" for every lesson (lesson ids never contain "*" or ":").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from bot.i18n import _
from bot.rendering import custom_id
from content import ID
from content.scoping import authored, guild_of, scoped
from storage.leaderboards import Period

if TYPE_CHECKING:
    from cogs.leaderboard._cog import Leaderboard

ALL_LESSONS = "*"
# A server's own lesson, written without its server prefix (the click names the server): with the
# prefix, a 48-character lesson id would take a page button past Discord's 100 characters.
SERVERS_OWN = "~"
MAX_PAGE = 9999  # the template allows four digits
_BOARD = rf"(?P<period>today|week|month|all):(?P<lesson>\*|~?{ID})"


def lesson_code(lesson_id: str | None) -> str:
    if lesson_id is None:
        return ALL_LESSONS
    return SERVERS_OWN + authored(lesson_id) if guild_of(lesson_id) is not None else lesson_id


def lesson_from(code: str, guild_id: int | None) -> str | None:
    if code == ALL_LESSONS:
        return None
    if code.startswith(SERVERS_OWN) and guild_id is not None:
        return scoped(guild_id, code.removeprefix(SERVERS_OWN))
    return code


def _cog(interaction: discord.Interaction[Any]) -> Leaderboard:
    from cogs.leaderboard._cog import Leaderboard  # the cog module imports these items

    return interaction.client.feature(Leaderboard)


class PageButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"board:page:{_BOARD}:(?P<page>[0-9]{{1,4}}):(?P<member>[0-9]{{1,20}})",
):
    def __init__(
        self,
        period: Period,
        lesson_id: str | None,
        page: int,
        member_id: int,
        *,
        label: str | None = None,
        emoji: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(
            discord.ui.Button(
                # TRANSLATORS: a button label (80 characters at most); a page button names itself "Previous" or "Next".
                label=label if label is not None else _("Page"),
                emoji=emoji,
                style=discord.ButtonStyle.secondary,
                disabled=disabled,
                custom_id=custom_id("board", "page", period, lesson_code(lesson_id), page, member_id),
            )
        )
        self.period, self.lesson_id, self.page, self.member_id = period, lesson_id, page, member_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Any, /
    ) -> PageButton:
        return cls(
            match["period"],
            lesson_from(match["lesson"], interaction.guild_id),
            int(match["page"]),
            int(match["member"]),
        )

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _cog(interaction).turn_page(interaction, self.period, self.lesson_id, self.page, self.member_id)


class MeButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=rf"board:me:{_BOARD}"):
    def __init__(self, period: Period, lesson_id: str | None) -> None:
        super().__init__(
            discord.ui.Button(
                # TRANSLATORS: a button label (80 characters at most): shows the clicker's own rank.
                label=_("Where am I?"),
                emoji="🔎",
                style=discord.ButtonStyle.primary,
                custom_id=custom_id("board", "me", period, lesson_code(lesson_id)),
            )
        )
        self.period, self.lesson_id = period, lesson_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Any, /
    ) -> MeButton:
        return cls(match["period"], lesson_from(match["lesson"], interaction.guild_id))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _cog(interaction).where_am_i(interaction, self.period, self.lesson_id)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (PageButton, MeButton)


def board_view(
    period: Period, lesson_id: str | None, page: int, has_more: bool, member_id: int
) -> discord.ui.View:
    """Previous / Next (disabled at either end) and Where am I?. Previous on page 0 points at page 0
    and Next at page 1, so the two custom_ids never collide (Discord refuses duplicates)."""
    view = discord.ui.View(timeout=None)
    view.add_item(
        PageButton(
            period,
            lesson_id,
            max(page - 1, 0),
            member_id,
            # TRANSLATORS: a button label (80 characters at most): the board's previous page.
            label=_("Previous"),
            emoji="◀️",
            disabled=page == 0,
        )
    )
    view.add_item(
        PageButton(
            period,
            lesson_id,
            # On the last page the template allows, Next (disabled) points at it: page + 1 would not fit.
            min(page + 1, MAX_PAGE),
            member_id,
            # TRANSLATORS: a button label (80 characters at most): the board's next page.
            label=_("Next"),
            emoji="▶️",
            disabled=not has_more or page >= MAX_PAGE,
        )
    )
    view.add_item(MeButton(period, lesson_id))
    return view
