"""The operator-facing contract of `python -m bot`: clear one-line errors, documented exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run_cli(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "QUIZBOT_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env={**clean, "PYTHONPATH": str(REPO), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_a_token_the_bot_explains_how_to_get_one_and_exits_2(tmp_path: Path) -> None:
    result = run_cli(cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("DISCORD_TOKEN is not set: ")
    assert "discord.com/developers/applications" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_wrong_database_url_is_one_line_naming_the_setting(tmp_path: Path) -> None:
    result = run_cli(cwd=tmp_path, DISCORD_TOKEN="x", DATABASE_URL="foo://")
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: DATABASE_URL: ")
    assert "Traceback" not in result.stderr


def test_settings_are_read_from_a_dotenv_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DISCORD_API_URL=not-a-url\n")
    result = run_cli(cwd=tmp_path, DISCORD_TOKEN="x")
    assert result.returncode == 2
    assert result.stderr.startswith("error: DISCORD_API_URL: ")


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (REPO / "README.md").read_text()
    ci = (REPO / ".ci" / "run").read_text()
    test_line = ci.strip().splitlines()[-1]
    assert test_line.endswith("-m pytest")
    assert f"\n{test_line}\n" in readme


def test_shard_settings_are_checked_before_connecting(tmp_path: Path) -> None:
    for env, expected in [
        ({"QUIZBOT_SHARD_IDS": "1"}, "error: QUIZBOT_SHARD_IDS needs QUIZBOT_SHARD_COUNT"),
        ({"QUIZBOT_SHARD_COUNT": "2", "QUIZBOT_SHARD_IDS": "0,2"}, "error: QUIZBOT_SHARD_IDS must be below"),
        (
            {"QUIZBOT_SHARD_COUNT": "2", "QUIZBOT_SHARD_IDS": "one"},
            "error: QUIZBOT_SHARD_IDS: must be shard numbers",
        ),
    ]:
        result = run_cli(cwd=tmp_path, DISCORD_TOKEN="x", **env)
        assert result.returncode == 2, result.stderr
        (line,) = result.stderr.strip().splitlines()
        assert line.startswith(expected), line


def test_a_database_url_that_cannot_work_is_refused_before_connecting(tmp_path: Path) -> None:
    for url, expected in [
        ("sqlite+aiosqlite:///:memory:", "in-memory SQLite"),
        ("sqlite+aiosqlite:///file:x?mode=memory&uri=true", "in-memory SQLite"),
        ("sqlite+aiosqlite://", "needs a file path"),
        ("sqlite+aiosqlite:///", "needs a file path"),
        ("postgresql+asyncpg://quiz:s3cret@bad host:5432/x", "host"),
        ("postgresql+asyncpg://quiz:s3cret@db:notaport/x", "port"),
        ("postgresql+asyncpg://quiz:s3cret@db:99999/x", "port"),
    ]:
        result = run_cli(cwd=tmp_path, DISCORD_TOKEN="x", DATABASE_URL=url)
        assert result.returncode == 2, (url, result.stderr)
        (line,) = result.stderr.strip().splitlines()
        assert line.startswith("error: DATABASE_URL: "), line
        assert expected in line, line
        assert "s3cret" not in result.stderr


def test_duplicate_or_negative_shard_ids_are_refused(tmp_path: Path) -> None:
    for ids, expected in [
        ("0,0", "error: QUIZBOT_SHARD_IDS lists shard 0 twice"),
        ("1,-1", "error: QUIZBOT_SHARD_IDS: must be shard numbers"),
        ("4", "error: QUIZBOT_SHARD_IDS must be below QUIZBOT_SHARD_COUNT (4)"),
    ]:
        result = run_cli(cwd=tmp_path, DISCORD_TOKEN="x", QUIZBOT_SHARD_COUNT="4", QUIZBOT_SHARD_IDS=ids)
        assert result.returncode == 2, (ids, result.stderr)
        (line,) = result.stderr.strip().splitlines()
        assert line.startswith(expected), line


def test_check_says_ok_with_the_lessons_and_questions_it_checked(tmp_path: Path) -> None:
    from content import load_library

    library = load_library()
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        f"ok: {len(library.lessons)} lessons, {len(library.questions)} questions"
    ], "one line, not silence"
    one = tmp_path / "one.yaml"
    one.write_text(
        "id: one\ntitle: One\ntopic: t\nsource: s\nquestions:\n"
        "  - {id: one.q, kind: multiple_choice, prompt: Which one, options: [a, b], answer: A,"
        " difficulty: easy, hint: h, solution: [s]}\n"
    )
    assert run_cli("check", str(one), cwd=tmp_path).stdout == "ok: 1 lesson, 1 question\n"


def test_check_reports_a_pack_nested_600_levels_deep_as_one_file_line_problem(tmp_path: Path) -> None:
    pack = tmp_path / "deep.yaml"
    pack.write_text("id: deep\nquestions: " + "[" * 600 + "]" * 600 + "\n")
    result = run_cli("check", str(pack), cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.splitlines() == [
        f"{pack}:2: (file): nests more than 50 levels deep; a lesson pack needs a few"
    ]
