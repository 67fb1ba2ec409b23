"""/leaderboard: the guild's top members for today, this week, this month or all time, paged."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.leaderboard._cog import Leaderboard
from cogs.leaderboard._items import DYNAMIC_ITEMS

if TYPE_CHECKING:
    from bot.app import QuizBot


async def setup(bot: QuizBot) -> None:
    await bot.add_cog(Leaderboard(bot))
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
