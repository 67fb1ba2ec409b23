"""How the playground page is driven headless (Debian's Chromium), for the browser tests and
scripts/screenshot_playground.py. Dev-only: the shipped playground never launches a browser."""

from __future__ import annotations

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
