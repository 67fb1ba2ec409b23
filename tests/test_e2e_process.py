"""`python -m bot` as operators run it: a real process against the loopback Discord, stopped by a signal."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.emulator import DiscordForTests
from tests.messages import lessons_folder

REPO = Path(__file__).resolve().parents[1]


LESSON = """\
id: {id}
title: Lesson {id}
topic: testing
source: written for the tests
questions:
  - id: {id}.q
    kind: multiple_choice
    shuffle: false
    prompt: Pick A.
    options: [this, that]
    answer: A
    difficulty: easy
    hint: The first.
    solution: [It is A.]
"""


class BotProcess:
    """`python -m bot` in a subprocess; its output is collected line by line as it runs."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[str] = []
        self._reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        assert self.process.stdout is not None
        async for line in self.process.stdout:
            self.lines.append(line.decode(errors="replace"))

    @property
    def output(self) -> str:
        return "".join(self.lines)

    async def wait_output(self, text: str, timeout: float = 30) -> None:
        for _ in range(int(timeout * 10)):
            if text in self.output:
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared in the output:\n{self.output}")

    async def stop(self, signum: signal.Signals = signal.SIGTERM) -> str:
        """Signal it and wait for it to exit; return everything it printed."""
        self.process.send_signal(signum)
        await asyncio.wait_for(self.process.wait(), 60)
        await self._reader
        return self.output

    async def kill(self) -> None:
        if self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
        await self._reader


def _bot_env(emulator: DiscordForTests, tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "QUIZBOT_", "DATABASE_"))}
    env.update(
        PYTHONPATH=str(REPO),
        DISCORD_TOKEN=emulator.token,
        DISCORD_API_URL=emulator.api_url,
        DISCORD_GATEWAY_URL=emulator.gateway_url,
        QUIZBOT_DEV_GUILD=str(emulator.world.guild_id),
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
    )
    env.update(settings)
    return env


async def start_bot_process(
    emulator: DiscordForTests, tmp_path: Path, *, wait_synced: bool = True, **settings: str
) -> BotProcess:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=_bot_env(emulator, tmp_path, **settings),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    bot = BotProcess(process)
    if not wait_synced:
        return bot
    try:
        await emulator.wait_ready(timeout=60)
        await emulator.wait_commands_synced(timeout=60)
    except BaseException:
        await bot.kill()
        raise
    return bot


async def lessons_in_help(emulator: DiscordForTests) -> str:
    reply = await emulator.wait_reply(await emulator.slash("help"), timeout=30)
    (lessons,) = [f for f in reply["embeds"][0]["fields"] if f["name"].startswith("Lessons loaded")]
    return f"{lessons['name']}: {lessons['value']}"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
async def test_a_signal_closes_gateway_database_and_worker_cleanly(
    emulator: DiscordForTests, tmp_path: Path, signum: signal.Signals
) -> None:
    bot = await start_bot_process(emulator, tmp_path)
    try:
        await emulator.wait_reply(await emulator.slash("help"), timeout=30)
        await asyncio.sleep(0.5)  # let the worker process appear
        workers = _children(bot.process.pid)
        output = await bot.stop(signum)
    finally:
        await bot.kill()
    assert bot.process.returncode == 0, output
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


async def test_sighup_reloads_the_lessons_and_a_broken_edit_keeps_the_ones_in_use(
    emulator: DiscordForTests, tmp_path: Path
) -> None:
    folder = lessons_folder(tmp_path, first=LESSON.format(id="first"))
    bot = await start_bot_process(emulator, tmp_path, QUIZBOT_CONTENT_DIR=str(folder))
    try:
        assert (await lessons_in_help(emulator)).startswith("Lessons loaded: 1")

        (folder / "second.yaml").write_text(LESSON.format(id="second"))
        bot.process.send_signal(signal.SIGHUP)
        await bot.wait_output("lessons reloaded: 2 lessons, 2 questions")
        assert "**Lesson second** (1 question)" in await lessons_in_help(emulator)

        (folder / "second.yaml").write_text(
            LESSON.format(id="second").replace("difficulty: easy", "difficulty: 3")
        )
        bot.process.send_signal(signal.SIGHUP)
        await bot.wait_output("lessons not reloaded")
        assert "second.yaml:12: questions[0].difficulty" in bot.output, (
            "the operator sees file, line and field"
        )
        assert (await lessons_in_help(emulator)).startswith("Lessons loaded: 2"), "the last good lessons stay"
        output = await bot.stop()
    finally:
        await bot.kill()
    assert bot.process.returncode == 0 and "Traceback" not in output


async def run_until_exit(emulator: DiscordForTests, tmp_path: Path, **settings: str) -> tuple[int, str]:
    """`python -m bot` that is expected to give up at start-up: its exit code and its stderr."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=_bot_env(emulator, tmp_path, **settings),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        _, stderr = await asyncio.wait_for(process.communicate(), 90)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode is not None
    return process.returncode, stderr.decode(errors="replace")


def _the_error_line(stderr: str) -> str:
    """The operator's one line: no traceback, and nothing else at error level beside it."""
    assert "Traceback" not in stderr, stderr
    errors = [
        line for line in stderr.splitlines() if line.startswith("error:") or re.search(r"\bERROR\b", line)
    ]
    assert len(errors) == 1, stderr
    return errors[0]


@pytest.mark.parametrize(
    ("database", "expected"),
    [
        ("folder", "is a folder"),
        ("sqlite+aiosqlite:////proc/quizbot.db", "unable to open database file"),
        ("sqlite+aiosqlite:///{tmp}/taken/quizbot.db", "taken is a file, where a folder should be"),
        ("postgresql+asyncpg://quiz:s3cret@127.0.0.1:1/x", "refused"),
        ("postgresql+asyncpg://quiz:s3cret@no-such-host.invalid:5432/x", "no-such-host.invalid"),
        ("missing database", "does not exist"),
    ],
)
async def test_a_database_that_cannot_be_opened_is_one_line_and_exit_2(
    emulator: DiscordForTests, tmp_path: Path, database: str, expected: str
) -> None:
    (tmp_path / "taken").write_text("a file where the folder should be")
    if database == "folder":
        database = f"sqlite+aiosqlite:///{tmp_path}"
    elif database == "missing database":
        from tests.postgres import postgres_admin_url, postgres_reachable

        unreachable = await postgres_reachable()
        if unreachable is not None:
            pytest.skip(f"PostgreSQL not reachable ({unreachable})")
        admin = make_url(postgres_admin_url())
        database = admin.set(
            drivername="postgresql+asyncpg", password="s3cret", database="quizbot_no_such_database"
        ).render_as_string(hide_password=False)
    code, stderr = await run_until_exit(emulator, tmp_path, DATABASE_URL=database.format(tmp=tmp_path))
    line = _the_error_line(stderr)
    assert code == 2, stderr
    assert line.startswith("error: DATABASE_URL: cannot open "), line
    assert expected in line, line
    assert "s3cret" not in stderr, "the password is never printed"


async def test_a_wrong_token_is_one_line_and_exit_2(emulator: DiscordForTests, tmp_path: Path) -> None:
    code, stderr = await run_until_exit(emulator, tmp_path, DISCORD_TOKEN="not.the.token")
    line = _the_error_line(stderr)
    assert code == 2, stderr
    assert line.startswith("error: DISCORD_TOKEN: Discord refused the token"), line
    assert "not.the.token" not in stderr


async def test_sigterm_during_a_multi_shard_start_up_exits(emulator: DiscordForTests, tmp_path: Path) -> None:
    bot = await start_bot_process(emulator, tmp_path, wait_synced=False, QUIZBOT_SHARD_COUNT="4")
    try:
        await emulator.wait_ready(timeout=60)  # the first shard is in; three more are on their way
        bot.process.send_signal(signal.SIGTERM)
        # Generous: discord.py used to retry the other shards after close() and never exit.
        await asyncio.wait_for(bot.process.wait(), 20)
        await bot._reader
    finally:
        await bot.kill()
    assert bot.process.returncode == 0, bot.output
    assert "quizbot stopped cleanly" in bot.output
    assert "Traceback" not in bot.output


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
