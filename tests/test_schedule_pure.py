"""bot.daily and bot.timezones without Discord or storage: due times across daylight saving, catch-up, rotation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.daily import (
    Action,
    ScheduleError,
    decide,
    latest_run,
    next_run,
    parse_time,
    pick_questions,
    run_instant,
    with_difficulty,
)
from bot.timezones import UnknownZone, parse_zone

BERLIN = ZoneInfo("Europe/Berlin")
SYDNEY = ZoneInfo("Australia/Sydney")
HOUR = timedelta(hours=1)


@pytest.mark.parametrize(("text", "expected"), [("9:05", (9, 5)), ("09:05", (9, 5)), (" 21.30 ", (21, 30))])
def test_times_of_day_are_read_as_hour_and_minute(text: str, expected: tuple[int, int]) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["25:00", "09:60", "9", "nine", "", "12:5"])
def test_impossible_times_are_refused_with_the_expected_format(text: str) -> None:
    with pytest.raises(ScheduleError, match="HH:MM"):
        parse_time(text)


def test_unknown_time_zones_are_refused_and_known_ones_accepted() -> None:
    assert parse_zone(" Europe/Berlin ").key == "Europe/Berlin"
    with pytest.raises(UnknownZone, match="IANA"):
        parse_zone("Mars/Olympus")
    with pytest.raises(UnknownZone):
        parse_zone("../../etc/passwd")


def test_the_same_local_time_moves_in_utc_when_summer_time_starts() -> None:
    assert run_instant(date(2030, 3, 30), 9, 0, BERLIN) == datetime(2030, 3, 30, 8, 0, tzinfo=UTC)
    assert run_instant(date(2030, 3, 31), 9, 0, BERLIN) == datetime(2030, 3, 31, 7, 0, tzinfo=UTC)
    # Southern hemisphere: Sydney leaves summer time on 7 April 2030.
    assert run_instant(date(2030, 4, 6), 9, 0, SYDNEY) == datetime(2030, 4, 5, 22, 0, tzinfo=UTC)
    assert run_instant(date(2030, 4, 7), 9, 0, SYDNEY) == datetime(2030, 4, 6, 23, 0, tzinfo=UTC)


def test_a_time_that_does_not_exist_that_day_runs_an_hour_later_on_the_wall_clock() -> None:
    # 02:30 is skipped on 31 March 2030 in Berlin; the run happens at 03:30 summer time.
    at = run_instant(date(2030, 3, 31), 2, 30, BERLIN)
    assert at == datetime(2030, 3, 31, 1, 30, tzinfo=UTC)
    assert at.astimezone(BERLIN).strftime("%H:%M") == "03:30"


def test_a_time_that_happens_twice_that_day_runs_at_the_first_one() -> None:
    # 02:30 happens twice on 27 October 2030 in Berlin (summer time, then winter time).
    assert run_instant(date(2030, 10, 27), 2, 30, BERLIN) == datetime(2030, 10, 27, 0, 30, tzinfo=UTC)


def test_latest_and_next_run_straddle_now() -> None:
    now = datetime(2030, 6, 3, 6, 59, tzinfo=UTC)  # 08:59 in Berlin
    assert latest_run(9, 0, BERLIN, now) == (date(2030, 6, 2), datetime(2030, 6, 2, 7, 0, tzinfo=UTC))
    assert next_run(9, 0, BERLIN, now) == datetime(2030, 6, 3, 7, 0, tzinfo=UTC)
    exactly = datetime(2030, 6, 3, 7, 0, tzinfo=UTC)
    assert latest_run(9, 0, BERLIN, exactly) == (date(2030, 6, 3), exactly)
    assert next_run(9, 0, BERLIN, exactly) == datetime(2030, 6, 4, 7, 0, tzinfo=UTC)


def test_catch_up_posts_a_late_run_inside_the_window_and_skips_it_outside() -> None:
    created = datetime(2030, 6, 1, tzinfo=UTC)
    due = datetime(2030, 6, 3, 7, 0, tzinfo=UTC)

    def at(late: timedelta) -> Action:
        return decide(
            9, 0, BERLIN, now=due + late, created_at=created, done_dates=set(), catch_up=HOUR
        ).action

    assert at(timedelta(0)) is Action.POST
    assert at(timedelta(minutes=59)) is Action.POST
    assert at(HOUR) is Action.POST
    assert at(HOUR + timedelta(seconds=1)) is Action.SKIP
    handled = decide(9, 0, BERLIN, now=due, created_at=created, done_dates={date(2030, 6, 3)}, catch_up=HOUR)
    assert handled.action is Action.WAIT


def test_a_run_due_before_the_schedule_existed_is_not_posted() -> None:
    created = datetime(2030, 6, 3, 7, 0, 30, tzinfo=UTC)  # half a minute after today's 09:00 Berlin
    due = decide(9, 0, BERLIN, now=created, created_at=created, done_dates=set(), catch_up=HOUR)
    assert due.action is Action.WAIT


@pytest.mark.parametrize(
    ("zone", "start"),
    [(BERLIN, date(2030, 3, 28)), (BERLIN, date(2030, 10, 24)), (SYDNEY, date(2030, 4, 4))],
)
@pytest.mark.parametrize(("hour", "minute"), [(2, 30), (9, 0), (0, 0), (23, 59)])
def test_ticking_every_30_seconds_across_a_clock_change_posts_once_a_day_at_local_time(
    zone: ZoneInfo, start: date, hour: int, minute: int
) -> None:
    created = datetime.combine(start, datetime.min.time(), tzinfo=zone).astimezone(UTC)
    done: set[date] = set()
    posts: list[datetime] = []
    end = datetime.combine(start + timedelta(days=6), datetime.min.time(), tzinfo=zone).astimezone(UTC)
    now = created
    while now < end:
        due = decide(hour, minute, zone, now=now, created_at=created, done_dates=done, catch_up=HOUR)
        if due.action is Action.POST:
            done.add(due.run_date)
            posts.append(now)
        assert due.action is not Action.SKIP, "a bot ticking every 30 s never misses a run"
        now += timedelta(seconds=30)
    assert len(posts) == 6
    assert len({p.astimezone(zone).date() for p in posts}) == 6
    # Every post but one in a clock-change gap is at the exact local minute.
    local = [p.astimezone(zone).strftime("%H:%M") for p in posts]
    assert sum(t == f"{hour:02d}:{minute:02d}" for t in local) >= 5


@dataclass(frozen=True)
class Q:
    id: str
    difficulty: str = "easy"


def test_never_posted_questions_come_first_in_lesson_order() -> None:
    questions = [Q("a"), Q("b"), Q("c"), Q("d")]
    assert [q.id for q in pick_questions(questions, {"b": 7}, 2)] == ["a", "c"]
    assert [q.id for q in pick_questions(questions, {}, 10)] == ["a", "b", "c", "d"]


def test_once_all_were_posted_the_longest_unseen_come_back_first() -> None:
    questions = [Q("a"), Q("b"), Q("c")]
    assert [q.id for q in pick_questions(questions, {"a": 9, "b": 3, "c": 5}, 2)] == ["b", "c"]


def test_a_daily_rotation_repeats_nothing_until_the_lesson_is_used_up() -> None:
    questions = [Q("a"), Q("b"), Q("c"), Q("d"), Q("e")]
    last: dict[str, int] = {}
    seen: list[str] = []
    post_id = 0
    for _ in range(5):  # two per day: 10 posts over a 5-question lesson
        for q in pick_questions(questions, last, 2):
            post_id += 1
            last[q.id] = post_id
            seen.append(q.id)
    assert sorted(seen[:5]) == ["a", "b", "c", "d", "e"]
    assert sorted(seen[5:]) == ["a", "b", "c", "d", "e"]


def test_difficulty_filters_the_questions_and_any_keeps_them_all() -> None:
    questions = [Q("a", "easy"), Q("b", "hard"), Q("c", "easy")]
    assert [q.id for q in with_difficulty(questions, "easy")] == ["a", "c"]
    assert with_difficulty(questions, "any") == questions
    assert with_difficulty(questions, "medium") == []
