"""Moodle's GIFT text format: `::title:: question {=right ~wrong#why ####general feedback}`.

quizbot reads multiple choice and true/false; short answer, numeric, matching and essay questions
have no options to click and are skipped (each named in the assumptions). Lines starting with
`// quizbot-difficulty:`, `// quizbot-hint:`, `// quizbot-id:` or `// quizbot-shuffle:` are comments
to Moodle; quizbot's own exports write them so a question keeps them through Moodle and back.
"""

from __future__ import annotations

import html
import re

from bot.i18n import _, ngettext
from content.formats._common import (
    Conversion,
    Draft,
    Reader,
    build,
    check_difficulty,
    code_to_html,
    export_notes,
    html_to_text,
    one_line,
    steps_from,
    steps_to_html,
    text_to_html,
)
from content.models import Lesson, Question

NAME = "gift"
LABEL = "GIFT"
_SPECIAL = "~=#{}:"
_META = re.compile(r"^\s*//\s*quizbot-(difficulty|hint|id|shuffle):\s?(.*)$")
_CATEGORY = re.compile(r"^\s*\$CATEGORY:\s*(.*)$")
_FORMAT = re.compile(r"^\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
_WEIGHT = re.compile(r"^%(-?[0-9]+(?:\.[0-9]+)?)%")


def looks_like(text: str) -> bool:
    return bool(re.search(r"\{\s*[=~]|\{\s*(T|F|TRUE|FALSE)\s*[}#]|^::[^:]+::", text, re.MULTILINE))


def _unescape(text: str) -> str:
    out: list[str] = []
    chars = iter(text)
    for char in chars:
        if char == "\\":
            nxt = next(chars, "")
            out.append("\n" if nxt == "n" else nxt)
        else:
            out.append(char)
    return "".join(out)


def _split_unescaped(text: str, stops: str) -> list[tuple[str, str]]:
    """Split at unescaped characters in `stops`: [(separator before, raw piece)], escapes kept."""
    pieces: list[tuple[str, str]] = []
    sep, current, index = "", [], 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            current.append(text[index : index + 2])
            index += 2
            continue
        if char in stops:
            pieces.append((sep, "".join(current)))
            sep, current = char, []
        else:
            current.append(char)
        index += 1
    pieces.append((sep, "".join(current)))
    return pieces


def _find_unescaped(text: str, char: str, start: int = 0) -> int:
    index = start
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == char:
            return index
        index += 1
    return -1


class _Text:
    """A piece of question text in the question's markup ([html] or plain)."""

    def __init__(self, is_html: bool) -> None:
        self.is_html = is_html

    def read(self, raw: str) -> tuple[str, str | None]:
        text = _unescape(raw)
        if not self.is_html:
            return text.strip(), None
        converted = html_to_text(text)
        return converted.text, converted.code

    def line(self, raw: str) -> str:
        return one_line(self.read(raw)[0])


def convert(name: str, text: str, reader: Reader) -> Conversion:
    drafts: list[Draft] = []
    category: str | None = None
    meta: dict[str, str] = {}
    number = 0
    for line_no, block in _blocks(text):
        kept: list[str] = []
        first = line_no
        for offset, line in enumerate(block):
            found = _META.match(line)
            heading = _CATEGORY.match(line)
            if found:
                meta[found.group(1)] = _unescape(found.group(2).strip())
            elif heading:
                category = _unescape(heading.group(1).strip())
            elif not line.lstrip().startswith("//"):
                if not kept:
                    first = line_no + offset  # problems point at the question, not its comments
                kept.append(line)
        body = "\n".join(kept).strip()
        if not body:
            continue
        number += 1
        draft = _question(body, first, number, reader)
        if draft is not None:
            draft.difficulty = check_difficulty(meta.get("difficulty"))
            draft.hint = meta.get("hint") or None
            draft.qid = meta.get("id") or None
            draft.shuffle = meta.get("shuffle", "true").strip().lower() != "false"
            drafts.append(draft)
        meta = {}
    title = category.rsplit("/", 1)[-1].strip() if category else None
    if title and title.startswith("$"):
        title = None
    return build(reader, drafts, title=title, format_label=LABEL)


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Questions are separated by blank lines; each block with its first line number."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 1
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


def _question(body: str, line: int, number: int, reader: Reader) -> Draft | None:
    title = ""
    if body.startswith("::"):
        end = _find_unescaped(body, ":", 2)
        while end != -1 and body[end : end + 2] != "::":
            end = _find_unescaped(body, ":", end + 1)
        if end == -1:
            # TRANSLATORS: :: closes a GIFT question's title (keep it as it is).
            reader.problem(line, f"question {number}", _("the title's closing :: is missing"))
            return None
        title, body = _unescape(body[2:end]).strip(), body[end + 2 :].strip()
    markup = _FORMAT.match(body)
    is_html = bool(markup and markup.group(1).lower() == "html")
    if markup:
        body = body[markup.end() :]
    reading = _Text(is_html)
    opening = _find_unescaped(body, "{")
    if opening == -1:
        # TRANSLATORS: { } holds a GIFT question's answers (keep it as it is).
        reader.skip(number, line, _("it has no answers in {{ }} (a description, not a question)").format())
        return None
    closing = _find_unescaped(body, "}", opening)
    if closing == -1:
        # TRANSLATORS: } closes a GIFT question's answers (keep it as it is).
        reader.problem(line, f"question {number}", _("the answers' closing }} is missing").format())
        return None
    before, answers, after = body[:opening], body[opening + 1 : closing].strip(), body[closing + 1 :]
    prompt, code = reading.read(before)
    after_text = reading.read(after)[0]
    if after_text:  # a missing-word question: the blank is where the answers stood
        prompt = f"{prompt} _____ {after_text}".strip()
    if not prompt:
        prompt = title
    draft = Draft(line=line, prompt=prompt, options=[], answer=[], title=title, code=code)
    if not _answers(draft, answers, reading, number, reader):
        return None
    return draft


def _answers(draft: Draft, answers: str, reading: _Text, number: int, reader: Reader) -> bool:
    line = draft.line
    general = ""
    marker = answers.find("####")
    while marker > 0 and answers[marker - 1] == "\\":
        marker = answers.find("####", marker + 1)
    if marker != -1:
        answers, general = answers[:marker].strip(), answers[marker + 4 :]
    if general.strip():
        if reading.is_html:
            draft.solution = steps_from(html_to_text(_unescape(general)))
        else:
            draft.solution = [step.strip() for step in _unescape(general).split("\n") if step.strip()]
    if not answers:
        reader.skip(number, line, _("an essay question has no options"))
        return False
    if answers.startswith("#"):
        reader.skip(number, line, _("a numerical answer is typed, not picked from options"))
        return False
    truth = re.match(r"^(T|TRUE|F|FALSE)\s*(#.*)?$", answers, re.IGNORECASE | re.DOTALL)
    if truth:
        truth_index = 0 if truth.group(1).upper().startswith("T") else 1
        draft.options, draft.answer = ["True", "False"], [truth_index]
        feedback = [reading.line(raw) for _sep, raw in _split_unescaped(truth.group(2) or "", "#")[1:]]
        if feedback and feedback[0]:  # GIFT: the first feedback is shown after a wrong answer
            draft.mistakes[1 - truth_index] = feedback[0]
        # TRANSLATORS: True and False are the options written in the pack, in English (keep them).
        reader.assume(_("True/false questions become two options, True and False"))
        return True
    pieces = [(sep, raw) for sep, raw in _split_unescaped(answers, "=~") if sep or raw.strip()]
    if not pieces or pieces[0][0] == "":
        # TRANSLATORS: = and ~ mark a GIFT answer right or wrong (keep them as they are).
        message = _("each answer must start with = (right) or ~ (wrong)")
        reader.problem(line, f"question {number}", message)
        return False
    if any("->" in raw for _sep, raw in pieces):
        reader.skip(number, line, _("matching questions have no single set of options"))
        return False
    if all(sep == "=" for sep, _raw in pieces):
        reader.skip(number, line, _("a short answer is typed, not picked from options"))
        return False
    right: list[int] = []
    for index, (sep, raw) in enumerate(pieces):
        weight = _WEIGHT.match(raw.strip())
        raw_text = raw.strip()[weight.end() :] if weight else raw
        text_part, *feedback = [part for _s, part in _split_unescaped(raw_text, "#")]
        draft.options.append(reading.line(text_part))
        if sep == "=" or (weight and float(weight.group(1)) >= 100):
            right.append(index)
        elif feedback and reading.line(feedback[0]):
            draft.mistakes[index] = reading.line(feedback[0])
    if len(right) != 1:
        if not right:
            why = _("no option is fully right, and a quizbot question has exactly one right option")
        else:
            why = _("more than one option is right, and a quizbot question has exactly one right option")
        reader.skip(number, line, why)
        return False
    draft.answer = right
    return True


# ---- export ------------------------------------------------------------------------------------


def _escape(text: str) -> str:
    out = text.replace("\\", "\\\\")
    for char in _SPECIAL:
        out = out.replace(char, "\\" + char)
    return out.replace("\n", "\\n")


def export(lesson: Lesson) -> tuple[str, list[str]]:
    """The lesson as GIFT (HTML question text, so code keeps its lines), and notes on what was left out."""
    lines = [f"// {lesson.title}: exported by quizbot from lesson {lesson.id}", ""]
    # Moodle reads / in a category as a subcategory.
    lines += [f"$CATEGORY: $course$/top/{_escape(lesson.title.replace('/', '-'))}", ""]
    left_out = []
    for question in lesson.questions:
        if question.kind != "multiple_choice":
            left_out.append(question.id)
            continue
        lines.extend(_export_question(question))
        lines.append("")
    notes = export_notes(lesson, LABEL, fill_blanks_mistakes=False)
    if left_out:
        # TRANSLATORS: {ids} lists the questions' ids; fill_blanks and moodle-xml are a question kind's
        # and an export format's names (keep them as they are). The English reads "(s)" in both forms.
        note = ngettext(
            "{count} fill_blanks question(s) left out ({ids}): GIFT has no blanks with shared options; "
            "export as moodle-xml to keep them",
            "{count} fill_blanks question(s) left out ({ids}): GIFT has no blanks with shared options; "
            "export as moodle-xml to keep them",
            len(left_out),
        )
        notes.append(note.format(count=len(left_out), ids=", ".join(left_out)))
    return "\n".join(lines), notes


def _export_question(question: Question) -> list[str]:
    text = text_to_html(question.prompt)
    if question.code is not None:
        text += code_to_html(question.code)
    out = [
        f"// quizbot-id: {question.id}",
        f"// quizbot-difficulty: {question.difficulty}",
        f"// quizbot-hint: {_comment(question.hint)}",
    ]
    if not question.shuffle:
        out.append("// quizbot-shuffle: false")
    out.append(f"::{_escape(question.id)}::[html]{_escape(text)} {{")
    for letter, option in zip(question.letters, question.options, strict=True):
        mark = "=" if letter == question.answer else "~"
        mistake = question.mistake_for(letter)
        feedback = f"#{_escape(_html_line(mistake.text))}" if mistake else ""
        out.append(f"\t{mark}{_escape(_html_line(option))}{feedback}")
    out.append(f"\t####{_escape(steps_to_html(list(question.solution)))}")
    out.append("}")
    return out


def _html_line(text: str) -> str:
    return html.escape(text, quote=False)


def _comment(text: str) -> str:
    # A comment is one line: keep backslashes and line breaks as GIFT escapes, read back by _unescape.
    return text.replace("\\", "\\\\").replace("\n", "\\n")
