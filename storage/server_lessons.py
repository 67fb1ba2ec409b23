"""A server's uploaded lessons: drafts, published versions, the version in use, and the change log.

Publishing is one transaction that checks the version the moderator saw is still the one in use (a
second moderator's upload in between asks again), and the unique (guild, lesson, version) makes two
racing publishes of one lesson store one version each, never the same number twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage._common import aware, insert_for
from storage.engine import Database
from storage.models import HiddenLesson, LessonChange, LessonUpload, Schedule, ServerLesson
from storage.schedules import REASON_CHARS


async def save_draft(db: Database, draft: LessonUpload) -> int:
    """Keep an upload until Publish or Cancel; returns its id."""
    draft.version = None
    draft.uploaded_at = aware(draft.uploaded_at, "uploaded_at")
    async with db.writing() as s:
        s.add(draft)
        await s.commit()
        await s.refresh(draft)
    assert draft.id is not None
    return draft.id


async def get_draft(db: Database, draft_id: int, guild_id: int) -> LessonUpload | None:
    async with db.session() as s:
        row = await s.get(LessonUpload, draft_id)
    return row if row is not None and row.guild_id == guild_id and row.version is None else None


async def drop_draft(db: Database, draft_id: int, guild_id: int) -> bool:
    async with db.writing() as s:
        done = await s.exec(
            delete(LessonUpload).where(
                col(LessonUpload.id) == draft_id,
                col(LessonUpload.guild_id) == guild_id,
                col(LessonUpload.version).is_(None),
            )
        )
        await s.commit()
    return bool(done.rowcount)


async def current_version(db: Database, guild_id: int, lesson_id: str) -> int:
    """The version of the server's lesson in use; 0 when it has none."""
    async with db.session() as s:
        row = await s.get(ServerLesson, (guild_id, lesson_id))
    return row.version if row else 0


@dataclass(frozen=True)
class Published:
    version: int


@dataclass(frozen=True)
class Changed:
    """The lesson's version in use is no longer the one the moderator was shown."""

    version: int


@dataclass(frozen=True)
class TooMany:
    limit: int


async def publish(
    db: Database, draft_id: int, guild_id: int, *, replacing: int, limit: int, now: datetime
) -> Published | Changed | TooMany | None:
    """Make a draft the lesson's next version, if the version in use is still `replacing` (0: none)
    and the server stays within `limit` lessons. None: the draft is gone (published or cancelled)."""
    now = aware(now, "now")
    lesson_id = ""
    try:
        async with db.writing() as s:
            draft = await s.get(LessonUpload, draft_id)
            if draft is None or draft.guild_id != guild_id or draft.version is not None:
                return None
            lesson_id = draft.lesson_id
            in_use = await s.get(ServerLesson, (guild_id, lesson_id))
            if (in_use.version if in_use else 0) != replacing:
                return Changed(in_use.version if in_use else 0)
            if in_use is None:
                count = (
                    await s.exec(
                        select(func.count())
                        .select_from(ServerLesson)
                        .where(col(ServerLesson.guild_id) == guild_id)
                    )
                ).one()
                if count >= limit:
                    return TooMany(limit)
            latest = (
                await s.exec(
                    select(func.max(LessonUpload.version)).where(
                        col(LessonUpload.guild_id) == guild_id, col(LessonUpload.lesson_id) == lesson_id
                    )
                )
            ).one()
            version = (latest or 0) + 1
            draft.version = version
            draft.uploaded_at = now
            s.add(draft)
            upsert = insert_for(db, ServerLesson).values(
                guild_id=guild_id, lesson_id=lesson_id, version=version
            )
            await s.exec(
                upsert.on_conflict_do_update(
                    index_elements=["guild_id", "lesson_id"], set_={"version": version}
                )
            )
            s.add(LessonChange(guild_id=guild_id, changed_at=now))
            await s.commit()
            return Published(version)
    except IntegrityError:  # another publish of this lesson took the number: it is no longer `replacing`
        return Changed(await current_version(db, guild_id, lesson_id))


async def get_version(db: Database, upload_id: int, guild_id: int) -> LessonUpload | None:
    """A published version of this server's (None for a draft, another server's, or no such row)."""
    async with db.session() as s:
        row = await s.get(LessonUpload, upload_id)
    return row if row is not None and row.guild_id == guild_id and row.version is not None else None


async def draft_of_version(db: Database, row: LessonUpload, *, by: int, now: datetime) -> LessonUpload:
    """A new draft with a published version's text: restoring a version is publishing this draft."""
    guild_id = row.guild_id
    draft = LessonUpload(
        guild_id=guild_id,
        lesson_id=row.lesson_id,
        title=row.title,
        questions=row.questions,
        source=row.source,
        format=row.format,
        text=row.text,
        uploaded_by=by,
        uploaded_at=now,
    )
    await save_draft(db, draft)
    return draft


async def versions(db: Database, guild_id: int, lesson_id: str) -> list[LessonUpload]:
    """Every published version of a server's lesson, newest first."""
    async with db.session() as s:
        rows = await s.exec(
            select(LessonUpload)
            .where(
                col(LessonUpload.guild_id) == guild_id,
                col(LessonUpload.lesson_id) == lesson_id,
                col(LessonUpload.version).is_not(None),
            )
            .order_by(col(LessonUpload.version).desc())
        )
        return list(rows.all())


async def uploaded_lessons(db: Database, guild_id: int) -> dict[str, str]:
    """Every lesson this server ever published, in use or removed: authored id -> latest title."""
    async with db.session() as s:
        rows = await s.exec(
            select(LessonUpload.lesson_id, LessonUpload.title)
            .where(col(LessonUpload.guild_id) == guild_id, col(LessonUpload.version).is_not(None))
            .order_by(col(LessonUpload.lesson_id), col(LessonUpload.version))
        )
        return {lesson_id: title for lesson_id, title in rows.all()}


async def _pause_schedules(s: AsyncSession, guild_id: int, lesson_id: str, reason: str) -> int:
    done = await s.exec(
        update(Schedule)
        .where(
            col(Schedule.guild_id) == guild_id,
            col(Schedule.lesson_id) == lesson_id,
            col(Schedule.paused).is_(False),
        )
        .values(paused=True, paused_reason=reason[:REASON_CHARS])
    )
    return int(done.rowcount or 0)


@dataclass(frozen=True)
class Removed:
    paused: int  # schedules of the lesson now paused


async def remove(
    db: Database,
    guild_id: int,
    lesson_id: str,
    *,
    version: int,
    schedules_id: str,
    reason: str,
    now: datetime,
) -> Removed | Changed:
    """The server stops using its lesson (every version stays, for history and restore), if the
    version in use is still `version`; its schedules (`schedules_id`: the id they store) pause."""
    async with db.writing() as s:
        in_use = await s.get(ServerLesson, (guild_id, lesson_id))
        if in_use is None or in_use.version != version:
            return Changed(in_use.version if in_use else 0)
        await s.delete(in_use)
        paused = await _pause_schedules(s, guild_id, schedules_id, reason)
        s.add(LessonChange(guild_id=guild_id, changed_at=aware(now, "now")))
        await s.commit()
    return Removed(paused)


async def hide(db: Database, guild_id: int, lesson_id: str, *, reason: str, now: datetime) -> Removed | None:
    """A bundled lesson leaves this server's lists and its schedules pause; None if hidden already."""
    try:
        async with db.writing() as s:
            s.add(HiddenLesson(guild_id=guild_id, lesson_id=lesson_id))
            await s.flush()
            paused = await _pause_schedules(s, guild_id, lesson_id, reason)
            s.add(LessonChange(guild_id=guild_id, changed_at=aware(now, "now")))
            await s.commit()
    except IntegrityError:
        return None
    return Removed(paused)


async def show(db: Database, guild_id: int, lesson_id: str, *, now: datetime) -> bool:
    """A hidden bundled lesson is listed again (its paused schedules stay paused until resumed)."""
    async with db.writing() as s:
        done = await s.exec(
            delete(HiddenLesson).where(
                col(HiddenLesson.guild_id) == guild_id, col(HiddenLesson.lesson_id) == lesson_id
            )
        )
        if done.rowcount:
            s.add(LessonChange(guild_id=guild_id, changed_at=aware(now, "now")))
        await s.commit()
    return bool(done.rowcount)


async def hidden_lessons(db: Database, guild_ids: Sequence[int] | None = None) -> dict[int, frozenset[str]]:
    """The bundled lessons each server hides (of these servers only, if given)."""
    stmt = select(HiddenLesson.guild_id, HiddenLesson.lesson_id)
    if guild_ids is not None:
        stmt = stmt.where(col(HiddenLesson.guild_id).in_(list(guild_ids)))
    hidden: dict[int, set[str]] = {}
    async with db.session() as s:
        for guild_id, lesson_id in (await s.exec(stmt)).all():
            hidden.setdefault(guild_id, set()).add(lesson_id)
    return {guild_id: frozenset(ids) for guild_id, ids in hidden.items()}


async def lessons_in_use(db: Database, guild_ids: Sequence[int] | None = None) -> list[LessonUpload]:
    """The version in use of every server's lesson (of these servers only, if given)."""
    stmt = select(LessonUpload).join(
        ServerLesson,
        (col(ServerLesson.guild_id) == col(LessonUpload.guild_id))
        & (col(ServerLesson.lesson_id) == col(LessonUpload.lesson_id))
        & (col(ServerLesson.version) == col(LessonUpload.version)),
    )
    if guild_ids is not None:
        stmt = stmt.where(col(LessonUpload.guild_id).in_(list(guild_ids)))
    async with db.session() as s:
        return list(
            (await s.exec(stmt.order_by(col(LessonUpload.guild_id), col(LessonUpload.lesson_id)))).all()
        )


async def changes_since(db: Database, seen: int) -> tuple[int, set[int]]:
    """The newest change id, and the servers whose lessons changed after `seen`."""
    async with db.session() as s:
        rows = (
            await s.exec(select(LessonChange.id, LessonChange.guild_id).where(col(LessonChange.id) > seen))
        ).all()
    newest = max((row[0] or 0 for row in rows), default=seen)
    return newest, {row[1] for row in rows}


async def last_change(db: Database) -> int:
    async with db.session() as s:
        return (await s.exec(select(func.max(LessonChange.id)))).one() or 0


async def prune(db: Database, before: datetime) -> None:
    """Forget drafts nobody published or cancelled, and change-log rows every process has read
    (older than `before`). The newest change stays: a new row's id must stay above every id a
    process has seen, and SQLite would reuse ids of an emptied table."""
    before = aware(before, "before")
    async with db.writing() as s:
        await s.exec(
            delete(LessonUpload).where(
                col(LessonUpload.version).is_(None), col(LessonUpload.uploaded_at) < before
            )
        )
        newest = (await s.exec(select(func.max(LessonChange.id)))).one() or 0
        await s.exec(
            delete(LessonChange).where(col(LessonChange.id) < newest, col(LessonChange.changed_at) < before)
        )
        await s.commit()
