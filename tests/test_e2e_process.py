"""`python -m bot` as operators run it: a real process against the loopback Discord, stopped by a signal."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from bot.emulator import DiscordEmulator

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
async def test_a_signal_closes_gateway_database_and_worker_cleanly(
    emulator: DiscordEmulator, tmp_path: Path, signum: signal.Signals
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "QUIZBOT_", "DATABASE_"))}
    env.update(
        PYTHONPATH=str(REPO),
        DISCORD_TOKEN=emulator.token,
        DISCORD_API_URL=emulator.api_url,
        DISCORD_GATEWAY_URL=emulator.gateway_url,
        QUIZBOT_DEV_GUILD=str(emulator.world.guild_id),
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
    )
    bot = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        await emulator.wait_ready(timeout=60)
        await emulator.wait_commands_synced(timeout=60)
        ix = await emulator.slash("help")
        await emulator.wait_reply(ix, timeout=30)
        await asyncio.sleep(0.5)  # let the worker process appear
        workers = _children(bot.pid)
        bot.send_signal(signum)
        output = (await asyncio.wait_for(bot.communicate(), 60))[0].decode()
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()
    assert bot.returncode == 0, output
    assert "quizbot stopped cleanly" in output
    assert "Traceback" not in output
    assert emulator.token not in output, "the token never appears in a log line"
    await emulator.wait_for(
        lambda: not any(not c.ws.closed for c in emulator._sockets), what="the gateway to close"
    )
    for _ in range(50):  # a worker may take a moment to finish exiting
        left = [pid for pid in workers if _alive(pid)]
        if not left:
            break
        await asyncio.sleep(0.1)
    assert workers and not left, f"still running 5 s after the bot stopped: {left}"
    assert (tmp_path / "bot.db").exists()


def _alive(pid: int) -> bool:
    """Running, not a zombie (an exited child of a dead parent can linger unreaped in a container)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _children(pid: int) -> list[int]:
    """Direct child processes (the trainer worker), read from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found
