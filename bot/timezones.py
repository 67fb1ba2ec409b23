"""Time zones, one way everywhere: what /config timezone and /schedule add accept, and how a stored
zone name is read back."""

from __future__ import annotations

import zoneinfo
from functools import cache

from bot.i18n import _


class UnknownZone(ValueError):
    """Not a zone the tz database here knows; the message is one sentence for the moderator."""


@cache
def known_zones() -> tuple[str, ...]:
    """Every IANA zone name the tz database here knows, sorted (what /config and /schedule accept)."""
    return tuple(sorted(_zone_set()))


@cache
def _zone_set() -> frozenset[str]:  # membership, checked for every schedule on every tick
    return frozenset(zoneinfo.available_timezones())


def parse_zone(name: str) -> zoneinfo.ZoneInfo:
    """An IANA zone by name (e.g. Europe/Berlin); an unknown name raises UnknownZone."""
    name = name.strip()
    if name not in _zone_set():
        # TRANSLATORS: {zone} is what the moderator typed; Europe/Berlin and UTC are zone names.
        text = _("`{zone}` is not a time zone I know: pick an IANA name such as Europe/Berlin or UTC.")
        raise UnknownZone(text.format(zone=name[:64]))
    return zoneinfo.ZoneInfo(name)


def zone_or_none(name: str) -> zoneinfo.ZoneInfo | None:
    """A stored zone name read back; None once the tz database no longer knows it."""
    try:
        return parse_zone(name)
    except UnknownZone:
        return None
