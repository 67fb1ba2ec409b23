"""/stats: a member's points, right answers, streaks and lesson mastery; a question's numbers for moderators."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.stats._cog import Stats

if TYPE_CHECKING:
    from bot.app import QuizBot


async def setup(bot: QuizBot) -> None:
    await bot.add_cog(Stats(bot))
