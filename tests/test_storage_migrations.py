"""Alembic owns the schema: it builds it from nothing, tears it down, and matches the models."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from storage import Database, post_rows, practice_runs
from storage.engine import head_revision
from storage.models import metadata
from tests.postgres import postgres_reachable, temporary_postgres_database

APP_TABLES = {"guild_settings", "posts", "attempts", "member_scores", "daily_scores", "practice_runs"}
REPO = Path(__file__).resolve().parent.parent
NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
async def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/empty.db"
        return
    reason = await postgres_reachable()
    if reason is not None:
        if os.environ.get("CI") or os.environ.get("QUIZBOT_REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL not reachable ({reason})")
        pytest.skip(f"PostgreSQL not reachable ({reason})")
    async with temporary_postgres_database() as url:
        yield url


def _tables(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names())


def _schema_diff(conn: Connection) -> list[Any]:
    return compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)


async def test_migrations_build_every_table_from_an_empty_database(
    empty_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the migrations ship inside the package: no working directory needed
    db = await Database.open(empty_db_url)
    try:
        async with db.engine.connect() as conn:
            assert await conn.run_sync(_tables) >= APP_TABLES
            version = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar_one()
            assert version == head_revision()
    finally:
        await db.close()


async def test_models_and_migrations_describe_the_same_schema(empty_db_url: str) -> None:
    db = await Database.open(empty_db_url)
    try:
        async with db.engine.connect() as conn:
            assert await conn.run_sync(_schema_diff) == []
    finally:
        await db.close()


async def test_downgrade_to_base_then_upgrade_to_head_gives_a_working_schema(empty_db_url: str) -> None:
    db = await Database.open(empty_db_url)
    try:
        await post_rows.create_post(db, 1, 2, "q1", "lesson1", None, 3, now=NOW)
        await db.downgrade("base")
        async with db.engine.connect() as conn:
            assert not (APP_TABLES & await conn.run_sync(_tables))
        await db.upgrade("head")
        assert await post_rows.get_post(db, 1) is None  # empty again, and usable
        post = await post_rows.create_post(db, 1, 2, "q1", "lesson1", None, 3, now=NOW)
        assert post.id is not None
    finally:
        await db.close()


async def test_opening_twice_does_not_migrate_again_or_lose_data(empty_db_url: str) -> None:
    db = await Database.open(empty_db_url)
    try:
        post = await post_rows.create_post(db, 1, 2, "q1", "lesson1", None, 3, now=NOW)
    finally:
        await db.close()
    again = await Database.open(empty_db_url)
    try:
        assert (await post_rows.get_post(again, post.id or 0)) == post
    finally:
        await again.close()


async def test_database_itself_refuses_a_duplicate_try(empty_db_url: str) -> None:
    # The last line of defence when two processes race: the unique (post, member, try_no) constraint.
    db = await Database.open(empty_db_url)
    try:
        post = await post_rows.create_post(db, 1, 2, "q1", "lesson1", None, 3, now=NOW)
        insert = text(
            "INSERT INTO attempts (post_id, guild_id, member_id, try_no, chosen, is_right, points, answered_at) "
            "VALUES (:p, 1, 7, 1, 'A', false, 0, :t)"
        )
        params = {"p": post.id, "t": NOW.replace(tzinfo=None) if db.dialect == "sqlite" else NOW}
        async with db.session(write=True) as s:
            await (await s.connection()).execute(insert, params)
            await s.commit()
        with pytest.raises(IntegrityError):
            async with db.session(write=True) as s:
                await (await s.connection()).execute(insert, params)
                await s.commit()
    finally:
        await db.close()


def test_alembic_command_line_upgrades_and_downgrades_with_database_url(tmp_path: Path) -> None:
    path = tmp_path / "cli.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{path}"}
    ini = str(REPO / "storage" / "alembic.ini")

    def alembic(*args: str) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "alembic", "-c", ini, *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr

    def version() -> list[str]:
        with closing(sqlite3.connect(path)) as conn:
            return [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]

    alembic("upgrade", "head")
    assert version() == [head_revision()]
    alembic("downgrade", "base")
    assert version() == []


async def test_upgrade_to_0002_keeps_the_first_of_practice_runs_recorded_twice(empty_db_url: str) -> None:
    db = await Database.open(empty_db_url, migrate=False)
    try:
        await db.upgrade("0001")
        insert = text(
            "INSERT INTO practice_runs (member_id, lesson_id, mode, answers, score_by_difficulty,"
            " right_answers, total, started_at) VALUES (7, 'l', 'test', '[]', '{}', :right, 0, :t)"
        )
        started = NOW.replace(tzinfo=None) if db.dialect == "sqlite" else NOW
        async with db.writing() as s:
            for right in (1, 2):
                await (await s.connection()).execute(insert, {"right": right, "t": started})
            await s.commit()
        await db.upgrade("head")
        runs = await practice_runs.practice_runs_for(db, 7)
        assert [r.right_answers for r in runs] == [1]
    finally:
        await db.close()
