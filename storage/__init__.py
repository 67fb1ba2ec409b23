"""Persistence for quizbot: tables, the Database handle, and one module of reads and writes per concept.

guilds (settings, time zone), post_rows (posts and their public counts), attempt_rows (tries and the
scores they move), practice_runs, leaderboards, review, schedules, forget; driver (the hot paths' SQL).

db = await Database.open(settings.database_url)   # migrates to head
post = await post_rows.create_post(db, ...)
await db.close()
"""

from storage.attempt_rows import StoredTry
from storage.engine import DEFAULT_DATABASE_URL, Database, DatabaseUnavailable, mask_url, normalize_url
from storage.leaderboards import RankedMember
from storage.models import Attempt, DailyScore, GuildSettings, MemberScore, Post, PracticeRun
from storage.post_rows import PostTally
from storage.practice_runs import PracticeAnswer

__all__ = [
    "DEFAULT_DATABASE_URL",
    "Attempt",
    "DailyScore",
    "Database",
    "DatabaseUnavailable",
    "GuildSettings",
    "MemberScore",
    "Post",
    "PostTally",
    "PracticeAnswer",
    "PracticeRun",
    "RankedMember",
    "StoredTry",
    "mask_url",
    "normalize_url",
]
