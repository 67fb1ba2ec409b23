"""The lessons that ship with the bot: valid, complete, and the seed encoded with its right answers."""

from __future__ import annotations

import ast
import json
import re
from collections import Counter

import jsonschema
import pytest
import yaml

from content import (
    DEFAULT_LESSONS_DIR,
    Library,
    Question,
    card_description,
    check_paths,
    json_schema,
    load_library,
    question_rows,
)
from content.models import BLANK_RE

SEED = "training-weights"

# The seed's "Final Answer" lines (its "Quick Check" letters contradict them and are wrong).
SEED_ANSWERS = {
    "weights.task1": ["1"],
    "weights.task2": ["mean_squared_error"],
    "weights.task3": ["fit"],
    "weights.task4": ["**", "%"],
    "weights.task5": ["k.upper()", "v", ">"],
    "weights.q1": ["To reduce the difference between predicted and actual values"],
    "weights.q2": ["optimizer.apply_gradients(zip(grads, model.trainable_variables))"],
    "weights.q3": ["A positive number that depends on the random starting weight"],
    "weights.q4": ["The optimizer is not applied to update weights"],
    "weights.q5": ["It helps the model learn patterns from data to make better predictions"],
}


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


def test_bundled_lessons_pass_the_checker() -> None:
    assert [str(p) for p in check_paths([DEFAULT_LESSONS_DIR])] == []


def test_library_has_four_lessons_and_forty_questions_with_unique_ids(library: Library) -> None:
    assert len(library.lessons) >= 4
    counted = sum(len(lesson.questions) for lesson in library.lessons.values())
    assert counted >= 40
    assert len(library.questions) == counted  # no id shadowed another
    assert list(library.lessons) == [
        "training-weights",
        "losses",
        "optimizers",
        "gradient-tape",
        "overfitting",
    ]


def test_every_lesson_mixes_difficulties_and_kinds(library: Library) -> None:
    for lesson in library.lessons.values():
        assert len({q.difficulty for q in lesson.questions}) == 3, lesson.id
        assert {q.kind for q in lesson.questions} == {"multiple_choice", "fill_blanks"}, lesson.id


def test_every_code_question_has_a_demo_that_is_valid_python(library: Library) -> None:
    for question in library.questions.values():
        if question.code is not None:
            assert question.demo is not None, question.id
        if question.demo is not None:
            compile(question.demo, question.id, "exec")


def test_demos_that_fit_a_model_keep_keras_quiet(library: Library) -> None:
    for question in library.questions.values():
        for call in re.findall(r"\.fit\((.*?)\)\n", question.demo or "", flags=re.S):
            assert "verbose=0" in call, question.id


def test_seed_questions_have_the_seeds_final_answers(library: Library) -> None:
    seed = library.lesson(SEED)
    assert seed is not None
    assert [q.id for q in seed.questions] == list(SEED_ANSWERS)
    for qid, texts in SEED_ANSWERS.items():
        question = library.question(qid)
        assert question is not None and question.lesson_id == SEED
        assert list(question.answer_texts) == texts, qid
    # The seed's Final Answers are A, D, C, A, B; q5's options are reordered to balance the keys.
    assert [library.questions[f"weights.q{n}"].answer for n in range(1, 6)] == ["A", "D", "C", "A", "D"]
    kinds = Counter(q.kind for q in seed.questions)
    assert kinds == {"fill_blanks": 5, "multiple_choice": 5}


def test_seed_task5_has_its_missing_brace_restored(library: Library) -> None:
    task5 = library.questions["weights.task5"]
    assert task5.filled_code() == "result = {k.upper(): v for k, v in data.items() if v > 0}\n"


def test_seed_pack_notes_every_correction(library: Library) -> None:
    notes = " ".join(library.lessons[SEED].notes)
    for fact in ("Quick Check", "`{`", "close to 1.0", "3.785623", "8.036369", "input_shape", "80-character"):
        assert fact in notes, fact
    header = library.lessons[SEED].path.read_text(encoding="utf-8").split("\nid:")[0]
    assert "Quick Check" in header and "13.9" in header


def test_seed_q3_output_check_accepts_the_real_losses_only(library: Library) -> None:
    check = library.questions["weights.q3"].output_check
    assert check is not None and check.supports == "C"
    # keras.utils.set_random_seed(0) / (1) then the seed's step prints these (measured).
    for printed in ("3.785623", "8.036369", "0.0735"):
        assert re.fullmatch(check.pattern, printed)
    for printed in ("-1.0", "0", "Traceback (most recent call last):"):
        assert not re.fullmatch(check.pattern, printed)


def test_wrong_options_explain_themselves(library: Library) -> None:
    q1 = library.questions["weights.q1"]
    picked = q1.mistake_for("D")
    assert picked is not None and picked.text == "Thinking training changes input data"
    assert q1.mistake_for("A") is None  # the right answer has no "mistake"
    assert q1.option_text("C") == "To make the code run faster"
    with pytest.raises(KeyError):
        q1.option_text("E")


def test_question_rows_list_every_question_with_answer_texts(library: Library) -> None:
    rows = question_rows(library)
    assert len(rows) == len(library.questions)
    json.dumps(rows)  # the CLI prints them as JSON
    assert set(rows[0]) == {"id", "lesson", "kind", "difficulty", "prompt", "options", "answer", "has_demo"}
    by_id = {row["id"]: row for row in rows}
    for qid, texts in SEED_ANSWERS.items():
        assert by_id[qid]["answer"] == texts
        assert by_id[qid]["lesson"] == SEED
    task4 = by_id["weights.task4"]
    assert task4 == {
        "id": "weights.task4",
        "lesson": SEED,
        "kind": "fill_blanks",
        "difficulty": "hard",
        "prompt": "Fill both blanks to create a dictionary comprehension that stores squared values for even numbers.",
        "options": ["**", "%", "//", "+"],
        "answer": ["**", "%"],
        "has_demo": True,
    }
    assert by_id["weights.q1"]["has_demo"] is False


def test_every_output_check_names_the_answer(library: Library) -> None:
    checked = [q for q in library.questions.values() if q.output_check is not None]
    assert len(checked) >= 10
    for question in checked:
        assert question.output_check is not None
        assert question.output_check.supports == question.answer
        re.compile(question.output_check.pattern)


def test_json_schema_accepts_the_bundled_packs_as_an_editor_reads_them() -> None:
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    for path in sorted(DEFAULT_LESSONS_DIR.glob("*.yaml")):
        # An editor reads YAML with its usual typing, so numbers and yes/no must be quoted in the packs.
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        jsonschema.validate(data, schema)


def test_json_schema_flags_a_typo_while_typing() -> None:
    data = yaml.safe_load((DEFAULT_LESSONS_DIR / "000_training_weights.yaml").read_text(encoding="utf-8"))
    data["questions"][0]["hnit"] = data["questions"][0].pop("hint")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, json_schema())


def test_default_lessons_dir_is_the_packaged_folder() -> None:
    assert DEFAULT_LESSONS_DIR.name == "lessons"
    assert DEFAULT_LESSONS_DIR.parent.name == "content"
    assert (DEFAULT_LESSONS_DIR / "000_training_weights.yaml").is_file()


def test_question_is_frozen(library: Library) -> None:
    question: Question = library.questions["weights.q1"]
    with pytest.raises(ValueError):
        question.answer = "B"  # type: ignore[misc]


def test_questions_and_lessons_can_be_set_members_and_dict_keys(library: Library) -> None:
    questions = set(library.questions.values())
    assert len(questions) == len(library.questions)
    tries = {library.questions["weights.q1"]: 1}
    assert tries[load_library().questions["weights.q1"]] == 1  # equal questions hash equally
    assert len(set(library.lessons.values())) == len(library.lessons)


def test_blanks_show_as_slots_wherever_the_card_is_drawn_and_the_filled_code_parses(library: Library) -> None:
    blanks = [q for q in library.questions.values() if q.kind == "fill_blanks"]
    assert blanks
    for question in blanks:
        card = card_description(question)
        shown = question.shown_code()
        assert shown is not None and shown in card
        for n in range(1, question.blanks + 1):
            assert f"⟨{n}⟩" in shown, question.id
        assert BLANK_RE.search(shown) is None, f"{question.id}: a `[1]` blank reads as a list or an index"
        filled = question.filled_code()
        assert filled is not None
        ast.parse(filled)


def test_no_letter_holds_more_than_40_percent_of_the_bundled_multiple_choice_keys(library: Library) -> None:
    keys = Counter(q.answer_letters for q in library.questions.values() if q.kind == "multiple_choice")
    letter, count = keys.most_common(1)[0]
    assert count <= 0.4 * sum(keys.values()), f"{letter} is the answer of {count} of {sum(keys.values())}"
