"""A live round's own persistent buttons (its answers use the shared widgets, mode `live`):

live:join:{game}          the lobby's Join
live:summary:{game}       the podium's "My summary" (private)
live:rank:{game}:{page}[:{side}]   the full ranking, one private page at a time (side: p/n, so
                                   Previous and Next never share an id)
live:answer|fill|pick|submit:{game}.{post}:...   the shared answer widgets (bot.widgets)
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from bot.i18n import _
from bot.rendering import custom_id

if TYPE_CHECKING:
    from cogs.live._cog import Live

LIVE_MODE = "live"
_GAME = r"(?P<game>[0-9]{1,10})"


def _live(interaction: discord.Interaction[Any]) -> Live:
    from cogs.live._cog import Live  # the cog module imports these items

    return interaction.client.feature(Live)


class JoinButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=rf"live:join:{_GAME}"):
    def __init__(self, game_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                # TRANSLATORS: a button label (80 characters at most): join the live round's lobby.
                label=_("Join"),
                emoji="🙋",
                style=discord.ButtonStyle.success,
                custom_id=custom_id("live", "join", game_id),
            )
        )
        self.game_id = game_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> JoinButton:
        return cls(int(match["game"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _live(interaction).join(interaction, self.game_id)


class SummaryButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=rf"live:summary:{_GAME}"):
    def __init__(self, game_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                # TRANSLATORS: a button label (80 characters at most): the member's own summary of the round.
                label=_("My summary"),
                emoji="📋",
                style=discord.ButtonStyle.secondary,
                custom_id=custom_id("live", "summary", game_id),
            )
        )
        self.game_id = game_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> SummaryButton:
        return cls(int(match["game"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _live(interaction).summary(interaction, self.game_id)


class RankingButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"live:rank:{_GAME}:(?P<page>[0-9]{{1,4}})(?::(?P<side>[pn]))?",
):
    def __init__(
        self, game_id: int, page: int, label: str | None = None, side: str = "", disabled: bool = False
    ) -> None:
        if label is None:
            # TRANSLATORS: a button label (80 characters at most): every player's place, privately.
            label = _("Full ranking")
        parts = ("live", "rank", game_id, page, side) if side else ("live", "rank", game_id, page)
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=custom_id(*parts),
                disabled=disabled,
            )
        )
        self.game_id, self.page = game_id, page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> RankingButton:
        return cls(int(match["game"]), int(match["page"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _live(interaction).ranking(interaction, self.game_id, self.page)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (JoinButton, SummaryButton, RankingButton)


def lobby_view(game_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(JoinButton(game_id))
    return view


def podium_view(game_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(SummaryButton(game_id))
    view.add_item(RankingButton(game_id, 0))
    return view


def ranking_view(game_id: int, page: int, pages: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    # TRANSLATORS: a button label (80 characters at most): the ranking's previous page.
    previous = _("Previous")
    # TRANSLATORS: a button label (80 characters at most): the ranking's next page.
    following = _("Next")
    view.add_item(RankingButton(game_id, max(page - 1, 0), previous, "p", disabled=page == 0))
    view.add_item(
        RankingButton(game_id, min(page + 1, pages - 1), following, "n", disabled=page >= pages - 1)
    )
    return view


def answer_state(game_id: int, post_id: int) -> str:
    return f"{game_id}.{post_id}"


_STATE_RE = re.compile(r"(?P<game>[0-9]{1,10})\.(?P<post>[0-9]{1,18})")


def read_state(state: str) -> tuple[int, int] | None:
    match = _STATE_RE.fullmatch(state)
    return None if match is None else (int(match["game"]), int(match["post"]))
