"""Moodle's Aiken format: a question line, options `A. text` or `A) text`, then `ANSWER: B`."""

from __future__ import annotations

import re

from bot.i18n import _
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
                # TRANSLATORS: ANSWER: is the Aiken file's own keyword (keep it as it is).
                reader.problem(line_no, field, _("ANSWER: comes before any question text"))
            elif not options:
                # TRANSLATORS: `A. text` and `A) text` show how an Aiken file writes options (keep them).
                reader.problem(start, field, _("has no options: write them as `A. text` or `A) text`"))
            elif letter not in letters:
                # TRANSLATORS: {letter} is the letter after ANSWER:, quoted ('E'); {letters} lists the
                # options' letters (A, B, C).
                message = _("{letter} is not one of the options {letters}")
                reader.problem(
                    line_no,
                    f"{field} ANSWER",
                    message.format(letter=repr(letter), letters=", ".join(letters)),
                )
            elif letters != list(LETTERS[: len(letters)]):
                # TRANSLATORS: {letters} lists the options' letters as the file has them (A, C, D).
                message = _("options are lettered {letters}; use A, B, C... in order")
                reader.problem(start, field, message.format(letters=", ".join(letters)))
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
            # TRANSLATORS: `ANSWER: X` is the Aiken file's own answer line (keep it as it is).
            message = _("expected another option or `ANSWER: X` here")
            reader.problem(line_no, f"question {number + 1}", message)
            prompt, letters, options = [], [], []
        else:
            if not prompt:
                start = line_no
            prompt.append(line)
    if prompt or options:
        # TRANSLATORS: `ANSWER: X` is the Aiken file's own answer line (keep it as it is).
        reader.problem(start, f"question {number + 1}", _("ends without an `ANSWER: X` line"))
    return build(reader, drafts, format_label=LABEL)
