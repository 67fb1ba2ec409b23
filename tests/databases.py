"""Database fixtures for storage tests: every `db` test runs on SQLite and on PostgreSQL.

Loaded for the whole suite by `pytest_plugins` in conftest.py, so test modules use `db`, `db_url`
and `postgres_run_url` without importing them.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from storage import Database
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
