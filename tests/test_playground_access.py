"""Who may talk to the loopback Discord and the playground: the bot with its token, as on Discord, and
only from this machine and the playground's own page. A web page on another site (or one that rebinds
its DNS name to 127.0.0.1) can neither post as the bot, read a channel, replace the commands, take
over the gateway session nor fetch attachments."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.conftest import StartBot
from tests.emulator import DiscordForTests

EVIL_ORIGIN = "http://evil.example"
UNAUTHORIZED = {"message": "401: Unauthorized", "code": 0}


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def bot_auth(emulator: DiscordForTests) -> dict[str, str]:
    return {"Authorization": f"Bot {emulator.token}"}


async def hello(ws: aiohttp.ClientWebSocketResponse) -> None:
    frame = await ws.receive_json(timeout=5)
    assert frame["op"] == 10, frame


async def closed_with(ws: aiohttp.ClientWebSocketResponse) -> int | None:
    """The close code the emulator ended the socket with (None if it sent a frame instead)."""
    msg = await ws.receive(timeout=5)
    if msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING):
        return ws.close_code
    pytest.fail(f"the emulator answered instead of closing: {msg.data!r}")


# ----- REST: the bot token, as Discord asks for it ----------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [None, "Bot wrong.token", "Bearer {token}", "{token}", "Bot {token}x"],
    ids=["none", "wrong", "bearer", "bare", "longer"],
)
async def test_rest_without_the_bot_token_is_401_and_nothing_is_posted(
    emulator: DiscordForTests, http: aiohttp.ClientSession, authorization: str | None
) -> None:
    channel = emulator.world.channels["general"].id
    headers = {} if authorization is None else {"Authorization": authorization.format(token=emulator.token)}
    body = {"content": "@everyone free nitro", "allowed_mentions": {"parse": ["everyone"]}}
    url = f"{emulator.api_url}/channels/{channel}/messages"
    async with http.post(url, json=body, headers=headers) as response:
        assert response.status == 401
        assert await response.json() == UNAUTHORIZED
    async with http.get(url, headers=headers) as response:
        assert response.status == 401, "the channel's history is not read out"
    commands = f"{emulator.api_url}/applications/{emulator.world.application_id}/commands"
    async with http.put(commands, json=[{"name": "pwned", "description": "x"}], headers=headers) as response:
        assert response.status == 401
    assert emulator.messages == {} and emulator.commands == {} and emulator.requests == []

    # The same request with the bot's token is served: the refusal was the token's doing.
    async with http.post(url, json={"content": "hello"}, headers=bot_auth(emulator)) as response:
        assert response.status == 200
    assert [m.data["content"] for m in emulator.messages.values()] == ["hello"]


async def test_interaction_routes_are_authorised_by_their_interaction_token(
    emulator: DiscordForTests, start_bot: StartBot, http: aiohttp.ClientSession
) -> None:
    await start_bot()
    ix = await emulator.slash("help", by="alice")
    await emulator.wait_reply(ix)  # discord.py answered without the bot token, as on Discord
    (callback,) = emulator.requests_to("POST", "/callback")
    assert callback.status == 200

    app = emulator.world.application_id
    reply = {"type": 4, "data": {"content": "@everyone"}}
    async with http.post(f"{emulator.api_url}/interactions/{ix.id}/ix.forged/callback", json=reply) as r:
        assert r.status == 404 and (await r.json())["code"] == 10062  # Unknown Interaction
    for url in (
        f"{emulator.api_url}/webhooks/{app}/ix.forged",
        f"{emulator.api_url}/webhooks/{app + 1}/{ix.token}",  # another application's webhook
    ):
        async with http.post(url, json={"content": "@everyone"}) as r:
            assert r.status == 404 and (await r.json())["code"] == 10015  # Unknown Webhook
    edit = f"{emulator.api_url}/webhooks/{app}/ix.forged/messages/@original"
    async with http.patch(edit, json={"content": "edited"}) as r:
        assert r.status == 404 and (await r.json())["code"] == 10015
    # A wrong bot token is refused even where the interaction token would do.
    followup = f"{emulator.api_url}/webhooks/{app}/{ix.token}"
    async with http.post(followup, json={"content": "x"}, headers={"Authorization": "Bot wrong"}) as r:
        assert r.status == 401
    assert not any(
        "@everyone" in m.data["content"] or "edited" in m.data["content"] for m in emulator.messages.values()
    )


# ----- Host and Origin: only this machine, only the playground's own page -----------------------


def foreign(kind: str, emulator: DiscordForTests) -> dict[str, str]:
    if kind == "origin":
        return {"Origin": EVIL_ORIGIN}
    if kind == "null origin":
        return {"Origin": "null"}
    if kind == "other local origin":  # another web app on this machine is another site
        return {"Origin": f"http://127.0.0.1:{emulator.port + 1}"}
    return {"Host": f"evil.example:{emulator.port}"}  # DNS rebinding: evil.example -> 127.0.0.1


FOREIGN = ["origin", "null origin", "other local origin", "host"]


@pytest.mark.parametrize("kind", FOREIGN)
async def test_rest_refuses_a_foreign_origin_or_host_even_with_the_token(
    emulator: DiscordForTests, http: aiohttp.ClientSession, kind: str
) -> None:
    url = f"{emulator.api_url}/channels/{emulator.world.channels['general'].id}/messages"
    headers = bot_auth(emulator) | foreign(kind, emulator)
    async with http.post(url, json={"content": "@everyone"}, headers=headers) as response:
        assert response.status == 403
        assert await response.json() == {"message": "403: Forbidden", "code": 0}
    async with http.get(url, headers=headers) as response:
        assert response.status == 403
    assert emulator.messages == {} and emulator.requests == []


@pytest.mark.parametrize("kind", FOREIGN)
async def test_the_gateway_refuses_a_foreign_origin_or_host(
    emulator: DiscordForTests, http: aiohttp.ClientSession, kind: str
) -> None:
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await http.ws_connect(emulator.gateway_url, headers=foreign(kind, emulator))
    assert refused.value.status == 403
    assert emulator._sockets == []


@pytest.mark.parametrize("kind", FOREIGN)
async def test_attachments_refuse_a_foreign_origin_or_host(
    emulator: DiscordForTests, http: aiohttp.ClientSession, kind: str
) -> None:
    emulator.attachments[1] = ("loss.png", "image/png", b"\x89PNG secret")
    url = f"{emulator.base_url}/attachments/1/loss.png"
    async with http.get(url, headers=foreign(kind, emulator)) as response:
        assert response.status == 403
        assert b"secret" not in await response.read()
    # The page's own origin (and no Origin at all, as an <img> sends) still gets it.
    for headers in (
        {},
        {"Origin": emulator.base_url},
        {"Origin": f"http://localhost:{emulator.port}", "Host": f"localhost:{emulator.port}"},
    ):
        async with http.get(url, headers=headers) as response:
            assert response.status == 200 and await response.read() == b"\x89PNG secret", headers


def test_loopback_hosts() -> None:
    from bot.emulator.server import loopback_host

    for local in ("127.0.0.1", "127.0.0.1:8765", "localhost:1", "LOCALHOST", "[::1]", "[::1]:8765"):
        assert loopback_host(local), local
    for host in (
        None,
        "",
        "evil.example",
        "127.0.0.1.evil.example",
        "localhost.evil:80",
        "[::1]x",
        "127.0.0.2",
        "0.0.0.0:8765",
        "localhost:x",
        "[::2]:80",
    ):
        assert not loopback_host(host), host


# ----- the gateway: IDENTIFY and RESUME need the token; a session is resumed only by its bot -----


async def test_identify_with_a_wrong_token_is_closed_with_4004(
    emulator: DiscordForTests, http: aiohttp.ClientSession
) -> None:
    async with http.ws_connect(emulator.gateway_url) as ws:
        await hello(ws)
        await ws.send_json({"op": 2, "d": {"token": "wrong", "intents": 0, "properties": {}}})
        assert await closed_with(ws) == 4004
    assert not any(c.ready for c in emulator._sockets)


async def test_a_resume_with_a_wrong_token_or_session_is_refused_and_the_bot_keeps_its_session(
    emulator: DiscordForTests, start_bot: StartBot, http: aiohttp.ClientSession
) -> None:
    await start_bot()
    (bot_socket,) = emulator._sockets
    session_id = bot_socket.session_id
    async with http.ws_connect(emulator.gateway_url) as ws:
        await hello(ws)
        await ws.send_json({"op": 6, "d": {"token": "wrong", "session_id": session_id, "seq": 1}})
        assert await closed_with(ws) == 4004, "the token is checked on RESUME as on IDENTIFY"
    # The right token resumes only a session that identified; any other gets Invalid Session.
    async with http.ws_connect(emulator.gateway_url) as ws:
        await hello(ws)
        await ws.send_json({"op": 6, "d": {"token": emulator.token, "session_id": "made-up", "seq": 1}})
        frame = await ws.receive_json(timeout=5)
        assert (frame["op"], frame["d"]) == (9, False)
    # The bot's own session still gets the members' interactions and answers them.
    assert [c for c in emulator._sockets if c.ready] == [bot_socket]
    reply = await emulator.wait_reply(await emulator.slash("help", by="alice"))
    assert reply["embeds"], reply


async def test_the_bot_resumes_its_own_session_after_a_dropped_connection(
    emulator: DiscordForTests, start_bot: StartBot
) -> None:
    await start_bot()
    (first,) = emulator._sockets
    await first.ws.close(code=4000)  # "unknown error": discord.py reconnects and sends RESUME
    resumed: Any = await emulator.wait_for(
        lambda: next((c for c in emulator._sockets if c is not first and c.ready), None), what="the RESUME"
    )
    assert resumed.session_id == first.session_id, "the same session, resumed"
    assert resumed.shard == first.shard and resumed.sequence >= first.sequence
    reply = await emulator.wait_reply(await emulator.slash("help", by="bob"))
    assert reply["embeds"], reply
