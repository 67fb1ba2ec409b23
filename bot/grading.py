"""Grading rules for posted questions: Moodle's "interactive with multiple tries", adapted.

Pure functions only: no discord, no storage. Points are integer *thirds* of a point so that
1 - (k-1)/3 is exact: easy right on try 2 is 2 thirds (rendered "0.67"), hard on try 1 is 9 (rendered "3").
The database stores these integers; `format_points` turns them into text for people.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.i18n import babel_locale, ngettext, number

MAX_TRIES = 3
# Whole points per difficulty; a right answer on try k earns base x (1 - (k-1)/3).
BASE_POINTS: dict[str, int] = {"easy": 1, "medium": 2, "hard": 3}
THIRDS_PER_POINT = 3


class MistakeLike(Protocol):
    @property
    def text(self) -> str: ...


class QuestionLike(Protocol):
    """What grading needs from `content.Question` (typed structurally so grading stays import-free)."""

    @property
    def id(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def difficulty(self) -> str: ...
    @property
    def answer_letters(self) -> tuple[str, ...]: ...
    @property
    def hint(self) -> str: ...
    def mistake_for(self, letter: str) -> MistakeLike | None: ...


@dataclass(frozen=True, slots=True)
class Feedback:
    """What a member is told after one try. `points` is in thirds (see module docstring)."""

    right: bool
    points: int
    try_no: int
    tries_left: int
    show_hint: bool
    mistake_text: str | None
    show_solution: bool
    done: bool

    @property
    def points_text(self) -> str:
        """The points earned, for people: "2 points", "1 point", "0.67 points"."""
        return points_phrase(self.points)


def points_for(difficulty: str, try_no: int) -> int:
    """Points, in thirds, for a right answer on try `try_no` (1-based) of a question of `difficulty`."""
    if difficulty not in BASE_POINTS:
        raise ValueError(f"unknown difficulty {difficulty!r}; expected one of {sorted(BASE_POINTS)}")
    if not 1 <= try_no <= MAX_TRIES:
        raise ValueError(f"try_no must be between 1 and {MAX_TRIES}, got {try_no}")
    # base x (1 - (k-1)/3) in thirds = base x (4 - k) when MAX_TRIES is 3.
    return BASE_POINTS[difficulty] * (MAX_TRIES + 1 - try_no)


LIVE_MAX_POINTS = 1000


def speed_points(right: bool, seconds: float, limit: float) -> int:
    """A live round's points for one answer, Kahoot's rule: right earns
    round(1000 x (1 - t / (2T))) (t: seconds taken, T: the time limit), so 1000 at once and 500 at
    the buzzer; wrong or no answer 0. These rank the game only; the regular boards count the answer
    as a first try (points_for)."""
    if not right:
        return 0
    taken = min(max(seconds, 0.0), limit)
    return round(LIVE_MAX_POINTS * (1 - taken / (2 * limit)))


def thirds_to_points(thirds: int) -> float:
    return thirds / THIRDS_PER_POINT


def format_points(thirds: int) -> str:
    """Render thirds for people: 9 -> "3", 2 -> "0.67", 4 -> "1.33", 0 -> "0"."""
    text = f"{thirds / THIRDS_PER_POINT:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def points_phrase(thirds: int) -> str:
    """Points with their noun, in the language being spoken: "1 point", but "0.67 points" and
    "0 points". A fraction takes the form its language's CLDR rule gives it (English "0.67 points",
    French "0,67 point" but "12,33 points"): gettext's rules only count whole numbers."""
    whole, part = divmod(thirds, THIRDS_PER_POINT)
    value = round(thirds / THIRDS_PER_POINT, 2)
    count = whole if part == 0 else (1 if babel_locale().plural_form(value) == "one" else 2)
    # TRANSLATORS: {points} is a number of points, maybe with decimals: 1, 0.67, 12.33.
    phrase = ngettext("{points} point", "{points} points", count)
    return phrase.format(points=number(value))


def _norm(letter: str) -> str:
    return letter.strip().upper()


def grade(question: QuestionLike, chosen: Sequence[str]) -> bool:
    """True when `chosen` is the right answer.

    multiple_choice: the set of chosen letters equals the set of right letters (order does not matter).
    fill_blanks: one letter per blank, every blank right.
    """
    answer = tuple(_norm(a) for a in question.answer_letters)
    picked = tuple(_norm(c) for c in chosen)
    if question.kind == "fill_blanks":
        return len(picked) == len(answer) and picked == answer
    if question.kind == "multiple_choice":
        return len(picked) > 0 and set(picked) == set(answer)
    raise ValueError(f"unknown question kind {question.kind!r}")


def mistake_text(question: QuestionLike, chosen: Sequence[str]) -> str | None:
    """The common mistake tied to the first wrong option the member picked, if the lesson has one."""
    answer = tuple(_norm(a) for a in question.answer_letters)
    if question.kind == "fill_blanks":
        wrong = [c for i, c in enumerate(chosen) if i >= len(answer) or _norm(c) != answer[i]]
    else:
        wrong = [c for c in chosen if _norm(c) not in answer]
    for letter in wrong:
        mistake = question.mistake_for(_norm(letter))
        if mistake is not None:
            return mistake.text
    return None


def feedback_for(question: QuestionLike, chosen: Sequence[str], try_no: int) -> Feedback:
    """Decide what the member sees after try `try_no`.

    Right answer: points for that try, the solution, done.
    Wrong with tries left: the hint and the mistake tied to the picked option; no solution yet.
    Wrong on the last try: the mistake and the solution (a hint is useless with no tries left), done.
    """
    if not 1 <= try_no <= MAX_TRIES:
        raise ValueError(f"try_no must be between 1 and {MAX_TRIES}, got {try_no}")
    right = grade(question, chosen)
    if right:
        return Feedback(
            right=True,
            points=points_for(question.difficulty, try_no),
            try_no=try_no,
            tries_left=0,
            show_hint=False,
            mistake_text=None,
            show_solution=True,
            done=True,
        )
    tries_left = MAX_TRIES - try_no
    return Feedback(
        right=False,
        points=0,
        try_no=try_no,
        tries_left=tries_left,
        show_hint=tries_left > 0,
        mistake_text=mistake_text(question, chosen),
        show_solution=tries_left == 0,
        done=tries_left == 0,
    )
