"""What moderators read about schedules: the confirmation, the list, the pause notice."""

from __future__ import annotations

from datetime import datetime

import discord

from bot.i18n import ngettext
from bot.rendering import duration, fit_lines, plural, shorten
from content import Lesson
from content.discord_limits import CHOICE_NAME_CHARS, EMBED_DESCRIPTION_CHARS
from storage.models import Schedule, ScheduleRun


def _more_schedules(count: int) -> str:
    return ngettext("… and {count} more schedule", "… and {count} more schedules", count).format(count=count)


def when(schedule: Schedule) -> str:
    """'09:00 Europe/Berlin'."""
    return f"{schedule.hour:02d}:{schedule.minute:02d} {schedule.timezone}"


def what(schedule: Schedule, lesson: Lesson | None) -> str:
    """'2 questions (hard) from *Lesson title*'."""
    title = lesson.title if lesson else schedule.lesson_id
    level = "" if schedule.difficulty == "any" else f" ({schedule.difficulty})"
    return f"{plural(schedule.count, 'question')}{level} from *{shorten(title, 80)}*"


def closing(schedule: Schedule) -> str:
    if schedule.close_after_minutes is None:
        return "answers revealed when the next day's quiz opens"
    return f"answers revealed {duration(schedule.close_after_minutes)} after posting"


def added(schedule: Schedule, lesson: Lesson | None, next_at: datetime) -> str:
    return (
        f"Scheduled quiz **#{schedule.id}**: {what(schedule, lesson)} in <#{schedule.channel_id}> every day at "
        f"**{when(schedule)}**; {closing(schedule)}. First one {discord.utils.format_dt(next_at, 'F')} "
        f"({discord.utils.format_dt(next_at, 'R')})."
    )


def _last_run(run: ScheduleRun | None) -> str:
    if run is None:
        return "not run yet"
    day = run.run_date.isoformat()
    if run.status == "failed":
        return f"{day}: failed ({shorten(run.error or 'unknown error', 80)})"
    return f"{day}: {run.status}"


def list_embed(
    schedules: list[tuple[Schedule, Lesson | None, datetime | None, ScheduleRun | None]],
) -> discord.Embed:
    """Every schedule of the server: when, where, what, next and last run, paused or not."""
    embed = discord.Embed(title="Daily quizzes", colour=discord.Colour.blurple())
    if not schedules:
        embed.description = "No daily quizzes yet. Add one with `/schedule add`."
        return embed
    blocks = []
    for schedule, lesson, next_at, last in schedules:
        head = f"**#{schedule.id}** · {when(schedule)} · <#{schedule.channel_id}>"
        lines = [head, f"{what(schedule, lesson)}; {closing(schedule)}"]
        if schedule.paused:
            reason = f": {shorten(schedule.paused_reason, 120)}" if schedule.paused_reason else ""
            lines.append(f"⏸️ paused{reason} (`/schedule resume`)")
        elif next_at is not None:
            lines.append(f"next {discord.utils.format_dt(next_at, 'R')}")
        lines.append(f"last run: {_last_run(last)}")
        blocks.append("\n".join(lines))
    embed.description = fit_lines(blocks, EMBED_DESCRIPTION_CHARS, more=_more_schedules, sep="\n\n")
    return embed


def paused_notice(schedule: Schedule, lesson: Lesson | None, reason: str) -> str:
    """The DM to the moderator who made a schedule that paused itself."""
    return (
        f"Your daily quiz **#{schedule.id}** ({what(schedule, lesson)} in <#{schedule.channel_id}> at "
        f"{when(schedule)}) is paused: {reason} Fix that, then run `/schedule resume` in the server."
    )


def choice_name(schedule: Schedule, channel_name: str | None) -> str:
    """An autocomplete entry: '#3 09:00 Europe/Berlin in #quiz: lesson (paused)' (100 characters at most)."""
    where = f"#{channel_name}" if channel_name else f"channel {schedule.channel_id}"
    state = " (paused)" if schedule.paused else ""
    return shorten(
        f"#{schedule.id} {when(schedule)} in {where}: {schedule.lesson_id}{state}", CHOICE_NAME_CHARS
    )
