"""What a question's facility and discrimination say, in plain words: shared by /report questions
and /stats question:. Thresholds after Moodle's statistics report guidance. Pure: no discord."""

from __future__ import annotations

from dataclasses import dataclass

from storage.reports import MIN_ANSWERED_FOR_DISCRIMINATION, MIN_MEMBERS_FOR_DISCRIMINATION, QuestionQuality

# Fewer answers than this and a share says little (/stats's difficulty flag uses the same bar).
MIN_ANSWERS = 5
TOO_EASY_ABOVE = 0.95
TOO_HARD_BELOW = 0.10
WEAK_BELOW = 0.2

# Lower sorts first in /report questions: the questions to look at before the others.
BROKEN, TOO_HARD, TOO_EASY, WEAK, FINE, UNKNOWN = range(6)
DOUBTFUL = {BROKEN, TOO_HARD, TOO_EASY, WEAK}
MARKS = {True: "⚠️", False: "✅", None: "❔"}  # doubtful, fine, not enough answers to say


@dataclass(frozen=True, slots=True)
class Verdict:
    facility_rank: int  # TOO_HARD, TOO_EASY, FINE or UNKNOWN
    discrimination_rank: int  # BROKEN, WEAK, FINE or UNKNOWN
    facility: str  # one sentence each
    discrimination: str

    @property
    def rank(self) -> int:
        """The worst finding: what /report questions sorts by."""
        return min(self.facility_rank, self.discrimination_rank)

    @property
    def doubtful(self) -> bool:
        return self.rank in DOUBTFUL

    @property
    def facility_mark(self) -> str:
        return MARKS[self.facility_rank in DOUBTFUL if self.facility_rank != UNKNOWN else None]

    @property
    def discrimination_mark(self) -> str:
        return MARKS[self.discrimination_rank in DOUBTFUL if self.discrimination_rank != UNKNOWN else None]


def verdict(q: QuestionQuality) -> Verdict:
    share = q.facility
    if share is None or q.answered < MIN_ANSWERS:
        facility, facility_rank = f"Too few answers to judge (fewer than {MIN_ANSWERS}).", UNKNOWN
    elif share > TOO_EASY_ABOVE:
        facility = f"Too easy: {share:.0%} right on the first try."
        facility_rank = TOO_EASY
    elif share < TOO_HARD_BELOW:
        facility = f"Too hard: {share:.0%} right on the first try."
        facility_rank = TOO_HARD
    else:
        facility, facility_rank = f"{share:.0%} right on the first try.", FINE
    r = q.discrimination
    discrimination_rank = UNKNOWN
    if r is None and q.discrimination_members >= MIN_MEMBERS_FOR_DISCRIMINATION:
        discrimination = "Not measured: everyone scored alike, so it tells nobody apart."
    elif r is None:
        discrimination = (
            f"Not measured yet: it needs {MIN_MEMBERS_FOR_DISCRIMINATION} members who answered it and "
            f"at least {MIN_ANSWERED_FOR_DISCRIMINATION} questions of its lesson "
            f"({q.discrimination_members} so far)."
        )
    elif r < 0:
        discrimination = (
            f"May be broken (r = {r:.2f}): strong members get it wrong more often than weak ones. "
            "Check the answer key."
        )
        discrimination_rank = BROKEN
    elif r < WEAK_BELOW:
        discrimination = f"Weak (r = {r:.2f}): it barely tells strong members from weak ones."
        discrimination_rank = WEAK
    else:
        discrimination = f"Good (r = {r:.2f}): strong members get it right more often than weak ones."
        discrimination_rank = FINE
    return Verdict(facility_rank, discrimination_rank, facility, discrimination)
