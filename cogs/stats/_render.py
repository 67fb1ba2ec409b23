"""Embeds for /stats, and the rule that says when a question's observed difficulty disagrees with its label."""

from __future__ import annotations

import discord

from bot.embeds import difficulty_name
from bot.grading import thirds_to_points
from bot.i18n import N_, _, ngettext, number, percent
from bot.quality import DOUBTFUL, MIN_ANSWERS, verdict
from bot.rendering import bar, clip, fit_lines, more_lessons, shorten, times
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
# TRANSLATORS: a field name: the share of questions answered right, whatever the try.
RIGHT_IN_THE_END = N_("Right in the end")
# TRANSLATORS: a field name: the share of questions answered right on the first try.
RIGHT_FIRST_TRY = N_("Right on the first try")


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
    # TRANSLATORS: {label} and {seen} are difficulties ("easy", "medium", "hard"): the lesson's
    # label and how members found it; {share} is a percentage ("83%").
    flag = _(
        "⚠️ Labelled **{label}**, but {share} get it right on the first try: "
        "it plays like **{seen}**. Consider relabelling it."
    )
    return flag.format(label=difficulty_name(label), share=percent(share), seen=difficulty_name(seen))


def _share(value: float | None) -> str:
    return "-" if value is None else f"{percent(value)} `{bar(value, 8)}`"


def member_embed(name: str, stats: MemberStats, lessons: dict[str, Lesson], *, own: bool) -> discord.Embed:
    me = stats.standing
    # TRANSLATORS: an embed title; {member} is a member's display name.
    embed = discord.Embed(title=_("📊 Stats · {member}").format(member=name), colour=discord.Colour.blurple())
    if me is None:
        embed.description = (
            _("No answers yet in this server: answer a posted question to start.")
            if own
            else _("No answers yet in this server.")
        )
        return embed
    points = number(round(thirds_to_points(me.points), 2))
    # TRANSLATORS: {points} is a number of points, maybe with decimals (3.67); {rank} the member's
    # place on the server's all-time board (1 for the top).
    points_text = _("**{points}** · rank #{rank}").format(points=points, rank=me.rank)
    embed.add_field(name=_("Points"), value=points_text)
    embed.add_field(name=_("Questions answered"), value=number(me.answered))
    embed.add_field(name=_(RIGHT_IN_THE_END), value=_share(stats.accuracy))
    embed.add_field(name=_(RIGHT_FIRST_TRY), value=_share(stats.first_try_rate))
    # TRANSLATORS: {count} days in a row with an answer so far; {best} the longest such run, in days.
    streak = ngettext("🔥 {count} day (best {best})", "🔥 {count} days (best {best})", me.current_streak)
    embed.add_field(name=_("Streak"), value=streak.format(count=me.current_streak, best=me.best_streak))
    lines = []
    for progress in stats.lessons:
        lesson = lessons.get(progress.lesson_id)
        total = len(lesson.questions) if lesson else max(progress.tried, 1)
        title = lesson.title if lesson else authored(progress.lesson_id)
        share = min(progress.right / total, 1.0)
        # TRANSLATORS: one lesson's line; {lesson} is its title; {right} of its {total} questions were
        # answered right at least once, {first_try} of them on the first try.
        line = _("**{lesson}**: {right}/{total} mastered ({first_try} first try)").format(
            lesson=shorten(title, 60), right=progress.right, total=total, first_try=progress.right_first_try
        )
        lines.append(f"`{bar(share, 8)}` {line}")
    mastery = fit_lines(lines, EMBED_FIELD_CHARS, more=more_lessons, max_lines=MAX_LESSON_LINES)
    embed.add_field(name=_("Mastery per lesson"), value=mastery or "-", inline=False)
    embed.set_footer(text=_("Mastered: questions you answered right at least once, out of the lesson's"))
    return embed


def question_embed(
    question: Question, lesson: Lesson | None, stats: QuestionStats, quality: QuestionQuality | None = None
) -> discord.Embed:
    """A question's numbers for a moderator (`question` as shown to them: maybe translated)."""
    embed = discord.Embed(
        # TRANSLATORS: an embed title; {question} is a question's id.
        title=_("📊 Question stats · {question}").format(question=authored(question.id)),
        description=shorten(question.prompt, 300),
        colour=discord.Colour.blurple(),
    )
    embed.add_field(
        name=_("Lesson"), value=shorten(lesson.title if lesson else authored(question.lesson_id), 200)
    )
    # TRANSLATORS: a field name: the difficulty the lesson gives the question.
    embed.add_field(name=_("Label"), value=difficulty_name(question.difficulty))
    # TRANSLATORS: a field name: how many times the question was posted in a channel.
    embed.add_field(name=_("Posted"), value=times(stats.posts))
    # TRANSLATORS: a field name: how many times the question was answered.
    answered = _("Answered")
    if not stats.answered:
        embed.add_field(name=answered, value=_("Nobody has answered it yet."), inline=False)
        return embed
    embed.add_field(name=answered, value=times(stats.answered))
    embed.add_field(name=_(RIGHT_IN_THE_END), value=_share(stats.right_share))
    embed.add_field(name=_(RIGHT_FIRST_TRY), value=_share(stats.first_try_share))
    wrong = stats.most_picked_wrong
    if wrong is None:
        wrong_text = _("Nobody picked a wrong option.")
    else:
        letters = wrong[0].split(",")
        # By text only: each post showed the options in its own order, so letters differ.
        texts = ", ".join(
            question.option_text(letter) if letter in question.letters else letter for letter in letters
        )
        # TRANSLATORS: {options} is the text of the option(s) picked; {times} reads "3 times".
        wrong_text = _("**{options}** ({times})").format(options=shorten(texts, 300), times=times(wrong[1]))
        mistake = question.mistake_for(letters[0]) if len(letters) == 1 else None
        if mistake is not None:
            # TRANSLATORS: {note} is the lesson's explanation of that wrong option.
            wrong_text += "\n" + _("The lesson's note: {note}").format(note=shorten(mistake.text, 300))
    embed.add_field(
        name=_("Most-picked wrong answer"), value=clip(wrong_text, EMBED_FIELD_CHARS), inline=False
    )
    flag = difficulty_flag(question.difficulty, stats)
    observed = difficulty_name(observed_difficulty(stats.first_try_share or 0.0))
    embed.add_field(
        name=_("Difficulty"),
        value=flag
        or (
            # TRANSLATORS: {difficulty} is "easy", "medium" or "hard".
            _("Plays like its label (**{difficulty}**).").format(difficulty=observed)
            if stats.answered >= MIN_ANSWERS
            else _("Too few answers to judge (fewer than {count}).").format(count=MIN_ANSWERS)
        ),
        inline=False,
    )
    if quality is not None:
        found = verdict(quality)
        if found.facility_rank in DOUBTFUL:  # otherwise "Right on the first try" says it already
            embed.add_field(
                # TRANSLATORS: a field name: Moodle's "facility index" (the share right on the first try).
                name=_("Facility (Moodle)"),
                value=f"{found.facility_mark} {found.facility}",
                inline=False,
            )
        embed.add_field(
            # TRANSLATORS: a field name: Moodle's "discrimination index" (strong vs weak members).
            name=_("Discrimination (Moodle)"),
            value=f"{found.discrimination_mark} {found.discrimination}",
            inline=False,
        )
    embed.set_footer(text=_("Answered counts each member once per post; shares are of those answers."))
    return embed
