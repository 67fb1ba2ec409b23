"""An export's CSV files and their packing under an upload limit: pure, no discord, so
/report export and `python -m bot report export` write the same files."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from bot.grading import format_points
from storage.reports import Export

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


def csv_lines(header: list[str], rows: Iterable[Sequence[object]]) -> list[bytes]:
    """The header line and each row as its own bytes (without the BOM), so rows can be split."""
    out = []
    for row in [header, *rows]:
        buffer = io.StringIO()
        csv.writer(buffer).writerow(row)
        out.append(buffer.getvalue().encode("utf-8"))
    return out


def answer_lines(export: Export, name: Names) -> list[bytes]:
    return csv_lines(
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
    return csv_lines(
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
    return "\ufeff".encode() + b"".join(lines)  # the byte order mark ENCODING promises


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
