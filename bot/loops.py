"""Background loops that never stop.

discord.py ends a `tasks.loop` once an exception escapes its body (after the error handler runs),
so one failed query (the SQLite file locked by a backup, PostgreSQL restarting) would stop closing
questions, posting daily quizzes or sending reminders until a restart. A loop made here logs the
failure and tries again at the next tick.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from discord.ext import tasks

log = logging.getLogger(__name__)

Tick = Callable[..., Awaitable[Any]]


def every(*, seconds: float = 0, minutes: float = 0, what: str) -> Callable[[Tick], tasks.Loop[Any]]:
    """`tasks.loop(seconds=..., minutes=...)` whose tick failures are logged (as "`what` failed")
    instead of ending the loop. Cancelling the loop still stops it."""

    def decorate(tick: Tick) -> tasks.Loop[Any]:
        @functools.wraps(tick)
        async def guarded(*args: Any) -> None:
            try:
                await tick(*args)
            except Exception:
                log.exception("%s failed; trying again at the next tick", what)

        return tasks.loop(seconds=seconds, minutes=minutes)(guarded)

    return decorate
