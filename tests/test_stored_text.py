"""Text kept for later readers reads in each reader's language; older rows read as they were written."""

from __future__ import annotations

from bot.i18n import speaking, translations
from bot.stored_text import english, keep, read


def test_a_kept_reason_reads_in_the_readers_language_with_its_values() -> None:
    stored = keep(
        N := "the lesson has no {difficulty} questions any more.", translated={"difficulty": "easy"}
    )
    german = translations("de")
    with speaking("de"):
        expected = german.gettext(N).format(difficulty=german.gettext("easy"))
        assert read(stored) == expected != english(stored)
    assert english(stored) == "the lesson has no easy questions any more."
    with speaking("fr"):
        assert read(keep("paused by {member}", member="<@7>")).count("<@7>") == 1


def test_text_stored_before_or_cut_reads_as_it_was_written() -> None:
    assert read("paused by <@7>") == "paused by <@7>"
    damaged = keep("paused by {member}", member="<@7>")[:20]
    assert read(damaged) == damaged
