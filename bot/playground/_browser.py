"""How the page is driven headless (the screenshot script and the browser tests): Debian's Chromium."""

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
