"""Try quizbot in a browser: the loopback Discord, the real bot and a Discord-like page, all on 127.0.0.1."""

from bot.playground._serve import serve_until_stopped
from bot.playground._server import Playground, playground_world

__all__ = ["Playground", "playground_world", "serve_until_stopped"]
