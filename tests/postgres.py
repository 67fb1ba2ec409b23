"""Test-only PostgreSQL databases: created and dropped per run, emptied between tests (and used by bench/).

PostgreSQL: `temporary_postgres_database()` creates a uniquely named database
`quizbot_test_<random>` from the admin connection (QUIZBOT_TEST_POSTGRES_URL, default
postgresql://postgres@127.0.0.1:5432/test) and drops it afterwards, so runs are clean and never
collide. Creating a database costs ~0.3 s, so a test run may create one and `reset_tables()` between tests.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage.engine import Database, asyncpg_dsn
from storage.models import metadata

POSTGRES_ADMIN_URL_ENV = "QUIZBOT_TEST_POSTGRES_URL"
DEFAULT_POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
TEST_DATABASE_PREFIX = "quizbot_test_"


def postgres_admin_url() -> str:
    return os.environ.get(POSTGRES_ADMIN_URL_ENV, DEFAULT_POSTGRES_ADMIN_URL)


async def postgres_reachable(admin_url: str | None = None) -> str | None:
    """None if PostgreSQL answers, else the reason it does not."""
    try:
        conn = await asyncpg.connect(asyncpg_dsn(admin_url or postgres_admin_url()), timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        return f"{type(exc).__name__}: {exc}"
    await conn.close()
    return None


async def create_postgres_database(admin_url: str | None = None) -> str:
    """Create an empty, uniquely named database; return its postgresql+asyncpg URL."""
    admin = make_url(admin_url or postgres_admin_url())
    name = f"{TEST_DATABASE_PREFIX}{secrets.token_hex(6)}"
    conn = await asyncpg.connect(asyncpg_dsn(admin.render_as_string(hide_password=False)))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return admin.set(drivername="postgresql+asyncpg", database=name).render_as_string(hide_password=False)


async def drop_postgres_database(url: str, admin_url: str | None = None) -> None:
    name = make_url(url).database
    if not name or not name.startswith(TEST_DATABASE_PREFIX):
        raise ValueError(f"refusing to drop {name!r}: not a test database")
    conn = await asyncpg.connect(asyncpg_dsn(admin_url or postgres_admin_url()))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@asynccontextmanager
async def temporary_postgres_database(admin_url: str | None = None) -> AsyncIterator[str]:
    """A fresh empty database for the duration of the block (its URL is yielded)."""
    url = await create_postgres_database(admin_url)
    try:
        yield url
    finally:
        await drop_postgres_database(url, admin_url)


async def reset_tables(db: Database) -> None:
    """Empty every application table (the schema and its Alembic version stay)."""
    names = [t.name for t in metadata.sorted_tables]
    async with db.writing() as s:
        conn = await s.connection()
        if db.dialect == "postgresql":
            await conn.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
        else:
            for name in reversed(names):
                await conn.execute(text(f"DELETE FROM {name}"))
        await s.commit()


async def wait_until_another_waits_for_a_lock(conn: asyncpg.Connection, timeout: float = 10.0) -> None:
    """Return once another session of `conn`'s database is waiting for a lock: how a test knows the
    other side is blocked, instead of guessing with a sleep on a loaded machine."""
    query = (
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
    )
    async with asyncio.timeout(timeout):
        while not await conn.fetchval(query):  # noqa: ASYNC110 (another process: no event to await)
            await asyncio.sleep(0.02)
