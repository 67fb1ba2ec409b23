"""Demos: run a lesson's TensorFlow code in the worker and show its real output."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.demo._cog import Demo, RunButton

if TYPE_CHECKING:
    from bot.app import QuizBot


async def setup(bot: QuizBot) -> None:
    await bot.add_cog(Demo(bot))
    bot.add_dynamic_items(RunButton)
