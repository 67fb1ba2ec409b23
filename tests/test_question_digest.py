"""Question.digest: what a post keeps of the question it showed, to tell a later click whether the
question is still that one. Only what a post shows and grades counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from content import Question, load_library

PACK = """\
id: dg
title: Digest
topic: testing
source: written for the tests
questions:
  - id: dg.q
    kind: multiple_choice
    prompt: Which method updates the weights?
    options: [optimizer.apply_gradients, model.compile, tf.Variable]
    answer: A
    difficulty: hard
    hint: It takes pairs.
    mistakes:
      - text: compile only configures training.
        option: B
    solution:
      - apply_gradients changes each variable.
"""


def question(tmp_path: Path, text: str = PACK) -> Question:
    folder = tmp_path / str(len(list(tmp_path.iterdir())))
    folder.mkdir()
    (folder / "dg.yaml").write_text(text)
    found = load_library(folder).question("dg.q")
    assert found is not None
    return found


def test_a_digest_is_sixteen_hex_digits_and_the_same_in_every_process(tmp_path: Path) -> None:
    digest = question(tmp_path).digest
    # Pinned: a digest computed differently after an upgrade would turn every open post into "changed".
    assert digest == "be221db16b55c519"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("hint: It takes pairs.", "hint: It takes (gradient, variable) pairs."),
        ("- apply_gradients changes each variable.", "- apply_gradients moves each variable."),
        ("text: compile only configures training.", "text: compile only sets training up."),
        ("difficulty: hard", "difficulty: medium"),
    ],
)
def test_fixing_the_feedback_or_difficulty_keeps_the_digest(tmp_path: Path, old: str, new: str) -> None:
    assert new not in PACK
    assert question(tmp_path, PACK.replace(old, new)).digest == question(tmp_path).digest


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("answer: A", "answer: C"),
        ("tf.Variable]", "tf.constant]"),
        ("Which method updates", "Which call updates"),
        ("    answer: A\n", "    answer: A\n    shuffle: false\n"),
        ("    answer: A\n", "    answer: A\n    code: opt.apply_gradients(pairs)\n"),
    ],
)
def test_changing_what_a_post_shows_or_grades_changes_the_digest(tmp_path: Path, old: str, new: str) -> None:
    assert old in PACK
    assert question(tmp_path, PACK.replace(old, new)).digest != question(tmp_path).digest


def test_every_showing_and_a_servers_copy_have_the_pack_questions_digest(tmp_path: Path) -> None:
    base = question(tmp_path)
    showings = [base.arranged(seed) for seed in range(6)]
    assert len({tuple(s.options) for s in showings}) > 1, "the showings do shuffle"
    assert {s.digest for s in showings} == {base.digest}
    lesson = load_library(tmp_path / "0").lesson("dg")
    assert lesson is not None
    (scoped,) = lesson.for_server(123).questions
    assert scoped.id != base.id and scoped.digest == base.digest
