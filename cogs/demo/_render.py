"""How a run's real output is shown: a code block, the seed and the time, and what it means."""

from __future__ import annotations

import discord

from bot.i18n import N_, _, number
from bot.rendering import clip, shorten
from bot.trainer import RunResult, printed_text
from content import Question
from content.discord_limits import EMBED_DESCRIPTION_CHARS, EMBED_FIELD_CHARS
from content.scoping import authored

# The title of a run's result, by how the run ended.
TITLES = {
    "ok": N_("▶️ What the code printed"),
    "error": N_("⚠️ The code raised an error"),
    "timeout": N_("⏱️ The code took too long"),
    "memory": N_("💥 The code ran out of memory"),
    # TRANSLATORS: the worker is the separate process that runs lessons' TensorFlow code.
    "crashed": N_("💥 The TensorFlow worker crashed"),
}
# Under "What happened", for a run that did not finish.
NOTES = {
    "timeout": N_("It was stopped at the time limit; a fresh worker has been started."),
    "memory": N_("It hit the worker's memory limit; a fresh worker has been started."),
    "crashed": N_("A fresh worker has been started: try again in a few seconds."),
}
COLOURS = {"ok": discord.Colour.green(), "error": discord.Colour.orange()}
# The printed text quoted in "What it means": leaves room in the 1024-character field for the sentence.
CLAIM_PRINTED_CHARS = 600
# Epochs shown while training and in the result: the latest ones, where the loss ended up.
PROGRESS_LINES = 15
# The epochs come from the trainer's callback, not from the code's stdout: they get a heading of their own.
# TRANSLATORS: a heading over the loss (and other metrics) after each epoch of training a model.
PROGRESS_HEADING = N_("Training progress (per epoch)")
FENCE_CHARS = len("```\n\n```")


def code_block(text: str, limit: int) -> str:
    # A ``` inside the output would end the block early: break it with a zero-width space.
    body = text.rstrip("\n").replace("```", "`\u200b``") or _("(nothing was printed)")
    return f"```\n{clip(body, limit - FENCE_CHARS)}\n```"


def output_claim(question: Question, result: RunResult) -> str | None:
    """For a question about what the code prints: which option the real output confirms."""
    check = question.output_check
    if check is None or not result.ok:
        return None
    quoted = shorten(printed_text(result), CLAIM_PRINTED_CHARS)
    # By its text: each post, run and review card letters the options in its own order.
    option = question.option_text(check.supports)
    # Matched by the worker, within a time limit: a pattern that backtracks for ever must not stall the bot.
    if result.output_matches is None:
        # TRANSLATORS: {printed} is what the code printed; {answer} is the text of the question's answer.
        text = _(
            "The code printed `{printed}`; checking it against the answer **{answer}** took too long: "
            "please tell a moderator."
        )
    elif result.output_matches:
        # TRANSLATORS: {printed} is what the code printed; {answer} is the text of the question's answer.
        text = _("The code printed `{printed}`: that is the answer **{answer}**.")
    else:
        # TRANSLATORS: {printed} is what the code printed; {answer} is the text of the question's answer.
        text = _(
            "The code printed `{printed}`, which does not fit the answer **{answer}**: please tell a moderator."
        )
    return text.format(printed=quoted, answer=option)


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
        title=_(TITLES[result.status]),
        description="\n".join(parts),
        colour=COLOURS.get(result.status, discord.Colour.red()),
    )
    claim = output_claim(question, result)
    if claim:
        # TRANSLATORS: a heading over which answer the code's real output confirms.
        embed.add_field(name=_("What it means"), value=claim, inline=False)
    if progress:
        embed.add_field(
            name=_(PROGRESS_HEADING), value=latest_epochs(progress, EMBED_FIELD_CHARS), inline=False
        )
    if result.status in NOTES:
        # TRANSLATORS: a heading over why a run of the code did not finish.
        embed.add_field(name=_("What happened"), value=_(NOTES[result.status]), inline=False)
    # TRANSLATORS: {question} is the question's id; {seed} the random seed, a number to type back into
    # /demo as is; {ms} how many milliseconds the run took.
    footer = _("{question} · seed {seed} · {ms} ms")
    embed.set_footer(
        text=footer.format(question=authored(question.id), seed=result.seed, ms=number(round(result.wall_ms)))
    )
    return embed


def progress_embed(question: Question, lines: list[str], seed: int | None) -> discord.Embed:
    embed = discord.Embed(
        # TRANSLATORS: the title while a model trains, its epochs underneath.
        title=_("⏳ Training…"),
        description=latest_epochs(lines, 1500),
        colour=discord.Colour.blurple(),
    )
    embed.set_footer(text=seed_line(question, seed))
    return embed


def seed_line(question: Question, seed: int | None) -> str:
    """'weights.q3 · seed 7' (under a run that is training, and over its loss curve)."""
    if seed is None:
        # TRANSLATORS: {question} is the question's id; the run's random seed is not chosen yet.
        return _("{question} · seed random").format(question=authored(question.id))
    # TRANSLATORS: {question} is the question's id; {seed} the random seed, a number to type back into
    # /demo as is.
    return _("{question} · seed {seed}").format(question=authored(question.id), seed=seed)


def epoch_line(epoch: int, logs: dict[str, float]) -> str:
    """'epoch 3: loss 0.1234, accuracy 0.9000': Keras's own metric names, counted from 1."""
    metrics = ", ".join(f"{name} {value:.4f}" for name, value in logs.items())
    # TRANSLATORS: one line of training progress; {number} counts the epochs from 1; {metrics} are
    # Keras's metric names and values as they are ("loss 0.1234, accuracy 0.9000").
    return _("epoch {number}: {metrics}").format(number=epoch + 1, metrics=metrics)
