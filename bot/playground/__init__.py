"""Try quizbot in a browser: the loopback Discord, the real bot and a Discord-like page (issue 7)."""

from bot.playground._run import run_playground
from bot.playground._server import Playground, playground_world

__all__ = ["Playground", "playground_world", "run_playground"]
