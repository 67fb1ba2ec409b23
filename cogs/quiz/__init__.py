"""Quiz play: /quiz post and /quiz close, and the `quiz` answer mode of posted questions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.posts import POST_MODE
from cogs.quiz._cog import Quiz

if TYPE_CHECKING:
    from bot.app import QuizBot


async def setup(bot: QuizBot) -> None:
    quiz = Quiz(bot)
    await bot.add_cog(quiz)
    bot.add_answer_mode(POST_MODE, quiz)
