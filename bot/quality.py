"""What a question's facility and discrimination say, in plain words: shared by /report questions
and /stats question:. Thresholds after Moodle's statistics report guidance. Pure: no discord."""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import _, number, percent
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


def _correlation(r: float) -> str:
    """r with two decimals, as the language writes them (-0.25, -0,25)."""
    return number(r, 2)


def verdict(q: QuestionQuality) -> Verdict:
    share = q.facility
    if share is None or q.answered < MIN_ANSWERS:
        facility = _("Too few answers to judge (fewer than {count}).").format(count=MIN_ANSWERS)
        facility_rank = UNKNOWN
    elif share > TOO_EASY_ABOVE:
        # TRANSLATORS: {share} is a percentage, e.g. 97%.
        facility = _("Too easy: {share} right on the first try.").format(share=percent(share))
        facility_rank = TOO_EASY
    elif share < TOO_HARD_BELOW:
        # TRANSLATORS: {share} is a percentage, e.g. 5%.
        facility = _("Too hard: {share} right on the first try.").format(share=percent(share))
        facility_rank = TOO_HARD
    else:
        # TRANSLATORS: {share} is a percentage, e.g. 45%.
        facility, facility_rank = _("{share} right on the first try.").format(share=percent(share)), FINE
    r = q.discrimination
    discrimination_rank = UNKNOWN
    if r is None and q.discrimination_members >= MIN_MEMBERS_FOR_DISCRIMINATION:
        discrimination = _("Not measured: everyone scored alike, so it tells nobody apart.")
    elif r is None:
        # TRANSLATORS: {members} and {questions} are fixed minimums (5, 3); {count}: the members so far.
        needs = _(
            "Not measured yet: it needs {members} members who answered it and "
            "at least {questions} questions of its lesson ({count} so far)."
        )
        discrimination = needs.format(
            members=MIN_MEMBERS_FOR_DISCRIMINATION,
            questions=MIN_ANSWERED_FOR_DISCRIMINATION,
            count=q.discrimination_members,
        )
    elif r < 0:
        # TRANSLATORS: {r} is a correlation with two decimals, e.g. -0.25; "r" is its usual symbol.
        broken = _(
            "May be broken (r = {r}): strong members get it wrong more often than weak ones. "
            "Check the answer key."
        )
        discrimination = broken.format(r=_correlation(r))
        discrimination_rank = BROKEN
    elif r < WEAK_BELOW:
        # TRANSLATORS: {r} is a correlation with two decimals, e.g. 0.12; "r" is its usual symbol.
        weak = _("Weak (r = {r}): it barely tells strong members from weak ones.")
        discrimination = weak.format(r=_correlation(r))
        discrimination_rank = WEAK
    else:
        # TRANSLATORS: {r} is a correlation with two decimals, e.g. 0.45; "r" is its usual symbol.
        good = _("Good (r = {r}): strong members get it right more often than weak ones.")
        discrimination = good.format(r=_correlation(r))
        discrimination_rank = FINE
    return Verdict(facility_rank, discrimination_rank, facility, discrimination)
