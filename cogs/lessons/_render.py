"""What /lessons upload answers: one line for a file refused, the problems of a broken file, and the
private preview of a valid one (its numbers, what the import assumed, the first question as posted)."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

import discord

from bot.embeds import DIFFICULTY_NAMES
from bot.i18n import N_, _, current_locale, ngettext
from bot.posts import question_embed
from bot.rendering import clip, fit_lines, more_lessons, questions, shorten
from bot.stored_text import keep
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
NOTHING_STORED = N_("Nothing was stored.")
# What a question's kind and difficulty read as in the counts of a preview and of /lessons list.
KINDS = {"multiple_choice": N_("multiple choice"), "fill_blanks": N_("fill in the blanks")}
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
    """A format's name as the formats registry gives it (a proper name: not translated)."""
    return FORMATS.get(format) or _("an unknown format")


def refused_for_size(name: str, size: int, limit: int) -> str | None:
    """One line when the file is over the import limit, else None."""
    oversize = too_big(size, limit)
    if not oversize:
        return None
    # TRANSLATORS: {file} is the uploaded file's name; {problem} says what is wrong, in English
    # (written by the importer), e.g. "is 300 KiB; an imported file may be at most 256 KiB: split it".
    refused = _("**{file}** {problem}.").format(file=shorten(name, 100), problem=oversize)
    return f"{refused} {_(NOTHING_STORED)}"


def download_failed(name: str) -> str:
    # TRANSLATORS: {file} is the uploaded file's name.
    return _("I couldn't download **{file}** from Discord: try the command again.").format(
        file=shorten(name, 100)
    )


def problems_reply(name: str, conversion: Conversion) -> Reply:
    """The first problems in the message as FILE:LINE: field: problem, all of them in problems.txt
    when they do not all fit."""
    lines = [str(p) for p in conversion.problems]
    count, file = len(lines), shorten(name, 100)
    if conversion.format in FORMATS:
        # TRANSLATORS: {file} is the uploaded file's name; {format} a file format's name, "GIFT".
        head = ngettext(
            "**{file}** can't be used as it is: {count} problem (read as {format}).",
            "**{file}** can't be used as it is: {count} problems (read as {format}).",
            count,
        ).format(file=file, count=count, format=format_label(conversion.format))
    else:
        # TRANSLATORS: {file} is the uploaded file's name.
        head = ngettext(
            "**{file}** can't be used as it is: {count} problem.",
            "**{file}** can't be used as it is: {count} problems.",
            count,
        ).format(file=file, count=count)
    tail = _(NOTHING_STORED) + " " + _("Fix the file and upload it again.")
    # TRANSLATORS: how many problems the file has; problems.txt is an attached file's name.
    more = ngettext("All {count} are in `problems.txt`.", "All {count} are in `problems.txt`.", count)
    more = more.format(count=count)
    budget = MESSAGE_CHARS - len(head) - len(tail) - len(more) - 3
    block, everything_shown = _code_block(lines, budget, max_lines=SHOWN_PROBLEMS)
    parts = [head, block] + ([] if everything_shown else [more]) + [tail]
    files = [] if everything_shown else [_text_file("problems.txt", lines)]
    return Reply(content="\n".join(parts), files=files)


def _more_versions(count: int) -> str:
    return ngettext("… and {count} more version", "… and {count} more versions", count).format(count=count)


def _counts(values: list[str], names: dict[str, str]) -> str:
    """How many of each value, in the order of `names` (translated), then any other value as it is."""
    counted = Counter(values)
    ordered = [v for v in names if v in counted] + sorted(v for v in counted if v not in names)
    counts = []
    for value in ordered:
        name = _(names[value]) if value in names else value
        # TRANSLATORS: how many questions of a kind or difficulty, as in "3 multiple choice" or "2 easy".
        counts.append(_("{count} {name}").format(count=counted[value], name=name))
    return " · ".join(counts)


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
    lesson's order (a real post shuffles them), and the footer says so. In the moderator's language
    when the lesson translates its questions into it."""
    question = lesson.questions[0].in_language(current_locale())
    embed = question_embed(question, lesson, _preview_post(lesson), None)
    order = (
        _("preview: options in the file's order, each post shuffles them")
        if question.shuffle
        # TRANSLATORS: "shuffle: false" is how the lesson file says it; keep it as it is.
        else _("preview: options keep this order on every post (shuffle: false)")
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
        # TRANSLATORS: {lesson} is the lesson's title.
        title=shorten(_("Preview · {lesson}").format(lesson=lesson.title), EMBED_TITLE_CHARS),
        # TRANSLATORS: {file} is the uploaded file's name; {format} a file format's name ("GIFT");
        # {lesson} the lesson's id; {pack} the name of the attached lesson file.
        description=ngettext(
            "**{file}** reads as {format}: {count} question, lesson id `{lesson}`. "
            "The converted lesson is attached as `{pack}`; "
            "the first question follows as it will be posted.",
            "**{file}** reads as {format}: {count} questions, lesson id `{lesson}`. "
            "The converted lesson is attached as `{pack}`; "
            "the first question follows as it will be posted.",
            len(lesson.questions),
        ).format(
            file=shorten(name, 100),
            format=format_label(conversion.format),
            count=len(lesson.questions),
            lesson=lesson.id,
            pack=pack_name,
        ),
        colour=discord.Colour.blurple(),
    )
    summary.add_field(name=_("Kinds"), value=_kinds(lesson))
    summary.add_field(
        name=_("Difficulty"), value=_counts([q.difficulty for q in lesson.questions], DIFFICULTY_NAMES)
    )
    files = [discord.File(io.BytesIO(conversion.pack_yaml.encode()), filename=pack_name)]
    assumptions = conversion.assumptions
    if assumptions:
        lines = [f"• {a}" for a in assumptions]
        count = len(assumptions)
        # TRANSLATORS: a field name (256 characters at most); {count} is how many assumptions follow.
        heading = _("What the import assumed ({count})").format(count=count)
        # TRANSLATORS: a field name (256 characters at most); assumptions.txt is an attached file's name.
        longer = _("What the import assumed ({count}): all in assumptions.txt").format(count=count)
        # All embeds of one message share Discord's 6000 characters: the card comes first.
        room = EMBED_TOTAL_CHARS - len(card) - len(summary) - max(len(heading), len(longer))
        limit = max(0, min(EMBED_FIELD_CHARS, room))
        shown = fit_lines(lines, limit) if limit else ""
        if shown != "\n".join(lines):
            files.append(_text_file("assumptions.txt", assumptions))
            heading = longer
        summary.add_field(name=heading, value=shown or _("See `assumptions.txt`."), inline=False)
    if len(summary) + len(card) > EMBED_TOTAL_CHARS:  # a huge card: the summary yields
        summary.description = clip(summary.description or "", 200)
    return Reply(embeds=[summary, card], view=view, files=files)


DRAFT_GONE = N_("This upload was published, cancelled or has expired (uploads wait a day): nothing changed.")
CANCELLED = N_("Cancelled: nothing was stored.")


def _publish_text(title: str, lesson_id: str, questions: int, replacing: int) -> str:
    names = {"title": shorten(title, 100), "lesson": lesson_id, "count": questions}
    if replacing:
        # TRANSLATORS: {version} is the number of the version in use; {title} the lesson's title,
        # {lesson} its id, {count} how many questions it has.
        text = ngettext(
            "This server has version {version} of `{lesson}` already. "
            "Replace it with **{title}** (`{lesson}`, {count} question)? Version {version} is kept.",
            "This server has version {version} of `{lesson}` already. "
            "Replace it with **{title}** (`{lesson}`, {count} questions)? Version {version} is kept.",
            questions,
        )
        return text.format(version=replacing, **names)
    # TRANSLATORS: {title} is the lesson's title, {lesson} its id, {count} how many questions it has.
    text = ngettext(
        "Publish **{title}** (`{lesson}`, {count} question) to this server? Members can use it at once.",
        "Publish **{title}** (`{lesson}`, {count} questions) to this server? Members can use it at once.",
        questions,
    )
    return text.format(**names)


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
        # TRANSLATORS: {lesson} is a lesson's id; the question whether to publish follows this sentence.
        content=_("Someone published `{lesson}` meanwhile.").format(lesson=draft.lesson_id) + " " + again,
        view=publish_view(draft_id, version),
    )


def published(draft: LessonUpload, version: int) -> str:
    # TRANSLATORS: {title} is the lesson's title, {lesson} its id, {version} its version's number.
    return ngettext(
        "Published **{title}** (`{lesson}`), version {version}: "
        "{count} question, ready for /quiz, /practice, /live and /schedule.",
        "Published **{title}** (`{lesson}`), version {version}: "
        "{count} questions, ready for /quiz, /practice, /live and /schedule.",
        draft.questions,
    ).format(title=shorten(draft.title, 100), lesson=draft.lesson_id, version=version, count=draft.questions)


def too_many(limit: int) -> str:
    # TRANSLATORS: {limit} is how many lessons a server may keep.
    return ngettext(
        "This server has {limit} lessons, the most it can keep, so this one was not published.",
        "This server has {limit} lessons, the most it can keep, so this one was not published.",
        limit,
    ).format(limit=limit)


EXPORT_SUFFIXES = {"yaml": ".yaml", "gift": ".gift.txt", "moodle-xml": ".moodle.xml"}


def _kinds(lesson: Lesson) -> str:
    return _counts([q.kind for q in lesson.questions], KINDS)


def _uploaded(upload: LessonUpload) -> str:
    """Who uploaded it and when (a mention and a Discord date, no words)."""
    return f"<@{upload.uploaded_by}> {discord.utils.format_dt(upload.uploaded_at, 'd')}"


def lessons_embed(
    lessons: list[Lesson], uploads: dict[str, LessonUpload], hidden: list[Lesson]
) -> discord.Embed:
    """Every lesson this server sees, where it comes from (bundled, or uploaded by whom and when,
    which version), its questions by kind; and the bundled lessons it hides."""
    lines = []
    for lesson in lessons:
        upload = uploads.get(lesson.id)
        origin = (
            # TRANSLATORS: {member} is a member's mention and a date; {version} a version's number.
            _("uploaded by {member}, version {version}").format(
                member=_uploaded(upload), version=upload.version
            )
            if upload
            # TRANSLATORS: a lesson that comes with quizbot (not uploaded by the server).
            else _("bundled")
        )
        lines.append(
            f"**{shorten(lesson.title, 80)}** (`{authored(lesson.id)}`) · {origin} · "
            f"{questions(len(lesson.questions))}: {_kinds(lesson)}"
        )
    embed = discord.Embed(
        # TRANSLATORS: an embed title; {count} is how many lessons are listed.
        title=_("Lessons · {count}").format(count=len(lessons)),
        description=fit_lines(lines, EMBED_DESCRIPTION_CHARS, more=more_lessons)
        or _("No lessons are loaded."),
        colour=discord.Colour.blurple(),
    )
    if hidden:
        names = ", ".join(f"{shorten(lesson.title, 60)} (`{lesson.id}`)" for lesson in hidden)
        embed.add_field(name=_("Hidden on this server"), value=clip(names, EMBED_FIELD_CHARS), inline=False)
    return embed.set_footer(
        text=_("/lessons download gives a lesson's file; /lessons upload adds one of yours")
    )


def history_reply(lesson_id: str, versions: list[LessonUpload], in_use: int) -> Reply:
    """A server lesson's versions, newest first, and Restore for the earlier ones."""
    # TRANSLATORS: said of the version of a lesson this server uses now.
    using = " · " + _("in use")
    lines = [
        _("**Version {version}**").format(version=v.version)
        + (using if v.version == in_use else "")
        + f" · {shorten(v.title, 80)} · {questions(v.questions)} · {_uploaded(v)} · `{shorten(v.source, 60)}`"
        for v in versions
    ]
    state = (
        _("Version {version} is in use.").format(version=in_use)
        if in_use
        else _("It is removed from this server: restore a version to use it again.")
    )
    earlier = [(v.id, v.version) for v in versions if v.id is not None and v.version and v.version != in_use]
    more = (
        " " + _("Restore publishes that version's questions again as the newest version.") if earlier else ""
    )
    body = fit_lines(lines, EMBED_DESCRIPTION_CHARS - len(state) - len(more) - 2, more=_more_versions)
    embed = discord.Embed(
        # TRANSLATORS: an embed title; {lesson} is a lesson's id.
        title=shorten(_("History · {lesson}").format(lesson=lesson_id), EMBED_TITLE_CHARS),
        description=f"{state}{more}\n\n{body}",
        colour=discord.Colour.blurple(),
    )
    return Reply(embeds=[embed], view=restore_view(earlier, in_use))


def no_history(lesson_id: str) -> str:
    # TRANSLATORS: {lesson} is the lesson id the moderator typed.
    return _("This server has not published a lesson `{lesson}`.").format(lesson=shorten(lesson_id, 60))


def restored(draft: LessonUpload, version: int) -> str:
    # TRANSLATORS: {title} is the lesson's title, {lesson} its id, {version} its new version's number.
    return ngettext(
        "Restored **{title}** (`{lesson}`) as version {version}: {count} question, in use at once.",
        "Restored **{title}** (`{lesson}`) as version {version}: {count} questions, in use at once.",
        draft.questions,
    ).format(title=shorten(draft.title, 100), lesson=draft.lesson_id, version=version, count=draft.questions)


VERSION_GONE = N_("That version is not one of this server's any more: nothing changed.")


def remove_question(lesson: Lesson, schedules: int, upload_id: int) -> Reply:
    """Asked before removing: what leaves, what stays."""
    sentences = [
        # TRANSLATORS: {title} is the lesson's title, {lesson} its id.
        _(
            "Remove **{title}** (`{lesson}`) from this server? Its questions leave /quiz, /practice, /live "
            "and /review."
        ).format(title=shorten(lesson.title, 100), lesson=authored(lesson.id))
    ]
    if schedules:
        sentences.append(
            ngettext(
                "{count} daily quiz of it will pause.", "{count} daily quizzes of it will pause.", schedules
            ).format(count=schedules)
        )
    sentences.append(_("Attempts and scores stay, and `/lessons history` can restore it."))
    return Reply(content=" ".join(sentences), view=remove_view(upload_id))


def removed(lesson_id: str, paused: int) -> str:
    # TRANSLATORS: {lesson} is a lesson's id.
    sentences = [_("Removed `{lesson}` from this server.").format(lesson=lesson_id)]
    if paused:
        sentences.append(
            ngettext(
                "{count} daily quiz paused (see `/schedule list`).",
                "{count} daily quizzes paused (see `/schedule list`).",
                paused,
            ).format(count=paused)
        )
    sentences.append(_("`/lessons history` can restore it."))
    return " ".join(sentences)


def removed_meanwhile(lesson_id: str, version: int) -> str:
    if version:
        # TRANSLATORS: {lesson} is a lesson's id; {version} the number of its version in use.
        text = _("`{lesson}` changed since you asked (version {version} is in use now): nothing was removed.")
        return text.format(lesson=lesson_id, version=version)
    # TRANSLATORS: {lesson} is a lesson's id.
    return _("`{lesson}` changed since you asked (it was removed already): nothing was removed.").format(
        lesson=lesson_id
    )


KEPT = N_("Kept: nothing changed.")


def removed_reason(lesson_id: str, by: int) -> str:
    """Why a daily quiz paused, kept with the schedule for /schedule list (bot.stored_text)."""
    # TRANSLATORS: why a daily quiz is paused, in /schedule list; {lesson} is a lesson id, {member} a
    # moderator, mentioned.
    return keep(
        N_("its lesson `{lesson}` was removed from this server by {member}."),
        lesson=lesson_id,
        member=f"<@{by}>",
    )


def hidden_reason(lesson_id: str, by: int) -> str:
    # TRANSLATORS: why a daily quiz is paused, in /schedule list; {lesson} is a lesson id, {member} a
    # moderator, mentioned.
    return keep(
        N_("its lesson `{lesson}` was hidden on this server by {member}."),
        lesson=lesson_id,
        member=f"<@{by}>",
    )


def not_removable(lesson: Lesson) -> str:
    # TRANSLATORS: {title} is the lesson's title, {lesson} its id.
    return _(
        "**{title}** (`{lesson}`) comes with quizbot: `/lessons hide` takes it off this server's lists."
    ).format(title=shorten(lesson.title, 100), lesson=lesson.id)


def not_hideable(lesson: Lesson) -> str:
    # TRANSLATORS: {title} is the lesson's title, {lesson} its id.
    return _("**{title}** (`{lesson}`) is this server's own: `/lessons remove` takes it away.").format(
        title=shorten(lesson.title, 100), lesson=authored(lesson.id)
    )


def hidden(lesson: Lesson, paused: int | None) -> str:
    names = {"title": shorten(lesson.title, 100), "lesson": lesson.id}
    if paused is None:
        # TRANSLATORS: {title} is the lesson's title, {lesson} its id.
        return _("**{title}** (`{lesson}`) is hidden already.").format(**names)
    sentences = [
        # TRANSLATORS: {title} is the lesson's title, {lesson} its id.
        _(
            "Hid **{title}** (`{lesson}`) on this server: it leaves /quiz, /practice, /live and /schedule."
        ).format(**names)
    ]
    if paused:
        sentences.append(
            ngettext(
                "{count} daily quiz of it paused.", "{count} daily quizzes of it paused.", paused
            ).format(count=paused)
        )
    sentences.append(_("`/lessons show` brings it back."))
    return " ".join(sentences)


def shown(lesson: Lesson, changed: bool) -> str:
    names = {"title": shorten(lesson.title, 100), "lesson": lesson.id}
    if not changed:
        # TRANSLATORS: {title} is the lesson's title, {lesson} its id.
        return _("**{title}** (`{lesson}`) is not hidden.").format(**names)
    # TRANSLATORS: {title} is the lesson's title, {lesson} its id.
    return _(
        "**{title}** (`{lesson}`) is back on this server's lists. "
        "Daily quizzes paused when it was hidden stay paused until `/schedule resume`."
    ).format(**names)


def download_reply(lesson: Lesson, format: str, text: str, notes: list[str]) -> Reply:
    name = f"{lesson.id}{EXPORT_SUFFIXES[format]}"
    # TRANSLATORS: {title} is the lesson's title; {format} a file format's name ("GIFT"); {file} the
    # attached file's name.
    content = _("**{title}** as {format}: `{file}`.").format(
        title=shorten(lesson.title, 100), format=format_label(format), file=name
    )
    if format == "yaml":
        content += " " + _("Upload it again and it gives the same questions.")
    if notes:
        content += "\n" + clip("\n".join(f"- {note}" for note in notes), MESSAGE_CHARS - len(content) - 1)
    return Reply(content=content, files=[discord.File(io.BytesIO(text.encode()), filename=name)])
