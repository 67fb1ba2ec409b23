"""`python -m bot content import` / `content export`: the operator's side of the format converters."""

from __future__ import annotations

from pathlib import Path

from content import load_lesson_text
from tests.test_cli import run_cli

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "formats"


def test_import_prints_the_pack_with_its_assumptions_and_exits_0(tmp_path: Path) -> None:
    result = run_cli("content", "import", str(FIXTURES / "ml_basics_aiken.txt"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lesson = load_lesson_text(result.stdout)
    assert [q.answer for q in lesson.questions] == ["A", "B", "C"]
    assert "# Assumed: Aiken has no difficulty: set to medium\n" in result.stdout
    assert "assumed: Aiken has no difficulty: set to medium" in result.stderr.splitlines()
    assert "Traceback" not in result.stderr


def test_import_writes_the_file_named_by_o_and_the_checker_accepts_it(tmp_path: Path) -> None:
    out = tmp_path / "ml.yaml"
    result = run_cli(
        "content", "import", str(FIXTURES / "ml_basics_moodle.xml"), "-o", str(out), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == f"ok: 3 questions written to {out}"
    unwritable = run_cli(
        "content",
        "import",
        str(FIXTURES / "ml_basics_aiken.txt"),
        "-o",
        str(tmp_path / "no" / "x.yaml"),
        cwd=tmp_path,
    )
    assert unwritable.returncode == 1
    assert unwritable.stderr.splitlines()[-1].startswith(
        f"error: cannot write {tmp_path / 'no' / 'x.yaml'}: "
    )
    check = run_cli("check", str(out), cwd=tmp_path)
    assert check.returncode == 0, check.stdout
    assert check.stdout.strip() == "ok: 1 lesson, 3 questions"


def test_import_with_problems_prints_file_line_field_problem_and_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("Which?\nA. a\nB. a\nANSWER: C\n\nNext?\nA. x\nB. y\nANSWER: B\n")
    result = run_cli(
        "content", "import", str(bad), "--format", "aiken", "-o", str(tmp_path / "o.yaml"), cwd=tmp_path
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"{bad}:4: question 1 ANSWER: 'C' is not one of the options A, B"]
    assert not (tmp_path / "o.yaml").exists()
    binary = tmp_path / "quiz.xml"
    binary.write_bytes(b"\x00\x01\x02PK\x03\x04" * 100)
    result = run_cli("content", "import", str(binary), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{binary}:1: (file): looks like a binary file, not text: upload the question file itself"
    ]


def test_export_then_import_gives_the_lessons_questions_back(tmp_path: Path) -> None:
    gift = tmp_path / "losses.gift"
    result = run_cli("content", "export", "losses", "--format", "gift", "-o", str(gift), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert any(
        line.startswith("note: 2 fill_blanks question(s) left out") for line in result.stderr.splitlines()
    )
    back = run_cli("content", "import", str(gift), cwd=tmp_path)
    assert back.returncode == 0, back.stderr
    ids = [q.id for q in load_lesson_text(back.stdout).questions]
    assert ids == [
        "losses.mse-value",
        "losses.outlier",
        "losses.sparse-labels",
        "losses.from-logits",
        "losses.falling-loss",
        "losses.huber",
    ]


def test_export_to_stdout_and_an_unknown_lesson_exits_2(tmp_path: Path) -> None:
    result = run_cli("content", "export", "losses", "--format", "moodle-xml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n')
    missing = run_cli("content", "export", "nope", "--format", "yaml", cwd=tmp_path)
    assert missing.returncode == 2
    (line,) = missing.stderr.strip().splitlines()
    assert line.startswith("error: no lesson with id 'nope' (the lessons are: ")
