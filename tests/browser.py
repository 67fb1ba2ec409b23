"""How the playground page is driven headless (Debian's Chromium), for the browser tests and
scripts/screenshot_playground.py. Dev-only: the shipped playground never launches a browser."""

from __future__ import annotations

import os
from pathlib import Path

from tests.environment import skip_for_missing

DEBIAN_CHROMIUM = "/usr/bin/chromium"
# Headless, and nothing that reaches the network on its own (tests talk to 127.0.0.1 only).
HEADLESS_CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    """Debian's Chromium, or QUIZBOT_CHROMIUM (another build, or a missing one to try the skip)."""
    return os.environ.get("QUIZBOT_CHROMIUM") or DEBIAN_CHROMIUM


def missing_chromium() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    path = chromium_path()
    if Path(path).is_file() and os.access(path, os.X_OK):
        return None
    return f"Debian's Chromium is not installed at {path} (apt-get install chromium)"


def require_chromium() -> str:
    """The browser to launch. Without one: skip (one line in the summary), or fail under CI."""
    reason = missing_chromium()
    if reason is not None:
        skip_for_missing("browser", reason)
    return chromium_path()
