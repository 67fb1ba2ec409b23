"""The leaderboard embed: one line per member, ties sharing a rank, and the asker's own standing."""

from __future__ import annotations

import discord

from bot.grading import points_phrase
from bot.i18n import N_, _, day, ngettext
from bot.rendering import MEDALS, shorten
from content.discord_limits import EMBED_FIELD_CHARS, EMBED_TITLE_CHARS
from storage import RankedMember
from storage.leaderboards import BoardPage, Period, Window

PERIOD_TITLES: dict[Period, str] = {
    "today": N_("Today"),
    "week": N_("This week"),
    "month": N_("This month"),
    "all": N_("All time"),
}
EMPTY: dict[Period, str] = {
    "today": N_("Nobody has scored today yet."),
    "week": N_("Nobody has scored this week yet."),
    "month": N_("Nobody has scored this month yet."),
    "all": N_("Nobody has scored yet."),
}


def period_title(period: Period) -> str:
    return _(PERIOD_TITLES[period])


def window_text(win: Window, tz_name: str) -> str:
    """'Mon 10 Mar 2025 - Sun 16 Mar 2025 (Europe/Berlin)': which days the board counts."""
    if win.first_day is None or win.last_day is None:
        return _("Every answer since the start")
    if win.first_day == win.last_day:
        weekday = day(win.first_day, "EEE")
        # TRANSLATORS: the one day a board counts: {weekday} is abbreviated ("Mon"), {day} reads
        # "10 Mar 2025", {time_zone} is the server's time zone ("Europe/Berlin").
        return _("{weekday} {day} ({time_zone})").format(
            weekday=weekday, day=day(win.first_day), time_zone=tz_name
        )
    # TRANSLATORS: the days a board counts: {first_day} and {last_day} read "10 Mar 2025",
    # {time_zone} is the server's time zone ("Europe/Berlin").
    return _("{first_day} - {last_day} ({time_zone})").format(
        first_day=day(win.first_day), last_day=day(win.last_day), time_zone=tz_name
    )


def _streak(days: int) -> str:
    # TRANSLATORS: a member's streak of days with a right answer (at least 2).
    return ngettext("🔥 {count}-day streak", "🔥 {count}-day streak", days).format(count=days)


def member_line(row: RankedMember, tied: bool) -> str:
    """`🥇**1.** @alice · **3 points** · 2 right answers · 🔥 4`; a shared rank reads `=2.`"""
    rank = f"{'=' if tied else ''}{row.rank}."
    medal = MEDALS.get(row.rank, "")
    streak = f" · 🔥 {row.current_streak}" if row.current_streak > 1 else ""
    right = ngettext("{count} right answer", "{count} right answers", row.right_answers).format(
        count=row.right_answers
    )
    return f"{medal}**{rank}** <@{row.member_id}> · **{points_phrase(row.points)}** · {right}{streak}"


def standing_text(me: RankedMember | None) -> str:
    if me is None:
        return _("No points in this period yet: answer a posted question to get on the board.")
    streak = f" · {_streak(me.current_streak)}" if me.current_streak > 1 else ""
    # TRANSLATORS: {count} of the {answered} questions a member answered on this board were right.
    right = ngettext(
        "{count} right answer of {answered}", "{count} right answers of {answered}", me.right_answers
    ).format(count=me.right_answers, answered=me.answered)
    return f"**#{me.rank}** · {points_phrase(me.points)} · {right}{streak}"


def board_embed(
    page: BoardPage,
    *,
    tz_name: str,
    lesson_title: str | None,
    me: RankedMember | None,
    me_id: int,
    tied_ranks: set[int],
) -> discord.Embed:
    period = period_title(page.window.period)
    if lesson_title:
        # TRANSLATORS: {period} is "This week", "All time"...; {lesson} is a lesson's title.
        title = _("🏆 Leaderboard · {period} · {lesson}").format(period=period, lesson=lesson_title)
    else:
        # TRANSLATORS: {period} is "Today", "This week", "This month" or "All time".
        title = _("🏆 Leaderboard · {period}").format(period=period)
    lines = [member_line(row, row.rank in tied_ranks) for row in page.rows]
    if not lines:
        lines = [_(EMPTY[page.window.period]) if page.page == 0 else _("No more members on this board.")]
    embed = discord.Embed(
        title=shorten(title, EMBED_TITLE_CHARS), description="\n".join(lines), colour=discord.Colour.gold()
    )
    # TRANSLATORS: {member} is a mention of the member who asked; {standing} is their rank, points
    # and right answers ("**#2** · 3 points · 2 right answers of 4").
    mine = _("<@{member}>: {standing}").format(member=me_id, standing=standing_text(me))
    embed.add_field(name=_("Your rank"), value=shorten(mine, EMBED_FIELD_CHARS))
    # TRANSLATORS: {window} is the days the board counts ("10 Mar 2025 - 16 Mar 2025 (Europe/Berlin)").
    footer = _("{window} · page {page} · ties share a rank").format(
        window=window_text(page.window, tz_name), page=page.page + 1
    )
    embed.set_footer(text=footer)
    return embed
