"""The real bot logs in to the loopback Discord, syncs its commands and answers /help."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text

from tests.conftest import StartBot
from tests.discord_spec import assert_bodies_match_spec, spec_available
from tests.emulator import DiscordForTests
from tests.test_e2e_quiz import post_question

EPHEMERAL = 1 << 6


async def test_bot_logs_in_syncs_commands_and_answers_help(
    emulator: DiscordForTests, start_bot: StartBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    bot = await start_bot()

    synced = await emulator.wait_commands_synced()
    names = {c["name"] for c in synced}
    assert "help" in names
    # Synced to the dev guild (QUIZBOT_DEV_GUILD), not globally.
    (sync,) = emulator.requests_to("PUT", "/commands")
    assert sync.path.endswith(f"/guilds/{emulator.world.guild_id}/commands")

    ix = await emulator.slash("help", by="alice")
    reply = await emulator.wait_reply(ix)
    assert reply["flags"] & EPHEMERAL, "help is private to whoever asked"
    (embed,) = reply["embeds"]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert "`/help`" in fields["Commands"]
    lessons_field = next(name for name in fields if name.startswith("Lessons loaded"))
    assert lessons_field == f"Lessons loaded: {len(bot.library.lessons)}"
    for lesson in bot.library.lessons.values():
        assert lesson.title in fields[lessons_field]
    assert fields["TensorFlow worker"].startswith("warm" if bot.trainer.warm else "warming up")

    checked = assert_bodies_match_spec(emulator.requests)
    if spec_available():
        assert checked >= 2  # at least the command sync and the /help callback
    token = emulator.token
    assert all(token not in record.getMessage() for record in caplog.records), "the token leaked into a log"


async def test_help_lists_every_synced_command(emulator: DiscordForTests, start_bot: StartBot) -> None:
    await start_bot()
    synced = await emulator.wait_commands_synced()
    ix = await emulator.slash("help")
    reply = await emulator.wait_reply(ix)
    listed = reply["embeds"][0]["fields"][0]["value"]
    assert "… and" not in listed, "every command fits: nothing is cut"
    lines = {line.split("`")[1]: line for line in listed.splitlines()}
    for command in synced:
        line = lines[f"/{command['name']}"]
        for sub in (o for o in command.get("options", []) if o["type"] == 1):  # a subcommand
            assert sub["name"] in line, (sub["name"], line)


async def test_a_command_that_fails_tells_the_member_instead_of_timing_out(
    emulator: DiscordForTests, start_bot: StartBot, caplog: pytest.LogCaptureFixture
) -> None:
    bot = await start_bot()
    async with bot.database.writing() as s:  # the score tables are gone: every board query fails
        for table in ("period_scores", "score_counts", "member_scores", "daily_scores"):
            await s.exec(text(f"DROP TABLE {table}"))  # type: ignore[call-overload]
        await s.commit()
    with caplog.at_level(logging.ERROR, logger="bot.app"):
        reply = await emulator.wait_reply(await emulator.slash("leaderboard", by="alice"))
    # The leaderboard had deferred publicly ("thinking..."): the apology takes that place.
    assert reply["content"].startswith("Sorry, something went wrong on my side"), reply
    assert any("/leaderboard failed" in r.getMessage() for r in caplog.records), "and the cause is logged"


async def test_a_button_that_fails_tells_the_member_instead_of_failing_silently(
    emulator: DiscordForTests, start_bot: StartBot, caplog: pytest.LogCaptureFixture
) -> None:
    bot = await start_bot()
    post = await post_question(emulator, "weights.q3", lesson="training-weights")
    async with bot.database.writing() as s:  # tries cannot be stored any more
        await s.exec(text("DROP TABLE attempts"))  # type: ignore[call-overload]
        await s.commit()
    answer = next(
        c["custom_id"]
        for row in post["components"]
        for c in row["components"]
        if c["custom_id"].endswith(":A")
    )
    with caplog.at_level(logging.ERROR, logger="bot.app"):
        reply = await emulator.wait_reply(await emulator.click(post, answer, by="alice"))
    assert reply["flags"] & EPHEMERAL and reply["content"].startswith(
        "Sorry, something went wrong on my side"
    )
    assert any("AnswerButton failed" in r.getMessage() for r in caplog.records), "and the cause is logged"
