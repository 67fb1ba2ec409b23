"""What every importer shares: safe decoding, the draft question, ids, defaults and the pack they become.

An importer turns a file into `Draft`s (one per question it found, with its source line) plus
assumptions and problems; `build` writes the pack, checks it with the project's own loader and
points each problem back at its question's line in the uploaded file.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import PurePath
from typing import Any

import yaml

from bot.i18n import N_, _, ngettext
from content.loader import FILE_FIELD, MAX_PACK_BYTES, LessonError, Problem, load_lesson_text
from content.models import DIFFICULTIES, LETTERS, POSITIONAL_OPTION, Lesson, option_named_by_letter

# One lesson is practised and reviewed as a whole; past this it should be split (issue 12's limit).
MAX_QUESTIONS = 500


@dataclass(frozen=True)
class ImportLimits:
    """What one imported file may hold; the bot's host may change them (bot.settings)."""

    max_bytes: int = MAX_PACK_BYTES
    max_questions: int = MAX_QUESTIONS


DEFAULT_DIFFICULTY = "medium"
DEFAULT_HINT = "Read the question again slowly and rule out the options you are sure are wrong."


@dataclass
class Draft:
    """One question as read from a source file, before it is checked as a quizbot question."""

    line: int
    prompt: str
    options: list[str]
    answer: list[int]  # multiple_choice: one index; fill_blanks: one index per blank
    kind: str = "multiple_choice"
    title: str = ""
    code: str | None = None
    difficulty: str | None = None
    hint: str | None = None
    solution: list[str] = field(default_factory=list)
    mistakes: dict[int, str] = field(default_factory=dict)  # wrong option index -> why it is wrong
    qid: str | None = None  # an id the file itself carries (quizbot's own exports do)
    shuffle: bool = True  # quizbot's default: each showing draws its own order


@dataclass(frozen=True)
class Conversion:
    """An import: the quizbot pack (None when there are problems), what was assumed, what is wrong."""

    format: str
    pack_yaml: str | None
    assumptions: list[str]
    problems: list[Problem]
    questions: int = 0
    lesson: Lesson | None = None  # the pack as the loader read it (None when there are problems)

    @property
    def ok(self) -> bool:
        return not self.problems and self.pack_yaml is not None


class Reader:
    """Collects what one import assumed and found wrong, in the file's own terms."""

    def __init__(self, name: str, format: str, limits: ImportLimits | None = None) -> None:
        self.name = name
        self.format = format
        self.limits = limits or ImportLimits()
        self.assumptions: list[str] = []
        self.problems: list[Problem] = []

    def assume(self, text: str) -> None:
        if text not in self.assumptions:
            self.assumptions.append(text)

    def problem(self, line: int, field_name: str, message: str) -> None:
        self.problems.append(Problem(self.name, line, field_name, message))

    def whole(self, message: str, line: int = 1) -> Conversion:
        return Conversion(self.format, None, [], [Problem(self.name, line, FILE_FIELD, message)])

    def skip(self, number: int, line: int, why: str) -> None:
        # TRANSLATORS: {number} counts the file's questions from 1; {why} says why it was skipped.
        self.assume(
            _("Question {number} (line {line}) skipped: {why}").format(number=number, line=line, why=why)
        )


# ---- bytes to text -----------------------------------------------------------------------------

# (byte order mark, codec, how the file was read, the encoding's name); the third is translated at use.
_BOMS = (
    # TRANSLATORS: how an uploaded file was read, after "read as".
    (b"\xef\xbb\xbf", "utf-8-sig", N_("UTF-8 with a byte order mark"), "UTF-8"),
    # TRANSLATORS: how an uploaded file was read, after "read as".
    (b"\xff\xfe", "utf-16", N_("UTF-16 (little-endian, byte order mark)"), "UTF-16"),
    # TRANSLATORS: how an uploaded file was read, after "read as".
    (b"\xfe\xff", "utf-16", N_("UTF-16 (big-endian, byte order mark)"), "UTF-16"),
)
# Control characters no text file holds (tab, newline and carriage return are fine).
_BINARY = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def too_big(size: int, limit: int = MAX_PACK_BYTES) -> str | None:
    if size <= limit:
        return None
    # TRANSLATORS: follows the file's name ("lesson.gift: is 300 KiB; ..."); {size} and {limit} are KiB.
    return _("is {size} KiB; an imported file may be at most {limit} KiB: split it").format(
        size=-(-size // 1024), limit=limit // 1024
    )


def too_many_questions(count: int, limit: int) -> str | None:
    if count <= limit:
        return None
    # TRANSLATORS: follows the file's name ("lesson.gift: has 600 questions; ...").
    return ngettext(
        "has {count} question; a lesson holds at most {limit}: split the file",
        "has {count} questions; a lesson holds at most {limit}: split the file",
        count,
    ).format(count=count, limit=limit)


# TRANSLATORS: follows the uploaded file's name ("lesson.gift: looks like ...").
_BINARY_FILE = N_("looks like a binary file, not text: upload the question file itself")


class Unreadable(Exception):
    """The bytes are not text quizbot can read; `line` and `message` make the one problem line."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def decode(data: bytes) -> tuple[str, str | None]:
    """(text, how it was read if not plain UTF-8: an English label, `_(label)` translates it): UTF-8,
    UTF-8 with BOM or UTF-16 with BOM. Raises Unreadable for anything else, binary files included."""
    for bom, codec, label, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _text(data.decode(codec)), label
            except UnicodeDecodeError:
                # TRANSLATORS: {label} is how the mark reads the file, e.g. "UTF-8 with a byte order mark";
                # {encoding} is UTF-8 or UTF-16.
                message = _("starts like {label} but is not valid {encoding}")
                raise Unreadable(message.format(label=_(label), encoding=encoding)) from None
    head = data[:200]
    if len(head) >= 8 and 0 in (max(head[0::2]), max(head[1::2])):  # every other byte is zero
        raise Unreadable(_("looks like UTF-16 without a byte order mark: save it as UTF-8"))
    try:
        return _text(data.decode("utf-8")), None
    except UnicodeDecodeError as exc:
        if b"\x00" in data[:4096]:
            raise Unreadable(_(_BINARY_FILE)) from None
        raise Unreadable(
            # TRANSLATORS: {byte} is the first byte that is not UTF-8, in hexadecimal (0xe9).
            _(
                "byte {byte} is not UTF-8; save the file as UTF-8 (UTF-16 works too with a byte order mark)"
            ).format(byte=f"0x{data[exc.start]:02x}"),
            data.count(b"\n", 0, exc.start) + 1,
        ) from None


def _text(text: str) -> str:
    if _BINARY.search(text[:65536]):
        raise Unreadable(_(_BINARY_FILE))
    return text.replace("\r\n", "\n").replace("\r", "\n")


# ---- ids and defaults ----------------------------------------------------------------------------

_ID_CHARS = re.compile(r"[^a-z0-9_.-]+")
_QUIZBOT_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,47}$")


def slug(text: str, limit: int = 30) -> str:
    out = _ID_CHARS.sub("-", text.lower()).strip("-._")
    return out[:limit].rstrip("-._")


def lesson_id_for(name: str) -> str:
    stem = slug(PurePath(name).stem.replace(" ", "-"), 30)
    return stem or "imported"


def title_for(name: str) -> str:
    stem = PurePath(name).stem.replace("_", " ").replace("-", " ").strip()
    return stem[:1].upper() + stem[1:] if stem else "Imported questions"


def stable_index(text: str, modulo: int) -> int:
    """A position that depends only on `text` (the right answer's slot, drawn distractors)."""
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big") % modulo


def one_line(text: str) -> str:
    return " ".join(text.split())


# ---- HTML to text --------------------------------------------------------------------------------


class _HtmlText(HTMLParser):
    """Moodle's HTML as plain text with light markdown; the first <pre> becomes the question's code."""

    _BLOCK = frozenset({"p", "div", "ul", "ol", "table", "tr", "h1", "h2", "h3", "h4", "h5", "h6"})
    _DROP = frozenset({"script", "style", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.items: list[str] = []
        self.code: str | None = None
        self.images = 0
        self._pre: list[str] | None = None
        self._drop = 0
        self._item: list[str] | None = None

    def _out(self, text: str) -> None:
        if self._item is not None:
            self._item.append(text)
        self.parts.append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._DROP:
            self._drop += 1
        elif tag == "pre":
            self._pre = []
        elif self._pre is not None:
            return
        elif tag == "br":
            self._out("\n")
        elif tag in self._BLOCK:
            self._out("\n\n")
        elif tag == "li":
            self._out("\n- ")
            self._item = []
        elif tag in ("b", "strong"):
            self._out("**")
        elif tag in ("i", "em"):
            self._out("*")
        elif tag in ("code", "tt", "kbd"):
            self._out("`")
        elif tag == "img":
            self.images += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self._DROP:
            self._drop = max(0, self._drop - 1)
        elif tag == "pre" and self._pre is not None:
            block = "".join(self._pre).strip("\n")
            if self.code is None:
                self.code = block
            else:  # a second block stays in the text, indented
                self._out("\n\n" + "\n".join("    " + line for line in block.splitlines()) + "\n\n")
            self._pre = None
        elif self._pre is not None:
            return
        elif tag in self._BLOCK:
            self._out("\n\n")
        elif tag == "li" and self._item is not None:
            self.items.append(one_line("".join(self._item)))
            self._item = None
        elif tag in ("b", "strong"):
            self._out("**")
        elif tag in ("i", "em"):
            self._out("*")
        elif tag in ("code", "tt", "kbd"):
            self._out("`")

    def handle_data(self, data: str) -> None:
        if self._drop:
            return
        if self._pre is not None:
            self._pre.append(data)
            return
        # Source line breaks and runs of spaces mean nothing in HTML; tags above make the real breaks.
        self._out(re.sub(r"[ \t\n]+", " ", data))


@dataclass
class HtmlText:
    text: str
    code: str | None
    items: list[str]
    images: int


def html_to_text(source: str) -> HtmlText:
    parser = _HtmlText()
    parser.feed(source)
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return HtmlText(text, parser.code, parser.items, parser.images)


def text_to_html(text: str) -> str:
    """The inverse of html_to_text for quizbot's plain text: escaped, line breaks kept."""
    return "<p>" + html.escape(text, quote=False).replace("\n", "<br>") + "</p>"


def code_to_html(code: str) -> str:
    return '<pre><code class="language-python">' + html.escape(code, quote=False) + "</code></pre>"


def steps_to_html(steps: list[str]) -> str:
    return "<ol>" + "".join(f"<li>{html.escape(step, quote=False)}</li>" for step in steps) + "</ol>"


def steps_from(feedback: HtmlText) -> list[str]:
    if feedback.items:
        return [item for item in feedback.items if item]
    return [part.strip() for part in feedback.text.split("\n") if part.strip()]


# ---- drafts to a checked pack --------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Code and other multi-line text as `|` blocks, readable and diff-friendly.
    # Not with tabs: the loader refuses a tab in indentation, and a block's lines are indentation.
    if "\n" in value and "\t" not in value and not any(line != line.rstrip() for line in value.splitlines()):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str)


def dump_pack(pack: dict[str, Any], assumptions: list[str], header: str) -> str:
    body = yaml.dump(pack, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    comments = [f"# {header}"] + [f"# Assumed: {one_line(text)}" for text in assumptions]
    return "\n".join(comments) + "\n" + body


def _question_dict(draft: Draft, qid: str) -> dict[str, Any]:
    letters = [_letter(i) for i in draft.answer]
    out: dict[str, Any] = {
        "id": qid,
        "kind": draft.kind,
        "difficulty": draft.difficulty or DEFAULT_DIFFICULTY,
    }
    out["prompt"] = draft.prompt
    if draft.code is not None:
        out["code"] = draft.code
    out["options"] = list(draft.options)
    out["answer"] = letters[0] if draft.kind == "multiple_choice" and len(letters) == 1 else letters
    out["hint"] = draft.hint or DEFAULT_HINT
    if draft.mistakes:
        out["mistakes"] = [
            {"text": text, "option": _letter(index)} for index, text in sorted(draft.mistakes.items())
        ]
    out["solution"] = draft.solution or [_named_answer(draft)]
    if not draft.shuffle:
        out["shuffle"] = "false"
    return out


def _letter(index: int) -> str:
    # Past Z the loader reports "too many options"; the number keeps that message readable.
    return LETTERS[index] if 0 <= index < len(LETTERS) else str(index + 1)


def _named_answer(draft: Draft) -> str:
    # By its text: letters change from one showing to the next when options are shuffled.
    picked = [draft.options[i] for i in draft.answer if 0 <= i < len(draft.options)]
    return "The right answer is: " + "; ".join(picked) + "." if picked else "See the right answer."


def build(
    reader: Reader,
    drafts: list[Draft],
    *,
    title: str | None = None,
    topic: str | None = None,
    source: str | None = None,
    format_label: str,
) -> Conversion:
    """Check each draft as a quizbot question (problems at its source line) and write the pack."""
    lesson_id = lesson_id_for(reader.name)
    too_many = too_many_questions(len(drafts), reader.limits.max_questions)
    if too_many:
        return reader.whole(too_many)
    if not drafts and not reader.problems:
        # TRANSLATORS: {format} is a file format's name, e.g. GIFT, Moodle XML or Kahoot sheet.
        message = _("no question quizbot can use was found in this {format} file").format(format=format_label)
        reader.problem(1, FILE_FIELD, message)
    if drafts:
        if title is None:
            # TRANSLATORS: {id} is the lesson id made from the file's name, quoted ('ml-basics');
            # {title} is the title made from it, quoted ('Ml basics').
            named = _("Lesson id {id} comes from the file name, and so do its title and topic ({title})")
        else:
            # TRANSLATORS: {id} is the lesson id made from the file's name, quoted ('ml-basics').
            named = _("Lesson id {id} comes from the file name")
        reader.assume(named.format(id=repr(lesson_id), title=repr(title_for(reader.name))))
        _defaults_assumed(reader, drafts, format_label)
        _keep_order_where_needed(reader, drafts)
    used: set[str] = set()
    questions = [
        _question_dict(draft, _question_id(draft, lesson_id, number, used))
        for number, draft in enumerate(drafts, start=1)
    ]
    pack = {
        "id": lesson_id,
        "title": title or title_for(reader.name),
        "topic": topic or title or title_for(reader.name),
        "source": source or f"imported from {PurePath(reader.name).name} ({format_label})",
        "questions": questions,
    }
    if reader.problems:
        return Conversion(reader.format, None, reader.assumptions, reader.problems, len(questions))
    text = dump_pack(
        pack, reader.assumptions, f"Converted by quizbot from {PurePath(reader.name).name} ({format_label})."
    )
    try:  # the pack exactly as the loader will read it; problems point back at the source file
        lesson = load_lesson_text(text, reader.name)
    except LessonError as exc:
        for problem in exc.problems:
            _report_at_source(reader, drafts, problem)
        return Conversion(reader.format, None, reader.assumptions, reader.problems, len(questions))
    return Conversion(reader.format, text, reader.assumptions, [], len(questions), lesson)


_QUESTION_FIELD = re.compile(r"^questions\[([0-9]+)\]\.?(.*)$")


def _report_at_source(reader: Reader, drafts: list[Draft], problem: Problem) -> None:
    """questions[3].options[1] of the generated pack -> the 4th question's line in the uploaded file."""
    found = _QUESTION_FIELD.match(problem.field)
    if found is None or int(found.group(1)) >= len(drafts):
        reader.problem(1, problem.field, problem.message)
        return
    index = int(found.group(1))
    rest = re.sub(r"^options\[([0-9]+)\]", lambda m: f"option {_letter(int(m.group(1)))}", found.group(2))
    where = f"question {index + 1} {rest}".strip()
    reader.problem(drafts[index].line, where, problem.message)


def _question_id(draft: Draft, lesson_id: str, number: int, used: set[str]) -> str:
    if draft.qid and _QUIZBOT_ID.match(draft.qid) and draft.qid not in used:
        qid = draft.qid
    else:
        tail = slug(draft.title, 40 - len(lesson_id)) if draft.title else ""
        qid = f"{lesson_id}.{tail or f'q{number}'}"[:48].rstrip("-._")
        suffix = 1
        while qid in used or not _QUIZBOT_ID.match(qid):  # two questions with one title
            suffix += 1
            qid = f"{lesson_id}.q{number}" + (f"-{suffix}" if suffix > 2 else "")
    used.add(qid)
    return qid


def _defaults_assumed(reader: Reader, drafts: list[Draft], label: str) -> None:
    total = len(drafts)

    def missing(count: int, every: str, some: str) -> None:
        # `every` when no question has it, `some` (its plural by the total) when some lack it.
        if count == total:
            reader.assume(every.format(format=label, difficulty=DEFAULT_DIFFICULTY))
        elif count:
            reader.assume(some.format(count=count, total=total, difficulty=DEFAULT_DIFFICULTY))

    missing(
        sum(d.difficulty is None for d in drafts),
        # TRANSLATORS: {format} is a file format's name (GIFT, Aiken...); {difficulty} is the value
        # written in the pack, e.g. medium (a YAML value: keep it as it is).
        _("{format} has no difficulty: set to {difficulty}"),
        # TRANSLATORS: {count} of {total} questions; {difficulty} is the value written in the pack,
        # e.g. medium (a YAML value: keep it as it is).
        ngettext(
            "{count} of {total} question had no difficulty: set to {difficulty}",
            "{count} of {total} questions had no difficulty: set to {difficulty}",
            total,
        ),
    )
    missing(
        sum(d.hint is None for d in drafts),
        # TRANSLATORS: {format} is a file format's name (GIFT, Aiken...).
        _("{format} has no hints: each hint asks to reread the question and rule options out"),
        ngettext(
            "{count} of {total} question had no hints: each hint asks to reread the question and rule options out",
            "{count} of {total} questions had no hints: each hint asks to reread the question and rule options out",
            total,
        ),
    )
    missing(
        sum(not d.solution for d in drafts),
        # TRANSLATORS: {format} is a file format's name (GIFT, Aiken...).
        _("{format} has no worked solution: the solution names the right answer"),
        ngettext(
            "{count} of {total} question had no worked solution: the solution names the right answer",
            "{count} of {total} questions had no worked solution: the solution names the right answer",
            total,
        ),
    )
    if any(not (d.qid and _QUIZBOT_ID.match(d.qid)) for d in drafts):
        reader.assume(_("Question ids were made from the file name and each question's title or number"))


def _keep_order_where_needed(reader: Reader, drafts: list[Draft]) -> None:
    """Options that only make sense in the file's order ("all of the above", "option B is wrong
    because...") keep it: `shuffle: false`, as the checker asks, rather than a problem to fix.
    The patterns are the checker's own (content.models), so the two never disagree."""
    for number, draft in enumerate(drafts, start=1):
        texts = [draft.prompt, draft.hint or "", *draft.solution, *draft.mistakes.values()]
        bound = any(POSITIONAL_OPTION.search(option) for option in draft.options)
        by_letter = any(option_named_by_letter(text, len(draft.options)) for text in texts)
        if draft.shuffle and (bound or by_letter):
            draft.shuffle = False
            if bound:
                # TRANSLATORS: {number} counts the file's questions from 1.
                kept = _(
                    "Question {number} (line {line}) keeps its options in order: an option depends on the others' order"
                )
            else:
                # TRANSLATORS: {number} counts the file's questions from 1.
                kept = _(
                    "Question {number} (line {line}) keeps its options in order: its text names an option by letter"
                )
            reader.assume(kept.format(number=number, line=draft.line))


def check_difficulty(value: str | None) -> str | None:
    value = (value or "").strip().lower()
    return value if value in DIFFICULTIES else None


def export_notes(lesson: Any, label: str, *, fill_blanks_mistakes: bool) -> list[str]:
    """What an export to `label` cannot carry, said once per kind of loss."""
    notes = []
    untied = sum(1 for q in lesson.questions for m in q.mistakes if m.option is None)
    # The English reads "(s)" in both forms (as it always has); a translation gives each its own.
    if untied:
        # TRANSLATORS: {format} is the export format's name (GIFT, Moodle XML); a mistake is a
        # question's explanation of a wrong answer.
        note = ngettext(
            "{count} mistake(s) tied to no option left out: {format} keeps feedback per option",
            "{count} mistake(s) tied to no option left out: {format} keeps feedback per option",
            untied,
        )
        notes.append(note.format(count=untied, format=label))
    if fill_blanks_mistakes:
        count = sum(1 for q in lesson.questions if q.kind == "fill_blanks" for m in q.mistakes if m.option)
        if count:
            # TRANSLATORS: fill_blanks is a question kind's name in the YAML file (keep it as it is).
            note = ngettext(
                "{count} fill_blanks mistake(s) left out: Moodle's gap questions have no feedback per choice",
                "{count} fill_blanks mistake(s) left out: Moodle's gap questions have no feedback per choice",
                count,
            )
            notes.append(note.format(count=count))
    demos = sum(1 for q in lesson.questions if q.demo is not None)
    if demos:
        # TRANSLATORS: {format} is the export format's name (GIFT, Moodle XML); a demo is code a
        # question runs to show its output.
        note = ngettext(
            "{count} demo(s) and their output checks left out: {format} cannot run code",
            "{count} demo(s) and their output checks left out: {format} cannot run code",
            demos,
        )
        notes.append(note.format(count=demos, format=label))
    translated = sum(1 for q in lesson.questions if q.translations)
    if translated:
        # TRANSLATORS: {format} is the export format's name (GIFT, Moodle XML); yaml is an export
        # format's name (keep it as it is).
        note = ngettext(
            "{count} question(s)' translations left out: {format} holds one language; export as yaml to keep them",
            "{count} question(s)' translations left out: {format} holds one language; export as yaml to keep them",
            translated,
        )
        notes.append(note.format(count=translated, format=label))
    return notes
