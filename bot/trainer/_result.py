"""What a run returns, and the user-facing errors. Pure Python: both processes import it."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Status = Literal["ok", "error", "timeout", "memory", "crashed"]
STATUSES: tuple[Status, ...] = ("ok", "error", "timeout", "memory", "crashed")

# The note the worker ends a cut output with (English: the bot words it again for each member).
CUT_NOTE = re.compile(r"\.\.\. \(output cut: (?P<more>[\d,]+) more characters?\)\Z")

# Tracebacks and warnings name the snippet by this pseudo file name, so line numbers refer to the lesson code.
LESSON_FILENAME = "<lesson>"


@dataclass(frozen=True)
class RunResult:
    """The outcome of running one lesson snippet in the worker.

    `output` is stdout and stderr interleaved in the order the code wrote them (what a terminal shows),
    cut to the trainer's output limit with a note. `stdout`/`stderr` hold the same text split by
    stream (each cut the same way), so a CLI can send them to the matching stream.
    `output_matches`: for a run given an `output_pattern`, whether the printed text (stripped stdout, else
    stripped output) fully matches it; None if not asked, the run failed, or matching took too long.
    """

    output: str
    error: str | None
    seed: int
    wall_ms: float
    losses: list[float] = field(default_factory=list)
    status: Status = "ok"
    truncated: bool = False
    stdout: str = ""
    stderr: str = ""
    output_matches: bool | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunResult:
        status = data.get("status", "ok")
        if status not in STATUSES:
            raise ValueError(f"unknown run status {status!r}")
        return cls(
            output=str(data["output"]),
            error=None if data.get("error") is None else str(data["error"]),
            seed=int(data["seed"]),
            wall_ms=float(data["wall_ms"]),
            losses=[float(x) for x in data.get("losses", [])],
            status=status,
            truncated=bool(data.get("truncated", False)),
            stdout=str(data.get("stdout", "")),
            stderr=str(data.get("stderr", "")),
            output_matches=None if data.get("output_matches") is None else bool(data["output_matches"]),
        )


class TrainerBusy(Exception):
    """The run was refused; the message can be shown to the member as is.

    `reason` is "member" (this member already has a run going) or "queue" (too many runs waiting).
    """

    def __init__(self, message: str, *, reason: Literal["member", "queue"]) -> None:
        super().__init__(message)
        self.reason = reason


def printed_text(result: RunResult) -> str:
    """What an output check reads: the stripped stdout, or the whole output if nothing went to stdout."""
    return result.stdout.strip() or result.output.strip()


def cut_text(text: str, total_chars: int, limit: int) -> tuple[str, bool]:
    """Keep the first `limit` characters of a text that was `total_chars` long, with a note if cut.

    The worker keeps only the first characters of what the code prints (an endless print loop must not
    fill its memory), so the full length is passed separately.
    """
    if total_chars <= limit and len(text) <= limit:
        return text, False
    kept = text[:limit]
    more = total_chars - len(kept)
    sep = "" if kept.endswith("\n") or not kept else "\n"
    characters = "character" if more == 1 else "characters"  # one form: see CUT_NOTE
    return f"{kept}{sep}... (output cut: {more:,} more {characters})", True
