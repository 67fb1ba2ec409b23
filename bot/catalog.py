"""Which lessons each server sees: the bundled ones (from disk) and its own uploads (from storage).

`everything` indexes every lesson of every server, so a stored question id (a post, a review card)
is found wherever it is read, a DM included; `lessons_in(guild)` is one server's view, for what a
member may pick: the bundled lessons it does not hide and its own, never another server's.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from content import Lesson, LessonError, Library, load_lesson_text
from content.scoping import guild_of
from storage.models import LessonUpload

log = logging.getLogger(__name__)


def server_lesson(upload: LessonUpload) -> Lesson:
    """A stored upload as the server's own lesson (LessonError if it no longer checks)."""
    return load_lesson_text(upload.text, upload.source).for_server(upload.guild_id)


def parse_uploads(uploads: Iterable[LessonUpload]) -> dict[int, dict[str, tuple[Lesson, LessonUpload]]]:
    """Each server's lessons from their versions in use. Runs in a thread: checking costs CPU."""
    by_guild: dict[int, dict[str, tuple[Lesson, LessonUpload]]] = {}
    for upload in uploads:
        try:
            lesson = server_lesson(upload)
        except LessonError as exc:  # checked on upload; a later, stricter checker may refuse it
            log.warning(
                "server %s: lesson %s v%s left out: %s",
                upload.guild_id,
                upload.lesson_id,
                upload.version,
                exc,
            )
            continue
        by_guild.setdefault(upload.guild_id, {})[lesson.id] = (lesson, upload)
    return by_guild


def _library(lessons: Iterable[Lesson], skipped: list[object] | None = None) -> Library:
    lessons = list(lessons)
    return Library(
        lessons={lesson.id: lesson for lesson in lessons},
        questions={q.id: q for lesson in lessons for q in lesson.questions},
        skipped=list(skipped or []),  # type: ignore[arg-type]
    )


Uploaded = Mapping[int, Mapping[str, tuple[Lesson, LessonUpload]]]  # server -> lesson id -> (lesson, upload)
Hidden = Mapping[int, frozenset[str]]  # server -> the bundled lessons it hides


@dataclass(frozen=True)
class Catalog:
    bundled: Library
    uploaded: Uploaded = field(default_factory=dict)
    hidden: Hidden = field(default_factory=dict)
    everything: Library = field(init=False)
    _views: dict[int, Library] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        own = [lesson for lessons in self.uploaded.values() for lesson, _ in lessons.values()]
        everything = _library([*self.bundled.lessons.values(), *own], list(self.bundled.skipped))
        object.__setattr__(self, "everything", everything)

    def with_bundled(self, bundled: Library) -> Catalog:
        return Catalog(bundled, self.uploaded, self.hidden)

    def with_servers(self, uploaded: Uploaded, hidden: Hidden, guild_ids: Iterable[int]) -> Catalog:
        """These servers' lessons and hidden ones replaced (a server missing from them has none)."""
        guilds = set(guild_ids)
        return Catalog(
            self.bundled,
            {g: lessons for g, lessons in self.uploaded.items() if g not in guilds} | dict(uploaded),
            {g: ids for g, ids in self.hidden.items() if g not in guilds} | dict(hidden),
        )

    def lessons_in(self, guild_id: int | None) -> Library:
        """The lessons a member of this server may pick (outside a server: the bundled ones)."""
        if guild_id is None or (guild_id not in self.uploaded and guild_id not in self.hidden):
            return self.bundled
        view = self._views.get(guild_id)
        if view is None:
            hidden = self.hidden.get(guild_id, frozenset())
            bundled = [lesson for lesson in self.bundled.lessons.values() if lesson.id not in hidden]
            own = [lesson for lesson, _ in self.uploaded.get(guild_id, {}).values()]
            view = self._views[guild_id] = _library([*bundled, *own])
        return view

    def hidden_in(self, guild_id: int) -> list[Lesson]:
        """The bundled lessons this server hides."""
        hidden = self.hidden.get(guild_id, frozenset())
        return [lesson for lesson in self.bundled.lessons.values() if lesson.id in hidden]

    def upload_of(self, lesson_id: str) -> LessonUpload | None:
        """Who uploaded a server's lesson, and when; None for a bundled lesson."""
        guild_id = guild_of(lesson_id)
        found = self.uploaded.get(guild_id, {}).get(lesson_id) if guild_id is not None else None
        return found[1] if found else None
