"""Embeds for /stats, and the rule that says when a question's observed difficulty disagrees with its label."""

from __future__ import annotations

import discord

from bot.grading import format_points
from bot.quality import DOUBTFUL, MIN_ANSWERS, verdict
from bot.rendering import bar, clip, fit_lines, more_lessons, plural, shorten
from content import Lesson, Question
from content.discord_limits import EMBED_FIELD_CHARS
from content.scoping import authored
from storage.leaderboards import MemberStats, QuestionStats
from storage.reports import QuestionQuality

# Below this many answers a share says little: no difficulty flag.
# Share right on the first try that a question of each label is expected to reach.
EASY_FROM, MEDIUM_FROM = 0.75, 0.40
MAX_LESSON_LINES = 12
# The two shares, named for what they count (one name each, for members and for questions).
RIGHT_IN_THE_END = "Right in the end"
RIGHT_FIRST_TRY = "Right on the first try"


def observed_difficulty(first_try_share: float) -> str:
    """How hard members found a question: easy if 75%+ get it right first try, medium from 40%."""
    if first_try_share >= EASY_FROM:
        return "easy"
    if first_try_share >= MEDIUM_FROM:
        return "medium"
    return "hard"


def difficulty_flag(label: str, stats: QuestionStats) -> str | None:
    """A warning when enough members answered and they found it easier or harder than its label."""
    share = stats.first_try_share
    if share is None or stats.answered < MIN_ANSWERS:
        return None
    seen = observed_difficulty(share)
    if seen == label:
        return None
    return (
        f"⚠️ Labelled **{label}**, but {share:.0%} get it right on the first try: "
        f"it plays like **{seen}**. Consider relabelling it."
    )


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%} `{bar(value, 8)}`"


def member_embed(name: str, stats: MemberStats, lessons: dict[str, Lesson], *, own: bool) -> discord.Embed:
    me = stats.standing
    embed = discord.Embed(title=f"📊 Stats · {name}", colour=discord.Colour.blurple())
    if me is None:
        embed.description = (
            "No answers yet in this server: answer a posted question to start."
            if own
            else "No answers yet in this server."
        )
        return embed
    embed.add_field(name="Points", value=f"**{format_points(me.points)}** · rank #{me.rank}")
    embed.add_field(name="Questions answered", value=str(me.answered))
    embed.add_field(name=RIGHT_IN_THE_END, value=_share(stats.accuracy))
    embed.add_field(name=RIGHT_FIRST_TRY, value=_share(stats.first_try_rate))
    embed.add_field(name="Streak", value=f"🔥 {plural(me.current_streak, 'day')} (best {me.best_streak})")
    lines = []
    for progress in stats.lessons:
        lesson = lessons.get(progress.lesson_id)
        total = len(lesson.questions) if lesson else max(progress.tried, 1)
        title = lesson.title if lesson else authored(progress.lesson_id)
        share = min(progress.right / total, 1.0)
        lines.append(
            f"`{bar(share, 8)}` **{shorten(title, 60)}**: {progress.right}/{total} mastered"
            f" ({progress.right_first_try} first try)"
        )
    mastery = fit_lines(lines, EMBED_FIELD_CHARS, more=more_lessons, max_lines=MAX_LESSON_LINES)
    embed.add_field(name="Mastery per lesson", value=mastery or "-", inline=False)
    embed.set_footer(text="Mastered: questions you answered right at least once, out of the lesson's")
    return embed


def question_embed(
    question: Question, lesson: Lesson | None, stats: QuestionStats, quality: QuestionQuality | None = None
) -> discord.Embed:
    embed = discord.Embed(
        title=f"📊 Question stats · {authored(question.id)}",
        description=shorten(question.prompt, 300),
        colour=discord.Colour.blurple(),
    )
    embed.add_field(
        name="Lesson", value=shorten(lesson.title if lesson else authored(question.lesson_id), 200)
    )
    embed.add_field(name="Label", value=question.difficulty)
    embed.add_field(name="Posted", value=plural(stats.posts, "time"))
    if not stats.answered:
        embed.add_field(name="Answered", value="Nobody has answered it yet.", inline=False)
        return embed
    embed.add_field(name="Answered", value=plural(stats.answered, "time"))
    embed.add_field(name=RIGHT_IN_THE_END, value=_share(stats.right_share))
    embed.add_field(name=RIGHT_FIRST_TRY, value=_share(stats.first_try_share))
    wrong = stats.most_picked_wrong
    if wrong is None:
        wrong_text = "Nobody picked a wrong option."
    else:
        letters = wrong[0].split(",")
        # By text only: each post showed the options in its own order, so letters differ.
        texts = ", ".join(
            question.option_text(letter) if letter in question.letters else letter for letter in letters
        )
        wrong_text = f"**{shorten(texts, 300)}** ({plural(wrong[1], 'time')})"
        mistake = question.mistake_for(letters[0]) if len(letters) == 1 else None
        if mistake is not None:
            wrong_text += f"\nThe lesson's note: {shorten(mistake.text, 300)}"
    embed.add_field(name="Most-picked wrong answer", value=clip(wrong_text, EMBED_FIELD_CHARS), inline=False)
    flag = difficulty_flag(question.difficulty, stats)
    observed = observed_difficulty(stats.first_try_share or 0.0)
    embed.add_field(
        name="Difficulty",
        value=flag
        or (
            f"Plays like its label (**{observed}**)."
            if stats.answered >= MIN_ANSWERS
            else f"Too few answers to judge (fewer than {MIN_ANSWERS})."
        ),
        inline=False,
    )
    if quality is not None:
        found = verdict(quality)
        if found.facility_rank in DOUBTFUL:  # otherwise "Right on the first try" says it already
            embed.add_field(
                name="Facility (Moodle)",
                value=f"{found.facility_mark} {found.facility}",
                inline=False,
            )
        embed.add_field(
            name="Discrimination (Moodle)",
            value=f"{found.discrimination_mark} {found.discrimination}",
            inline=False,
        )
    embed.set_footer(text="Answered counts each member once per post; shares are of those answers.")
    return embed
