"""Whether a click on a posted question becomes a try, and what that try earns.

The rule storage.attempt_rows.record_attempt applies inside its transaction (bot.answering passes it
in): pure, no discord and no storage at run time, so the whole decision is testable without a database.
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.grading import MAX_TRIES, Feedback, QuestionLike, feedback_for, grade, points_for

if TYPE_CHECKING:
    from storage.attempt_rows import AttemptState, StoredTry


class AttemptStatus(enum.StrEnum):
    RECORDED = "recorded"  # a new try was stored
    ALREADY_DONE = "already_done"  # right earlier or out of tries: nothing stored, previous result returned
    REPEATED = "repeated"  # the same wrong choice as an earlier try (a double click): nothing stored
    CLOSED = "closed"  # the post is closed and the member had no finished result: nothing stored


@dataclass(frozen=True, slots=True)
class AttemptOutcome:
    status: AttemptStatus
    # This try's feedback (RECORDED), the member's final try's feedback (ALREADY_DONE), None (CLOSED).
    feedback: Feedback | None
    try_no: int  # the try this feedback is about; 0 when the member never tried
    points: int  # thirds this member has on this post in total

    @property
    def recorded(self) -> bool:
        return self.status is AttemptStatus.RECORDED

    @property
    def already_done(self) -> bool:
        return self.status is AttemptStatus.ALREADY_DONE


@dataclass(frozen=True, slots=True)
class NewTry:
    """The try to store, points included (storage adds them to the member's scores)."""

    try_no: int
    chosen: tuple[str, ...]
    right: bool
    points: int


def decide(state: AttemptState, question: QuestionLike) -> tuple[AttemptOutcome, NewTry | None]:
    """The outcome of the member's new choice given what is stored, and the try to store, if any."""
    tries = state.tries
    earned = sum(t.points for t in tries)
    if tries and (tries[-1].right or len(tries) >= MAX_TRIES):
        last = tries[-1]
        feedback = feedback_for(question, last.chosen, last.try_no)
        return AttemptOutcome(AttemptStatus.ALREADY_DONE, feedback, last.try_no, earned), None
    if state.closed or (state.closes_at is not None and state.closes_at <= state.now):
        return AttemptOutcome(AttemptStatus.CLOSED, None, len(tries), earned), None
    if any(t.chosen == state.chosen for t in tries):
        # Every earlier try was wrong (a right one ends the question above): picking one of those
        # choices again never helps, and a double click must not cost a try.
        last_try = tries[-1].try_no
        feedback = feedback_for(question, state.chosen, last_try)
        return AttemptOutcome(AttemptStatus.REPEATED, feedback, last_try, earned), None
    try_no = len(tries) + 1
    feedback = feedback_for(question, state.chosen, try_no)
    outcome = AttemptOutcome(AttemptStatus.RECORDED, feedback, try_no, earned + feedback.points)
    return outcome, NewTry(try_no, state.chosen, feedback.right, feedback.points)


@dataclass(frozen=True, slots=True)
class LockedIn:
    """A live round's answer: one try, graded in secret until the reveal."""

    status: AttemptStatus  # RECORDED, ALREADY_DONE (answered before) or CLOSED (time was up)
    chosen: tuple[str, ...]  # what the member has locked in (empty when CLOSED)
    feedback: Feedback | None  # RECORDED: the try as the regular boards and review see it


def decide_once(
    state: AttemptState, question: QuestionLike, deadline: datetime
) -> tuple[LockedIn, NewTry | None]:
    """A live round's rule: the first answer before the deadline is the member's answer, a first
    try on the regular boards (right: the question's full points)."""
    if state.tries:
        return LockedIn(AttemptStatus.ALREADY_DONE, state.tries[0].chosen, None), None
    if state.closed or state.now >= deadline:
        return LockedIn(AttemptStatus.CLOSED, (), None), None
    right = grade(question, state.chosen)
    points = points_for(question.difficulty, 1) if right else 0
    # One try is all there is: done either way (a miss goes to /review like a quiz's last try).
    feedback = dataclasses.replace(feedback_for(question, state.chosen, 1), done=True, tries_left=0)
    return LockedIn(AttemptStatus.RECORDED, state.chosen, feedback), NewTry(1, state.chosen, right, points)


@dataclass(frozen=True, slots=True)
class MemberResult:
    """A member's stored tries on one post, read with the grading rules (how many tries remain)."""

    tries: tuple[StoredTry, ...]

    @property
    def right(self) -> bool:
        return any(t.right for t in self.tries)

    @property
    def points(self) -> int:
        return sum(t.points for t in self.tries)

    @property
    def done(self) -> bool:
        return self.right or len(self.tries) >= MAX_TRIES

    @property
    def tries_left(self) -> int:
        return 0 if self.done else MAX_TRIES - len(self.tries)
