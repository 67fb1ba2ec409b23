"""The moderators' buttons of /lessons: Publish and Cancel under an upload's preview, Restore under a
lesson's history, Remove and Keep under a removal's question. Persistent; each names the stored row
it acts on and the version in use the moderator was shown (0: none), so a version published
meanwhile is asked about again instead of replaced unseen."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from bot.i18n import _
from bot.rendering import custom_id

MAX_RESTORE_BUTTONS = 10  # two rows: the ten newest earlier versions; older ones are listed only

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
                label=(
                    # TRANSLATORS: a button label (80 characters at most); {version} is a number.
                    _("Replace version {version}").format(version=replacing) if replacing else _("Publish")
                ),
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
                # TRANSLATORS: a button label (80 characters at most).
                label=_("Cancel"),
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


class RestoreButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"lessons:restore:(?P<upload>[0-9]{1,18}):(?P<replacing>[0-9]{1,6})",
):
    def __init__(self, upload_id: int, version: int, replacing: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=(
                    # TRANSLATORS: a button label (80 characters at most); {version} is a number.
                    _("Restore version {version}").format(version=version) if version else _("Restore")
                ),
                style=discord.ButtonStyle.primary,
                custom_id=custom_id("lessons", "restore", upload_id, replacing),
            )
        )
        self.upload_id, self.replacing = upload_id, replacing

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Any, /
    ) -> RestoreButton:
        return cls(int(match["upload"]), 0, int(match["replacing"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _cog(interaction).restore(interaction, self.upload_id, self.replacing)


class RemoveButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"lessons:remove:(?P<upload>[0-9]{1,18})"
):
    """Names the version in use when asked: a newer one published meanwhile is not removed unseen."""

    def __init__(self, upload_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                # TRANSLATORS: a button label (80 characters at most).
                label=_("Remove"),
                style=discord.ButtonStyle.danger,
                custom_id=custom_id("lessons", "remove", upload_id),
            )
        )
        self.upload_id = upload_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Any, /
    ) -> RemoveButton:
        return cls(int(match["upload"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _cog(interaction).remove_pressed(interaction, self.upload_id)


class KeepButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"lessons:keep"):
    def __init__(self) -> None:
        super().__init__(
            discord.ui.Button(
                # TRANSLATORS: a button label (80 characters at most).
                label=_("Keep it"),
                style=discord.ButtonStyle.secondary,
                custom_id="lessons:keep",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Any, /
    ) -> KeepButton:
        return cls()

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _cog(interaction).keep(interaction)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    PublishButton,
    CancelButton,
    RestoreButton,
    RemoveButton,
    KeepButton,
)


def publish_view(draft_id: int, replacing: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(PublishButton(draft_id, replacing))
    view.add_item(CancelButton(draft_id))
    return view


def restore_view(earlier: list[tuple[int, int]], in_use: int) -> discord.ui.View | None:
    """A Restore button for each earlier (upload id, version), newest first, five to a row."""
    if not earlier:
        return None
    view = discord.ui.View(timeout=None)
    for upload_id, version in earlier[:MAX_RESTORE_BUTTONS]:
        view.add_item(RestoreButton(upload_id, version, in_use))
    return view


def remove_view(upload_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(RemoveButton(upload_id))
    view.add_item(KeepButton())
    return view
