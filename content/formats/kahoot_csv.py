"""A Kahoot quiz sheet saved as CSV: question, answers 1-4, time limit, correct answer number(s)."""

from __future__ import annotations

import csv
import io
import re

from bot.i18n import _
from content.formats._common import Conversion, Draft, Reader, build

NAME = "kahoot-csv"
LABEL = "Kahoot sheet"


def looks_like(text: str) -> bool:
    head = text[:4096].lower()
    return "answer 1" in head and ("correct" in head or "time limit" in head)


def _header(row: list[str]) -> dict[str, int] | None:
    cells = [cell.strip().lower() for cell in row]
    where: dict[str, int] = {}
    for index, cell in enumerate(cells):
        if cell.startswith("question") and "question" not in where:
            where["question"] = index
        for n in range(1, 5):
            if cell.startswith(f"answer {n}"):
                where[f"answer {n}"] = index
        if cell.startswith("time limit"):
            where["time"] = index
        if cell.startswith("correct"):
            where["correct"] = index
    needed = {"question", "answer 1", "answer 2", "correct"}
    return where if needed <= where.keys() else None


def convert(name: str, text: str, reader: Reader) -> Conversion:
    try:
        rows = list(csv.reader(io.StringIO(text), dialect=_dialect(text)))
    except csv.Error as exc:
        # TRANSLATORS: {error} is Python's csv module's own explanation, in English.
        return reader.whole(_("is not a readable CSV sheet: {error}").format(error=exc))
    columns = None
    first = 0
    for index, row in enumerate(rows[:20]):
        columns = _header(row)
        if columns:
            first = index + 1
            break
    if columns is None:
        # TRANSLATORS: Question, Answer 1-4, Time limit and Correct answer(s) are the Kahoot template's
        # column headers, in English in the file (keep them as they are).
        return reader.whole(
            _(
                "has no header row with Question, Answer 1-4, Time limit and Correct answer(s) "
                "(the Kahoot spreadsheet template's columns)"
            )
        )
    drafts: list[Draft] = []
    number = 0
    timed = False
    for line_no, row in enumerate(rows[first:], start=first + 1):
        cell = {key: (row[i].strip() if i < len(row) else "") for key, i in columns.items()}
        if not any(cell.values()):
            continue
        number += 1
        answers = [(n, cell.get(f"answer {n}", "")) for n in range(1, 5)]
        given = [(n, text_) for n, text_ in answers if text_]
        correct = [int(n) for n in re.findall(r"[0-9]+", cell["correct"])]
        field = f"question {number}"
        if not cell["question"]:
            # TRANSLATORS: Question is the Kahoot template's column header (keep it as it is).
            reader.problem(line_no, field, _("the Question cell is empty"))
            continue
        if not correct:
            reader.problem(line_no, f"{field} correct", _("name the right answer's number (1-4)"))
            continue
        if len(correct) > 1:
            # TRANSLATORS: {answers} lists the answer numbers marked correct (1, 3).
            why = _("answers {answers} are all right; a quizbot question has one")
            reader.skip(number, line_no, why.format(answers=", ".join(map(str, correct))))
            continue
        numbers = [n for n, _text in given]
        if correct[0] not in numbers:
            # TRANSLATORS: {answer} is the answer number the Correct cell names.
            message = _("answer {answer} is empty or not 1-4").format(answer=correct[0])
            reader.problem(line_no, f"{field} correct", message)
            continue
        timed = timed or bool(cell.get("time"))
        drafts.append(
            Draft(
                line=line_no,
                prompt=cell["question"],
                options=[text_ for _n, text_ in given],
                answer=[numbers.index(correct[0])],
            )
        )
    if timed:
        reader.assume(_("Kahoot time limits were dropped: quizbot questions wait for each member"))
    return build(reader, drafts, format_label=LABEL)


def _dialect(text: str) -> type[csv.Dialect]:
    first = text.split("\n", 1)[0]
    return (
        csv.excel_tab
        if first.count("\t") > first.count(",") and first.count("\t") > first.count(";")
        else (_Semicolon if first.count(";") > first.count(",") else csv.excel)
    )


class _Semicolon(csv.excel):
    delimiter = ";"
