"""Try quizbot in a browser: the loopback Discord, the real bot and a Discord-like page, all on 127.0.0.1."""

from bot.playground._serve import DEFAULT_DATABASE, quiet_logging, serve_until_stopped
from bot.playground._server import Playground, playground_world

__all__ = ["DEFAULT_DATABASE", "Playground", "playground_world", "quiet_logging", "serve_until_stopped"]
