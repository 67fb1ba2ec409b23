"""Red-DiscordBot trivia lists: `Question?: [answer, another accepted answer]`, optional `AUTHOR:`.

Red's answers are typed, not picked, so each question becomes multiple choice: its first answer is
the right option and up to three wrong options are other questions' answers from the same list.
"""

from __future__ import annotations

import hashlib

from bot.i18n import _, ngettext
from content._yaml import parse_yaml
from content.formats._common import Conversion, Draft, Reader, build, one_line, stable_index

NAME = "red-trivia"
LABEL = "Red trivia list"
_RESERVED = ("AUTHOR", "CONFIG")
WRONG_OPTIONS = 3


def looks_like(text: str) -> bool:
    return "questions:" not in text and ("AUTHOR:" in text or "?:" in text)


def convert(name: str, text: str, reader: Reader) -> Conversion:
    parsed, issues = parse_yaml(text)
    for issue in issues:
        reader.problem(issue.line, "(file)", issue.message)
    if parsed is None or reader.problems:
        return Conversion(reader.format, None, [], reader.problems)
    if not isinstance(parsed.data, dict):
        # TRANSLATORS: `Question?: [answers]` shows a Red trivia line (keep it as it is).
        return reader.whole(_("a Red trivia list is a mapping of `Question?: [answers]` lines"))
    author = parsed.data.get("AUTHOR")
    entries: list[tuple[int, str, list[str]]] = []
    for key, value in parsed.data.items():
        if key in _RESERVED:
            continue
        line = parsed.line_of((key,))
        answers = [value] if isinstance(value, str) else value
        if (
            not isinstance(answers, list)
            or not all(isinstance(a, str) and a.strip() for a in answers)
            or not answers
        ):
            reader.problem(line, f"question {len(entries) + 1}", _("its answers must be a list of text"))
            continue
        entries.append((line, one_line(key), [one_line(a) for a in answers]))
    pool = list(dict.fromkeys(answers[0] for _line, _q, answers in entries))
    drafts: list[Draft] = []
    for number, (line, question, answers) in enumerate(entries, start=1):
        accepted = {a.casefold() for a in answers}
        others = [a for a in pool if a.casefold() not in accepted]
        others.sort(key=lambda a: hashlib.sha256(f"{question}\n{a}".encode()).hexdigest())
        wrong = others[:WRONG_OPTIONS]
        if not wrong:
            reader.skip(number, line, _("no other answer in the list to offer as a wrong option"))
            continue
        right = stable_index(question, len(wrong) + 1)
        options = [*wrong[:right], answers[0], *wrong[right:]]
        draft = Draft(line=line, prompt=question, options=options, answer=[right])
        if len(answers) > 1:
            draft.solution = [f"Accepted answers: {', '.join(answers)}."]
        drafts.append(draft)
    # TRANSLATORS: {count} is how many wrong options a question gets at most (3).
    note = ngettext(
        "Red trivia answers are typed, not picked: each question's first answer is the right option and "
        "up to {count} wrong option is another question's answer from this list; check it is not also right",
        "Red trivia answers are typed, not picked: each question's first answer is the right option and "
        "up to {count} wrong options are other questions' answers from this list; check none "
        "of them is also right",
        WRONG_OPTIONS,
    )
    reader.assume(note.format(count=WRONG_OPTIONS))
    source = f"Red trivia list by {one_line(author)}" if isinstance(author, str) and author.strip() else None
    return build(reader, drafts, source=source, format_label=LABEL)
