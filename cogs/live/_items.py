"""A live round's own persistent buttons (its answers use the shared widgets, mode `live`):

live:join:{game}          the lobby's Join
live:summary:{game}       the podium's "My summary" (private)
live:answer|fill|pick|submit:{game}.{post}:...   the shared answer widgets (bot.widgets)
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

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
                label="Join",
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
                label="My summary",
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


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (JoinButton, SummaryButton)


def lobby_view(game_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(JoinButton(game_id))
    return view


def podium_view(game_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(SummaryButton(game_id))
    return view


def answer_state(game_id: int, post_id: int) -> str:
    return f"{game_id}.{post_id}"


_STATE_RE = re.compile(r"(?P<game>[0-9]{1,10})\.(?P<post>[0-9]{1,18})")


def read_state(state: str) -> tuple[int, int] | None:
    match = _STATE_RE.fullmatch(state)
    return None if match is None else (int(match["game"]), int(match["post"]))
