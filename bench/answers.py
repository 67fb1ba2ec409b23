"""Answer throughput through the real bot and the loopback Discord, beside a no-op button ceiling.

    python bench/answers.py [--clicks 10000] [--members 200] [--rounds 10]

Prints one JSON object: {"sqlite": {...}, "postgresql": {...}} with answers_per_s, noop_per_s,
ratio, p95_ms, lost and doubled. Each member clicks once per post, so every click must store
exactly one attempt: `lost` counts clicks with no stored attempt (or no reply), `doubled` extra ones.
The no-op baseline is a DynamicItem that only replies, on the same emulator and bot, in the same run,
on a message shaped like the question post; noop_bare_message_per_s and ratio_vs_bare_message are
the same no-op on a bare five-button message (how the issue's first figures were taken).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import discord
from sqlalchemy import func
from sqlmodel import col, select

from storage import Attempt
from tests.crowd import LESSON, NoopButton, click_all, crowd, settle
from tests.emulator import plant_message
from tests.postgres import postgres_reachable, temporary_postgres_database


def slices(jobs: list[Any], count: int) -> list[list[Any]]:
    size = -(-len(jobs) // count)
    return [jobs[i : i + size] for i in range(0, len(jobs), size)]


async def measure(
    database_url: str, lessons: Path, clicks: int, members: int, rounds: int = 10
) -> dict[str, Any]:
    async with crowd(members, database_url, lessons) as (emu, bot):
        bot.posts.count_refresh_seconds = 1.0
        names = [f"m{i}" for i in range(members)]
        posts_needed = max(1, clicks // members)
        question = bot.library.question("bench.q")
        assert question is not None
        channel = bot.get_channel(emu.world.channels["quiz"].id)
        assert isinstance(channel, discord.TextChannel)
        messages = []
        for _ in range(posts_needed):
            post = await bot.posts.publish(emu.world.guild_id, channel, question, None, posted_by=None)
            assert post.message_id is not None
            messages.append(emu.message(post.message_id))
        rng = random.Random(0)
        jobs = [
            (message, f"quiz:answer:{message_post_id(message)}:{rng.choice('ABCD')}", name)
            for message in messages
            for name in names
        ]
        # The ceiling: no-op buttons on a message shaped like the question post (its embed, one
        # button per option), because Discord sends the clicked message with every click and the
        # bot parses it whatever the button does.
        post_buttons = messages[0]["components"][0]["components"]
        noop_view = discord.ui.View(timeout=None)
        for i, button in enumerate(post_buttons):
            noop_view.add_item(NoopButton(i, button["label"]))
        noop_sent = await channel.send(
            embed=discord.Embed.from_dict(messages[0]["embeds"][0]), view=noop_view
        )
        noop_message = emu.message(noop_sent.id)
        noop_jobs = [
            (noop_message, f"bench:noop:{i % len(post_buttons)}", names[i % members])
            for i in range(len(jobs))
        ]
        # The first figures clicked a bare five-button message: kept for comparison.
        bare_message = await plant_message(emu, "general", [f"bench:noop:{i}" for i in range(5)])
        bare_jobs = [(bare_message, f"bench:noop:{i % 5}", names[i % members]) for i in range(len(jobs))]

        # Interleaved in slices, so a change in the machine's load (it is shared) hits all three alike.
        bare_s = noop_s = answers_s = 0.0
        latencies: list[float] = []
        missing = 0
        for bare_part, noop_part, answer_part in zip(
            slices(bare_jobs, rounds), slices(noop_jobs, rounds), slices(jobs, rounds), strict=True
        ):
            seconds, _, _ = await click_all(emu, bare_part, members)
            bare_s += seconds + await settle()
            seconds, _, _ = await click_all(emu, noop_part, members)
            noop_s += seconds + await settle()
            seconds, part_latencies, part_missing = await click_all(emu, answer_part, members)
            answers_s += seconds + await settle()
            latencies += part_latencies
            missing += part_missing
        async with bot.database.session() as s:
            stored = (await s.exec(select(func.count()).select_from(Attempt))).one()
            per_pair = (
                select(func.count())
                .select_from(Attempt)
                .group_by(col(Attempt.post_id), col(Attempt.member_id))
            )
            counts = (await s.exec(per_pair)).all()
        doubled = sum(n - 1 for n in counts if n > 1)
        lost = len(jobs) - (stored - doubled)
        return {
            "clicks": len(jobs),
            "members": members,
            "answers_per_s": round(len(jobs) / answers_s, 1),
            "noop_per_s": round(len(noop_jobs) / noop_s, 1),
            "ratio": round(noop_s / answers_s, 3),
            "noop_bare_message_per_s": round(len(bare_jobs) / bare_s, 1),
            "ratio_vs_bare_message": round(bare_s / answers_s, 3),
            "p95_ms": round(statistics.quantiles(latencies, n=20)[18], 2) if len(latencies) > 20 else None,
            "lost": lost,
            "no_reply": missing,
            "doubled": doubled,
        }


def message_post_id(message: dict[str, Any]) -> int:
    custom_id = message["components"][0]["components"][0]["custom_id"]
    return int(custom_id.split(":")[2])


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clicks", type=int, default=10_000)
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=10, help="slices the three phases alternate in")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        lessons = Path(tmp) / "lessons"
        lessons.mkdir()
        (lessons / "bench.yaml").write_text(LESSON)
        results["sqlite"] = await measure(
            f"sqlite+aiosqlite:///{tmp}/bench.db", lessons, args.clicks, args.members, args.rounds
        )
        reason = await postgres_reachable()
        if reason is None:
            async with temporary_postgres_database() as url:
                results["postgresql"] = await measure(url, lessons, args.clicks, args.members, args.rounds)
        else:
            results["postgresql"] = {"skipped": reason}
    print(json.dumps(results))


if __name__ == "__main__":
    asyncio.run(main())
