"""A server's own lessons: their ids carry the server, so they never clash with the bundled lessons
or another server's, and every stored id (posts, attempts, review cards) stays globally unique.

`G<guild in base 36>.` is the prefix: authored ids are lowercase, so no bundled id can start with it.
"""

from __future__ import annotations

import re

from content.models import ID

_GUILD = "[0-9A-Z]{1,13}"  # a snowflake (64 bits) in base 36
_PREFIX = re.compile(rf"^G({_GUILD})\.")
_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# A bundled or a server's id in a pattern (a custom_id template): up to 15 characters more than ID.
SCOPED_ID = rf"(?:G{_GUILD}\.)?{ID}"


def prefix(guild_id: int) -> str:
    digits, n = "", guild_id
    while True:
        n, d = divmod(n, 36)
        digits = _DIGITS[d] + digits
        if n == 0:
            return f"G{digits}."


def scoped(guild_id: int, authored_id: str) -> str:
    return prefix(guild_id) + authored_id


def guild_of(any_id: str) -> int | None:
    """The server a lesson or question id belongs to; None for a bundled one."""
    found = _PREFIX.match(any_id)
    return int(found.group(1), 36) if found else None


def authored(any_id: str) -> str:
    """The id as its pack writes it (what members and moderators see)."""
    return _PREFIX.sub("", any_id, count=1)
