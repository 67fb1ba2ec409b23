"""Make docs/playground.png from a real run: start the playground with the bundled lessons, drive a
short story in Chromium (a moderator posts a question, a member answers wrong, then runs the code if
that button exists), and screenshot the channel as that member sees it.

    python scripts/screenshot_playground.py [--out docs/playground.png] [--chromium /usr/bin/chromium]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

from playwright.async_api import Page, async_playwright, expect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.playground import Playground  # noqa: E402

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
QUESTION = "weights.q3"  # a code question with a demo: the card shows highlighted Python
WAIT_MS = 30_000


async def story(page: Page, url: str) -> None:
    await page.goto(url)
    await expect(page.locator("#bot-status")).to_have_text("quizbot online", timeout=WAIT_MS)
    await page.click('#members [data-member="mod"]')
    await page.click('#channels [data-channel="quiz"]')
    await page.fill("#composer", f"/quiz post lesson:training-weights question:{QUESTION}")
    await page.click("#send")
    post = page.locator(
        "#messages .message:not([data-ephemeral])", has=page.locator(".embed-footer", has_text=QUESTION)
    )
    await expect(post).to_have_count(1, timeout=WAIT_MS)

    await page.click('#members [data-member="alice"]')
    await post.locator("button[data-custom-id$=':A']").click()  # option A is a common wrong pick
    await expect(page.locator(".message[data-ephemeral]").first).to_be_visible(timeout=WAIT_MS)
    run = post.get_by_role("button", name="Run the code")
    if await run.count():
        await run.click()
        await expect(page.locator(".message[data-ephemeral] pre.codeblock").last).to_be_visible(
            timeout=60_000
        )
    await page.wait_for_timeout(300)  # let images and the scroll settle


async def main(out: Path, chromium: str) -> None:
    with tempfile.TemporaryDirectory() as data:
        playground = Playground(database_url=f"sqlite+aiosqlite:///{Path(data) / 'playground.db'}", port=0)
        await playground.start()
        try:
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                page = await browser.new_page(viewport={"width": 1280, "height": 1180})
                await story(page, playground.url)
                out.parent.mkdir(parents=True, exist_ok=True)
                await page.screenshot(path=str(out))
                await browser.close()
        finally:
            await playground.stop()
    print(f"saved {out}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "playground.png")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    asyncio.run(main(args.out, args.chromium))
