"""The playground's message box: parse `/quiz post lesson:qp channel:quiz` against the commands the bot
synced, and suggest what may come next. Pure functions on Discord's command JSON (no discord import).

Values run until the next ` name:` of an option of the same command, so they may contain spaces, as in
Discord's own client.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

Json = dict[str, Any]

SUBCOMMAND, GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 3, 4, 5, 6, 7, 8, 9, 10, 11
TYPE_NAMES = {
    STRING: "text",
    INTEGER: "whole number",
    BOOLEAN: "true or false",
    USER: "member",
    CHANNEL: "channel",
    ROLE: "role",
    MENTIONABLE: "member or role",
    NUMBER: "number",
    ATTACHMENT: "file",
}
MAX_SUGGESTIONS = 25
STRAY = "\0stray"  # text typed where an option name was expected
_TRUE, _FALSE = {"true", "yes", "y", "1", "on"}, {"false", "no", "n", "0", "off"}


class CommandError(Exception):
    """What the member typed cannot be sent; the message says what to fix, in one line."""


@dataclass
class Parsed:
    """A command line split into its command path and raw option values, in the order typed."""

    path: list[str]  # e.g. ["quiz", "post"]
    command: Json | None  # the top-level synced command
    options_spec: list[Json]  # the value options of the deepest subcommand reached
    values: dict[str, str] = field(default_factory=dict)
    # Where the line stops: still typing the command path, an option name, or an option's value.
    typing: str = "path"  # "path" | "option" | "value"
    partial: str = ""  # the word being typed (path or option name) or the value typed so far
    focused: str | None = None  # the option whose value is being typed

    @property
    def name(self) -> str:
        return " ".join(self.path)


@dataclass(frozen=True)
class Suggestion:
    label: str  # what the list shows
    detail: str  # a short description beside it
    text: str  # the whole message box after picking it
    # Enter picks a suggestion unless it is an optional option: a complete line is sent, as in Discord.
    optional: bool = False


def _has_subcommands(options: list[Json]) -> bool:
    return any(o.get("type") in (SUBCOMMAND, GROUP) for o in options)


def parse(text: str, commands: list[Json]) -> Parsed:
    """Split a line as far as it goes; never raises (validation is `resolve`'s job)."""
    body = text.lstrip().removeprefix("/")
    ends_with_space = body != body.rstrip()
    words = body.split()
    parsed = Parsed(path=[], command=None, options_spec=[])
    level: list[Json] = commands
    # Walk the command, then its groups and subcommands, one finished word each.
    for index, word in enumerate(words):
        pool = level if parsed.command is None else [o for o in level if o.get("type") in (SUBCOMMAND, GROUP)]
        if not pool:
            break
        found = next((c for c in pool if c["name"] == word), None)
        finished = index < len(words) - 1 or ends_with_space
        if found is None or not finished:
            parsed.partial = word  # being typed, or unknown (then nothing after it counts)
            return parsed
        if parsed.command is None:
            parsed.command = found
        parsed.path.append(word)
        level = found.get("options", []) or []
    if parsed.command is None or _has_subcommands(level):
        return parsed  # still choosing the command or a subcommand; partial is ""
    parsed.options_spec = level
    rest = body
    for word in parsed.path:
        rest = rest.lstrip()[len(word) :]
    names = "|".join(re.escape(o["name"]) for o in level)
    pieces = re.split(rf"(?:^|\s)({names}):", rest) if names else [rest]
    stray = pieces[0].strip()
    values = dict(zip(pieces[1::2], pieces[2::2], strict=True))
    parsed.values = {k: v.strip() for k, v in values.items()}
    if stray:
        parsed.values[STRAY] = stray
    last = next(reversed(values), None)
    parsed.typing = "option"
    if last is None:
        parsed.partial = "" if ends_with_space else stray
        if parsed.partial:
            parsed.values.pop(STRAY, None)
    elif not ends_with_space:
        typed = values[last].lstrip()
        head, _, tail = typed.rpartition(" ")
        unused = [o["name"] for o in level if o["name"] not in values]
        if head and tail and any(n.startswith(tail) for n in unused):
            # `lesson:qp ques`: the start of the next option's name, not more of the value.
            parsed.values[last], parsed.partial = head.strip(), tail
        else:
            parsed.typing, parsed.partial, parsed.focused = "value", typed, last
    elif not values[last].strip():
        parsed.typing, parsed.partial, parsed.focused = "value", "", last
    return parsed


def _option(parsed: Parsed, name: str) -> Json:
    return next(o for o in parsed.options_spec if o["name"] == name)


def convert(spec: Json, raw: str, *, channels: list[str], members: list[str], roles: dict[str, int]) -> Any:
    """A typed value as the emulator expects it for this option type; CommandError if it cannot be."""
    name, kind = spec["name"], spec.get("type", STRING)
    raw = raw.strip()
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'":
        raw = raw[1:-1]
    choices = spec.get("choices") or []
    if choices:
        for choice in choices:
            if raw == str(choice["value"]) or raw.lower() == str(choice["name"]).lower():
                return choice["value"]
        listed = ", ".join(str(c["value"]) for c in choices)
        raise CommandError(f"{name}: pick one of {listed}")
    if kind in (INTEGER, NUMBER):
        try:
            number: float = int(raw) if kind == INTEGER else float(raw)
        except ValueError:
            raise CommandError(f"{name}: expected a {TYPE_NAMES[kind]}, got {raw!r}") from None
        low, high = spec.get("min_value"), spec.get("max_value")
        if (low is not None and number < low) or (high is not None and number > high):
            raise CommandError(f"{name}: must be between {low} and {high}")
        return number
    if kind == BOOLEAN:
        if raw.lower() in _TRUE:
            return True
        if raw.lower() in _FALSE:
            return False
        raise CommandError(f"{name}: expected true or false")
    if kind == CHANNEL:
        channel = raw.removeprefix("#")
        if channel not in channels:
            raise CommandError(f"{name}: no channel #{channel} (channels: {', '.join(channels)})")
        return channel
    if kind in (USER, MENTIONABLE):
        member = raw.removeprefix("@")
        if member not in members:
            raise CommandError(f"{name}: no member {member!r} (members: {', '.join(members)})")
        return member
    if kind == ROLE:
        role = raw.removeprefix("@")
        if role not in roles:
            raise CommandError(f"{name}: no role {role!r} (roles: {', '.join(roles)})")
        return roles[role]
    if kind == ATTACHMENT:
        raise CommandError(f"{name}: pick the file with the 📎 {name}: button above the message box")
    if not raw and spec.get("required"):
        raise CommandError(f"{name}: is required")
    return raw


def resolve(
    text: str,
    commands: list[Json],
    *,
    channels: list[str],
    members: list[str],
    roles: dict[str, int],
    files: dict[str, Any] | None = None,
) -> tuple[str, dict[str, Any]]:
    """The command name (e.g. "quiz post") and converted options to send; CommandError if incomplete.
    `files` are the page's picks for attachment options, by option name, passed on as they are."""
    if not text.strip().startswith("/"):
        raise CommandError("quizbot answers slash commands: start with / (try /help)")
    parsed = parse(text.strip() + " ", commands)
    if parsed.command is None:
        raise CommandError(f"there is no command /{parsed.partial} (try /help)")
    subs = sub_level(parsed, commands)
    if subs:
        listed = ", ".join(f"/{parsed.name} {o['name']}" for o in subs)
        if parsed.partial:
            raise CommandError(f"/{parsed.name} has no subcommand {parsed.partial!r}: {listed}")
        raise CommandError(f"/{parsed.name} needs a subcommand: {listed}")
    stray = parsed.values.pop(STRAY, None)
    if stray:
        known = ", ".join(f"{o['name']}:" for o in parsed.options_spec) or "none"
        raise CommandError(f"/{parsed.name}: I don't understand {stray!r} (its options: {known})")
    options: dict[str, Any] = {}
    for name, raw in parsed.values.items():
        if name in (files or {}):
            continue  # `file:` typed beside a picked file: the file is the value
        options[name] = convert(_option(parsed, name), raw, channels=channels, members=members, roles=roles)
    for option in parsed.options_spec:
        if option.get("type") == ATTACHMENT and option["name"] in (files or {}):
            options[option["name"]] = (files or {})[option["name"]]
    missing = [o["name"] for o in parsed.options_spec if o.get("required") and o["name"] not in options]
    if missing:
        raise CommandError(f"/{parsed.name} needs {', '.join(m + ':' for m in missing)}")
    return parsed.name, options


def sub_level(parsed: Parsed, commands: list[Json]) -> list[Json]:
    """The subcommands (or groups) that may follow the path typed so far; [] once past them."""
    if parsed.command is None:
        return []
    level: list[Json] = commands
    for depth, word in enumerate(parsed.path):
        pool = level if depth == 0 else [o for o in level if o.get("type") in (SUBCOMMAND, GROUP)]
        found = next((c for c in pool if c["name"] == word), None)
        level = (found or {}).get("options", []) or []
    return [o for o in level if o.get("type") in (SUBCOMMAND, GROUP)]


def _prefix(text: str, partial: str) -> str:
    """The line without the word being typed."""
    return text[: len(text) - len(partial)] if partial and text.endswith(partial) else text


def suggest_static(
    text: str, commands: list[Json], *, channels: list[str], members: list[str], roles: dict[str, int]
) -> tuple[list[Suggestion], Parsed]:
    """Suggestions that need no round trip to the bot: commands, subcommands, option names, fixed
    choices, channels and members. A focused option with `autocomplete` is left to the caller."""
    parsed = parse(text, commands)
    if not text.lstrip().startswith("/"):
        return [], parsed
    out: list[Suggestion] = []
    base = _prefix(text, parsed.partial)
    subs = sub_level(parsed, commands)
    if parsed.command is None or subs:
        pool = commands if parsed.command is None else subs
        for entry in sorted(pool, key=lambda c: c["name"]):
            if entry["name"].startswith(parsed.partial):
                label = "/" + " ".join([*parsed.path, entry["name"]])
                out.append(Suggestion(label, entry.get("description", ""), base + entry["name"] + " "))
    elif parsed.typing == "option":
        if not base.endswith(" "):
            base += " "
        for option in sorted(parsed.options_spec, key=lambda o: not o.get("required")):
            if option["name"] in parsed.values or not option["name"].startswith(parsed.partial):
                continue
            need = "required" if option.get("required") else "optional"
            detail = f"{option.get('description', '')} ({TYPE_NAMES.get(option['type'], '')}, {need})"
            suggestion = Suggestion(
                f"{option['name']}:", detail, base + option["name"] + ":", optional=not option.get("required")
            )
            out.append(suggestion)
    elif parsed.focused is not None:
        option = _option(parsed, parsed.focused)
        kind = option.get("type")
        pairs: list[tuple[str, str]] = []
        if option.get("choices"):
            pairs = [(str(c["name"]), str(c["value"])) for c in option["choices"]]
        elif kind == CHANNEL:
            pairs = [(f"#{c}", c) for c in channels]
        elif kind in (USER, MENTIONABLE):
            pairs = [(f"@{m}", m) for m in members]
        elif kind == ROLE:
            pairs = [(f"@{r}", r) for r in roles]
        elif kind == BOOLEAN:
            pairs = [("true", "true"), ("false", "false")]
        typed = parsed.partial.lower()
        for label, value in pairs:
            if typed in label.lower() or typed in value.lower():
                out.append(Suggestion(label, option["name"], base + value + " "))
    return out[:MAX_SUGGESTIONS], parsed


def wants_autocomplete(parsed: Parsed) -> bool:
    """Whether the value being typed is one the bot suggests (an option with autocomplete)."""
    return parsed.focused is not None and bool(_option(parsed, parsed.focused).get("autocomplete"))


def value_suggestions(parsed: Parsed, text: str, choices: list[Json]) -> list[Suggestion]:
    """Turn the bot's autocomplete choices into suggestions that complete the line."""
    base = _prefix(text, parsed.partial)
    return [
        Suggestion(str(c["name"]), parsed.focused or "", base + str(c["value"]) + " ")
        for c in choices[:MAX_SUGGESTIONS]
    ]
