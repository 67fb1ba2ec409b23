"""Persistence for quizbot: tables, the Database handle, and queries (see storage.queries).

db = await Database.open(settings.database_url)   # migrates to head
post = await queries.create_post(db, ...)
await db.close()
"""

from storage import queries
from storage.engine import DEFAULT_DATABASE_URL, Database, mask_url, normalize_url
from storage.models import Attempt, DailyScore, GuildSettings, MemberScore, Post, PracticeRun
from storage.queries import (
    AttemptOutcome,
    AttemptStatus,
    MemberResult,
    PostTally,
    PracticeAnswer,
    RankedMember,
    TryRecord,
)

__all__ = [
    "DEFAULT_DATABASE_URL",
    "Attempt",
    "AttemptOutcome",
    "AttemptStatus",
    "DailyScore",
    "Database",
    "GuildSettings",
    "MemberResult",
    "MemberScore",
    "Post",
    "PostTally",
    "PracticeAnswer",
    "PracticeRun",
    "RankedMember",
    "TryRecord",
    "mask_url",
    "normalize_url",
    "queries",
]
