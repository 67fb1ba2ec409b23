"""A server's own lesson for tests: stored and published the way /lessons upload's Publish does."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import yaml

from storage import server_lessons as store
from storage.models import LessonUpload

T0 = datetime(2030, 6, 1, 12, 0, tzinfo=UTC)
# A server's one-question lesson, as a moderator would upload it.
CELLS = """\
id: cells
title: Cells of our course
topic: Biology
source: A teacher's notes
questions:
  - id: cells.q1
    kind: multiple_choice
    difficulty: easy
    prompt: How do body cells divide?
    options: [Mitosis, Osmosis]
    answer: A
    shuffle: false
    hint: Think of the cell cycle.
    solution: [Body cells divide by mitosis.]
"""


def upload_of(guild_id: int, text: str, *, uploaded_by: int = 1) -> LessonUpload:
    """A draft of this pack (quizbot YAML) for this server."""
    pack = yaml.safe_load(text)
    return LessonUpload(
        guild_id=guild_id,
        lesson_id=pack["id"],
        title=pack["title"],
        questions=len(pack["questions"]),
        source=f"{pack['id']}.yaml",
        format="yaml",
        text=text,
        uploaded_by=uploaded_by,
        uploaded_at=T0,
    )


async def publish(bot: Any, guild_id: int, text: str, *, uploaded_by: int = 1) -> int:
    """Publish the pack as the server's next version of its lesson; returns that version. The bot
    sees it once it follows the change log (`await bot.follow_server_lessons()`)."""
    db = bot.database
    lesson_id = yaml.safe_load(text)["id"]
    draft = await store.save_draft(db, upload_of(guild_id, text, uploaded_by=uploaded_by))
    in_use = await store.current_version(db, guild_id, lesson_id)
    outcome = await store.publish(db, draft, guild_id, replacing=in_use, limit=50, now=T0)
    assert isinstance(outcome, store.Published), outcome
    return outcome.version
