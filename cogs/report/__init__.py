"""/report: moderators' CSV exports and the server's question quality (facility, discrimination)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.report._cog import Report

if TYPE_CHECKING:
    from bot.app import QuizBot


async def setup(bot: QuizBot) -> None:
    await bot.add_cog(Report(bot))
