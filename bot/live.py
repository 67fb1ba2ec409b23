"""A live round's standings, from its answers: pure, no discord and no storage.

Speed points (bot.grading.speed_points) rank the game; ties go to the smaller total answer time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.grading import speed_points

if TYPE_CHECKING:
    from storage.live_games import LiveAnswer


@dataclass(frozen=True, slots=True)
class Standing:
    member_id: int
    points: int
    right: int
    answered: int
    seconds: float  # total answer time: the tie-break

    @property
    def rank_key(self) -> tuple[int, float, int]:
        return (-self.points, self.seconds, self.member_id)


def standings(answers: Iterable[LiveAnswer], limit_seconds: float) -> list[Standing]:
    """Everyone who answered, best first."""
    points: dict[int, int] = {}
    right: dict[int, int] = {}
    answered: dict[int, int] = {}
    seconds: dict[int, float] = {}
    for a in answers:
        points[a.member_id] = points.get(a.member_id, 0) + speed_points(a.right, a.seconds, limit_seconds)
        right[a.member_id] = right.get(a.member_id, 0) + a.right
        answered[a.member_id] = answered.get(a.member_id, 0) + 1
        seconds[a.member_id] = seconds.get(a.member_id, 0.0) + a.seconds
    table = [Standing(m, points[m], right[m], answered[m], seconds[m]) for m in points]
    return sorted(table, key=lambda s: s.rank_key)


def fastest_right(answers: Iterable[LiveAnswer], post_id: int, count: int = 3) -> list[LiveAnswer]:
    return sorted((a for a in answers if a.post_id == post_id and a.right), key=lambda a: a.seconds)[:count]


def shares(answers: Iterable[LiveAnswer], post_id: int) -> dict[tuple[str, ...], int]:
    """How many picked each answer (in the pack's letters) on one question."""
    out: dict[tuple[str, ...], int] = {}
    for a in answers:
        if a.post_id == post_id:
            out[a.chosen] = out.get(a.chosen, 0) + 1
    return out


def accuracy(answers: Sequence[LiveAnswer], post_ids: Sequence[int]) -> list[tuple[int, int]]:
    """(right, answered) per question, in the game's order."""
    return [
        (sum(a.right for a in answers if a.post_id == p), sum(1 for a in answers if a.post_id == p))
        for p in post_ids
    ]
