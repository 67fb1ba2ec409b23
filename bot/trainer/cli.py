"""`python -m bot demo QUESTION_ID [--seed N]`: run a demo once and print exactly what it printed.

`python -m bot demo` (bot/__main__.py) looks up the question's code and calls `run_demo_cli`. What the code wrote to stdout goes
to `out`; what it wrote to stderr (warnings), the error, the seed and the timings go to `err`.
"""

from __future__ import annotations

import asyncio
from typing import TextIO

from bot.trainer._result import RunResult
from bot.trainer._trainer import Trainer

# A terminal can take the whole output: the Discord-sized cut is for the bot.
CLI_OUTPUT_LIMIT = 1_000_000
CLI_TIME_LIMIT_S = 120.0


async def _run_once(code: str, seed: int | None, time_limit_s: float) -> RunResult:
    trainer = Trainer(time_limit_s=time_limit_s, output_limit_chars=CLI_OUTPUT_LIMIT, max_queue=0)
    await trainer.start()
    try:
        return await trainer.run(code, seed=seed)
    finally:
        await trainer.close()


def run_demo_cli(
    code: str, seed: int | None, out: TextIO, err: TextIO, *, time_limit_s: float = CLI_TIME_LIMIT_S
) -> int:
    """Run `code` in a fresh worker; 0 if it ran to the end, 1 if it raised, timed out or crashed."""
    result = asyncio.run(_run_once(code, seed, time_limit_s))
    out.write(result.stdout)
    out.flush()
    if result.stderr:
        err.write(result.stderr)
        if not result.stderr.endswith("\n"):
            err.write("\n")
    if result.error:
        err.write(result.error.rstrip("\n") + "\n")
    how = "given" if seed is not None else "picked at random; pass --seed to repeat"
    err.write(f"[demo] seed {result.seed} ({how}); {result.status} in {result.wall_ms:.0f} ms\n")
    if result.losses:
        err.write("[demo] loss per epoch: " + ", ".join(f"{x:.4f}" for x in result.losses) + "\n")
    err.flush()
    return 0 if result.status == "ok" else 1
