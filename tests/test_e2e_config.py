"""/config: only Manage Server may change settings; the time zone autocompletes and is validated."""

from __future__ import annotations

from storage import guilds
from tests.conftest import StartBot
from tests.emulator import DiscordForTests


async def test_manage_server_sets_the_moderator_role_and_others_are_refused(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    bot = await start_bot()
    role_id = emulator.world.moderator_role_id
    refusal = await emulator.slash("config moderator-role", by="alice", role=role_id)
    refused = await emulator.wait_reply(refusal)
    assert "Manage Server" in refused["content"]
    assert (await guilds.get_guild_settings(bot.database, emulator.world.guild_id)).moderator_role_id is None
    done = await emulator.wait_reply(await emulator.slash("config moderator-role", by="mod", role=role_id))
    assert f"<@&{role_id}>" in done["content"]
    assert emulator.followups(refusal) == [], "a refusal is not followed by an apology for an error"
    assert (
        await guilds.get_guild_settings(bot.database, emulator.world.guild_id)
    ).moderator_role_id == role_id


async def test_timezone_autocompletes_iana_names_and_rejects_unknown_ones(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    bot = await start_bot()
    choices = await emulator.autocomplete("config timezone", "timezone", by="mod", timezone="berl")
    assert choices[0]["value"] == "Europe/Berlin"
    bad = await emulator.wait_reply(
        await emulator.slash("config timezone", by="mod", timezone="Mars/Olympus")
    )
    assert "is not a time zone I know" in bad["content"]
    odd = await emulator.wait_reply(
        await emulator.slash("config timezone", by="mod", timezone="posix/Europe/Berlin")
    )
    assert "is not a time zone I know" in odd["content"], "/schedule add would refuse it later"
    good = await emulator.wait_reply(
        await emulator.slash("config timezone", by="mod", timezone="Europe/Berlin")
    )
    assert "Europe/Berlin" in good["content"]
    assert (
        await guilds.get_guild_settings(bot.database, emulator.world.guild_id)
    ).timezone == "Europe/Berlin"
