"""/forget-me: delete everything stored about the caller, in every server, after a confirmation.

forget:confirm:{member}   delete now (only the member named in the id may confirm)
forget:cancel             keep everything
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.i18n import N_, _, ngettext, number
from bot.rendering import custom_id
from storage.forget import forget_member

if TYPE_CHECKING:
    from bot.app import QuizBot

WARNING = N_(
    "This deletes **everything I store about you, in every server**: your answers, points, streaks, "
    "leaderboard places, practice runs and review deck. Questions you posted stay, without your name. "
    "It cannot be undone."
)
CANCELLED = N_("Nothing was deleted.")
NOT_YOURS = N_("This confirmation belongs to someone else: run `/forget-me` yourself.")


def _cog(interaction: discord.Interaction[Any]) -> Forget:
    return interaction.client.feature(Forget)


class ConfirmButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"forget:confirm:(?P<member>[0-9]{1,20})"
):
    def __init__(self, member_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                # TRANSLATORS: a button label (80 characters at most).
                label=_("Delete my data"),
                emoji="🗑️",
                style=discord.ButtonStyle.danger,
                custom_id=custom_id("forget", "confirm", member_id),
            )
        )
        self.member_id = member_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Any, /
    ) -> ConfirmButton:
        return cls(int(match["member"]))

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        # The prompt is private, but a forged or copied button must never delete someone else.
        if interaction.user.id == self.member_id:
            return True
        await interaction.response.send_message(_(NOT_YOURS), ephemeral=True)
        return False

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _cog(interaction).confirm(interaction, self.member_id)


class CancelButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"forget:cancel"):
    def __init__(self) -> None:
        super().__init__(
            discord.ui.Button(
                # TRANSLATORS: a button label (80 characters at most).
                label=_("Keep my data"),
                style=discord.ButtonStyle.secondary,
                custom_id="forget:cancel",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Any, /
    ) -> CancelButton:
        return cls()

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.edit_message(content=_(CANCELLED), view=None)


class Forget(commands.Cog):
    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot

    @app_commands.command(name="forget-me", description="Delete everything stored about you, in every server")
    async def forget_me(self, interaction: discord.Interaction[QuizBot]) -> None:
        view = discord.ui.View(timeout=None)
        view.add_item(ConfirmButton(interaction.user.id))
        view.add_item(CancelButton())
        await interaction.response.send_message(_(WARNING), view=view, ephemeral=True)

    async def confirm(self, interaction: discord.Interaction[QuizBot], member_id: int) -> None:
        deleted = await forget_member(self.bot.database, member_id)
        total = sum(deleted.values())
        text = (
            # TRANSLATORS: {count} is how many stored records (answers, points, ...) were deleted.
            ngettext(
                "Done: I deleted {count} record about you, in every server. "
                "If you answer again, you start from zero.",
                "Done: I deleted {count} records about you, in every server. "
                "If you answer again, you start from zero.",
                total,
            ).format(count=number(total))
            if total
            else _("Done: I had nothing stored about you.")
        )
        # Edit the prompt in place: its button is gone, so it cannot be clicked twice.
        await interaction.response.edit_message(content=text, view=None)


async def setup(bot: QuizBot) -> None:
    await bot.add_cog(Forget(bot))
    bot.add_dynamic_items(ConfirmButton, CancelButton)
