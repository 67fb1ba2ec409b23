"""Watch the lessons being written: poll file times (no extra dependency), load, swap in or report.

Reading and checking a pack (YAML, pydantic) runs in a thread; only the swap of the loaded Library
runs on the event loop, so the page and the bot keep answering while a big pack loads."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from content import LessonError, Library, Problem, check_paths
from content.loader import PACK_SUFFIXES

log = logging.getLogger(__name__)

Snapshot = dict[str, tuple[int, int]]


@dataclass
class LessonStatus:
    """What the page shows about the lessons: what is loaded and, if the last edit broke, why."""

    folder: str
    watching: bool
    lessons: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # `FILE:LINE: field: message` lines
    checked_at: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "folder": self.folder,
            "watching": self.watching,
            "lessons": self.lessons,
            "problems": self.problems,
            "checked_at": self.checked_at,
        }


def snapshot(folder: Path) -> Snapshot:
    """(mtime, size) of every lesson pack under the folder; a change in either means "check again"."""
    found: Snapshot = {}
    for path in sorted(folder.rglob("*")):
        if path.suffix in PACK_SUFFIXES:
            with contextlib.suppress(OSError):  # deleted between listing and stat
                stat = path.stat()
                found[str(path)] = (stat.st_mtime_ns, stat.st_size)
    return found


def describe(library: Library) -> list[dict[str, Any]]:
    return [
        {"id": lesson.id, "title": lesson.title, "questions": len(lesson.questions)}
        for lesson in library.lessons.values()
    ]


class LessonWatcher:
    """Loads the folder when a pack changes, with `load()` (the bot's, run in a thread): all valid ->
    `use(library)` swaps it in on the loop; any problem -> the problems are kept for the page and the
    lessons in use stay as they were."""

    def __init__(
        self,
        folder: Path,
        load: Callable[[], Library],
        use: Callable[[Library], Any],
        on_change: Callable[[LessonStatus], Any],
        *,
        poll_seconds: float = 0.4,
    ) -> None:
        self.folder = folder
        self._load = load
        self._use = use
        self._on_change = on_change
        self._checking = asyncio.Lock()  # one load at a time: an older one never swaps in last
        self.poll_seconds = poll_seconds
        self.status = LessonStatus(folder=_shown(folder), watching=True)
        self._seen: Snapshot = {}
        self._task: asyncio.Task[None] | None = None

    def first_check(self) -> list[Problem]:
        """Before the bot starts: the problems (the bot then starts with the valid packs only)."""
        self._seen = snapshot(self.folder)
        problems = check_paths([self.folder])
        self.status.problems = [str(p) for p in problems]
        self.status.checked_at = _now()
        return problems

    def loaded(self, library: Library) -> None:
        self.status.lessons = describe(library)

    def start(self) -> None:
        self._task = asyncio.create_task(self._watch(), name="playground-lessons")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self.poll_seconds)
            try:
                current = await asyncio.to_thread(snapshot, self.folder)
                if current != self._seen:
                    self._seen = current
                    await self.check_now()
            except Exception:  # a watcher that dies silently is worse than a logged error
                log.exception("checking the lessons failed")

    async def check_now(self) -> LessonStatus:
        async with self._checking:
            return await self._check()

    async def _check(self) -> LessonStatus:
        try:
            library = await asyncio.to_thread(self._load)
        except LessonError as exc:
            self.status.problems = [str(p) for p in exc.problems]
        except Exception as exc:  # e.g. a file unreadable or deleted while it was read
            self.status.problems = [str(exc)]
        else:
            self.status.problems = [str(p) for p in library.skipped]
            if not library.skipped:  # a pack skipped as broken: the last good lessons stay
                self._use(library)
                self.status.lessons = describe(library)
        self.status.checked_at = _now()
        log.info(
            "lessons checked: %d loaded, %d problem(s)", len(self.status.lessons), len(self.status.problems)
        )
        result = self._on_change(self.status)
        if asyncio.iscoroutine(result):
            await result
        return self.status


def _shown(folder: Path) -> str:
    """The folder as the page shows it: relative to where the playground was started, when inside it."""
    try:
        return str(folder.resolve().relative_to(Path.cwd())) or "."
    except ValueError:
        return str(folder)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
