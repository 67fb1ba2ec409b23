"""Bot-side handle of the TensorFlow worker: start it early, queue runs, enforce limits, replace it when it dies.

Everything here runs on the bot's event loop and never blocks it: the worker's pipe and a pidfd of the worker
process are watched with `loop.add_reader`, so a run costs the loop only the time to read a few small messages.

The worker leads its own process group (it calls `os.setsid` first), and every kill is a kill of that group:
children and subprocesses the lesson code started die with the worker. Its death is read from the process
(a pidfd, readable once the process has exited), never from a pipe: a child the lesson code forked inherits
the worker's pipes and would keep them open.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import itertools
import logging
import multiprocessing
import os
import secrets
import signal
import sys
import time
import types
from collections.abc import Awaitable, Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from bot.trainer._result import RunResult, TrainerBusy
from bot.trainer._worker import OUTPUT_CHECK_LIMIT_S, worker_main

log = logging.getLogger(__name__)

EpochCallback = Callable[[int, dict[str, float]], Awaitable[None] | None]

# A soft limit inside the worker stops Python-level code at the time limit and keeps its output; the hard
# kill covers code stuck in native code (or ignoring SIGALRM) this much later.
HARD_KILL_GRACE_S = 1.0
# Importing TensorFlow takes ~2-3 s here; a worker not ready after this long is killed and counted a failure.
WARM_TIMEOUT_S = 120.0
# Workers that die before becoming ready this many times in a row stop being replaced (broken install).
MAX_START_FAILURES = 3
# Even eager fit leaves ~0.1 MB behind per run in a long-lived worker: one that has grown this much past its
# warm size is replaced after its run (a warm-up of ~3 s, every few thousand demos).
RECYCLE_GROWTH_MB = 300.0
# Seeds picked for unseeded runs stay short so a member can type them back into `--seed`.
RANDOM_SEED_BOUND = 1_000_000


class _Worker:
    """One worker process and what the bot knows about it."""

    def __init__(
        self, process: BaseProcess, conn: Connection, loop: asyncio.AbstractEventLoop, exit_fd: int
    ) -> None:
        self.process = process
        self.conn = conn
        self.loop = loop
        self.exit_fd = (
            exit_fd  # readable once the process has exited: a pidfd (or, without one, its sentinel)
        )
        self.ready: asyncio.Future[bool] = loop.create_future()
        self.exited: asyncio.Future[int | None] = loop.create_future()
        self.inbox: asyncio.Queue[tuple[Any, ...]] = asyncio.Queue()
        self.info: dict[str, Any] = {}
        self.failure: str | None = None
        self.reading = True
        self.retired = False  # being stopped or killed: no new run may be sent to it

    def kill(self) -> None:
        self.retired = True
        if not self.exited.done():
            kill_group(self.pid)
            self.process.kill()  # not yet its own group leader if it was killed while starting

    @property
    def pid(self) -> int | None:
        return self.process.pid


def kill_group(pid: int | None) -> None:
    """SIGKILL the worker's process group: the worker and whatever the lesson code started."""
    if pid is None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _exit_fd(process: BaseProcess) -> int:
    """A pidfd of the process; the sentinel pipe only where pidfds are missing (it stays open in forked
    grandchildren, so there a forked child delays the notice of the worker's death)."""
    assert process.pid is not None
    try:
        return os.pidfd_open(process.pid)
    except (AttributeError, OSError):
        return os.dup(process.sentinel)


def _describe_exit(exitcode: int | None) -> str:
    if exitcode is None:
        return "stopped"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"was killed ({name})"
    return f"exited with code {exitcode}"


class Trainer:
    """Runs lesson code in one long-lived worker process that has TensorFlow imported.

    `time_limit_s`: wall time a run may take (the worker is then killed and replaced).
    `memory_limit_mb`: address space a run may add on top of the warm worker (RLIMIT_AS, soft and hard, which
    the lesson code cannot raise; TensorFlow alone maps ~2 GB of address space, so a limit on the total would
    only measure TensorFlow).
    `output_limit_chars`: printed text kept per run, the rest replaced by a note.
    `max_queue`: runs that may wait behind the running one; past it `run` raises TrainerBusy.
    """

    def __init__(
        self,
        *,
        time_limit_s: float = 20,
        memory_limit_mb: int = 2048,
        output_limit_chars: int = 1800,
        max_queue: int = 4,
    ) -> None:
        if time_limit_s <= 0:
            raise ValueError("time_limit_s must be positive")
        if memory_limit_mb <= 0:
            raise ValueError("memory_limit_mb must be positive")
        if output_limit_chars <= 0:
            raise ValueError("output_limit_chars must be positive")
        if max_queue < 0:
            raise ValueError("max_queue must be 0 or more")
        self.time_limit_s = float(time_limit_s)
        self.memory_limit_mb = int(memory_limit_mb)
        self.output_limit_chars = int(output_limit_chars)
        self.max_queue = int(max_queue)
        self._ctx = multiprocessing.get_context("spawn")
        self._worker: _Worker | None = None
        self._lock = asyncio.Lock()
        self._admitted = 0  # runs accepted and not finished: the running one plus those waiting
        self._members: set[str | int] = set()
        self._req_ids = itertools.count(1)
        self._closed = False
        self._start_failures = 0
        self._start_error: str | None = None
        self.respawns = 0

    # -- lifecycle ---------------------------------------------------------------------------------

    async def start(self) -> None:
        """Spawn the worker and return at once; it imports TensorFlow in the background."""
        if self._closed:
            raise RuntimeError("the trainer is closed")
        self._start_failures = 0
        self._start_error = None
        if self._worker is None:
            self._spawn()

    @property
    def warm(self) -> bool:
        """The worker has imported TensorFlow and can take a run without a start-up delay."""
        w = self._worker
        return w is not None and w.ready.done() and w.ready.result() and w.exited.done() is False

    @property
    def worker_pid(self) -> int | None:
        return self._worker.pid if self._worker is not None else None

    @property
    def worker_info(self) -> dict[str, Any]:
        """What the worker reported when ready: pid, import_ms, warm_ms, memory_limit_mb."""
        return dict(self._worker.info) if self._worker is not None else {}

    @property
    def start_error(self) -> str | None:
        """Why the worker could not be started, after MAX_START_FAILURES tries in a row; else None."""
        return self._start_error

    async def wait_warm(self, timeout: float | None = None) -> bool:
        """Wait until a worker is warm; False on timeout or if no worker can be started."""
        try:
            return await asyncio.wait_for(self._ready_worker(), timeout) is not None
        except TimeoutError:
            return False

    async def close(self) -> None:
        """Stop the worker (politely, then by force). Safe to call more than once."""
        self._closed = True
        worker = self._worker
        if worker is None or worker.exited.done():
            return
        try:
            worker.conn.send(("stop",))
            await asyncio.wait_for(asyncio.shield(worker.exited), 2.0)
        except (OSError, TimeoutError):
            worker.kill()
            await asyncio.wait_for(asyncio.shield(worker.exited), 10.0)

    # -- running -----------------------------------------------------------------------------------

    async def run(
        self,
        code: str,
        *,
        seed: int | None = None,
        member: str | int | None = None,
        on_epoch: EpochCallback | None = None,
        time_limit_s: float | None = None,
        output_pattern: str | None = None,
    ) -> RunResult:
        """Run lesson code in the worker and return what it printed.

        `seed` is passed to `keras.utils.set_random_seed` first; without one a seed is picked and returned
        in the result. `on_epoch(epoch, logs)` (sync or async) is called as each `model.fit` epoch ends;
        `epoch` is 0-based as in Keras's `Callback.on_epoch_end` (the printed "Epoch 1/5" is epoch 0).
        `output_pattern` (a lesson's output check) is matched in the worker, within OUTPUT_CHECK_LIMIT_S, against
        what a run that ended well printed: `result.output_matches`.
        Raises TrainerBusy if `member` already has a run going or the queue is full.
        """
        if self._closed:
            raise RuntimeError("the trainer is closed")
        if seed is None:
            seed = secrets.randbelow(RANDOM_SEED_BOUND)
        elif not 0 <= seed < 2**32:
            raise ValueError("seed must be between 0 and 2**32 - 1")  # numpy's range
        limit = self.time_limit_s if time_limit_s is None else float(time_limit_s)
        if limit <= 0:
            raise ValueError("time_limit_s must be positive")
        if member is not None and member in self._members:
            raise TrainerBusy(
                "You already have a run going: wait for it to finish, then try again.", reason="member"
            )
        if self._admitted > self.max_queue:
            raise TrainerBusy(
                f"The trainer is busy with {self._admitted} other runs: try again in a moment.",
                reason="queue",
            )
        self._admitted += 1
        if member is not None:
            self._members.add(member)
        try:
            async with self._lock:
                return await self._run_now(code, seed, limit, on_epoch, output_pattern)
        finally:
            self._admitted -= 1
            if member is not None:
                self._members.discard(member)

    async def _run_now(
        self, code: str, seed: int, limit: float, on_epoch: EpochCallback | None, output_pattern: str | None
    ) -> RunResult:
        t0 = time.perf_counter()
        worker = await self._ready_worker()
        if worker is None:
            return RunResult(
                output="",
                error=f"The TensorFlow worker could not start: {self._start_error}",
                seed=seed,
                wall_ms=0.0,
                status="crashed",
            )
        req_id = next(self._req_ids)
        request = {
            "code": code,
            "seed": seed,
            "time_limit_s": limit,
            "output_limit": self.output_limit_chars,
            "output_pattern": output_pattern,
        }
        losses: list[float] = []
        loop = asyncio.get_running_loop()
        t_sent = time.perf_counter()
        deadline = loop.time() + limit + HARD_KILL_GRACE_S + (OUTPUT_CHECK_LIMIT_S if output_pattern else 0.0)

        def stopped(status: str, error: str) -> RunResult:
            return RunResult.from_dict(
                {
                    "output": "",
                    "error": error,
                    "seed": seed,
                    "wall_ms": (time.perf_counter() - t_sent) * 1000,
                    "losses": losses,
                    "status": status,
                }
            )

        try:
            # If the worker just died, its exit message is already on the way to the inbox.
            with contextlib.suppress(OSError):
                worker.conn.send(("run", req_id, request))
            while True:
                try:
                    message = worker.inbox.get_nowait()
                except asyncio.QueueEmpty:
                    remaining = deadline - loop.time()
                    if remaining <= 0:
                        raise TimeoutError from None
                    message = await asyncio.wait_for(worker.inbox.get(), remaining)
                kind = message[0]
                if kind == "epoch" and message[1] == req_id:
                    if "loss" in message[3]:
                        losses.append(message[3]["loss"])
                    await self._call_on_epoch(on_epoch, message[2], message[3])
                elif kind == "result" and message[1] == req_id:
                    result = RunResult.from_dict(message[2])
                    if result.status in ("timeout", "memory"):
                        await self._replace(worker)  # its state after the failure is not to be trusted
                    elif self._grown_too_much(worker, message[3] if len(message) > 3 else {}):
                        self._retire(worker)
                    log.debug(
                        "run %s: %s in %.1f ms", req_id, result.status, (time.perf_counter() - t0) * 1000
                    )
                    return result
                elif kind == "exit":
                    return stopped(
                        "crashed",
                        f"The run stopped: the worker {_describe_exit(message[1])}. It has been restarted.",
                    )
        except TimeoutError:
            await self._replace(worker)
            return stopped("timeout", f"Stopped: the run took longer than the {limit:g} s time limit.")
        except asyncio.CancelledError:
            # The worker is still busy with the cancelled run: replace it so the next run is not delayed.
            worker.kill()
            raise

    @staticmethod
    async def _call_on_epoch(on_epoch: EpochCallback | None, epoch: int, logs: dict[str, float]) -> None:
        if on_epoch is None:
            return
        try:
            outcome = on_epoch(epoch, dict(logs))
            if inspect.isawaitable(outcome):
                await outcome
        except Exception:
            log.exception("on_epoch callback failed (the run goes on)")

    # -- the worker process ------------------------------------------------------------------------

    def _spawn(self) -> None:
        loop = asyncio.get_running_loop()
        parent_conn, child_conn = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(
            target=worker_main,
            args=(child_conn, {"memory_limit_mb": self.memory_limit_mb}),
            name="quizbot-trainer",
            daemon=True,  # dies with the bot
        )
        # A spawned child re-imports the parent's __main__ (the bot's entry point, a test runner, a script
        # without a main guard); the worker needs none of it, so it is shown a blank one while starting.
        saved_main = sys.modules.get("__main__")
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            process.start()
        finally:
            if saved_main is not None:
                sys.modules["__main__"] = saved_main
        child_conn.close()
        worker = _Worker(process, parent_conn, loop, _exit_fd(process))
        self._worker = worker
        loop.add_reader(parent_conn.fileno(), self._on_readable, worker)
        loop.add_reader(worker.exit_fd, self._on_exit, worker)
        log.info("trainer worker %s starting", process.pid)

    async def _ready_worker(self) -> _Worker | None:
        """The current worker once warm, starting or replacing one as needed; None if none can start."""
        while True:
            if self._closed:
                raise RuntimeError("the trainer is closed")
            if self._worker is None:
                if self._start_error is not None:
                    return None
                self._spawn()
            worker = self._worker
            assert worker is not None
            if worker.retired:
                await asyncio.wait_for(asyncio.shield(worker.exited), 10.0)  # its exit starts the next one
                continue
            try:
                ok = await asyncio.wait_for(asyncio.shield(worker.ready), WARM_TIMEOUT_S)
            except TimeoutError:
                worker.failure = f"not ready after {WARM_TIMEOUT_S:g} s"
                await self._replace(worker)
                continue
            if ok and self._worker is worker and not worker.exited.done():
                return worker
            await asyncio.sleep(0)  # let the exit callback install the replacement

    @staticmethod
    def _grown_too_much(worker: _Worker, stats: dict[str, Any]) -> bool:
        rss, warm_rss = stats.get("rss_mb"), worker.info.get("rss_mb")
        return rss is not None and warm_rss is not None and rss - warm_rss > RECYCLE_GROWTH_MB

    def _retire(self, worker: _Worker) -> None:
        """Let the worker finish its clean-up and exit; runs from now on wait for its replacement."""
        log.info(
            "trainer worker %s grew past %.0f MB over its warm size; replacing it",
            worker.pid,
            RECYCLE_GROWTH_MB,
        )
        worker.retired = True
        try:
            worker.conn.send(("stop",))
        except OSError:
            worker.kill()

    async def _replace(self, worker: _Worker) -> None:
        """Kill a worker; the exit callback starts the next one before this returns."""
        worker.kill()
        await asyncio.wait_for(asyncio.shield(worker.exited), 10.0)

    def _on_readable(self, worker: _Worker) -> None:
        try:
            while worker.reading and worker.conn.poll():
                self._dispatch(worker, worker.conn.recv())
        except (EOFError, OSError):
            self._stop_reading(worker)  # the exit sentinel reports the death

    def _stop_reading(self, worker: _Worker) -> None:
        if worker.reading:
            worker.reading = False
            worker.loop.remove_reader(worker.conn.fileno())

    def _dispatch(self, worker: _Worker, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "ready":
            worker.info = dict(message[1])
            self._start_failures = 0
            if not worker.ready.done():
                worker.ready.set_result(True)
            log.info(
                "trainer worker %s warm (TensorFlow import %.0f ms, warm-up %.0f ms)",
                worker.pid,
                worker.info.get("import_ms", 0),
                worker.info.get("warm_ms", 0),
            )
        elif kind == "failed":
            worker.failure = str(message[1])
            log.error("trainer worker %s failed to start:\n%s", worker.pid, worker.failure)
        else:
            worker.inbox.put_nowait(message)

    def _on_exit(self, worker: _Worker) -> None:
        loop = worker.loop
        loop.remove_reader(worker.exit_fd)
        os.close(worker.exit_fd)
        self._on_readable(worker)  # messages sent just before the exit still count
        self._stop_reading(worker)
        # The process has exited: waitpid returns at once. (Not join(timeout=...): that waits on the
        # sentinel pipe, which a forked grandchild may hold open.)
        worker.process.join()
        exitcode = worker.process.exitcode
        kill_group(worker.pid)  # what the lesson code started dies with the worker, however it ended
        worker.conn.close()
        was_ready = worker.ready.done() and worker.ready.result()
        if not worker.ready.done():
            worker.ready.set_result(False)
        worker.inbox.put_nowait(("exit", exitcode))
        worker.exited.set_result(exitcode)
        if self._worker is not worker:
            return
        self._worker = None
        if self._closed:
            return
        log.warning("trainer worker %s %s; starting a new one", worker.pid, _describe_exit(exitcode))
        if not was_ready:
            self._start_failures += 1
            if self._start_failures >= MAX_START_FAILURES:
                self._start_error = worker.failure or f"the worker {_describe_exit(exitcode)} while starting"
                log.error("trainer worker failed to start %d times; giving up", self._start_failures)
                return
        self.respawns += 1
        self._spawn()
