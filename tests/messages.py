"""Reading what a member sees in a message the emulator holds, and writing test lesson folders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

Message = dict[str, Any]


def embed(message: Message) -> dict[str, Any]:
    return message["embeds"][0]  # type: ignore[no-any-return]


def title(message: Message) -> str:
    return str(embed(message)["title"])


def fields(message: Message) -> dict[str, str]:
    return {f["name"]: f["value"] for f in embed(message).get("fields", [])}


def components(message: Message) -> list[dict[str, Any]]:
    return [c for row in message["components"] for c in row["components"]]


def custom_ids(message: Message) -> list[str]:
    return [c["custom_id"] for c in components(message) if "custom_id" in c]


def button(message: Message, part: str) -> str:
    """The custom_id that starts with `part` ("practice:next:") or ends with it (":A")."""
    return next(cid for cid in custom_ids(message) if cid.startswith(part) or cid.endswith(part))


def menus(message: Message) -> list[dict[str, Any]]:
    return [c for c in components(message) if c["type"] == 3]


def shown_letters(message: Message) -> dict[str, str]:
    """Option text -> the letter this message shows it under: options are shuffled per post, run
    and review card, so a member (and a test) goes by the text. From the answer buttons ("B. text"),
    else from the first blank's menu (label: text, value: letter)."""
    found = {}
    for c in components(message):
        if c["type"] == 2 and ":answer:" in c.get("custom_id", ""):
            letter, text = c["label"].split(". ", 1)
            found[text] = letter
    if not found and menus(message):
        found = {o["label"]: o["value"] for o in menus(message)[0]["options"]}
    return found


def lessons_folder(tmp_path: Path, **packs: str) -> Path:
    """A lessons folder holding each pack as NAME.yaml (for QUIZBOT_CONTENT_DIR)."""
    folder = tmp_path / "lessons"
    folder.mkdir()
    for name, text in packs.items():
        (folder / f"{name}.yaml").write_text(text)
    return folder
