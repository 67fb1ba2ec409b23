"""`python -m bot playground`: run until Ctrl-C, then close the bot, its worker and the server."""

from __future__ import annotations

import asyncio
import errno
import logging
import signal
import sys
from pathlib import Path

from bot.playground._server import Playground

log = logging.getLogger(__name__)

DEFAULT_DATABASE = Path("data") / "playground.db"


def serve_until_stopped(
    *, port: int = 8765, lessons_dir: Path | None = None, database: Path = DEFAULT_DATABASE
) -> int:
    """Serve the playground on 127.0.0.1:`port`; returns the process exit code."""
    if lessons_dir is not None and not lessons_dir.is_dir():
        print(f"error: --lessons {lessons_dir}: no such folder", file=sys.stderr)
        return 2
    database.parent.mkdir(parents=True, exist_ok=True)
    try:
        asyncio.run(_serve(port, lessons_dir, database.resolve()))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            print(f"error: port {port} is in use: pick another with --port", file=sys.stderr)
            return 2
        raise
    except KeyboardInterrupt:
        pass
    return 0


async def _serve(port: int, lessons_dir: Path | None, database: Path) -> None:
    playground = Playground(
        database_url=f"sqlite+aiosqlite:///{database}", lessons_dir=lessons_dir, port=port
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await playground.start()
        print(
            f"quizbot playground: open {playground.url}  (lessons: {playground.lessons.folder}; "
            f"data: {database}; Ctrl-C to stop)",
            flush=True,
        )
        await stop.wait()
        print("stopping the playground...", flush=True)
    finally:
        await playground.stop()
    log.info("playground stopped cleanly")
