"""What a live round looks like: the lobby, each question with its countdown, its reveal with the
standings, the podium, and each player's own summary.

The lobby, the questions, their reveals and the podium are public: the cog builds them speaking the
server's language. The summary and the full ranking are one member's: in theirs."""

from __future__ import annotations

from datetime import datetime

import discord

from bot import grading
from bot.embeds import COLOURS, add_revealed_answer, share_lines
from bot.i18n import N_, _, current_locale, ngettext, number, percent
from bot.live import Standing
from bot.rendering import bar, clip, place_mark, questions, shorten
from content import Lesson, Question, card_description
from content.discord_limits import EMBED_DESCRIPTION_CHARS, EMBED_FIELD_CHARS, EMBED_TITLE_CHARS
from content.scoping import authored
from storage.live_games import LiveAnswer
from storage.models import LiveGame

STANDINGS_SHOWN = 5
RANKING_SHOWN = 20  # on the podium; the full ranking pages by this many too
# TRANSLATORS: the podium's heading; the lesson's title follows it.
STOPPED = N_("🏁 Live round stopped")
# TRANSLATORS: the podium's heading; the lesson's title follows it.
OVER = N_("🏆 Live round over")


def seconds_text(seconds: float) -> str:
    """How long an answer took, to a tenth of a second: "1.4 s" ("1,4 s" in German)."""
    # TRANSLATORS: {seconds} is a number of seconds with one decimal, "1.4"; "s" abbreviates seconds.
    return _("{seconds} s").format(seconds=number(seconds, 1))


def points_text(points: int) -> str:
    """A live round's points with their noun: "1,900 points"."""
    return ngettext("{count} point", "{count} points", points).format(count=number(points))


def _title(text: str, lesson: Lesson | None, game: LiveGame) -> str:
    return shorten(f"{text} · {lesson.title if lesson else game.lesson_id}", EMBED_TITLE_CHARS)


def _question_title(game: LiveGame) -> str:
    # TRANSLATORS: a live round's question heading, "Question 3 of 10".
    return _("Question {number} of {count}").format(number=game.current + 1, count=len(game.question_ids))


def _countdown(when: datetime) -> str:
    return discord.utils.format_dt(when, "R")


def _players(member_ids: list[int]) -> str:
    return (
        clip(" ".join(f"<@{m}>" for m in member_ids), EMBED_FIELD_CHARS) if member_ids else _("Nobody yet.")
    )


def _more(count: int) -> str:
    # TRANSLATORS: the end of a cut list of players, "and 3 more".
    return ngettext("and {count} more", "and {count} more", count).format(count=count)


def lobby_embed(lesson: Lesson | None, game: LiveGame, joined: list[int]) -> discord.Embed:
    count = len(game.question_ids)
    embed = discord.Embed(
        # TRANSLATORS: a heading; the lesson's title follows it.
        title=_title(_("🎮 Live round"), lesson, game),
        # TRANSLATORS: {seconds} is a whole number of seconds per question; {when} is a Discord
        # timestamp that reads "in 15 seconds"; {points} is a number, 1,000.
        description=ngettext(
            "{count} question, {seconds} s each, starting {when}. Right answers score up to {points} "
            "points: the faster, the more. Join to be waited for, or just answer.",
            "{count} questions, {seconds} s each, starting {when}. Right answers score up to {points} "
            "points: the faster, the more. Join to be waited for, or just answer.",
            count,
        ).format(
            count=count,
            seconds=game.seconds,
            when=_countdown(game.deadline),
            points=number(grading.LIVE_MAX_POINTS),
        ),
        colour=discord.Colour.blurple(),
    )
    embed.add_field(
        # TRANSLATORS: a field name: how many members joined the round so far; their mentions follow.
        name=_("Joined: {count}").format(count=len(joined)),
        value=_players(joined),
        inline=False,
    )
    return embed


def question_embed(lesson: Lesson | None, game: LiveGame, question: Question) -> discord.Embed:
    embed = discord.Embed(
        title=_title(_question_title(game), lesson, game),
        description=clip(card_description(question), EMBED_DESCRIPTION_CHARS),
        colour=COLOURS[question.difficulty],
    )
    # TRANSLATORS: a field name over a countdown (a Discord timestamp reading "in 20 seconds").
    embed.add_field(name=_("Time's up"), value=_countdown(game.deadline))
    if question.kind == "multiple_choice":
        how = _("One answer each, pick an option: the faster, the more points")
    else:
        # TRANSLATORS: "Answer" is the post's button.
        how = _("One answer each, click Answer to fill the blanks: the faster, the more points")
    embed.set_footer(text=f"{how} · {authored(question.id)}")
    return embed


def gone_embed(lesson: Lesson | None, game: LiveGame, *, changed: bool = False) -> discord.Embed:
    """A question that left the lessons, or was changed, while it was open: it has no answer to show."""
    if changed:
        text = _("This question was changed while it was open: on to the next one.")
    else:
        text = _("This question was taken out of the lessons while it was open: on to the next one.")
    return discord.Embed(
        title=_title(_question_title(game), lesson, game),
        description=text,
        colour=discord.Colour.dark_grey(),
    )


def _standings_text(table: list[Standing], shown: int) -> str:
    lines = []
    for place, row in enumerate(table[:shown], start=1):
        # TRANSLATORS: one line of the standings: {place} is a medal or "4.", {member} a mention,
        # {points} the player's points (a number), {count} how many of their answers were right.
        line = ngettext(
            "{place} {member} {points} ({count} right)",
            "{place} {member} {points} ({count} right)",
            row.right,
        )
        lines.append(
            line.format(
                place=place_mark(place),
                member=f"<@{row.member_id}>",
                points=number(row.points),
                count=row.right,
            )
        )
    if len(table) > shown:
        lines.append(_more(len(table) - shown))
    return clip("\n".join(lines), EMBED_FIELD_CHARS) if lines else _("Nobody has answered yet.")


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
    # TRANSLATORS: a revealed live question's heading, "Question 3 of 10 · answer".
    heading = _("Question {number} of {count} · answer").format(
        number=game.current + 1, count=len(game.question_ids)
    )
    embed = discord.Embed(
        title=_title(heading, lesson, game),
        description=clip(card_description(question), EMBED_DESCRIPTION_CHARS),
        colour=discord.Colour.dark_grey(),
    )
    add_revealed_answer(embed, question)
    embed.add_field(
        # TRANSLATORS: a field name: {count} is how many answered; who picked what follows.
        name=_("Answers ({count})").format(count=sum(shares.values())),
        value=share_lines(question, shares) if shares else _("Nobody answered."),
        inline=False,
    )
    if fastest:
        embed.add_field(
            # TRANSLATORS: a field name over the players who answered right the fastest.
            name=_("Fastest right"),
            value="\n".join(f"<@{a.member_id}> {seconds_text(a.seconds)}" for a in fastest),
            inline=False,
        )
    embed.add_field(
        # TRANSLATORS: a field name over the round's standings so far.
        name=ngettext("Standings ({count} player)", "Standings ({count} players)", len(table)).format(
            count=len(table)
        ),
        value=_standings_text(table, STANDINGS_SHOWN),
        inline=False,
    )
    embed.set_footer(text=authored(question.id))
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
    heading = _(STOPPED) if stopped else _(OVER)
    podium = "\n".join(
        f"{place_mark(place)} <@{row.member_id}> · {points_text(row.points)}"
        for place, row in enumerate(table[:3], start=1)
    ) or _("Nobody answered.")
    players = ngettext("{count} player", "{count} players", len(table)).format(count=len(table))
    # TRANSLATORS: how many played and were asked: {players} is "3 players", {questions} "10 questions".
    counts = _("{players}, {questions}.").format(players=players, questions=questions(asked))
    embed = discord.Embed(
        title=_title(heading, lesson, game),
        description=f"{podium}\n\n{counts}",
        colour=discord.Colour.gold(),
    )
    if len(table) > 3:
        rest = table[3:RANKING_SHOWN]
        lines = [
            f"{place}. <@{row.member_id}> {number(row.points)}" for place, row in enumerate(rest, start=4)
        ]
        if len(table) > RANKING_SHOWN:
            lines.append(_more(len(table) - RANKING_SHOWN))
        # TRANSLATORS: a field name over the players below the podium.
        embed.add_field(name=_("Ranking"), value=clip("\n".join(lines), EMBED_FIELD_CHARS), inline=False)
    if accuracy:
        lines = []
        for index, (right, answered) in enumerate(accuracy, start=1):
            share = right / answered if answered else 0
            # TRANSLATORS: "Q3" abbreviates "question 3".
            label = _("Q{number}").format(number=index)
            lines.append(f"{label} {bar(share)} {percent(share):>4} ({right}/{answered})")
        embed.add_field(
            # TRANSLATORS: a field name over each question's share of right answers.
            name=_("Right per question"),
            value=clip("\n".join(lines), EMBED_FIELD_CHARS),
            inline=False,
        )
    embed.set_footer(
        # TRANSLATORS: "the button below" is the podium's "My summary" button.
        text=_(
            "Your own summary: the button below · each answer also counts on the leaderboards, as a first try"
        )
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
    # TRANSLATORS: a heading; the lesson's title follows it.
    heading = _("Your live round")
    if row is None or place is None:
        return discord.Embed(
            title=_title(heading, lesson, game),
            description=_("You didn't answer in this round. Join the next one!"),
            colour=discord.Colour.blurple(),
        )
    embed = discord.Embed(
        title=_title(heading, lesson, game),
        # TRANSLATORS: {place} of {players} is the member's place among everyone who answered,
        # {points} their points (a number), {right} of {total} their right answers of the questions.
        description=ngettext(
            "Place **{place}** of {players} · **{points}** point · {right} of {total} right",
            "Place **{place}** of {players} · **{points}** points · {right} of {total} right",
            row.points,
        ).format(
            place=place, players=players, points=number(row.points), right=row.right, total=len(game.post_ids)
        ),
        colour=discord.Colour.green() if place <= 3 else discord.Colour.blurple(),
    )
    if missed:
        shown = [q.in_language(current_locale()) for q in missed]
        listed = "\n".join(f"• {shorten(q.prompt, 90)} (`{q.id}`)" for q in shown)
        embed.add_field(
            # TRANSLATORS: a field name over the questions the member got wrong; /review is a command.
            name=_("To look at again (they are in /review)"),
            value=clip(listed, EMBED_FIELD_CHARS),
            inline=False,
        )
    else:
        embed.add_field(
            # TRANSLATORS: a field name; its text says there is nothing to look at again.
            name=_("To look at again"),
            value=_("Nothing: every answer was right."),
            inline=False,
        )
    return embed


def ranking_embed(lesson: Lesson | None, game: LiveGame, table: list[Standing], page: int) -> discord.Embed:
    """One page of the full ranking (private: only the member who asked sees it)."""
    first = page * RANKING_SHOWN
    lines = [
        # TRANSLATORS: one line of the full ranking: {place} is a number, {member} a mention, {points}
        # the player's points, {count} how many of their answers were right, {seconds} their total
        # answer time, "12.0 s".
        ngettext(
            "{place}. {member} {points} ({count} right, {seconds})",
            "{place}. {member} {points} ({count} right, {seconds})",
            row.right,
        ).format(
            place=place,
            member=f"<@{row.member_id}>",
            points=number(row.points),
            count=row.right,
            seconds=seconds_text(row.seconds),
        )
        for place, row in enumerate(table[first : first + RANKING_SHOWN], start=first + 1)
    ]
    embed = discord.Embed(
        # TRANSLATORS: a heading; the lesson's title follows it.
        title=_title(_("Ranking"), lesson, game),
        description=clip("\n".join(lines), EMBED_DESCRIPTION_CHARS) if lines else _("Nobody answered."),
        colour=discord.Colour.gold(),
    )
    embed.set_footer(
        text=_("Page {page} of {pages} · ties go to the smaller total time").format(
            page=page + 1, pages=pages_of(table)
        )
    )
    return embed


def pages_of(table: list[Standing]) -> int:
    return max(1, -(-len(table) // RANKING_SHOWN))
