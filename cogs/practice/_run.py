"""A practice run as plain data: what is in its custom_ids, which questions it asks, how it scored.

No discord import: the cog turns these into messages, tests can call them directly.

A run's whole state travels in its buttons' custom_ids, so any bot process can continue it:

    key      6 base-36 characters: a fingerprint of the lesson (id, question ids, kinds, answers).
             A lesson edited in a way that changes the questions gets a new key, so an old run is
             refused politely instead of grading against different questions.
    mode     "l" (learn) or "t" (test)
    started  the start time in epoch seconds, base 36; with the key, the seed of a test's question
             order and of every question's order of options
    history  one character per answered question: the chosen letter (as the run showed the options)
             for multiple choice (rightness is re-graded from the lesson), "1"/"0" (right/wrong) for
             fill-in-the-blanks, whose picks would not fit. The number of answers is the position.
    sig      6 base-36 characters of an HMAC of the rest (Signer), so a member cannot forge a run
             (a finished test with every answer right, say).
"""

from __future__ import annotations

import hashlib
import hmac
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from bot import grading
from content import DIFFICULTIES, LETTERS, Lesson, Question

Mode = Literal["learn", "test"]
MODE_CODES: dict[str, Mode] = {"l": "learn", "t": "test"}
# What practice_runs.record_practice_run calls each mode.
STORED_MODE: dict[Mode, str] = {"learn": "practice", "test": "test"}

KEY_CHARS = 6
DIGITS36 = "0123456789abcdefghijklmnopqrstuvwxyz"
BLANKS_RIGHT, BLANKS_WRONG = "1", "0"
SIGNATURE_CHARS = 6  # about 31 bits: guessing one through Discord's rate limits is out of reach
# A learn run covers the lesson's first 50 questions: one history character each must fit in a
# 100-character custom_id next to the rest of the signed state.
MAX_LEARN_QUESTIONS = 50
MAX_TEST_QUESTIONS = 10
STARTED_PATTERN = "[0-9a-z]{1,8}"
# A run as its buttons carry it: {key}:{mode}:{started}:{history}:{sig}, e.g. 0k3x9a:l:t2a8qz:AB1:3kq0zz
STATE_PATTERN = (
    rf"(?P<key>[0-9a-z]{{{KEY_CHARS}}}):(?P<mode>[lt]):(?P<started>{STARTED_PATTERN}):"
    rf"(?P<history>[{LETTERS}{BLANKS_RIGHT}{BLANKS_WRONG}]{{0,{MAX_LEARN_QUESTIONS}}}):"
    rf"(?P<sig>[0-9a-z]{{{SIGNATURE_CHARS}}})"
)
_STATE_RE = re.compile(STATE_PATTERN)


def to36(number: int) -> str:
    if number < 0:
        raise ValueError("only non-negative numbers")
    out = ""
    while True:
        number, digit = divmod(number, 36)
        out = DIGITS36[digit] + out
        if number == 0:
            return out


def from36(text: str) -> int:
    return int(text, 36)


def lesson_key(lesson: Lesson) -> str:
    """A short fingerprint of what a run depends on: the lesson id and its questions' ids, kinds,
    answers and whether their options are shuffled."""
    parts = [lesson.id] + [
        f"{q.id}|{q.kind}|{','.join(q.answer_letters)}|{len(q.options)}|{'s' if q.shuffle else 'p'}"
        for q in lesson.questions
    ]
    digest = int.from_bytes(hashlib.sha256("\n".join(parts).encode()).digest()[:8], "big")
    return to36(digest % 36**KEY_CHARS).rjust(KEY_CHARS, "0")


@dataclass(frozen=True, slots=True)
class Run:
    key: str
    mode: Mode
    started: int  # epoch seconds
    history: str = ""

    @property
    def mode_code(self) -> str:
        return self.mode[0]

    @property
    def started_code(self) -> str:
        return to36(self.started)

    @property
    def position(self) -> int:
        """The 0-based index of the question being asked (= how many were answered)."""
        return len(self.history)

    @property
    def started_at(self) -> datetime:
        return datetime.fromtimestamp(self.started, UTC)

    def with_mark(self, mark: str) -> Run:
        return Run(self.key, self.mode, self.started, self.history + mark)

    @property
    def seed(self) -> str:
        """What orders each question's options in this run (bot-wide the same, restarts too)."""
        return shuffle_seed(self.key, self.started)

    @property
    def unsigned(self) -> str:
        return f"{self.key}:{self.mode_code}:{self.started_code}:{self.history}"


class Signer:
    """Turns runs into the signed state their buttons carry, and back; a state whose signature does
    not match was tampered with (or signed by a bot with another secret) and reads as None."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _signature(self, unsigned: str) -> str:
        digest = hmac.new(self._secret, unsigned.encode(), hashlib.sha256).digest()
        return to36(int.from_bytes(digest[:8], "big") % 36**SIGNATURE_CHARS).rjust(SIGNATURE_CHARS, "0")

    def state(self, run: Run) -> str:
        return f"{run.unsigned}:{self._signature(run.unsigned)}"

    def run(self, state: str) -> Run | None:
        match = _STATE_RE.fullmatch(state)
        if match is None:
            return None
        run = Run(match["key"], MODE_CODES[match["mode"]], from36(match["started"]), match["history"])
        return run if hmac.compare_digest(self._signature(run.unsigned), match["sig"]) else None


def shuffle_seed(key: str, started: int) -> str:
    return f"{key}:{started}"


def start(lesson: Lesson, mode: Mode, now: datetime) -> Run:
    return Run(lesson_key(lesson), mode, int(now.timestamp()))


def plan(lesson: Lesson, run: Run) -> list[Question]:
    """The questions of this run, in order, each with its options in this run's order.

    learn: the lesson's questions in the lesson's order (the first MAX_LEARN_QUESTIONS).
    test: up to 10, drawn round-robin from the difficulties (so a lesson with all three gets a mix),
    then shuffled; the draw and the order come from the run's start time, so every process agrees.
    """
    return [q.arranged(run.seed) for q in _pick(lesson, run)]


def _pick(lesson: Lesson, run: Run) -> list[Question]:
    if run.mode == "learn":
        return list(lesson.questions[:MAX_LEARN_QUESTIONS])
    rng = random.Random(f"{run.key}:{run.started}")
    buckets = {d: [q for q in lesson.questions if q.difficulty == d] for d in DIFFICULTIES}
    for bucket in buckets.values():
        rng.shuffle(bucket)
    order = [d for d in DIFFICULTIES if buckets[d]]
    rng.shuffle(order)
    picked: list[Question] = []
    while len(picked) < MAX_TEST_QUESTIONS and any(buckets[d] for d in order):
        for difficulty in order:
            if buckets[difficulty] and len(picked) < MAX_TEST_QUESTIONS:
                picked.append(buckets[difficulty].pop())
    rng.shuffle(picked)
    return picked


def mark_for(question: Question, chosen: tuple[str, ...]) -> str:
    """The history character for an answer (see the module docstring)."""
    if question.kind == "multiple_choice":
        return chosen[0]
    return BLANKS_RIGHT if grading.grade(question, chosen) else BLANKS_WRONG


def mark_is_valid(question: Question, mark: str) -> bool:
    if question.kind == "multiple_choice":
        return mark in question.letters
    return mark in (BLANKS_RIGHT, BLANKS_WRONG)


def is_right(question: Question, mark: str) -> bool:
    if question.kind == "multiple_choice":
        return grading.grade(question, (mark,))
    return mark == BLANKS_RIGHT


def chosen_from(question: Question, mark: str) -> tuple[str, ...]:
    """What to record as the member's choice, in the pack's letters; blanks' picks are not kept
    (see the module docstring)."""
    return question.lesson_letters((mark,)) if question.kind == "multiple_choice" else ()


def history_is_valid(questions: list[Question], history: str) -> bool:
    return len(history) <= len(questions) and all(
        mark_is_valid(q, mark) for q, mark in zip(questions, history, strict=False)
    )


@dataclass(frozen=True, slots=True)
class Outcome:
    question: Question
    mark: str
    right: bool


@dataclass(frozen=True, slots=True)
class Summary:
    outcomes: tuple[Outcome, ...]

    @property
    def right(self) -> int:
        return sum(o.right for o in self.outcomes)

    @property
    def total(self) -> int:
        return len(self.outcomes)

    @property
    def missed(self) -> list[Question]:
        return [o.question for o in self.outcomes if not o.right]

    def by_difficulty(self) -> list[tuple[str, int, int]]:
        """(difficulty, right, asked) for each difficulty the run asked, easy to hard."""
        rows = []
        for difficulty in DIFFICULTIES:
            asked = [o for o in self.outcomes if o.question.difficulty == difficulty]
            if asked:
                rows.append((difficulty, sum(o.right for o in asked), len(asked)))
        return rows


def summarise(questions: Iterable[Question], history: str) -> Summary:
    return Summary(
        tuple(Outcome(q, mark, is_right(q, mark)) for q, mark in zip(questions, history, strict=False))
    )
