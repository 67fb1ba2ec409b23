"""What /report says: the export's summary (its files are bot.exports'), and the /report
questions embed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import discord

from bot.exports import MAX_PARTS, Parcel
from bot.i18n import _, ngettext, number, percent
from bot.quality import MARKS, UNKNOWN, Verdict, verdict
from bot.rendering import clip, shorten
from content import Question
from content.discord_limits import EMBED_DESCRIPTION_CHARS, EMBED_TOTAL_CHARS
from content.scoping import authored
from storage.reports import Export, QuestionQuality


def megabytes(size: int) -> str:
    if size >= 100_000:
        # TRANSLATORS: a file size in megabytes; {size} has one decimal ("4.7"). Use your language's unit ("Mo").
        return _("{size} MB").format(size=number(size / 1_000_000, 1))
    # TRANSLATORS: a file size in kilobytes; {size} has one decimal ("4.7"). Use your language's unit ("ko").
    return _("{size} kB").format(size=number(size / 1000, 1))


def export_summary(export: Export, parcel: Parcel, limit: int, scope: str) -> str:
    if not export.answers:
        # TRANSLATORS: {scope} is what was asked for: "all time", "this week", "this week · Lesson title"...
        nothing = _("📄 Nothing to export for {scope}: nobody answered a question posted then.")
        return nothing.format(scope=scope)
    rows, people = len(export.answers), len(export.members)
    # TRANSLATORS: how many members an export has, in the sentence "Export of ...: 3 answer rows, 2 members."
    members = ngettext("{count} member", "{count} members", people).format(count=people)
    # TRANSLATORS: {scope} is what was asked for: "all time", "this week", "this week · Lesson title"...;
    # {count} how many answer rows (the plural follows it); {members} reads "2 members".
    text = ngettext(
        "📄 Export of {scope}: {count} answer row, {members}.",
        "📄 Export of {scope}: {count} answer rows, {members}.",
        rows,
    ).format(scope=scope, count=rows, members=members)
    if parcel.split:
        parts = len(parcel.messages)
        # TRANSLATORS: {size} and {limit} are file sizes ("4.7 MB", "10.0 MB"); {count} is how many zip files.
        split = ngettext(
            "At {size} it is over Discord's {limit} limit even zipped: "
            "split into {count} zip file, one per message below.",
            "At {size} it is over Discord's {limit} limit even zipped: "
            "split into {count} zip files, one per message below.",
            parts,
        )
        text += " " + split.format(size=megabytes(parcel.size), limit=megabytes(limit), count=parts)
    elif parcel.zipped:
        # TRANSLATORS: {size} and {limit} are file sizes ("4.7 MB", "10.0 MB").
        zipped = _("Zipped: {size} is over Discord's {limit} limit.")
        text += " " + zipped.format(size=megabytes(parcel.size), limit=megabytes(limit))
    return (
        text
        + " "
        + _(
            "Display names are the members' own at their latest answer; "
            "members who used /forget-me are not in it."
        )
    )


def too_big_text(size: int, guild_id: int) -> str:
    # TRANSLATORS: {size} is a file size ("4.7 MB"); {count} the most zip files an export may be split
    # into; the command in backticks is for whoever runs the bot: keep it as it is.
    text = ngettext(
        "📄 This export is {size}: too big for Discord even zipped in {count} part. "
        "Ask whoever runs the bot for `python -m bot report export --guild {guild} -o DIR`, "
        "or pick a lesson or a shorter period.",
        "📄 This export is {size}: too big for Discord even zipped in {count} parts. "
        "Ask whoever runs the bot for `python -m bot report export --guild {guild} -o DIR`, "
        "or pick a lesson or a shorter period.",
        MAX_PARTS,
    )
    return text.format(size=megabytes(size), count=MAX_PARTS, guild=guild_id)


# --------------------------------------------------------------------------- /report questions

PER_PAGE = 8
BLOCK_CHARS = EMBED_DESCRIPTION_CHARS // PER_PAGE - 2  # so a full page always fits


@dataclass(frozen=True, slots=True)
class Judged:
    quality: QuestionQuality
    question: Question | None
    verdict: Verdict


def judged(found: list[QuestionQuality], question: Callable[[str], Question | None]) -> list[Judged]:
    """Doubtful first (broken, too hard, too easy, weak), then the rest, each by lesson and id."""
    out = [Judged(q, question(q.question_id), verdict(q)) for q in found]
    return sorted(out, key=lambda j: (j.verdict.rank, j.quality.lesson_id, j.quality.question_id))


def _choice(question: Question | None, chosen: str) -> str:
    if question is None or chosen not in question.letters:
        return chosen
    return f"{chosen}. {shorten(question.option_text(chosen), 40)}"


def choices_text(q: QuestionQuality, question: Question | None) -> str:
    """'wrong pick: B. model.compile (4) · never picked: D'"""
    wrong = q.most_picked_wrong
    if wrong:
        # TRANSLATORS: {choice} is the wrong option picked most ("B. model.compile"); {count} how many
        # times it was picked.
        picked = _("wrong pick: {choice} ({count})")
        parts = [picked.format(choice=_choice(question, wrong[0]), count=wrong[1])]
    else:
        parts = [_("no wrong picks")]
    if question is not None:
        never = q.never_picked(question.letters)
        if never:
            # TRANSLATORS: {letters} are option letters nobody picked ("B, C").
            parts.append(_("never picked: {letters}").format(letters=", ".join(never)))
    return " · ".join(parts)


def question_block(j: Judged) -> str:
    q, v = j.quality, j.verdict
    facility = "-" if q.facility is None else percent(q.facility)
    r = "-" if q.discrimination is None else number(q.discrimination, 2)
    # TRANSLATORS: {facility} is a percentage ("33%") or "-"; {r} a correlation with two decimals
    # ("0.17") or "-"; {count} how many answers the question had.
    figures = ngettext(
        "facility {facility} · discrimination {r} · {count} answer",
        "facility {facility} · discrimination {r} · {count} answers",
        q.answered,
    ).format(facility=facility, r=r, count=q.answered)
    mark = MARKS[v.doubtful if v.rank != UNKNOWN else None]
    lines = [f"{mark} **{shorten(authored(q.question_id), 80)}** · {figures}"]
    if v.doubtful:
        lines += [f"> {v.facility}", f"> {v.discrimination}"]
    lines.append(f"> {choices_text(q, j.question)}")
    return clip("\n".join(lines), BLOCK_CHARS)


def pages(items: list[Judged]) -> list[list[Judged]]:
    return [items[i : i + PER_PAGE] for i in range(0, len(items), PER_PAGE)] or [[]]


def questions_embed(items: list[Judged], page: int, scope: str) -> discord.Embed:
    """One page: at most PER_PAGE questions, within the description's 4096 characters."""
    paged = pages(items)
    page = max(0, min(page, len(paged) - 1))
    doubtful = sum(j.verdict.doubtful for j in items)
    embed = discord.Embed(
        # TRANSLATORS: an embed title; {scope} is a lesson's title, or "every lesson".
        title=_("🔎 Question quality · {scope}").format(scope=shorten(scope, 200)),
        colour=discord.Colour.blurple(),
    )
    if not items:
        embed.description = _("No question has been answered yet here.")
        return embed
    blocks = [question_block(j) for j in paged[page]]
    text = ""
    for block in blocks:
        if len(text) + len(block) + 2 > EMBED_DESCRIPTION_CHARS:
            break
        text = f"{text}\n\n{block}" if text else block
    embed.description = text
    # TRANSLATORS: {count} of the {total} questions listed are doubtful; {page} of {pages} pages.
    parts = [
        ngettext(
            "{count} doubtful question of {total} · page {page} of {pages}",
            "{count} doubtful questions of {total} · page {page} of {pages}",
            doubtful,
        ).format(count=doubtful, total=len(items), page=page + 1, pages=len(paged))
    ]
    if page + 1 < len(paged):
        # TRANSLATORS: "/report questions page:" is the command with its option as Discord shows them in
        # your language; {page} is the next page's number.
        parts.append(_("/report questions page:{page} for more").format(page=page + 2))
    parts.append(
        _("facility: right on the first try; discrimination: Pearson's r with the rest of the lesson")
    )
    # TRANSLATORS: the option letters shown are the ones in the lesson file (each post shuffles them).
    parts.append(_("letters are the lesson file's (each post shuffles them)"))
    embed.set_footer(text=" · ".join(parts)[:2048])
    assert len(embed) <= EMBED_TOTAL_CHARS
    return embed
