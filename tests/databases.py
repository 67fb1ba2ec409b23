"""Database fixtures for storage tests: every `db` test runs on SQLite and on PostgreSQL.

Loaded for the whole suite by `pytest_plugins` in conftest.py, so test modules use `db`, `db_url`
and `postgres_run_url` without importing them. The score readers below are how tests look at the
rows a try moved (the bot itself reads them through storage.leaderboards).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlmodel import col, select

from storage import DailyScore, Database, MemberScore
from tests.postgres import create_postgres_database, drop_postgres_database, postgres_reachable, reset_tables


def require_postgres() -> None:
    """Skip without a local PostgreSQL, except in CI (or with QUIZBOT_REQUIRE_POSTGRES) where it must run."""
    reason = asyncio.run(postgres_reachable())
    if reason is not None:
        message = f"PostgreSQL not reachable ({reason})"
        if os.environ.get("CI") or os.environ.get("QUIZBOT_REQUIRE_POSTGRES"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_run_url() -> Iterator[str]:
    """One fresh PostgreSQL database for this test run (creating one costs ~0.3 s); dropped at the end."""
    require_postgres()
    url = asyncio.run(create_postgres_database())
    try:
        yield url
    finally:
        asyncio.run(drop_postgres_database(url))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path}/data/quiz.db"
    url: str = request.getfixturevalue("postgres_run_url")
    return url


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    database = await Database.open(db_url)
    try:
        await reset_tables(database)  # the PostgreSQL database is shared by the run's tests
        yield database
    finally:
        await database.close()


async def member_score(db: Database, guild_id: int, member_id: int) -> MemberScore | None:
    async with db.session() as s:
        return await s.get(MemberScore, (guild_id, member_id))


async def member_scores(db: Database, guild_id: int) -> list[MemberScore]:
    """The guild's all-time score rows, by member id."""
    async with db.session() as s:
        rows = await s.exec(
            select(MemberScore).where(MemberScore.guild_id == guild_id).order_by(col(MemberScore.member_id))
        )
        return list(rows.all())


async def daily_scores(db: Database, guild_id: int, member_id: int) -> list[DailyScore]:
    async with db.session() as s:
        rows = await s.exec(
            select(DailyScore)
            .where(DailyScore.guild_id == guild_id, DailyScore.member_id == member_id)
            .order_by(col(DailyScore.day))
        )
        return list(rows.all())
