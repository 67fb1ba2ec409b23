"""The playground in a real browser (Playwright driving Debian's Chromium): a member's story from the
page, against the real bot and the loopback Discord. Every body the bot sent is spec-checked."""

from __future__ import annotations

import asyncio
import re
import struct
import zlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, FilePayload, Locator, Page, Route, async_playwright, expect
from playwright.async_api import TimeoutError as PlaywrightTimeout

from bot.i18n import translations
from bot.playground import Playground
from tests.browser import HEADLESS_CHROMIUM_ARGS, require_chromium
from tests.discord_spec import assert_bodies_match_spec
from tests.emulator import plant_message

# Waits for what the bot does (a round trip through the emulator is milliseconds; CI machines are slow).
WAIT_MS = 15_000

LESSON = """\
id: pg
title: Playground lesson
topic: testing
source: written for the playground tests
questions:
  - id: pg.fit
    kind: multiple_choice
    shuffle: false
    prompt: What does model.fit change?
    options: [The weights, The training data, The loss function]
    answer: A
    difficulty: hard
    hint: The optimizer updates them at every step.
    mistakes:
      - text: fit never changes the training data.
        option: B
    solution:
      - fit runs the optimizer, which moves the weights to lower the loss.
    demo: |
      import numpy as np
      import tensorflow as tf

      x = np.linspace(-1, 1, 64).reshape(-1, 1).astype("float32")
      y = 3 * x + 1
      model = tf.keras.Sequential([tf.keras.Input(shape=(1,)), tf.keras.layers.Dense(1)])
      model.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="mse")
      history = model.fit(x, y, epochs=5, verbose=0)
      print(f"final loss: {history.history['loss'][-1]:.4f}")
  - id: pg.easy
    kind: multiple_choice
    shuffle: false
    prompt: Why does training update weights?
    options: [To reduce the loss, To grow the model]
    answer: A
    difficulty: easy
    hint: Think of the loss.
    solution:
      - Training lowers the loss.
  - id: pg.blanks
    kind: fill_blanks
    shuffle: false
    prompt: Square the even numbers.
    code: |
      # keep the even ones
      squares = {x: x[1]2 for x in range(6) if x [2] 2 == 0}
    options: ["**", "%", "//", "+"]
    answer: [A, B]
    difficulty: medium
    hint: A power, then a remainder.
    solution:
      - "** raises to a power; % gives the remainder."
"""


@pytest.fixture(scope="session", autouse=True)
def chromium() -> str:
    """First, before any playground or TensorFlow worker starts: without Chromium every test here is
    skipped with one line in the summary (locally) or fails (CI)."""
    return require_chromium()


@pytest.fixture(scope="module")
async def browser(chromium: str) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=chromium, args=HEADLESS_CHROMIUM_ARGS)
        yield launched
        await launched.close()


@pytest.fixture
def lessons_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "lessons"
    folder.mkdir()
    (folder / "pg.yaml").write_text(LESSON)
    return folder


@pytest.fixture
async def start_playground(tmp_path: Path, shared_trainer: Any) -> AsyncIterator[Any]:
    """Start playgrounds on a free port with the session's TensorFlow worker; stopped at teardown,
    then every JSON body their bot sent is checked against Discord's OpenAPI spec."""
    started: list[Playground] = []

    async def start(lessons: Path) -> Playground:
        playground = Playground(
            database_url=f"sqlite+aiosqlite:///{tmp_path / 'playground.db'}",
            lessons_dir=lessons,
            port=0,
            trainer=shared_trainer,
            poll_seconds=0.1,
        )
        started.append(playground)
        await playground.start()
        bound = playground.emulator._runner.addresses  # type: ignore[union-attr]
        assert bound and all(address[0] == "127.0.0.1" for address in bound), bound
        return playground

    yield start
    for playground in started:
        await playground.stop()
    for playground in started:
        assert_bodies_match_spec(playground.emulator.requests)


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    opened = await context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda exc: errors.append(str(exc)))
    yield opened
    await context.close()
    assert errors == [], f"the page raised JavaScript errors: {errors}"


async def open_page(page: Page, playground: Playground) -> None:
    await page.goto(playground.url)
    await expect(page.locator("#bot-status")).to_have_text("quizbot online", timeout=WAIT_MS)


async def act_as(page: Page, member: str) -> None:
    await page.click(f'#members [data-member="{member}"]')
    await expect(page.locator(f'#members [data-member="{member}"]')).to_have_attribute("aria-checked", "true")


async def open_channel(page: Page, channel: str) -> None:
    await page.click(f'#channels [data-channel="{channel}"]')
    await expect(page.locator("#channel-name")).to_have_text(channel)


async def send(page: Page, line: str) -> None:
    await page.fill("#composer", line)
    await page.click("#send")
    await expect(page.locator("#composer")).to_have_value("", timeout=WAIT_MS)


def message_with(page: Page, text: str) -> Locator:
    return page.locator("#messages .message", has_text=text)


def post_of(page: Page, question_id: str) -> Locator:
    """The public post of a question (its embed footer ends with the question id)."""
    return page.locator(
        "#messages .message:not([data-ephemeral])", has=page.locator(".embed-footer", has_text=question_id)
    )


async def post_question(page: Page, question_id: str) -> Locator:
    await act_as(page, "mod")
    await open_channel(page, "quiz")
    await send(page, f"/quiz post lesson:pg question:{question_id}")
    post = post_of(page, question_id)
    await expect(post).to_have_count(1, timeout=WAIT_MS)
    return post


async def test_moderator_posts_with_autocomplete_and_members_answer_privately(
    start_playground: Any, lessons_dir: Path, page: Page
) -> None:
    playground = await start_playground(lessons_dir)
    await open_page(page, playground)
    await act_as(page, "mod")
    await open_channel(page, "quiz")

    # The message box offers the synced commands, subcommands, options and the bot's own autocomplete.
    composer = page.locator("#composer")
    suggestions = page.locator("#suggestions li")
    await composer.press_sequentially("/qu")
    await expect(suggestions.first).to_contain_text("/quiz")
    await composer.press("Tab")
    await expect(suggestions).to_contain_text(["/quiz close", "/quiz post"])
    await composer.press_sequentially("p")
    await expect(suggestions.first).to_contain_text("/quiz post")
    await composer.press("Tab")
    await expect(suggestions.first).to_contain_text("lesson:")
    await composer.press("Tab")
    await expect(suggestions.first).to_contain_text("Playground lesson (pg)", timeout=WAIT_MS)
    await composer.press("Tab")
    await expect(composer).to_have_value("/quiz post lesson:pg ")
    await composer.press_sequentially("question:fit")
    await expect(suggestions.first).to_contain_text("pg.fit: What does model.fit change?", timeout=WAIT_MS)
    await composer.press("Tab")
    await expect(composer).to_have_value("/quiz post lesson:pg question:pg.fit ")
    await composer.press("Enter")
    await expect(composer).to_have_value("", timeout=WAIT_MS)

    post = post_of(page, "pg.fit")
    await expect(post).to_have_count(1, timeout=WAIT_MS)
    await expect(post.locator(".embed-title")).to_have_text("Question · Playground lesson")
    await expect(
        message_with(page, "Posted `pg.fit`").or_(message_with(page, "Posted pg.fit"))
    ).to_have_count(1)
    await expect(page.locator(".message", has_text="Posted").locator(".used")).to_contain_text(
        "Mod used /quiz post"
    )
    await expect(page.locator(".message", has_text="Posted")).to_contain_text("Only you can see this")

    # Alice answers wrong: the hint and the common mistake, only for her.
    await act_as(page, "alice")
    await expect(message_with(page, "Posted")).to_have_count(0)  # the moderator's private confirmation
    await post.get_by_role("button", name="B. The training data").click()
    wrong = page.locator(".message[data-ephemeral]", has_text="Not quite: 2 tries left")
    await expect(wrong).to_have_count(1, timeout=WAIT_MS)
    await expect(wrong).to_contain_text("The optimizer updates them at every step.")
    await expect(wrong).to_contain_text("fit never changes the training data.")
    await expect(wrong).to_contain_text("Only you can see this")

    # Bob sees the public post but not Alice's feedback, and answers right on his first try.
    await act_as(page, "bob")
    await expect(post).to_have_count(1)
    await expect(page.locator(".message", has_text="Not quite")).to_have_count(0)
    await post.get_by_role("button", name="A. The weights").click()
    await expect(
        page.locator(".message[data-ephemeral]", has_text="Right on try 1: +3 points")
    ).to_have_count(1, timeout=WAIT_MS)

    # Back to Alice: her own feedback is still there, Bob's is not; right on her second try.
    await act_as(page, "alice")
    await expect(wrong).to_have_count(1)
    await expect(page.locator(".message", has_text="Right on try 1")).to_have_count(0)
    await post.get_by_role("button", name="A. The weights").click()
    right = page.locator(".message[data-ephemeral]", has_text="Right on try 2: +2 points")
    await expect(right).to_have_count(1, timeout=WAIT_MS)
    await expect(right).to_contain_text("fit runs the optimizer")

    # The public post counts answers (the quiz cog edits it within a few seconds), never who chose what.
    await expect(post.locator(".embed-field", has_text="Answered")).to_contain_text(
        "2 members", timeout=WAIT_MS
    )


async def test_members_without_permission_are_refused_and_typos_are_explained(
    start_playground: Any, lessons_dir: Path, page: Page
) -> None:
    playground = await start_playground(lessons_dir)
    await open_page(page, playground)
    await act_as(page, "carol")
    await send(page, "/quiz post lesson:pg")
    refused = page.locator(".message[data-ephemeral]", has_text="Only moderators can do that")
    await expect(refused).to_have_count(1, timeout=WAIT_MS)

    await page.fill("#composer", "/quiz post channel:quiz")
    await page.click("#send")
    await expect(page.locator("#composer-error")).to_have_text("/quiz post needs lesson:")
    await expect(page.locator("#composer")).to_have_value("/quiz post channel:quiz")  # kept to fix it
    await page.fill("#composer", "hello everyone")
    await page.press("#composer", "Enter")
    await expect(page.locator("#composer-error")).to_contain_text("start with /")


async def test_fill_in_the_blanks_form_uses_select_menus_and_shows_highlighted_code(
    start_playground: Any, lessons_dir: Path, page: Page
) -> None:
    playground = await start_playground(lessons_dir)
    await open_page(page, playground)
    post = await post_question(page, "pg.blanks")
    code = post.locator("pre.codeblock")
    await expect(code).to_contain_text("squares = {x: x⟨1⟩2 for x in range(6)")
    await expect(code.locator(".tok-keyword", has_text="for").first).to_be_visible()
    await expect(code.locator(".tok-comment")).to_have_text("# keep the even ones")

    await act_as(page, "alice")
    await post.get_by_role("button", name="Answer").click()
    opened = page.locator(".message[data-ephemeral]", has_text="Fill in the blanks")
    await expect(opened).to_have_count(1, timeout=WAIT_MS)
    # The same private message is edited as blanks are picked and when it is graded.
    form = page.locator(f'.message[data-id="{await opened.get_attribute("data-id")}"]')
    submit = form.get_by_role("button", name="Submit")
    await expect(submit).to_be_disabled()
    await form.locator("select").nth(0).select_option("A")
    # Wait for the bot's edit, not just the browser's own change: the next menu's custom_id must
    # carry this pick (a member faster than the edit would pick from a stale form, as on Discord).
    await expect(submit).to_have_attribute("data-custom-id", re.compile(r":A-$"), timeout=WAIT_MS)
    await form.locator("select").nth(1).select_option("B")
    await expect(submit).to_be_enabled(timeout=WAIT_MS)
    await submit.click()
    await expect(form).to_contain_text("Right on try 1: +2 points", timeout=WAIT_MS)


async def test_run_the_code_shows_the_real_printed_loss_and_the_loss_curve(
    start_playground: Any, lessons_dir: Path, page: Page
) -> None:
    playground = await start_playground(lessons_dir)
    await open_page(page, playground)
    post = await post_question(page, "pg.fit")
    await act_as(page, "alice")
    run = post.get_by_role("button", name=re.compile("Run the code"))
    await expect(run).to_have_count(1)
    # On an open post the code runs for members who have answered.
    await post.get_by_role("button", name="A. The weights").click()
    await expect(page.locator(".message", has_text="Right on try 1")).to_have_count(1, timeout=WAIT_MS)
    await run.click()
    printed_loss = re.compile(r"final loss: \d+\.\d{4}")
    output = page.locator(".message[data-ephemeral]", has_text=printed_loss)
    await expect(output).to_have_count(1, timeout=60_000)
    text = await output.inner_text()
    loss = float(printed_loss.search(text).group(0).split()[-1])  # type: ignore[union-attr]
    assert 0 <= loss < 5, f"a real loss after 5 epochs of SGD, got {text!r}"
    image = output.locator("img").first
    await expect(image).to_be_visible(timeout=WAIT_MS)
    natural_width = await image.evaluate("img => img.complete ? img.naturalWidth : 0")
    assert natural_width > 100, "the loss curve PNG was served and decoded"


async def test_leaderboard_ranks_members_by_points_after_they_answer(
    start_playground: Any, lessons_dir: Path, page: Page
) -> None:
    playground = await start_playground(lessons_dir)
    await open_page(page, playground)
    post = await post_question(page, "pg.fit")
    await act_as(page, "alice")
    await post.get_by_role("button", name="B. The training data").click()
    await expect(page.locator(".message", has_text="Not quite")).to_have_count(1, timeout=WAIT_MS)
    await post.get_by_role("button", name="A. The weights").click()  # 2 points
    await expect(page.locator(".message", has_text="Right on try 2")).to_have_count(1, timeout=WAIT_MS)
    await act_as(page, "bob")
    await post.get_by_role("button", name="A. The weights").click()  # 3 points
    await expect(page.locator(".message", has_text="Right on try 1")).to_have_count(1, timeout=WAIT_MS)

    await act_as(page, "carol")
    await send(page, "/leaderboard")
    board = page.locator(".message", has=page.locator(".used", has_text="/leaderboard"))
    await expect(board).to_contain_text("Bob", timeout=WAIT_MS)
    text = await board.inner_text()
    assert "Alice" in text and text.index("Bob") < text.index("Alice"), text


async def test_lesson_edits_reload_live_and_a_broken_edit_shows_file_and_line(
    start_playground: Any, lessons_dir: Path, page: Page
) -> None:
    playground = await start_playground(lessons_dir)
    await open_page(page, playground)
    lessons = page.locator("#lesson-list")
    await expect(lessons).to_contain_text("Playground lesson")
    problems = page.locator("#lesson-problems")
    await expect(problems).to_be_hidden()

    pack = lessons_dir / "pg.yaml"
    pack.write_text(
        LESSON.replace("title: Playground lesson", "title: Playground lesson, edited").replace(
            "Why does training update weights?", "Why do we train at all?"
        )
    )
    await expect(lessons).to_contain_text("Playground lesson, edited", timeout=WAIT_MS)
    post = await post_question(page, "pg.easy")
    await expect(post).to_contain_text("Why do we train at all?")

    broken = LESSON.replace("answer: A\n    difficulty: easy", "answer: Z\n    difficulty: easy")
    line = broken.splitlines().index("    answer: Z") + 1
    pack.write_text(broken)
    await expect(problems).to_be_visible(timeout=WAIT_MS)
    await expect(problems).to_contain_text(f"pg.yaml:{line}: questions[1].answer:")
    await expect(problems).to_contain_text("the lessons listed on the left stay in use until these are fixed")
    # The lessons in use stay the last good ones: the bot still answers and posts.
    await expect(lessons).to_contain_text("Playground lesson, edited")
    await send(page, "/quiz post lesson:pg question:pg.fit")
    await expect(post_of(page, "pg.fit")).to_have_count(1, timeout=WAIT_MS)

    pack.write_text(LESSON)
    await expect(problems).to_be_hidden(timeout=WAIT_MS)
    await expect(lessons).not_to_contain_text("edited", timeout=WAIT_MS)


async def test_a_pack_broken_at_start_is_reported_and_the_others_load(
    start_playground: Any, lessons_dir: Path, page: Page
) -> None:
    (lessons_dir / "draft.yaml").write_text("id: draft\ntitle: [unclosed\n")
    playground = await start_playground(lessons_dir)
    await open_page(page, playground)
    await expect(page.locator("#lesson-problems")).to_contain_text("draft.yaml:3: (file): YAML syntax error")
    await expect(page.locator("#lesson-list")).to_contain_text("Playground lesson")
    await post_question(page, "pg.easy")


async def test_a_button_the_bot_never_answers_shows_interaction_failed_to_its_clicker(
    start_playground: Any, lessons_dir: Path, page: Page
) -> None:
    playground = await start_playground(lessons_dir)
    # No cog handles this custom_id (and it has no `area:` prefix), so the bot stays silent.
    await plant_message(playground.emulator, "general", ["nobody-listens"], content="An old message")
    await open_page(page, playground)
    await act_as(page, "bob")
    await open_channel(page, "general")
    await page.locator('button[data-custom-id="nobody-listens"]').click()
    failed = page.locator(".failed")
    await expect(failed).to_contain_text("This interaction failed", timeout=WAIT_MS)
    await act_as(page, "alice")
    await expect(failed).to_have_count(0)


def png(width: int, height: int) -> bytes:
    """A plain grey PNG of that size (the size of a loss curve, without TensorFlow)."""
    row = b"\x00" + b"\x80\x80\x80" * width
    raw = zlib.compress(row * height)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


# Below the newest message (px): 0 when the view is at the bottom; a few allowed for rounding.
BELOW = "box => box.scrollHeight - box.scrollTop - box.clientHeight"
AT_BOTTOM_AFTER_IMAGES = f"""() => {{
  const box = document.querySelector('#messages');
  return [...box.querySelectorAll('img')].every((i) => i.complete && i.naturalWidth > 0)
    && ({BELOW})(box) < 3;
}}"""


async def assert_at_bottom_once_images_load(page: Page, when: str) -> None:
    try:
        await page.wait_for_function(AT_BOTTOM_AFTER_IMAGES, timeout=5_000)
    except PlaywrightTimeout:
        below = await page.locator("#messages").evaluate(BELOW)
        raise AssertionError(f"{when}: the view is {below} px above the newest message") from None


async def test_the_view_follows_new_messages_after_images_load_and_shows_the_members_own_reply(
    start_playground: Any, lessons_dir: Path, page: Page
) -> None:
    playground = await start_playground(lessons_dir)
    for i in range(10):
        await plant_message(playground.emulator, "general", [], content=f"Earlier message {i}")
    await plant_message(
        playground.emulator, "general", [], content="A loss curve", files=[("loss.png", png(400, 300))]
    )
    await plant_message(playground.emulator, "general", [], content="After the curve")

    # Images arrive after the page has drawn the messages, as a loss curve does on a real machine.
    async def slowly(route: Route) -> None:
        await asyncio.sleep(0.5)
        await route.continue_()

    await page.route("**/attachments/**", slowly)
    await open_page(page, playground)
    await assert_at_bottom_once_images_load(page, "the page opened")
    await act_as(page, "bob")
    await assert_at_bottom_once_images_load(page, "after switching member")
    await expect(page.locator("#composer")).to_have_attribute("placeholder", re.compile(" as Bob: "))

    # A member who scrolled up still sees the reply to their own command.
    await page.locator("#messages").evaluate("box => { box.scrollTop = 0; }")
    await page.wait_for_function("() => document.querySelector('#messages').scrollTop === 0")
    await send(page, "/help")
    reply = page.locator(".message[data-ephemeral]", has=page.locator(".used", has_text="/help"))
    await expect(reply).to_have_count(1, timeout=WAIT_MS)
    await assert_at_bottom_once_images_load(page, "after sending /help")
    await expect(reply).to_be_in_viewport()


async def test_with_every_pack_broken_the_problem_box_says_no_lessons_are_loaded(
    start_playground: Any, lessons_dir: Path, page: Page
) -> None:
    (lessons_dir / "pg.yaml").write_text("id: draft\ntitle: [unclosed\n")
    playground = await start_playground(lessons_dir)
    await open_page(page, playground)
    problems = page.locator("#lesson-problems")
    await expect(problems).to_contain_text("pg.yaml:3: (file): YAML syntax error")
    await expect(problems).to_contain_text("no lessons are loaded yet: fix these and they appear")
    await expect(problems).not_to_contain_text("last good lessons")
    await expect(page.locator("#lesson-list li")).to_have_count(0)

    (lessons_dir / "pg.yaml").write_text(LESSON)
    await expect(problems).to_be_hidden(timeout=WAIT_MS)
    await expect(page.locator("#lesson-list")).to_contain_text("Playground lesson", timeout=WAIT_MS)


async def test_a_live_rounds_countdown_ticks_on_the_page(
    start_playground: Any, lessons_dir: Path, page: Page
) -> None:
    playground = await start_playground(lessons_dir)
    await open_page(page, playground)
    await act_as(page, "mod")
    await open_channel(page, "quiz")
    await send(page, "/live start lesson:pg questions:1 seconds:5")
    lobby = page.locator("#messages .message:not([data-ephemeral])", has_text="Live round")
    countdown = lobby.locator("time.timestamp").first
    await expect(countdown).to_contain_text("in 1", timeout=WAIT_MS)  # "in 15 seconds", "in 14 seconds"...
    first = await countdown.text_content()
    # The page redraws relative times each second, as Discord does: no new message needed.
    await expect(countdown).not_to_have_text(first or "", timeout=3_000)
    await expect(countdown).to_contain_text("seconds")


async def test_a_moderator_picks_a_file_for_lessons_check_and_sees_the_preview(
    start_playground: Any, lessons_dir: Path, page: Page
) -> None:
    gift = (Path(__file__).parent / "fixtures" / "formats" / "ml_basics.gift").read_bytes()
    playground = await start_playground(lessons_dir)
    await open_page(page, playground)
    await act_as(page, "mod")
    picker = page.locator('#attachments input[type=file][data-option="file"]')
    await expect(picker).to_have_count(0)  # only a command with an attachment option offers one

    await page.fill("#composer", "/lessons upload")
    await page.click("#send")
    await expect(page.locator("#composer-error")).to_have_text("/lessons upload needs file:")

    await page.fill("#composer", "/lessons upload ")
    await expect(picker).to_be_visible()
    await picker.set_input_files(files=FilePayload(name="ml_basics.gift", mimeType="text/plain", buffer=gift))
    await page.click("#send")
    await expect(page.locator("#composer")).to_have_value("", timeout=WAIT_MS)
    await expect(picker).to_have_count(0)  # sent with the command

    preview = page.locator(".message[data-ephemeral]", has_text="Preview · Machine learning basics")
    await expect(preview).to_have_count(1, timeout=WAIT_MS)
    await expect(preview).to_contain_text("ml_basics.gift reads as GIFT: 5 questions")
    await expect(preview).to_contain_text("GIFT has no difficulty: set to medium")
    await expect(preview).to_contain_text("Only you can see this")
    await expect(preview.get_by_role("button", name="B. Underfitting")).to_be_disabled()
    await expect(preview.locator(".attachment-file")).to_contain_text("ml_basics.yaml")
    # The bot downloaded exactly the picked bytes from the loopback CDN.
    (downloaded,) = playground.emulator.downloads
    assert playground.emulator.attachments[downloaded][2] == gift

    # A broken file gets its FILE:LINE problem, and other members never see any of it.
    await page.fill("#composer", "/lessons upload ")
    await picker.set_input_files(
        files=FilePayload(name="draft.yaml", mimeType="text/yaml", buffer=b"id: [x\n")
    )
    await page.click("#send")
    problems = page.locator(".message[data-ephemeral]", has_text="draft.yaml can't be used as it is")
    await expect(problems).to_have_count(1, timeout=WAIT_MS)
    await expect(problems).to_contain_text("draft.yaml:2: (file): YAML syntax error")
    await act_as(page, "alice")
    await expect(page.locator(".message", has_text="Machine learning basics")).to_have_count(0)


async def test_a_member_picks_their_discord_language_and_reads_the_bot_in_it(
    start_playground: Any, lessons_dir: Path, page: Page
) -> None:
    playground = await start_playground(lessons_dir)
    await open_page(page, playground)
    post = await post_question(page, "pg.fit")

    await act_as(page, "alice")
    await page.select_option("#locale", "de")
    await post.get_by_role("button", name="B. The training data").click()
    hint = translations("de").gettext("Hint")
    assert hint != "Hint", "the German catalog says Hint in German"
    wrong = page.locator(".message[data-ephemeral]", has_text="The optimizer updates them at every step.")
    await expect(wrong).to_have_count(1, timeout=WAIT_MS)
    await expect(wrong.locator(".field-name", has_text=hint)).to_have_count(1)
    assert playground.emulator.world.members["alice"].locale == "de"

    # The choice is kept for the next visit, as a Discord client keeps its language.
    await page.reload()
    await expect(page.locator("#locale")).to_have_value("de")
