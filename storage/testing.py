"""Helpers for tests that need a real database (used by tests/test_storage*.py; cogs' tests may use them too).

PostgreSQL: each test gets a fresh database `quizbot_test_<random>` created from the admin
connection (QUIZBOT_TEST_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/test) and
dropped afterwards, so runs are clean and never collide.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from sqlalchemy.engine import make_url

POSTGRES_ADMIN_URL_ENV = "QUIZBOT_TEST_POSTGRES_URL"
DEFAULT_POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"


def postgres_admin_url() -> str:
    return os.environ.get(POSTGRES_ADMIN_URL_ENV, DEFAULT_POSTGRES_ADMIN_URL)


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def postgres_reachable(admin_url: str | None = None) -> str | None:
    """None if PostgreSQL answers, else the reason it does not."""
    try:
        conn = await asyncpg.connect(_asyncpg_dsn(admin_url or postgres_admin_url()), timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        return f"{type(exc).__name__}: {exc}"
    await conn.close()
    return None


@asynccontextmanager
async def temporary_postgres_database(admin_url: str | None = None) -> AsyncIterator[str]:
    """Create a uniquely named empty database; yield its postgresql+asyncpg URL; drop it at the end."""
    admin = make_url(admin_url or postgres_admin_url())
    name = f"quizbot_test_{secrets.token_hex(6)}"
    conn = await asyncpg.connect(_asyncpg_dsn(admin.render_as_string(hide_password=False)))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
        try:
            yield admin.set(drivername="postgresql+asyncpg", database=name).render_as_string(
                hide_password=False
            )
        finally:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()
