"""/review: the member's missed questions, brought back on an fsrs spaced schedule, privately."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.review._cog import Review
from cogs.review._items import DYNAMIC_ITEMS

if TYPE_CHECKING:
    from bot.app import QuizBot


async def setup(bot: QuizBot) -> None:
    await bot.add_cog(Review(bot))
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
