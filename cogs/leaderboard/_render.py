"""The leaderboard embed: one line per member, ties sharing a rank, and the asker's own standing."""

from __future__ import annotations

from datetime import date

import discord

from bot.grading import points_phrase
from bot.rendering import MEDALS, plural, shorten
from content.discord_limits import EMBED_FIELD_CHARS, EMBED_TITLE_CHARS
from storage import RankedMember
from storage.leaderboards import BoardPage, Period, Window

PERIOD_TITLES: dict[Period, str] = {
    "today": "Today",
    "week": "This week",
    "month": "This month",
    "all": "All time",
}
EMPTY: dict[Period, str] = {
    "today": "Nobody has scored today yet.",
    "week": "Nobody has scored this week yet.",
    "month": "Nobody has scored this month yet.",
    "all": "Nobody has scored yet.",
}


def _day(d: date) -> str:
    return f"{d.day} {d:%b} {d.year}"


def window_text(win: Window, tz_name: str) -> str:
    """'Mon 10 Mar 2025 - Sun 16 Mar 2025 (Europe/Berlin)': which days the board counts."""
    if win.first_day is None or win.last_day is None:
        return "Every answer since the start"
    if win.first_day == win.last_day:
        return f"{win.first_day:%a} {_day(win.first_day)} ({tz_name})"
    return f"{_day(win.first_day)} - {_day(win.last_day)} ({tz_name})"


def member_line(row: RankedMember, tied: bool) -> str:
    """`🥇**1.** @alice · **3 points** · 2 right answers · 🔥 4`; a shared rank reads `=2.`"""
    rank = f"{'=' if tied else ''}{row.rank}."
    medal = MEDALS.get(row.rank, "")
    streak = f" · 🔥 {row.current_streak}" if row.current_streak > 1 else ""
    return (
        f"{medal}**{rank}** <@{row.member_id}> · **{points_phrase(row.points)}** · "
        f"{plural(row.right_answers, 'right answer')}{streak}"
    )


def standing_text(me: RankedMember | None) -> str:
    if me is None:
        return "No points in this period yet: answer a posted question to get on the board."
    streak = f" · 🔥 {me.current_streak}-day streak" if me.current_streak > 1 else ""
    return (
        f"**#{me.rank}** · {points_phrase(me.points)} · "
        f"{plural(me.right_answers, 'right answer')} of {me.answered}{streak}"
    )


def board_embed(
    page: BoardPage,
    *,
    tz_name: str,
    lesson_title: str | None,
    me: RankedMember | None,
    me_id: int,
    tied_ranks: set[int],
) -> discord.Embed:
    title = f"🏆 Leaderboard · {PERIOD_TITLES[page.window.period]}"
    if lesson_title:
        title += f" · {lesson_title}"
    lines = [member_line(row, row.rank in tied_ranks) for row in page.rows]
    if not lines:
        lines = [EMPTY[page.window.period] if page.page == 0 else "No more members on this board."]
    embed = discord.Embed(
        title=shorten(title, EMBED_TITLE_CHARS), description="\n".join(lines), colour=discord.Colour.gold()
    )
    embed.add_field(name="Your rank", value=shorten(f"<@{me_id}>: {standing_text(me)}", EMBED_FIELD_CHARS))
    embed.set_footer(text=f"{window_text(page.window, tz_name)} · page {page.page + 1} · ties share a rank")
    return embed
