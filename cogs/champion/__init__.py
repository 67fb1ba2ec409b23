"""The monthly champion: on the first of each month the champion role goes to last month's top."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.champion._cog import Champion

if TYPE_CHECKING:
    from bot.app import QuizBot


async def setup(bot: QuizBot) -> None:
    await bot.add_cog(Champion(bot))
