"""`python -m bot playground` as an operator runs it: serves on 127.0.0.1, stops cleanly on Ctrl-C."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import sys
import urllib.error
import urllib.request
from pathlib import Path

from bot.__main__ import playground_database
from tests.test_playground_browser import LESSON


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read()


async def start_playground_process(
    tmp_path: Path, *args: str
) -> tuple[asyncio.subprocess.Process, list[str], str]:
    """`python -m bot playground ARGS` in tmp_path, stdout and stderr as one terminal; returns the
    process, every line it printed up to the address to open, and that address."""
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "playground",
        "--port",
        str(port),
        *args,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    printed: list[str] = []
    assert process.stdout is not None
    while url not in printed:
        line = await asyncio.wait_for(process.stdout.readline(), 60)
        assert line, f"the playground exited before printing {url}: {printed}"
        printed.append(line.decode().rstrip("\n"))
    return process, printed, url


async def stop_with_ctrl_c(process: asyncio.subprocess.Process) -> str:
    """SIGINT, then what it printed while stopping."""
    process.send_signal(signal.SIGINT)
    assert process.stdout is not None
    rest = await asyncio.wait_for(process.stdout.read(), 30)
    assert await asyncio.wait_for(process.wait(), 30) == 0
    return rest.decode()


async def test_playground_command_serves_the_page_on_loopback_and_stops_cleanly_on_ctrl_c(
    tmp_path: Path,
) -> None:
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "pg.yaml").write_text(LESSON)
    process, printed, url = await start_playground_process(tmp_path, "--lessons", str(lessons))
    port = int(url.rsplit(":", 1)[1].strip("/"))
    try:
        # What a newcomer sees: one line about the run, then the address on its own, last; no library
        # chatter (alembic's INFO lines, discord.py's voice warnings) before it.
        assert printed[-1] == url, printed
        assert len(printed) == 2 and printed[0].startswith("quizbot playground is running"), printed
        assert "a fresh database for this run" in printed[0]

        status, page = await asyncio.to_thread(fetch, url)
        assert status == 200 and b"quizbot playground" in page
        _, state = await asyncio.to_thread(fetch, f"http://127.0.0.1:{port}/pg/state")
        loaded = json.loads(state)
        assert loaded["bot"]["state"] == "ready"
        assert [lesson["id"] for lesson in loaded["lessons"]["lessons"]] == ["pg"]
        assert {c["name"] for c in loaded["commands"]} >= {"help", "quiz"}
        # Only 127.0.0.1: the machine's other addresses (if it has any) refuse the port.
        for address in _other_addresses():
            with socket.socket() as sock:
                sock.settimeout(2)
                assert sock.connect_ex((address, port)) != 0, f"the playground answers on {address}"

        # A page on another site cannot drive it: foreign Host names and form posts are refused.
        rebound = urllib.request.Request(
            f"http://127.0.0.1:{port}/pg/state", headers={"Host": "evil.example"}
        )
        assert await asyncio.to_thread(status_of, rebound) == 403
        form = urllib.request.Request(
            f"http://127.0.0.1:{port}/pg/command",
            data=b"text=/help",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert await asyncio.to_thread(status_of, form) == 415

        log = await stop_with_ctrl_c(process)
        assert "playground stopped cleanly" in log
        assert "Traceback" not in log and "alembic" not in log and "voice will NOT" not in log, log
        # A --lessons preview does not share data/playground.db with the default playground.
        assert not (tmp_path / "data").exists()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_verbose_logs_everything_and_database_keeps_a_preview_file(tmp_path: Path) -> None:
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "pg.yaml").write_text(LESSON)
    kept = tmp_path / "preview.db"
    process, printed, url = await start_playground_process(
        tmp_path, "--lessons", str(lessons), "--database", str(kept), "--verbose"
    )
    try:
        assert printed[-1] == url
        assert any("alembic" in line for line in printed), printed
        assert f"data: {kept}" in printed[-2]
        await stop_with_ctrl_c(process)
        assert kept.is_file()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


def test_only_a_lessons_preview_gets_a_database_of_its_own() -> None:
    default = Path("data/playground.db")
    assert playground_database(None, None, default) == default
    assert playground_database(Path("mine"), None, default) is None  # fresh, for this run only
    assert playground_database(Path("mine"), Path("keep.db"), default) == Path("keep.db")
    assert playground_database(None, Path("keep.db"), default) == Path("keep.db")


def status_of(request: urllib.request.Request) -> int:
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def _other_addresses() -> list[str]:
    """This machine's IPv4 addresses other than 127.0.0.1 (maybe none in a bare container)."""
    try:
        found = {str(info[4][0]) for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
    except OSError:
        return []
    return sorted(found - {"127.0.0.1"})


async def test_a_missing_lessons_folder_is_a_one_line_error(tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "playground",
        "--lessons",
        str(tmp_path / "nowhere"),
        cwd=tmp_path,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    assert err.decode().strip().splitlines()[-1] == f"error: --lessons {tmp_path / 'nowhere'}: no such folder"
