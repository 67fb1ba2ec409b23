"""Small helpers every storage module shares: aware UTC times and dialect-neutral Core statements."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.engine import Database


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime, name: str) -> datetime:
    """`value` in UTC; a naive datetime is refused (it hides a time zone bug)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (UTC), got naive {value!r}")
    return value.astimezone(UTC)


def table_of(model: type[Any]) -> Table:
    table: Table = model.__table__
    return table


def insert_for(db: Database, model: type[Any]) -> Any:
    """INSERT ... ON CONFLICT for the engine in use (both spell it the same way in SQLAlchemy)."""
    return (pg_insert if db.dialect == "postgresql" else sqlite_insert)(table_of(model))


async def core_rows(s: AsyncSession, stmt: Any) -> Sequence[Any]:
    """Run a plain SQLAlchemy Core select (wide aggregate rows sqlmodel's select() cannot type)."""
    return (await (await s.connection()).execute(stmt)).all()
