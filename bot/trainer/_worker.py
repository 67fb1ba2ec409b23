"""The trainer's worker process: imports TensorFlow once, then runs lesson snippets one at a time.

The child runs `python -m bot.trainer._worker FD CONFIG_JSON` (in the sandbox or not, see _sandbox.py) and
talks to the bot over the inherited socket FD. Importing this module must stay cheap and must not import
TensorFlow: the bot process imports `bot.trainer`, which imports this file.

Messages (JSON, see _wire.py), worker -> bot: ("ready", info) | ("failed", traceback) |
("epoch", req_id, epoch, logs) | ("result", req_id, RunResult.to_dict(), {"rss_mb": ...}).
Bot -> worker: ("run", req_id, request) | ("stop",).
"""

from __future__ import annotations

import builtins
import contextlib
import dataclasses
import gc
import inspect
import io
import json
import linecache
import os
import re
import resource
import signal
import socket
import sys
import time
import traceback
import types
import warnings
from typing import Any

from bot.trainer._result import LESSON_FILENAME, RunResult, Status, cut_text, printed_text
from bot.trainer._wire import BlockingChannel

# Environment set before TensorFlow is imported. Operators can override them in the bot's environment.
# oneDNN off and C++ log level 2 give output with no TensorFlow log lines; the C++ logger writes to the
# process's fd 2 directly, so no Python-level redirection could catch those lines.
TF_ENV_DEFAULTS = {
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "KERAS_BACKEND": "tensorflow",
}

# Longest traceback text kept for the member (the exception message of a TF error can be pages long).
ERROR_MESSAGE_LIMIT = 1200
ERROR_FRAMES_KEPT = 6

WARMUP_CODE = """
import numpy as np
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(4), tf.keras.layers.Dense(1)])
optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)
x = tf.constant([[1.0, 2.0, 3.0]])
with tf.GradientTape() as tape:
    loss = tf.reduce_mean((1.0 - model(x)) ** 2)
optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))
model.compile(optimizer="adam", loss="mse")
model.fit(np.ones((8, 3), "float32"), np.ones((8, 1), "float32"), epochs=2, batch_size=4)
model.predict(np.ones((2, 3), "float32"), verbose=0)
print(loss.numpy())
"""


# Time an output check's regular expression may take on what the run printed: a pattern that backtracks
# for ever, like (a+)+b on a line of a's, is stopped here instead of stalling anything.
OUTPUT_CHECK_LIMIT_S = 1.0


class _TimeLimit(BaseException):
    """Raised in the snippet by SIGALRM; a BaseException so `except Exception` in lesson code misses it."""


def _on_alarm(signum: int, frame: Any) -> None:
    raise _TimeLimit()


class _Sink:
    """Keeps the first `limit` characters written and counts the rest."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[str] = []
        self.kept = 0
        self.total = 0

    def add(self, text: str) -> None:
        self.total += len(text)
        room = self.limit - self.kept
        if room > 0:
            part = text[:room]
            self.parts.append(part)
            self.kept += len(part)

    def cut(self) -> tuple[str, bool]:
        return cut_text("".join(self.parts), self.total, self.limit)


class _Stream(io.TextIOBase):
    """Stands in for sys.stdout / sys.stderr during a run: writes go to the shared and per-stream sinks."""

    encoding = "utf-8"
    errors = "strict"

    def __init__(self, both: _Sink, mine: _Sink) -> None:
        super().__init__()
        self._both = both
        self._mine = mine

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, s: str) -> int:
        if not isinstance(s, str):
            raise TypeError(f"write() argument must be str, not {type(s).__name__}")
        self._both.add(s)
        self._mine.add(s)
        return len(s)


class _CurrentStderr:
    """A stream that writes to whatever sys.stderr is at the time of the write."""

    def write(self, s: str) -> int:
        return sys.stderr.write(s)

    def flush(self) -> None:
        sys.stderr.flush()


def format_error(exc: BaseException) -> str:
    """The last lines of a traceback: the snippet's own frames and the exception, as Python words them."""
    te = traceback.TracebackException.from_exception(exc, capture_locals=False)
    lines = ["Traceback (most recent call last):\n"]
    lesson_frames = [fs for fs in te.stack if fs.filename == LESSON_FILENAME]
    skipped_before = len(lesson_frames) > ERROR_FRAMES_KEPT
    if skipped_before:
        lines.append("  ...\n")
    for fs in lesson_frames[-ERROR_FRAMES_KEPT:]:
        lines.append(f'  File "{fs.filename}", line {fs.lineno}, in {fs.name}\n')
        if fs.line:
            lines.append(f"    {fs.line.strip()}\n")
    if lesson_frames:
        last = max(i for i, fs in enumerate(te.stack) if fs.filename == LESSON_FILENAME)
        library_frames = len(te.stack) - last - 1
        if library_frames:
            # English, as the traceback is: the worker runs without the member's language.
            frames = "frame" if library_frames == 1 else "frames"
            lines.append(f"  ... ({library_frames} more {frames} inside libraries)\n")
    message = "".join(te.format_exception_only())
    if len(message) > ERROR_MESSAGE_LIMIT:
        message = message[:ERROR_MESSAGE_LIMIT].rstrip() + "\n... (error message cut)\n"
    if not lesson_frames:
        lines = []  # a SyntaxError names the line itself; nothing of the snippet ran
    return ("".join(lines) + message).rstrip("\n")


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _vm_size_bytes() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


class _CleanState:
    """The interpreter state after the warm-up, put back after each run: sys.modules, os.environ, builtins.

    A module the snippet imported from the installed libraries stays imported (as a second `import` would
    find it; some extension modules cannot be loaded twice); a module it replaced is put back, and one it
    made up or loaded from anywhere else is forgotten."""

    def __init__(self) -> None:
        self.modules = dict(sys.modules)
        self.library_dirs = tuple(
            os.path.join(os.path.abspath(entry), "") for entry in sys.path if entry and os.path.isdir(entry)
        )
        self.environ = dict(os.environ)
        self.builtins = dict(vars(builtins))

    def _from_the_libraries(self, module: object) -> bool:
        spec = getattr(module, "__spec__", None)
        if not isinstance(module, types.ModuleType) or spec is None:
            return False
        if spec.origin in ("built-in", "frozen"):
            return True
        paths = [spec.origin] if spec.origin else list(spec.submodule_search_locations or [])
        return bool(paths) and all(os.path.abspath(path).startswith(self.library_dirs) for path in paths)

    def restore(self) -> None:
        known = self.modules
        for name, module in list(sys.modules.items()):
            before = known.get(name)
            if before is not None:
                if module is not before:
                    sys.modules[name] = before
            elif self._from_the_libraries(module):
                known[name] = module
            else:
                del sys.modules[name]
        for name, module in known.items():
            if name not in sys.modules:
                sys.modules[name] = module
        _put_back(os.environ, self.environ)
        _put_back(vars(builtins), self.builtins)


def _put_back(current: Any, saved: dict[str, Any]) -> None:
    """Make a mapping hold exactly `saved` again, touching only the keys that changed."""
    for key in [key for key in current if key not in saved]:
        del current[key]
    for key, value in saved.items():
        now = current.get(key, _MISSING)
        if now is not value and not (isinstance(value, str) and now == value):  # os.environ decodes anew
            current[key] = value


_MISSING = object()


class _Runtime:
    """TensorFlow loaded and patched once; runs requests in a fresh namespace each time."""

    def __init__(self, conn: BlockingChannel) -> None:
        self.conn = conn
        self.pid = os.getpid()
        self.req_id: int | None = None
        self.losses: list[float] = []
        self.namespace: dict[str, Any] | None = None
        self.clean: _CleanState | None = None  # what every run starts from, once warm
        self.tasks_limit: int | None = None  # the sandbox's process limit, named in the error past it
        t0 = time.perf_counter()
        # The expensive part (~2-3 s), done once per worker.
        import keras
        import tensorflow as tf

        self.tf = tf
        self.keras = keras
        self.import_ms = (time.perf_counter() - t0) * 1000
        self._route_logging_to_run(tf)
        self._patch_keras()
        self.warm_ms = self._warm_up()

    @staticmethod
    def _route_logging_to_run(tf: Any) -> None:
        """TensorFlow's Python logger (AutoGraph warnings...) keeps the stderr it saw at import: point it
        at whatever sys.stderr is, so a run captures those lines as a plain `python` run would print them."""
        import logging

        tf.get_logger()  # creates its handler now
        originals = (sys.__stderr__, sys.stderr)
        for name in ("", "tensorflow", "absl"):
            for handler in logging.getLogger(name).handlers:
                if isinstance(handler, logging.StreamHandler) and handler.stream in originals:
                    handler.setStream(_CurrentStderr())  # type: ignore[arg-type]

    def _patch_keras(self) -> None:
        keras = self.keras
        from keras.src.trainers.trainer import Trainer as KerasTrainer

        runtime = self

        class _EpochReporter(keras.callbacks.Callback):  # type: ignore[name-defined]
            """Records each epoch's loss and streams it to the bot as soon as the epoch ends."""

            def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
                runtime._report_epoch(epoch, logs or {})

        # Graph-mode fit on a fresh model per request leaks ~2.4 MB a request in a long-lived process,
        # and eager was faster for lesson-sized models: every model runs eagerly in the worker.
        base_run_eagerly = KerasTrainer.run_eagerly
        KerasTrainer.run_eagerly = property(lambda self: True, base_run_eagerly.fset)  # type: ignore[method-assign,assignment]

        original_fit = keras.Model.fit
        fit_signature = inspect.signature(original_fit)

        def fit(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                bound = fit_signature.bind(self, *args, **kwargs)
            except TypeError:
                return original_fit(self, *args, **kwargs)  # let Keras word the mistake
            # The default progress bar redraws with \r, \b and colour codes: one clean line per epoch instead.
            if bound.arguments.get("verbose", "auto") in ("auto", 1):
                bound.arguments["verbose"] = 2
            callbacks = list(bound.arguments.get("callbacks") or [])
            callbacks.append(_EpochReporter())
            bound.arguments["callbacks"] = callbacks
            return original_fit(*bound.args, **bound.kwargs)

        fit.__doc__ = original_fit.__doc__
        keras.Model.fit = fit  # type: ignore[method-assign]

    def _report_epoch(self, epoch: int, logs: dict[str, Any]) -> None:
        clean: dict[str, float] = {}
        for key, value in logs.items():
            with contextlib.suppress(TypeError, ValueError):
                clean[str(key)] = float(value)
        if "loss" in clean:
            self.losses.append(clean["loss"])
        if self.req_id is not None:
            self.conn.send(("epoch", self.req_id, epoch, clean))

    def _warm_up(self) -> float:
        t0 = time.perf_counter()
        result = self.run(WARMUP_CODE, seed=0, time_limit_s=120, output_limit=1000)
        if result.status != "ok":  # e.g. a Keras upgrade broke the patches: better no worker than a wrong one
            raise RuntimeError(f"warm-up run failed: {result.status}\n{result.error}")
        # Everything alive after this pass (TensorFlow, Keras) stays: moving it out of the collector's sight
        # keeps each later pass to the run's own objects (a full pass over TensorFlow takes ~150 ms).
        self.clean_up()
        self.clean = _CleanState()
        gc.freeze()
        return (time.perf_counter() - t0) * 1000

    def run(self, code: str, *, seed: int, time_limit_s: float, output_limit: int) -> RunResult:
        keras = self.keras
        both, out, err = _Sink(output_limit), _Sink(output_limit), _Sink(output_limit)
        self.losses = []
        status: Status = "ok"
        error: str | None = None
        # Source in linecache: tracebacks show the snippet's lines and @tf.function can read its source.
        linecache.cache[LESSON_FILENAME] = (len(code), None, code.splitlines(keepends=True), LESSON_FILENAME)
        # No __file__: AutoGraph "refreshes" linecache for a module whose __file__ matches the code's file
        # name, which drops an entry like "<lesson>" and leaves @tf.function without its source.
        module = types.ModuleType("__main__")
        self.namespace = module.__dict__
        saved_main = sys.modules.get("__main__")
        saved_argv, saved_path, saved_cwd = sys.argv, list(sys.path), os.getcwd()
        t0 = time.perf_counter()
        try:
            keras.utils.set_random_seed(seed)
            code_obj = compile(code, LESSON_FILENAME, "exec")
            signal.signal(signal.SIGALRM, _on_alarm)
            signal.setitimer(signal.ITIMER_REAL, time_limit_s)
            try:
                sys.modules["__main__"] = module
                sys.argv = [LESSON_FILENAME]
                with (
                    contextlib.redirect_stdout(_Stream(both, out)),
                    contextlib.redirect_stderr(_Stream(both, err)),
                    warnings.catch_warnings(),  # fresh "shown once" registry: warnings show on every run
                ):
                    exec(code_obj, module.__dict__)
            finally:
                if os.getpid() != self.pid:
                    os._exit(0)  # a child the snippet forked must not go on as a second worker
                signal.setitimer(signal.ITIMER_REAL, 0)
                sys.modules["__main__"] = saved_main  # type: ignore[assignment]
                if self.clean is not None:
                    self.clean.restore()
        except _TimeLimit:
            status, error = "timeout", f"Stopped: the run took longer than the {time_limit_s:g} s time limit."
        except MemoryError as exc:
            status, error = (
                "memory",
                f"Stopped: the run used more memory than allowed ({type(exc).__name__}).",
            )
        except SystemExit as exc:
            if exc.code not in (None, 0):
                status, error = "error", format_error(exc)
        except BaseException as exc:
            # TensorFlow's allocator reports the memory limit as its own error.
            status = "memory" if isinstance(exc, self.tf.errors.ResourceExhaustedError) else "error"
            error = format_error(exc)
            if isinstance(exc, BlockingIOError) and self.tasks_limit:  # fork() or a thread past the limit
                error += f"\n(The sandbox allows {self.tasks_limit} processes and threads in all.)"
        finally:
            wall_ms = (time.perf_counter() - t0) * 1000
            sys.argv, sys.path[:] = saved_argv, saved_path
            with contextlib.suppress(OSError):
                os.chdir(saved_cwd)
        output, truncated = both.cut()
        return RunResult(
            output=output,
            error=error,
            seed=seed,
            wall_ms=round(wall_ms, 3),
            losses=list(self.losses),
            status=status,
            truncated=truncated,
            stdout=out.cut()[0],
            stderr=err.cut()[0],
        )

    def clean_up(self) -> None:
        """Between runs, after the reply went out: forget the snippet's objects and Keras's global state."""
        if self.namespace is not None:
            self.namespace.clear()
            self.namespace = None
        self.losses = []
        # Layer names restart at "dense" and the seed generator is rebuilt, as in a fresh process.
        self.keras.backend.clear_session(free_memory=False)
        gc.collect()


def check_output(result: RunResult, pattern: str | None) -> RunResult:
    """The result with `output_matches` set: does what it printed fully match `pattern`, within the limit."""
    if pattern is None or not result.ok:
        return result
    matches: bool | None = None
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, OUTPUT_CHECK_LIMIT_S)
    try:
        matches = re.fullmatch(pattern, printed_text(result)) is not None
    except (_TimeLimit, re.error):
        pass
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return dataclasses.replace(result, output_matches=matches)


def end_leftover_processes(*, sandboxed: bool = False) -> None:
    """SIGKILL what the last snippet started and left running (this process's group, but this process), and
    wait until it is gone: the next run starts without them (in the sandbox they count against its process
    limit until reaped). In the sandbox every process of its PID namespace but bwrap's init (PID 1) and this
    one is the lesson's, in this process's group or not."""
    me = os.getpid()
    everything = sandboxed
    killed = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) == me or (everything and entry.name == "1"):
            continue
        if not everything:
            try:
                with open(f"/proc/{entry.name}/stat") as f:
                    stat = f.read()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[2]) != me:  # the group, after "pid (name) state ppid"
                continue
        with contextlib.suppress(OSError):
            os.kill(int(entry.name), signal.SIGKILL)
            killed.append(int(entry.name))
    deadline = time.monotonic() + 2.0
    while True:
        _reap()
        killed = [pid for pid in killed if os.path.exists(f"/proc/{pid}")]
        if not killed or time.monotonic() > deadline:
            return
        time.sleep(0.002)


def _reap() -> None:
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _limit_memory(extra_mb: int) -> int:
    """RLIMIT_AS = what the warm worker maps now + the allowed extra, soft and hard; returns the limit in bytes.

    A hard limit cannot be raised again without CAP_SYS_RESOURCE, which is dropped here too (a bot run as
    root has it), for this process and for any program the lesson code starts."""
    limit = _vm_size_bytes() + extra_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    _drop_capability(CAP_SYS_RESOURCE)
    return limit


CAP_SYS_RESOURCE = 24  # linux/capability.h
_PR_CAPBSET_DROP = 24  # linux/prctl.h
_CAPABILITY_VERSION_3 = 0x20080522


def _drop_capability(cap: int) -> None:
    """Drop a Linux capability from this process's bounding, effective, permitted and inheritable sets (a
    no-op for a process that does not have it)."""
    import ctypes

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [
            ("effective", ctypes.c_uint32),
            ("permitted", ctypes.c_uint32),
            ("inheritable", ctypes.c_uint32),
        ]

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(
        _PR_CAPBSET_DROP, cap, 0, 0, 0
    )  # else root's next execve gets it back; fails without CAP_SETPCAP
    header = Header(_CAPABILITY_VERSION_3, 0)
    data = (Data * 2)()
    if libc.capget(ctypes.byref(header), data) != 0:
        return
    word, bit = divmod(cap, 32)
    mask = ~(1 << bit) & 0xFFFFFFFF
    data[word].effective &= mask
    data[word].permitted &= mask
    data[word].inheritable &= mask
    libc.capset(ctypes.byref(header), data)


def _limit_processes(limit: int) -> None:
    """RLIMIT_NPROC for a worker in the sandbox of a bot not run as root (see _sandbox.py)."""
    resource.setrlimit(resource.RLIMIT_NPROC, (limit, limit))


def worker_main(conn: BlockingChannel, config: dict[str, Any]) -> None:
    """Entry point of the worker process."""
    # Its own session and process group: the bot kills the group, so what lesson code starts dies with it.
    with contextlib.suppress(OSError):
        os.setsid()
    for key, value in TF_ENV_DEFAULTS.items():
        os.environ.setdefault(key, value)
    # Anything native code prints to fd 1 must not reach the bot's stdout (the CLI's stdout is the output).
    with contextlib.suppress(OSError):
        os.dup2(2, 1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C in a terminal: the bot shuts the worker down
    try:
        runtime = _Runtime(conn)
        limit = _limit_memory(int(config["memory_limit_mb"]))
        if config.get("process_limit"):
            _limit_processes(int(config["process_limit"]))
        runtime.tasks_limit = config.get("tasks_limit")
    except BaseException:
        with contextlib.suppress(OSError):
            conn.send(("failed", traceback.format_exc()))
        return
    conn.send(
        (
            "ready",
            {
                "pid": os.getpid(),
                "import_ms": round(runtime.import_ms, 1),
                "warm_ms": round(runtime.warm_ms, 1),
                "memory_limit_mb": limit // (1024 * 1024),
                "rss_mb": _rss_mb(),
                "sandboxed": bool(config.get("sandboxed")),
            },
        )
    )
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError, ValueError):
            # The bot went away without stopping us: end the group (this process included).
            os.killpg(0, signal.SIGKILL)
            return
        if message[0] == "stop":
            return
        if message[0] != "run":
            continue
        _, req_id, request = message
        runtime.req_id = req_id
        result = runtime.run(
            request["code"],
            seed=int(request["seed"]),
            time_limit_s=float(request["time_limit_s"]),
            output_limit=int(request["output_limit"]),
        )
        result = check_output(result, request.get("output_pattern"))
        runtime.req_id = None
        conn.send(("result", req_id, result.to_dict(), {"rss_mb": _rss_mb()}))
        end_leftover_processes(sandboxed=bool(config.get("sandboxed")))
        runtime.clean_up()


def main(argv: list[str]) -> None:
    """`python -m bot.trainer._worker FD CONFIG_JSON`: FD is the socket to the bot, inherited."""
    fd, config = int(argv[0]), json.loads(argv[1])
    worker_main(BlockingChannel(socket.socket(fileno=fd)), config)


if __name__ == "__main__":
    main(sys.argv[1:])
