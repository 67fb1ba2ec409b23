"""The TensorFlow trainer: real TensorFlow in a real worker process, small seeded snippets.

One module-wide trainer keeps the suite fast (each worker start imports TensorFlow, ~3 s); tests that
kill or replace its worker wait until the replacement is warm before they return. It runs in the sandbox
where bubblewrap works (as the bot does); the tests that follow processes the code starts through pid files
use an unsandboxed one, which can write them (tests/test_sandbox.py follows them inside the sandbox).
"""

from __future__ import annotations

import ast
import asyncio
import io
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from bot.i18n import speaking, translations
from bot.trainer import Trainer, TrainerBusy, _trainer
from bot.trainer._worker import TF_ENV_DEFAULTS
from bot.trainer.cli import run_demo_cli
from content import load_library

pytestmark = pytest.mark.asyncio(loop_scope="module")

MEMORY_LIMIT_MB = 512
WARM_TIMEOUT = 120

# The lesson's training step (seed page, question 3, from the bundled pack) and a tiny quiet fit.
TRAINING_STEP = load_library().questions["weights.q3"].demo or ""

QUIET_FIT = """\
import numpy as np
x_train = np.random.rand(32, 3).astype("float32")
y_train = x_train.sum(axis=1, keepdims=True)
fit_model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(4), tf.keras.layers.Dense(1)])
fit_model.compile(optimizer="adam", loss="mse")
history = fit_model.fit(x_train, y_train, epochs=3, verbose=0)
print([round(v, 6) for v in history.history["loss"]])
print(fit_model.layers[0].name)
"""

FIT_DEMO = """\
import numpy as np
import tensorflow as tf
x_train = np.random.rand(64, 3).astype("float32")
y_train = x_train.sum(axis=1, keepdims=True)
model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
history = model.fit(x_train, y_train, epochs=3)
print("final", round(history.history["loss"][-1], 4))
"""

# Lesson code that starts processes and writes their pid to a file (the run may end before it prints).
FORKER = """\
import os, time
child = os.fork()
if child == 0:
    time.sleep(300)
    os._exit(0)
open({pid_file!r}, "w").write(str(child))
time.sleep(60)
"""
POPEN_IGNORING_THE_ALARM = """\
import signal, subprocess, time
signal.signal(signal.SIGALRM, signal.SIG_IGN)
sleeper = subprocess.Popen(["sleep", "300"])
open({pid_file!r}, "w").write(str(sleeper.pid))
time.sleep(60)
"""
POPEN_LEFT_RUNNING = """\
import subprocess
sleeper = subprocess.Popen(["sleep", "300"])
open({pid_file!r}, "w").write(str(sleeper.pid))
print("started it")
"""

SLEEPER = "import time\nprint('started', flush=True)\ntime.sleep({seconds})\nprint('woke up')\n"


def plain_python(code: str, seed: int) -> subprocess.CompletedProcess[str]:
    """The snippet as a member would run it: a fresh `python` process, seeded the documented way."""
    env = {**os.environ, **TF_ENV_DEFAULTS}
    script = f"import keras\nkeras.utils.set_random_seed({seed})\n{code}"
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120, check=False
    )


def running(pid: int) -> bool:
    """The process exists and is not a zombie (read from /proc: a killed orphan may wait to be reaped)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rpartition(")")[2].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


async def ends(pid: int) -> bool:
    """The process ends within a generous bound (a kill is quick; the machine may be loaded)."""
    for _ in range(200):
        if not running(pid):
            return True
        await asyncio.sleep(0.05)
    return False


def _read_pid(path: Path) -> int | None:
    text = path.read_text() if path.exists() else ""
    return int(text) if text else None


async def pid_written(path: Path) -> int:
    for _ in range(400):
        pid = _read_pid(path)
        if pid is not None:
            return pid
        await asyncio.sleep(0.05)
    raise AssertionError(f"the snippet never wrote {path}")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def trainer() -> AsyncIterator[Trainer]:
    t = Trainer(time_limit_s=30, memory_limit_mb=MEMORY_LIMIT_MB, output_limit_chars=1800, max_queue=1)
    await t.start()
    assert await t.wait_warm(WARM_TIMEOUT), t.start_error
    yield t
    await t.close()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def unsandboxed() -> AsyncIterator[Trainer]:
    t = Trainer(time_limit_s=30, memory_limit_mb=MEMORY_LIMIT_MB, max_queue=1, sandbox=False)
    await t.start()
    assert await t.wait_warm(WARM_TIMEOUT), t.start_error
    yield t
    await t.close()


async def ready(t: Trainer) -> Trainer:
    """The shared trainer with a warm worker (after a test replaced it)."""
    assert await t.wait_warm(WARM_TIMEOUT), t.start_error
    return t


async def test_seeded_run_prints_what_plain_python_prints_with_that_seed(trainer: Trainer) -> None:
    code = TRAINING_STEP + QUIET_FIT
    plain = await asyncio.to_thread(plain_python, code, 7)
    assert plain.returncode == 0, plain.stderr

    result = await trainer.run(code, seed=7)

    assert result.status == "ok", result.error
    assert result.error is None
    assert result.seed == 7
    assert result.stdout == plain.stdout
    assert result.output == plain.stdout  # nothing else was printed: no TensorFlow log lines
    assert result.losses == pytest.approx(ast.literal_eval(plain.stdout.splitlines()[1]), abs=1e-6)
    assert plain.stdout.splitlines()[2] == "dense_1"  # layer names restart as in a fresh process


async def test_same_seed_repeats_and_another_seed_differs(trainer: Trainer) -> None:
    first = await trainer.run(TRAINING_STEP, seed=1)
    again = await trainer.run(TRAINING_STEP, seed=1)
    other = await trainer.run(TRAINING_STEP, seed=2)

    assert first.output == again.output
    assert first.output != other.output
    assert float(first.output) > 0


async def test_unseeded_run_reports_the_seed_it_used_and_that_seed_repeats_it(trainer: Trainer) -> None:
    picked = await trainer.run(TRAINING_STEP)
    replay = await trainer.run(TRAINING_STEP, seed=picked.seed)

    assert picked.status == "ok"
    assert replay.output == picked.output


async def test_fit_demo_streams_each_epoch_and_returns_per_epoch_losses(trainer: Trainer) -> None:
    seen: list[tuple[int, float]] = []

    async def on_epoch(epoch: int, logs: dict[str, float]) -> None:
        seen.append((epoch, logs["loss"]))

    result = await trainer.run(FIT_DEMO, seed=3, on_epoch=on_epoch)

    assert result.status == "ok", result.error
    assert [epoch for epoch, _ in seen] == [0, 1, 2]  # Keras's own numbering, as in on_epoch_end
    assert result.losses == [loss for _, loss in seen]
    assert f"final {round(result.losses[-1], 4)}" in result.output
    # One clean line per epoch instead of the redrawn progress bar.
    assert "Epoch 1/3\n" in result.output and "Epoch 3/3\n" in result.output
    assert f"loss: {result.losses[0]:.4f}" in result.output
    for control in ("\x1b", "\r", "\b"):
        assert control not in result.output


async def test_sync_epoch_callback_is_called_too(trainer: Trainer) -> None:
    epochs: list[int] = []
    result = await trainer.run(FIT_DEMO, seed=3, on_epoch=lambda epoch, logs: epochs.append(epoch))
    assert result.status == "ok"
    assert epochs == [0, 1, 2]


async def test_error_names_the_snippet_line_and_keeps_what_was_printed_before(trainer: Trainer) -> None:
    code = "x = 1\nprint('before the error')\ny = 0\nprint(x / y)\n"

    result = await trainer.run(code, seed=0)

    assert result.status == "error"
    assert result.output == "before the error\n"
    assert result.error is not None
    assert 'File "<lesson>", line 4, in <module>' in result.error
    assert "print(x / y)" in result.error
    assert result.error.endswith("ZeroDivisionError: division by zero")
    assert "_worker.py" not in result.error  # the worker's own frames are not the member's business


async def test_tensorflow_error_inside_tf_function_points_at_snippet_lines(trainer: Trainer) -> None:
    code = (
        "import tensorflow as tf\n\n@tf.function\ndef f(x):\n    return tf.reshape(x, [3])\n\n"
        "print(f(tf.constant([1, 2])))\n"
    )

    result = await trainer.run(code, seed=0)

    assert result.status == "error"
    assert result.error is not None
    assert 'File "<lesson>", line 7' in result.error
    assert 'File "<lesson>", line 5, in f' in result.error
    assert "Cannot reshape a tensor with 2 elements" in result.error


async def test_tf_function_with_python_control_flow_runs_through_autograph(trainer: Trainer) -> None:
    code = (
        "import tensorflow as tf\n\n@tf.function\ndef f(x):\n    if x > 0:\n        return x * 2\n"
        "    return -x\n\nprint(f(tf.constant(3)).numpy(), f(tf.constant(-2)).numpy())\n"
    )

    result = await trainer.run(code, seed=0)

    assert result.status == "ok", result.error
    assert result.output == "6 2\n"  # no "AutoGraph could not transform" warning: it found the source


async def test_syntax_error_is_reported_with_its_line(trainer: Trainer) -> None:
    result = await trainer.run("x = 1\ny = (2,\n", seed=0)

    assert result.status == "error"
    assert result.error is not None
    assert 'File "<lesson>", line 2' in result.error
    assert "SyntaxError" in result.error


async def test_warnings_show_on_every_run_as_python_prints_them(trainer: Trainer) -> None:
    code = "import tensorflow as tf\nlayer = tf.keras.layers.Dense(1, input_shape=(3,))\nprint('built')\n"

    first = await trainer.run(code, seed=0)
    second = await trainer.run(code, seed=0)

    for result in (first, second):
        assert result.status == "ok"
        assert "UserWarning: Do not pass an `input_shape`" in result.stderr
        assert result.stdout == "built\n"
        assert result.output.index("UserWarning") < result.output.index("built")


TAMPERING = """\
import builtins, os, sys, types
sys.modules["math"] = types.ModuleType("math")
sys.modules["lesson_helper"] = types.ModuleType("lesson_helper")
os.environ["LESSON_LEFTOVER"] = "1"
builtins.lesson_leftover = True
import math
print(hasattr(math, "pi"))
"""
AFTER_TAMPERING = """\
import builtins, math, os
print(math.pi)
try:
    import lesson_helper
except ImportError:
    print("no lesson_helper")
print(os.environ.get("LESSON_LEFTOVER"), hasattr(builtins, "lesson_leftover"))
"""


async def test_a_demo_that_replaces_or_makes_up_modules_does_not_change_the_next_one(
    trainer: Trainer,
) -> None:
    await ready(trainer)
    tampered = await trainer.run(TAMPERING, seed=0)

    after = await trainer.run(AFTER_TAMPERING, seed=0)

    assert tampered.output == "False\n"  # the snippet did see its own fake
    assert after.status == "ok", after.error
    assert after.output == "3.141592653589793\nno lesson_helper\nNone False\n"


async def test_output_check_is_matched_in_the_worker_and_a_pattern_that_backtracks_for_ever_is_stopped(
    trainer: Trainer,
) -> None:
    await ready(trainer)
    ticks = 0

    async def tick() -> None:  # the bot's loop, answering other members meanwhile
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    ticker = asyncio.create_task(tick())
    try:
        stuck = await trainer.run("print('a' * 40)", seed=0, output_pattern=r"(a+)+b")
    finally:
        ticker.cancel()
    fits = await trainer.run("print('a' * 40)", seed=0, output_pattern=r"a+")
    does_not = await trainer.run("print('a' * 40)", seed=0, output_pattern=r"b")

    assert stuck.status == "ok", stuck.error  # the demo itself went well: its output is shown
    assert stuck.output == "a" * 40 + "\n"
    assert stuck.output_matches is None  # undecided in the time allowed (2**40 ways to try)
    assert ticks > 5, "the event loop was blocked while the pattern was matched"
    assert (fits.output_matches, does_not.output_matches) == (True, False)
    assert (await trainer.run("print('next')", seed=0)).output == "next\n"


async def test_long_output_is_cut_with_a_note(trainer: Trainer) -> None:
    full = "".join(f"line {i}\n" for i in range(2000))

    result = await trainer.run("for i in range(2000):\n    print(f'line {i}')\n", seed=0)

    assert result.status == "ok"
    assert result.truncated
    assert result.output.startswith(full[:1800])
    assert result.output.endswith(f"... (output cut: {len(full) - 1800:,} more characters)")
    assert len(result.output) < 1900


async def test_run_past_time_limit_is_stopped_worker_replaced_next_run_served(trainer: Trainer) -> None:
    await ready(trainer)
    old_pid = trainer.worker_pid

    result = await trainer.run("print('started')\nwhile True:\n    pass\n", seed=0, time_limit_s=1)

    assert result.status == "timeout"
    assert result.output == "started\n"  # what it printed before the limit is kept
    assert result.error is not None and "1 s time limit" in result.error
    assert trainer.worker_pid != old_pid
    await ready(trainer)
    assert (await trainer.run("print('next')", seed=0)).output == "next\n"


async def test_code_stuck_past_the_soft_limit_is_killed(trainer: Trainer) -> None:
    await ready(trainer)
    old_pid = trainer.worker_pid
    stuck = "import signal, time\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\ntime.sleep(60)\n"

    result = await trainer.run(stuck, seed=0, time_limit_s=1)

    assert result.status == "timeout"
    assert result.wall_ms < 10_000
    assert trainer.worker_pid != old_pid
    await ready(trainer)
    assert (await trainer.run("print('next')", seed=0)).status == "ok"


async def test_code_that_forks_times_out_as_a_timeout_and_its_child_dies_with_the_worker(
    unsandboxed: Trainer, tmp_path: Path
) -> None:
    await ready(unsandboxed)
    pid_file = tmp_path / "child.pid"

    result = await unsandboxed.run(FORKER.format(pid_file=str(pid_file)), seed=0, time_limit_s=1)

    assert result.status == "timeout", result.error
    assert result.error is not None and "1 s time limit" in result.error
    assert await ends(await pid_written(pid_file)), "the forked child outlived the worker"
    await ready(unsandboxed)
    assert (await unsandboxed.run("print('next')", seed=0)).output == "next\n"


async def test_subprocess_of_code_killed_past_the_limit_dies_with_the_worker(
    unsandboxed: Trainer, tmp_path: Path
) -> None:
    await ready(unsandboxed)
    pid_file = tmp_path / "sleeper.pid"

    result = await unsandboxed.run(
        POPEN_IGNORING_THE_ALARM.format(pid_file=str(pid_file)), seed=0, time_limit_s=1
    )

    assert result.status == "timeout", result.error
    assert await ends(await pid_written(pid_file)), "`sleep 300` outlived the worker"
    await ready(unsandboxed)
    assert (await unsandboxed.run("print('next')", seed=0)).output == "next\n"


async def test_a_process_the_code_left_running_ends_with_its_run(
    unsandboxed: Trainer, tmp_path: Path
) -> None:
    await ready(unsandboxed)
    pid_file = tmp_path / "sleeper.pid"

    result = await unsandboxed.run(POPEN_LEFT_RUNNING.format(pid_file=str(pid_file)), seed=0)

    assert result.status == "ok", result.error
    assert result.output == "started it\n"
    assert await ends(await pid_written(pid_file)), "`sleep 300` outlived its demo"


async def test_memory_hog_gets_memory_status_and_next_run_is_served(trainer: Trainer) -> None:
    await ready(trainer)
    old_pid = trainer.worker_pid
    hog = f"import numpy as np\nprint('allocating')\nblocks = [np.ones(2**24) for _ in range({MEMORY_LIMIT_MB})]\n"

    result = await trainer.run(hog, seed=0)

    assert result.status == "memory"
    assert result.output == "allocating\n"
    assert trainer.worker_pid != old_pid
    await ready(trainer)
    assert (await trainer.run(TRAINING_STEP, seed=0)).status == "ok"


RAISE_THE_MEMORY_LIMIT = """\
import resource
print(resource.getrlimit(resource.RLIMIT_AS)[1] != resource.RLIM_INFINITY)
resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
print("raised")
"""


async def test_code_cannot_raise_the_memory_limit_nor_can_a_program_it_starts(trainer: Trainer) -> None:
    await ready(trainer)
    in_a_program = (
        "import subprocess, sys\n"
        f"done = subprocess.run([sys.executable, '-c', {RAISE_THE_MEMORY_LIMIT!r}], capture_output=True, text=True)\n"
        "print(done.stdout, done.stderr.splitlines()[-1])\n"
    )

    result = await trainer.run(RAISE_THE_MEMORY_LIMIT, seed=0)
    program = await trainer.run(in_a_program, seed=0)

    assert result.status == "error"
    assert result.output == "True\n"  # the limit is a hard one, and it stays
    assert result.error is not None and "ValueError: not allowed to raise maximum limit" in result.error
    assert program.status == "ok", program.error
    assert "raised" not in program.output
    assert "ValueError: not allowed to raise maximum limit" in program.output


async def test_tensorflow_allocation_past_the_limit_gets_memory_status(trainer: Trainer) -> None:
    await ready(trainer)

    result = await trainer.run("import tensorflow as tf\nx = tf.ones([20000, 20000])\n", seed=0)

    assert result.status == "memory"
    assert result.error is not None and "OOM" in result.error
    await ready(trainer)


async def test_worker_killed_mid_run_reports_crash_and_next_run_is_served(trainer: Trainer) -> None:
    await ready(trainer)
    old_pid = trainer.worker_pid
    assert old_pid is not None
    task = asyncio.create_task(trainer.run(SLEEPER.format(seconds=30), seed=0))
    await asyncio.sleep(0.5)

    os.kill(old_pid, signal.SIGKILL)
    result = await asyncio.wait_for(task, 10)

    assert result.status == "crashed"
    assert result.error is not None and "SIGKILL" in result.error
    assert trainer.worker_pid not in (None, old_pid)
    await ready(trainer)
    assert (await trainer.run("print('served')", seed=0)).output == "served\n"


async def test_idle_worker_that_dies_is_replaced(trainer: Trainer) -> None:
    await ready(trainer)
    old_pid = trainer.worker_pid
    assert old_pid is not None

    os.kill(old_pid, signal.SIGKILL)
    for _ in range(100):
        if trainer.worker_pid not in (None, old_pid):
            break
        await asyncio.sleep(0.05)

    assert trainer.worker_pid not in (None, old_pid)
    await ready(trainer)
    assert (await trainer.run("print('served')", seed=0)).status == "ok"


async def test_queue_full_is_refused_with_busy_message(trainer: Trainer) -> None:
    await ready(trainer)  # max_queue=1: one run going and one waiting, no more
    running = asyncio.create_task(trainer.run(SLEEPER.format(seconds=1), seed=0, member="a"))
    waiting = asyncio.create_task(trainer.run("print('second')", seed=0, member="b"))
    await asyncio.sleep(0.1)

    with pytest.raises(TrainerBusy) as refused:
        await trainer.run("print('third')", seed=0, member="c")

    assert refused.value.reason == "queue"
    assert "try again in a moment" in str(refused.value)
    assert (await running).output == "started\nwoke up\n"
    assert (await waiting).output == "second\n"
    assert (await trainer.run("print('later')", seed=0, member="c")).output == "later\n"


async def test_same_member_cannot_start_a_second_run_while_one_is_going(trainer: Trainer) -> None:
    await ready(trainer)
    first = asyncio.create_task(trainer.run(SLEEPER.format(seconds=0.5), seed=0, member=42))
    await asyncio.sleep(0.05)

    with pytest.raises(TrainerBusy) as refused:
        await trainer.run("print('again')", seed=0, member=42)

    assert refused.value.reason == "member"
    assert "already have a run going" in str(refused.value)
    assert (await first).status == "ok"
    assert (await trainer.run("print('again')", seed=0, member=42)).output == "again\n"


async def test_closed_trainer_stops_its_worker_and_close_can_repeat() -> None:
    t = Trainer()
    await t.start()
    pid = t.worker_pid
    assert pid is not None

    await t.close()
    await t.close()

    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    with pytest.raises(RuntimeError):
        await t.run("print(1)")


async def test_close_during_a_run_ends_the_processes_the_code_started(tmp_path: Path) -> None:
    t = Trainer(memory_limit_mb=MEMORY_LIMIT_MB, sandbox=False)
    await t.start()
    pid_file = tmp_path / "sleeper.pid"
    run = asyncio.create_task(t.run(POPEN_IGNORING_THE_ALARM.format(pid_file=str(pid_file)), seed=0))
    sleeper = await pid_written(pid_file)
    assert running(sleeper)

    await t.close()

    assert (await asyncio.wait_for(run, 30)).status == "crashed"
    assert await ends(sleeper), "`sleep 300` outlived the bot's shutdown"


async def test_demo_cli_prints_only_what_the_code_printed_to_stdout(trainer: Trainer) -> None:
    code = TRAINING_STEP + "import sys\nprint('to stderr', file=sys.stderr)\n"
    expected = await trainer.run(code, seed=5)
    out, err = io.StringIO(), io.StringIO()

    exit_code = await asyncio.to_thread(run_demo_cli, code, 5, out, err)

    assert exit_code == 0
    assert out.getvalue() == expected.stdout
    assert "to stderr" in err.getvalue() and "to stderr" not in out.getvalue()
    assert "seed 5" in err.getvalue()


async def test_demo_cli_exits_1_and_shows_the_error_on_stderr() -> None:
    out, err = io.StringIO(), io.StringIO()

    exit_code = await asyncio.to_thread(
        run_demo_cli, "print('partial')\nraise ValueError('bad blank')\n", None, out, err
    )

    assert exit_code == 1
    assert out.getvalue() == "partial\n"
    assert 'File "<lesson>", line 2' in err.getvalue()
    assert "ValueError: bad blank" in err.getvalue()
    assert "picked at random" in err.getvalue()


async def test_cancelled_run_does_not_leak_into_the_next_one(trainer: Trainer) -> None:
    await ready(trainer)
    old_pid = trainer.worker_pid
    task = asyncio.create_task(trainer.run(SLEEPER.format(seconds=30), seed=0, member="m"))
    await asyncio.sleep(0.3)

    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    result = await trainer.run("print('fresh')", seed=0, member="m")

    assert result.status == "ok", result.error
    assert result.output == "fresh\n"
    assert trainer.worker_pid != old_pid


async def test_worker_that_cannot_start_gives_a_clear_error_instead_of_looping(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KERAS_BACKEND", "no-such-backend")  # the worker inherits it and its import fails
    t = Trainer()
    await t.start()
    try:
        assert not await t.wait_warm(WARM_TIMEOUT)

        result = await t.run("print('never runs')", seed=0)

        assert result.status == "crashed"
        assert result.output == ""
        assert t.start_error is not None and "no-such-backend" in t.start_error
        assert result.error is not None and "could not start" in result.error
        assert t.worker_pid is None
    finally:
        await t.close()


async def test_worker_grown_past_its_budget_is_replaced_after_the_run(
    trainer: Trainer, monkeypatch: pytest.MonkeyPatch
) -> None:
    await ready(trainer)
    old_pid = trainer.worker_pid
    monkeypatch.setattr(_trainer, "RECYCLE_GROWTH_MB", 50.0)
    hoard = "import sys\nsys.hoard = bytearray(100 * 2**20)\nprint('kept')\n"  # outlives the run

    result = await trainer.run(hoard, seed=0)
    after = await trainer.run("import sys\nprint(hasattr(sys, 'hoard'))\n", seed=0)

    assert result.output == "kept\n"  # the run itself is not affected
    assert after.output == "False\n"  # served by a fresh worker
    assert trainer.worker_pid != old_pid


async def test_the_cut_note_is_worded_in_the_members_language(trainer: Trainer) -> None:
    german = translations("de")
    with speaking("de"):
        result = await trainer.run("print('x' * 5000)", seed=0)
    more = 5001 - 1800  # the newline too
    note = german.ngettext(
        "... (output cut: {count} more character)", "... (output cut: {count} more characters)", more
    ).format(count="3.201")
    assert result.truncated and result.output.endswith(note) and "output cut" not in note
