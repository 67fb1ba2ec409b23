"""Scheduled daily quizzes end to end: the real bot against the loopback Discord, with a moved clock.

Every bot reads the test clock from the start (start_bot(clock=...)), so the scheduler's own tick when
a bot becomes ready runs at the clock's time too: the clock starts at 2030-06-01 12:00 with no schedule
yet, and a bot started again later ticks at the restart's time, catching up as a real restart would.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.app import QuizBot
from bot.i18n import translations
from bot.stored_text import english
from cogs.schedule._cog import Schedules
from storage import post_rows
from storage import schedules as store
from storage.models import Schedule
from storage.schedules import RunStatus
from tests.clock import Clock
from tests.conftest import StartBot
from tests.emulator import DiscordForTests
from tests.messages import button, title
from tests.postgres import reset_tables

EPHEMERAL = 1 << 6
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")

LESSON = """\
id: sc
title: Schedule lesson
topic: testing
source: written for the tests
questions:
  - id: sc.one
    kind: multiple_choice
    shuffle: false
    prompt: First question?
    options: [Yes, No]
    answer: A
    difficulty: easy
    hint: Say yes.
    solution: [It is yes.]
  - id: sc.two
    kind: multiple_choice
    shuffle: false
    prompt: Second question?
    options: [Yes, No]
    answer: B
    difficulty: hard
    hint: Say no.
    solution: [It is no.]
  - id: sc.three
    kind: multiple_choice
    shuffle: false
    prompt: Third question?
    options: [Yes, No]
    answer: A
    difficulty: easy
    hint: Say yes.
    solution: [It is yes.]
"""


@pytest.fixture
def lessons_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "lessons"
    folder.mkdir()
    (folder / "sc.yaml").write_text(LESSON)
    return folder


@pytest.fixture
def clock() -> Iterator[Clock]:
    yield Clock(datetime(2030, 6, 1, 12, 0, tzinfo=UTC))


async def started(start_bot: StartBot, lessons_dir: Path, clock: Clock, **settings: Any) -> QuizBot:
    return await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir), clock=clock, **settings)


def scheduler(bot: QuizBot) -> Schedules:
    return bot.feature(Schedules)


async def add_schedule(emulator: DiscordForTests, **options: Any) -> dict[str, Any]:
    """/schedule add as the moderator; returns the (ephemeral) confirmation."""
    options = {"channel": "quiz", "time": "09:00", "lesson": "sc", "timezone": "Europe/Berlin", **options}
    reply = await emulator.wait_reply(await emulator.slash("schedule add", by="mod", **options))
    assert reply["flags"] & EPHEMERAL
    return reply


def posted(emulator: DiscordForTests) -> list[str]:
    """The question ids the bot posted in #quiz, in order (from the accepted POST bodies)."""
    path = f"/channels/{emulator.world.channels['quiz'].id}/messages"
    return [
        r.body["embeds"][0]["footer"]["text"].rsplit(" · ", 1)[1]
        for r in emulator.requests_to("POST", path)
        if r.status == 200
    ]


async def only_schedule(bot: QuizBot, emulator: DiscordForTests) -> Schedule:
    (schedule,) = await store.list_schedules(bot.database, emulator.world.guild_id)
    return schedule


async def test_a_schedule_posts_at_its_minute_in_its_time_zone_and_only_once(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path, clock: Clock
) -> None:
    bot = await started(start_bot, lessons_dir, clock)
    clock.set(2030, 6, 3, 6, 0)  # 08:00 in Berlin (summer time, UTC+2)
    reply = await add_schedule(emulator, time="09:00", timezone="Europe/Berlin")
    assert "every day at **09:00 Europe/Berlin**" in reply["content"]
    assert "answers revealed when the next day's quiz opens" in reply["content"]
    assert "<#" in reply["content"] and "<t:1906700400:F>" in reply["content"]  # 2030-06-03 07:00 UTC
    clock.set(2030, 6, 3, 8, 59, tz=BERLIN)
    assert await scheduler(bot).run_due() == 0
    assert emulator.channel_messages("quiz") == []
    clock.set(2030, 6, 3, 9, 0, tz=BERLIN)
    assert await scheduler(bot).run_due() == 1
    assert posted(emulator) == ["sc.one"]
    clock.set(2030, 6, 3, 9, 0, 40, tz=BERLIN)  # the next tick, same minute
    assert await scheduler(bot).run_due() == 0
    clock.set(2030, 6, 3, 23, 0, tz=BERLIN)
    assert await scheduler(bot).run_due() == 0
    assert posted(emulator) == ["sc.one"], "one post per day"


async def test_the_local_time_holds_across_a_daylight_saving_change(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path, clock: Clock
) -> None:
    # Berlin moves from UTC+1 to UTC+2 on Sunday 31 March 2030: 09:00 local is 08:00 UTC the day
    # before and 07:00 UTC on the day. The clock is set first: the scheduler's start-up tick, if slow,
    # would otherwise still read the fixture's June time once the schedule exists.
    clock.set(2030, 3, 29, 12, 0)
    bot = await started(start_bot, lessons_dir, clock)
    await add_schedule(emulator, time="09:00", timezone="Europe/Berlin")
    clock.set(2030, 3, 30, 7, 59)
    assert await scheduler(bot).run_due() == 0
    clock.set(2030, 3, 30, 8, 0)
    assert await scheduler(bot).run_due() == 1
    clock.set(2030, 3, 31, 6, 59)
    assert await scheduler(bot).run_due() == 0
    clock.set(2030, 3, 31, 7, 0)
    assert await scheduler(bot).run_due() == 1
    runs = await store.schedule_runs(bot.database, (await only_schedule(bot, emulator)).id or 0)
    assert [(r.run_date.isoformat(), r.due_at.strftime("%H:%M"), r.status) for r in runs] == [
        ("2030-03-31", "07:00", "posted"),
        ("2030-03-30", "08:00", "posted"),
    ]


async def test_a_restart_does_not_post_the_same_day_twice(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path, clock: Clock
) -> None:
    first = await started(start_bot, lessons_dir, clock)
    clock.set(2030, 6, 3, 12, 0)
    await add_schedule(emulator, time="07:30", timezone="UTC")
    clock.set(2030, 6, 4, 7, 30)
    assert await scheduler(first).run_due() == 1
    await first.close()
    await emulator.wait_for(
        lambda: not any(c.ready and not c.ws.closed for c in emulator._sockets), what="the first bot to leave"
    )
    second = await started(start_bot, lessons_dir, clock)  # same SQLite file
    clock.set(2030, 6, 4, 7, 31)
    assert await scheduler(second).run_due() == 0
    assert posted(emulator) == ["sc.one"]
    clock.set(2030, 6, 5, 7, 30)
    assert await scheduler(second).run_due() == 1
    assert posted(emulator) == ["sc.one", "sc.two"]


async def test_two_bots_on_one_postgresql_post_a_due_quiz_exactly_once(
    emulator: DiscordForTests,
    start_bot: StartBot,
    lessons_dir: Path,
    clock: Clock,
    postgres_run_url: str,
) -> None:
    one = await started(start_bot, lessons_dir, clock, database_url=postgres_run_url)
    await reset_tables(one.database)  # the run's PostgreSQL database is shared with other tests
    two = await started(start_bot, lessons_dir, clock, database_url=postgres_run_url)
    clock.set(2030, 6, 3, 12, 0)
    await add_schedule(emulator, time="18:15", timezone="America/New_York", count=2)
    for day in (4, 5, 6):
        clock.set(2030, 6, day, 18, 15, tz=NEW_YORK)
        results = await asyncio.gather(*(scheduler(b).run_due() for b in (one, two, one, two)))
        assert sorted(results) == [0, 0, 0, 1]
    assert posted(emulator) == ["sc.one", "sc.two", "sc.three", "sc.one", "sc.two", "sc.three"]


async def test_shard_processes_serve_and_post_only_for_the_guilds_on_their_shards(
    emulator: DiscordForTests,
    start_bot: StartBot,
    lessons_dir: Path,
    clock: Clock,
    postgres_run_url: str,
) -> None:
    guild_id = emulator.world.guild_id
    owner = (guild_id >> 22) % 2  # Discord's rule for which shard carries a guild

    async def shard(shard_id: int) -> QuizBot:
        return await started(
            start_bot,
            lessons_dir,
            clock,
            database_url=postgres_run_url,
            QUIZBOT_SHARD_COUNT="2",
            QUIZBOT_SHARD_IDS=str(shard_id),
        )

    holder = await shard(owner)
    await reset_tables(holder.database)  # the run's PostgreSQL database is shared with other tests
    other = await shard(1 - owner)
    assert holder.get_guild(guild_id) is not None and other.get_guild(guild_id) is None
    clock.set(2030, 6, 3, 12, 0)
    await add_schedule(emulator, time="18:15", timezone="UTC")  # the guild's shard answers
    clock.set(2030, 6, 4, 18, 15)
    assert await scheduler(other).run_due() == 0, "another shard's guild: not this process's quiz"
    assert posted(emulator) == []
    assert await scheduler(holder).run_due() == 1
    assert posted(emulator) == ["sc.one"]


async def test_a_run_missed_while_down_is_posted_on_start_up_within_the_catch_up_window(
    emulator: DiscordForTests,
    start_bot: StartBot,
    lessons_dir: Path,
    clock: Clock,
) -> None:
    # The scheduler's first tick (right after a bot is ready) is the start-up catch-up.
    first = await started(start_bot, lessons_dir, clock, QUIZBOT_CATCH_UP="30")
    clock.set(2030, 6, 3, 12, 0)
    await add_schedule(emulator, time="07:00", timezone="UTC")
    await first.close()
    await emulator.wait_for(
        lambda: not any(c.ready and not c.ws.closed for c in emulator._sockets), what="the first bot to leave"
    )
    clock.set(2030, 6, 4, 7, 29)  # down over 07:00; back 29 minutes late: inside the 30-minute window
    second = await started(start_bot, lessons_dir, clock, QUIZBOT_CATCH_UP="30")
    await emulator.wait_for(lambda: posted(emulator), what="the missed quiz to be posted on start-up")
    assert posted(emulator) == ["sc.one"]
    assert await scheduler(second).run_due() == 0


async def test_a_run_missed_by_more_than_the_window_is_skipped_and_the_next_day_posts(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path, clock: Clock
) -> None:
    bot = await started(start_bot, lessons_dir, clock, QUIZBOT_CATCH_UP="30")
    clock.set(2030, 6, 3, 12, 0)
    await add_schedule(emulator, time="07:00", timezone="UTC")
    clock.set(2030, 6, 4, 7, 31)
    assert await scheduler(bot).run_due() == 0
    clock.set(2030, 6, 4, 7, 32)
    assert await scheduler(bot).run_due() == 0
    assert emulator.channel_messages("quiz") == []
    schedule = await only_schedule(bot, emulator)
    (run,) = await store.schedule_runs(bot.database, schedule.id or 0)
    assert run.status == RunStatus.SKIPPED
    clock.set(2030, 6, 5, 7, 0)
    assert await scheduler(bot).run_due() == 1
    assert posted(emulator) == ["sc.one"]


async def test_questions_rotate_without_repeats_and_the_previous_post_closes(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path, clock: Clock
) -> None:
    bot = await started(start_bot, lessons_dir, clock)
    clock.set(2030, 6, 3, 12, 0)
    await add_schedule(emulator, time="10:00", timezone="UTC")
    for day in range(4, 10):
        clock.set(2030, 6, day, 10, 0)
        assert await scheduler(bot).run_due() == 1
    assert posted(emulator) == ["sc.one", "sc.two", "sc.three", "sc.one", "sc.two", "sc.three"]
    messages = emulator.channel_messages("quiz")
    assert [emulator.message(int(m["id"]))["embeds"][0]["title"].split(" · ")[0] for m in messages] == [
        "Closed"
    ] * 5 + ["Question"]


async def test_daily_posts_and_their_notices_speak_the_servers_language_and_replies_the_moderators(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path, clock: Clock
) -> None:
    emulator.world.guild_locale = "de"  # the server's Discord language; the moderator's client is en-US
    bot = await started(start_bot, lessons_dir, clock)
    german = translations("de")
    lesson = "Schedule lesson"

    def titles() -> list[str]:
        return [
            emulator.message(int(m["id"]))["embeds"][0]["title"] for m in emulator.channel_messages("quiz")
        ]

    clock.set(2030, 6, 3, 12, 0)
    await add_schedule(emulator, time="10:00", timezone="UTC")
    clock.set(2030, 6, 4, 10, 0)
    assert await scheduler(bot).run_due() == 1
    question = german.gettext("Question · {lesson}").format(lesson=lesson)
    closed = german.gettext("Closed · {lesson}").format(lesson=lesson)
    assert question != f"Question · {lesson}" and titles() == [question], "built in the background, for all"
    clock.set(2030, 6, 5, 10, 0)
    assert await scheduler(bot).run_due() == 1
    assert titles() == [closed, question], "the day before's reveal too"

    emulator.world.channels["quiz"].bot_can_post = False
    clock.set(2030, 6, 6, 10, 0)
    assert await scheduler(bot).run_due() == 0
    why = "I'm not allowed to post in that channel any more (I need *Send Messages* and *Embed Links*)."
    (notice,) = emulator.dm_messages("mod")
    assert german.gettext(why) != why and german.gettext(why) in notice["content"], "no interaction: German"
    listing = await emulator.wait_reply(await emulator.slash("schedule list", by="mod"))
    assert listing["flags"] & EPHEMERAL and listing["embeds"][0]["title"] == "Daily quizzes"
    assert why in listing["embeds"][0]["description"], "the stored reason, read in the reader's language"
    emulator.world.members["mod"].locale = "de"
    again = await emulator.wait_reply(await emulator.slash("schedule list", by="mod"))
    assert german.gettext(why) in again["embeds"][0]["description"]

    emulator.world.members["mod"].locale = "en-US"
    schedule = await only_schedule(bot, emulator)
    removed = await emulator.wait_reply(
        await emulator.slash("schedule remove", by="mod", schedule=schedule.id)
    )
    assert "Removed daily quiz" in removed["content"], "the moderator's reply: their own language"
    assert titles() == [closed, closed], "closing the open post edits it for everyone: German"


async def test_difficulty_and_count_pick_several_questions_of_that_level(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path, clock: Clock
) -> None:
    bot = await started(start_bot, lessons_dir, clock)
    clock.set(2030, 6, 3, 12, 0)
    reply = await add_schedule(
        emulator, time="10:00", timezone="UTC", difficulty="easy", count=2, close_after=30
    )
    assert "2 questions (easy)" in reply["content"]
    assert "answers revealed 30 minutes after posting" in reply["content"]
    clock.set(2030, 6, 4, 10, 0)
    assert await scheduler(bot).run_due() == 1
    assert posted(emulator) == ["sc.one", "sc.three"]
    none_hard = await add_schedule(emulator, lesson="sc", difficulty="medium")
    assert "has no medium questions" in none_hard["content"]


async def test_a_channel_the_bot_cannot_post_in_pauses_the_schedule_and_dms_its_moderator(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path, clock: Clock
) -> None:
    bot = await started(start_bot, lessons_dir, clock)
    clock.set(2030, 6, 3, 12, 0)
    await add_schedule(emulator, time="10:00", timezone="UTC")
    emulator.world.channels["quiz"].bot_can_post = False
    clock.set(2030, 6, 4, 10, 0)
    assert await scheduler(bot).run_due() == 0
    schedule = await only_schedule(bot, emulator)
    assert schedule.paused and "not allowed to post" in english(schedule.paused_reason or "")
    (dm,) = emulator.dm_messages("mod")
    assert "is paused" in dm["content"] and "/schedule resume" in dm["content"]
    (run,) = await store.schedule_runs(bot.database, schedule.id or 0)
    assert run.status == RunStatus.FAILED and run.error and "403" in run.error
    # Paused: later days are not tried (no crash loop, no more DMs).
    attempts = len(emulator.requests_to("POST", f"/channels/{emulator.world.channels['quiz'].id}/messages"))
    clock.set(2030, 6, 5, 10, 0)
    assert await scheduler(bot).run_due() == 0
    assert (
        len(emulator.requests_to("POST", f"/channels/{emulator.world.channels['quiz'].id}/messages"))
        == attempts
    )
    assert len(emulator.dm_messages("mod")) == 1
    # Fixed and resumed: the next day posts again.
    emulator.world.channels["quiz"].bot_can_post = True
    resumed = await emulator.wait_reply(
        await emulator.slash("schedule resume", by="mod", schedule=schedule.id)
    )
    assert "Resumed" in resumed["content"]
    clock.set(2030, 6, 6, 10, 0)
    assert await scheduler(bot).run_due() == 1
    assert posted(emulator) == ["sc.one"]


async def test_a_vanished_channel_pauses_the_schedule_even_when_dms_are_closed(
    emulator: DiscordForTests,
    start_bot: StartBot,
    lessons_dir: Path,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    bot = await started(start_bot, lessons_dir, clock)
    clock.set(2030, 6, 3, 12, 0)
    await add_schedule(emulator, time="10:00", timezone="UTC")
    emulator.dms_closed.add("mod")
    del emulator.world.channels["quiz"]  # the channel was deleted
    clock.set(2030, 6, 4, 10, 0)
    assert await scheduler(bot).run_due() == 0
    (schedule,) = await store.list_schedules(bot.database, emulator.world.guild_id)
    assert schedule.paused and "no longer exists" in english(schedule.paused_reason or "")
    assert "could not DM moderator" in caplog.text


async def test_moderators_list_pause_and_remove_schedules_and_members_are_refused(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path, clock: Clock
) -> None:
    bot = await started(start_bot, lessons_dir, clock)
    clock.set(2030, 6, 3, 12, 0)
    refused = await emulator.wait_reply(
        await emulator.slash("schedule add", by="alice", channel="quiz", time="09:00", lesson="sc")
    )
    assert "Only moderators" in refused["content"]
    bad_time = await add_schedule(emulator, time="25:00")
    assert "not a time of day" in bad_time["content"]
    bad_zone = await add_schedule(emulator, timezone="Mars/Olympus")
    assert "not a time zone I know" in bad_zone["content"]
    assert await store.list_schedules(bot.database, emulator.world.guild_id) == []

    zones = await emulator.autocomplete("schedule add", "timezone", by="mod", timezone="berl")
    assert zones[0]["value"] == "Europe/Berlin"
    await add_schedule(emulator, time="09:00", timezone="Europe/Berlin")
    await emulator.wait_reply(await emulator.slash("config timezone", by="mod", timezone="Asia/Tokyo"))
    tokyo = await emulator.wait_reply(
        await emulator.slash("schedule add", by="mod", channel="quiz", time="7:05", lesson="sc", count=3)
    )
    assert "07:05 Asia/Tokyo" in tokyo["content"], "no time zone given: the server's"
    listing = await emulator.wait_reply(await emulator.slash("schedule list", by="mod"))
    text = listing["embeds"][0]["description"]
    assert text.index("07:05 Asia/Tokyo") < text.index("09:00 Europe/Berlin")
    assert "3 questions from *Schedule lesson*" in text

    choices = await emulator.autocomplete("schedule pause", "schedule", by="mod", schedule="berlin")
    (choice,) = choices
    assert choice["name"].endswith("09:00 Europe/Berlin in #quiz: sc")
    paused = await emulator.wait_reply(
        await emulator.slash("schedule pause", by="mod", schedule=choice["value"])
    )
    assert "Paused daily quiz" in paused["content"]
    clock.set(2030, 6, 4, 9, 0, tz=BERLIN)
    assert await scheduler(bot).run_due() == 0, "a paused schedule does not post"
    listing = await emulator.wait_reply(await emulator.slash("schedule list", by="mod"))
    assert "paused" in listing["embeds"][0]["description"]

    removed = await emulator.wait_reply(
        await emulator.slash("schedule remove", by="mod", schedule=choice["value"])
    )
    assert "Removed daily quiz" in removed["content"]
    missing = await emulator.wait_reply(
        await emulator.slash("schedule remove", by="mod", schedule=choice["value"])
    )
    assert "no schedule" in missing["content"]
    assert len(await store.list_schedules(bot.database, emulator.world.guild_id)) == 1


async def test_a_lesson_taken_out_pauses_its_schedule_and_the_list_says_why(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path, clock: Clock
) -> None:
    bot = await started(start_bot, lessons_dir, clock)
    clock.set(2030, 6, 3, 12, 0)
    await add_schedule(emulator, time="10:00", timezone="UTC")
    (lessons_dir / "sc.yaml").write_text(LESSON.replace("id: sc\n", "id: renamed\n", 1))
    await bot.refresh_lessons()
    clock.set(2030, 6, 4, 10, 0)
    assert await scheduler(bot).run_due() == 0
    assert posted(emulator) == []
    (dm,) = emulator.dm_messages("mod")
    assert "the lesson `sc` is gone" in dm["content"]
    listing = await emulator.wait_reply(await emulator.slash("schedule list", by="mod"))
    text = listing["embeds"][0]["description"]
    assert "paused: the lesson `sc` is gone" in text
    assert "last run: 4 Jun 2030: failed" in text


class ProcessDied(BaseException):
    """Stands for the process being killed: no `except Exception` handler gets to record anything."""


AFTER_LISTING, AFTER_SENDING = "before Discord has the message", "before the message id is stored"
LONG_AFTER_SENDING = "before the message id is stored, back after Discord forgot the nonce"


async def bot_dies_while_posting(
    when: str,
    monkeypatch: pytest.MonkeyPatch,
    emulator: DiscordForTests,
    start_bot: StartBot,
    lessons_dir: Path,
    clock: Clock,
) -> QuizBot:
    """A bot claims 2030-06-04's 07:30 UTC run and dies at `when` while posting it; returns the
    bot started in its place, on the same database."""
    first = await started(start_bot, lessons_dir, clock)
    clock.set(2030, 6, 3, 12, 0)
    await add_schedule(emulator, time="07:30", timezone="UTC", count=2)
    if when == AFTER_LISTING:
        listed = store.add_run_post

        async def add_run_post_then_die(*args: Any) -> None:
            await listed(*args)
            raise ProcessDied

        monkeypatch.setattr(store, "add_run_post", add_run_post_then_die)
    else:

        async def die(*args: Any) -> None:
            raise ProcessDied

        monkeypatch.setattr(post_rows, "set_post_message", die)
    clock.set(2030, 6, 4, 7, 30)
    with pytest.raises(ProcessDied):
        await scheduler(first).run_due()
    monkeypatch.undo()
    await first.close()
    await emulator.wait_for(
        lambda: not any(c.ready and not c.ws.closed for c in emulator._sockets), what="the first bot to leave"
    )
    return await started(start_bot, lessons_dir, clock)  # same SQLite file


def question_messages(emulator: DiscordForTests) -> list[tuple[int, str]]:
    """(message id, question id) of every message members can see in #quiz."""
    return [
        (int(m["id"]), m["embeds"][0]["footer"]["text"].rsplit(" · ", 1)[1])
        for m in emulator.channel_messages("quiz")
    ]


@pytest.mark.parametrize("dies", [AFTER_LISTING, AFTER_SENDING, LONG_AFTER_SENDING])
async def test_a_run_whose_poster_died_is_finished_by_the_next_bot_and_no_question_is_posted_twice(
    dies: str,
    emulator: DiscordForTests,
    start_bot: StartBot,
    lessons_dir: Path,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    second = await bot_dies_while_posting(dies, monkeypatch, emulator, start_bot, lessons_dir, clock)
    sent_before = question_messages(emulator)
    assert len(sent_before) == (0 if dies == AFTER_LISTING else 1)
    if dies == LONG_AFTER_SENDING:
        emulator.nonce_window_s = 0  # a resend now posts again: the channel's history must tell
    clock.set(2030, 6, 4, 7, 31)
    assert await scheduler(second).run_due() == 0, "a claim a minute old may still be posting"
    clock.set(2030, 6, 4, 7, 33)
    assert await scheduler(second).run_due() == 1
    seen = question_messages(emulator)
    assert [q for _, q in seen] == ["sc.one", "sc.two"], "each question once"
    assert seen[: len(sent_before)] == sent_before, "the message that did arrive is the one kept"
    (run,) = await store.schedule_runs(second.database, (await only_schedule(second, emulator)).id or 0)
    assert run.status == RunStatus.POSTED
    posts = [await post_rows.get_post(second.database, post_id) for post_id in run.post_ids]
    assert [(p.message_id, p.question_id) for p in posts if p] == seen

    message = emulator.message(seen[0][0])
    reply = await emulator.wait_reply(await emulator.click(message, button(message, ":A"), by="alice"))
    assert title(reply) == "✅ Right on try 1: +1 point", "the kept message's buttons answer its question"
    clock.set(2030, 6, 4, 8, 30)
    assert await scheduler(second).run_due() == 0, "a finished run is not taken over again"


async def test_a_run_whose_poster_died_is_given_up_after_the_catch_up_window(
    emulator: DiscordForTests,
    start_bot: StartBot,
    lessons_dir: Path,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    second = await bot_dies_while_posting(AFTER_SENDING, monkeypatch, emulator, start_bot, lessons_dir, clock)
    clock.set(2030, 6, 4, 9, 0)  # 90 minutes later: past the default 60-minute catch-up
    assert await scheduler(second).run_due() == 0
    schedule = await only_schedule(second, emulator)
    (run,) = await store.schedule_runs(second.database, schedule.id or 0)
    assert run.status == RunStatus.FAILED and "stopped while posting" in english(run.error or "")
    assert len(question_messages(emulator)) == 1, "nothing posted late"
    listed = await emulator.wait_reply(await emulator.slash("schedule list", by="mod"))
    assert "4 Jun 2030: failed (the bot stopped while posting it" in str(listed["embeds"]), (
        "moderators see why"
    )
    clock.set(2030, 6, 5, 7, 30)
    assert await scheduler(second).run_due() == 1, "the next day posts as usual"


async def test_a_schedule_whose_zone_is_no_longer_known_is_not_resumed_with_a_made_up_time(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path, clock: Clock
) -> None:
    bot = await started(start_bot, lessons_dir, clock)
    await add_schedule(emulator, time="09:00", timezone="Europe/Berlin")
    schedule = await only_schedule(bot, emulator)
    assert schedule.id is not None
    await store.set_paused(bot.database, schedule.id, True, reason="paused by a test")
    async with bot.database.writing() as s:  # the tz database dropped the zone since
        stored = await s.get(Schedule, schedule.id)
        assert stored is not None
        stored.timezone = "Europe/Atlantis"
        s.add(stored)
        await s.commit()
    reply = await emulator.wait_reply(await emulator.slash("schedule resume", by="mod", schedule=schedule.id))
    assert reply["flags"] & EPHEMERAL and "a time zone I no longer know" in reply["content"]
    assert (await only_schedule(bot, emulator)).paused, "still paused"
