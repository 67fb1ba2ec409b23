"""Moodle's Aiken format: a question line, options `A. text` or `A) text`, then `ANSWER: B`."""

from __future__ import annotations

import re

from content.formats._common import Conversion, Draft, Reader, build
from content.models import LETTERS

NAME = "aiken"
LABEL = "Aiken"
_OPTION = re.compile(r"^([A-Z])[.)]\s+(.*)$")
_ANSWER = re.compile(r"^ANSWER\s*:\s*(.*)$", re.IGNORECASE)


def looks_like(text: str) -> bool:
    return bool(re.search(r"^ANSWER\s*:\s*[A-Z]\s*$", text, re.MULTILINE | re.IGNORECASE))


def convert(name: str, text: str, reader: Reader) -> Conversion:
    drafts: list[Draft] = []
    prompt: list[str] = []
    letters: list[str] = []
    options: list[str] = []
    start = 0
    number = 0
    for line_no, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        answer = _ANSWER.match(line)
        option = _OPTION.match(line)
        if answer:
            number += 1
            letter = answer.group(1).strip().upper()
            field = f"question {number}"
            if not prompt:
                reader.problem(line_no, field, "ANSWER: comes before any question text")
            elif not options:
                reader.problem(start, field, "has no options: write them as `A. text` or `A) text`")
            elif letter not in letters:
                shown = ", ".join(letters)
                reader.problem(line_no, f"{field} ANSWER", f"{letter!r} is not one of the options {shown}")
            elif letters != list(LETTERS[: len(letters)]):
                reader.problem(
                    start, field, f"options are lettered {', '.join(letters)}; use A, B, C... in order"
                )
            else:
                drafts.append(
                    Draft(
                        line=start, prompt="\n".join(prompt), options=options, answer=[letters.index(letter)]
                    )
                )
            prompt, letters, options = [], [], []
        elif option and prompt:
            letters.append(option.group(1))
            options.append(option.group(2).strip())
        elif options:
            reader.problem(line_no, f"question {number + 1}", "expected another option or `ANSWER: X` here")
            prompt, letters, options = [], [], []
        else:
            if not prompt:
                start = line_no
            prompt.append(line)
    if prompt or options:
        reader.problem(start, f"question {number + 1}", "ends without an `ANSWER: X` line")
    return build(reader, drafts, format_label=LABEL)
