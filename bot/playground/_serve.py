"""`python -m bot playground`: run until Ctrl-C, then close the bot, its worker and the server."""

from __future__ import annotations

import asyncio
import errno
import logging
import signal
import sys
import tempfile
from pathlib import Path

from bot.playground._server import Playground

log = logging.getLogger(__name__)

DEFAULT_DATABASE = Path("data") / "playground.db"
# discord.py warns at every start that voice needs PyNaCl and davey; the playground has no voice.
_VOICE_WARNING = "voice will NOT be supported"


class QuietStart(logging.Filter):
    """Without --verbose: the playground's own lines and real warnings only, no library chatter."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("bot.playground"):
            return record.levelno >= logging.INFO
        if record.name == "discord.client" and _VOICE_WARNING in record.getMessage():
            return False
        return record.levelno >= logging.WARNING


def quiet_logging() -> None:
    """Keep the terminal to what a newcomer needs (alembic's and discord.py's INFO lines, and the voice
    warnings, are hidden); `--verbose` keeps everything."""
    quiet = QuietStart()
    for handler in logging.getLogger().handlers:
        handler.addFilter(quiet)


def serve_until_stopped(
    *, port: int = 8765, lessons_dir: Path | None = None, database: Path | None = DEFAULT_DATABASE
) -> int:
    """Serve the playground on 127.0.0.1:`port`; returns the process exit code.

    `database` None: a fresh SQLite file for this run only (a lesson preview), deleted at the end."""
    if lessons_dir is not None and not lessons_dir.is_dir():
        print(f"error: --lessons {lessons_dir}: no such folder", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="quizbot-preview-") as scratch:
        if database is None:
            path, shown = (
                Path(scratch) / "playground.db",
                "a fresh database for this run (--database FILE keeps one)",
            )
        else:
            path = database.resolve()
            path.parent.mkdir(parents=True, exist_ok=True)
            shown = str(database)
        try:
            asyncio.run(_serve(port, lessons_dir, path, shown))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                print(f"error: port {port} is in use: pick another with --port", file=sys.stderr)
                return 2
            raise
        except KeyboardInterrupt:
            pass
    return 0


async def _serve(port: int, lessons_dir: Path | None, database: Path, shown: str) -> None:
    playground = Playground(
        database_url=f"sqlite+aiosqlite:///{database}", lessons_dir=lessons_dir, port=port
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await playground.start()
        # The one line that matters comes last, on its own: the address to open.
        print(
            f"quizbot playground is running (lessons: {playground.lessons.folder}; data: {shown}; "
            f"Ctrl-C stops it). Open:\n{playground.url}",
            flush=True,
        )
        await stop.wait()
        print("stopping the playground...", flush=True)
    finally:
        await playground.stop()
    log.info("playground stopped cleanly")
