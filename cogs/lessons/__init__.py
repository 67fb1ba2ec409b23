"""/lessons: moderators bring their own lessons. `/lessons upload` previews a file and publishes it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.lessons._cog import Lessons

if TYPE_CHECKING:
    from bot.app import QuizBot


async def setup(bot: QuizBot) -> None:
    await bot.add_cog(Lessons(bot))
