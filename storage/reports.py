"""Moderators' reports: the rows of a CSV export, and per-question quality figures.

The export reads one row per member per post (an aggregate over that pair's tries); the quality
figures are SQL aggregates over the guild's attempts (GROUP BY in the database), so only one row
per question comes back, whatever the number of attempts (bench/quality.py measures them).

Forgotten members (/forget-me) have no rows left (storage.forget deletes them), so nothing here
needs to filter them out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from sqlalchemy import and_, case, func, text
from sqlalchemy import select as core_select

from storage._common import aware, core_rows, table_of
from storage.engine import Database
from storage.leaderboards import guild_today, most_picked, streaks_of
from storage.models import Attempt, MemberScore, Post

# A member's rest-of-lesson score means something only over a few other questions (Moodle counts
# whole quiz attempts; here members answer different subsets of a lesson).
MIN_ANSWERED_FOR_DISCRIMINATION: Final = 5
# Below this many members in the correlation, r is noise: no figure.
MIN_MEMBERS_FOR_DISCRIMINATION: Final = 5


# --------------------------------------------------------------------------- export


@dataclass(frozen=True, slots=True)
class AnswerRow:
    """One member's tries on one post."""

    member_id: int
    lesson_id: str
    question_id: str
    post_id: int
    posted_at: datetime
    tries: int
    first_choice: str  # the lesson's own letters ("B", "A,C"), whatever order the post showed
    right: bool  # on some try
    right_first_try: bool
    points: int  # thirds
    first_answer_seconds: float


@dataclass(frozen=True, slots=True)
class MemberRow:
    """One member's totals over the exported rows; streaks are the member's own (every lesson)."""

    member_id: int
    answered: int
    right: int
    right_first_try: int
    points: int  # thirds
    current_streak: int
    best_streak: int


@dataclass(frozen=True, slots=True)
class Export:
    answers: list[AnswerRow]
    members: list[MemberRow]
    # Display names as of each member's latest try (member_scores), for members the bot cannot
    # look up (its member cache holds few; the command line has none).
    stored_names: dict[int, str] = field(default_factory=dict)

    def stored_name(self, member_id: int) -> str:
        return self.stored_names.get(member_id, "")


async def export_rows(
    db: Database,
    guild_id: int,
    *,
    now: datetime,
    lesson_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Export:
    """Rows for the posts of the guild posted in [since, until) (either open), optionally one lesson."""
    a, p = table_of(Attempt).c, table_of(Post).c
    stmt = (
        core_select(
            a.member_id,
            p.lesson_id,
            p.question_id,
            p.id,
            p.posted_at,
            func.count(),
            func.max(case((a.try_no == 1, a.chosen))),
            func.max(case((a.is_right.is_(True), 1), else_=0)),
            func.max(case((and_(a.is_right.is_(True), a.try_no == 1), 1), else_=0)),
            func.sum(a.points),
            func.min(a.answered_at),
        )
        .select_from(table_of(Attempt).join(table_of(Post), a.post_id == p.id))
        .where(p.guild_id == guild_id)
        .group_by(a.member_id, p.id, p.lesson_id, p.question_id, p.posted_at)
        .order_by(p.posted_at, p.id, a.member_id)
    )
    if lesson_id is not None:
        stmt = stmt.where(p.lesson_id == lesson_id)
    if since is not None:
        stmt = stmt.where(p.posted_at >= aware(since, "since"))
    if until is not None:
        stmt = stmt.where(p.posted_at < aware(until, "until"))
    async with db.session() as s:
        rows = await core_rows(s, stmt)
        answers = [
            AnswerRow(
                member_id=int(r[0]),
                lesson_id=r[1],
                question_id=r[2],
                post_id=int(r[3]),
                posted_at=r[4],
                tries=int(r[5]),
                first_choice=r[6] or "",
                right=bool(r[7]),
                right_first_try=bool(r[8]),
                points=int(r[9] or 0),
                first_answer_seconds=max((r[10] - r[4]).total_seconds(), 0.0),
            )
            for r in rows
        ]
        totals: dict[int, list[int]] = {}
        for row in answers:
            t = totals.setdefault(row.member_id, [0, 0, 0, 0])
            t[0] += 1
            t[1] += row.right
            t[2] += row.right_first_try
            t[3] += row.points
        _, today = await guild_today(s, guild_id, now)
        streaks = await streaks_of(s, guild_id, sorted(totals), today) if totals else {}
        names = await _stored_names(s, guild_id, sorted(totals)) if totals else {}
    members = []
    for member_id, (answered, right, first, points) in sorted(totals.items()):
        current, best = streaks.get(member_id, (0, 0))
        members.append(MemberRow(member_id, answered, right, first, points, current, best))
    return Export(answers, members, names)


async def _stored_names(s: Any, guild_id: int, member_ids: list[int]) -> dict[int, str]:
    t = table_of(MemberScore).c
    rows = await core_rows(
        s,
        core_select(t.member_id, t.display_name).where(
            t.guild_id == guild_id, t.member_id.in_(member_ids), t.display_name.is_not(None)
        ),
    )
    return {int(row[0]): str(row[1]) for row in rows}


# --------------------------------------------------------------------------- question quality


@dataclass(frozen=True, slots=True)
class QuestionQuality:
    """How one question performs in a guild.

    facility: share of member-posts right on the first try. A member's score on a post is 1 if right
    on the first try, else 0, so this is also Moodle's "average score / maximum score".
    discrimination: Pearson's r between that score and the member's average score on the lesson's
    other questions (Moodle's "rest of the test"), over members with at least
    MIN_ANSWERED_FOR_DISCRIMINATION questions of the lesson; None when too few members or no spread.
    """

    lesson_id: str
    question_id: str
    answered: int  # member-post pairs with a try
    first_try_right: int
    discrimination_members: int = 0
    discrimination: float | None = None
    wrong_choices: dict[str, int] = field(default_factory=dict)  # wrong tries by stored choice
    picked: dict[str, int] = field(default_factory=dict)  # every try by stored choice

    @property
    def facility(self) -> float | None:
        return self.first_try_right / self.answered if self.answered else None

    @property
    def most_picked_wrong(self) -> tuple[str, int] | None:
        return most_picked(self.wrong_choices)

    def never_picked(self, letters: tuple[str, ...]) -> list[str]:
        """The question's letters nobody chose on any try (for fill_blanks: in any blank)."""
        seen = {letter for chosen in self.picked for letter in chosen.split(",")}
        return [letter for letter in letters if letter not in seen]


def pearson(n: int, sx: float, sy: float, sxy: float, sxx: float, syy: float) -> float | None:
    """r from the six sums; None when either side has no spread (r is undefined there)."""
    vx, vy = n * sxx - sx * sx, n * syy - sy * sy
    # Sums of floats: a variance of 1e-12 is zero that rounding made positive.
    if n < 2 or vx <= 1e-9 or vy <= 1e-9:
        return None
    return (n * sxy - sx * sy) / math.sqrt(vx * vy)


def _quality_sql(lesson_filter: bool) -> tuple[str, str, str]:
    """Three GROUP BY statements over the guild's attempts, each reading only the covering index
    ix_attempts_post_try_covering (migration 0008)."""
    where = "p.guild_id = :guild" + (" AND p.lesson_id = :lesson" if lesson_filter else "")
    # A member's score on a post is their first try: 1 if right, else 0. Every member-post pair
    # has exactly one try 1 (the unique (post, member, try) row), so no grouping is needed here.
    firsts = (
        "SELECT p.lesson_id AS lesson_id, p.question_id AS question_id, a.member_id AS member_id, "
        "CASE WHEN a.is_right THEN 1.0 ELSE 0.0 END AS x "
        f"FROM posts p JOIN attempts a ON a.post_id = p.id AND a.try_no = 1 WHERE {where}"
    )
    facility = (
        "SELECT p.lesson_id, p.question_id, COUNT(*), SUM(CASE WHEN a.is_right THEN 1 ELSE 0 END) "
        f"FROM posts p JOIN attempts a ON a.post_id = p.id AND a.try_no = 1 WHERE {where} "
        "GROUP BY p.lesson_id, p.question_id"
    )
    # A member who saw a question in several posts scores its average there.
    discrimination = (
        f"WITH mq AS (SELECT lesson_id, question_id, member_id, AVG(x) AS x FROM ({firsts}) mp "
        "GROUP BY lesson_id, question_id, member_id), "
        "ml AS (SELECT lesson_id, member_id, COUNT(*) AS n, SUM(x) AS t FROM mq "
        "GROUP BY lesson_id, member_id HAVING COUNT(*) >= :min_answered), "
        "pairs AS (SELECT mq.lesson_id, mq.question_id, mq.x AS x, (ml.t - mq.x) / (ml.n - 1) AS y "
        "FROM mq JOIN ml ON ml.lesson_id = mq.lesson_id AND ml.member_id = mq.member_id) "
        "SELECT lesson_id, question_id, COUNT(*), SUM(x), SUM(y), SUM(x * y), SUM(x * x), SUM(y * y) "
        "FROM pairs GROUP BY lesson_id, question_id"
    )
    choices = (
        "SELECT p.question_id, a.chosen, a.is_right, COUNT(*) "
        f"FROM posts p JOIN attempts a ON a.post_id = p.id WHERE {where} "
        "GROUP BY p.question_id, a.chosen, a.is_right"
    )
    return facility, discrimination, choices


async def question_quality(
    db: Database,
    guild_id: int,
    *,
    lesson_id: str | None = None,
    question_id: str | None = None,
    min_answered: int = MIN_ANSWERED_FOR_DISCRIMINATION,
) -> list[QuestionQuality]:
    """Facility, discrimination and choices of every answered question of the guild (or of one
    lesson; `question_id` keeps one, its lesson's rest still computed), sorted by lesson and id."""
    facility_sql, discrimination_sql, choices_sql = _quality_sql(lesson_id is not None)
    params: dict[str, Any] = {"guild": guild_id, "min_answered": max(min_answered, 2)}
    if lesson_id is not None:
        params["lesson"] = lesson_id
    async with db.session() as s:
        conn = await s.connection()
        if db.dialect == "postgresql":
            # Hash the GROUP BYs in memory instead of sorting on disk (4 MB by default); LOCAL:
            # for this read's transaction only.
            await conn.execute(text("SET LOCAL work_mem = '64MB'"))
        facility = (await conn.execute(text(facility_sql), params)).all()
        discrimination = (await conn.execute(text(discrimination_sql), params)).all()
        choices = (await conn.execute(text(choices_sql), params)).all()
    sums = {(r[0], r[1]): [float(v) for v in r[2:]] for r in discrimination}
    wrong: dict[str, dict[str, int]] = {}
    picked: dict[str, dict[str, int]] = {}
    for qid, chosen, is_right, count in choices:
        picked.setdefault(qid, {})
        picked[qid][chosen] = picked[qid].get(chosen, 0) + int(count)
        if not is_right:
            wrong.setdefault(qid, {})[chosen] = int(count)
    out = []
    for lesson, qid, answered, right_first in facility:
        if question_id is not None and qid != question_id:
            continue
        n, *rest = sums.get((lesson, qid), [0.0] * 6)
        members = int(n)
        r = pearson(members, *rest) if members >= MIN_MEMBERS_FOR_DISCRIMINATION else None
        out.append(
            QuestionQuality(
                lesson,
                qid,
                int(answered),
                int(right_first or 0),
                members,
                r,
                wrong.get(qid, {}),
                picked.get(qid, {}),
            )
        )
    return sorted(out, key=lambda q: (q.lesson_id, q.question_id))
