"""A fresh machine: what cannot run here is skipped with one line at the end (locally) or fails (CI).

Each case runs pytest in a subprocess with the tool pointed somewhere empty, so nothing is uninstalled."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.environment import in_ci

ROOT = Path(__file__).resolve().parents[1]
FAST_SPEC_CHECKED = (
    "tests/test_playground_access.py::test_rest_without_the_bot_token_is_401_and_nothing_is_posted"
)


def run_pytest(tmp_path: Path, *args: str, ci: bool, **env: str) -> tuple[int, list[str]]:
    environ = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS")}
    environ.update(env)
    if ci:
        environ["CI"] = "true"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--basetemp",
            str(tmp_path / "t"),
            *args,
        ],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done.returncode, done.stdout.strip().splitlines()


@pytest.mark.parametrize("value", ["true", "1", "yes", "TRUE"])
def test_ci_is_recognised(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CI", value)
    assert in_ci()
    for off in ("", "0", "false"):
        monkeypatch.setenv("CI", off)
        assert not in_ci()


def test_without_chromium_only_the_browser_tests_skip_with_one_line_at_the_end(tmp_path: Path) -> None:
    code, lines = run_pytest(
        tmp_path, "tests/test_playground_browser.py", ci=False, QUIZBOT_CHROMIUM=str(tmp_path / "no-chromium")
    )
    reason = f"browser tests skipped: Debian's Chromium is not installed at {tmp_path / 'no-chromium'} (apt-get install chromium)"
    assert code == 0, lines
    assert lines[-2] == reason, lines
    assert "skipped" in lines[-1] and "passed" not in lines[-1] and "error" not in lines[-1], lines
    assert sum(reason in line for line in lines) == 2, lines  # pytest's folded SKIPPED line and ours


def test_under_ci_a_missing_chromium_fails_the_run(tmp_path: Path) -> None:
    code, lines = run_pytest(
        tmp_path, "tests/test_playground_browser.py", ci=True, QUIZBOT_CHROMIUM=str(tmp_path / "no-chromium")
    )
    assert code == 1, lines
    assert "skipped" not in lines[-1] and "error" in lines[-1], lines
    assert any(
        "CI runs every test, the browser tests too: Debian's Chromium is not installed" in line
        for line in lines
    ), lines


def test_without_the_spec_one_line_at_the_end_says_bodies_were_not_validated(tmp_path: Path) -> None:
    missing = tmp_path / "no-spec.json"
    code, lines = run_pytest(tmp_path, FAST_SPEC_CHECKED, ci=False, QUIZBOT_DISCORD_SPEC=str(missing))
    assert code == 0, lines
    assert lines[-2].startswith(f"Discord API spec not found at {missing}: the bodies"), lines
    assert "passed" in lines[-1] and "warning" not in lines[-1], lines


def test_under_ci_a_missing_spec_fails_the_run(tmp_path: Path) -> None:
    missing = tmp_path / "no-spec.json"
    code, lines = run_pytest(tmp_path, FAST_SPEC_CHECKED, ci=True, QUIZBOT_DISCORD_SPEC=str(missing))
    assert code == 1, lines
    assert any(f"CI validates every body: Discord API spec not found at {missing}" in line for line in lines)
