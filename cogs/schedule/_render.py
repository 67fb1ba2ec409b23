"""What moderators read about schedules: the confirmation, the list, the pause notice."""

from __future__ import annotations

from datetime import datetime

import discord

from bot.embeds import difficulty_name
from bot.i18n import _, day, ngettext
from bot.rendering import duration, fit_lines, shorten
from bot.stored_text import read
from content import Lesson
from content.discord_limits import CHOICE_NAME_CHARS, EMBED_DESCRIPTION_CHARS
from content.scoping import authored
from storage.models import Schedule, ScheduleRun


def _more_schedules(count: int) -> str:
    return ngettext("… and {count} more schedule", "… and {count} more schedules", count).format(count=count)


def when(schedule: Schedule) -> str:
    """'09:00 Europe/Berlin'."""
    return f"{schedule.hour:02d}:{schedule.minute:02d} {schedule.timezone}"


def what(schedule: Schedule, lesson: Lesson | None) -> str:
    """'2 questions (hard) from *Lesson title*'."""
    title = shorten(lesson.title if lesson else authored(schedule.lesson_id), 80)
    count = schedule.count
    if schedule.difficulty == "any":
        # TRANSLATORS: what a daily quiz posts each day; {lesson} is a lesson's title. Part of a
        # longer sentence ("Scheduled quiz #3: 2 questions from *Lesson* in #quiz every day at ...").
        text = ngettext("{count} question from *{lesson}*", "{count} questions from *{lesson}*", count)
        return text.format(count=count, lesson=title)
    # TRANSLATORS: what a daily quiz posts each day; {difficulty} is "easy", "medium" or "hard";
    # {lesson} is a lesson's title. Part of a longer sentence, like the one without a difficulty.
    text = ngettext(
        "{count} question ({difficulty}) from *{lesson}*",
        "{count} questions ({difficulty}) from *{lesson}*",
        count,
    )
    return text.format(count=count, difficulty=difficulty_name(schedule.difficulty), lesson=title)


def closing(schedule: Schedule) -> str:
    """When a daily quiz's answers are revealed: the end of a sentence, after a semicolon."""
    if schedule.close_after_minutes is None:
        # TRANSLATORS: the end of a sentence about a daily quiz, after a semicolon.
        return _("answers revealed when the next day's quiz opens")
    # TRANSLATORS: the end of a sentence about a daily quiz, after a semicolon; {duration} reads
    # "30 minutes", "1 hour 30 minutes".
    return _("answers revealed {duration} after posting").format(
        duration=duration(schedule.close_after_minutes)
    )


def added(schedule: Schedule, lesson: Lesson | None, next_at: datetime) -> str:
    # TRANSLATORS: {id} is the schedule's number; {what} reads "2 questions from *Lesson*"; {channel}
    # is the channel's id inside <#...>; {when} reads "09:00 Europe/Berlin"; {closing} reads "answers
    # revealed when the next day's quiz opens"; {first_at} and {first_in} are Discord timestamps (a
    # date and time; "in 3 hours").
    text = _(
        "Scheduled quiz **#{id}**: {what} in <#{channel}> every day at **{when}**; {closing}. "
        "First one {first_at} ({first_in})."
    )
    return text.format(
        id=schedule.id,
        what=what(schedule, lesson),
        channel=schedule.channel_id,
        when=when(schedule),
        closing=closing(schedule),
        first_at=discord.utils.format_dt(next_at, "F"),
        first_in=discord.utils.format_dt(next_at, "R"),
    )


def _last_run(run: ScheduleRun | None) -> str:
    """The last line of a schedule in the list: how its latest run went."""
    if run is None:
        # TRANSLATORS: in /schedule list, under a daily quiz that has not posted anything yet.
        return _("last run: not run yet")
    run_day = day(run.run_date)
    if run.status == "failed":
        # TRANSLATORS: in /schedule list; {day} is a date ("4 Jun 2030"); {error} says what went
        # wrong (a sentence, or Discord's own error in English).
        return _("last run: {day}: failed ({error})").format(
            day=run_day, error=shorten(read(run.error) if run.error else _("unknown error"), 80)
        )
    if run.status == "posted":
        # TRANSLATORS: in /schedule list; {day} is a date ("4 Jun 2030").
        return _("last run: {day}: posted").format(day=run_day)
    if run.status == "skipped":
        # TRANSLATORS: in /schedule list; {day} is a date ("4 Jun 2030"): the bot was offline for longer
        # than the catch-up window, so that day's quiz was not posted.
        return _("last run: {day}: skipped").format(day=run_day)
    # TRANSLATORS: in /schedule list; {day} is a date ("4 Jun 2030"): a bot process has taken that
    # day's quiz and is posting it right now.
    return _("last run: {day}: claimed").format(day=run_day)


def list_embed(
    schedules: list[tuple[Schedule, Lesson | None, datetime | None, ScheduleRun | None]],
) -> discord.Embed:
    """Every schedule of the server: when, where, what, next and last run, paused or not."""
    # TRANSLATORS: the title of /schedule list.
    embed = discord.Embed(title=_("Daily quizzes"), colour=discord.Colour.blurple())
    if not schedules:
        embed.description = _("No daily quizzes yet. Add one with `/schedule add`.")
        return embed
    blocks = []
    for schedule, lesson, next_at, last in schedules:
        head = f"**#{schedule.id}** · {when(schedule)} · <#{schedule.channel_id}>"
        # TRANSLATORS: in /schedule list; {what} reads "2 questions from *Lesson*", {closing} "answers
        # revealed when the next day's quiz opens".
        lines = [head, _("{what}; {closing}").format(what=what(schedule, lesson), closing=closing(schedule))]
        if schedule.paused and schedule.paused_reason:
            # TRANSLATORS: in /schedule list; {reason} says why the daily quiz was paused (a sentence,
            # or "paused by @someone").
            paused = _("⏸️ paused: {reason} (`/schedule resume`)")
            lines.append(paused.format(reason=shorten(read(schedule.paused_reason), 120)))
        elif schedule.paused:
            lines.append(_("⏸️ paused (`/schedule resume`)"))
        elif next_at is not None:
            # TRANSLATORS: in /schedule list; {when} is a Discord timestamp that reads "in 3 hours".
            lines.append(_("next {when}").format(when=discord.utils.format_dt(next_at, "R")))
        lines.append(_last_run(last))
        blocks.append("\n".join(lines))
    embed.description = fit_lines(blocks, EMBED_DESCRIPTION_CHARS, more=_more_schedules, sep="\n\n")
    return embed


def paused_notice(schedule: Schedule, lesson: Lesson | None, reason: str) -> str:
    """The DM to the moderator who made a schedule that paused itself."""
    # TRANSLATORS: a DM to a moderator. {id} is the schedule's number; {what} reads "2 questions from
    # *Lesson*"; {channel} is the channel's id inside <#...>; {when} reads "09:00 Europe/Berlin";
    # {reason} is a whole sentence saying why, ending with its full stop.
    text = _(
        "Your daily quiz **#{id}** ({what} in <#{channel}> at {when}) is paused: {reason} "
        "Fix that, then run `/schedule resume` in the server."
    )
    return text.format(
        id=schedule.id,
        what=what(schedule, lesson),
        channel=schedule.channel_id,
        when=when(schedule),
        reason=reason,
    )


def choice_name(schedule: Schedule, channel_name: str | None) -> str:
    """An autocomplete entry: '#3 09:00 Europe/Berlin in #quiz: lesson (paused)' (100 characters at most)."""
    # TRANSLATORS: where a daily quiz posts, when the bot cannot see the channel's name; {id} is its id.
    where = f"#{channel_name}" if channel_name else _("channel {id}").format(id=schedule.channel_id)
    if schedule.paused:
        # TRANSLATORS: a daily quiz in a list to pick from; {id} is its number, {when} reads "09:00
        # Europe/Berlin", {channel} "#quiz", {lesson} is the lesson's id.
        text = _("#{id} {when} in {channel}: {lesson} (paused)")
    else:
        # TRANSLATORS: a daily quiz in a list to pick from; {id} is its number, {when} reads "09:00
        # Europe/Berlin", {channel} "#quiz", {lesson} is the lesson's id.
        text = _("#{id} {when} in {channel}: {lesson}")
    name = text.format(
        id=schedule.id, when=when(schedule), channel=where, lesson=authored(schedule.lesson_id)
    )
    return shorten(name, CHOICE_NAME_CHARS)
