"""A moderator's mistakes in a lesson pack come back as `FILE:LINE: field: message`, never a traceback."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from content import (
    Lesson,
    LessonError,
    Mistake,
    OutputCheck,
    Problem,
    Question,
    check_paths,
    load_lesson_text,
    load_library,
)
from content._yaml import MAX_YAML_DEPTH
from content.loader import MAX_PACK_BYTES

VALID = """\
id: demo
title: Demo lesson
topic: testing
source: written for the tests
questions:
  - id: demo.q1
    kind: multiple_choice
    prompt: Which loss suits predicting a price?
    options: [mean_squared_error, binary_crossentropy, hinge, accuracy]
    answer: A
    difficulty: easy
    hint: A price is a number.
    mistakes:
      - text: binary_crossentropy is for yes/no targets.
        option: B
    solution:
      - Predicting a number is regression.
      - Regression usually uses mean squared error.
"""

FILL = """\
  - id: demo.fill
    kind: fill_blanks
    prompt: Square the even numbers.
    code: |
      squares = {x: x[1]2 for x in range(6) if x [2] 2 == 0}
    options: ["**", "%", "//", "+"]
    answer: [A, B]
    difficulty: medium
    hint: A power, then a remainder.
    solution:
      - "** squares, % gives the remainder."
    demo: |
      squares = {x: x**2 for x in range(6) if x % 2 == 0}
      print(squares)
"""


TRANSLATED = """\
    translations:
      de:
        prompt: Welche Verlustfunktion passt zu einem Preis?
        options: [mean_squared_error, binary_crossentropy, hinge, accuracy]
        hint: Ein Preis ist eine Zahl.
        solution: [Eine Zahl vorherzusagen ist Regression.]
"""


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based line of the nth line containing `needle` (so each test states the line it expects)."""
    hits = [number for number, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(hits) >= nth, f"{needle!r} not in the fixture"
    return hits[nth - 1]


def write(tmp_path: Path, text: str | bytes, name: str = "pack.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def only_problem(path: Path) -> Problem:
    problems = check_paths([path])
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


def edit(old: str, new: str, base: str = VALID) -> str:
    assert old in base
    return base.replace(old, new, 1)


# (name, pack text, a text on the line the problem must point at, field, words the message must contain)
CASES = [
    (
        "answer_not_an_option",
        edit("answer: A", "answer: E"),
        "answer: E",
        "questions[0].answer",
        "'E' is not one of the options A-D",
    ),
    (
        "unknown_key_typo",
        edit("    hint: A price", "    hnit: A price"),
        "hnit:",
        "questions[0].hnit",
        "unknown key 'hnit' (did you mean 'hint'?)",
    ),
    (
        "missing_required_key_points_at_its_mapping",
        edit("    hint: A price is a number.\n", ""),
        "- id: demo.q1",
        "questions[0].hint",
        "missing required key 'hint'",
    ),
    (
        "duplicate_key",
        edit("    answer: A\n", "    answer: A\n    answer: B\n"),
        "answer: B",
        "questions[0].answer",
        "duplicate key 'answer' (first at line 10)",
    ),
    (
        "tab_in_indentation",
        edit("    difficulty: easy", "\tdifficulty: easy"),
        "difficulty: easy",
        "(file)",
        "tab in indentation",
    ),
    (
        "yaml_syntax_error",
        edit("    options: [mean_squared_error,", "    options: [mean_squared_error\n      ,,"),
        ",,",
        "(file)",
        "YAML syntax error",
    ),
    (
        "top_level_is_a_list",
        "- id: demo\n- title: Demo\n",
        "- id: demo",
        "(file)",
        "the top level must be a mapping",
    ),
    (
        "two_documents_in_one_file",
        VALID + "---\nid: other\n",
        "---",
        "(file)",
        "expected a single document",
    ),
    (
        "wrong_difficulty_word",
        edit("difficulty: easy", "difficulty: simple"),
        "difficulty: simple",
        "questions[0].difficulty",
        "'simple' is not allowed; use one of 'easy', 'medium' or 'hard'",
    ),
    (
        "mistake_tied_to_missing_option",
        edit("        option: B", "        option: F"),
        "option: F",
        "questions[0].mistakes[0].option",
        "'F' is not one of the options A-D",
    ),
    (
        "mistake_tied_to_the_right_answer",
        edit("        option: B", "        option: A"),
        "        option: A",
        "questions[0].mistakes[0].option",
        "is the right answer",
    ),
    (
        "option_longer_than_a_button_label",
        edit("hinge, accuracy]", f"hinge, {'x' * 81}]"),
        "options:",
        "questions[0].options[3]",
        "81 characters; a Discord button label holds at most 80",
    ),
    (
        "more_options_than_a_select_menu",
        edit(
            "    options: [mean_squared_error, binary_crossentropy, hinge, accuracy]",
            "    options:\n" + "".join(f"      - option {n}\n" for n in range(26)).rstrip("\n"),
        ),
        "    options:",
        "questions[0].options",
        "has 26 options; 2 to 25 are allowed",
    ),
    (
        "options_written_as_one_line_of_text",
        edit("[mean_squared_error, binary_crossentropy, hinge, accuracy]", "mean_squared_error or hinge"),
        "options:",
        "questions[0].options",
        "must be a list",
    ),
    (
        "empty_hint",
        edit("    hint: A price is a number.", "    hint:"),
        "hint:",
        "questions[0].hint",
        "is empty",
    ),
    (
        "id_with_capitals_and_spaces",
        edit("  - id: demo.q1", "  - id: Demo Q1"),
        "- id: Demo Q1",
        "questions[0].id",
        "'Demo Q1' is not a valid id",
    ),
    (
        "same_question_id_twice_in_a_pack",
        VALID + edit("  - id: demo.fill", "  - id: demo.q1  # again", FILL),
        "# again",
        "questions[1].id",
        "'demo.q1' is already used by questions[0]",
    ),
    (
        "blank_numbers_skip_one",
        VALID + edit("if x [2] 2", "if x [3] 2", FILL),
        "code: |",
        "questions[1].code",
        "blanks are [1], [3]; number them [1] to [2]",
    ),
    (
        "fewer_answers_than_blanks",
        VALID + edit("answer: [A, B]", "answer: [A]", FILL),
        "answer: [A]",
        "questions[1].answer",
        "has 1 letter but the code has 2 blanks",
    ),
    (
        "fill_blanks_answer_letter_out_of_range",
        VALID + edit("answer: [A, B]", "answer: [A, G]", FILL),
        "answer: [A, G]",
        "questions[1].answer[1]",
        "'G' is not one of the options A-D",
    ),
    (
        "five_blanks_do_not_fit_a_message",
        VALID
        + edit(
            "squares = {x: x[1]2 for x in range(6) if x [2] 2 == 0}",
            "t = ([1], [2], [3], [4], [5])",
            edit("answer: [A, B]", "answer: [A, B, C, D, A]", FILL),
        ),
        "code: |",
        "questions[1].code",
        "has 5 blanks; at most 4",
    ),
    (
        "multiple_choice_given_a_list_answer",
        edit("answer: A", "answer: [A]"),
        "answer: [A]",
        "questions[0].answer",
        "a multiple_choice answer is one letter",
    ),
    (
        "demo_with_a_syntax_error_points_into_the_block",
        VALID + edit("      print(squares)\n", "      print(squares\n", FILL),
        "print(squares",
        "questions[1].demo",
        "is not valid Python: line 2 of the demo",
    ),
    (
        "code_that_is_not_python_once_filled_in",
        # The seed's task 5 as written: the opening `{` is missing.
        VALID
        + edit(
            "squares = {x: x[1]2 for x in range(6) if x [2] 2 == 0}",
            "squares = x: x[1]2 for x in range(6) if x [2] 2 == 0}",
            FILL,
        ),
        "code: |",
        "questions[1].code",
        "with the right answers filled in is not valid Python",
    ),
    (
        "prompt_too_long_for_an_embed",
        edit("prompt: Which loss suits predicting a price?", "prompt: " + "why " * 1100),
        "prompt: why",
        "questions[0].prompt",
        "an embed description holds 4096",
    ),
    (
        "output_check_supports_a_wrong_option",
        edit(
            "    answer: A\n",
            "    answer: A\n    demo: print(1)\n    output_check:\n      pattern: '1'\n      supports: C\n",
        ),
        "supports: C",
        "questions[0].output_check.supports",
        "is 'C' but the answer is 'A'",
    ),
    (
        "output_check_with_a_broken_regex",
        edit(
            "    answer: A\n",
            "    answer: A\n    demo: print(1)\n    output_check:\n      pattern: '([0-9]'\n      supports: A\n",
        ),
        "pattern:",
        "questions[0].output_check.pattern",
        "is not a valid regular expression",
    ),
    (
        "output_check_that_backtracks_for_ever",
        edit(
            "    answer: A\n",
            "    answer: A\n    demo: print('a' * 29)\n    output_check:\n      pattern: '(a+)+b'\n      supports: A\n",
        ),
        "pattern:",
        "questions[0].output_check.pattern",
        "repeats a part that itself repeats (like `(a+)+`)",
    ),
    (
        "code_fence_inside_code",
        edit("    answer: A\n", "    answer: A\n    code: |\n      x = 1\n      ```\n"),
        "code: |",
        "questions[0].code",
        "must not contain ```",
    ),
    (
        "no_questions",
        VALID.split("questions:")[0] + "questions: []\n",
        "questions:",
        "questions",
        "must not be empty",
    ),
    (
        "translation_with_fewer_options",
        edit(
            "    solution:\n      - Predicting",
            TRANSLATED.replace("hinge, accuracy]", "hinge]") + "    solution:\n      - Predicting",
        ),
        "options: [mean_squared_error, binary_crossentropy, hinge]",
        "questions[0].translations.de.options",
        "has 3 options; the question has 4: translate each one, in the same order",
    ),
    (
        "translation_in_no_discord_language",
        edit(
            "    solution:\n      - Predicting",
            TRANSLATED.replace("      de:", "      german:") + "    solution:\n      - Predicting",
        ),
        "german:",
        "questions[0].translations.german",
        "'german' is not a Discord language",
    ),
    (
        "lesson_in_no_discord_language",
        edit("topic: testing", "topic: testing\nlanguage: english"),
        "language: english",
        "language",
        "'english' is not a Discord language",
    ),
]


@pytest.mark.parametrize(
    ("text", "needle", "field", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_malformed_pack_reports_file_line_and_field(
    tmp_path: Path, text: str, needle: str, field: str, words: str
) -> None:
    path = write(tmp_path, text)
    problem = only_problem(path)
    assert (problem.file, problem.line, problem.field) == (str(path), line_of(text, needle), field)
    assert words in problem.message
    assert str(problem) == f"{path}:{problem.line}: {field}: {problem.message}"


def test_valid_fixtures_load_so_each_case_fails_for_its_own_reason(tmp_path: Path) -> None:
    lesson = load_lesson_text(VALID + FILL)
    assert [q.id for q in lesson.questions] == ["demo.q1", "demo.fill"]
    assert lesson.questions[1].answer_texts == ("**", "%")


def test_empty_file_is_one_problem_on_line_1(tmp_path: Path) -> None:
    path = write(tmp_path, "# only a comment\n\n")
    problem = only_problem(path)
    assert (problem.line, problem.field) == (1, "(file)")
    assert "empty" in problem.message


def test_file_that_is_not_utf8_names_the_line_of_the_bad_byte(tmp_path: Path) -> None:
    raw = VALID.replace("A price is a number.", "Un prix est un nombre.").encode("utf-8")
    raw = raw.replace(b"Un prix", b"Un \xe9prix")  # Latin-1 é
    path = write(tmp_path, raw)
    problem = only_problem(path)
    assert (problem.line, problem.field) == (line_of(VALID, "hint:"), "(file)")
    assert "not UTF-8" in problem.message


def test_control_character_is_reported_with_its_line(tmp_path: Path) -> None:
    text = edit("hint: A price is a number.", "hint: A price\x07 is a number.")
    problem = only_problem(write(tmp_path, text))
    assert (problem.line, problem.field) == (line_of(text, "hint:"), "(file)")
    assert "'\\x07' is not allowed" in problem.message


def test_yes_no_and_numbers_stay_exactly_as_typed(tmp_path: Path) -> None:
    # YAML 1.1 would turn these into True, False, 1.0 and 8; a quiz must show what the author wrote.
    text = edit("[mean_squared_error, binary_crossentropy, hinge, accuracy]", "[yes, no, 1.0, 010]")
    question = load_lesson_text(text).questions[0]
    assert question.options == ["yes", "no", "1.0", "010"]
    assert question.answer_texts == ("yes",)


def test_every_problem_in_a_pack_is_reported_not_just_the_first(tmp_path: Path) -> None:
    text = edit("answer: A", "answer: E", edit("difficulty: easy", "difficulty: simple"))
    text = edit("    hint: A price", "    hnit: A price", text)
    problems = check_paths([write(tmp_path, text)])
    assert [(p.line, p.field) for p in problems] == [
        (line_of(text, "answer: E"), "questions[0].answer"),
        (line_of(text, "difficulty: simple"), "questions[0].difficulty"),
        (line_of(text, "hnit:"), "questions[0].hnit"),
    ]


def test_question_id_used_by_two_packs_names_both_places(tmp_path: Path) -> None:
    first = write(tmp_path, VALID, "a.yaml")
    second_text = edit("id: demo\n", "id: demo2\n")
    second = write(tmp_path, second_text, "b.yaml")
    problems = check_paths([tmp_path])
    assert [(p.file, p.line, p.field) for p in problems] == [
        (str(second), line_of(second_text, "- id: demo.q1"), "questions[0].id")
    ]
    assert f"'demo.q1' is already used by {first}:{line_of(VALID, '- id: demo.q1')}" in problems[0].message


def test_lesson_id_used_by_two_packs_is_a_problem(tmp_path: Path) -> None:
    write(tmp_path, VALID, "a.yaml")
    second_text = edit("  - id: demo.q1", "  - id: other.q1")
    second = write(tmp_path, second_text, "b.yaml")
    problems = check_paths([tmp_path])
    assert [(p.file, p.line, p.field) for p in problems] == [(str(second), 1, "id")]
    assert "lesson id 'demo' is already used by" in problems[0].message


def test_missing_path_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    assert [str(p) for p in check_paths([missing])] == [f"{missing}:1: (file): no such file or directory"]


def test_bad_pack_stops_loading_with_every_problem_named(tmp_path: Path) -> None:
    write(tmp_path, VALID, "a.yaml")
    bad = write(tmp_path, edit("id: demo\n", "id: broken\n", edit("answer: A", "answer: E")), "b.yaml")
    with pytest.raises(LessonError) as caught:
        load_library(tmp_path)
    assert [p.file for p in caught.value.problems] == [str(bad)]
    assert str(caught.value) == str(caught.value.problems[0])
    assert str(bad) in str(caught.value)


def test_skip_bad_leaves_out_the_whole_bad_pack_and_loads_the_rest(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write(tmp_path, VALID, "a.yaml")
    bad_text = edit("id: demo\n", "id: broken\n", VALID + edit("answer: [A, B]", "answer: [A, Z]", FILL))
    bad_text = bad_text.replace("demo.q1", "broken.q1").replace("demo.fill", "broken.fill")
    bad = write(tmp_path, bad_text, "b.yaml")
    with caplog.at_level(logging.WARNING):
        library = load_library(tmp_path, skip_bad=True)
    assert list(library.lessons) == ["demo"]
    # Not half-loaded: the valid first question of the bad pack is absent too.
    assert library.question("broken.q1") is None
    assert library.question("demo.q1") is not None
    assert [p.file for p in library.skipped] == [str(bad)]
    assert any(str(bad) in record.getMessage() for record in caplog.records)


def test_lesson_error_lists_one_line_per_problem(tmp_path: Path) -> None:
    text = edit("answer: A", "answer: E", edit("difficulty: easy", "difficulty: simple"))
    with pytest.raises(LessonError) as caught:
        load_lesson_text(text, file="lessons/x.yaml")
    lines = str(caught.value).splitlines()
    assert lines == [
        f"lessons/x.yaml:{line_of(text, 'answer: E')}: questions[0].answer: 'E' is not one of the options A-D",
        f"lessons/x.yaml:{line_of(text, 'difficulty:')}: questions[0].difficulty: "
        "'simple' is not allowed; use one of 'easy', 'medium' or 'hard'",
    ]


def test_any_line_deleted_or_mangled_gives_problems_not_a_traceback(tmp_path: Path) -> None:
    text = VALID + FILL
    lines = text.splitlines()
    variants = [lines[:n] + lines[n + 1 :] for n in range(len(lines))]
    variants += [
        [*lines[:n], line.replace(":", "", 1) + " [", *lines[n + 1 :]] for n, line in enumerate(lines)
    ]
    path = tmp_path / "pack.yaml"
    for variant in variants:
        path.write_text("\n".join(variant) + "\n", encoding="utf-8")
        problems = check_paths([path])  # must not raise
        for problem in problems:
            assert 1 <= problem.line <= len(variant) + 1, problem
            assert str(problem).startswith(f"{path}:{problem.line}: ")


def test_a_pack_nested_too_deeply_is_one_problem_at_its_line(tmp_path: Path) -> None:
    # 600 levels in 1.2 KB: PyYAML's composer recursed until Python gave up (a 3000-line traceback).
    text = VALID + "extra: " + "[" * 600 + "]" * 600 + "\n"
    path = write(tmp_path, text)
    problem = only_problem(path)
    assert (problem.line, problem.field) == (line_of(text, "extra:"), "(file)")
    assert problem.message == f"nests more than {MAX_YAML_DEPTH} levels deep; a lesson pack needs a few"
    library = load_library(tmp_path, skip_bad=True)
    assert library.lessons == {} and [str(p) for p in library.skipped] == [str(problem)]


def test_nesting_a_pack_needs_is_fine(tmp_path: Path) -> None:
    text = VALID.replace("hint: A price is a number.", "hint: " + "[" * 20 + "x" + "]" * 20)
    problem = only_problem(write(tmp_path, text))
    assert problem.field == "questions[0].hint", "an ordinary problem, not the nesting limit"


def test_a_pack_over_the_size_cap_is_one_problem_without_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, VALID + "#" * MAX_PACK_BYTES + "\n")
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self} was read"))
    problem = only_problem(path)
    assert (problem.line, problem.field) == (1, "(file)")
    assert problem.message == (
        f"is {-(-path.stat().st_size // 1024)} KiB; a lesson pack may be at most "
        f"{MAX_PACK_BYTES // 1024} KiB: split it into several packs"
    )


def test_the_readme_lists_the_required_and_optional_keys_of_the_format() -> None:
    readme = (Path(__file__).resolve().parents[1] / "content" / "README.md").read_text()
    table = readme.split("| where | required | optional |\n|---|---|---|\n")[1].split("\n\n")[0]
    listed = {}
    for row in table.splitlines():
        where, required, optional = (cell.strip() for cell in row.strip("|").split("|"))
        listed[where] = (re.findall(r"`(\w+)`", required), re.findall(r"`(\w+)`", optional))
    models: dict[str, type[BaseModel]] = {
        "lesson": Lesson,
        "question": Question,
        "mistake": Mistake,
        "output_check": OutputCheck,
    }
    assert set(listed) == set(models)
    for where, model in models.items():
        fields = model.model_fields
        assert listed[where] == (
            [name for name, field in fields.items() if field.is_required()],
            [name for name, field in fields.items() if not field.is_required()],
        ), where


def test_a_translation_is_read_by_members_of_its_language_in_the_showings_order(tmp_path: Path) -> None:
    text = edit("    solution:\n      - Predicting", TRANSLATED + "    solution:\n      - Predicting")
    (question,) = load_lesson_text(text).questions
    german = question.in_language("de")
    assert german.prompt == "Welche Verlustfunktion passt zu einem Preis?"
    assert german.hint == "Ein Preis ist eine Zahl." and german.answer == question.answer
    assert question.in_language("fr") is question and question.in_language(None) is question
    shown = question.arranged(7)
    assert shown.in_language("de").options == shown.options  # same option texts here, same order
    assert shown.in_language("de").answer == shown.answer and shown.in_language("de").prompt == german.prompt


def test_a_fill_in_translation_keeps_the_blanks(tmp_path: Path) -> None:
    translated = FILL.replace(
        "    demo: |",
        "    translations:\n      es-ES:\n        prompt: Eleva al cuadrado los pares.\n"
        '        options: ["**", "%", "//", "+"]\n        hint: Una potencia.\n'
        '        solution: ["** eleva."]\n        code: "squares = {x: x[1]2 for x in range(6)}"\n'
        "    demo: |",
    )
    path = write(tmp_path, VALID + translated)
    problem = only_problem(path)
    assert problem.field == "questions[1].translations.es-ES.code"
    assert "must have the question's blanks ([1], [2])" in problem.message
    fixed = translated.replace("for x in range(6)}", "for x in range(6) if x [2] 2 == 0}")
    (_, fill) = load_lesson_text(VALID + fixed).questions
    assert fill.in_language("es-419").prompt == "Eleva al cuadrado los pares."  # Spanish beats English
    assert fill.in_language("es-419").code == "squares = {x: x[1]2 for x in range(6) if x [2] 2 == 0}"
