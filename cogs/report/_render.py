"""What /report says: the export's summary (its files are bot.exports'), and the /report
questions embed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import discord

from bot.exports import MAX_PARTS, Parcel
from bot.quality import MARKS, UNKNOWN, Verdict, verdict
from bot.rendering import clip, plural, shorten
from content import Question
from content.discord_limits import EMBED_DESCRIPTION_CHARS, EMBED_TOTAL_CHARS
from content.scoping import authored
from storage.reports import Export, QuestionQuality


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.1f} kB"


def export_summary(export: Export, parcel: Parcel, limit: int, scope: str) -> str:
    rows = plural(len(export.answers), "answer row")
    people = plural(len(export.members), "member")
    text = f"📄 Export of {scope}: {rows}, {people}."
    if not export.answers:
        return f"📄 Nothing to export for {scope}: nobody answered a question posted then."
    if parcel.split:
        text += (
            f" At {megabytes(parcel.size)} it is over Discord's {megabytes(limit)} limit even zipped: "
            f"split into {len(parcel.messages)} zip files, one per message below."
        )
    elif parcel.zipped:
        text += f" Zipped: {megabytes(parcel.size)} is over Discord's {megabytes(limit)} limit."
    return (
        text
        + " Display names are the members' own at their latest answer; members who used /forget-me are not in it."
    )


def too_big_text(size: int, guild_id: int) -> str:
    return (
        f"📄 This export is {megabytes(size)}: too big for Discord even zipped in {MAX_PARTS} parts. "
        f"Ask whoever runs the bot for `python -m bot report export --guild {guild_id} -o DIR`, "
        "or pick a lesson or a shorter period."
    )


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
    """'Wrong pick: B. model.compile (4) · never picked: D'"""
    wrong = q.most_picked_wrong
    parts = [f"wrong pick: {_choice(question, wrong[0])} ({wrong[1]})" if wrong else "no wrong picks"]
    if question is not None:
        never = q.never_picked(question.letters)
        if never:
            parts.append(f"never picked: {', '.join(never)}")
    return " · ".join(parts)


def question_block(j: Judged) -> str:
    q, v = j.quality, j.verdict
    facility = "-" if q.facility is None else f"{q.facility:.0%}"
    r = "-" if q.discrimination is None else f"{q.discrimination:.2f}"
    head = (
        f"{MARKS[v.doubtful if v.rank != UNKNOWN else None]} **{shorten(authored(q.question_id), 80)}** · facility {facility} · "
        f"discrimination {r} · {plural(q.answered, 'answer')}"
    )
    lines = [head]
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
        title=f"🔎 Question quality · {shorten(scope, 200)}", colour=discord.Colour.blurple()
    )
    if not items:
        embed.description = "No question has been answered yet here."
        return embed
    blocks = [question_block(j) for j in paged[page]]
    text = ""
    for block in blocks:
        if len(text) + len(block) + 2 > EMBED_DESCRIPTION_CHARS:
            break
        text = f"{text}\n\n{block}" if text else block
    embed.description = text
    embed.set_footer(
        text=(
            f"{plural(doubtful, 'doubtful question')} of {len(items)} · page {page + 1} of {len(paged)}"
            + (f" · /report questions page:{page + 2} for more" if page + 1 < len(paged) else "")
            + " · facility: right on the first try; discrimination: Pearson's r with the rest of the lesson"
            + " · letters are the lesson file's (each post shuffles them)"
        )[:2048]
    )
    assert len(embed) <= EMBED_TOTAL_CHARS
    return embed
