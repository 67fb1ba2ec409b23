"""Read a lesson pack's YAML text, keeping the line of every key and list item.

Every scalar is kept as the exact text the author typed (YAML's "failsafe" reading): `no`, `on`,
`1.0` and `010` stay those strings, so the YAML 1.1 boolean and number traps cannot change an option
or an answer. Only an empty value, `~` and `null` (unquoted) mean "nothing". Duplicate keys and tabs
in indentation are errors, not silently resolved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from bot.i18n import _

Loc = tuple[str | int, ...]

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
# An alias can expand a small file into a huge tree ("billion laughs"); lesson packs never need that.
_MAX_NODES = 100_000
# Lists and mappings inside each other: a pack needs a handful of levels. PyYAML composes nodes
# recursively, so a few hundred `[` would otherwise end in a RecursionError.
MAX_YAML_DEPTH = 50


@dataclass
class YamlIssue:
    """A problem found while reading: 1-based line, the field path (or None), what is wrong."""

    line: int
    loc: Loc | None
    message: str


@dataclass
class ParsedYaml:
    data: Any
    # Field path -> 1-based line of its key (mapping entries) or of the item (list entries).
    lines: dict[Loc, int] = field(default_factory=dict)
    # Field path -> 1-based line where a scalar's text begins (the line after `|` for block scalars).
    text_starts: dict[Loc, int] = field(default_factory=dict)

    def line_of(self, loc: Loc) -> int:
        """The line of `loc`, or of its nearest enclosing key or item (e.g. a mapping missing a key)."""
        for end in range(len(loc), -1, -1):
            found = self.lines.get(loc[:end])
            if found is not None:
                return found
        return 1


class _TooBig(Exception):
    pass


class _TooDeep(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


class _DepthLimitedLoader(yaml.SafeLoader):
    """SafeLoader that stops composing at MAX_YAML_DEPTH nested lists and mappings."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self._depth >= MAX_YAML_DEPTH and self.check_event(
            yaml.SequenceStartEvent, yaml.MappingStartEvent
        ):
            raise _TooDeep(self.peek_event().start_mark.line + 1)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _tab_issues(text: str) -> list[YamlIssue]:
    issues = []
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            # TRANSLATORS: a tab character at the start of a line.
            issues.append(YamlIssue(number, None, _("tab in indentation: indent with spaces")))
    return issues


def _syntax_issue(exc: yaml.YAMLError, text: str) -> YamlIssue:
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        # TRANSLATORS: {char} is the character, quoted; {reason} is the YAML reader's own words, in English.
        message = _("character {char} is not allowed in YAML ({reason})").format(
            char=repr(char), reason=exc.reason
        )
        return YamlIssue(line, None, message)
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        # The YAML parser's own words (English), e.g. "mapping values are not allowed here".
        problem = exc.problem or _("invalid YAML")
        if exc.context and exc.context_mark is not None and exc.context_mark.line + 1 != line:
            # TRANSLATORS: {problem} and {context} are the YAML parser's own words, in English, e.g.
            # "expected ',' or ']', but got '<stream end>'" and "while parsing a flow sequence".
            problem = _("{problem} ({context} at line {line})").format(
                problem=problem, context=exc.context, line=exc.context_mark.line + 1
            )
        elif exc.context:
            problem = f"{problem} ({exc.context})"
        # TRANSLATORS: {problem} is the YAML parser's own words, in English.
        return YamlIssue(line, None, _("YAML syntax error: {problem}").format(problem=problem))
    # TRANSLATORS: {error} is the YAML parser's own words, in English.
    return YamlIssue(1, None, _("YAML error: {error}").format(error=exc))


class _Converter:
    def __init__(self, parsed: ParsedYaml, issues: list[YamlIssue]) -> None:
        self.parsed = parsed
        self.issues = issues
        self.count = 0

    def convert(self, node: yaml.Node, loc: Loc) -> Any:
        self.count += 1
        if self.count > _MAX_NODES:
            raise _TooBig
        self.parsed.lines.setdefault(loc, node.start_mark.line + 1)
        if isinstance(node, yaml.ScalarNode):
            if node.style in ("|", ">"):
                self.parsed.text_starts[loc] = node.start_mark.line + 2
            else:
                self.parsed.text_starts[loc] = node.start_mark.line + 1
            if node.style is None and node.value in _NULLS:
                return None
            return node.value
        if isinstance(node, yaml.SequenceNode):
            out_list = []
            for index, item in enumerate(node.value):
                self.parsed.lines[(*loc, index)] = item.start_mark.line + 1
                out_list.append(self.convert(item, (*loc, index)))
            return out_list
        assert isinstance(node, yaml.MappingNode)
        out: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                self.issues.append(
                    # TRANSLATORS: a YAML key (before its colon) written as a list or a mapping.
                    YamlIssue(key_line, loc, _("a key must be plain text, not a list or mapping"))
                )
                continue
            key = key_node.value
            if key in first_line:
                self.issues.append(
                    YamlIssue(
                        key_line,
                        (*loc, key),
                        # TRANSLATORS: {key} is a YAML key, quoted; {line} the line that has it first.
                        _("duplicate key {key} (first at line {line})").format(
                            key=repr(key), line=first_line[key]
                        ),
                    )
                )
                continue
            first_line[key] = key_line
            self.parsed.lines[(*loc, key)] = key_line
            out[key] = self.convert(value_node, (*loc, key))
        return out


def _too_deep() -> str:
    # TRANSLATORS: {limit} is how many lists and mappings inside each other a file may have.
    return _("nests more than {limit} levels deep; a lesson pack needs a few").format(limit=MAX_YAML_DEPTH)


def parse_yaml(text: str) -> tuple[ParsedYaml | None, list[YamlIssue]]:
    """Parse one YAML document. Returns (None, issues) when it cannot be read at all."""
    issues = _tab_issues(text)
    if issues:
        return None, issues
    try:
        root = yaml.compose(text, Loader=_DepthLimitedLoader)
    except yaml.YAMLError as exc:
        return None, [_syntax_issue(exc, text)]
    except _TooDeep as exc:
        return None, [YamlIssue(exc.line, None, _too_deep())]
    except RecursionError:  # the limit above should come first; never a traceback either way
        return None, [YamlIssue(1, None, _too_deep())]
    if root is None:
        # TRANSLATORS: id, title, topic, source and questions are YAML keys: they stay as they are.
        empty = _("the file is empty: a lesson pack needs id, title, topic, source, questions")
        return None, [YamlIssue(1, None, empty)]
    parsed = ParsedYaml(data=None)
    try:
        parsed.data = _Converter(parsed, issues).convert(root, ())
    except _TooBig:
        # TRANSLATORS: {limit} is a number of values; an alias is YAML's *name reference to an &name.
        message = _("the file expands to more than {limit} values (aliases?)").format(limit=_MAX_NODES)
        return None, [YamlIssue(1, None, message)]
    except RecursionError:
        # TRANSLATORS: an alias is YAML's *name reference to an &name.
        return None, [YamlIssue(1, None, _("the file nests too deeply (a recursive alias?)"))]
    return parsed, issues
