"""storage.reports and the export's files without Discord: the command line, packing, the figures
on both engines, and storage's one-way imports."""

from __future__ import annotations

import asyncio
import csv
import dataclasses
import io
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import answering, exports
from cogs.report import _render as render
from storage import Database, post_rows
from storage.forget import forget_member
from storage.reports import Export, question_quality
from tests.fakes import Question
from tests.test_cli import run_cli
from tests.test_e2e_report import HAND_EXAMPLE, HAND_FIGURES

GUILD = 111
T0 = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


def test_storage_reports_imports_neither_discord_nor_the_bot() -> None:
    code = (
        "import sys, storage.reports; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'discord', 'tensorflow', 'bot', 'cogs'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"


async def answer(
    db: Database, question_id: str, member_id: int, letters: str, when: datetime, name: str | None = None
) -> None:
    question = dataclasses.replace(Question(), id=question_id, answer_letters=("A",))
    post = await post_rows.create_post(db, GUILD, 1, question_id, "lesson1", None, None, now=when)
    for letter in letters:
        await answering.record_try(db, post, member_id, (letter,), question, when, member_name=name)


def test_the_command_line_writes_both_files_with_the_kept_names_and_no_forgotten_member(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/quiz.db"

    async def plant() -> None:
        db = await Database.open(url)
        try:
            await answer(db, "lesson1.q1", 7, "BA", T0 - timedelta(days=3), name="Ada L.")
            await answer(db, "lesson1.q2", 7, "A", T0, name="Ada")  # the latest name counts
            await answer(db, "lesson1.q2", 8, "A", T0)
            await forget_member(db, 8)
        finally:
            await db.close()

    asyncio.run(plant())
    out = tmp_path / "out"
    done = run_cli(
        "report",
        "export",
        "--guild",
        str(GUILD),
        "--since",
        "2025-03-09",
        "-o",
        str(out),
        cwd=tmp_path,
        DATABASE_URL=url,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"wrote {out / 'answers.csv'} (1 row)",
        f"wrote {out / 'members.csv'} (1 row)",
    ]
    (row,) = csv.DictReader(io.StringIO((out / "answers.csv").read_text("utf-8-sig")))
    assert (row["member_id"], row["display_name"], row["question_id"], row["points"]) == (
        "7",
        "Ada",
        "lesson1.q2",
        "3",
    )
    (member,) = csv.DictReader(io.StringIO((out / "members.csv").read_text("utf-8-sig")))
    # Streaks as of now: the last answer is long past, so the current one has ended.
    assert [member[k] for k in ("member_id", "answered", "current_streak", "best_streak")] == [
        "7",
        "1",
        "0",
        "1",
    ]


def test_the_command_line_refuses_a_bad_date_in_one_line(tmp_path: Path) -> None:
    done = run_cli(
        "report", "export", "--guild", "1", "--since", "10/03/2025", "-o", str(tmp_path), cwd=tmp_path
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].endswith("'10/03/2025' is not a date like 2025-03-10")
    assert "Traceback" not in done.stderr


def test_an_export_that_needs_more_than_ten_parts_is_refused_with_the_command_line_to_use() -> None:
    rows = [exports.ANSWER_HEADER] + [[str(n) * 40] * 12 for n in range(2000)]
    files = [
        (exports.ANSWERS_FILE, exports.csv_lines(rows[0], rows[1:])),
        (exports.MEMBERS_FILE, exports.member_lines(Export([], []), str)),
    ]
    assert exports.package(files, 2000) is None
    assert "python -m bot report export --guild 5 -o DIR" in render.too_big_text(10**9, 5)


async def test_the_hand_computed_figures_on_both_engines(db: Database) -> None:
    for question_id, scores in HAND_EXAMPLE.items():
        for member_id, (right, letter) in enumerate(scores, start=6000):
            await answer(db, f"lesson1.{question_id}", member_id, "A" if right else letter, T0)
    found = {q.question_id.split(".")[1]: q for q in await question_quality(db, GUILD)}
    for question_id, (facility, r) in HAND_FIGURES.items():
        assert found[question_id].facility == pytest.approx(facility)
        assert (found[question_id].discrimination is None) == (r is None)
        if r is not None:
            assert found[question_id].discrimination == pytest.approx(r, abs=1e-9)
    assert await question_quality(db, GUILD, lesson_id="another") == []
