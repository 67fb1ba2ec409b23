"""Text kept in the database for later readers (why a daily quiz paused, why a run failed): stored as
its message id and values, so each reader reads it in their own language, not in the writer's.

`keep(N_("paused by {member}"), member="<@1>")` is what a column holds; `read(stored)` is what a
reader sees, in the language being spoken. Values named in `translated` are message ids themselves
("easy"), translated as they are read. Text stored before (or Discord's own error text) reads as it
was written.
"""

from __future__ import annotations

import json
from typing import Any

from bot.i18n import ENGLISH, _, speaking

_MARK = "i18n:"  # no sentence a person wrote starts with it


def keep(message: str, *, translated: dict[str, str] | None = None, **values: Any) -> str:
    data: dict[str, Any] = {"m": message, "v": values}
    if translated:
        data["t"] = translated
    return _MARK + json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def read(stored: str) -> str:
    """The stored text in the language being spoken."""
    if not stored.startswith(_MARK):
        return stored
    try:
        data = json.loads(stored[len(_MARK) :])
        values = {**data["v"], **{k: _(v) for k, v in data.get("t", {}).items()}}
        return str(_(data["m"]).format(**values))
    except (ValueError, KeyError, TypeError, AttributeError, IndexError):
        return stored  # cut or damaged: better the raw text than nothing


def english(stored: str) -> str:
    """For the log."""
    with speaking(ENGLISH):
        return read(stored)
