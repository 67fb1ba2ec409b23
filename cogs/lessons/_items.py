"""Publish and Cancel under an upload's preview: persistent buttons naming the draft, and the version
in use the moderator was shown (0: none), so a version published meanwhile is asked about again."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from bot.rendering import custom_id

if TYPE_CHECKING:
    from cogs.lessons._cog import Lessons


def _cog(interaction: discord.Interaction[Any]) -> Lessons:
    from cogs.lessons._cog import Lessons  # the cog module imports these items

    return interaction.client.feature(Lessons)


class PublishButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"lessons:publish:(?P<draft>[0-9]{1,18}):(?P<replacing>[0-9]{1,6})",
):
    def __init__(self, draft_id: int, replacing: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=f"Replace version {replacing}" if replacing else "Publish",
                style=discord.ButtonStyle.success,
                custom_id=custom_id("lessons", "publish", draft_id, replacing),
            )
        )
        self.draft_id, self.replacing = draft_id, replacing

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Any, /
    ) -> PublishButton:
        return cls(int(match["draft"]), int(match["replacing"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _cog(interaction).publish(interaction, self.draft_id, self.replacing)


class CancelButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"lessons:cancel:(?P<draft>[0-9]{1,18})"
):
    def __init__(self, draft_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Cancel",
                style=discord.ButtonStyle.secondary,
                custom_id=custom_id("lessons", "cancel", draft_id),
            )
        )
        self.draft_id = draft_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Any, /
    ) -> CancelButton:
        return cls(int(match["draft"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _cog(interaction).cancel(interaction, self.draft_id)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (PublishButton, CancelButton)


def publish_view(draft_id: int, replacing: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(PublishButton(draft_id, replacing))
    view.add_item(CancelButton(draft_id))
    return view
