"""What /lessons upload answers: one line for a file refused, the problems of a broken file, and the
private preview of a valid one (its numbers, what the import assumed, the first question as posted)."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

import discord

from bot.posts import question_embed
from bot.rendering import clip, fit_lines, plural, shorten
from bot.widgets import answer_view
from cogs.lessons._items import publish_view, remove_view, restore_view
from content import Lesson
from content.discord_limits import (
    EMBED_DESCRIPTION_CHARS,
    EMBED_FIELD_CHARS,
    EMBED_TITLE_CHARS,
    EMBED_TOTAL_CHARS,
    MESSAGE_CHARS,
)
from content.formats import FORMATS, Conversion, too_big
from content.scoping import authored
from storage import Post
from storage.models import LessonUpload

SHOWN_PROBLEMS = 20
NOTHING_STORED = "Nothing was stored."
KINDS = {"multiple_choice": "multiple choice", "fill_blanks": "fill in the blanks"}
DIFFICULTY_ORDER = ("easy", "medium", "hard")
# The preview's buttons show the options; a mode no answer handler knows, and disabled anyway.
PREVIEW_MODE = "preview"


@dataclass
class Reply:
    """One private message: text, embeds, a view of disabled buttons and attached files."""

    content: str = ""
    embeds: list[discord.Embed] = field(default_factory=list)
    view: discord.ui.View | None = None
    files: list[discord.File] = field(default_factory=list)


def _text_file(name: str, lines: list[str]) -> discord.File:
    return discord.File(io.BytesIO(("\n".join(lines) + "\n").encode()), filename=name)


def _code_block(lines: list[str], limit: int, *, max_lines: int) -> tuple[str, bool]:
    """The lines in a code block within `limit` characters, and whether all of them are in it."""
    fence = "```"
    safe = [line.replace(fence, "`\u200b``") for line in lines]  # a stray fence would end the block
    body = fit_lines(safe, limit - 2 * len(fence) - 2, max_lines=max_lines)
    return f"{fence}\n{body}\n{fence}", body == "\n".join(safe)


def format_label(format: str) -> str:
    return FORMATS.get(format, "an unknown format")


def refused_for_size(name: str, size: int, limit: int) -> str | None:
    """One line when the file is over the import limit, else None."""
    oversize = too_big(size, limit)
    return oversize and f"**{shorten(name, 100)}** {oversize}. {NOTHING_STORED}"


def download_failed(name: str) -> str:
    return f"I couldn't download **{shorten(name, 100)}** from Discord: try the command again."


def problems_reply(name: str, conversion: Conversion) -> Reply:
    """The first problems in the message as FILE:LINE: field: problem, all of them in problems.txt
    when they do not all fit."""
    lines = [str(p) for p in conversion.problems]
    known = conversion.format in FORMATS
    head = (
        f"**{shorten(name, 100)}** can't be used as it is: "
        f"{plural(len(lines), 'problem')}{f' (read as {format_label(conversion.format)})' if known else ''}."
    )
    tail = f"{NOTHING_STORED} Fix the file and upload it again."
    more = f"All {len(lines)} are in `problems.txt`."
    budget = MESSAGE_CHARS - len(head) - len(tail) - len(more) - 3
    block, everything_shown = _code_block(lines, budget, max_lines=SHOWN_PROBLEMS)
    parts = [head, block] + ([] if everything_shown else [more]) + [tail]
    files = [] if everything_shown else [_text_file("problems.txt", lines)]
    return Reply(content="\n".join(parts), files=files)


def _counts(values: list[str], order: tuple[str, ...], names: dict[str, str] | None = None) -> str:
    counted = Counter(values)
    ordered = [v for v in order if v in counted] + sorted(v for v in counted if v not in order)
    return " · ".join(f"{counted[v]} {(names or {}).get(v, v)}" for v in ordered)


def _preview_post(lesson: Lesson) -> Post:
    """A post that is never stored: what question_embed reads (no closing time, nobody answered)."""
    return Post(
        guild_id=0,
        channel_id=0,
        question_id=lesson.questions[0].id,
        lesson_id=lesson.id,
        posted_at=datetime.now(UTC),
    )


def _card(lesson: Lesson) -> tuple[discord.Embed, discord.ui.View]:
    """The first question exactly as a quiz post shows it, its buttons disabled; the options in the
    lesson's order (a real post shuffles them), and the footer says so."""
    question = lesson.questions[0]
    embed = question_embed(question, lesson, _preview_post(lesson), None)
    order = (
        "preview: options in the file's order, each post shuffles them"
        if question.shuffle
        else "preview: options keep this order on every post (shuffle: false)"
    )
    embed.set_footer(text=f"{embed.footer.text} · {order}")
    view = answer_view(PREVIEW_MODE, "0", question, public=True)
    for item in view.children:
        button = item.item if isinstance(item, discord.ui.DynamicItem) else item
        if isinstance(button, discord.ui.Button | discord.ui.Select):
            button.disabled = True
    view.stop()  # nothing to listen for: the bot need not keep it
    return embed, view


def preview_reply(name: str, conversion: Conversion, lesson: Lesson) -> Reply:
    """Title, counts by kind and difficulty, the format, the assumptions (all of them in
    assumptions.txt when they do not fit), the first question as posted, and the pack as YAML."""
    assert conversion.pack_yaml is not None
    card, view = _card(lesson)
    pack_name = f"{lesson.id}.yaml"
    summary = discord.Embed(
        title=shorten(f"Preview · {lesson.title}", EMBED_TITLE_CHARS),
        description=(
            f"**{shorten(name, 100)}** reads as {format_label(conversion.format)}: "
            f"{plural(len(lesson.questions), 'question')}, lesson id `{lesson.id}`. "
            f"The converted lesson is attached as `{pack_name}`; "
            "the first question follows as it will be posted."
        ),
        colour=discord.Colour.blurple(),
    )
    summary.add_field(name="Kinds", value=_counts([q.kind for q in lesson.questions], tuple(KINDS), KINDS))
    summary.add_field(
        name="Difficulty", value=_counts([q.difficulty for q in lesson.questions], DIFFICULTY_ORDER)
    )
    files = [discord.File(io.BytesIO(conversion.pack_yaml.encode()), filename=pack_name)]
    assumptions = conversion.assumptions
    if assumptions:
        lines = [f"• {a}" for a in assumptions]
        heading = f"What the import assumed ({len(assumptions)})"
        tail = ": all in assumptions.txt"
        # All embeds of one message share Discord's 6000 characters: the card comes first.
        room = EMBED_TOTAL_CHARS - len(card) - len(summary) - len(heading) - len(tail)
        limit = max(0, min(EMBED_FIELD_CHARS, room))
        shown = fit_lines(lines, limit) if limit else ""
        if shown != "\n".join(lines):
            files.append(_text_file("assumptions.txt", assumptions))
            heading += tail
        summary.add_field(name=heading, value=shown or "See `assumptions.txt`.", inline=False)
    if len(summary) + len(card) > EMBED_TOTAL_CHARS:  # a huge card: the summary yields
        summary.description = clip(summary.description or "", 200)
    return Reply(embeds=[summary, card], view=view, files=files)


DRAFT_GONE = "This upload was published, cancelled or has expired (uploads wait a day): nothing changed."
CANCELLED = "Cancelled: nothing was stored."


def _publish_text(title: str, lesson_id: str, questions: int, replacing: int) -> str:
    what = f"**{shorten(title, 100)}** (`{lesson_id}`, {plural(questions, 'question')})"
    if replacing:
        return (
            f"This server has version {replacing} of `{lesson_id}` already. Replace it with {what}? "
            f"Version {replacing} is kept."
        )
    return f"Publish {what} to this server? Members can use it at once."


def publish_question(lesson: Lesson, draft_id: int, replacing: int) -> Reply:
    """Below the preview: Publish (or Replace version N) and Cancel."""
    return Reply(
        content=_publish_text(lesson.title, lesson.id, len(lesson.questions), replacing),
        view=publish_view(draft_id, replacing),
    )


def publish_question_again(draft: LessonUpload, draft_id: int, version: int) -> Reply:
    """Another moderator published this lesson since the preview: ask again, naming what is there now."""
    again = _publish_text(draft.title, draft.lesson_id, draft.questions, version)
    return Reply(
        content=f"Someone published `{draft.lesson_id}` meanwhile. {again}",
        view=publish_view(draft_id, version),
    )


def published(draft: LessonUpload, version: int) -> str:
    return (
        f"Published **{shorten(draft.title, 100)}** (`{draft.lesson_id}`), version {version}: "
        f"{plural(draft.questions, 'question')}, ready for /quiz, /practice, /live and /schedule."
    )


def too_many(limit: int) -> str:
    return f"This server has {limit} lessons, the most it can keep, so this one was not published."


EXPORT_SUFFIXES = {"yaml": ".yaml", "gift": ".gift.txt", "moodle-xml": ".moodle.xml"}


def _kinds(lesson: Lesson) -> str:
    return _counts([q.kind for q in lesson.questions], tuple(KINDS), KINDS)


def _uploaded(upload: LessonUpload) -> str:
    return f"<@{upload.uploaded_by}> {discord.utils.format_dt(upload.uploaded_at, 'd')}"


def lessons_embed(
    lessons: list[Lesson], uploads: dict[str, LessonUpload], hidden: list[Lesson]
) -> discord.Embed:
    """Every lesson this server sees, where it comes from (bundled, or uploaded by whom and when,
    which version), its questions by kind; and the bundled lessons it hides."""
    lines = []
    for lesson in lessons:
        upload = uploads.get(lesson.id)
        origin = f"uploaded by {_uploaded(upload)}, version {upload.version}" if upload else "bundled"
        lines.append(
            f"**{shorten(lesson.title, 80)}** (`{authored(lesson.id)}`) · {origin} · "
            f"{plural(len(lesson.questions), 'question')}: {_kinds(lesson)}"
        )
    embed = discord.Embed(
        title=f"Lessons · {len(lessons)}",
        description=fit_lines(lines, EMBED_DESCRIPTION_CHARS, noun="lesson") or "No lessons are loaded.",
        colour=discord.Colour.blurple(),
    )
    if hidden:
        names = ", ".join(f"{shorten(lesson.title, 60)} (`{lesson.id}`)" for lesson in hidden)
        embed.add_field(name="Hidden on this server", value=clip(names, EMBED_FIELD_CHARS), inline=False)
    return embed.set_footer(text="/lessons download gives a lesson's file; /lessons upload adds one of yours")


def history_reply(lesson_id: str, versions: list[LessonUpload], in_use: int) -> Reply:
    """A server lesson's versions, newest first, and Restore for the earlier ones."""
    lines = [
        f"**Version {v.version}**{' · in use' if v.version == in_use else ''} · "
        f"{shorten(v.title, 80)} · {plural(v.questions, 'question')} · {_uploaded(v)} · "
        f"`{shorten(v.source, 60)}`"
        for v in versions
    ]
    state = (
        f"Version {in_use} is in use."
        if in_use
        else "It is removed from this server: restore a version to use it again."
    )
    earlier = [(v.id, v.version) for v in versions if v.id is not None and v.version and v.version != in_use]
    more = " Restore publishes that version's questions again as the newest version." if earlier else ""
    body = fit_lines(lines, EMBED_DESCRIPTION_CHARS - len(state) - len(more) - 2, noun="version")
    embed = discord.Embed(
        title=shorten(f"History · {lesson_id}", EMBED_TITLE_CHARS),
        description=f"{state}{more}\n\n{body}",
        colour=discord.Colour.blurple(),
    )
    return Reply(embeds=[embed], view=restore_view(earlier, in_use))


def no_history(lesson_id: str) -> str:
    return f"This server has not published a lesson `{shorten(lesson_id, 60)}`."


def restored(draft: LessonUpload, version: int) -> str:
    return (
        f"Restored **{shorten(draft.title, 100)}** (`{draft.lesson_id}`) as version {version}: "
        f"{plural(draft.questions, 'question')}, in use at once."
    )


VERSION_GONE = "That version is not one of this server's any more: nothing changed."


def remove_question(lesson: Lesson, schedules: int, upload_id: int) -> Reply:
    """Asked before removing: what leaves, what stays."""
    paused = f" {plural(schedules, 'daily quiz', 'daily quizzes')} of it will pause." if schedules else ""
    return Reply(
        content=(
            f"Remove **{shorten(lesson.title, 100)}** (`{authored(lesson.id)}`) from this server? "
            f"Its questions leave /quiz, /practice, /live and /review.{paused} "
            "Attempts and scores stay, and `/lessons history` can restore it."
        ),
        view=remove_view(upload_id),
    )


def removed(lesson_id: str, paused: int) -> str:
    also = (
        f" {plural(paused, 'daily quiz', 'daily quizzes')} paused (see `/schedule list`)." if paused else ""
    )
    return f"Removed `{lesson_id}` from this server.{also} `/lessons history` can restore it."


def removed_meanwhile(lesson_id: str, version: int) -> str:
    now = f"version {version} is in use now" if version else "it was removed already"
    return f"`{lesson_id}` changed since you asked ({now}): nothing was removed."


KEPT = "Kept: nothing changed."


def removed_reason(lesson_id: str, by: int) -> str:
    """Why a daily quiz paused, as /schedule list shows it."""
    return f"its lesson `{lesson_id}` was removed from this server by <@{by}>."


def hidden_reason(lesson_id: str, by: int) -> str:
    return f"its lesson `{lesson_id}` was hidden on this server by <@{by}>."


def not_removable(lesson: Lesson) -> str:
    return (
        f"**{shorten(lesson.title, 100)}** (`{lesson.id}`) comes with quizbot: "
        "`/lessons hide` takes it off this server's lists."
    )


def not_hideable(lesson: Lesson) -> str:
    return (
        f"**{shorten(lesson.title, 100)}** (`{authored(lesson.id)}`) is this server's own: "
        "`/lessons remove` takes it away."
    )


def hidden(lesson: Lesson, paused: int | None) -> str:
    if paused is None:
        return f"**{shorten(lesson.title, 100)}** (`{lesson.id}`) is hidden already."
    also = f" {plural(paused, 'daily quiz', 'daily quizzes')} of it paused." if paused else ""
    return (
        f"Hid **{shorten(lesson.title, 100)}** (`{lesson.id}`) on this server: it leaves /quiz, "
        f"/practice, /live and /schedule.{also} `/lessons show` brings it back."
    )


def shown(lesson: Lesson, changed: bool) -> str:
    if not changed:
        return f"**{shorten(lesson.title, 100)}** (`{lesson.id}`) is not hidden."
    return (
        f"**{shorten(lesson.title, 100)}** (`{lesson.id}`) is back on this server's lists. "
        "Daily quizzes paused when it was hidden stay paused until `/schedule resume`."
    )


def download_reply(lesson: Lesson, format: str, text: str, notes: list[str]) -> Reply:
    name = f"{lesson.id}{EXPORT_SUFFIXES[format]}"
    content = f"**{shorten(lesson.title, 100)}** as {format_label(format)}: `{name}`."
    if format == "yaml":
        content += " Upload it again and it gives the same questions."
    if notes:
        content += "\n" + clip("\n".join(f"- {note}" for note in notes), MESSAGE_CHARS - len(content) - 1)
    return Reply(content=content, files=[discord.File(io.BytesIO(text.encode()), filename=name)])
