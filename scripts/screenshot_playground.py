"""Make docs/playground.png from a real run: start the playground with the bundled lessons, drive a
short story in Chromium (a moderator posts a fill-in-the-blank question, a member answers it in her
private form, then runs the lesson's code if that button exists), and screenshot the channel as she
sees it.

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
from tests.browser import DEBIAN_CHROMIUM, HEADLESS_CHROMIUM_ARGS  # noqa: E402

QUESTION = "weights.task3"  # fill in the blank, with a model.fit demo: code, menus, output and curve
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

    # Alice opens her private form, picks the method for the blank and submits.
    await page.click('#members [data-member="alice"]')
    await post.get_by_role("button", name="Answer").click()
    opened = page.locator(".message[data-ephemeral]", has_text="Fill in the blanks")
    await expect(opened).to_have_count(1, timeout=WAIT_MS)
    form = page.locator(f'.message[data-id="{await opened.get_attribute("data-id")}"]')
    await form.locator("select").first.select_option(label="fit")
    await expect(form.get_by_role("button", name="Submit")).to_be_enabled(timeout=WAIT_MS)
    await form.get_by_role("button", name="Submit").click()
    await expect(form).to_contain_text("Right on try 1", timeout=WAIT_MS)

    # Then she runs the lesson's code (when the trainer's button is there) and sees what it printed.
    run = post.get_by_role("button", name="Run the code")
    if await run.count():
        await run.click()
        await expect(page.locator(".message[data-ephemeral] img").last).to_be_visible(timeout=60_000)
    await page.wait_for_timeout(500)  # let images and the scroll settle


async def main(out: Path, chromium: str) -> None:
    with tempfile.TemporaryDirectory() as data:
        playground = Playground(database_url=f"sqlite+aiosqlite:///{Path(data) / 'playground.db'}", port=0)
        await playground.start()
        try:
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(
                    executable_path=chromium, args=HEADLESS_CHROMIUM_ARGS
                )
                page = await browser.new_page(viewport={"width": 1280, "height": 1500})
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
    parser.add_argument("--chromium", default=DEBIAN_CHROMIUM)
    args = parser.parse_args()
    asyncio.run(main(args.out, args.chromium))
