"""Question-quality benchmark: storage.reports.question_quality at 1 000 000 attempts (100 000 members).

    python -m bench.quality [--members N] [--attempts N] [--runs N]

Prints one JSON object: {"sqlite": {...}, "postgresql": {...}}. For each engine, p95 and median of
    lesson          question_quality for one lesson (a fifth of the attempts)
    server          question_quality for the whole guild (every lesson)
    count_lesson    the baseline: SELECT count(*) over the same attempts joined to their posts
    count_server    the same for the whole guild
and ratio_lesson / ratio_server = quality p95 / baseline p95, measured in the same run. The data is
bench/leaderboard.py's (generated and bulk-loaded by its own functions); temporary databases only.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import statistics
import sys
import tempfile
import time
from typing import Any

from sqlalchemy import text

from storage import Database
from storage.reports import question_quality
from tests.postgres import postgres_reachable, temporary_postgres_database

# bench/ has no __init__.py, so mypy knows bench/leaderboard.py only as `leaderboard`; a static
# `from bench.leaderboard import ...` makes it see the file twice and stop. Imported by name instead.
leaderboard: Any = importlib.import_module("bench.leaderboard")
GUILD, LESSONS, p95, timed = leaderboard.GUILD, leaderboard.LESSONS, leaderboard.p95, leaderboard.timed

COUNT_SQL = "SELECT count(*) FROM attempts a JOIN posts p ON a.post_id = p.id WHERE p.guild_id = :guild"


def _figures(samples: list[float]) -> dict[str, float]:
    return {"p95_ms": p95(samples), "median_ms": round(statistics.median(samples), 3)}


async def measure(db: Database, runs: int) -> dict[str, Any]:
    async def count(lesson: str | None) -> int:
        sql = COUNT_SQL + (" AND p.lesson_id = :lesson" if lesson else "")
        async with db.engine.connect() as conn:
            return int((await conn.execute(text(sql), {"guild": GUILD, "lesson": lesson})).scalar_one())

    async def lesson_quality(i: int) -> Any:
        return await question_quality(db, GUILD, lesson_id=f"l{i % LESSONS}")

    async def server_quality(_i: int) -> Any:
        return await question_quality(db, GUILD)

    async def lesson_count(i: int) -> int:
        return await count(f"l{i % LESSONS}")

    async def server_count(_i: int) -> int:
        return await count(None)

    found = await server_quality(0)  # warm the cache once, and see what it computes
    await server_count(0)
    out: dict[str, Any] = {
        "lesson": _figures(await timed(runs, lesson_quality)),
        "count_lesson": _figures(await timed(runs, lesson_count)),
        "server": _figures(await timed(runs, server_quality)),
        "count_server": _figures(await timed(runs, server_count)),
    }
    out["ratio_lesson"] = round(out["lesson"]["p95_ms"] / out["count_lesson"]["p95_ms"], 2)
    out["ratio_server"] = round(out["server"]["p95_ms"] / out["count_server"]["p95_ms"], 2)
    out["questions"] = len(found)
    out["with_discrimination"] = sum(q.discrimination is not None for q in found)
    out["runs"] = runs
    return out


async def run_sqlite(data: Any, runs: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="quizbot-bench-") as folder:
        url = f"sqlite+aiosqlite:///{folder}/bench.db"
        db = await Database.open(url)
        await db.close()
        await asyncio.to_thread(
            leaderboard._sqlite_load, f"{folder}/bench.db", data, leaderboard._migration()
        )
        db = await Database.open(url)
        try:
            return await measure(db, runs)
        finally:
            await db.close()


async def run_postgres(data: Any, runs: int) -> dict[str, Any]:
    reason = await postgres_reachable()
    if reason is not None:
        return {"error": f"PostgreSQL not reachable ({reason})"}
    async with temporary_postgres_database() as url:
        db = await Database.open(url)
        try:
            await leaderboard._postgres_load(url, data, leaderboard._migration())
            return await measure(db, runs)
        finally:
            await db.close()


async def main(argv: list[str]) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--attempts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    data = leaderboard.generate(args.members, args.attempts)
    out: dict[str, Any] = {
        "members": len(data.members),
        "attempts": len(data.attempts),
        "generate_s": round(time.perf_counter() - started, 1),
    }
    out["sqlite"] = await run_sqlite(data, args.runs)
    out["postgresql"] = await run_postgres(data, args.runs)
    return out


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1:]))))
