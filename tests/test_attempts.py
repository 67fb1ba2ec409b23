"""The try rule (bot.attempts.decide) on its own: what a click becomes, given what is stored."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

from bot.attempts import AttemptStatus, NewTry, decide
from storage.attempt_rows import AttemptState, StoredTry
from tests.fakes import Question

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


def state(
    chosen: str, *tries: StoredTry, closed: bool = False, closes_at: datetime | None = None
) -> AttemptState:
    return AttemptState(tuple(chosen), NOW, closed, closes_at, tries)


WRONG_A = StoredTry(1, ("A",), False, 0)


def test_a_first_right_try_is_stored_with_its_points() -> None:
    outcome, new = decide(state("B"), Question())
    assert (outcome.status, outcome.try_no, outcome.points) == (AttemptStatus.RECORDED, 1, 9)
    assert new == NewTry(1, ("B",), True, 9)


def test_a_wrong_try_is_stored_and_the_next_one_earns_less() -> None:
    outcome, new = decide(state("A"), Question())
    assert new == NewTry(1, ("A",), False, 0)
    assert outcome.feedback is not None and outcome.feedback.mistake_text == "A is the loss, not the weights."
    outcome, new = decide(state("B", WRONG_A), Question())
    assert (outcome.try_no, outcome.points) == (2, 6) and new == NewTry(2, ("B",), True, 6)


def test_the_same_wrong_choice_again_costs_no_try() -> None:
    outcome, new = decide(state("A", WRONG_A, StoredTry(2, ("C",), False, 0)), Question())
    assert (outcome.status, outcome.try_no, new) == (AttemptStatus.REPEATED, 2, None)
    assert outcome.feedback is not None and outcome.feedback.tries_left == 1


def test_after_a_right_try_or_the_last_try_nothing_more_is_stored() -> None:
    right = decide(state("A", StoredTry(1, ("B",), True, 9)), Question())
    assert (right[0].status, right[0].points, right[1]) == (AttemptStatus.ALREADY_DONE, 9, None)
    used_up = (WRONG_A, StoredTry(2, ("C",), False, 0), StoredTry(3, ("D",), False, 0))
    outcome, new = decide(state("B", *used_up, closed=True), Question())
    assert (outcome.status, outcome.try_no, new) == (AttemptStatus.ALREADY_DONE, 3, None)
    assert outcome.feedback is not None and outcome.feedback.show_solution


def test_a_closed_post_or_one_past_its_closing_time_takes_no_try() -> None:
    for closed in (state("B", closed=True), state("B", WRONG_A, closes_at=NOW), state("B", closes_at=NOW)):
        outcome, new = decide(closed, Question())
        assert (outcome.status, outcome.feedback, new) == (AttemptStatus.CLOSED, None, None)
    assert decide(state("B", closes_at=NOW + timedelta(seconds=1)), Question())[0].recorded


def test_the_rule_imports_neither_storage_nor_discord() -> None:
    code = (
        "import sys, bot.attempts; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'discord', 'storage', 'sqlalchemy', 'cogs'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"
