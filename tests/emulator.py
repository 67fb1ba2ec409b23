"""The loopback Discord as tests drive it: DiscordEmulator plus the helpers that read what the bot did
(replies, follow-ups, channel and DM messages, requests) and plant a message an older bot left.
They live here, not in bot.emulator, because the playground never needs them."""

from __future__ import annotations

from bot.emulator import DiscordEmulator, Interaction, Recorded
from bot.emulator.server import LOADING, Json


class DiscordForTests(DiscordEmulator):
    """The emulator of the `emulator` fixture (and the benchmarks): read back what the bot did."""

    async def wait_ready(self, timeout: float = 15.0) -> None:
        await self.wait_for(lambda: any(c.ready for c in self._sockets), timeout, "the bot to identify")

    def message(self, message_id: int) -> Json:
        return self.messages[message_id].data

    def channel_messages(self, channel: str | int, *, visible_to: str | None = None) -> list[Json]:
        """Messages in a channel in order; ephemeral ones only for the member who may see them."""
        channel_id = channel if isinstance(channel, int) else self.world.channels[channel].id
        viewer = self.world.members[visible_to].id if visible_to else None
        return [
            m.data
            for m in self.messages.values()
            if not m.deleted
            and int(m.data["channel_id"]) == channel_id
            and (m.visible_to is None or m.visible_to == viewer)
        ]

    def attachment(self, message: Json, filename: str) -> bytes:
        """The bytes of a file the bot attached to a message."""
        found = next(a for a in message["attachments"] if a["filename"] == filename)
        return self.attachments[int(found["id"])][2]

    def followups(self, ix: Interaction) -> list[Json]:
        return [self.messages[i].data for i in ix.followup_ids]

    async def wait_reply(self, ix: Interaction, timeout: float = 10.0) -> Json:
        """The message the member sees as the answer: the original response, once it is no longer
        'thinking' (a deferred reply counts once the bot edited it or sent a follow-up)."""

        def ready() -> Json | None:
            if not ix.callbacks:
                return None
            if ix.followup_ids:
                return self.messages[ix.followup_ids[-1]].data
            if ix.original_id is None:
                return None
            data = self.messages[ix.original_id].data
            return None if data.get("flags", 0) & LOADING else data

        return await self.wait_for(ready, timeout, f"reply to interaction {ix.id}")  # type: ignore[no-any-return]

    def dm_messages(self, member: str) -> list[Json]:
        """Direct messages the bot sent to a member, in order."""
        member_id = self.world.members[member].id
        return [
            m.data
            for m in self.messages.values()
            if self.dm_channels.get(int(m.data["channel_id"])) == member_id and not m.deleted
        ]

    def requests_to(self, method: str, path_contains: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and path_contains in r.path]


async def plant_message(
    emulator: DiscordEmulator,
    channel: str,
    custom_ids: list[str],
    content: str = "",
    files: list[tuple[str, bytes]] | None = None,
) -> Json:
    """A message with buttons as an older version of the bot might have left it: the way to click
    a stale or malformed custom_id, since Discord only sends clicks for buttons on a message. A
    function, not a method, so the browser tests can plant one in a playground's own emulator.
    Without custom_ids it has no buttons; `files` are attached as uploaded (a `.png` is an image)."""
    buttons = [{"type": 2, "style": 2, "label": str(i), "custom_id": cid} for i, cid in enumerate(custom_ids)]
    body: Json = {"content": content}
    if buttons:
        body["components"] = [{"type": 1, "components": buttons}]
    return await emulator._create_message(
        emulator.world.channels[channel].id, body, files or [], author=emulator.world.bot_user
    )
