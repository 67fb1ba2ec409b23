"""A settable clock to give QuizBot (start_bot(clock=...)), so tests move time instead of waiting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo


class Clock:
    """The real time until a test sets or advances it, then frozen there; one clock can drive
    several bots (a restart, two processes on one database)."""

    def __init__(self, at: datetime | None = None) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at if self.at is not None else datetime.now(UTC)

    def set(
        self, year: int, month: int, day: int, hour: int, minute: int, second: int = 0, *, tz: tzinfo = UTC
    ) -> None:
        """Stop the clock at this wall time in `tz` (UTC unless given)."""
        self.at = datetime(year, month, day, hour, minute, second, tzinfo=tz).astimezone(UTC)

    def advance(self, by: timedelta) -> None:
        """Stop the clock `by` after what it reads now."""
        self.at = self() + by
