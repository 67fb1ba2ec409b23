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

from tests.test_playground_browser import LESSON


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read()


async def test_playground_command_serves_the_page_on_loopback_and_stops_cleanly_on_ctrl_c(
    tmp_path: Path,
) -> None:
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "pg.yaml").write_text(LESSON)
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "playground",
        "--port",
        str(port),
        "--lessons",
        str(lessons),
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        banner = await asyncio.wait_for(process.stdout.readline(), 60)
        assert f"open http://127.0.0.1:{port}/" in banner.decode()

        status, page = await asyncio.to_thread(fetch, f"http://127.0.0.1:{port}/")
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

        process.send_signal(signal.SIGINT)
        code = await asyncio.wait_for(process.wait(), 30)
        assert code == 0
        assert process.stderr is not None
        log = (await process.stderr.read()).decode()
        assert "playground stopped cleanly" in log
        assert "Traceback" not in log
        assert (tmp_path / "data" / "playground.db").exists()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


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
