"""Plain SQL straight to the drivers, for the per-click hot paths (a try, a review rating).

A click costs one short transaction. Through SQLAlchemy's ORM session that transaction spent more
time in per-statement machinery (and, on SQLite, in aiosqlite's thread hops) than in the
database, so these paths send SQL that both engines accept to asyncpg
(`Database.postgres_connection`) or to sqlite3 (`Database.sqlite_write`). Everything else uses the
ORM. This module holds what those paths share: the placeholder rewrite and the value conversions
that make their rows identical to the ones SQLAlchemy writes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Date
from sqlalchemy.engine import Dialect

from storage.engine import Database
from storage.types import UTCDateTime

T = TypeVar("T")


def numbered_dollars(sql: str, after: int = 0) -> str:
    """asyncpg's placeholders: `?` becomes `$1`, `$2`... in order; `?7` becomes `$7` (`after`
    shifts every number, to join statements into one)."""
    counter = iter(range(1, sql.count("?") + 1))
    return re.sub(r"\?(\d*)", lambda m: f"${int(m.group(1) or next(counter)) + after}", sql)


def per_dialect(build: Callable[[Database], T]) -> Callable[[Database], T]:
    """`build(db)` once per engine kind, then the same result: what a hot path prepares (statements,
    conversions) depends only on the engine, never on one database."""
    built: dict[str, T] = {}

    def prepared(db: Database) -> T:
        if db.dialect not in built:
            built[db.dialect] = build(db)
        return built[db.dialect]

    return prepared


def for_dialect(db: Database, sql: str) -> str:
    """`sql` written with `?` placeholders, as this database's driver takes it."""
    return numbered_dollars(sql) if db.dialect == "postgresql" else sql


@dataclass(frozen=True, slots=True)
class DriverValues:
    """Python values to and from the driver, stored exactly as SQLAlchemy's column types store
    them on this engine (so the ORM reads what the hot path wrote, and the other way round)."""

    time: Callable[[datetime], Any]
    read_time: Callable[[Any], datetime]
    day: Callable[[date], Any]

    @staticmethod
    def of(db: Database) -> DriverValues:
        return _driver_values(db)

    @staticmethod
    def build(dialect: Dialect) -> DriverValues:
        def processor(make: Callable[..., Any] | None) -> Callable[[Any], Any]:
            return make if make is not None else (lambda value: value)

        time_type, day_type = UTCDateTime().dialect_impl(dialect), Date().dialect_impl(dialect)
        return DriverValues(
            time=processor(time_type.bind_processor(dialect)),
            read_time=processor(time_type.result_processor(dialect, None)),
            day=processor(day_type.bind_processor(dialect)),
        )

    # JSON columns: SQLAlchemy stores json.dumps text on SQLite and a `json` value on PostgreSQL,
    # which asyncpg and sqlite3 both take and give back as text.
    @staticmethod
    def json(value: Any) -> str:
        return json.dumps(value)

    @staticmethod
    def read_json(value: Any) -> Any:
        return json.loads(value) if isinstance(value, str | bytes) else value


_driver_values = per_dialect(lambda db: DriverValues.build(db.engine.dialect))
