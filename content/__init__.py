"""Lesson packs: the YAML format, its validation and loading. Pure data: no discord, no storage."""

from content.loader import (
    DEFAULT_LESSONS_DIR,
    LessonError,
    Library,
    Problem,
    check_paths,
    json_schema,
    load_lesson_text,
    load_library,
    question_rows,
)
from content.models import (
    EMBED_DESCRIPTION_CHARS,
    EMBED_TOTAL_CHARS,
    MAX_BLANKS,
    MAX_OPTION_CHARS,
    MAX_OPTIONS,
    Lesson,
    Mistake,
    OutputCheck,
    Question,
    card_description,
)

__all__ = [
    "DEFAULT_LESSONS_DIR",
    "EMBED_DESCRIPTION_CHARS",
    "EMBED_TOTAL_CHARS",
    "MAX_BLANKS",
    "MAX_OPTIONS",
    "MAX_OPTION_CHARS",
    "Lesson",
    "LessonError",
    "Library",
    "Mistake",
    "OutputCheck",
    "Problem",
    "Question",
    "card_description",
    "check_paths",
    "json_schema",
    "load_lesson_text",
    "load_library",
    "question_rows",
]
