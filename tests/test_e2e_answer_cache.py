"""Answer clicks read the post from the quiz cog's cache: what the database says about the post
(closed, gone) must still win over the cached row."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete
from sqlmodel import col

from bot import answering
from storage import Post, post_rows
from tests.conftest import StartBot
from tests.emulator import DiscordForTests
from tests.messages import button, title
from tests.test_e2e_quiz import LESSON, post_question


@pytest.fixture
def lessons_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "lessons"
    folder.mkdir()
    (folder / "qp.yaml").write_text(LESSON)
    return folder


async def test_a_post_closed_after_members_answered_refuses_the_next_click(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    bot = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    message = await post_question(emulator, "qp.easy")
    first = await emulator.wait_reply(await emulator.click(message, button(message, ":A"), by="alice"))
    assert title(first).startswith("✅ Right on try 1")
    post = await post_rows.get_post_by_message(bot.database, int(message["id"]))
    assert post is not None and post.id is not None
    assert await post_rows.close_post(bot.database, post.id)  # e.g. by another bot process
    late = await emulator.wait_reply(await emulator.click(message, button(message, ":A"), by="bob"))
    assert "has closed" in late["content"]
    assert await answering.member_result(bot.database, post.id, emulator.world.members["bob"].id) is None
    # Alice finished before the close: she still sees her result, not the closed notice.
    again = await emulator.wait_reply(await emulator.click(message, button(message, ":B"), by="alice"))
    assert title(again).startswith("You already answered this one: right on try 1")


async def test_a_post_removed_after_members_answered_gets_the_stale_notice(
    emulator: DiscordForTests, start_bot: StartBot, lessons_dir: Path
) -> None:
    bot = await start_bot(QUIZBOT_CONTENT_DIR=str(lessons_dir))
    message = await post_question(emulator, "qp.hard")
    await emulator.wait_reply(await emulator.click(message, button(message, ":B"), by="alice"))
    post = await post_rows.get_post_by_message(bot.database, int(message["id"]))
    assert post is not None and post.id is not None
    async with bot.database.writing() as s:  # removed by hand (an operator cleaning up), tries and all
        await s.exec(delete(Post).where(col(Post.id) == post.id))
        await s.commit()
    gone = await emulator.wait_reply(await emulator.click(message, button(message, ":A"), by="alice"))
    assert "no longer available" in gone["content"]
    assert await answering.member_result(bot.database, post.id, emulator.world.members["alice"].id) is None
