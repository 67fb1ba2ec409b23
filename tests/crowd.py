"""A crowd of members clicking at once through the loopback Discord: what the benchmarks share
(bench/answers.py, bench/live.py), with the no-op button that is their ceiling."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import discord

from bot.app import QuizBot
from bot.emulator import Member
from bot.emulator.state import snowflake
from bot.settings import load_settings
from tests.emulator import DiscordForTests

# The one question every benchmark click answers (B is right).
LESSON = """\
id: bench
title: Bench lesson
topic: benchmark
source: the benchmarks (tests/crowd.py)
questions:
  - id: bench.q
    kind: multiple_choice
    prompt: Pick one.
    options: [one, two, three, four]
    answer: B
    difficulty: medium
    hint: The second.
    solution: [It is B.]
"""


class _NoTrainer:  # the benchmarks measure answers: no TensorFlow worker needed
    warm = False

    async def start(self) -> None: ...
    async def close(self) -> None: ...


@contextlib.asynccontextmanager
async def crowd(
    members: int, database_url: str, lessons: Path
) -> AsyncIterator[tuple[DiscordForTests, QuizBot]]:
    """The loopback Discord with `members` more members (m0, m1, ...) and the real bot on it, ready,
    with the no-op button registered; both stopped on leaving."""
    emu = DiscordForTests()
    for i in range(members):
        emu.world.members[f"m{i}"] = Member(snowflake(), f"m{i}")
    await emu.start()
    settings = load_settings(
        DISCORD_TOKEN=emu.token,
        DISCORD_API_URL=emu.api_url,
        DISCORD_GATEWAY_URL=emu.gateway_url,
        QUIZBOT_DEV_GUILD=emu.world.guild_id,
        DATABASE_URL=database_url,
        QUIZBOT_CONTENT_DIR=str(lessons),
    )
    bot = QuizBot(settings, trainer=_NoTrainer(), guild_ready_timeout=0.05)  # type: ignore[arg-type]
    runner = asyncio.create_task(bot.start(emu.token))
    try:
        await emu.wait_ready(timeout=60)
        await bot.wait_until_ready()
        bot.add_dynamic_items(NoopButton)
        yield emu, bot
    finally:
        await bot.close()
        await runner
        await emu.stop()


class NoopButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"bench:noop:(?P<n>[0-9]+)"):
    """The ceiling: a persistent button whose callback only replies privately."""

    def __init__(self, n: int, label: str = "noop") -> None:
        super().__init__(discord.ui.Button(label=label, custom_id=f"bench:noop:{n}"))

    @classmethod
    async def from_custom_id(cls, interaction: Any, item: Any, match: Any, /) -> NoopButton:
        return cls(int(match["n"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_message("ok", ephemeral=True)


async def click_all(
    emu: DiscordForTests, jobs: list[tuple[dict[str, Any], str, str]], concurrency: int
) -> tuple[float, list[float], int]:
    """Click every (message, custom_id, member) with `concurrency` members at a time; return
    (seconds, latencies in ms, clicks that got no reply).

    Each click waits on its own future, resolved by an emulator listener when the bot's reply
    has been stored. (emu.wait_response re-checks every waiter on every emulator event: with 200
    members waiting that costs more CPU than the bot itself, and grows with the reply latency,
    so it charged the slower button for the harness's own polling.)"""
    queue: asyncio.Queue[tuple[dict[str, Any], str, str]] = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)
    latencies: list[float] = []
    missing = 0
    loop = asyncio.get_running_loop()
    waiting: dict[int, asyncio.Future[None]] = {}

    def on_event(kind: str, data: dict[str, Any]) -> None:
        if kind == "callback":
            future = waiting.pop(int(data["interaction_id"]), None)
            if future is not None and not future.done():
                future.set_result(None)

    async def worker() -> None:
        nonlocal missing
        while not queue.empty():
            message, custom_id, member = queue.get_nowait()
            started = time.perf_counter()
            ix = await emu.click(message, custom_id, by=member)
            if not ix.callbacks:  # no await between this check and registering: no lost wake-up
                future = waiting[ix.id] = loop.create_future()
                try:
                    await asyncio.wait_for(future, timeout=30)
                except TimeoutError:
                    waiting.pop(ix.id, None)
                    missing += 1
                    continue
            latencies.append((time.perf_counter() - started) * 1000)

    emu.listeners.append(on_event)
    started = time.perf_counter()
    try:
        await asyncio.gather(*(worker() for _ in range(concurrency)))
    finally:
        emu.listeners.remove(on_event)
    return time.perf_counter() - started, latencies, missing


async def settle() -> float:
    """Wait for the event listeners the clicks set off (e.g. quiz_outcome rating review cards)
    and return how long that took: their work belongs to the phase that caused it, not the next."""
    started = time.perf_counter()
    running = [
        task
        for task in asyncio.all_tasks()
        if task.get_name().startswith("discord.py: ") and task is not asyncio.current_task()
    ]
    if running:
        await asyncio.wait(running, timeout=60)
    return time.perf_counter() - started
