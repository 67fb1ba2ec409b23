"""Shuffled options: each showing letters a question's options in an order of its own, drawn from a
seed, while everything stored stays in the pack's letters."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from content import Library, load_library
from content.loader import LessonError

PACK = """\
id: sh
title: Shuffle
topic: testing
source: written for the tests
questions:
  - id: sh.q
    kind: multiple_choice
    prompt: Which method updates the weights?
    options: [optimizer.apply_gradients, model.compile, tf.Variable, model.summary]
    answer: A
    difficulty: hard
    hint: It takes pairs.
    mistakes:
      - text: compile only configures training.
        option: B
    solution:
      - apply_gradients changes each variable.
    demo: print("A")
    output_check:
      pattern: "A"
      supports: A
  - id: sh.blanks
    kind: fill_blanks
    prompt: Square the even numbers.
    code: |
      squares = {x: x[1]2 for x in range(6) if x [2] 2 == 0}
    options: ["**", "%", "//", "+"]
    answer: [A, B]
    difficulty: medium
    hint: A power, then a remainder.
    solution:
      - "** raises to a power; % gives the remainder."
"""


def pack(tmp_path: Path, text: str = PACK) -> Library:
    (tmp_path / "sh.yaml").write_text(text)
    return load_library(tmp_path)


def problems_of(tmp_path: Path, text: str) -> str:
    with pytest.raises(LessonError) as caught:
        pack(tmp_path, text)
    return str(caught.value)


def test_a_showing_letters_the_options_its_own_way_and_keeps_every_letter_pointing_at_the_same_text(
    tmp_path: Path,
) -> None:
    question = pack(tmp_path).questions["sh.q"]
    orders = {tuple(question.arranged(post).options) for post in range(1, 40)}
    assert len(orders) > 6, "different posts show different orders"
    for post in range(1, 40):
        shown = question.arranged(post)
        assert sorted(shown.options) == sorted(question.options)
        assert shown.answer_texts == question.answer_texts, "the right option stays right"
        (wrong,) = [m for m in shown.mistakes if m.option]
        assert wrong.option is not None and shown.option_text(wrong.option) == "model.compile"
        assert shown.output_check is not None
        assert shown.option_text(shown.output_check.supports) == "optimizer.apply_gradients"
        for letter in shown.letters:
            (stored,) = shown.lesson_letters((letter,))
            assert question.option_text(stored) == shown.option_text(letter), "stored in the pack's letters"
            assert shown.shown_letters((stored,)) == (letter,)
        assert shown.in_lesson_order is question


def test_the_same_seed_gives_the_same_order_after_a_reload(tmp_path: Path) -> None:
    question = pack(tmp_path).questions["sh.q"]
    again = load_library(tmp_path).questions["sh.q"]
    assert question.arranged(17).options == again.arranged(17).options
    assert question.arranged(17).arranged(17).options == question.arranged(17).options, "not shuffled twice"


def test_blanks_keep_one_right_option_per_blank_and_the_filled_code(tmp_path: Path) -> None:
    question = pack(tmp_path).questions["sh.blanks"]
    for post in range(1, 20):
        shown = question.arranged(post)
        assert shown.answer_texts == ("**", "%")
        assert shown.filled_code() == question.filled_code()


def test_a_pack_can_pin_the_order_and_only_true_or_false_says_so(tmp_path: Path) -> None:
    pinned = pack(
        tmp_path,
        PACK.replace("    kind: multiple_choice\n", "    kind: multiple_choice\n    shuffle: false\n"),
    )
    question = pinned.questions["sh.q"]
    assert all(question.arranged(post) is question for post in range(1, 10))
    bad = PACK.replace("    kind: multiple_choice\n", "    kind: multiple_choice\n    shuffle: no\n")
    assert "sh.yaml:8: questions[0].shuffle: must be true or false" in problems_of(tmp_path, bad)


def test_order_bound_options_and_options_named_by_letter_are_refused_in_a_shuffled_question(
    tmp_path: Path,
) -> None:
    above = PACK.replace("model.summary]", "All of the above]")
    assert (
        "sh.yaml:9: questions[0].options[3]: 'All of the above' depends on the order, but options are "
        "shuffled when shown: add `shuffle: false` to this question"
    ) in problems_of(tmp_path, above)
    by_letter = PACK.replace("apply_gradients changes each variable.", "So the answer is option A.")
    assert (
        "questions[0].solution[0]: names option A by its letter, but options are shuffled when shown: "
        "name the option by its text, or add `shuffle: false` to this question"
    ) in problems_of(tmp_path, by_letter)
    english = PACK.replace(
        "It takes pairs.", "Which of these options a beginner picks, and the option I prefer, differ."
    )
    assert pack(tmp_path, english).questions["sh.q"].shuffle, "ordinary English is not a letter"
    pinned = by_letter.replace(
        "    kind: multiple_choice\n", "    kind: multiple_choice\n    shuffle: false\n"
    )
    assert pack(tmp_path, pinned.replace("model.summary]", "All of the above]")).questions["sh.q"]


def test_across_many_posts_the_right_answer_of_every_bundled_question_moves_around() -> None:
    """Where the right answer sits tells nobody anything: over 200 posts each letter gets its share."""
    library = load_library()
    for question in library.questions.values():
        if question.kind != "multiple_choice" or not question.shuffle:
            continue
        seen = Counter(question.arranged(post).answer_letters[0] for post in range(200))
        assert set(seen) == set(question.letters), question.id
        assert max(seen.values()) / 200 < 0.5, (question.id, seen)


def test_every_bundled_question_shuffles() -> None:
    assert all(q.shuffle for q in load_library().questions.values()), "no bundled question needs its order"
