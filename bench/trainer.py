"""Benchmark of the TensorFlow trainer: cold `python` run vs the warm worker. Prints one JSON object.

Run from the repository root: `python bench/trainer.py`. Targets: warm_p95_ms <= 40 and
speedup >= 60 in the same run, max_loop_lag_ms <= 20, bot_rss_mb <= 150, recovery_ms <= 5000.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

# `python bench/trainer.py` puts bench/ first on the path, not the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.trainer import Trainer
from bot.trainer._worker import TF_ENV_DEFAULTS

SEED = 0


def _seed_step() -> str:
    from content import load_library

    demo = load_library().questions["weights.q3"].demo
    assert demo is not None
    return demo


WARM_RUNS = 50
COLD_RUNS = 3
FIT_RUNS = 20

# The seed page's training step (question 3), exactly as the bundled lesson pack runs it.
STEP = _seed_step()

# model.fit, 5 epochs on 64 rows: the size of a lesson demo.
FIT = """\
import numpy as np
import tensorflow as tf
x = np.random.rand(64, 3).astype("float32")
model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(8, activation="relu"),
                             tf.keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(x, x.sum(axis=1), epochs=5)
"""


def rss_mb(pid: int | str = "self") -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def cold_run() -> tuple[float, str]:
    """The snippet the way an eval bot runs code: a fresh interpreter per request."""
    script = f"import keras\nkeras.utils.set_random_seed({SEED})\n{STEP}"
    env = {**os.environ, **TF_ENV_DEFAULTS}
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    return (time.perf_counter() - t0) * 1000, done.stdout


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class LoopLag:
    """An asyncio task ticking every 5 ms; records how late each tick is."""

    def __init__(self) -> None:
        self.lags: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        loop = asyncio.get_running_loop()
        expected = loop.time() + 0.005
        while True:
            await asyncio.sleep(0.005)
            now = loop.time()
            self.lags.append(max(0.0, now - expected) * 1000)
            expected = now + 0.005

    def __enter__(self) -> LoopLag:
        self._task = asyncio.create_task(self._tick())
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()

    @property
    def max_ms(self) -> float:
        return max(self.lags, default=0.0)


async def bench() -> dict[str, Any]:
    load_before = os.getloadavg()[0]
    cold = [cold_run() for _ in range(COLD_RUNS)]
    cold_ms = statistics.median(ms for ms, _ in cold)
    cold_output = cold[0][1]

    trainer = Trainer()
    t0 = time.perf_counter()
    await trainer.start()
    start_returned_ms = (time.perf_counter() - t0) * 1000
    assert await trainer.wait_warm(120), trainer.start_error
    first_warm_ms = (time.perf_counter() - t0) * 1000

    times: list[float] = []
    outputs: set[str] = set()
    with LoopLag() as lag:
        for _ in range(WARM_RUNS):
            t = time.perf_counter()
            result = await trainer.run(STEP, seed=SEED)
            times.append((time.perf_counter() - t) * 1000)
            outputs.add(result.output)
        await asyncio.sleep(0.05)
    worker_pid = trainer.worker_pid
    assert worker_pid is not None
    worker_rss = rss_mb(worker_pid)

    fit_times: list[float] = []
    fit_rss_start = rss_mb(worker_pid)
    with LoopLag() as fit_lag:
        for _ in range(FIT_RUNS):
            t = time.perf_counter()
            fit = await trainer.run(FIT, seed=SEED, on_epoch=lambda epoch, logs: None)
            fit_times.append((time.perf_counter() - t) * 1000)
            assert fit.status == "ok" and len(fit.losses) == 5, fit.error
    fit_rss_end = rss_mb(worker_pid)

    # Recovery: SIGKILL the worker in the middle of a run, until the next request is answered.
    with LoopLag() as recovery_lag:
        doomed = asyncio.create_task(trainer.run("import time\ntime.sleep(30)\n", seed=SEED))
        await asyncio.sleep(0.3)
        t = time.perf_counter()
        os.kill(worker_pid, signal.SIGKILL)
        crashed = await doomed
        detected_ms = (time.perf_counter() - t) * 1000
        after = await trainer.run(STEP, seed=SEED)
        recovery_ms = (time.perf_counter() - t) * 1000
    assert crashed.status == "crashed" and after.status == "ok"

    bot_rss = rss_mb()
    await trainer.close()
    warm_p50 = statistics.median(times)
    return {
        "cold_run_ms": round(cold_ms, 1),
        "warm_p50_ms": round(warm_p50, 2),
        "warm_p95_ms": round(percentile(times, 0.95), 2),
        "speedup": round(cold_ms / warm_p50, 1),
        "max_loop_lag_ms": round(lag.max_ms, 2),
        "bot_rss_mb": round(bot_rss, 1),
        "worker_rss_mb": round(worker_rss, 1),
        "recovery_ms": round(recovery_ms, 1),
        # Context for the figures above.
        "warm_output_equals_cold": outputs == {cold_output},
        "warm_output": sorted(outputs),
        "start_returned_ms": round(start_returned_ms, 2),
        "first_warm_ms": round(first_warm_ms, 1),
        "crash_detected_ms": round(detected_ms, 1),
        "max_loop_lag_during_recovery_ms": round(recovery_lag.max_ms, 2),
        "fit5_p50_ms": round(statistics.median(fit_times), 1),
        "fit5_max_loop_lag_ms": round(fit_lag.max_ms, 2),
        "worker_rss_growth_per_fit_mb": round((fit_rss_end - fit_rss_start) / FIT_RUNS, 3),
        "load_avg_1m_before": round(load_before, 2),
        "load_avg_1m_after": round(os.getloadavg()[0], 2),
        "runs": {"cold": COLD_RUNS, "warm": WARM_RUNS, "fit": FIT_RUNS},
    }


def main() -> None:
    print(json.dumps(asyncio.run(bench())))


if __name__ == "__main__":
    main()
