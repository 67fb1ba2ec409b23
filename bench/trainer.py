"""Benchmark of the TensorFlow trainer: cold `python` run vs the warm worker. Prints one JSON object.

Run from the repository root: `python bench/trainer.py`. Targets: warm_p95_ms <= 40 and
speedup >= 60 in the same run, max_loop_lag_ms <= 20, bot_rss_mb <= 150, recovery_ms <= 5000.
The worker figures are measured twice in the same run, in the bubblewrap sandbox and not ("sandboxed",
"unsandboxed", and their ratios in "sandbox_ratio"); the top-level figures are the sandboxed ones (what the
bot runs) when bubblewrap works here. "idle" is the RSS of the whole bot process tree (this process and
every descendant) with a warm worker, and after the idle timeout stopped it.
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

from bot.trainer import Trainer, _sandbox
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


def tree_rss_mb(root: int) -> float:
    """RSS of a process and all its descendants."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat") as f:
                    parents[int(entry.name)] = int(f.read().rpartition(")")[2].split()[1])
            except OSError:
                continue
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    total = 0.0
    for pid in tree:
        try:
            total += rss_mb(pid)
        except OSError:
            continue
    return total


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


async def worker_figures(
    modes: dict[str, bool], cold_ms: float, cold_output: str
) -> dict[str, dict[str, Any]]:
    """The same figures for each mode; runs alternate between the modes so a busy machine slows both alike."""
    trainers = {name: Trainer(sandbox=sandbox) for name, sandbox in modes.items()}
    figures: dict[str, dict[str, Any]] = {name: {} for name in modes}
    for name, trainer in trainers.items():
        t0 = time.perf_counter()
        await trainer.start()
        figures[name]["start_returned_ms"] = round((time.perf_counter() - t0) * 1000, 2)
        assert await trainer.wait_warm(120), trainer.start_error
        figures[name]["first_warm_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        assert trainer.sandboxed is modes[name]

    times: dict[str, list[float]] = {name: [] for name in modes}
    outputs: dict[str, set[str]] = {name: set() for name in modes}
    with LoopLag() as lag:
        for _ in range(WARM_RUNS):
            for name, trainer in trainers.items():
                t = time.perf_counter()
                result = await trainer.run(STEP, seed=SEED)
                times[name].append((time.perf_counter() - t) * 1000)
                outputs[name].add(result.output)
        await asyncio.sleep(0.05)
    pids = {name: trainer.worker_pid for name, trainer in trainers.items()}
    for name, pid in pids.items():
        assert pid is not None
        figures[name]["worker_rss_mb"] = round(rss_mb(pid), 1)
        # Sandboxed, bwrap and its init sit between the bot and the worker: counted too.
        figures[name]["worker_tree_rss_mb"] = round(tree_rss_mb(trainers[name]._worker.process.pid), 1)  # type: ignore[union-attr]

    fit_times: dict[str, list[float]] = {name: [] for name in modes}
    fit_rss_start = {name: rss_mb(pid) for name, pid in pids.items() if pid is not None}
    with LoopLag() as fit_lag:
        for _ in range(FIT_RUNS):
            for name, trainer in trainers.items():
                t = time.perf_counter()
                fit = await trainer.run(FIT, seed=SEED, on_epoch=lambda epoch, logs: None)
                fit_times[name].append((time.perf_counter() - t) * 1000)
                assert fit.status == "ok" and len(fit.losses) == 5, fit.error
    for name, pid in pids.items():
        assert pid is not None
        growth = (rss_mb(pid) - fit_rss_start[name]) / FIT_RUNS
        figures[name]["worker_rss_growth_per_fit_mb"] = round(growth, 3)

    # Recovery: SIGKILL the worker in the middle of a run, until the next request is answered.
    for name, trainer in trainers.items():
        pid = pids[name]
        assert pid is not None
        with LoopLag() as recovery_lag:
            doomed = asyncio.create_task(trainer.run("import time\ntime.sleep(30)\n", seed=SEED))
            await asyncio.sleep(0.3)
            t = time.perf_counter()
            os.kill(pid, signal.SIGKILL)
            crashed = await doomed
            detected_ms = (time.perf_counter() - t) * 1000
            after = await trainer.run(STEP, seed=SEED)
            recovery_ms = (time.perf_counter() - t) * 1000
        assert crashed.status == "crashed" and after.status == "ok"
        figures[name]["recovery_ms"] = round(recovery_ms, 1)
        figures[name]["crash_detected_ms"] = round(detected_ms, 1)
        figures[name]["max_loop_lag_during_recovery_ms"] = round(recovery_lag.max_ms, 2)

    bot_rss = rss_mb()
    for name, trainer in trainers.items():
        await trainer.close()
        warm_p50 = statistics.median(times[name])
        figures[name].update(
            {
                "warm_p50_ms": round(warm_p50, 2),
                "warm_p95_ms": round(percentile(times[name], 0.95), 2),
                "speedup": round(cold_ms / warm_p50, 1),
                "fit5_p50_ms": round(statistics.median(fit_times[name]), 1),
                "warm_output_equals_cold": outputs[name] == {cold_output},
                "warm_output": sorted(outputs[name]),
                # Both workers' runs interleaved: the loop lag is the bot's, over both.
                "max_loop_lag_ms": round(lag.max_ms, 2),
                "fit5_max_loop_lag_ms": round(fit_lag.max_ms, 2),
                "bot_rss_mb": round(bot_rss, 1),
            }
        )
    return figures


async def idle_figures() -> dict[str, Any]:
    """The bot's whole process tree with a warm worker, then after the idle timeout stopped it."""
    idle_minutes = 0.05  # 3 s
    trainer = Trainer(idle_minutes=idle_minutes)
    await trainer.start()
    assert await trainer.wait_warm(120), trainer.start_error
    assert (await trainer.run(STEP, seed=SEED)).ok
    warm_tree = tree_rss_mb(os.getpid())
    t = time.perf_counter()
    for _ in range(2400):
        if trainer.worker_pid is None:
            break
        await asyncio.sleep(0.05)
    stopped_after_s = time.perf_counter() - t
    await asyncio.sleep(0.2)
    idle_tree = tree_rss_mb(os.getpid())
    t = time.perf_counter()
    again = await trainer.run(STEP, seed=SEED)
    warm_again_ms = (time.perf_counter() - t) * 1000
    assert again.ok, again.error
    await trainer.close()
    return {
        "idle_minutes": idle_minutes,
        "tree_rss_warm_mb": round(warm_tree, 1),
        "tree_rss_idle_mb": round(idle_tree, 1),
        "idle_over_warm": round(idle_tree / warm_tree, 3),
        "worker_stopped_after_s": round(stopped_after_s, 2),
        "first_run_after_idle_ms": round(warm_again_ms, 1),
    }


RATIO_KEYS = (
    "warm_p50_ms",
    "warm_p95_ms",
    "worker_rss_mb",
    "worker_tree_rss_mb",
    "recovery_ms",
    "fit5_p50_ms",
)


async def bench() -> dict[str, Any]:
    load_before = os.getloadavg()[0]
    cold = [cold_run() for _ in range(COLD_RUNS)]
    cold_ms = statistics.median(ms for ms, _ in cold)
    cold_output = cold[0][1]

    available = _sandbox.availability()
    modes = {"unsandboxed": False, "sandboxed": True} if available.sandbox else {"unsandboxed": False}
    measured = await worker_figures(modes, cold_ms, cold_output)
    unsandboxed, sandboxed = measured["unsandboxed"], measured.get("sandboxed")
    report: dict[str, Any] = {"cold_run_ms": round(cold_ms, 1)}
    report.update(sandboxed or unsandboxed)
    report["sandboxed"] = sandboxed if sandboxed else f"not measured: {available.reason}"
    report["unsandboxed"] = unsandboxed
    if sandboxed:
        report["sandbox_ratio"] = {
            key: round(sandboxed[key] / unsandboxed[key], 3) if unsandboxed[key] else None
            for key in RATIO_KEYS
        }
    report["idle"] = await idle_figures()
    report["load_avg_1m_before"] = round(load_before, 2)
    report["load_avg_1m_after"] = round(os.getloadavg()[0], 2)
    report["runs"] = {"cold": COLD_RUNS, "warm": WARM_RUNS, "fit": FIT_RUNS}
    return report


def main() -> None:
    print(json.dumps(asyncio.run(bench())))


if __name__ == "__main__":
    main()
