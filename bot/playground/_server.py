"""The playground: the loopback Discord, the real bot connected to it, and a web page beside them.

One aiohttp app on 127.0.0.1 serves the emulator's API (the bot talks to it exactly as to Discord)
and the page (`/`, `/static/`, `/pg/...`). The page acts as one member at a time: what it types and
clicks becomes the same INTERACTION_CREATE a real Discord would send, and every message the bot
creates or edits is streamed back to it (server-sent events). Every route answers only a loopback
Host and no browser page but this one (the emulator's `_same_machine_only`); the page's POSTs are JSON.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import json
import logging
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.emulator import DiscordEmulator, EmulatorError, Interaction, Upload, World
from bot.emulator.server import ATTACHMENT_SIZE_LIMIT, EPHEMERAL, LOADING
from bot.playground import _commands as cmd
from bot.playground._lessons import LessonStatus, LessonWatcher
from content.discord_limits import LOCALES

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
# Discord shows "The application did not respond" when no answer comes within 3 s.
RESPONSE_DEADLINE_S = 3.0
KEEPALIVE_S = 15.0
# Fixed ids: the playground's SQLite file outlives a run, so scores stay with the same members.
_BASE_ID = 1_300_000_000_000_000_000

Json = dict[str, Any]


def playground_world() -> World:
    """The emulator's study group (alice, bob, carol, mod; #general, #quiz) with stable ids."""
    world = World.study_group()
    ids = iter(range(_BASE_ID, _BASE_ID + 100))
    world.guild_id, world.application_id, world.moderator_role_id = next(ids), next(ids), next(ids)
    world.bot_user.id = next(ids)
    world.members["mod"].roles = [world.moderator_role_id]
    for channel in world.channels.values():
        channel.id = next(ids)
    for member in world.members.values():
        member.id = next(ids)
    return world


class _Emulator(DiscordEmulator):
    def __init__(self, playground: Playground, world: World, host: str, port: int) -> None:
        super().__init__(world, host=host, port=port)
        self._playground = playground

    def extend_app(self, app: web.Application) -> None:
        self._playground.add_routes(app)


class Playground:
    """Start with `await playground.start()`, stop with `await playground.stop()`; `url` is the page."""

    def __init__(
        self,
        *,
        database_url: str,
        lessons_dir: Path | None = None,
        host: str = "127.0.0.1",
        port: int = 8765,
        trainer: Any = None,
        poll_seconds: float = 0.4,
    ) -> None:
        if host not in ("127.0.0.1", "::1", "localhost"):
            raise ValueError("the playground only listens on the loopback interface")
        self.emulator = _Emulator(self, playground_world(), host, port)
        self.database_url = database_url
        self.lessons_dir = lessons_dir
        self._trainer = trainer
        self.bot: Any = None  # bot.app.QuizBot once started (imported lazily: it pulls in discord.py)
        self._bot_task: asyncio.Task[None] | None = None
        self.bot_state = "starting"
        self.bot_error: str | None = None
        self.watcher: LessonWatcher | None = None
        self.lessons = LessonStatus(folder=str(lessons_dir or "bundled lessons"), watching=False)
        self._streams: set[asyncio.Queue[str | None]] = set()
        self._closing = False
        self._tasks: set[asyncio.Task[Any]] = set()
        self.poll_seconds = poll_seconds
        self.emulator.listeners.append(self._on_emulator_event)

    @property
    def url(self) -> str:
        return self.emulator.base_url + "/"

    # ----- lifecycle -------------------------------------------------------------------------
    async def start(self, *, ready_timeout: float = 60.0) -> None:
        """Serve the page, check the lessons, start the bot and wait until it has synced its commands."""
        from bot.app import QuizBot
        from bot.settings import load_settings
        from content import DEFAULT_LESSONS_DIR

        await self.emulator.start()
        folder = self.lessons_dir or DEFAULT_LESSONS_DIR
        self.watcher = LessonWatcher(
            folder,
            self._load_lessons,
            self._use_lessons,
            self._lessons_changed,
            poll_seconds=self.poll_seconds,
        )
        self.lessons = self.watcher.status
        problems = await asyncio.to_thread(self.watcher.first_check)
        emu = self.emulator
        settings = load_settings(
            DISCORD_TOKEN=emu.token,
            DISCORD_API_URL=emu.api_url,
            DISCORD_GATEWAY_URL=emu.gateway_url,
            QUIZBOT_DEV_GUILD=emu.world.guild_id,
            DATABASE_URL=self.database_url,
            QUIZBOT_CONTENT_DIR=str(folder),
            # A broken pack must not stop the playground: start with the valid ones, show the problems.
            QUIZBOT_SKIP_BAD_LESSONS=bool(problems),
        )
        self.bot = QuizBot(settings, trainer=self._trainer, guild_ready_timeout=0.05)
        self._bot_task = asyncio.create_task(self.bot.start(emu.token), name="playground-bot")
        ready = asyncio.create_task(self.bot.wait_until_ready())
        done, _ = await asyncio.wait(
            {ready, self._bot_task}, timeout=ready_timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if self._bot_task in done:
            ready.cancel()
            self.bot_state, self.bot_error = "stopped", repr(self._bot_task.exception())
            await self._broadcast({"type": "bot", **self._bot_json()})
            self._bot_task.result()  # start-up failed: raise its error to the caller
        if ready not in done:
            ready.cancel()
            raise TimeoutError(f"the bot did not become ready within {ready_timeout} s")
        await emu.wait_commands_synced()
        self.watcher.loaded(self.bot.library)
        self.bot_state = "ready"
        await self._broadcast({"type": "bot", **self._bot_json()})
        await self._broadcast({"type": "lessons", "lessons": self.lessons.to_json()})
        self.watcher.start()

    async def stop(self) -> None:
        """Stop watching, end the page's streams, close the bot (its worker too, if it owns it) and
        the emulator. Safe to call more than once."""
        self._closing = True
        if self.watcher is not None:
            await self.watcher.stop()
        for task in list(self._tasks):
            task.cancel()
        self._end_streams()
        if self.bot is not None:
            await self.bot.close()
        if self._bot_task is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(self._bot_task, 10)
        await self.emulator.stop()

    def _end_streams(self) -> None:
        for queue in list(self._streams):
            queue.put_nowait(None)

    def _load_lessons(self) -> Any:
        """Runs in a thread: reads and checks the files, changes nothing."""
        return self.bot.load_lessons()

    def _use_lessons(self, library: Any) -> None:
        self.bot.use_lessons(library)

    async def _lessons_changed(self, status: LessonStatus) -> None:
        await self._broadcast({"type": "lessons", "lessons": status.to_json()})

    def _spawn(self, coro: Any) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # ----- what the page sees ----------------------------------------------------------------
    def _member_name(self, member_id: int | None) -> str | None:
        if member_id is None:
            return None
        return next((name for name, m in self.emulator.world.members.items() if m.id == member_id), None)

    def _command_used(self, data: Json) -> Json | None:
        """`alice used /quiz post` above a reply to a slash command, like Discord's client."""
        meta = data.get("interaction_metadata")
        if not meta:
            return None
        ix = self.emulator.interactions.get(int(meta["id"]))
        if ix is None or ix.type != 2:
            return None
        path = [ix.payload["data"]["name"]]
        options = ix.payload["data"].get("options") or []
        while options and options[0].get("type") in (cmd.SUBCOMMAND, cmd.GROUP):
            path.append(options[0]["name"])
            options = options[0].get("options") or []
        return {"member": self._member_name(ix.member.id), "command": "/" + " ".join(path)}

    def _first_followup_of_private_defer(self, message_id: int, data: Json) -> Interaction | None:
        """Discord turns the first follow-up to a deferred reply into that reply, so it stays private
        when the defer was ephemeral (the emulator keeps the follow-up as a message of its own)."""
        meta = data.get("interaction_metadata")
        ix = self.emulator.interactions.get(int(meta["id"])) if meta else None
        if ix is None or ix.original_id is None or ix.original_id == message_id:
            return None
        if ix.followup_ids and ix.followup_ids[0] != message_id:
            return None
        original = self.emulator.messages[ix.original_id].data
        flags = int(original.get("flags") or 0)
        return ix if flags & LOADING and flags & EPHEMERAL else None

    def _message_json(self, message_id: int) -> Json:
        stored = self.emulator.messages[message_id]
        data, visible_to = stored.data, stored.visible_to
        if visible_to is None and (ix := self._first_followup_of_private_defer(message_id, data)):
            data = {**data, "flags": int(data.get("flags") or 0) | EPHEMERAL}
            visible_to = ix.member.id
        channel = self.emulator.world.channel_by_id(int(stored.data["channel_id"]))
        return {
            "data": data,
            "channel": channel.name if channel else None,
            "visible_to": self._member_name(visible_to),
            "used": self._command_used(stored.data),
            "deleted": stored.deleted,
        }

    def _world_json(self) -> Json:
        world = self.emulator.world
        return {
            "guild": world.guild_name,
            "bot": {"id": str(world.bot_user.id), "name": world.bot_user.name},
            "members": [
                {
                    "name": name,
                    "id": str(m.id),
                    "display": name.title(),
                    "moderator": world.moderator_role_id in m.roles,
                }
                for name, m in world.members.items()
            ],
            "channels": [{"name": name, "id": str(c.id)} for name, c in world.channels.items()],
            "roles": [{"id": r["id"], "name": r["name"]} for r in world.roles_payload()],
        }

    def _bot_json(self) -> Json:
        trainer = getattr(self.bot, "trainer", None)
        return {
            "state": self.bot_state,
            "error": self.bot_error,
            "trainer_warm": bool(getattr(trainer, "warm", False)),
        }

    def state(self) -> Json:
        return {
            "type": "hello",
            "world": self._world_json(),
            "bot": self._bot_json(),
            "commands": self.emulator.synced_commands(),
            "lessons": self.lessons.to_json(),
            "messages": [self._message_json(i) for i, m in self.emulator.messages.items() if not m.deleted],
        }

    async def _broadcast(self, event: Json) -> None:
        if not self._streams:
            return
        line = json.dumps(event)
        for queue in list(self._streams):
            queue.put_nowait(line)

    async def _on_emulator_event(self, kind: str, data: Json) -> None:
        if kind in ("message_create", "message_update"):
            await self._broadcast({"type": "message", "message": self._message_json(int(data["id"]))})
        elif kind == "message_delete":
            await self._broadcast({"type": "delete", "id": data["id"]})
        elif kind == "request" and data.get("method") == "PUT" and data.get("path", "").endswith("/commands"):
            await self._broadcast({"type": "commands", "commands": self.emulator.synced_commands()})

    # ----- HTTP ------------------------------------------------------------------------------
    def add_routes(self, app: web.Application) -> None:
        app.middlewares.append(_json_posts_only)
        app.router.add_get("/", self._index)
        app.router.add_static("/static/", STATIC_DIR, append_version=False)
        app.router.add_get("/favicon.ico", self._favicon)  # asked for by browsers that skip the <link>
        app.router.add_get("/pg/state", self._state)
        app.router.add_get("/pg/events", self._events)
        app.router.add_post("/pg/command", self._command)
        app.router.add_post("/pg/suggest", self._suggest)
        app.router.add_post("/pg/click", self._click)
        app.router.add_post("/pg/select", self._select)
        app.on_shutdown.append(self._on_shutdown)

    async def _on_shutdown(self, app: web.Application) -> None:
        self._closing = True
        self._end_streams()

    async def _index(self, request: web.Request) -> web.FileResponse:
        return web.FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})

    async def _favicon(self, request: web.Request) -> web.FileResponse:
        return web.FileResponse(STATIC_DIR / "favicon.svg", headers={"Content-Type": "image/svg+xml"})

    async def _state(self, request: web.Request) -> web.Response:
        return web.json_response(self.state())

    async def _events(self, request: web.Request) -> web.StreamResponse:
        if self._closing:
            return web.Response(status=503, text="the playground is stopping")
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
        )
        await response.prepare(request)
        queue: asyncio.Queue[str | None] = asyncio.Queue()
        # Subscribe before taking the snapshot, so nothing falls between the two.
        self._streams.add(queue)
        try:
            await response.write(f"retry: 1000\ndata: {json.dumps(self.state())}\n\n".encode())
            while True:
                try:
                    line = await asyncio.wait_for(queue.get(), KEEPALIVE_S)
                except TimeoutError:
                    await response.write(b": keepalive\n\n")
                    continue
                if line is None:
                    break
                await response.write(f"data: {line}\n\n".encode())
        except ConnectionResetError:
            pass  # the page was closed or reloaded
        finally:
            self._streams.discard(queue)
        return response

    def _options(self) -> dict[str, Any]:
        world = self.emulator.world
        return {
            "channels": list(world.channels),
            "members": list(world.members),
            "roles": {r["name"]: int(r["id"]) for r in world.roles_payload() if r["name"] != "@everyone"},
        }

    async def _body(self, request: web.Request) -> tuple[Json, str, str]:
        """The JSON body, the member acting (`as`) and the channel they are in."""
        try:
            body = await request.json()
        except ValueError:
            raise web.HTTPBadRequest(text="expected a JSON body") from None
        world = self.emulator.world
        member = body.get("as", "alice")
        channel = body.get("channel", "general")
        if member not in world.members or channel not in world.channels:
            raise web.HTTPBadRequest(text="unknown member or channel")
        locale = body.get("locale", "en-US")
        if locale not in LOCALES:
            raise web.HTTPBadRequest(text="unknown Discord locale")
        world.members[member].locale = locale  # what the member's Discord client would send
        return body, member, channel

    async def _command(self, request: web.Request) -> web.Response:
        body, member, channel = await self._body(request)
        try:
            name, options = cmd.resolve(
                str(body.get("text", "")),
                self.emulator.synced_commands(),
                **self._options(),
                files=_uploads(body.get("files")),
            )
            ix = await self.emulator.slash(name, by=member, in_channel=channel, **options)
        except (cmd.CommandError, EmulatorError) as exc:
            return web.json_response({"error": str(exc)}, status=400)
        self._watch_response(ix, member, channel)
        return web.json_response({"interaction": str(ix.id)})

    async def _suggest(self, request: web.Request) -> web.Response:
        body, member, channel = await self._body(request)
        text = str(body.get("text", ""))
        commands = self.emulator.synced_commands()
        suggestions, parsed = cmd.suggest_static(text, commands, **self._options())
        if cmd.wants_autocomplete(parsed):
            suggestions = await self._ask_bot(parsed, text, member, channel)
        return web.json_response(
            {
                "suggestions": [
                    {"label": s.label, "detail": s.detail, "text": s.text, "optional": s.optional}
                    for s in suggestions
                ]
            }
        )

    async def _ask_bot(
        self, parsed: cmd.Parsed, text: str, member: str, channel: str
    ) -> list[cmd.Suggestion]:
        """The bot's own autocomplete for the focused option, with the other options typed so far."""
        assert parsed.focused is not None
        others: dict[str, Any] = {}
        for name, raw in parsed.values.items():
            if name in (parsed.focused, cmd.STRAY):
                continue
            spec = next(o for o in parsed.options_spec if o["name"] == name)
            with contextlib.suppress(cmd.CommandError):
                others[name] = cmd.convert(spec, raw, **self._options())
        try:
            choices = await asyncio.wait_for(
                self.emulator.autocomplete(
                    parsed.name,
                    parsed.focused,
                    by=member,
                    in_channel=channel,
                    **{**others, parsed.focused: parsed.partial},
                ),
                RESPONSE_DEADLINE_S,
            )
        except (EmulatorError, TimeoutError) as exc:
            log.info("autocomplete for %s failed: %s", parsed.focused, exc)
            return []
        return cmd.value_suggestions(parsed, text, choices)

    async def _component(self, request: web.Request, values: list[str] | None) -> web.Response:
        body, member, _ = await self._body(request)
        try:
            message_id = int(body.get("message_id", 0))
            stored = self.emulator.messages.get(message_id)
            if stored is None or stored.deleted:
                raise EmulatorError("that message is gone")
            if stored.visible_to is not None and stored.visible_to != self.emulator.world.members[member].id:
                raise EmulatorError("only the member who got this message can use it")
            custom_id = str(body.get("custom_id", ""))
            if values is None:
                ix = await self.emulator.click(message_id, custom_id, by=member)
            else:
                ix = await self.emulator.select(message_id, custom_id, values, by=member)
        except (EmulatorError, ValueError) as exc:
            return web.json_response({"error": str(exc)}, status=400)
        channel = self.emulator.world.channel_by_id(ix.channel_id)
        self._watch_response(ix, member, channel.name if channel else "general")
        return web.json_response({"interaction": str(ix.id)})

    async def _click(self, request: web.Request) -> web.Response:
        return await self._component(request, None)

    async def _select(self, request: web.Request) -> web.Response:
        body = await request.json()
        values = body.get("values")
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            return web.json_response({"error": "values must be a list of strings"}, status=400)
        return await self._component(request, values)

    def _watch_response(self, ix: Interaction, member: str, channel: str) -> None:
        async def watch() -> None:
            try:
                await self.emulator.wait_response(ix, timeout=RESPONSE_DEADLINE_S)
            except TimeoutError:
                await self._broadcast(
                    {
                        "type": "failed",
                        "interaction": str(ix.id),
                        "member": member,
                        "channel": channel,
                        "text": "This interaction failed: quizbot did not respond within 3 seconds.",
                    }
                )

        self._spawn(watch())


def _uploads(files: Any) -> dict[str, Upload]:
    """The page's picked files, {option: {filename, data (base64)}}, as the emulator takes them."""
    if not files:
        return {}
    if not isinstance(files, dict):
        raise cmd.CommandError("files must be an object of option name to file")
    out = {}
    for option, picked in files.items():
        try:
            filename, data = str(picked["filename"]), base64.b64decode(picked["data"], validate=True)
        except (KeyError, TypeError, ValueError, binascii.Error):
            raise cmd.CommandError(
                f"{option}: the page sent a file I could not read; pick it again"
            ) from None
        if len(data) > ATTACHMENT_SIZE_LIMIT:
            raise cmd.CommandError(
                f"{option}: Discord takes files up to {ATTACHMENT_SIZE_LIMIT // 2**20} MiB"
            )
        out[str(option)] = Upload(filename, data)
    return out


@web.middleware
async def _json_posts_only(request: web.Request, handler: Any) -> web.StreamResponse:
    """The page's POSTs take only JSON (a cross-site form cannot send it without a CORS preflight,
    which this server never grants). The loopback Host and the page's own Origin are checked for
    every route, the emulator's too, by the emulator (bot.emulator.server._same_machine_only)."""
    page = request.path == "/" or request.path.startswith(("/pg/", "/static/"))
    if page and request.method == "POST" and request.content_type != "application/json":
        return web.Response(status=415, text="expected application/json")
    return await handler(request)
