"""Load and check lesson packs: each problem is one `FILE:LINE: field: message` line, never a traceback."""

from __future__ import annotations

import difflib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from bot.i18n import _, ngettext
from content._yaml import Loc, ParsedYaml, parse_yaml
from content.models import DemoProblem, Lesson, Mistake, OutputCheck, Question, _dotted

log = logging.getLogger(__name__)

DEFAULT_LESSONS_DIR: Path = Path(__file__).resolve().parent / "lessons"
PACK_SUFFIXES = (".yaml", ".yml")
FILE_FIELD = "(file)"
# The bundled packs are a few KiB each; past this, checking costs seconds and hundreds of MB.
MAX_PACK_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class LessonError(Exception):
    """One or more lesson packs are invalid; `problems` lists every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Library:
    lessons: dict[str, Lesson]
    questions: dict[str, Question]
    skipped: list[Problem] = field(default_factory=list)

    def question(self, qid: str) -> Question | None:
        return self.questions.get(qid)

    def lesson(self, lid: str) -> Lesson | None:
        return self.lessons.get(lid)


@dataclass
class _Loaded:
    file: str
    lesson: Lesson | None
    problems: list[Problem]
    parsed: ParsedYaml | None


# ---- pydantic errors -> problems --------------------------------------------------------------


# Which model describes the mapping at a given path (to suggest the right key for a typo).
def _model_at(loc: Loc) -> type[BaseModel] | None:
    model: type[BaseModel] = Lesson
    nested: dict[tuple[type[BaseModel], str], type[BaseModel]] = {
        (Lesson, "questions"): Question,
        (Question, "mistakes"): Mistake,
        (Question, "output_check"): OutputCheck,
    }
    for part in loc:
        if isinstance(part, int):
            continue
        child = nested.get((model, part))
        if child is None:
            return None
        model = child
    return model


def _kind_of(value: Any) -> str:
    """What the file has instead, as the end of "must be a list ..., got {kind}"."""
    if value is None:
        # TRANSLATORS: what a file has where a value was wanted: "must be text, got nothing".
        return _("nothing")
    if isinstance(value, list):
        # TRANSLATORS: what a file has where a value was wanted: "must be text, got a list".
        return _("a list")
    if isinstance(value, dict):
        # TRANSLATORS: what a file has where a value was wanted: "must be text, got a mapping".
        return _("a mapping")
    if len(str(value)) <= 40:
        # TRANSLATORS: what a file has where a value was wanted: "must be a list, got text 'yes'";
        # {value} is the text, quoted.
        return _("text {value}").format(value=repr(value))
    # TRANSLATORS: what a file has where a value was wanted: "must be a list, got text" (a long text).
    return _("text")


def _message(error: Any) -> str:
    kind = error["type"]
    loc: Loc = tuple(error["loc"])
    value = error.get("input")
    if kind == "extra_forbidden":
        key = str(loc[-1])
        model = _model_at(loc[:-1])
        known = list(model.model_fields) if model is not None else []
        close = difflib.get_close_matches(key, known, n=1)
        if close:
            # TRANSLATORS: {key} is a YAML key the file has, quoted, e.g. 'optoins'; {suggestion} the
            # key it is probably a typo of, e.g. 'options'. Keys stay as they are (the file format).
            return _("unknown key {key} (did you mean {suggestion}?)").format(
                key=repr(key), suggestion=repr(close[0])
            )
        if known:
            # TRANSLATORS: {key} is a YAML key the file has, quoted; {known} lists the keys allowed there.
            return _("unknown key {key} (known keys: {known})").format(key=repr(key), known=", ".join(known))
        # TRANSLATORS: {key} is a YAML key the file has, quoted.
        return _("unknown key {key}").format(key=repr(key))
    if kind == "missing":
        if not loc:
            # TRANSLATORS: a required value is missing (the field is named before this message).
            return _("missing")
        # TRANSLATORS: {key} is the YAML key the file lacks, quoted, e.g. 'answer'; it stays as it is.
        return _("missing required key {key}").format(key=repr(loc[-1]))
    if kind == "string_type":
        if value is None:
            # TRANSLATORS: a text field has nothing after its colon.
            return _("is empty: write the text (quote it if it starts with a special character)")
        # TRANSLATORS: {kind} is what the file has instead: "nothing", "a list", "text 'yes'"...
        return _("must be text, got {kind}").format(kind=_kind_of(value))
    if kind == "list_type":
        # TRANSLATORS: {kind} is what the file has instead: "nothing", "a mapping", "text 'yes'"...;
        # `- item` is the file format and stays as it is.
        return _("must be a list (one `- item` per line), got {kind}").format(kind=_kind_of(value))
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        # TRANSLATORS: {kind} is what the file has instead: "nothing", "a list", "text 'yes'"...;
        # `key: value` is the file format and stays as it is.
        return _("must be a mapping of `key: value` lines, got {kind}").format(kind=_kind_of(value))
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        # TRANSLATORS: {value} is the value the file has, quoted; {expected} lists the allowed values
        # (in English: "'easy', 'medium' or 'hard'").
        return _("{value} is not allowed; use one of {expected}").format(value=repr(value), expected=expected)
    if kind == "too_short" and isinstance(value, list):
        return _("must not be empty")
    if kind == "string_too_long":
        limit = error.get("ctx", {}).get("max_length")
        # TRANSLATORS: {limit} is the most characters the field may have.
        return ngettext(
            "is {count} character; at most {limit} allowed",
            "is {count} characters; at most {limit} allowed",
            len(value),
        ).format(count=len(value), limit=limit)
    msg = str(error["msg"])  # pydantic's own (English) message, for any error not told apart above
    return msg.removeprefix("Value error, ")


def _typo_covers(error: Any, unknown: dict[Loc, list[str]]) -> bool:
    """A missing key that an unknown sibling key is a typo of: the typo's message already says it."""
    if error["type"] != "missing" or not error["loc"]:
        return False
    *parent, name = error["loc"]
    siblings = unknown.get(tuple(parent), [])
    return any(difflib.get_close_matches(key, [str(name)], n=1) for key in siblings)


def _problems_from(exc: ValidationError, file: str, parsed: ParsedYaml) -> list[Problem]:
    problems = []
    errors = exc.errors()
    unknown: dict[Loc, list[str]] = {}
    for error in errors:
        if error["type"] == "extra_forbidden":
            unknown.setdefault(tuple(error["loc"][:-1]), []).append(str(error["loc"][-1]))
    for error in errors:
        loc: Loc = tuple(error["loc"])
        if _typo_covers(error, unknown):
            continue
        if error["type"] == "lesson_rule":
            for subloc, message in error["ctx"]["items"]:
                full = (*loc, *subloc)
                problems.append(Problem(file, parsed.line_of(full), _dotted(full), message))
            continue
        problems.append(Problem(file, parsed.line_of(loc), _dotted(loc), _message(error)))
    # Point a demo's syntax error at the file line inside the block.
    fixed = []
    for problem in problems:
        fixed.append(_demo_line(problem, parsed))
    return sorted(fixed, key=lambda p: p.line)


def _demo_line(problem: Problem, parsed: ParsedYaml) -> Problem:
    message = problem.message
    if not isinstance(message, DemoProblem) or message.demo_line is None:
        return problem
    for loc, start in parsed.text_starts.items():
        if _dotted(loc) == problem.field:
            return Problem(problem.file, start + message.demo_line - 1, problem.field, str(message))
    return problem


# ---- reading files ----------------------------------------------------------------------------


def _load_file(path: Path, file: str) -> _Loaded:
    def whole(line: int, message: str) -> _Loaded:
        return _Loaded(file, None, [Problem(file, line, FILE_FIELD, message)], None)

    try:
        size = path.stat().st_size
        if size > MAX_PACK_BYTES:
            return whole(1, _too_big(size))
        raw = path.read_bytes()
    except OSError as exc:
        # TRANSLATORS: {error} is the system's own message, in English, e.g. "Permission denied".
        return whole(1, _("cannot read: {error}").format(error=exc.strerror or exc))
    if len(raw) > MAX_PACK_BYTES:  # it grew between stat() and reading
        return whole(1, _too_big(len(raw)))
    return _load_bytes(raw, path, file)


def _too_big(size: int) -> str:
    # TRANSLATORS: {size} is the file's size and {limit} the most a lesson pack may have, in KiB.
    return _("is {size} KiB; a lesson pack may be at most {limit} KiB: split it into several packs").format(
        size=-(-size // 1024), limit=MAX_PACK_BYTES // 1024
    )


def _load_bytes(raw: bytes, path: Path, file: str) -> _Loaded:
    def whole(line: int, message: str) -> _Loaded:
        return _Loaded(file, None, [Problem(file, line, FILE_FIELD, message)], None)

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        # TRANSLATORS: {byte} is the first byte that is not UTF-8, in hexadecimal, e.g. "0xff".
        message = _("is not UTF-8 (byte {byte}); save the file as UTF-8").format(
            byte=f"0x{raw[exc.start]:02x}"
        )
        return whole(line, message)
    parsed, issues = parse_yaml(text)
    problems = [
        Problem(file, issue.line, _dotted(issue.loc) if issue.loc is not None else FILE_FIELD, issue.message)
        for issue in issues
    ]
    if parsed is None:
        return _Loaded(file, None, problems, None)
    if not isinstance(parsed.data, dict):
        # TRANSLATORS: what a file has at its top level instead of a mapping: "..., found a list".
        what = _("a list")
        if not isinstance(parsed.data, list):
            # TRANSLATORS: what a file has at its top level instead of a mapping: "..., found a single value".
            what = _("a single value")
        # TRANSLATORS: {found} is "a list" or "a single value"; id, title and questions are YAML keys
        # (the file format): they stay as they are.
        message = _(
            "the top level must be a mapping (id: ..., title: ..., questions: ...), found {found}"
        ).format(found=what)
        problems.append(Problem(file, parsed.line_of(()), FILE_FIELD, message))
        return _Loaded(file, None, problems, parsed)
    try:
        lesson = Lesson.model_validate(parsed.data, context={"path": path})
    except ValidationError as exc:
        problems.extend(_problems_from(exc, file, parsed))
        return _Loaded(file, None, sorted(problems, key=lambda p: p.line), parsed)
    if problems:  # duplicate keys: the data was read, but not as written
        return _Loaded(file, None, sorted(problems, key=lambda p: p.line), parsed)
    return _Loaded(file, lesson, [], parsed)


def _expand(paths: Path | str | Iterable[Path | str]) -> tuple[list[tuple[Path, str]], list[Problem]]:
    if isinstance(paths, (str, Path)):
        paths = [paths]
    files: list[tuple[Path, str]] = []
    problems: list[Problem] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix in PACK_SUFFIXES and p.is_file())
            files.extend((p, str(p)) for p in found)
        elif path.is_file():
            files.append((path, str(path)))
        else:
            problems.append(Problem(str(path), 1, FILE_FIELD, _("no such file or directory")))
    return files, problems


def _load_all(paths: Path | str | Iterable[Path | str]) -> tuple[list[_Loaded], list[Problem]]:
    """Read every pack, then flag ids already used by an earlier pack (the first one keeps it)."""
    files, missing = _expand(paths)
    loaded = [_load_file(path, file) for path, file in files]
    lesson_at: dict[str, tuple[str, int]] = {}
    question_at: dict[str, tuple[str, int]] = {}
    for item in loaded:
        if item.lesson is None or item.parsed is None:
            continue
        lesson, parsed = item.lesson, item.parsed
        clashes = []
        if lesson.id in lesson_at:
            other_file, other_line = lesson_at[lesson.id]
            clashes.append(
                Problem(
                    item.file,
                    parsed.line_of(("id",)),
                    "id",
                    # TRANSLATORS: {id} is a lesson id, quoted; {other} the file and line that has it
                    # first, e.g. "basics.yaml:1".
                    _("lesson id {id} is already used by {other}").format(
                        id=repr(lesson.id), other=f"{other_file}:{other_line}"
                    ),
                )
            )
        for index, question in enumerate(lesson.questions):
            if question.id in question_at:
                other_file, other_line = question_at[question.id]
                loc: Loc = ("questions", index, "id")
                clashes.append(
                    Problem(
                        item.file,
                        parsed.line_of(loc),
                        _dotted(loc),
                        # TRANSLATORS: {id} is a question id, quoted; {other} the file and line that has
                        # it first, e.g. "basics.yaml:12".
                        _("question id {id} is already used by {other}").format(
                            id=repr(question.id), other=f"{other_file}:{other_line}"
                        ),
                    )
                )
        if clashes:
            item.problems.extend(clashes)
            item.lesson = None
            continue
        lesson_at[lesson.id] = (item.file, parsed.line_of(("id",)))
        for index, question in enumerate(lesson.questions):
            question_at[question.id] = (item.file, parsed.line_of(("questions", index, "id")))
    return loaded, missing


# ---- public API -------------------------------------------------------------------------------


def check_paths(paths: Iterable[Path | str]) -> list[Problem]:
    """Every problem in every pack under `paths` (files or directories); an empty list means all valid."""
    return check_report(paths)[0]


def check_report(paths: Iterable[Path | str]) -> tuple[list[Problem], int, int]:
    """`check_paths`, and how many lessons and questions the packs that passed hold."""
    loaded, missing = _load_all(paths)
    problems = missing + [problem for item in loaded for problem in item.problems]
    good = [item.lesson for item in loaded if item.lesson is not None and not item.problems]
    return problems, len(good), sum(len(lesson.questions) for lesson in good)


def load_library(
    paths: Path | str | Iterable[Path | str] = DEFAULT_LESSONS_DIR, *, skip_bad: bool = False
) -> Library:
    """Load every pack under `paths`. A pack with any problem is never half-loaded: it raises
    `LessonError` listing every problem, or with `skip_bad` is left out whole (logged, and kept in
    `Library.skipped`)."""
    loaded, missing = _load_all(paths)
    problems = missing + [problem for item in loaded for problem in item.problems]
    if problems and not skip_bad:
        raise LessonError(problems)
    for path_problem in missing:
        log.warning("skipping lessons at %s: %s", path_problem.file, path_problem.message)
    lessons: dict[str, Lesson] = {}
    questions: dict[str, Question] = {}
    for item in loaded:
        if item.lesson is None:
            log.warning(
                "skipping lesson pack %s: %d problem(s), first: %s",
                item.file,
                len(item.problems),
                item.problems[0],
            )
            continue
        lessons[item.lesson.id] = item.lesson
        for question in item.lesson.questions:
            questions[question.id] = question
    return Library(lessons=lessons, questions=questions, skipped=problems)


def load_lesson_text(text: str, file: str = "<text>") -> Lesson:
    """Validate one pack given as YAML text (handy in tests and tools); raises `LessonError`."""
    item = _load_bytes(text.encode("utf-8"), Path(file), file)
    if item.lesson is None:
        raise LessonError(item.problems)
    return item.lesson


def question_rows(library: Library) -> list[dict[str, Any]]:
    """One row per question for `content list --json`: the right answers as option texts."""
    return [
        {
            "id": question.id,
            "lesson": lesson.id,
            "kind": question.kind,
            "difficulty": question.difficulty,
            "prompt": question.prompt,
            "options": list(question.options),
            "answer": list(question.answer_texts),
            "has_demo": question.has_demo,
        }
        for lesson in library.lessons.values()
        for question in lesson.questions
    ]


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a lesson pack file, for editors (e.g. the YAML extension's `yaml.schemas`)."""
    schema = Lesson.model_json_schema()
    schema_id = "https://json-schema.org/draft/2020-12/schema"
    return {**schema, "$schema": schema_id, "title": "quizbot lesson pack"}
