"""Alembic environment.

Two ways in: storage.Database.open() hands over an open connection in
`config.attributes["connection"]`; the `alembic` command line builds an async engine from
`sqlalchemy.url` or the DATABASE_URL environment variable.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from storage.engine import DEFAULT_DATABASE_URL, normalize_url
from storage.models import metadata

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things: batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_from_url(url: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


def main() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    import os

    url = config.get_main_option("sqlalchemy.url") or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    asyncio.run(_run_from_url(normalize_url(url).render_as_string(hide_password=False)))


if context.is_offline_mode():
    raise SystemExit("offline (--sql) mode is not supported; run against a database")
main()
