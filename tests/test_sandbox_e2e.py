"""A demo after the idle worker exited, end to end: the member is told it is warming up, then sees the output."""

from __future__ import annotations

import asyncio

from bot.trainer import Trainer
from content import load_library
from tests.conftest import StartBot
from tests.emulator import DiscordForTests
from tests.messages import embed
from tests.test_e2e_demo import plain_python_output


async def test_a_demo_after_the_worker_went_idle_says_warming_up_then_shows_the_real_output(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    bot = await start_bot()
    idle = Trainer(idle_minutes=0.01)  # 0.6 s
    await idle.start()
    try:
        assert await idle.wait_warm(120), idle.start_error
        for _ in range(200):
            if idle.worker_pid is None:
                break
            await asyncio.sleep(0.05)
        assert idle.worker_pid is None, "the idle worker exited"
        bot.trainer = idle
        question = load_library().question("weights.q3")
        assert question is not None and question.demo is not None
        expected = plain_python_output(question.demo, seed=0)

        ix = await emulator.slash("demo", by="bob", question="weights.q3", seed=0)
        first = await emulator.wait_reply(ix, timeout=30)
        await emulator.wait_for(
            lambda: emulator.message(int(first["id"]))["embeds"], timeout=90, what="the result"
        )

        edits = [r.body for r in emulator.requests_to("PATCH", "/messages/@original")]
        assert edits[0]["content"] == "⏳ Warming up the trainer: the first run takes a few seconds."
        final = emulator.message(int(first["id"]))
        assert not final["content"], "the warming-up line goes once the output is there"
        assert f"```\n{expected}\n```" in embed(final)["description"]
        again = await emulator.wait_reply(
            await emulator.slash("demo", question="weights.q3", seed=0), timeout=60
        )
        assert not again["content"] and embed(again)["description"] == embed(final)["description"]
    finally:
        await idle.close()
