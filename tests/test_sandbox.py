"""The bubblewrap sandbox of the TensorFlow worker: uploaded (untrusted) lesson code cannot reach the bot's
secrets, its database, the network, the host's files or the machine's process table, and the next demo works.

Real TensorFlow in a real worker under real bwrap. Without bubblewrap these tests skip with one line (under
CI they fail instead), except the refusals, which are what a machine without it does.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from bot.settings import Settings
from bot.trainer import DemoRefused, Trainer, _sandbox
from tests.environment import skip_for_missing
from tests.test_trainer import TRAINING_STEP, WARM_TIMEOUT, ends, plain_python, running

pytestmark = pytest.mark.asyncio(loop_scope="module")

REPO = Path(__file__).resolve().parent.parent
TOKEN = "discord-token-that-must-not-leak"
DB_SECRET = "the-database-secret-row"


def children(pid: int) -> list[int]:
    """The process's children, as the host sees them (blocking /proc reads are quick)."""
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def exists(path: Path) -> bool:
    return path.exists()


def need_the_sandbox() -> None:
    found = _sandbox.availability()
    if found.sandbox is None:
        skip_for_missing("sandbox", found.reason)


@pytest.fixture(scope="module")
def secrets_in_the_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The bot's environment holds its token and database URL, and the database is a real file."""
    data = tmp_path_factory.mktemp("data")
    db = data / "quizbot.db"
    with sqlite3.connect(db) as conn:
        conn.execute("create table secrets (value text)")
        conn.execute("insert into secrets values (?)", (DB_SECRET,))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DISCORD_TOKEN", TOKEN)
        mp.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{db}")
        yield db


@pytest.fixture(scope="module")
def real_step_output() -> str:
    """What the seed page's training step prints in a plain `python` with seed 0: the real loss."""
    done = plain_python(TRAINING_STEP, 0)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def sandboxed(secrets_in_the_bot: Path) -> AsyncIterator[Trainer]:
    need_the_sandbox()
    t = Trainer(time_limit_s=20, memory_limit_mb=512, sandbox=True, max_queue=1)
    await t.start()
    assert await t.wait_warm(WARM_TIMEOUT), t.start_error
    yield t
    await t.close()


async def untrusted(t: Trainer, code: str) -> str:
    """Run uploaded code; its (expected) error, short and with no library frames."""
    assert await t.wait_warm(WARM_TIMEOUT), t.start_error
    result = await t.run(code, seed=0, untrusted=True)
    assert result.status == "error", (result.status, result.output)
    assert result.error is not None
    assert "site-packages" not in result.error and len(result.error) < 600, result.error
    return result.error


async def next_demo_prints_the_real_loss(t: Trainer, expected: str) -> None:
    assert await t.wait_warm(WARM_TIMEOUT), t.start_error
    result = await t.run(TRAINING_STEP, seed=0, untrusted=True)
    assert result.status == "ok", result.error
    assert result.output == expected


async def test_the_worker_runs_in_the_sandbox(sandboxed: Trainer) -> None:
    assert sandboxed.sandboxed
    assert sandboxed.worker_info["sandboxed"] is True
    # In a PID namespace of its own: it sees bwrap's init and itself, nothing of the machine.
    code = "import os\nprint(os.getpid(), sorted(int(p) for p in os.listdir('/proc') if p.isdigit()))\n"
    result = await sandboxed.run(code, seed=0)
    assert result.output == "2 [1, 2]\n"


async def test_uploaded_code_cannot_print_the_token_or_the_database_url(
    sandboxed: Trainer, secrets_in_the_bot: Path, real_step_output: str
) -> None:
    assert os.environ["DISCORD_TOKEN"] == TOKEN  # the bot has it

    result = await sandboxed.run("import os\nprint(dict(os.environ))\n", seed=0, untrusted=True)

    assert result.status == "ok", result.error
    assert TOKEN not in result.output and "DISCORD_TOKEN" not in result.output
    assert "DATABASE_URL" not in result.output and str(secrets_in_the_bot) not in result.output
    assert "HOME': '/tmp'" in result.output  # it does get an environment: its own
    await next_demo_prints_the_real_loss(sandboxed, real_step_output)


async def test_uploaded_code_cannot_read_the_database_file(
    sandboxed: Trainer, secrets_in_the_bot: Path, real_step_output: str
) -> None:
    assert DB_SECRET.encode() in await asyncio.to_thread(secrets_in_the_bot.read_bytes)  # the bot can

    error = await untrusted(sandboxed, f"print(open({str(secrets_in_the_bot)!r}, 'rb').read())\n")

    assert "FileNotFoundError: [Errno 2] No such file or directory" in error
    assert DB_SECRET not in error
    await next_demo_prints_the_real_loss(sandboxed, real_step_output)


async def test_uploaded_code_sees_neither_the_repository_nor_the_lessons_nor_home(sandboxed: Trainer) -> None:
    home = Path.home()
    python_under_home = [p for p in map(Path, _sandbox._python_dirs()) if p.is_relative_to(home)]
    # The home directory's own files (the Python installation may live under it, and only it is bound).
    in_home = [str(p) for p in home.iterdir() if not any(d.is_relative_to(p) for d in python_under_home)][:5]
    files = ["README.md", "pyproject.toml", ".env", "content/lessons", "data"]
    paths = [str(REPO / f) for f in files] + [str(Path.cwd() / f) for f in files] + in_home
    # The repository's folder itself may show as an empty mount point when the Python environment
    # lives inside it (CI's .venv): then only that environment is in it, read-only.
    python_dirs = [Path(p) for p in _sandbox._python_dirs()]
    python_in_repo = sorted({p.relative_to(REPO).parts[0] for p in python_dirs if p.is_relative_to(REPO)})
    code = (
        f"import os\nprint([os.path.exists(p) for p in {paths!r}])\n"
        f"print(sorted(os.listdir({str(REPO)!r})) if os.path.isdir({str(REPO)!r}) else [])\n"
    )

    result = await sandboxed.run(code, seed=0, untrusted=True)

    assert result.output == f"{[False] * len(paths)}\n{python_in_repo}\n", result.error


async def test_uploaded_code_cannot_connect_to_the_database_server(
    sandboxed: Trainer, real_step_output: str
) -> None:
    with socket.create_connection(("127.0.0.1", 5432), timeout=5):
        pass  # PostgreSQL is there for the bot

    error = await untrusted(
        sandboxed, "import socket\nsocket.create_connection(('127.0.0.1', 5432), timeout=5)\n"
    )

    assert "ConnectionRefusedError" in error or "Network is unreachable" in error, error
    await next_demo_prints_the_real_loss(sandboxed, real_step_output)


@pytest.mark.parametrize("where", ["repository", "host tmp", "root"])
async def test_uploaded_code_cannot_write_outside_its_scratch(
    sandboxed: Trainer, tmp_path: Path, real_step_output: str, where: str
) -> None:
    target = {
        "repository": REPO / "pwned.txt",
        "host tmp": tmp_path / "pwned.txt",
        "root": Path("/pwned.txt"),
    }
    path = target[where]

    code = f"open({str(path)!r}, 'w').write('pwned')\n"

    bound_below = any(Path(d).is_relative_to(path.parent) for d in _sandbox._python_dirs())
    if bound_below and path.is_relative_to(_sandbox.SCRATCH):
        # A checkout under /tmp with its venv inside (CI's layout): the folder exists in the sandbox
        # only as the way down to the bound venv, inside its own private scratch, so the write may
        # land there; what matters is that the host never sees it.
        await sandboxed.run(code, seed=0, untrusted=True)
    else:
        error = await untrusted(sandboxed, code)
        assert "Read-only file system" in error or "No such file or directory" in error, error
    assert not exists(path)
    await next_demo_prints_the_real_loss(sandboxed, real_step_output)


async def test_uploaded_code_cannot_set_the_machines_sysctls(sandboxed: Trainer) -> None:
    # Opened, not written: the open alone shows whether a write would reach the machine.
    error = await untrusted(sandboxed, "open('/proc/sys/kernel/core_pattern', 'a').close()\n")

    assert "Read-only file system" in error, error


async def test_its_scratch_is_writable_and_private_to_the_run(sandboxed: Trainer) -> None:
    code = "import os\nopen('note.txt', 'w').write('hi')\nprint(os.getcwd(), open('/tmp/note.txt').read())\n"

    result = await sandboxed.run(code, seed=0, untrusted=True)

    assert result.output == "/tmp hi\n", result.error
    assert not exists(Path("/tmp/note.txt"))


FORK_BOMB = """\
import os, time
for _ in range(1000):
    if os.fork() == 0:
        time.sleep(60)
        os._exit(0)
print("forked a thousand")
"""


def root_tasks() -> int:
    return int(
        subprocess.run(["ps", "-eLo", "uid="], capture_output=True, text=True).stdout.split().count("0")
    )


async def test_a_fork_bomb_fails_inside_and_leaves_the_machine_and_the_next_demo_alone(
    sandboxed: Trainer, real_step_output: str
) -> None:
    before = root_tasks()

    error = await untrusted(sandboxed, FORK_BOMB)

    assert "BlockingIOError: [Errno 11] Resource temporarily unavailable" in error
    assert f"The sandbox allows {_sandbox.PROCESS_LIMIT} processes" in error
    # Its children are gone, and the bot's side can still start processes.
    for _ in range(100):
        if root_tasks() < before + 20:
            break
        await asyncio.sleep(0.05)
    assert root_tasks() < before + 20
    assert await (await asyncio.create_subprocess_exec("true")).wait() == 0
    await next_demo_prints_the_real_loss(sandboxed, real_step_output)


async def test_processes_uploaded_code_leaves_behind_end_with_its_run(sandboxed: Trainer) -> None:
    code = (
        "import subprocess, os\nsubprocess.Popen(['sleep', '300'], start_new_session=True)\nprint('left')\n"
    )

    result = await sandboxed.run(code, seed=0, untrusted=True)

    assert result.output == "left\n"
    worker = sandboxed.worker_pid
    assert worker is not None
    for _ in range(100):
        if not children(worker):
            break
        await asyncio.sleep(0.05)
    assert children(worker) == []  # even one in a session of its own


PICKLE_TO_THE_BOT = """\
import os, pickle, socket, stat, struct, time
class Payload:
    def __reduce__(self):
        return (os.system, ({command!r},))
body = pickle.dumps(Payload())
for fd in range(3, 100):
    try:
        is_socket = stat.S_ISSOCK(os.fstat(fd).st_mode)
    except OSError:
        continue
    if is_socket:
        socket.socket(fileno=os.dup(fd)).sendall(struct.pack(">I", len(body)) + body)
time.sleep(10)
"""


async def test_what_uploaded_code_writes_to_the_bots_socket_is_never_unpickled(
    sandboxed: Trainer, tmp_path: Path, real_step_output: str
) -> None:
    assert await sandboxed.wait_warm(WARM_TIMEOUT)
    marker = tmp_path / "ran-in-the-bot"

    result = await sandboxed.run(PICKLE_TO_THE_BOT.format(command=f"touch {marker}"), seed=0, untrusted=True)

    assert result.status == "crashed", (result.status, result.error)
    assert result.error is not None and "It has been restarted" in result.error
    assert not exists(marker)
    await next_demo_prints_the_real_loss(sandboxed, real_step_output)


async def test_a_killed_sandboxed_worker_is_replaced_and_takes_its_processes_along(
    sandboxed: Trainer, real_step_output: str
) -> None:
    assert await sandboxed.wait_warm(WARM_TIMEOUT)
    old = sandboxed.worker_pid
    assert old is not None
    task = asyncio.create_task(
        sandboxed.run("import subprocess, time\nsubprocess.Popen(['sleep', '300'])\ntime.sleep(30)\n", seed=0)
    )
    for _ in range(200):
        sleepers = children(old)
        if sleepers:
            break
        await asyncio.sleep(0.05)
    assert sleepers

    os.kill(old, signal.SIGKILL)
    result = await asyncio.wait_for(task, 10)

    assert result.status == "crashed" and result.error is not None and "SIGKILL" in result.error
    assert await ends(sleepers[0])
    await next_demo_prints_the_real_loss(sandboxed, real_step_output)
    assert sandboxed.worker_pid != old


async def test_a_hung_sandboxed_worker_is_killed_at_the_limit_and_replaced(
    sandboxed: Trainer, real_step_output: str
) -> None:
    assert await sandboxed.wait_warm(WARM_TIMEOUT)
    old = sandboxed.worker_pid
    hang = "import signal, time\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\ntime.sleep(60)\n"

    result = await sandboxed.run(hang, seed=0, time_limit_s=1, untrusted=True)

    assert result.status == "timeout"
    assert old is not None and not running(old)
    await next_demo_prints_the_real_loss(sandboxed, real_step_output)


async def test_an_idle_worker_exits_and_the_next_demo_warms_a_new_one(real_step_output: str) -> None:
    t = Trainer(idle_minutes=0.01, memory_limit_mb=512)  # 0.6 s
    await t.start()
    try:
        assert await t.wait_warm(WARM_TIMEOUT), t.start_error
        first = t.worker_pid
        assert first is not None
        for _ in range(200):
            if t.worker_pid is None:
                break
            await asyncio.sleep(0.05)

        assert t.worker_pid is None and not t.warm and t.asleep
        assert await ends(first)
        assert t.respawns == 0  # not a crash: nothing was replaced meanwhile

        result = await t.run(TRAINING_STEP, seed=0)

        assert result.status == "ok", result.error
        assert result.output == real_step_output
        assert t.worker_pid not in (None, first) and not t.asleep
    finally:
        await t.close()


async def test_a_run_resets_the_idle_countdown() -> None:
    t = Trainer(idle_minutes=0.02, memory_limit_mb=512)  # 1.2 s
    await t.start()
    try:
        assert await t.wait_warm(WARM_TIMEOUT), t.start_error
        pid = t.worker_pid
        for _ in range(4):  # 2.4 s in all, never 1.2 s idle
            await asyncio.sleep(0.6)
            assert (await t.run("print('still here')", seed=0)).output == "still here\n"
        assert t.worker_pid == pid
    finally:
        await t.close()


# -- refusals: no worker needed -----------------------------------------------------------------


async def test_without_a_sandbox_uploaded_demos_are_refused_and_lessons_on_disk_still_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no bwrap on it
    _sandbox.availability.cache_clear()
    t = Trainer(memory_limit_mb=512)
    try:
        with caplog.at_level(logging.WARNING, logger="bot.trainer._trainer"):
            await t.start()

        with pytest.raises(DemoRefused) as refused:
            await t.run("print('uploaded')", seed=0, untrusted=True)
        on_disk = await t.run("print('from the pack on disk')", seed=0)

        assert not t.sandboxed
        assert refused.value.reason == "no-sandbox"
        assert str(refused.value) == (
            "This bot cannot run uploaded lessons' code safely here (no sandbox), so their demos are off."
        )
        assert on_disk.output == "from the pack on disk\n", on_disk.error
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1 and "bubblewrap (bwrap) is not installed" in warnings[0].getMessage()
    finally:
        await t.close()
        _sandbox.availability.cache_clear()


async def test_a_required_sandbox_that_cannot_run_starts_no_worker(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    _sandbox.availability.cache_clear()
    t = Trainer(sandbox=True)
    try:
        await t.start()
        result = await t.run("print('never')", seed=0)

        assert result.status == "crashed" and t.worker_pid is None
        assert result.error is not None and "sandbox is required" in result.error
    finally:
        await t.close()
        _sandbox.availability.cache_clear()


async def test_uploaded_demos_off_refuses_them_even_with_a_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIZBOT_UPLOADED_DEMOS", "off")
    monkeypatch.setenv("QUIZBOT_TRAINER_IDLE_MINUTES", "15")
    t = Trainer.from_settings(Settings())

    with pytest.raises(DemoRefused) as refused:
        await t.run("print('uploaded')", seed=0, untrusted=True)

    assert refused.value.reason == "off"
    assert str(refused.value) == "Running the code of uploaded lessons is turned off on this bot."
    assert t.idle_s == 15 * 60
    await t.close()


async def test_settings_default_to_uploaded_demos_on_and_a_worker_that_stays_warm(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("QUIZBOT_UPLOADED_DEMOS", raising=False)
    monkeypatch.setenv("QUIZBOT_TRAINER_IDLE_MINUTES", "off")
    settings = Settings()
    assert settings.uploaded_demos is True and settings.trainer_idle_minutes is None


async def test_the_sandbox_command_binds_no_repository_data_and_passes_no_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    need_the_sandbox()
    sandbox = _sandbox.availability().sandbox
    assert sandbox is not None
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)

    args = _sandbox.bwrap_args(sandbox)
    env = _sandbox.worker_env(sandboxed=True)

    sources = [args[i + 1] for i, a in enumerate(args) if a in ("--ro-bind", "--bind", "--ro-bind-try")]
    assert not [s for s in sources if s in (str(REPO), str(REPO / "content" / "lessons"), "/root", "/")]
    assert "--bind" not in args  # nothing of the host is writable
    assert "DISCORD_TOKEN" not in env and "DATABASE_URL" not in env and TOKEN not in env.values()
    assert sys.executable  # the interpreter it runs is this one, bound read-only
    assert any(sys.prefix == s for s in sources)


async def test_replaced_workers_leave_no_cgroup_behind(sandboxed: Trainer) -> None:
    sandbox = _sandbox.availability().sandbox
    assert sandbox is not None
    if sandbox.pids_parent is None:
        pytest.skip("not run as root: the process limit is RLIMIT_NPROC, there is no cgroup")
    assert await sandboxed.wait_warm(WARM_TIMEOUT)
    killed = sandboxed._worker.cgroup if sandboxed._worker else None
    assert killed is not None and killed.exists()

    assert (await sandboxed.run("import time\ntime.sleep(5)\n", seed=0, time_limit_s=0.5)).status == "timeout"
    assert await sandboxed.wait_warm(WARM_TIMEOUT)
    for _ in range(300):  # a killed worker's last tasks can take seconds to leave on a busy machine
        if not killed.exists():
            break
        await asyncio.sleep(0.05)

    assert not killed.exists(), "the replaced worker's cgroup is removed"
    live = sandboxed._worker.cgroup if sandboxed._worker else None
    assert live is not None and live != killed and live.exists(), "the new worker has its own"
    assert (live / "pids.max").read_text().strip() == str(_sandbox.PROCESS_LIMIT)


async def test_the_bot_builds_its_trainer_from_the_operators_settings() -> None:
    from bot.app import QuizBot
    from bot.settings import load_settings

    settings = load_settings(QUIZBOT_UPLOADED_DEMOS="off", QUIZBOT_TRAINER_IDLE_MINUTES="30")
    trainer = QuizBot(settings).trainer
    assert trainer.uploaded_demos is False and trainer.idle_s == 30 * 60


async def test_two_trainers_in_one_process_never_share_a_cgroup() -> None:
    assert _sandbox.cgroup_name() != _sandbox.cgroup_name(), "each sandbox its own process limit"


async def test_a_python_environment_under_tmp_is_bound_over_the_private_scratch() -> None:
    """A checkout in /tmp with its venv inside (CI's own layout) must still start its worker: a bind
    made before the scratch tmpfs would be hidden by it ("execvp .venv/bin/python: No such file")."""
    args = _sandbox.bwrap_args(_sandbox.Sandbox("bwrap", None))
    scratch = args.index("--tmpfs")
    assert args[scratch + 1] == _sandbox.SCRATCH
    binds = [i for i, a in enumerate(args) if a == "--ro-bind" and args[i + 1] in _sandbox._python_dirs()]
    assert binds and all(i > scratch for i in binds)
