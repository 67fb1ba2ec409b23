"""Quiz play: post questions with buttons, grade attempts privately, reveal on close."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.quiz._cog import Quiz
from cogs.quiz._items import DYNAMIC_ITEMS

if TYPE_CHECKING:
    from bot.app import QuizBot


async def setup(bot: QuizBot) -> None:
    await bot.add_cog(Quiz(bot))
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
