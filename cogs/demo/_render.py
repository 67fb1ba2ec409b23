"""How a run's real output is shown: a code block, the seed and the time, and what it means."""

from __future__ import annotations

import discord

from bot.rendering import clip, shorten
from bot.trainer import RunResult, printed_text
from content import Question
from content.discord_limits import EMBED_DESCRIPTION_CHARS, EMBED_FIELD_CHARS
from content.scoping import authored

TITLES = {
    "ok": "▶️ What the code printed",
    "error": "⚠️ The code raised an error",
    "timeout": "⏱️ The code took too long",
    "memory": "💥 The code ran out of memory",
    "crashed": "💥 The TensorFlow worker crashed",
}
NOTES = {
    "timeout": "It was stopped at the time limit; a fresh worker has been started.",
    "memory": "It hit the worker's memory limit; a fresh worker has been started.",
    "crashed": "A fresh worker has been started: try again in a few seconds.",
}
COLOURS = {"ok": discord.Colour.green(), "error": discord.Colour.orange()}
# The printed text quoted in "What it means": leaves room in the 1024-character field for the sentence.
CLAIM_PRINTED_CHARS = 600
# Epochs shown while training and in the result: the latest ones, where the loss ended up.
PROGRESS_LINES = 15
# The epochs come from the trainer's callback, not from the code's stdout: they get a heading of their own.
PROGRESS_HEADING = "Training progress (per epoch)"
FENCE_CHARS = len("```\n\n```")


def code_block(text: str, limit: int) -> str:
    # A ``` inside the output would end the block early: break it with a zero-width space.
    body = text.rstrip("\n").replace("```", "`\u200b``") or "(nothing was printed)"
    return f"```\n{clip(body, limit - FENCE_CHARS)}\n```"


def output_claim(question: Question, result: RunResult) -> str | None:
    """For a question about what the code prints: which option the real output confirms."""
    check = question.output_check
    if check is None or not result.ok:
        return None
    quoted = shorten(printed_text(result), CLAIM_PRINTED_CHARS)
    # By its text: each post, run and review card letters the options in its own order.
    option = f"the answer **{question.option_text(check.supports)}**"
    # Matched by the worker, within a time limit: a pattern that backtracks for ever must not stall the bot.
    if result.output_matches is None:
        return f"The code printed `{quoted}`; checking it against {option} took too long: please tell a moderator."
    if result.output_matches:
        return f"The code printed `{quoted}`: that is {option}."
    return f"The code printed `{quoted}`, which does not fit {option}: please tell a moderator."


def latest_epochs(lines: list[str], limit: int) -> str:
    """The last PROGRESS_LINES lines as a code block; older ones go first so the newest are never cut."""
    shown = lines[-PROGRESS_LINES:]
    while len(shown) > 1 and len("\n".join(shown)) > limit - FENCE_CHARS:
        shown = shown[1:]
    return code_block("\n".join(shown), limit)


def result_embed(
    question: Question, result: RunResult, *, progress: list[str] | None = None
) -> discord.Embed:
    """What the code printed (only that) in the description; the epochs under their own heading."""
    parts = []
    if result.output or result.status in ("ok", "error"):
        parts.append(code_block(result.output, EMBED_DESCRIPTION_CHARS - 1600))
    if result.error:
        parts.append(code_block(result.error, 1000))
    embed = discord.Embed(
        title=TITLES[result.status],
        description="\n".join(parts),
        colour=COLOURS.get(result.status, discord.Colour.red()),
    )
    claim = output_claim(question, result)
    if claim:
        embed.add_field(name="What it means", value=claim, inline=False)
    if progress:
        embed.add_field(name=PROGRESS_HEADING, value=latest_epochs(progress, EMBED_FIELD_CHARS), inline=False)
    if result.status in NOTES:
        embed.add_field(name="What happened", value=NOTES[result.status], inline=False)
    embed.set_footer(text=f"{authored(question.id)} · seed {result.seed} · {result.wall_ms:,.0f} ms")
    return embed


def progress_embed(question: Question, lines: list[str], seed: int | None) -> discord.Embed:
    embed = discord.Embed(
        title="⏳ Training…",
        description=latest_epochs(lines, 1500),
        colour=discord.Colour.blurple(),
    )
    embed.set_footer(text=f"{authored(question.id)} · seed {seed if seed is not None else 'random'}")
    return embed
