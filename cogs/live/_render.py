"""What a live round looks like: the lobby, each question with its countdown, its reveal with the
standings, the podium, and each player's own summary."""

from __future__ import annotations

from datetime import datetime

import discord

from bot import grading
from bot.embeds import COLOURS, add_revealed_answer, share_lines
from bot.live import Standing
from bot.rendering import bar, clip, place_mark, plural, shorten
from content import Lesson, Question, card_description
from content.discord_limits import EMBED_DESCRIPTION_CHARS, EMBED_FIELD_CHARS, EMBED_TITLE_CHARS
from storage.live_games import LiveAnswer
from storage.models import LiveGame

STANDINGS_SHOWN = 5
RANKING_SHOWN = 20  # on the podium; the full ranking pages by this many too


def _title(text: str, lesson: Lesson | None, game: LiveGame) -> str:
    return shorten(f"{text} · {lesson.title if lesson else game.lesson_id}", EMBED_TITLE_CHARS)


def _countdown(when: datetime) -> str:
    return discord.utils.format_dt(when, "R")


def _players(member_ids: list[int]) -> str:
    return clip(" ".join(f"<@{m}>" for m in member_ids), EMBED_FIELD_CHARS) if member_ids else "Nobody yet."


def lobby_embed(lesson: Lesson | None, game: LiveGame, joined: list[int]) -> discord.Embed:
    embed = discord.Embed(
        title=_title("🎮 Live round", lesson, game),
        description=(
            f"{plural(len(game.question_ids), 'question')}, {game.seconds} s each, starting "
            f"{_countdown(game.deadline)}. Right answers score up to {grading.LIVE_MAX_POINTS} "
            "points: the faster, the more. Join to be waited for, or just answer."
        ),
        colour=discord.Colour.blurple(),
    )
    embed.add_field(name=f"Joined: {len(joined)}", value=_players(joined), inline=False)
    return embed


def question_embed(lesson: Lesson | None, game: LiveGame, question: Question) -> discord.Embed:
    number = game.current + 1
    embed = discord.Embed(
        title=_title(f"Question {number} of {len(game.question_ids)}", lesson, game),
        description=clip(card_description(question), EMBED_DESCRIPTION_CHARS),
        colour=COLOURS[question.difficulty],
    )
    embed.add_field(name="Time's up", value=_countdown(game.deadline))
    how = "pick an option" if question.kind == "multiple_choice" else "click Answer to fill the blanks"
    embed.set_footer(text=f"One answer each, {how}: the faster, the more points · {question.id}")
    return embed


def gone_embed(lesson: Lesson | None, game: LiveGame, *, changed: bool = False) -> discord.Embed:
    """A question that left the lessons, or was changed, while it was open: it has no answer to show."""
    what = "changed" if changed else "taken out of the lessons"
    return discord.Embed(
        title=_title(f"Question {game.current + 1} of {len(game.question_ids)}", lesson, game),
        description=f"This question was {what} while it was open: on to the next one.",
        colour=discord.Colour.dark_grey(),
    )


def _standings_text(table: list[Standing], shown: int) -> str:
    lines = []
    for place, row in enumerate(table[:shown], start=1):
        mark = place_mark(place)
        lines.append(f"{mark} <@{row.member_id}> {row.points} ({row.right} right)")
    if len(table) > shown:
        lines.append(f"and {len(table) - shown} more")
    return clip("\n".join(lines), EMBED_FIELD_CHARS) if lines else "Nobody has answered yet."


def reveal_embed(
    lesson: Lesson | None,
    game: LiveGame,
    question: Question,
    answers: list[LiveAnswer],
    shares: dict[tuple[str, ...], int],
    fastest: list[LiveAnswer],
    table: list[Standing],
) -> discord.Embed:
    """The question once time is up: the answer, who picked what, the fastest right, the standings."""
    embed = discord.Embed(
        title=_title(f"Question {game.current + 1} of {len(game.question_ids)} · answer", lesson, game),
        description=clip(card_description(question), EMBED_DESCRIPTION_CHARS),
        colour=discord.Colour.dark_grey(),
    )
    add_revealed_answer(embed, question)
    embed.add_field(
        name=f"Answers ({sum(shares.values())})",
        value=share_lines(question, shares) if shares else "Nobody answered.",
        inline=False,
    )
    if fastest:
        embed.add_field(
            name="Fastest right",
            value="\n".join(f"<@{a.member_id}> {a.seconds:.1f} s" for a in fastest),
            inline=False,
        )
    embed.add_field(
        name=f"Standings ({plural(len(table), 'player')})",
        value=_standings_text(table, STANDINGS_SHOWN),
        inline=False,
    )
    embed.set_footer(text=question.id)
    return embed


def podium_embed(
    lesson: Lesson | None,
    game: LiveGame,
    table: list[Standing],
    accuracy: list[tuple[int, int]],
    *,
    stopped: bool,
) -> discord.Embed:
    asked = len(accuracy)
    heading = "🏁 Live round stopped" if stopped else "🏆 Live round over"
    podium = (
        "\n".join(
            f"{place_mark(place)} <@{row.member_id}> · {row.points} points"
            for place, row in enumerate(table[:3], start=1)
        )
        or "Nobody answered."
    )
    embed = discord.Embed(
        title=_title(heading, lesson, game),
        description=f"{podium}\n\n{plural(len(table), 'player')}, {plural(asked, 'question')}.",
        colour=discord.Colour.gold(),
    )
    if len(table) > 3:
        rest = table[3:RANKING_SHOWN]
        lines = [f"{place}. <@{row.member_id}> {row.points}" for place, row in enumerate(rest, start=4)]
        if len(table) > RANKING_SHOWN:
            lines.append(f"and {len(table) - RANKING_SHOWN} more")
        embed.add_field(name="Ranking", value=clip("\n".join(lines), EMBED_FIELD_CHARS), inline=False)
    if accuracy:
        lines = [
            f"Q{number} {bar(right / answered if answered else 0)} "
            f"{(right / answered if answered else 0):4.0%} ({right}/{answered})"
            for number, (right, answered) in enumerate(accuracy, start=1)
        ]
        embed.add_field(
            name="Right per question", value=clip("\n".join(lines), EMBED_FIELD_CHARS), inline=False
        )
    embed.set_footer(
        text="Your own summary: the button below · each answer also counts on the leaderboards, as a first try"
    )
    return embed


def summary_embed(
    lesson: Lesson | None,
    game: LiveGame,
    place: int | None,
    row: Standing | None,
    missed: list[Question],
    players: int,
) -> discord.Embed:
    """One player's private summary: their place, points and the questions to look at again."""
    if row is None or place is None:
        return discord.Embed(
            title=_title("Your live round", lesson, game),
            description="You didn't answer in this round. Join the next one!",
            colour=discord.Colour.blurple(),
        )
    embed = discord.Embed(
        title=_title("Your live round", lesson, game),
        description=(
            f"Place **{place}** of {players} · **{row.points}** points · "
            f"{row.right} of {len(game.post_ids)} right"
        ),
        colour=discord.Colour.green() if place <= 3 else discord.Colour.blurple(),
    )
    if missed:
        listed = "\n".join(f"• {shorten(q.prompt, 90)} (`{q.id}`)" for q in missed)
        embed.add_field(
            name="To look at again (they are in /review)", value=clip(listed, EMBED_FIELD_CHARS), inline=False
        )
    else:
        embed.add_field(name="To look at again", value="Nothing: every answer was right.", inline=False)
    return embed


def ranking_embed(lesson: Lesson | None, game: LiveGame, table: list[Standing], page: int) -> discord.Embed:
    """One page of the full ranking (private: only the member who asked sees it)."""
    first = page * RANKING_SHOWN
    lines = [
        f"{place}. <@{row.member_id}> {row.points} ({row.right} right, {row.seconds:.1f} s)"
        for place, row in enumerate(table[first : first + RANKING_SHOWN], start=first + 1)
    ]
    embed = discord.Embed(
        title=_title("Ranking", lesson, game),
        description=clip("\n".join(lines), EMBED_DESCRIPTION_CHARS) if lines else "Nobody answered.",
        colour=discord.Colour.gold(),
    )
    embed.set_footer(text=f"Page {page + 1} of {pages_of(table)} · ties go to the smaller total time")
    return embed


def pages_of(table: list[Standing]) -> int:
    return max(1, -(-len(table) // RANKING_SHOWN))
