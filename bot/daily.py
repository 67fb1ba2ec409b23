"""Daily quizzes, the pure part: when a schedule is due, and which questions it posts.

No discord, no storage: the schedule cog asks these functions, then claims and posts.
A schedule says "HH:MM every day in this IANA zone"; each local date has at most one run. Times in a
daylight-saving gap (02:30 on a spring-forward day in Europe/Berlin) run at the same instant as the
wall clock "would" have shown with the old offset (03:30 local); in a repeated hour the first one counts.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Protocol, TypeVar

import content
from bot.i18n import _

DIFFICULTIES = ("any", *content.DIFFICULTIES)
MAX_COUNT = 5

_TIME = re.compile(r"\s*([01]?\d|2[0-3])[:.h]([0-5]\d)\s*")


class ScheduleError(ValueError):
    """A schedule setting is wrong; the message is one sentence for the moderator."""


def parse_time(text: str) -> tuple[int, int]:
    """'9:05', '09:05' or '21.30' -> (hour, minute); anything else raises ScheduleError."""
    match = _TIME.fullmatch(text)
    if match is None:
        # TRANSLATORS: {time} is what the moderator typed; HH:MM is the format to write (H: hour, M: minute).
        message = _("`{time}` is not a time of day: write it as HH:MM, e.g. 09:00 or 18:30.")
        raise ScheduleError(message.format(time=text[:20]))
    return int(match.group(1)), int(match.group(2))


def run_instant(day: date, hour: int, minute: int, zone: zoneinfo.ZoneInfo) -> datetime:
    """The UTC instant of hour:minute local time on `day` in `zone`."""
    return datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(UTC)


def latest_run(hour: int, minute: int, zone: zoneinfo.ZoneInfo, now: datetime) -> tuple[date, datetime]:
    """The most recent run at or before `now`: (its local date, its UTC instant)."""
    today = now.astimezone(zone).date()
    for back in range(3):
        day = today - timedelta(days=back)
        at = run_instant(day, hour, minute, zone)
        if at <= now:
            return day, at
    raise AssertionError("unreachable: a run two days ago is always in the past")  # pragma: no cover


def next_run(hour: int, minute: int, zone: zoneinfo.ZoneInfo, now: datetime) -> datetime:
    """The first run strictly after `now` (UTC)."""
    today = now.astimezone(zone).date()
    for ahead in range(3):
        at = run_instant(today + timedelta(days=ahead), hour, minute, zone)
        if at > now:
            return at
    raise AssertionError("unreachable: a run two days ahead is always in the future")  # pragma: no cover


class Action(StrEnum):
    WAIT = "wait"  # nothing due (already handled, or due before the schedule existed)
    POST = "post"  # claim the run and post it
    SKIP = "skip"  # missed by more than the catch-up window: record it as skipped, do not post


@dataclass(frozen=True)
class Due:
    action: Action
    run_date: date
    due_at: datetime


def decide(
    hour: int,
    minute: int,
    zone: zoneinfo.ZoneInfo,
    *,
    now: datetime,
    created_at: datetime,
    done_dates: set[date] | frozenset[date],
    catch_up: timedelta,
) -> Due:
    """What to do about a schedule at `now`, given the local dates that already have a run row."""
    run_date, due_at = latest_run(hour, minute, zone, now)
    if due_at < created_at or run_date in done_dates:
        return Due(Action.WAIT, run_date, due_at)
    if now - due_at > catch_up:
        return Due(Action.SKIP, run_date, due_at)
    return Due(Action.POST, run_date, due_at)


class QuestionLike(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def difficulty(self) -> str: ...


Q = TypeVar("Q", bound=QuestionLike)


def with_difficulty(questions: Sequence[Q], difficulty: str) -> list[Q]:
    """The lesson's questions of one difficulty ("any": all of them), in lesson order."""
    return [q for q in questions if difficulty == "any" or q.difficulty == difficulty]


def pick_questions(questions: Sequence[Q], last_posted: Mapping[str, int], count: int) -> list[Q]:
    """`count` questions for the next run: never-posted ones first (lesson order), then the ones
    posted longest ago, so none repeats in a channel until every question was used.

    `last_posted` maps a question id to a number that grows with time (its latest post id there).
    """
    order = {q.id: i for i, q in enumerate(questions)}
    ranked = sorted(questions, key=lambda q: (last_posted.get(q.id, -1), order[q.id]))
    return ranked[: max(0, count)]
