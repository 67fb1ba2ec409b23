"""The playground's server without a browser: its page API answers only its own page, and a lesson
reload reads the files off the event loop, so the page and the bot keep answering while it loads."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

import bot.app
from bot.playground import Playground
from tests.discord_spec import assert_bodies_match_spec
from tests.test_playground_browser import LESSON


@pytest.fixture
async def playground(tmp_path: Path, shared_trainer: Any) -> AsyncIterator[Playground]:
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "pg.yaml").write_text(LESSON)
    started = Playground(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'playground.db'}",
        lessons_dir=lessons,
        port=0,
        trainer=shared_trainer,
        poll_seconds=0.1,
    )
    try:
        await started.start()
        yield started
    finally:
        await started.stop()
    assert_bodies_match_spec(started.emulator.requests)


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def lesson_titles(http: aiohttp.ClientSession, playground: Playground) -> list[str]:
    async with http.get(playground.url + "pg/state") as response:
        assert response.status == 200
        state = await response.json()
    return [lesson["title"] for lesson in state["lessons"]["lessons"]]


async def test_the_page_api_refuses_another_sites_page_and_serves_its_own(
    playground: Playground, http: aiohttp.ClientSession
) -> None:
    command = playground.url + "pg/command"
    before = len(playground.emulator.interactions)
    for origin in ("http://evil.example", "null", f"http://localhost:{playground.emulator.port}"):
        async with http.post(command, json={"text": "/help"}, headers={"Origin": origin}) as response:
            assert response.status == 403, origin
    async with http.get(playground.url + "pg/state", headers={"Origin": "http://evil.example"}) as r:
        assert r.status == 403
    assert len(playground.emulator.interactions) == before, "no command reached the bot"
    own = playground.emulator.base_url  # what Chromium sends with the page's own fetch POSTs
    async with http.post(command, json={"text": "/help"}, headers={"Origin": own}) as response:
        assert response.status == 200


async def test_a_slow_lesson_reload_loads_off_the_loop_and_the_page_and_bot_answer_meanwhile(
    playground: Playground, http: aiohttp.ClientSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The load is held until the page has answered a request and the bot a command: that can only
    happen while the load is still running if the load is not on the event loop (no timing guess:
    a load on the loop would wait out its hold and report it was never released)."""
    real_load = bot.app.load_library
    loading, release = threading.Event(), threading.Event()
    released_in_time: list[bool] = []

    def slow_load(*args: Any, **kwargs: Any) -> Any:
        loading.set()
        released_in_time.append(release.wait(timeout=15))  # as a 50 MB pack that takes a while
        return real_load(*args, **kwargs)

    monkeypatch.setattr(bot.app, "load_library", slow_load)
    assert await lesson_titles(http, playground) == ["Playground lesson"]
    assert playground.lessons_dir is not None
    edited = LESSON.replace("title: Playground lesson", "title: Playground lesson, edited")
    (playground.lessons_dir / "pg.yaml").write_text(edited)
    assert await asyncio.to_thread(loading.wait, 15), "the watcher saw the edit and began loading"

    # Meanwhile the page answers, still with the lessons in use, and the bot answers a command.
    assert await lesson_titles(http, playground) == ["Playground lesson"], "answered only after the load"
    async with http.post(playground.url + "pg/command", json={"text": "/help"}) as response:
        assert response.status == 200
        ix = playground.emulator.interactions[int((await response.json())["interaction"])]
    await playground.emulator.wait_response(ix, timeout=10)
    assert playground.bot.library.lesson("pg").title == "Playground lesson"
    release.set()

    for _ in range(300):  # then the loaded lessons are swapped in
        if await lesson_titles(http, playground) == ["Playground lesson, edited"]:
            break
        await asyncio.sleep(0.05)
    assert released_in_time and all(released_in_time), "the load ran on the loop: nothing answered meanwhile"
    assert playground.bot.library.lesson("pg").title == "Playground lesson, edited"
    assert await lesson_titles(http, playground) == ["Playground lesson, edited"]


async def test_the_page_has_an_icon(playground: Playground, http: aiohttp.ClientSession) -> None:
    async with http.get(playground.url) as response:
        page = await response.text()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    for path in ("static/favicon.svg", "favicon.ico"):
        async with http.get(playground.url + path) as response:
            assert response.status == 200, path
            assert response.content_type == "image/svg+xml", path
            assert (await response.read()).startswith(b"<svg"), path
