"""The review rule (bot.spaced_review) on its own: which rating an answer earns and the card it makes."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

from fsrs import Card, Rating

from bot.spaced_review import next_card, rated, rating_for

T0 = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


def test_outcomes_map_to_the_product_owners_ratings() -> None:
    assert rating_for(right=False, try_no=3) is Rating.Again
    assert rating_for(right=True, try_no=2) is Rating.Hard
    assert rating_for(right=True, try_no=1, hinted=True) is Rating.Hard
    assert rating_for(right=True, try_no=1) is Rating.Good


def test_a_right_first_try_without_a_card_makes_none_and_a_miss_makes_one() -> None:
    assert next_card(None, 0, T0, right=True, try_no=1) is None
    missed = next_card(None, 0, T0, right=False, try_no=3)
    assert missed is not None and missed.lapses == 1
    assert T0 < missed.due <= T0 + timedelta(minutes=10), "a missed question comes back within minutes"
    hard = next_card(None, 0, T0, right=True, try_no=2)
    assert hard is not None and hard.lapses == 0, "right after a miss: a card, but no lapse"


def test_a_card_is_the_fsrs_dict_and_good_answers_space_it_further() -> None:
    first = next_card(None, 0, T0, right=False, try_no=3)
    assert first is not None and Card.from_dict(first.card).due == first.due  # type: ignore[arg-type]
    card, lapses, now, gaps = first.card, first.lapses, first.due, []
    for _ in range(4):
        after = next_card(card, lapses, now, right=True)
        assert after is not None and after.lapses == lapses == 1
        gaps.append(after.due - now)
        card, now = after.card, after.due
    assert gaps == sorted(gaps) and gaps[-1] > timedelta(days=1)
    assert rated(card, lapses, Rating.Again, now) == rated(card, lapses, Rating.Again, now), "no fuzzing"


def test_the_rule_imports_neither_storage_nor_discord() -> None:
    code = (
        "import sys, bot.spaced_review; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'discord', 'storage', 'sqlalchemy', 'cogs'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"
