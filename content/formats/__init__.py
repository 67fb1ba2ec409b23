"""Lessons in other formats: importers into quizbot's YAML and exporters out of it.

Pure functions, no Discord and no files: `convert(name, data)` takes an upload's name and bytes and
returns a `Conversion` (the pack's YAML with a comment per assumption, the assumptions, and every
problem as a loader `Problem`, FILE:LINE: field: problem). `detect_format` tells the format from the
name and the content. `export(lesson, format)` writes a loaded lesson out as GIFT, Moodle XML or YAML.
"""

from content.formats._common import MAX_QUESTIONS, Conversion, ImportLimits, too_big
from content.formats.registry import EXPORT_FORMATS, FORMATS, convert, detect_format, export
from content.loader import MAX_PACK_BYTES as MAX_IMPORT_BYTES

__all__ = [
    "EXPORT_FORMATS",
    "FORMATS",
    "MAX_IMPORT_BYTES",
    "MAX_QUESTIONS",
    "Conversion",
    "ImportLimits",
    "convert",
    "detect_format",
    "export",
    "too_big",
]
