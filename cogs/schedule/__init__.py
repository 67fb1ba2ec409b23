"""Scheduled daily quizzes: /schedule add|list|remove|pause|resume and the loop that posts them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.schedule._cog import Schedules

if TYPE_CHECKING:
    from bot.app import QuizBot


async def setup(bot: QuizBot) -> None:
    await bot.add_cog(Schedules(bot))
