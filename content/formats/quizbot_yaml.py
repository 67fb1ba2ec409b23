"""quizbot's own lesson pack YAML: passed through the loader's checks unchanged."""

from __future__ import annotations

import re

from content.formats._common import Conversion, Reader, too_many_questions
from content.loader import LessonError, load_lesson_text
from content.models import Lesson

NAME = "yaml"
LABEL = "quizbot YAML"


def looks_like(text: str) -> bool:
    return bool(re.search(r"^questions\s*:", text, re.MULTILINE))


def convert(name: str, text: str, reader: Reader) -> Conversion:
    try:
        lesson = load_lesson_text(text, name)
    except LessonError as exc:
        return Conversion(NAME, None, reader.assumptions, exc.problems)
    too_many = too_many_questions(len(lesson.questions), reader.limits.max_questions)
    if too_many:
        return reader.whole(too_many)
    return Conversion(NAME, text, reader.assumptions, [], len(lesson.questions), lesson)


def export(lesson: Lesson) -> tuple[str, list[str]]:
    """The pack exactly as written (comments and all) when it came from a file."""
    try:
        return lesson.path.read_text(encoding="utf-8-sig"), []
    except (OSError, AttributeError):
        from content.formats._common import dump_pack

        data = lesson.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
        return dump_pack(data, [], f"Lesson {lesson.id}, written by quizbot."), []
