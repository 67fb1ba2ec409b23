"""Bot-side handle of the TensorFlow worker: start it early, queue runs, enforce limits, replace it when it dies.

Everything here runs on the bot's event loop and never blocks it: the worker's socket and a pidfd of the worker
process are watched with `loop.add_reader`, so a run costs the loop only the time to read a few small messages.

The worker is a subprocess (`python -c ... bot.trainer._worker`), inside the bubblewrap sandbox where there
is one (_sandbox.py). Unsandboxed it leads its own process group and every kill is a kill of that group;
sandboxed it is PID 2 of its own PID namespace, so killing bwrap (whose child it is, `--die-with-parent`)
ends everything inside (see _sandbox.bwrap_args). Its death is read from the process (a pidfd, readable once the process has exited),
never from the socket: a child the lesson code forked inherits the socket and would keep it open. What it
sends is JSON read without blocking (_wire.py), never pickle: the lesson code may be untrusted.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import inspect
import itertools
import logging
import os
import secrets
import select
import signal
import socket
import subprocess
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Literal

from bot.trainer import _sandbox
from bot.trainer._result import CUT_NOTE, RunResult, TrainerBusy
from bot.trainer._wire import FrameReader, WireError, encode
from bot.trainer._worker import OUTPUT_CHECK_LIMIT_S

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


def N_(message: str) -> str:
    """bot.i18n's marker, for the catalogs: the worker imports this module inside the sandbox, where
    bot.i18n (discord, Babel) is not mounted, so member-facing text is translated in functions only
    the bot calls (`from bot.i18n import _` there)."""
    return message


UPLOADED_DEMOS_OFF = N_("Running the code of uploaded lessons is turned off on this bot.")
NO_SANDBOX = N_(
    "This bot cannot run uploaded lessons' code safely here (no sandbox), so their demos are off."
)
# The worker's own wording of these (English: it runs without the member's language), put in the
# member's language bot-side.
WORKER_MEMORY_ERROR = "Stopped: the run used more memory than allowed (MemoryError)."


class DemoRefused(Exception):
    """A run of untrusted code that may not run here; the message can be shown to the member as is.

    `reason` is "off" (QUIZBOT_UPLOADED_DEMOS=off) or "no-sandbox" (bubblewrap is missing or cannot run)."""

    def __init__(self, message: str, *, reason: Literal["off", "no-sandbox"]) -> None:
        super().__init__(message)
        self.reason = reason


class _Worker:
    """One worker process and what the bot knows about it."""

    def __init__(
        self,
        process: subprocess.Popen[bytes],
        sock: socket.socket,
        loop: asyncio.AbstractEventLoop,
        *,
        sandboxed: bool,
        cgroup: Path | None,
    ) -> None:
        self.process = process
        self.sock = sock
        self.loop = loop
        self.sandboxed = sandboxed
        self.cgroup = cgroup
        self.frames = FrameReader()
        self.exit_fd = _exit_fd(process.pid)  # readable once the process has exited
        self.ready: asyncio.Future[bool] = loop.create_future()
        self.exited: asyncio.Future[int | None] = loop.create_future()
        self.inbox: asyncio.Queue[list[Any]] = asyncio.Queue()
        self.info: dict[str, Any] = {}
        self.failure: str | None = None
        self.reading = True
        self.retired = False  # being stopped or killed: no new run may be sent to it
        self.idle_stop = False  # stopped for being idle: not replaced until the next run
        self.inner_pid: int | None = None  # the worker itself, inside bwrap (its PID outside the sandbox)
        self.inner_fd: int | None = None  # a pidfd of it: bwrap may exit before the worker has finished dying

    def send(self, message: tuple[Any, ...]) -> None:
        self.sock.sendall(encode(message))

    def kill(self) -> None:
        self.retired = True
        if not self.exited.done():
            kill_group(self.process.pid)
            if self.inner_pid is not None:
                with contextlib.suppress(OSError):
                    os.kill(self.inner_pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                self.process.kill()

    @property
    def pid(self) -> int | None:
        """The worker process's PID (inside the sandbox: the PID the bot's side sees)."""
        return self.inner_pid if self.inner_pid is not None else self.process.pid


def kill_group(pid: int | None) -> None:
    """SIGKILL the worker's process group: the worker and whatever the lesson code started."""
    if pid is None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _exit_fd(pid: int) -> int | None:
    """A pidfd of the process (Linux 5.3+); None elsewhere (a thread then waits for the process)."""
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None


def _inner_pid(bwrap_pid: int) -> int | None:
    """The worker inside bwrap: the one child of bwrap's one child (the sandbox's init)."""
    pid = bwrap_pid
    for _level in range(2):
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return None
        if len(children) != 1:
            return None
        pid = int(children[0])
    return pid


def _timed_out(limit: float) -> str:
    from bot.i18n import _, number

    # TRANSLATORS: {limit} is a number of seconds, e.g. 20.
    return _("Stopped: the run took longer than the {limit} s time limit.").format(limit=number(limit))


def _stopped_by_exit(exitcode: int | None) -> str:
    """Why a run ended with the worker, for the member (the signal's name stays as the system says it)."""
    from bot.i18n import _

    if exitcode is None:
        return _("The run stopped: the worker stopped. It has been restarted.")
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        # TRANSLATORS: {signal} is the signal's name, e.g. SIGKILL.
        return _("The run stopped: the worker was killed ({signal}). It has been restarted.").format(
            signal=name
        )
    # TRANSLATORS: {code} is the process's exit code, a number.
    return _("The run stopped: the worker exited with code {code}. It has been restarted.").format(
        code=exitcode
    )


def _worded_here(result: RunResult, limit: float) -> RunResult:
    """A worker's result with the worker's own fixed messages in the member's language (the worker
    writes English: it runs without the member's language); tracebacks stay as Python words them."""
    from bot.i18n import _, ngettext, number

    cut = CUT_NOTE.search(result.output) if result.truncated else None
    if cut is not None:
        more = int(cut["more"].replace(",", ""))
        # TRANSLATORS: the last line of a run's printed output when it was too long to show.
        note = ngettext(
            "... (output cut: {count} more character)", "... (output cut: {count} more characters)", more
        ).format(count=number(more))
        result = dataclasses.replace(result, output=result.output[: cut.start()] + note)
    if result.status == "timeout":
        return dataclasses.replace(result, error=_timed_out(limit))
    if result.status == "memory" and result.error == WORKER_MEMORY_ERROR:
        return dataclasses.replace(
            result, error=_("Stopped: the run used more memory than allowed (MemoryError).")
        )
    return result


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
    `sandbox`: run the worker under bubblewrap: None (default) where it works here, else unsandboxed with a
    warning; True: only sandboxed (no worker if it cannot be); False: never.
    `uploaded_demos`: whether `run(..., untrusted=True)` may run at all (QUIZBOT_UPLOADED_DEMOS); untrusted
    code never runs outside the sandbox.
    `idle_minutes`: stop the worker after this long without a run (it takes ~500 MB); the next run starts it
    again (QUIZBOT_TRAINER_IDLE_MINUTES). None: keep it warm.
    """

    def __init__(
        self,
        *,
        time_limit_s: float = 20,
        memory_limit_mb: int = 2048,
        output_limit_chars: int = 1800,
        max_queue: int = 4,
        sandbox: bool | None = None,
        uploaded_demos: bool = True,
        idle_minutes: float | None = None,
    ) -> None:
        if time_limit_s <= 0:
            raise ValueError("time_limit_s must be positive")
        if memory_limit_mb <= 0:
            raise ValueError("memory_limit_mb must be positive")
        if output_limit_chars <= 0:
            raise ValueError("output_limit_chars must be positive")
        if max_queue < 0:
            raise ValueError("max_queue must be 0 or more")
        if idle_minutes is not None and idle_minutes <= 0:
            raise ValueError("idle_minutes must be positive (or None: never stop)")
        self.time_limit_s = float(time_limit_s)
        self.memory_limit_mb = int(memory_limit_mb)
        self.output_limit_chars = int(output_limit_chars)
        self.max_queue = int(max_queue)
        self.sandbox_wanted = sandbox
        self.uploaded_demos = bool(uploaded_demos)
        self.idle_s = None if idle_minutes is None else float(idle_minutes) * 60
        self._sandbox: _sandbox.Sandbox | None = None
        self._sandbox_decided = False
        self._idle_timer: asyncio.TimerHandle | None = None
        self._worker: _Worker | None = None
        self._lock = asyncio.Lock()
        self._admitted = 0  # runs accepted and not finished: the running one plus those waiting
        self._members: set[str | int] = set()
        self._req_ids = itertools.count(1)
        self._closed = False
        self._start_failures = 0
        self._start_error: str | None = None
        self.respawns = 0
        self.idle_stops = 0
        self._asleep = False  # the worker exited for being idle; the next run starts one

    @classmethod
    def from_settings(cls, settings: Any, **options: Any) -> Trainer:
        """The trainer the operator's settings ask for (QUIZBOT_UPLOADED_DEMOS, QUIZBOT_TRAINER_IDLE_MINUTES)."""
        return cls(
            uploaded_demos=settings.uploaded_demos, idle_minutes=settings.trainer_idle_minutes, **options
        )

    # -- the sandbox -------------------------------------------------------------------------------

    def _decide_sandbox(self) -> None:
        if self._sandbox_decided:
            return
        self._sandbox_decided = True
        if self.sandbox_wanted is False:
            return
        found = _sandbox.availability()
        self._sandbox = found.sandbox
        if found.sandbox is None:
            if self.sandbox_wanted:
                self._start_error = f"the sandbox is required but cannot run: {found.reason}"
            else:
                log.warning(
                    "trainer: no sandbox (%s): lesson code on disk runs unsandboxed, uploaded lessons' "
                    "demos are refused",
                    found.reason,
                )

    @property
    def sandboxed(self) -> bool:
        """The worker runs (or will run) inside the bubblewrap sandbox."""
        self._decide_sandbox()
        return self._sandbox is not None

    # -- lifecycle ---------------------------------------------------------------------------------

    async def start(self) -> None:
        """Spawn the worker and return at once; it imports TensorFlow in the background."""
        if self._closed:
            raise RuntimeError("the trainer is closed")
        self._start_failures = 0
        self._start_error = None
        if not self._sandbox_decided:
            await asyncio.to_thread(self._decide_sandbox)  # runs bwrap once to see that it works here
        if self._start_error is not None:
            log.error("trainer: %s", self._start_error)
            return
        if self._worker is None:
            self._spawn()

    @property
    def warm(self) -> bool:
        """The worker has imported TensorFlow and can take a run without a start-up delay."""
        w = self._worker
        return w is not None and w.ready.done() and w.ready.result() and w.exited.done() is False

    @property
    def asleep(self) -> bool:
        """The worker exited after the idle timeout: the next run starts one and waits for its warm-up."""
        return self._asleep and self._worker is None

    @property
    def worker_pid(self) -> int | None:
        return self._worker.pid if self._worker is not None else None

    @property
    def worker_info(self) -> dict[str, Any]:
        """What the worker reported when ready: pid (its own view), import_ms, warm_ms, memory_limit_mb,
        rss_mb, sandboxed."""
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
        self._cancel_idle_timer()
        worker = self._worker
        if worker is None or worker.exited.done():
            return
        try:
            worker.send(("stop",))
            await asyncio.wait_for(asyncio.shield(worker.exited), 2.0)
        except (OSError, TimeoutError):
            worker.kill()
            await asyncio.wait_for(asyncio.shield(worker.exited), 10.0)
        if worker.cgroup is not None:  # no later loop turn may be left to retry in
            for _ in range(40):
                if _sandbox.remove_cgroup(worker.cgroup):
                    break
                await asyncio.sleep(0.05)

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
        untrusted: bool = False,
    ) -> RunResult:
        """Run lesson code in the worker and return what it printed.

        `seed` is passed to `keras.utils.set_random_seed` first; without one a seed is picked and returned
        in the result. `on_epoch(epoch, logs)` (sync or async) is called as each `model.fit` epoch ends;
        `epoch` is 0-based as in Keras's `Callback.on_epoch_end` (the printed "Epoch 1/5" is epoch 0).
        `output_pattern` (a lesson's output check) is matched in the worker, within OUTPUT_CHECK_LIMIT_S, against
        what a run that ended well printed: `result.output_matches`.
        `untrusted`: the code comes from a server's uploaded lesson, not from the packs on disk: it runs only
        in the sandbox, else DemoRefused is raised (as it is when uploaded demos are turned off).
        Raises TrainerBusy if `member` already has a run going or the queue is full.
        """
        from bot.i18n import _, ngettext  # bot-side only: see N_

        if self._closed:
            raise RuntimeError("the trainer is closed")
        if untrusted and not self.uploaded_demos:
            raise DemoRefused(_(UPLOADED_DEMOS_OFF), reason="off")
        if untrusted and not self.sandboxed:
            raise DemoRefused(_(NO_SANDBOX), reason="no-sandbox")
        if seed is None:
            seed = secrets.randbelow(RANDOM_SEED_BOUND)
        elif not 0 <= seed < 2**32:
            raise ValueError("seed must be between 0 and 2**32 - 1")  # numpy's range
        limit = self.time_limit_s if time_limit_s is None else float(time_limit_s)
        if limit <= 0:
            raise ValueError("time_limit_s must be positive")
        if member is not None and member in self._members:
            raise TrainerBusy(
                _("You already have a run going: wait for it to finish, then try again."), reason="member"
            )
        if self._admitted > self.max_queue:
            busy = ngettext(
                "The trainer is busy with {count} other run: try again in a moment.",
                "The trainer is busy with {count} other runs: try again in a moment.",
                self._admitted,
            )
            raise TrainerBusy(busy.format(count=self._admitted), reason="queue")
        self._admitted += 1
        self._cancel_idle_timer()
        if member is not None:
            self._members.add(member)
        try:
            async with self._lock:
                return await self._run_now(code, seed, limit, on_epoch, output_pattern)
        finally:
            self._admitted -= 1
            if member is not None:
                self._members.discard(member)
            self._arm_idle_timer()

    async def _run_now(
        self, code: str, seed: int, limit: float, on_epoch: EpochCallback | None, output_pattern: str | None
    ) -> RunResult:
        from bot.i18n import _  # bot-side only: see N_

        t0 = time.perf_counter()
        worker = await self._ready_worker()
        if worker is None:
            return RunResult(
                output="",
                # TRANSLATORS: {reason} is a technical reason in English, for the bot's operator.
                error=_("The TensorFlow worker could not start: {reason}").format(reason=self._start_error),
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
                worker.send(("run", req_id, request))
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
                    epoch, logs = int(message[2]), {str(k): float(v) for k, v in dict(message[3]).items()}
                    if "loss" in logs:
                        losses.append(logs["loss"])
                    await self._call_on_epoch(on_epoch, epoch, logs)
                elif kind == "result" and message[1] == req_id:
                    result = _worded_here(RunResult.from_dict(message[2]), limit)
                    if result.status in ("timeout", "memory"):
                        await self._replace(worker)  # its state after the failure is not to be trusted
                    elif self._grown_too_much(worker, message[3] if len(message) > 3 else {}):
                        self._retire(worker)
                    log.debug(
                        "run %s: %s in %.1f ms", req_id, result.status, (time.perf_counter() - t0) * 1000
                    )
                    return result
                elif kind == "exit":
                    return stopped("crashed", _stopped_by_exit(message[1]))
        except TimeoutError:
            await self._replace(worker)
            return stopped("timeout", _timed_out(limit))
        except (IndexError, KeyError, TypeError, ValueError, AttributeError):
            # Only a worker that lesson code has tampered with sends a message that does not read.
            log.warning("trainer worker %s sent a malformed message; replacing it", worker.pid)
            await self._replace(worker)
            return stopped(
                "crashed", _("The run stopped: the worker sent something unreadable. It has been restarted.")
            )
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
        self._decide_sandbox()
        sandbox = self._sandbox
        if sandbox is None and self.sandbox_wanted:
            reason = _sandbox.availability().reason
            self._start_error = f"the sandbox is required but cannot run: {reason}"
            return
        config: dict[str, object] = {
            "memory_limit_mb": self.memory_limit_mb,
            "sandboxed": sandbox is not None,
        }
        if sandbox is not None:
            config["tasks_limit"] = _sandbox.PROCESS_LIMIT
        cgroup = None
        if sandbox is not None and sandbox.pids_parent is not None:
            name = _sandbox.cgroup_name()
            try:
                _sandbox.remove_stale_cgroups(sandbox.pids_parent)
                cgroup = _sandbox.make_pids_cgroup(sandbox.pids_parent, name)
            except OSError as exc:
                self._start_error = f"cannot make the sandbox's process-limit cgroup: {exc}"
                log.error("trainer: %s", self._start_error)
                return
        elif sandbox is not None:
            config["process_limit"] = _sandbox.PROCESS_LIMIT
        self._asleep = False
        ours, theirs = socket.socketpair()
        try:
            process = subprocess.Popen(
                _sandbox.worker_command(sandbox, theirs.fileno(), config, cgroup),
                stdin=subprocess.DEVNULL,
                pass_fds=(theirs.fileno(),),
                env=_sandbox.worker_env(sandboxed=sandbox is not None),
                start_new_session=True,  # its own process group: killed as one
            )
        except OSError as exc:
            ours.close()
            self._start_error = f"cannot start the worker: {exc}"
            log.error("trainer: %s", self._start_error)
            return
        finally:
            theirs.close()
        ours.setblocking(False)
        worker = _Worker(process, ours, loop, sandboxed=sandbox is not None, cgroup=cgroup)
        self._worker = worker
        loop.add_reader(ours.fileno(), self._on_readable, worker)
        if worker.exit_fd is not None:
            loop.add_reader(worker.exit_fd, self._on_exit, worker)
        else:
            loop.run_in_executor(None, process.wait).add_done_callback(lambda _f: self._on_exit(worker))
        log.info("trainer worker %s starting%s", process.pid, " in the sandbox" if sandbox else "")

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
            if worker is None:
                return None  # _spawn said why in _start_error
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
            worker.send(("stop",))
        except OSError:
            worker.kill()

    async def _replace(self, worker: _Worker) -> None:
        """Kill a worker; the exit callback starts the next one before this returns."""
        worker.kill()
        await asyncio.wait_for(asyncio.shield(worker.exited), 10.0)

    def _on_readable(self, worker: _Worker) -> None:
        try:
            while worker.reading:
                try:
                    data = worker.sock.recv(1 << 20)
                except BlockingIOError:
                    return
                if not data:
                    break
                for message in worker.frames.feed(data):
                    self._dispatch(worker, message)
        except WireError as exc:
            log.warning("trainer worker %s sent something unreadable (%s); killing it", worker.pid, exc)
            worker.failure = worker.failure or f"it sent something unreadable ({exc})"
            worker.kill()
        except OSError:
            pass
        self._stop_reading(worker)  # the pidfd reports the death

    def _stop_reading(self, worker: _Worker) -> None:
        if worker.reading:
            worker.reading = False
            worker.loop.remove_reader(worker.sock.fileno())

    def _dispatch(self, worker: _Worker, message: list[Any]) -> None:
        kind = message[0]
        if kind == "ready":
            try:
                worker.info = dict(message[1])
            except (IndexError, TypeError, ValueError):
                worker.info = {}
            if worker.sandboxed:
                worker.inner_pid = _inner_pid(worker.process.pid)
                if worker.inner_pid is not None:
                    worker.inner_fd = _exit_fd(worker.inner_pid)
            self._start_failures = 0
            if not worker.ready.done():
                worker.ready.set_result(True)
            self._arm_idle_timer()
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
        if worker.exit_fd is not None:
            loop.remove_reader(worker.exit_fd)
            os.close(worker.exit_fd)
            worker.exit_fd = None
        if worker.inner_fd is not None:
            # bwrap has exited; the worker (and with it its PID namespace) is over once its pidfd is readable.
            fd, worker.inner_fd = worker.inner_fd, None
            if not select.select([fd], [], [], 0)[0]:
                worker.exit_fd = fd
                loop.add_reader(fd, self._on_exit, worker)
                return
            os.close(fd)
        self._on_readable(worker)  # messages sent just before the exit still count
        self._stop_reading(worker)
        # The process has exited: waitpid returns at once.
        exitcode: int | None = worker.process.wait()
        if worker.sandboxed and exitcode is not None and exitcode > 128:
            exitcode = -(exitcode - 128)  # bwrap passes on a killed worker's signal as 128 + its number
        kill_group(worker.process.pid)  # what the lesson code started dies with the worker, however it ended
        worker.sock.close()
        if worker.cgroup is not None:
            self._remove_cgroup(worker.cgroup)
        was_ready = worker.ready.done() and worker.ready.result()
        if not worker.ready.done():
            worker.ready.set_result(False)
        worker.inbox.put_nowait(["exit", exitcode])
        worker.exited.set_result(exitcode)
        if self._worker is not worker:
            return
        self._worker = None
        if self._closed:
            return
        if worker.idle_stop:
            self._asleep = True
            log.info("trainer worker %s stopped after %g idle minutes", worker.pid, (self.idle_s or 0) / 60)
            return  # the next run starts one
        log.warning("trainer worker %s %s; starting a new one", worker.pid, _describe_exit(exitcode))
        if not was_ready:
            self._start_failures += 1
            if self._start_failures >= MAX_START_FAILURES:
                self._start_error = worker.failure or f"the worker {_describe_exit(exitcode)} while starting"
                log.error("trainer worker failed to start %d times; giving up", self._start_failures)
                return
        self.respawns += 1
        self._spawn()

    def _remove_cgroup(self, cgroup: Path, tries: int = 150) -> None:
        """Remove a dead worker's cgroup; its last tasks may take a moment to leave it."""
        if _sandbox.remove_cgroup(cgroup) or tries <= 0:
            return
        asyncio.get_running_loop().call_later(0.1, self._remove_cgroup, cgroup, tries - 1)

    # -- idle timeout ------------------------------------------------------------------------------

    def _cancel_idle_timer(self) -> None:
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None

    def _arm_idle_timer(self) -> None:
        """(Re)start the idle countdown, when there is one and nothing is running or waiting."""
        self._cancel_idle_timer()
        if self.idle_s is None or self._closed or self._admitted:
            return
        self._idle_timer = asyncio.get_running_loop().call_later(self.idle_s, self._stop_idle_worker)

    def _stop_idle_worker(self) -> None:
        self._idle_timer = None
        worker = self._worker
        if self._admitted or worker is None or worker.retired or not worker.ready.done():
            return
        worker.retired = worker.idle_stop = True
        self.idle_stops += 1
        try:
            worker.send(("stop",))
        except OSError:
            worker.kill()
