"""/review: the member's missed questions, brought back on an fsrs spaced schedule, privately."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.review._cog import Review
from cogs.review._items import DYNAMIC_ITEMS, REVIEW_MODE

if TYPE_CHECKING:
    from bot.app import QuizBot


async def setup(bot: QuizBot) -> None:
    reviews = Review(bot)
    await bot.add_cog(reviews)
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    bot.add_answer_mode(REVIEW_MODE, reviews)
