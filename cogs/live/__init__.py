"""Live rounds: a timed quiz game in a channel, with speed points, standings and a podium."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.live._cog import Live
from cogs.live._items import DYNAMIC_ITEMS, LIVE_MODE

if TYPE_CHECKING:
    from bot.app import QuizBot


async def setup(bot: QuizBot) -> None:
    live = Live(bot)
    await bot.add_cog(live)
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    bot.add_answer_mode(LIVE_MODE, live)
