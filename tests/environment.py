"""What a test run could not do on this machine, said once at the end of the run.

Locally a missing tool (Debian's Chromium, Discord's OpenAPI description) skips only what needs it and
adds one line to the terminal summary; under CI (`CI` set) nothing may be skipped: the tests that need
it fail instead."""

from __future__ import annotations

import inspect
import os
from typing import NoReturn

import pytest

# One line each, printed by tests/conftest.py's pytest_terminal_summary (insertion order, no repeats).
NOTES: dict[str, None] = {}


# Every skip for a missing tool says this, and is reported at `skip_for_missing` (folded into one line).
ENVIRONMENT_SKIP = "tests skipped: "


def in_ci() -> bool:
    """CI=true (or any value but empty/0/false), as CI services set it."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def note(line: str) -> None:
    NOTES[line] = None


def skip_for_missing(what: str, reason: str) -> NoReturn:
    """Locally: skip, with `WHAT tests skipped: REASON` once at the end. Under CI: fail."""
    line = f"{what} {ENVIRONMENT_SKIP}{reason}"
    if in_ci():
        pytest.fail(f"CI runs every test, the {what} tests too: {reason}", pytrace=False)
    note(line)
    pytest.skip(line)


ENVIRONMENT_SKIP_AT = (__file__, inspect.getsourcelines(skip_for_missing)[1])
