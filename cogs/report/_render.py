"""The export's CSV files and their packing for Discord, and the /report questions embed.

The CSV part is pure (no discord): `python -m bot report export` writes the same files.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import discord

from bot.grading import format_points
from bot.rendering import clip, plural, shorten
from cogs.report.quality import MARKS, UNKNOWN, Verdict, verdict
from content import Question
from content.discord_limits import EMBED_DESCRIPTION_CHARS, EMBED_TOTAL_CHARS
from storage.reports import Export, QuestionQuality

ANSWERS_FILE, MEMBERS_FILE, ZIP_FILE = "answers.csv", "members.csv", "quizbot-export.zip"
ANSWER_HEADER = [
    "member_id",
    "display_name",
    "lesson",
    "question_id",
    "post_id",
    "posted_at_utc",
    "tries",
    "first_choice",
    "right",
    "right_first_try",
    "points",
    "seconds_to_first_answer",
]
MEMBER_HEADER = [
    "member_id",
    "display_name",
    "answered",
    "right",
    "right_first_try",
    "points",
    "current_streak",
    "best_streak",
]
# Excel opens a UTF-8 CSV as the local ANSI code page unless it starts with a byte order mark
# (names like "Zoë" would turn into "ZoÃ«"); LibreOffice and Python's csv read the BOM fine.
ENCODING = "utf-8-sig"
# A cell starting with one of these is a formula to a spreadsheet: a display name like
# "=HYPERLINK(...)" must stay text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Messages Discord gets for one export, one zip part each; past that the command line is the way.
MAX_PARTS = 10

Names = Callable[[int], str]


def _text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _csv(header: list[str], rows: Iterable[Sequence[object]]) -> list[bytes]:
    """The header line and each row as its own bytes (without the BOM), so rows can be split."""
    out = []
    for row in [header, *rows]:
        buffer = io.StringIO()
        csv.writer(buffer).writerow(row)
        out.append(buffer.getvalue().encode("utf-8"))
    return out


def answer_lines(export: Export, name: Names) -> list[bytes]:
    return _csv(
        ANSWER_HEADER,
        (
            (
                r.member_id,
                _text(name(r.member_id)),
                r.lesson_id,
                r.question_id,
                r.post_id,
                r.posted_at.isoformat().replace("+00:00", "Z"),
                r.tries,
                r.first_choice,
                int(r.right),
                int(r.right_first_try),
                format_points(r.points),
                f"{r.first_answer_seconds:.1f}",
            )
            for r in export.answers
        ),
    )


def member_lines(export: Export, name: Names) -> list[bytes]:
    return _csv(
        MEMBER_HEADER,
        (
            (
                m.member_id,
                _text(name(m.member_id)),
                m.answered,
                m.right,
                m.right_first_try,
                format_points(m.points),
                m.current_streak,
                m.best_streak,
            )
            for m in export.members
        ),
    )


def csv_files(export: Export, name: Names) -> list[tuple[str, list[bytes]]]:
    """(file name, [header, row, ...]) for the two CSVs."""
    return [(ANSWERS_FILE, answer_lines(export, name)), (MEMBERS_FILE, member_lines(export, name))]


def file_bytes(lines: list[bytes]) -> bytes:
    return "\ufeff".encode() + b"".join(lines) if ENCODING == "utf-8-sig" else b"".join(lines)


@dataclass(frozen=True, slots=True)
class Parcel:
    """What to send: one list of (name, bytes) per message."""

    messages: list[list[tuple[str, bytes]]]
    zipped: bool
    size: int  # the two CSVs' bytes, unzipped

    @property
    def split(self) -> bool:
        return len(self.messages) > 1


def _zip(files: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            archive.writestr(name, content)
    return buffer.getvalue()


def _parts(files: list[tuple[str, list[bytes]]], raw_limit: int) -> list[list[tuple[str, bytes]]]:
    """Cut the CSVs into parts of at most `raw_limit` bytes of rows, each piece with its header."""
    parts: list[list[tuple[str, bytes]]] = []
    current: list[tuple[str, bytes]] = []
    used = 0
    for name, (header, *rows) in files:
        stem = name.removesuffix(".csv")
        chunk: list[bytes] = []
        for row in rows:
            if chunk and used + len(row) > raw_limit:
                current.append((f"{stem}-{len(parts) + 1}.csv", file_bytes([header, *chunk])))
                parts.append(current)
                current, chunk, used = [], [], 0
            chunk.append(row)
            used += len(row)
        if chunk or not rows:
            current.append((f"{stem}-{len(parts) + 1}.csv", file_bytes([header, *chunk])))
    if current:
        parts.append(current)
    return parts


def package(files: list[tuple[str, list[bytes]]], limit: int) -> Parcel | None:
    """The CSVs as they are if they fit `limit` bytes together, else zipped, else zipped in parts
    (one per message); None if that would take more than MAX_PARTS messages."""
    plain = [(name, file_bytes(lines)) for name, lines in files]
    size = sum(len(content) for _, content in plain)
    if size <= limit:
        return Parcel([plain], zipped=False, size=size)
    whole = _zip(plain)
    if len(whole) <= limit:
        return Parcel([[(ZIP_FILE, whole)]], zipped=True, size=size)
    # Aim each part's rows at what the whole zip's ratio says fits, with room to spare; halve on a miss.
    raw_limit = max(1, int(limit * size / len(whole) * 0.8))
    while True:
        parts = _parts(files, raw_limit)
        if len(parts) > MAX_PARTS:
            return None
        zips = [_zip(part) for part in parts]
        if all(len(z) <= limit for z in zips) or raw_limit == 1:
            return Parcel(
                [[(f"quizbot-export-{i}-of-{len(zips)}.zip", z)] for i, z in enumerate(zips, 1)],
                zipped=True,
                size=size,
            )
        raw_limit //= 2


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
    return text + " Display names are those members have now; members who used /forget-me are not in it."


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
        f"{MARKS[v.doubtful if v.rank != UNKNOWN else None]} **{shorten(q.question_id, 80)}** · facility {facility} · "
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
        )[:2048]
    )
    assert len(embed) <= EMBED_TOTAL_CHARS
    return embed
