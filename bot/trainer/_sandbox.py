"""The bubblewrap sandbox the TensorFlow worker runs in, and the command lines that start the worker.

Inside: new user, PID, IPC, UTS, network (no network at all) and cgroup namespaces; a read-only root that
holds /usr, the Python installation and its site-packages, the few files of this package the worker imports,
the /etc files the dynamic loader needs; a private tmpfs at /tmp (cwd, HOME and TMPDIR); /proc of its own PID
namespace; a clean environment. Not inside: the bot's working directory, its data directory and database,
`.env`, the lesson packs, /root, the bot's environment (DISCORD_TOKEN, DATABASE_URL).

The process-count limit. RLIMIT_NPROC is no use for a bot run as root: the kernel never applies it to
processes of the real root user, in a user namespace or not (kernel/fork.c exempts INIT_USER). So as root the
sandbox goes into a cgroup of its own with `pids.max` (cgroup v1 `pids` or v2, whichever this process can write
to); that limit counts the sandbox's tasks only, so a fork bomb inside cannot starve the bot or the machine. A
bot run as another user gets RLIMIT_NPROC set inside the sandbox instead: since Linux 5.14 it counts per user
namespace, so again only the sandbox's tasks. Root without a writable pids cgroup has no sandbox.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import logging
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

# Tasks (processes and threads) the sandbox may hold: TensorFlow starts a few threads per core.
PROCESS_LIMIT = 64 + 4 * (os.cpu_count() or 1)
# The lesson code's scratch space: a tmpfs, so its size is memory.
SCRATCH = "/tmp"
SCRATCH_BYTES = 256 * 1024 * 1024
# Where this package's own code is mounted inside (read-only); PYTHONPATH points here.
CODE_ROOT = "/opt/quizbot"
# Names from the bot's environment the worker gets in either mode: TensorFlow's and Keras's own knobs.
PASSED_PREFIXES = ("TF_", "KERAS_", "OMP_", "MKL_")
# Never handed to the worker, sandboxed or not.
SECRET_NAMES = ("DISCORD_TOKEN", "DATABASE_URL")

_REPO = Path(__file__).resolve().parent.parent.parent
# What `python -m bot.trainer._worker` imports from this repository (bot.rendering imports content's limits).
_CODE = (
    "bot/__init__.py",
    "bot/rendering.py",
    "bot/trainer",
    *(f"content/{p.name}" for p in (_REPO / "content").glob("*.py")),
)
# The dynamic loader's cache and config, Debian's alternatives links, fontconfig (else a warning per run).
_ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives", "fonts", "localtime")


@dataclass(frozen=True)
class Sandbox:
    bwrap: str
    # Where a per-worker pids cgroup is made (root); None: RLIMIT_NPROC inside the sandbox (other users).
    pids_parent: Path | None


@dataclass(frozen=True)
class Availability:
    sandbox: Sandbox | None
    reason: str  # why there is none ("" when there is)


def _pids_cgroup_candidates() -> list[Path]:
    found = []
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return []
    for line in lines:
        hierarchy, controllers, path = line.split(":", 2)
        if hierarchy == "0" and controllers == "" and Path("/sys/fs/cgroup/cgroup.controllers").exists():
            found.append(Path("/sys/fs/cgroup") / path.lstrip("/"))
        elif "pids" in controllers.split(","):
            found.append(Path("/sys/fs/cgroup/pids") / path.lstrip("/"))
    return found


def _writable_pids_parent() -> Path | None:
    """A cgroup directory under which this process can make a child with a `pids.max` of its own."""
    for parent in _pids_cgroup_candidates():
        probe = parent / f"quizbot-probe-{os.getpid()}"
        try:
            probe.mkdir()
        except OSError:
            continue
        try:
            if (probe / "pids.max").exists():
                return parent
        finally:
            with contextlib.suppress(OSError):
                probe.rmdir()
    return None


@functools.cache
def availability() -> Availability:
    """Can the worker run in the sandbox here, and if not, why not (asked once per process)."""
    if not sys.platform.startswith("linux"):
        return Availability(None, "the sandbox needs Linux")
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return Availability(None, "bubblewrap (bwrap) is not installed")
    pids_parent = None
    if os.geteuid() == 0:
        pids_parent = _writable_pids_parent()
        if pids_parent is None:
            return Availability(None, "running as root without a writable pids cgroup for the process limit")
    try:
        probe = subprocess.run(
            [bwrap, "--unshare-all", "--ro-bind", "/", "/", "--", "true"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Availability(None, f"bwrap does not run: {exc}")
    if probe.returncode != 0:
        first = (probe.stderr.strip().splitlines() or ["no message"])[0]
        return Availability(None, f"bwrap cannot make namespaces here: {first}")
    return Availability(Sandbox(bwrap, pids_parent), "")


def worker_env(*, sandboxed: bool) -> dict[str, str]:
    """The worker's environment: TensorFlow's knobs from the bot's, never its secrets."""
    from bot.trainer._worker import TF_ENV_DEFAULTS

    passed = {k: v for k, v in os.environ.items() if k.startswith(PASSED_PREFIXES)}
    env = {**TF_ENV_DEFAULTS, **passed, "PYTHONDONTWRITEBYTECODE": "1", "LANG": "C.UTF-8"}
    if sandboxed:
        env.update(PATH="/usr/local/bin:/usr/bin:/bin", HOME=SCRATCH, TMPDIR=SCRATCH, PYTHONPATH=CODE_ROOT)
    else:
        # The lessons' own code, run where the bot runs: what the bot has, minus its secrets.
        env = {**{k: v for k, v in os.environ.items() if k not in SECRET_NAMES}, **env}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_REPO), os.environ.get("PYTHONPATH")]))
    for name in SECRET_NAMES:
        env.pop(name, None)
    return env


def _python_dirs() -> list[str]:
    dirs = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    dirs.add(str(Path(sys.executable).resolve().parent.parent))
    return sorted(d for d in dirs if d not in ("/", "/usr"))


def bwrap_args(sandbox: Sandbox) -> list[str]:
    """bwrap and its options, up to the command it runs."""
    args = [sandbox.bwrap, "--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts"]
    args += ["--unshare-net", "--unshare-cgroup-try", "--hostname", "quizbot-sandbox"]
    # bwrap's own init is PID 1 and the worker PID 2 (a PID 1 ignores a SIGKILL it sends itself, and the lesson
    # code's crash must be a crash); when the worker dies the init exits, and the whole namespace with it.
    args += ["--die-with-parent", "--new-session", "--cap-drop", "ALL"]
    args += ["--ro-bind", "/usr", "/usr"]
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    for name in _ETC:
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    # The private scratch first: the Python environment may live under /tmp (a checkout there, its
    # venv inside), and a bind made after the tmpfs shows on top of it instead of being hidden by it.
    args += ["--size", str(SCRATCH_BYTES), "--tmpfs", SCRATCH]
    for directory in _python_dirs():
        args += ["--ro-bind", directory, directory]
    for relative in _CODE:
        args += ["--ro-bind", str(_REPO / relative), f"{CODE_ROOT}/{relative}"]
    # Run by root, the sandbox's user is root outside it too (uid 0 maps to 0): its /proc/sys would let it set
    # the machine's sysctls (kernel.core_pattern runs a program as root), so it is read-only, as bwrap keeps
    # only /proc/irq and /proc/bus.
    args += ["--proc", "/proc", "--ro-bind", "/proc/sys", "/proc/sys"]
    args += ["--ro-bind-try", "/proc/sysrq-trigger", "/proc/sysrq-trigger", "--dev", "/dev"]
    args += ["--chdir", SCRATCH, "--remount-ro", "/", "--"]
    return args


def worker_command(
    sandbox: Sandbox | None, fd: int, config: dict[str, object], cgroup: Path | None
) -> list[str]:
    """The command line that starts a worker talking over the inherited socket `fd`."""
    entry = "import sys; from bot.trainer._worker import main; main(sys.argv[1:])"
    command = [sys.executable, "-c", entry, str(fd), json.dumps(config)]
    if sandbox is None:
        return command
    command = bwrap_args(sandbox) + command
    if cgroup is not None:
        # Into the cgroup before bwrap starts: nothing the sandbox starts can be outside it.
        command = ["/bin/sh", "-c", 'echo $$ > "$0" && exec "$@"', str(cgroup / "cgroup.procs"), *command]
    return command


CGROUP_PREFIX = "quizbot-trainer-"


# One count for the process: two trainers in one process (the tests have several) must never share
# a cgroup, and with it a process limit and a cleanup.
_cgroup_serials = itertools.count(1)


def cgroup_name() -> str:
    return f"{CGROUP_PREFIX}{os.getpid()}-{next(_cgroup_serials)}"


def remove_stale_cgroups(parent: Path) -> None:
    """Remove the empty cgroups of bots that are gone (one killed before it could remove its own)."""
    for cgroup in parent.glob(f"{CGROUP_PREFIX}*"):
        owner = cgroup.name.removeprefix(CGROUP_PREFIX).split("-")[0]
        if owner.isdigit() and not Path(f"/proc/{owner}").exists():
            remove_cgroup(cgroup)


def make_pids_cgroup(parent: Path, name: str) -> Path:
    cgroup = parent / name
    cgroup.mkdir(exist_ok=True)
    (cgroup / "pids.max").write_text(str(PROCESS_LIMIT))
    return cgroup


def remove_cgroup(cgroup: Path) -> bool:
    """True once it is gone (it cannot be removed while a task of it is still exiting)."""
    try:
        cgroup.rmdir()
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return True
