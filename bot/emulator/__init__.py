"""A loopback Discord (REST + gateway) for end-to-end tests and the playground."""

from bot.emulator.server import DiscordEmulator, EmulatorError, Interaction, Recorded, Upload
from bot.emulator.state import Channel, Member, World

__all__ = [
    "Channel",
    "DiscordEmulator",
    "EmulatorError",
    "Interaction",
    "Member",
    "Recorded",
    "Upload",
    "World",
]
