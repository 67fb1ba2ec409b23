"""/practice: a private, paced run through a lesson (learn or test mode), recorded but never ranked."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.practice._cog import Practice
from cogs.practice._items import DYNAMIC_ITEMS, PRACTICE_MODE

if TYPE_CHECKING:
    from bot.app import QuizBot


async def setup(bot: QuizBot) -> None:
    practice = Practice(bot)
    await bot.add_cog(practice)
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    bot.add_answer_mode(PRACTICE_MODE, practice)
