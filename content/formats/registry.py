"""Which formats exist, how one is recognised, and the one entry point for converting and exporting."""

from __future__ import annotations

import logging
from pathlib import PurePath
from types import ModuleType

from bot.i18n import _
from content.formats import aiken, gift, kahoot_csv, moodle_xml, opentdb_json, quizbot_yaml, red_trivia
from content.formats._common import Conversion, ImportLimits, Reader, Unreadable, decode, too_big
from content.models import Lesson

log = logging.getLogger(__name__)

_MODULES: tuple[ModuleType, ...] = (
    quizbot_yaml,
    gift,
    moodle_xml,
    aiken,
    kahoot_csv,
    red_trivia,
    opentdb_json,
)
FORMATS: dict[str, str] = {module.NAME: module.LABEL for module in _MODULES}
EXPORT_FORMATS = ("gift", "moodle-xml", "yaml")
_BY_NAME = {module.NAME: module for module in _MODULES}
# What a file name suggests: the formats to tell apart by content, and the one to read if none matches
# (a quizbot pack with a typo should get the loader's "did you mean", not Red trivia's complaints).
_SUFFIXES: dict[str, tuple[tuple[ModuleType, ...], ModuleType | None]] = {
    ".gift": ((gift,), gift),
    ".xml": ((moodle_xml,), moodle_xml),
    ".csv": ((kahoot_csv,), kahoot_csv),
    ".tsv": ((kahoot_csv,), kahoot_csv),
    ".json": ((opentdb_json,), opentdb_json),
    ".yaml": ((quizbot_yaml, red_trivia), quizbot_yaml),
    ".yml": ((quizbot_yaml, red_trivia), quizbot_yaml),
    ".txt": ((gift, aiken), None),
}
_SNIFF_ORDER = (moodle_xml, opentdb_json, quizbot_yaml, gift, aiken, kahoot_csv, red_trivia)


def _detect_text(name: str, text: str) -> str | None:
    candidates, fallback = _SUFFIXES.get(PurePath(name).suffix.lower(), ((), None))
    for module in candidates:
        if module.looks_like(text):
            return str(module.NAME)
    if fallback is not None:
        return str(fallback.NAME)
    for module in _SNIFF_ORDER:
        if module.looks_like(text):
            return str(module.NAME)
    return None


def detect_format(name: str, data: bytes) -> str | None:
    """The format of an upload from its name and content, or None when it cannot tell."""
    try:
        text, _how = decode(data)
    except Unreadable:
        return None
    return _detect_text(name, text)


def convert(
    name: str, data: bytes, format: str | None = None, limits: ImportLimits | None = None
) -> Conversion:
    """Convert an upload (its file name and bytes) into a checked quizbot pack; never raises on bad input."""
    reader = Reader(name, format or "unknown", limits)
    if format is not None and format not in _BY_NAME:
        # TRANSLATORS: {format} is the format asked for, quoted; {formats} lists the format names to
        # use (gift, moodle-xml...: keep them as they are).
        message = _("unknown format {format}; use one of {formats}")
        return reader.whole(message.format(format=repr(format), formats=", ".join(FORMATS)))
    oversize = too_big(len(data), reader.limits.max_bytes)
    if oversize:
        return reader.whole(oversize)
    try:
        text, how = decode(data)
    except Unreadable as exc:
        return reader.whole(exc.message, exc.line)
    if not text.strip():
        return reader.whole(_("the file is empty"))
    chosen = format or _detect_text(name, text)
    if chosen is None:
        # TRANSLATORS: {formats} lists the format names to choose from (gift, moodle-xml...: keep them).
        message = _("cannot tell which format this is: name it, one of {formats}")
        return reader.whole(message.format(formats=", ".join(FORMATS)))
    reader.format = chosen
    if how:
        # TRANSLATORS: {encoding} is how the file was read, e.g. "UTF-8 with a byte order mark".
        reader.assume(_("The file was read as {encoding}").format(encoding=_(how)))
    try:
        return _BY_NAME[chosen].convert(name, text, reader)  # type: ignore[no-any-return]
    except RecursionError:
        return reader.whole(_("nests too deeply to read"))
    except Exception:  # a bug of ours must not reach a moderator as a traceback; the log keeps it
        log.exception("importing %s as %s failed", name, chosen)
        # TRANSLATORS: {format} is a file format's name, e.g. GIFT, Moodle XML or Kahoot sheet.
        message = _("could not be converted from {format} (a quizbot bug, logged)")
        return reader.whole(message.format(format=FORMATS[chosen]))


def export(lesson: Lesson, format: str) -> tuple[str, list[str]]:
    """A loaded lesson in `format` (one of EXPORT_FORMATS), and notes on anything it could not carry."""
    if format not in EXPORT_FORMATS:
        raise ValueError(f"cannot export to {format!r}; use one of {', '.join(EXPORT_FORMATS)}")
    return _BY_NAME[format].export(lesson)  # type: ignore[no-any-return]
