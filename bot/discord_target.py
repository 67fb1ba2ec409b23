"""Where the real discord.py client connects: Discord itself, a self-hosted server, or the emulator."""

from __future__ import annotations

import discord.gateway
import discord.http
import yarl


def point_discord_py_at(api_url: str, gateway_url: str) -> None:
    """Send discord.py's REST calls (webhooks and interaction callbacks included) to `api_url`
    and open its gateway websocket at `gateway_url`.

    discord.py keeps both as class attributes, so this is process-wide: one Discord per process.
    """
    discord.http.Route.BASE = api_url.rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
