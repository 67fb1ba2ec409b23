"""A loopback Discord: the REST API and gateway websocket that discord.py needs, on 127.0.0.1.

The real, unmodified discord.py client connects to it (see bot.discord_target). Like Discord, it asks
for the bot token: REST without `Authorization: Bot <token>` gets 401, an IDENTIFY or RESUME with a
wrong token is closed with 4004, and interaction callbacks and webhooks are authorised by their
interaction token alone (an unknown one is 404). Unlike Discord, it answers only requests for a
loopback Host from no browser page but its own (see `_same_machine_only`): a web page on another
site cannot drive it, even through DNS rebinding. Every REST request the bot makes is recorded so its bodies can be checked against Discord's spec; the playground (and the
tests) push slash commands and button clicks to the bot as gateway INTERACTION_CREATE events. The
helpers only tests use to read what the bot did are in tests/emulator.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import mimetypes
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from aiohttp import BodyPartReader, WSMsgType, web

from bot.emulator.commands import problems as sync_problems
from bot.emulator.state import BOT_PERMISSIONS, Member, World, iso_now, snowflake

log = logging.getLogger(__name__)

API_PREFIX = "/api/v10"
EPHEMERAL = 1 << 6
LOADING = 1 << 7
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024  # what a member may attach without Nitro
Json = dict[str, Any]
Listener = Callable[[str, Json], Awaitable[None] | None]
# The names a request's Host may give: anything else was sent to another name that resolves here
# (DNS rebinding) or through a proxy, and is refused.
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
# Routes Discord serves without the bot token: the gateway's address, and the interaction routes,
# which the interaction's own token in the path authorises (discord.py sends no Authorization there).
_TOKEN_IN_PATH = frozenset({"interactions", "webhooks"})


class EmulatorError(Exception):
    """A test asked for something the emulator cannot do (unknown command, option, member...)."""


@dataclass
class Recorded:
    """One REST request the bot made."""

    method: str
    path: str  # without the /api/v10 prefix, e.g. /channels/123/messages
    query: dict[str, str]
    body: Any  # the JSON body (payload_json for multipart), or None
    files: list[tuple[str, bytes]] = field(default_factory=list)
    status: int = 200


@dataclass
class Interaction:
    """An interaction pushed to the bot, and everything the bot answered to it."""

    id: int
    token: str
    type: int
    payload: Json
    member: Member
    channel_id: int
    message_id: int | None = None  # the message a component lives on
    callbacks: list[Json] = field(default_factory=list)
    original_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Upload:
    """A file a member attaches to a slash command's attachment option (type 11). A test may give
    the option a (filename, bytes) or (filename, bytes, content_type) tuple instead."""

    filename: str
    content: bytes
    content_type: str | None = None  # None: guessed from the name, as Discord does

    @classmethod
    def of(cls, value: Any) -> Upload:
        if isinstance(value, Upload):
            return value
        if isinstance(value, tuple) and len(value) in (2, 3) and isinstance(value[1], bytes | bytearray):
            return cls(str(value[0]), bytes(value[1]), *value[2:])
        raise EmulatorError(f"an attachment option takes Upload(filename, bytes), got {type(value).__name__}")

    def guessed_type(self) -> str | None:
        if self.content_type is not None:
            return self.content_type
        guessed, _ = mimetypes.guess_type(self.filename, strict=False)
        # Discord labels text uploads with their charset; an unknown suffix (.gift) gets no type.
        return f"{guessed}; charset=utf-8" if guessed and guessed.startswith("text/") else guessed


@dataclass
class StoredMessage:
    data: Json
    visible_to: int | None = None  # member id for ephemeral messages; None means everyone
    deleted: bool = False


def _json(data: Any, status: int = 200) -> web.Response:
    # discord.py only parses a body as JSON when the content type is exactly application/json.
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"}
    )


def _error(status: int, code: int, message: str) -> web.Response:
    return _json({"message": message, "code": code}, status)


def loopback_host(host: str | None) -> bool:
    """Whether a Host header names this machine's loopback: 127.0.0.1, localhost or [::1], any port."""
    if not host:
        return False
    host = host.lower()
    if host.startswith("["):
        name, _, rest = host[1:].partition("]")
        if rest and not rest.startswith(":"):
            return False
        port = rest[1:]
    else:
        name, _, port = host.partition(":")
    return name in LOOPBACK_NAMES and (port == "" or port.isdigit())


def _refused(request: web.Request, why: str) -> web.Response:
    if request.path.startswith(API_PREFIX + "/"):
        return _error(403, 0, "403: Forbidden")  # Discord's shape, so discord.py reads it
    return web.Response(status=403, text=why)


@web.middleware
async def _same_machine_only(request: web.Request, handler: Any) -> web.StreamResponse:
    """Every route (REST, gateway, attachments, the playground's page) answers only a request for a
    loopback Host, and only from no browser page or from a page of this very server.

    A foreign Host means DNS rebinding (evil.example resolving to 127.0.0.1), so the browser thinks it
    talks to evil.example's own server. A browser sends Origin with every POST, PUT, PATCH, DELETE
    and WebSocket handshake (discord.py sends none); a page's own origin is `http://` plus the Host
    it loaded from, so any other Origin, `null` included, is another site's page. Both are refused
    with 403: the request is understood and will not be served to that caller (421 Misdirected
    Request would tell the client to retry on another connection, as if another server had the name).
    """
    host = request.headers.get("Host")
    if not loopback_host(host):
        return _refused(request, "the playground answers on 127.0.0.1 only")
    origin = request.headers.get("Origin")
    if origin is not None and origin.lower() != f"http://{host}".lower():
        return _refused(request, "the playground answers only its own page")
    return await handler(request)


def _same_secret(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


class DiscordEmulator:
    def __init__(self, world: World | None = None, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.world = world or World.study_group()
        self.host, self.port = host, port
        self.token = "emulator." + secrets.token_urlsafe(24)
        self.requests: list[Recorded] = []
        self.interactions: dict[int, Interaction] = {}
        self.messages: dict[int, StoredMessage] = {}
        # (channel, nonce) -> (message, when), for `enforce_nonce`. Discord remembers a nonce "for the
        # past few minutes"; None here means forever, a number of seconds narrows it (0: never).
        self.nonces: dict[tuple[int, str], tuple[int, float]] = {}
        self.nonce_window_s: float | None = None
        self.attachments: dict[int, tuple[str, str | None, bytes]] = {}
        self.downloads: list[int] = []  # attachment ids fetched from the CDN route, in order
        self.commands: dict[int | None, list[Json]] = {}  # guild id (None: global) -> synced commands
        self.listeners: list[Listener] = []
        self._sockets: list[_GatewayConnection] = []
        # session id -> the connection that identified it or last resumed it (a RESUME's target).
        self.sessions: dict[str, _GatewayConnection] = {}
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        # Direct messages: DM channel id -> member id; members in dms_closed refuse DMs (403 50007).
        self.dm_channels: dict[int, int] = {}
        self.dms_closed: set[str] = set()

    # ----- lifecycle -------------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application(client_max_size=32 * 1024 * 1024, middlewares=[_same_machine_only])
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/attachments/{attachment_id}/{filename}", self._attachment)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self.extend_app(app)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        sockets = site._server.sockets  # type: ignore[union-attr]
        self.port = sockets[0].getsockname()[1]

    def extend_app(self, app: web.Application) -> None:
        """Hook for the playground to serve its page beside the emulator."""

    async def stop(self) -> None:
        for conn in list(self._sockets):
            with contextlib.suppress(Exception):
                await conn.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        return f"ws://{self.host}:{self.port}/gateway"

    # ----- waiting ---------------------------------------------------------------------------
    async def _notify(self, kind: str, data: Json) -> None:
        async with self._changed:
            self._changed.notify_all()
        for listener in list(self.listeners):
            result = listener(kind, data)
            if asyncio.iscoroutine(result):
                await result

    async def wait_for(
        self, predicate: Callable[[], Any], timeout: float = 10.0, what: str = "condition"
    ) -> Any:
        """Wait until predicate() returns something truthy; return it."""

        async def wait() -> Any:
            async with self._changed:
                while not (result := predicate()):
                    await self._changed.wait()
                return result

        try:
            return await asyncio.wait_for(wait(), timeout)
        except TimeoutError:
            raise TimeoutError(f"emulator: timed out after {timeout}s waiting for {what}") from None

    async def wait_commands_synced(self, timeout: float = 15.0) -> list[Json]:
        return await self.wait_for(lambda: self.synced_commands(), timeout, "command sync")  # type: ignore[no-any-return]

    # ----- what the bot did -------------------------------------------------------------------
    def synced_commands(self) -> list[Json]:
        return self.commands.get(self.world.guild_id) or self.commands.get(None) or []

    async def wait_response(self, ix: Interaction, timeout: float = 10.0) -> Json:
        """The bot's interaction callback body (type 4 reply, 5 defer, 6/7 update, 8 autocomplete)."""
        return await self.wait_for(
            lambda: ix.callbacks[0] if ix.callbacks else None, timeout, f"callback {ix.id}"
        )  # type: ignore[no-any-return]

    # ----- pushing interactions ---------------------------------------------------------------
    # Who acts is `by` and where is `in_channel`: `member` and `channel` are real option names.
    async def slash(
        self, command: str, *, by: str = "alice", in_channel: str | None = "general", **options: Any
    ) -> Interaction:
        """Run a slash command as a member, e.g. slash("quiz post", by="mod", lesson="x");
        in_channel=None runs it in the member's DM with the bot. An attachment option takes an
        `Upload` or a (filename, bytes[, content_type]) tuple: slash("lessons check", file=("q.gift", data))."""
        data = self._command_data(command, options, focused=None)
        return await self._push(2, data, by, in_channel)

    async def autocomplete(
        self, command: str, focused: str, *, by: str = "alice", in_channel: str = "general", **options: Any
    ) -> list[Json]:
        """Type into option `focused` and return the choices the bot suggests."""
        data = self._command_data(command, options, focused=focused)
        ix = await self._push(4, data, by, in_channel)
        body = await self.wait_response(ix)
        return body["data"]["choices"]  # type: ignore[no-any-return]

    async def click(self, message: Json | int, custom_id: str, *, by: str = "alice") -> Interaction:
        """Click a button on a message."""
        return await self._component(message, {"custom_id": custom_id, "component_type": 2}, by)

    async def select(
        self, message: Json | int, custom_id: str, values: list[str], *, by: str = "alice"
    ) -> Interaction:
        """Pick values in a string select menu on a message."""
        return await self._component(
            message, {"custom_id": custom_id, "component_type": 3, "values": values}, by
        )

    async def _component(self, message: Json | int, data: Json, member: str) -> Interaction:
        message_id = message if isinstance(message, int) else int(message["id"])
        stored = self.messages[message_id]
        # Like Discord, only components that are on the message can be used.
        on_message = {
            c.get("custom_id") for row in stored.data["components"] for c in row.get("components", [])
        }
        if data["custom_id"] not in on_message:
            raise EmulatorError(f"message {message_id} has no component {data['custom_id']!r}")
        channel_id = int(stored.data["channel_id"])
        if channel_id in self.dm_channels:
            if self.dm_channels[channel_id] != self.world.members[member].id:
                raise EmulatorError(f"{member} cannot see another member's direct messages")
            return await self._push(3, data, member, None, message=stored.data)
        channel = self.world.channel_by_id(channel_id)
        assert channel is not None
        return await self._push(3, data, member, channel.name, message=stored.data)

    async def _push(
        self, kind: int, data: Json, member_name: str, channel_name: str | None, message: Json | None = None
    ) -> Interaction:
        """Send INTERACTION_CREATE: in a guild channel, or (channel_name None) in the member's DM
        with the bot, where Discord sends the user instead of the member and no guild."""
        member = self.world.members[member_name]
        ix_id = snowflake()
        token = "ix." + secrets.token_urlsafe(32)
        payload: Json = {
            "id": str(ix_id),
            "application_id": str(self.world.application_id),
            "type": kind,
            "data": data,
            "token": token,
            "version": 1,
            "app_permissions": str(BOT_PERMISSIONS),
            "locale": member.locale,
            "entitlements": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        }
        if channel_name is None:
            # Every user has a DM channel with the bot on Discord, opened or not.
            channel_id = next((c for c, m in self.dm_channels.items() if m == member.id), None) or snowflake()
            self.dm_channels[channel_id] = member.id
            payload |= {
                "channel_id": str(channel_id),
                "channel": {"id": str(channel_id), "type": 1, "recipients": [member.user_payload()]},
                "user": member.user_payload(),
                "authorizing_integration_owners": {"0": str(self.world.guild_id)},
                "context": 1,
            }
        else:
            channel = self.world.channels[channel_name]
            channel_id = channel.id
            payload |= {
                "guild_id": str(self.world.guild_id),
                "channel_id": str(channel.id),
                "channel": channel.payload(self.world.guild_id),
                "member": member.member_payload(with_permissions=True),
                "guild_locale": self.world.guild_locale,
                "authorizing_integration_owners": {"0": str(self.world.guild_id)},
                "context": 0,
            }
        if message is not None:
            payload["message"] = message
        ix = Interaction(
            ix_id, token, kind, payload, member, channel_id, int(message["id"]) if message else None
        )
        self.interactions[ix_id] = ix
        conn = self._live_connection(None if channel_name is None else self.world.guild_id)
        await conn.dispatch("INTERACTION_CREATE", payload)
        return ix

    def _live_connection(self, guild_id: int | None) -> _GatewayConnection:
        """The newest session whose shard holds the guild (Discord sends a guild's events only
        there; direct messages go to shard 0)."""
        live = [
            c
            for c in self._sockets
            if c.ready and not c.ws.closed and (c.holds(guild_id) if guild_id else c.shard[0] == 0)
        ]
        if not live:
            raise EmulatorError("no bot is connected to the gateway for this shard")
        return live[-1]

    def _command_data(self, command: str, options: dict[str, Any], focused: str | None) -> Json:
        name, *path = command.split()
        registered = next((c for c in self.synced_commands() if c["name"] == name), None)
        if registered is None:
            raise EmulatorError(f"/{name} was not synced by the bot")
        resolved: Json = {}
        data: Json = {"id": registered["id"], "name": name, "type": 1}
        if registered.get("guild_id"):
            data["guild_id"] = registered["guild_id"]
        # Walk down subcommand groups / subcommands: each level is a single option holding the next.
        level: list[Json] = registered.get("options", [])
        holder = data
        for part in path:
            sub = next((o for o in level if o["name"] == part and o["type"] in (1, 2)), None)
            if sub is None:
                raise EmulatorError(f"/{command}: no subcommand {part!r}")
            node: Json = {"name": part, "type": sub["type"], "options": []}
            holder["options"] = [node]
            holder, level = node, sub.get("options", [])
        values = []
        for key, value in options.items():
            spec = next((o for o in level if o["name"] == key), None)
            if spec is None:
                raise EmulatorError(f"/{command}: no option {key!r}")
            values.append(self._option_value(spec, value, resolved, focused == key))
        if focused is not None and focused not in options:
            spec = next(o for o in level if o["name"] == focused)
            values.append({"name": focused, "type": spec["type"], "value": "", "focused": True})
        holder["options"] = values
        if resolved:
            data["resolved"] = resolved
        return data

    def _option_value(self, spec: Json, value: Any, resolved: Json, focused: bool) -> Json:
        kind = spec["type"]
        out: Json = {"name": spec["name"], "type": kind}
        if kind == 7:  # channel, given by name
            channel = self.world.channels[value]
            out["value"] = str(channel.id)
            resolved.setdefault("channels", {})[str(channel.id)] = {
                **channel.payload(self.world.guild_id),
                "permissions": str(BOT_PERMISSIONS),
            }
        elif kind == 6:  # user/member, given by name
            member = self.world.members[value]
            out["value"] = str(member.id)
            resolved.setdefault("users", {})[str(member.id)] = member.user_payload()
            member_data = member.member_payload(with_permissions=True)
            member_data.pop("user")
            resolved.setdefault("members", {})[str(member.id)] = member_data
        elif kind == 8:  # role, given by id
            role = next(r for r in self.world.roles_payload() if int(r["id"]) == int(value))
            out["value"] = role["id"]
            resolved.setdefault("roles", {})[role["id"]] = role
        elif kind == 11 and not focused:  # attachment: uploaded first, the option holds its id
            attachment = self.upload(Upload.of(value))
            out["value"] = attachment["id"]
            resolved.setdefault("attachments", {})[attachment["id"]] = attachment
        else:
            out["value"] = value
        if focused:
            out["focused"] = True
            out["value"] = str(value)
        return out

    # ----- gateway ----------------------------------------------------------------------------
    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        conn = _GatewayConnection(self, ws)
        self._sockets.append(conn)
        try:
            await conn.serve()
        finally:
            self._sockets.remove(conn)
            await self._notify("gateway_closed", {})
        return ws

    # ----- REST -------------------------------------------------------------------------------
    def _authorised(self, request: web.Request, parts: list[str]) -> bool:
        """As Discord: `Authorization: Bot <token>` on every route but the gateway's address and the
        interaction routes (authorised by the interaction token in their path); a wrong token is
        refused wherever it is given."""
        given = request.headers.get("Authorization")
        if given is None:
            return parts == ["gateway"] or (bool(parts) and parts[0] in _TOKEN_IN_PATH)
        return _same_secret(given, "Bot " + self.token)

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        if not self._authorised(request, path.rstrip("/").split("/")[1:]):
            # Not the bot: nothing is read, recorded or done.
            return _error(401, 0, "401: Unauthorized")
        body, files = await _read_body(request)
        record = Recorded(request.method, path, dict(request.query), body, files)
        self.requests.append(record)
        response = await self._route(request.method, path.rstrip("/").split("/")[1:], body, files, request)
        record.status = response.status
        await self._notify("request", {"method": request.method, "path": path})
        return response

    def _message_with_nonce(self, nonce: tuple[int, str]) -> StoredMessage | None:
        message_id, when = self.nonces.get(nonce, (0, 0.0))
        stored = self.messages.get(message_id)
        if stored is None or stored.deleted:
            return None
        if self.nonce_window_s is not None and time.monotonic() - when >= self.nonce_window_s:
            return None
        return stored

    async def _route(
        self, method: str, parts: list[str], body: Any, files: list[tuple[str, bytes]], request: web.Request
    ) -> web.StreamResponse:
        w = self.world
        match (method, parts):
            case ("GET", ["gateway"]) | ("GET", ["gateway", "bot"]):
                limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
                return _json({"url": self.gateway_url, "shards": 1, "session_start_limit": limit})
            case ("GET", ["users", "@me"]):  # how discord.py logs in (a wrong token: 401 above)
                return _json(w.bot_user.user_payload())
            # ----- direct messages: open a DM channel, send to it -----
            case ("POST", ["users", "@me", "channels"]):
                user = w.member_by_id(int((body or {}).get("recipient_id", 0)))
                if user is None:
                    return _error(404, 10013, "Unknown User")
                dm_id = next((c for c, m in self.dm_channels.items() if m == user.id), None) or snowflake()
                self.dm_channels[dm_id] = user.id
                dm = {
                    "id": str(dm_id),
                    "type": 1,
                    "last_message_id": None,
                    "recipients": [user.user_payload()],
                }
                return _json(dm)
            case ("POST", ["channels", channel_id, "messages"]) if (
                channel_id.isdigit() and int(channel_id) in self.dm_channels
            ):
                user = w.member_by_id(self.dm_channels[int(channel_id)])
                if user is None or user.name in self.dms_closed:
                    return _error(403, 50007, "Cannot send messages to this user")
                message = await self._create_message(int(channel_id), body, files, author=w.bot_user)
                message.pop("guild_id", None)
                return _json(message)
            case ("GET", ["oauth2", "applications", "@me"]) | ("GET", ["applications", "@me"]):
                return _json(w.application_payload())
            case ("PUT", ["applications", _, "commands"]) | (
                "PUT",
                ["applications", _, "guilds", _, "commands"],
            ):
                refused = sync_problems(body or [])
                if refused:  # Discord refuses the whole sync and keeps the commands it had
                    log.warning("emulator: command sync refused: %s", "; ".join(refused[:5]))
                    errors = {
                        "commands": {"_errors": [{"code": "INVALID_COMMAND", "message": m} for m in refused]}
                    }
                    return _json({"message": "Invalid Form Body", "code": 50035, "errors": errors}, 400)
                guild = parts[3] if len(parts) == 5 else None
                return _json(self._sync(int(guild) if guild else None, body))
            case ("GET", ["applications", _, "commands"]):
                return _json(self.commands.get(None, []))
            case ("GET", ["applications", _, "guilds", guild_id, "commands"]):
                return _json(self.commands.get(int(guild_id), []))
            case ("PUT" | "DELETE", ["guilds", _, "members", user_id, "roles", role_id]):
                member = w.member_by_id(int(user_id))
                if member is None:
                    return _error(404, 10007, "Unknown Member")
                if not w.bot_may_assign(int(role_id)):
                    return _error(403, 50013, "Missing Permissions")
                roles = [r for r in member.roles if r != int(role_id)]
                member.roles = [*roles, int(role_id)] if method == "PUT" else roles
                await self._notify("member_roles", {"member": member.name, "roles": member.roles})
                return web.Response(status=204)
            case ("GET", ["channels", channel_id]):
                channel = w.channel_by_id(int(channel_id))
                if channel is None:
                    return _error(404, 10003, "Unknown Channel")
                return _json(channel.payload(w.guild_id))
            case ("POST", ["channels", channel_id, "messages"]):
                channel = w.channel_by_id(int(channel_id))
                if channel is None:
                    return _error(404, 10003, "Unknown Channel")
                if not channel.bot_can_post:
                    return _error(403, 50013, "Missing Permissions")
                nonce = (channel.id, str(body["nonce"])) if body.get("enforce_nonce") else None
                earlier = self._message_with_nonce(nonce) if nonce else None
                if earlier is not None:
                    return _json(earlier.data)  # the same send again: Discord returns the first message
                message = await self._create_message(channel.id, body, files, author=w.bot_user)
                if nonce:
                    self.nonces[nonce] = (int(message["id"]), time.monotonic())
                return _json(message)
            case ("GET", ["channels", channel_id, "messages"]):
                if w.channel_by_id(int(channel_id)) is None:
                    return _error(404, 10003, "Unknown Channel")
                count = min(int(request.query.get("limit", "50")), 100)
                before = int(request.query.get("before", str(2**63)))
                public = [m.data for m in self.messages.values() if m.visible_to is None and not m.deleted]
                here = [
                    m for m in public if int(m["channel_id"]) == int(channel_id) and int(m["id"]) < before
                ]
                return _json(sorted(here, key=lambda m: int(m["id"]), reverse=True)[:count])  # newest first
            case ("GET", ["channels", _, "messages", message_id]):
                stored = self.messages.get(int(message_id))
                return (
                    _json(stored.data)
                    if stored and not stored.deleted
                    else _error(404, 10008, "Unknown Message")
                )
            case ("PATCH", ["channels", _, "messages", message_id]):
                return await self._edit(int(message_id), body, files)
            case ("DELETE", ["channels", _, "messages", message_id]):
                return await self._delete(int(message_id))
            case ("POST", ["interactions", ix_id, token, "callback"]):
                return await self._callback(int(ix_id), token, body, files)
            case ("POST", ["webhooks", app_id, token]):
                ix = self._by_token(app_id, token)
                if ix is None:
                    return _error(404, 10015, "Unknown Webhook")
                original = self.messages[ix.original_id].data if ix.original_id is not None else None
                if original is not None and original.get("flags", 0) & LOADING and not ix.followup_ids:
                    # Like Discord: the first follow-up after a "thinking..." defer becomes that
                    # reply, keeping its privacy (an ephemeral defer stays ephemeral).
                    keep_private = original["flags"] & EPHEMERAL
                    message = await self._apply_edit(ix.original_id, {**body, "flags": keep_private}, files)  # type: ignore[arg-type]
                else:
                    message = await self._create_message(
                        ix.channel_id, body, files, author=w.bot_user, for_ix=ix
                    )
                ix.followup_ids.append(int(message["id"]))
                return _json(message)
            case (_, ["webhooks", app_id, token, "messages", which]):
                ix = self._by_token(app_id, token)
                if ix is None:
                    return _error(404, 10015, "Unknown Webhook")
                target = ix.original_id if which == "@original" else int(which)
                if target is None:
                    return _error(404, 10008, "Unknown Message")
                if method == "PATCH":
                    return await self._edit(target, body, files)
                if method == "DELETE":
                    return await self._delete(target)
                return _json(self.messages[target].data)
        log.warning("emulator: unhandled %s /%s", method, "/".join(parts))
        return _error(404, 0, f"emulator: unhandled route {method} /{'/'.join(parts)}")

    def _by_token(self, app_id: str, token: str) -> Interaction | None:
        """The interaction whose follow-up webhook this is: the application's, with this token."""
        if app_id != str(self.world.application_id):
            return None
        return next((ix for ix in self.interactions.values() if _same_secret(token, ix.token)), None)

    def _sync(self, guild_id: int | None, body: list[Json]) -> list[Json]:
        synced = []
        for command in body or []:
            entry = {
                "id": str(snowflake()),
                "application_id": str(self.world.application_id),
                "version": str(snowflake()),
                "default_member_permissions": None,
                "type": 1,
                "nsfw": False,
                "contexts": None,
                "integration_types": [0],
                **command,
            }
            if guild_id is not None:
                entry["guild_id"] = str(guild_id)
            synced.append(entry)
        self.commands[guild_id] = synced
        return synced

    async def _callback(
        self, ix_id: int, token: str, body: Json, files: list[tuple[str, bytes]]
    ) -> web.Response:
        ix = self.interactions.get(ix_id)
        if ix is None or not _same_secret(token, ix.token):
            return _error(404, 10062, "Unknown interaction")
        if ix.callbacks:
            return _error(400, 40060, "Interaction has already been acknowledged.")
        ix.callbacks.append(body)
        kind = body["type"]
        data = body.get("data") or {}
        message: Json | None = None
        if kind in (4, 5):  # reply now / "thinking..." placeholder to be edited later
            flags = data.get("flags", 0) | (LOADING if kind == 5 else 0)
            message = await self._create_message(
                ix.channel_id, {**data, "flags": flags}, files, author=self.world.bot_user, for_ix=ix
            )
            ix.original_id = int(message["id"])
        elif kind == 7 and ix.message_id is not None:  # update the message the component is on
            ix.original_id = ix.message_id
            message = await self._apply_edit(ix.message_id, data, files)
        elif kind == 6:
            ix.original_id = ix.message_id
        await self._notify("callback", {"interaction_id": str(ix.id), "type": kind})
        interaction = {
            "id": str(ix.id),
            "type": ix.type,
            "response_message_id": message["id"] if message else None,
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool(message and message.get("flags", 0) & EPHEMERAL),
        }
        resource: Json = {"type": kind}
        if message is not None:
            resource["message"] = message
        return _json({"interaction": interaction, "resource": resource})

    async def _create_message(
        self,
        channel_id: int,
        body: Json,
        files: list[tuple[str, bytes]],
        *,
        author: Member,
        for_ix: Interaction | None = None,
    ) -> Json:
        message_id = snowflake()
        flags = int(body.get("flags") or 0)
        data: Json = {
            "id": str(message_id),
            "channel_id": str(channel_id),
            "guild_id": str(self.world.guild_id),
            "author": author.user_payload(),
            "content": body.get("content") or "",
            "timestamp": iso_now(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": self._store_attachments(body, files),
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "pinned": False,
            "type": 0 if for_ix is None else (20 if for_ix.type == 2 else 19),
            "flags": flags,
        }
        if for_ix is not None:
            data["webhook_id"] = str(self.world.application_id)
            data["application_id"] = str(self.world.application_id)
            data["interaction_metadata"] = {
                "id": str(for_ix.id),
                "type": for_ix.type,
                "user": for_ix.member.user_payload(),
                "authorizing_integration_owners": {"0": str(self.world.guild_id)},
            }
        visible_to = for_ix.member.id if for_ix is not None and flags & EPHEMERAL else None
        self.messages[message_id] = StoredMessage(data, visible_to)
        await self._notify("message_create", data)
        return data

    def _store_attachments(self, body: Json, files: list[tuple[str, bytes]]) -> list[Json]:
        """New files are named by their index in the upload; attachments kept across an edit by id."""
        out: list[Json] = []
        described = {int(a["id"]): a for a in body.get("attachments") or [] if "id" in a}
        for index, (filename, content) in enumerate(files):
            name = described.get(index, {}).get("filename", filename)
            content_type = "image/png" if name.endswith(".png") else "application/octet-stream"
            attachment_id = snowflake()
            self.attachments[attachment_id] = (name, content_type, content)
            out.append(self._attachment_payload(attachment_id))
        out += [self._attachment_payload(i) for i in described if i >= len(files) and i in self.attachments]
        return out

    def upload(self, file: Upload) -> Json:
        """Store a member's upload on the CDN route, as Discord does before the command reaches the
        bot, and return its attachment object (what `resolved.attachments` holds)."""
        attachment_id = snowflake()
        # Discord keeps the name's characters but turns spaces into underscores.
        name = file.filename.replace(" ", "_") or "file"
        self.attachments[attachment_id] = (name, file.guessed_type(), file.content)
        return self._attachment_payload(attachment_id) | {"ephemeral": True}

    def _attachment_payload(self, attachment_id: int) -> Json:
        name, content_type, content = self.attachments[attachment_id]
        url = f"{self.base_url}/attachments/{attachment_id}/{quote(name)}"
        payload: Json = {
            "id": str(attachment_id),
            "filename": name,
            "size": len(content),
            "url": url,
            "proxy_url": url,
        }
        if content_type is not None:
            payload["content_type"] = content_type
        return payload

    async def _apply_edit(self, message_id: int, body: Json, files: list[tuple[str, bytes]]) -> Json:
        stored = self.messages[message_id]
        data = stored.data
        for key in ("content", "embeds", "components"):
            if key in body:
                data[key] = body[key] if body[key] is not None else ([] if key != "content" else "")
        if "attachments" in body or files:
            data["attachments"] = self._store_attachments(body, files)
        if "flags" in body and body["flags"] is not None:
            data["flags"] = (data.get("flags", 0) & EPHEMERAL) | int(body["flags"])
        data["flags"] = data.get("flags", 0) & ~LOADING  # an edit ends "thinking..."
        data["edited_timestamp"] = iso_now()
        await self._notify("message_update", data)
        return data

    async def _edit(self, message_id: int, body: Json, files: list[tuple[str, bytes]]) -> web.Response:
        stored = self.messages.get(message_id)
        if stored is None or stored.deleted:
            return _error(404, 10008, "Unknown Message")
        return _json(await self._apply_edit(message_id, body or {}, files))

    async def _delete(self, message_id: int) -> web.Response:
        stored = self.messages.get(message_id)
        if stored is None or stored.deleted:
            return _error(404, 10008, "Unknown Message")
        stored.deleted = True
        await self._notify("message_delete", stored.data)
        return web.Response(status=204)

    async def _attachment(self, request: web.Request) -> web.Response:
        found = self.attachments.get(int(request.match_info["attachment_id"]))
        if found is None:
            return web.Response(status=404)
        self.downloads.append(int(request.match_info["attachment_id"]))
        _, content_type, content = found
        return web.Response(
            body=content, headers={"Content-Type": content_type or "application/octet-stream"}
        )


async def _read_body(request: web.Request) -> tuple[Any, list[tuple[str, bytes]]]:
    if request.content_type == "multipart/form-data":
        payload, files = None, []
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue
            if part.name == "payload_json":
                payload = json.loads(await part.text())
            else:
                files.append((part.filename or "file", bytes(await part.read())))
        return payload, files
    if request.can_read_body:
        raw = await request.read()
        return (json.loads(raw) if raw else None), []
    return None, []


class _GatewayConnection:
    """One bot's gateway session: HELLO, heartbeat ACKs, IDENTIFY -> READY + GUILD_CREATE, dispatches."""

    def __init__(self, emulator: DiscordEmulator, ws: web.WebSocketResponse) -> None:
        self.emulator, self.ws = emulator, ws
        self.sequence = 0
        self.ready = False
        self.session_id = secrets.token_hex(16)
        self.shard: tuple[int, int] = (0, 1)  # (shard id, shard count), as IDENTIFY gave it

    def holds(self, guild_id: int) -> bool:
        shard_id, count = self.shard
        return (guild_id >> 22) % count == shard_id

    async def send(self, op: int, data: Any, event: str | None = None) -> None:
        frame: Json = {"op": op, "d": data, "s": None, "t": event}
        if op == 0:
            self.sequence += 1
            frame["s"] = self.sequence
        # Plain text JSON frames: discord.py asks for zlib-stream but accepts uncompressed text.
        await self.ws.send_str(json.dumps(frame))

    async def dispatch(self, event: str, data: Json) -> None:
        await self.send(0, data, event)

    async def serve(self) -> None:
        await self.send(10, {"heartbeat_interval": 41250})
        async for msg in self.ws:
            if msg.type != WSMsgType.TEXT:
                continue
            frame = json.loads(msg.data)
            op = frame.get("op")
            if op == 1:
                # discord.py's heartbeat thread notes the send time only after the loop sent the beat;
                # an instant ACK can beat it and log a false "Can't keep up, 40 s behind" warning.
                await asyncio.sleep(0.05)
                await self.send(11, None)
            elif op in (2, 6):
                data = frame.get("d") if isinstance(frame.get("d"), dict) else {}
                await (self._identify(data) if op == 2 else self._resume(data))

    async def _authenticate(self, data: Json) -> bool:
        """The token of an IDENTIFY or RESUME: a wrong one closes the socket with 4004, as Discord."""
        token = data.get("token")
        if isinstance(token, str) and _same_secret(token, self.emulator.token):
            return True
        await self.ws.close(code=4004, message=b"Authentication failed.")
        return False

    async def _resume(self, data: Json) -> None:
        """Take over a session the bot identified: with its token and the session id READY gave.
        Any other session id gets op 9 Invalid Session (not resumable): the client must IDENTIFY."""
        if not await self._authenticate(data):
            return
        emu = self.emulator
        session_id = data.get("session_id")
        previous = emu.sessions.get(session_id) if isinstance(session_id, str) else None
        if previous is None or self.ready:
            await self.send(9, False)
            return
        self.session_id, self.shard, self.sequence = previous.session_id, previous.shard, previous.sequence
        emu.sessions[self.session_id] = self
        if previous is not self and not previous.ws.closed:
            await previous.ws.close(code=4000, message=b"Session resumed elsewhere.")
        self.ready = True
        await self.dispatch("RESUMED", {})
        await emu._notify("ready", {"resumed": self.session_id})

    async def _identify(self, data: Json) -> None:
        emu, world = self.emulator, self.emulator.world
        if not await self._authenticate(data):
            return
        if self.ready:
            await self.ws.close(code=4005, message=b"Already authenticated.")
            return
        emu.sessions[self.session_id] = self
        shard_id, count = data.get("shard") or (0, 1)
        self.shard = (int(shard_id), int(count))
        holds_guild = self.holds(world.guild_id)
        await self.dispatch(
            "READY",
            {
                "v": 10,
                "user": world.bot_user.user_payload(),
                "guilds": [{"id": str(world.guild_id), "unavailable": True}] if holds_guild else [],
                "session_id": self.session_id,
                "resume_gateway_url": emu.gateway_url,
                "shard": list(self.shard),
                "application": {"id": str(world.application_id), "flags": 0},
            },
        )
        if holds_guild:
            await self.dispatch("GUILD_CREATE", world.guild_payload())
        self.ready = True
        await emu._notify("ready", {})
