"""Shared fixtures: the loopback Discord emulator and a real bot connected to it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bot.app import QuizBot
from bot.settings import load_settings
from tests.discord_spec import assert_bodies_match_spec
from tests.emulator import DiscordForTests
from tests.environment import ENVIRONMENT_SKIP, ENVIRONMENT_SKIP_AT, NOTES

# The two-engine `db` fixtures for storage tests.
pytest_plugins = ["tests.databases"]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Any:
    """A skip for a missing tool is one reason, not one per test: report every such skip at the
    place that decided it, so `-ra` folds them into one SKIPPED line."""
    report = yield
    if report.skipped and isinstance(report.longrepr, tuple) and ENVIRONMENT_SKIP in report.longrepr[2]:
        report.longrepr = (*ENVIRONMENT_SKIP_AT, report.longrepr[2])
    return report


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter: Any) -> Any:
    """What this machine could not test (a missing browser or spec): one line each, after the short
    summary, just above the final count."""
    result = yield
    for line in NOTES:
        terminalreporter.write_line(line, yellow=True, bold=True)
    return result


StartBot = Callable[..., Awaitable[QuizBot]]
# Settings the trainer reads: a bot given one of them builds its own trainer, as in production.
TRAINER_SETTINGS = frozenset({"QUIZBOT_UPLOADED_DEMOS", "QUIZBOT_TRAINER_IDLE_MINUTES"})


@pytest.fixture
async def emulator() -> AsyncIterator[DiscordForTests]:
    """A fresh Discord; at teardown every JSON body the bot sent is checked against the spec."""
    emu = DiscordForTests()
    await emu.start()
    try:
        yield emu
    finally:
        await emu.stop()
    assert_bodies_match_spec(emu.requests)


@pytest.fixture(scope="session")
async def shared_trainer() -> AsyncIterator[Any]:
    """One TensorFlow worker for the whole session: each warm-up costs seconds."""
    from bot.trainer import Trainer

    trainer = Trainer()
    await trainer.start()
    yield trainer
    await trainer.close()


@pytest.fixture
async def start_bot(
    emulator: DiscordForTests, shared_trainer: Any, tmp_path: Path
) -> AsyncIterator[StartBot]:
    """Start real QuizBots against the emulator; all are closed at teardown.

    The default database is a fresh SQLite file per test; pass database_url to share one (a restart).
    Pass clock (a tests.clock.Clock) to move the bot's time; without one it reads the real time.
    Every bot shares one warm trainer, unless a trainer setting (TRAINER_SETTINGS) is passed: then the
    bot builds and owns its own from the settings (a second TensorFlow worker, seconds to warm up).
    """
    running: list[tuple[QuizBot, asyncio.Task[None]]] = []

    async def start(
        *,
        database_url: str | None = None,
        clock: Callable[[], datetime] | None = None,
        **setting_overrides: Any,
    ) -> QuizBot:
        settings = load_settings(
            DISCORD_TOKEN=emulator.token,
            DISCORD_API_URL=emulator.api_url,
            DISCORD_GATEWAY_URL=emulator.gateway_url,
            QUIZBOT_DEV_GUILD=emulator.world.guild_id,
            DATABASE_URL=database_url or f"sqlite+aiosqlite:///{tmp_path / 'quizbot.db'}",
            **setting_overrides,
        )
        trainer = None if TRAINER_SETTINGS & setting_overrides.keys() else shared_trainer
        bot = QuizBot(settings, trainer=trainer, clock=clock, guild_ready_timeout=0.05)
        task = asyncio.create_task(bot.start(emulator.token))
        running.append((bot, task))
        ready = asyncio.create_task(bot.wait_until_ready())
        done, _ = await asyncio.wait({ready, task}, timeout=30, return_when=asyncio.FIRST_COMPLETED)
        if task in done:
            ready.cancel()
            task.result()  # start-up failed: raise its error here
        if ready not in done:
            raise TimeoutError("the bot did not become ready within 30 s")
        return bot

    yield start
    for bot, task in running:
        await bot.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 10)
