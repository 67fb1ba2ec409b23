"""Leaderboard benchmark: 100 000 members and 1 000 000 attempts in one guild, SQLite and PostgreSQL.

    python -m bench.leaderboard [--members N] [--attempts N] [--runs N]

Prints one JSON object: {"sqlite": {...}, "postgresql": {...}}. For each engine:
    top10_p95_ms      the worst p95, over today/week/month/all, of storage.leaderboards.board()
                      (first page: ten rows, their ranks and streaks, the guild's time zone lookup)
    own_rank_p95_ms   the worst p95, over the same periods, of standing() for random members
    naive_p95_ms      the all-time top ten computed straight from the attempts table
    by_period         the p95 of each period on its own, and of lesson-filtered boards: all time
                      reads lesson_scores; a lesson within a week sums attempts (no rollup for that)
Data is bulk-loaded (executemany on SQLite, COPY on PostgreSQL), never through record_attempt; the
rollups are built the way migration 0004 builds them. Everything lives in a temporary SQLite file
and a temporary PostgreSQL database, both removed at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import asyncpg
import numpy as np
from sqlalchemy import text

from storage import Database
from storage.engine import asyncpg_dsn
from storage.leaderboards import PERIODS, Period, board, standing
from tests.postgres import postgres_reachable, temporary_postgres_database

GUILD = 900_000_000_000_000_001
CHANNEL = 800_000_000_000_000_002
MEMBER_BASE = 300_000_000_000_000_000
DAYS = 90
POSTS = 3_000
LESSONS = 5
NOW = datetime(2025, 6, 30, 18, 0, tzinfo=UTC)  # a Monday evening: "today" and "week" are both live
COUNTERS = ("points", "answered", "right_answers", "right_first_try")
MIGRATION = Path(__file__).resolve().parent.parent / "storage/migrations/versions/0004_review.py"


def _migration() -> ModuleType:
    spec = importlib.util.spec_from_file_location("quizbot_migration_0004", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class Data:
    posts: list[tuple[Any, ...]]
    attempts: list[tuple[Any, ...]]
    members: list[tuple[Any, ...]]
    daily: list[tuple[Any, ...]]
    member_ids: np.ndarray[Any, Any]


def generate(members: int, attempts: int, seed: int = 7) -> Data:
    """One try per (post, member) pair; 60% right; points by difficulty, in thirds."""
    rng = np.random.default_rng(seed)
    first_day = NOW.date() - timedelta(days=DAYS - 1)
    post_day = rng.integers(0, DAYS, POSTS)
    post_base = rng.integers(1, 4, POSTS)  # easy 1, medium 2, hard 3
    posts = [
        (
            i + 1,
            GUILD,
            CHANNEL,
            None,
            f"l{i % LESSONS}.q{i % 40}",
            f"l{i % LESSONS}",
            None,
            (
                posted_at := datetime.combine(
                    first_day + timedelta(days=int(post_day[i])), datetime.min.time(), UTC
                )
            ),
            posted_at + timedelta(days=1),  # closes a day later, like a daily quiz
            True,
            posted_at + timedelta(days=1),
        )
        for i in range(POSTS)
    ]
    # Unique (post, member) pairs, drawn with a little headroom then cut to size.
    keys = np.unique(rng.integers(0, POSTS * members, int(attempts * 1.02)))
    keys = rng.permutation(keys)[:attempts]
    post_idx, member_idx = keys // members, keys % members
    right = rng.random(len(keys)) < 0.6
    points = np.where(right, post_base[post_idx] * 3, 0)
    day_idx = post_day[post_idx]
    seconds = rng.integers(0, 86_000, len(keys))
    attempt_rows = [
        (
            i + 1,
            int(post_idx[i]) + 1,
            GUILD,
            MEMBER_BASE + int(member_idx[i]),
            1,
            "A" if right[i] else "B",
            bool(right[i]),
            int(points[i]),
            posts[post_idx[i]][7] + timedelta(seconds=int(seconds[i])),
        )
        for i in range(len(keys))
    ]
    # member_scores: totals per member (streaks are not what is measured: plain values).
    totals = [
        np.bincount(member_idx, weights=w, minlength=members).astype(np.int64)
        for w in (points, np.ones(len(keys)), right, right)
    ]
    seen = np.bincount(member_idx, minlength=members) > 0
    member_rows = [
        (
            GUILD,
            MEMBER_BASE + m,
            int(totals[0][m]),
            int(totals[1][m]),
            int(totals[2][m]),
            int(totals[3][m]),
            1,
            1,
            first_day + timedelta(days=DAYS - 1),
        )
        for m in np.flatnonzero(seen)
    ]
    # daily_scores: per (member, day).
    day_key = member_idx.astype(np.int64) * DAYS + day_idx
    uniq, inverse = np.unique(day_key, return_inverse=True)
    sums = [
        np.bincount(inverse, weights=w).astype(np.int64) for w in (points, np.ones(len(keys)), right, right)
    ]
    daily_rows = [
        (
            GUILD,
            MEMBER_BASE + int(k // DAYS),
            first_day + timedelta(days=int(k % DAYS)),
            *(int(s[j]) for s in sums),
        )
        for j, k in enumerate(uniq)
    ]
    return Data(posts, attempt_rows, member_rows, daily_rows, np.flatnonzero(seen) + MEMBER_BASE)


# --------------------------------------------------------------------------- loading


def _naive(value: Any) -> Any:
    """SQLite keeps UTC datetimes naive (storage.types.UTCDateTime)."""
    return value.replace(tzinfo=None).isoformat(" ") if isinstance(value, datetime) else value


def _sqlite_load(path: str, data: Data, migration: ModuleType) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    with conn:
        # The rollup triggers would fire once per row; build the rollups in one pass each instead.
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            conn.execute(f"DROP TRIGGER {name}")
        iso = [tuple(_naive(v) for v in p) for p in data.posts]
        conn.executemany("INSERT INTO posts VALUES (?,?,?,?,?,?,?,?,?,?,?)", iso)
        conn.executemany(
            "INSERT INTO attempts VALUES (?,?,?,?,?,?,?,?,?)",
            ((*a[:8], a[8].replace(tzinfo=None).isoformat(" ")) for a in data.attempts),
        )
        conn.executemany(
            "INSERT INTO member_scores VALUES (?,?,?,?,?,?,?,?,?)",
            ((*m[:8], m[8].isoformat()) for m in data.members),
        )
        conn.executemany(
            "INSERT INTO daily_scores VALUES (?,?,?,?,?,?,?)",
            ((d[0], d[1], d[2].isoformat(), *d[3:]) for d in data.daily),
        )
        _backfill(conn.execute, migration._SQLITE_START)
        for statement in migration.backfill_counts(False):
            conn.execute(statement)
        triggers = migration._sqlite_triggers() + migration._sqlite_count_triggers()
        for statement in triggers + migration._lesson_trigger(False):
            conn.execute(statement)
    conn.execute("ANALYZE")
    conn.close()


def _backfill(execute: Callable[[str], Any], starts: dict[str, str]) -> Any:
    """The period rollups from daily_scores, as migration 0004 builds them."""
    results = []
    for period, start in starts.items():
        day_start = start.format(d="day")
        results.append(
            execute(
                f"INSERT INTO period_scores (guild_id, period, start, member_id, {', '.join(COUNTERS)}) "
                f"SELECT guild_id, '{period}', {day_start}, member_id, "
                f"{', '.join(f'sum({c})' for c in COUNTERS)} FROM daily_scores "
                f"GROUP BY guild_id, {day_start}, member_id"
            )
        )
    return results


async def _postgres_load(url: str, data: Data, migration: ModuleType) -> None:
    dsn = asyncpg_dsn(url)
    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction():
            # Row triggers off for this session only: the rollups are built in one pass each below.
            await conn.execute("SET LOCAL session_replication_role = replica")
            await conn.copy_records_to_table("posts", records=data.posts)
            await conn.copy_records_to_table("attempts", records=data.attempts)
            await conn.copy_records_to_table("member_scores", records=data.members)
            await conn.copy_records_to_table("daily_scores", records=data.daily)
            for statement in _backfill(lambda sql: sql, migration._PG_START):
                await conn.execute(statement)
            for statement in migration.backfill_counts(True):
                await conn.execute(statement)
        # Fresh statistics and visibility map, as autovacuum would leave them.
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()


# --------------------------------------------------------------------------- measuring


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 3)


async def timed(runs: int, call: Callable[[int], Awaitable[Any]]) -> list[float]:
    samples = []
    for i in range(runs):
        start = time.perf_counter()
        await call(i)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def _cycle(values: np.ndarray[Any, Any], runs: int, seed: int) -> Iterator[int]:
    rng = random.Random(seed)
    return iter([int(rng.choice(values)) for _ in range(runs)])


async def measure(db: Database, data: Data, runs: int) -> dict[str, Any]:
    by_period: dict[str, Any] = {}
    for period in PERIODS:
        members = list(_cycle(data.member_ids, runs, seed=PERIODS.index(period)))

        async def top10(_i: int, p: Period = period) -> Any:
            return await board(db, GUILD, p, now=NOW)

        async def own_rank(i: int, p: Period = period, m: list[int] = members) -> Any:
            return await standing(db, GUILD, m[i], p, now=NOW)

        await top10(0)  # warm the cache once
        top, own = await timed(runs, top10), await timed(runs, own_rank)
        by_period[period] = {
            "top10_p95_ms": p95(top),
            "own_rank_p95_ms": p95(own),
            "median_top10_ms": round(statistics.median(top), 3),
        }
    for period in ("all", "week"):

        async def lesson_top10(i: int, p: Period = period) -> Any:
            return await board(db, GUILD, p, now=NOW, lesson_id=f"l{i % LESSONS}")

        # A lesson within a period sums attempts (no rollup for that): slow, so fewer runs.
        lesson = await timed(runs if period == "all" else 5, lesson_top10)
        by_period[f"lesson_{period}"] = {"top10_p95_ms": p95(lesson)}
    naive_sql = text(
        "SELECT member_id, sum(points) AS p, count(*) FROM attempts WHERE guild_id = :g "
        "GROUP BY member_id ORDER BY p DESC, member_id LIMIT 10"
    )

    async def naive(_i: int) -> None:
        async with db.engine.connect() as conn:
            (await conn.execute(naive_sql, {"g": GUILD})).all()

    naive_samples = await timed(5, naive)
    return {
        "top10_p95_ms": max(v["top10_p95_ms"] for k, v in by_period.items() if k in PERIODS),
        "own_rank_p95_ms": max(v["own_rank_p95_ms"] for k, v in by_period.items() if k in PERIODS),
        "naive_p95_ms": p95(naive_samples),
        "by_period": by_period,
        "runs": runs,
    }


async def run_sqlite(data: Data, runs: int, migration: ModuleType) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="quizbot-bench-") as folder:
        path = f"{folder}/bench.db"
        db = await Database.open(f"sqlite+aiosqlite:///{path}")
        await db.close()
        started = time.perf_counter()
        await asyncio.to_thread(_sqlite_load, path, data, migration)
        load_s = time.perf_counter() - started
        db = await Database.open(f"sqlite+aiosqlite:///{path}")
        try:
            result = await measure(db, data, runs)
        finally:
            await db.close()
    return {**result, "load_s": round(load_s, 1)}


async def run_postgres(data: Data, runs: int, migration: ModuleType) -> dict[str, Any]:
    reason = await postgres_reachable()
    if reason is not None:
        return {"error": f"PostgreSQL not reachable ({reason})"}
    async with temporary_postgres_database() as url:
        db = await Database.open(url)
        try:
            started = time.perf_counter()
            await _postgres_load(url, data, migration)
            load_s = time.perf_counter() - started
            result = await measure(db, data, runs)
        finally:
            await db.close()
    return {**result, "load_s": round(load_s, 1)}


async def main(argv: list[str]) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--attempts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    data = generate(args.members, args.attempts)
    migration = _migration()
    out: dict[str, Any] = {
        "members": len(data.members),
        "attempts": len(data.attempts),
        "daily_rows": len(data.daily),
        "generate_s": round(time.perf_counter() - started, 1),
    }
    out["sqlite"] = await run_sqlite(data, args.runs, migration)
    out["postgresql"] = await run_postgres(data, args.runs, migration)
    out["target_ms"] = 10
    return out


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1:]))))
