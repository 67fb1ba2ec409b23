"""A live round's last-seconds rush through the real bot and the loopback Discord.

    python bench/live.py [--members 500] [--seconds 10] [--rush 2]

One question of `--seconds`; every member answers once in its last `--rush` seconds (all clicks
in flight at once). Prints one JSON object: {"sqlite": {...}, "postgresql": {...}} with ack_p95_ms
(click to the bot's "Locked in" reply), locked_in, too_late (clicks the deadline beat: refused, as
they should be), lost (a "Locked in" without a stored answer, or no reply), doubled, reveal_delay_ms
(the reveal's edit after the deadline) and, in the same run, the same burst against a no-op button
on a message shaped like the question: noop_ack_p95_ms and ratio (no-op burst time / live burst time).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import logging
import pstats
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import discord
from sqlalchemy import func
from sqlmodel import col, select

from cogs.live import Live
from storage import Attempt, post_rows
from tests.crowd import LESSON, NoopButton, click_all, crowd, settle
from tests.postgres import postgres_reachable, temporary_postgres_database


def p95(values: list[float]) -> float | None:
    return round(statistics.quantiles(values, n=20)[18], 2) if len(values) > 20 else None


async def measure(
    database_url: str, lessons: Path, members: int, seconds: int, rush: float, profile: bool = False
) -> dict[str, Any]:
    names = [f"m{i}" for i in range(members)]
    async with crowd(members, database_url, lessons) as (emu, bot):
        live = bot.feature(Live)
        live.lobby_seconds = 0
        # The baseline first: the same burst on a message shaped like a question post.
        channel = bot.get_channel(emu.world.channels["quiz"].id)
        assert isinstance(channel, discord.TextChannel)
        noop_view = discord.ui.View(timeout=None)
        for i, label in enumerate(["A. one", "B. two", "C. three", "D. four"]):
            noop_view.add_item(NoopButton(i, label))
        noop_sent = await channel.send(
            embed=discord.Embed(title="Question 1 of 1", description="Pick one."), view=noop_view
        )
        noop_message = emu.message(noop_sent.id)
        noop_jobs = [(noop_message, f"bench:noop:{i % 4}", name) for i, name in enumerate(names)]
        noop_s, noop_latencies, _ = await click_all(emu, noop_jobs, members)
        noop_s += await settle()

        await emu.wait_reply(
            await emu.slash(
                "live start", by="mod", lesson="bench", questions=1, seconds=seconds, channel="quiz"
            )
        )
        question = await emu.wait_for(
            lambda: next(
                (
                    m
                    for m in emu.channel_messages("quiz")
                    if m["embeds"] and m["embeds"][0]["title"].startswith("Question 1 of 1 ·")
                ),
                None,
            ),
            timeout=30,
            what="the question",
        )
        # The buttons carry {game}.{post}; the message id is stored a moment after Discord has it.
        post_id = int(question["components"][0]["components"][0]["custom_id"].split(":")[2].split(".")[1])
        post = await post_rows.get_post(bot.database, post_id)
        assert post is not None
        deadline = post.posted_at + timedelta(seconds=seconds)
        await asyncio.sleep(max(0.0, (deadline - bot.now()).total_seconds() - rush))
        letters = [c["custom_id"] for row in question["components"] for c in row["components"]]
        jobs = [(question, letters[i % len(letters)], name) for i, name in enumerate(names)]
        profiler = cProfile.Profile() if profile else None
        if profiler is not None:
            profiler.enable()
        live_s, latencies, missing = await click_all(emu, jobs, members)
        live_s += await settle()
        if profiler is not None:
            profiler.disable()
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
        revealed = await emu.wait_for(
            lambda: "· answer" in emu.message(int(question["id"]))["embeds"][0]["title"],
            timeout=30,
            what="the reveal",
        )
        assert revealed
        reveal_seen = bot.now()
        async with bot.database.session() as s:
            stored = (
                await s.exec(select(func.count()).select_from(Attempt).where(Attempt.post_id == post.id))
            ).one()
            counts = (
                await s.exec(
                    select(func.count())
                    .select_from(Attempt)
                    .where(Attempt.post_id == post.id)
                    .group_by(col(Attempt.member_id))
                )
            ).all()
        locked_in = sum(1 for ix in emu.interactions.values() if _said(ix, "Locked in"))
        too_late = sum(1 for ix in emu.interactions.values() if _said(ix, "Time's up"))
        doubled = sum(n - 1 for n in counts if n > 1)
        return {
            "members": members,
            "seconds": seconds,
            "rush_s": rush,
            "ack_p95_ms": p95(latencies),
            "locked_in": locked_in,
            "too_late": too_late,
            "lost": max(0, locked_in - (stored - doubled)) + missing,
            "doubled": doubled,
            "reveal_delay_ms": round((reveal_seen - deadline).total_seconds() * 1000, 1),
            "noop_ack_p95_ms": p95(noop_latencies),
            "ratio": round(noop_s / live_s, 3),
        }


def _said(interaction: Any, text: str) -> bool:
    return any(text in str(c.get("data", {}).get("content", "")) for c in interaction.callbacks)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rush", type=float, default=2.0, help="the last seconds everyone answers in")
    parser.add_argument(
        "--profile", action="store_true", help="print where the live burst's time goes (stderr)"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        lessons = Path(tmp) / "lessons"
        lessons.mkdir()
        (lessons / "bench.yaml").write_text(LESSON)
        started = time.perf_counter()
        results["sqlite"] = await measure(
            f"sqlite+aiosqlite:///{tmp}/bench.db",
            lessons,
            args.members,
            args.seconds,
            args.rush,
            args.profile,
        )
        reason = await postgres_reachable()
        if reason is None:
            async with temporary_postgres_database() as url:
                results["postgresql"] = await measure(
                    url, lessons, args.members, args.seconds, args.rush, args.profile
                )
        else:
            results["postgresql"] = {"skipped": reason}
        results["wall_s"] = round(time.perf_counter() - started, 1)
    print(json.dumps(results))


if __name__ == "__main__":
    asyncio.run(main())
