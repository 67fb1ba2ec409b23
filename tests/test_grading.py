"""The grading rules members feel: points per difficulty and try, hints, mistakes, solutions."""

from __future__ import annotations

import functools

import pytest

from bot import grading, live
from bot.grading import MAX_TRIES, QuestionLike, feedback_for, format_points, grade, points_for, points_phrase
from bot.i18n import speaking, translations
from storage.live_games import LiveAnswer
from tests.fakes import Question

# The stand-in of tests/fakes.py, with this file's defaults: medium, no mistakes unless given.
FakeQuestion = functools.partial(
    Question, id="q1", difficulty="medium", hint="Think about what the optimizer updates.", mistakes={}
)


@pytest.mark.parametrize(
    ("difficulty", "try_no", "thirds", "shown"),
    [
        ("hard", 1, 9, "3"),
        ("hard", 2, 6, "2"),
        ("hard", 3, 3, "1"),
        ("medium", 1, 6, "2"),
        ("medium", 2, 4, "1.33"),
        ("medium", 3, 2, "0.67"),
        ("easy", 1, 3, "1"),
        ("easy", 2, 2, "0.67"),
        ("easy", 3, 1, "0.33"),
    ],
)
def test_right_answer_points_shrink_by_a_third_per_try(
    difficulty: str, try_no: int, thirds: int, shown: str
) -> None:
    assert points_for(difficulty, try_no) == thirds
    assert format_points(thirds) == shown


@pytest.mark.parametrize("try_no", [0, 4, -1])
def test_points_refuse_a_try_outside_one_to_three(try_no: int) -> None:
    with pytest.raises(ValueError, match="try_no"):
        points_for("easy", try_no)


def test_points_refuse_an_unknown_difficulty() -> None:
    with pytest.raises(ValueError, match="difficulty"):
        points_for("impossible", 1)


def test_format_points_renders_totals_of_mixed_thirds() -> None:
    assert format_points(0) == "0"
    assert format_points(5) == "1.67"
    assert format_points(30) == "10"


def test_multiple_choice_is_right_only_with_the_right_letter() -> None:
    q = FakeQuestion(answer_letters=("B",))
    assert grade(q, ("B",))
    assert grade(q, ("b",))
    assert not grade(q, ("A",))
    assert not grade(q, ())
    assert not grade(q, ("A", "B"))


def test_fill_blanks_needs_every_blank_right_in_order() -> None:
    q = FakeQuestion(kind="fill_blanks", answer_letters=("A", "C", "B"))
    assert grade(q, ("A", "C", "B"))
    assert not grade(q, ("A", "C", "D"))
    assert not grade(q, ("C", "A", "B"))
    assert not grade(q, ("A", "C"))


def test_wrong_answer_shows_hint_mistake_and_tries_left() -> None:
    q = FakeQuestion(mistakes={"A": "That is the loss, not the weights."})
    fb = feedback_for(q, ("A",), 1)
    assert not fb.right
    assert fb.points == 0
    assert fb.tries_left == 2
    assert fb.show_hint
    assert fb.mistake_text == "That is the loss, not the weights."
    assert not fb.show_solution
    assert not fb.done


def test_wrong_option_without_a_known_mistake_still_shows_hint() -> None:
    q = FakeQuestion(mistakes={"A": "loss"})
    fb = feedback_for(q, ("C",), 2)
    assert fb.show_hint
    assert fb.mistake_text is None
    assert fb.tries_left == 1


def test_fill_blanks_mistake_comes_from_the_first_wrong_blank() -> None:
    q = FakeQuestion(
        kind="fill_blanks",
        answer_letters=("A", "B"),
        mistakes={"A": "not this one", "C": "C computes the loss twice"},
    )
    fb = feedback_for(q, ("A", "C"), 1)
    assert fb.mistake_text == "C computes the loss twice"


def test_last_wrong_try_shows_solution_and_ends() -> None:
    q = FakeQuestion(mistakes={"A": "loss"})
    fb = feedback_for(q, ("A",), MAX_TRIES)
    assert not fb.right
    assert fb.done
    assert fb.show_solution
    assert fb.tries_left == 0
    assert not fb.show_hint
    assert fb.mistake_text == "loss"


def test_right_answer_on_second_try_shows_solution_and_earns_two_thirds() -> None:
    q = FakeQuestion(difficulty="hard")
    fb = feedback_for(q, ("B",), 2)
    assert fb.right
    assert fb.done
    assert fb.show_solution
    assert not fb.show_hint
    assert fb.points == 6
    assert fb.points_text == "2 points"


def test_every_bundled_question_grades_its_own_answer_right_and_explains_tied_mistakes() -> None:
    from content.loader import load_library

    library = load_library()
    assert library.questions, "the bundled lesson pack should have questions"
    explained = 0
    for real in library.questions.values():
        q: QuestionLike = real  # the content model satisfies grading's protocol
        right = feedback_for(q, q.answer_letters, 1)
        assert right.right and right.points == points_for(q.difficulty, 1), q.id
        for mistake in real.mistakes:
            if mistake.option is None:
                continue
            chosen = list(q.answer_letters)
            if q.kind == "fill_blanks":
                # put the mistaken option in the first blank whose answer differs from it
                slot = next((i for i, a in enumerate(chosen) if a != mistake.option), None)
                if slot is None:
                    continue
                chosen[slot] = mistake.option
            else:
                chosen = [mistake.option]
            wrong = feedback_for(q, tuple(chosen), 1)
            assert not wrong.right and wrong.show_hint, (q.id, mistake.option)
            assert wrong.mistake_text == mistake.text, (q.id, mistake.option)
            explained += 1
    assert explained > 0


def test_grading_is_pure_no_discord_storage_or_tensorflow() -> None:
    import subprocess
    import sys

    code = (
        "import sys, bot.grading; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'discord', 'storage', 'sqlalchemy', 'tensorflow'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"


def test_points_are_said_with_the_right_noun() -> None:
    assert [points_phrase(t) for t in (3, 2, 0, 9, 4)] == [
        "1 point",
        "0.67 points",
        "0 points",
        "3 points",
        "1.33 points",
    ]


def test_live_speed_points_follow_kahoots_rule() -> None:
    # round(1000 x (1 - t / (2T))): 1000 at once, 500 at the buzzer, nothing for a wrong answer.
    assert grading.speed_points(True, 0.0, 20) == 1000
    assert grading.speed_points(True, 3.2, 20) == 920
    assert grading.speed_points(True, 20.0, 20) == 500
    assert grading.speed_points(True, 25.0, 20) == 500, "a late clock never drops below the buzzer"
    assert grading.speed_points(False, 0.5, 20) == 0


def test_live_standings_rank_by_points_then_by_the_smaller_total_time() -> None:
    def a(member: int, post: int, right: bool, seconds: float) -> LiveAnswer:
        return LiveAnswer(post_id=post, member_id=member, chosen=("A",), right=right, seconds=seconds)

    table = live.standings(
        [
            a(1, 1, True, 2.0),
            a(2, 1, True, 2.0),
            a(3, 1, False, 0.5),
            a(1, 2, False, 9.0),
            a(2, 2, False, 1.0),
        ],
        limit_seconds=10,
    )
    # 1 and 2 both have 900 points; 2 answered faster in total (3 s against 11 s).
    assert [(s.member_id, s.points) for s in table] == [(2, 900), (1, 900), (3, 0)]
    assert live.accuracy([a(1, 1, True, 1), a(2, 1, False, 1)], [1, 2]) == [(1, 2), (0, 0)]


def test_fractional_points_take_the_plural_form_of_each_language() -> None:
    french = translations("fr")
    assert french.gettext("Hint") != "Hint", "the French catalog is shipped"
    with speaking("en-US"):
        assert [points_phrase(t) for t in (2, 3, 37)] == ["0.67 points", "1 point", "12.33 points"]
    with speaking("fr"):  # French counts 0 and 1.x as one, the rest as many
        assert points_phrase(2) == french.ngettext("{points} point", "{points} points", 1).format(
            points="0,67"
        )
        assert points_phrase(37) == french.ngettext("{points} point", "{points} points", 2).format(
            points="12,33"
        )
