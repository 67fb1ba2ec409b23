"""Embed pieces every way of showing a question shares: colours, marks, the answer and solution
fields, the private blanks form."""

from __future__ import annotations

from collections.abc import Mapping

import discord

from bot.grading import MAX_TRIES, grade
from bot.i18n import N_, _, ngettext, percent
from bot.rendering import bar, clip, numbered, shorten
from content import Question
from content.discord_limits import EMBED_DESCRIPTION_CHARS, EMBED_FIELD_CHARS

COLOURS = {"easy": discord.Colour.green(), "medium": discord.Colour.gold(), "hard": discord.Colour.red()}
RIGHT, WRONG = "✅", "❌"
DIFFICULTY_NAMES = {
    # TRANSLATORS: a question's difficulty, as a lesson labels it.
    "easy": N_("easy"),
    # TRANSLATORS: a question's difficulty, as a lesson labels it.
    "medium": N_("medium"),
    # TRANSLATORS: a question's difficulty, as a lesson labels it.
    "hard": N_("hard"),
}


def difficulty_name(difficulty: str) -> str:
    """A question's difficulty in the language being spoken ("easy" -> "leicht")."""
    return _(DIFFICULTY_NAMES[difficulty]) if difficulty in DIFFICULTY_NAMES else difficulty


def answer_text(question: Question) -> str:
    """The right option(s): "A. optimizer.apply_gradients", one per blank for blanks."""
    return ", ".join(
        f"{letter}. {text}"
        for letter, text in zip(question.answer_letters, question.answer_texts, strict=True)
    )


def add_hint(embed: discord.Embed, question: Question) -> discord.Embed:
    embed.add_field(name=_("Hint"), value=shorten(question.hint, EMBED_FIELD_CHARS), inline=False)
    return embed


def add_mistake(embed: discord.Embed, text: str | None) -> discord.Embed:
    """The common mistake tied to the option picked, when the lesson has one."""
    if text:
        embed.add_field(name=_("Common mistake"), value=shorten(text, EMBED_FIELD_CHARS), inline=False)
    return embed


def add_revealed_answer(embed: discord.Embed, question: Question) -> discord.Embed:
    """A closed post's Answer field: the right option(s) with their letters in bold."""
    answer = ", ".join(
        f"**{letter}.** {text}"
        for letter, text in zip(question.answer_letters, question.answer_texts, strict=True)
    )
    embed.add_field(name=_("Answer"), value=shorten(answer, EMBED_FIELD_CHARS), inline=False)
    return embed


def add_answer(embed: discord.Embed, question: Question) -> discord.Embed:
    embed.add_field(name=_("Answer"), value=shorten(answer_text(question), EMBED_FIELD_CHARS), inline=False)
    return embed


def add_solution(embed: discord.Embed, question: Question) -> discord.Embed:
    embed.add_field(
        name=_("Solution"), value=clip(numbered(question.solution), EMBED_FIELD_CHARS), inline=False
    )
    return embed


def tries_left_text(tries_left: int) -> str:
    """'2 tries left', 'one try left'."""
    return ngettext("{count} try left", "{count} tries left", tries_left).format(count=tries_left)


def blanks_form_embed(question: Question, tries_left: int) -> discord.Embed:
    """The private fill-in-the-blanks form over a public post: the code, and the tries left."""
    embed = discord.Embed(
        title=_("Fill in the blanks"),
        description=clip(
            f"{question.prompt}\n```python\n{question.shown_code()}\n```", EMBED_DESCRIPTION_CHARS
        ),
        colour=COLOURS[question.difficulty],
    )
    embed.set_footer(
        # TRANSLATORS: "Submit" is the form's button; {tries_left} of {max_tries} counts the member's tries.
        text=ngettext(
            "Pick an option for each blank, then Submit · {tries_left} of {max_tries} tries left",
            "Pick an option for each blank, then Submit · {tries_left} of {max_tries} tries left",
            tries_left,
        ).format(tries_left=tries_left, max_tries=MAX_TRIES)
    )
    return embed


def share_lines(question: Question, counts: Mapping[tuple[str, ...], int], shown: int = 10) -> str:
    """Who picked what, one bar per answer picked, most picked first, the right one ticked; in the
    letters this showing gave the options (`counts` are in the pack's letters, as stored)."""
    total = sum(counts.values())
    rows = sorted(((question.shown_letters(c), n) for c, n in counts.items()), key=lambda r: (-r[1], r[0]))
    lines = []
    for letters, count in rows[:shown]:
        share = count / total if total else 0
        mark = RIGHT if grade(question, letters) else "  "
        lines.append(f"`{','.join(letters):<7}` {bar(share)} {percent(share):>4} ({count}) {mark}")
    return clip("\n".join(lines), EMBED_FIELD_CHARS)
