"""Parse untrusted YAML into plain data, remembering the line of every value.

Only the data model of YAML is used: no tags beyond the core ones, no aliases
(the classic "billion laughs" expansion needs them), bounded depth and size.
Every scalar comes back as a string (or None for an empty value): the typed
model decides what a number is, which also avoids YAML 1.1 surprises such as
the country code `NO` turning into `False`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..errors import line_of

try:  # LibYAML is several times faster; the pure-Python parser behaves the same.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_DEPTH = 16
MAX_NODES = 20_000  # the largest seed action holds about 60

Path = tuple[str | int, ...]

_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {
    _CORE + name for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
}
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")


class YamlError(Exception):
    """A located YAML problem."""

    def __init__(self, line: int, message: str, path: Path = ()) -> None:
        self.line = line
        self.message = message
        self.path = path
        super().__init__(f"{line}: {message}")


@dataclass
class Located:
    """Parsed data plus the line where each value (or its key) sits."""

    data: Any
    lines: dict[Path, int] = field(default_factory=dict)

    def line_of(self, path: Path) -> int:
        """Return the line of `path`, or of its nearest ancestor that exists."""
        return line_of(self.lines, tuple(path))


def bad_character(text: str) -> str | None:
    """Return a description of the first character XML and PDF text cannot hold."""
    for ch in text:
        if ch in "\t\n":
            continue
        cat = unicodedata.category(ch)
        code = ord(ch)
        if (
            cat in ("Cc", "Cs", "Co")
            or 0xFDD0 <= code <= 0xFDEF
            or (code & 0xFFFE) == 0xFFFE
            or ch in "\u2028\u2029"
        ):
            name = unicodedata.name(ch, "control character")
            return f"U+{code:04X} ({name.lower()})"
    return None


def parse(text: str) -> Located:
    """Parse one YAML document from `text`; raise YamlError on any problem."""
    _prescan(text)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise _located(exc, text) from None
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        raise YamlError(1, str(exc)) from None
    out = Located(None)
    if node is None:
        return out
    out.lines[()] = node.start_mark.line + 1
    counter = [0]
    out.data = _convert(node, (), out.lines, counter)
    return out


def _prescan(text: str) -> None:
    """Refuse aliases, deep nesting and several documents before composing."""
    depth = 0
    documents = 0
    values = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.ScalarEvent | yaml.CollectionStartEvent):
                values += 1
                if values > MAX_NODES:  # before compose() builds them all in memory
                    raise YamlError(
                        event.start_mark.line + 1, f"more than {MAX_NODES} values in one file"
                    )
            if isinstance(event, yaml.AliasEvent):
                raise YamlError(
                    event.start_mark.line + 1,
                    f"'*{event.anchor}' is read as a YAML alias, which content files do not"
                    " use (put text that starts with * or & in quotes)",
                )
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise YamlError(
                        event.start_mark.line + 1,
                        f"nesting deeper than {MAX_DEPTH} levels (content files are shallow)",
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise YamlError(
                        event.start_mark.line + 1,
                        "a second YAML document ('---'); one file holds one document",
                    )
    except yaml.MarkedYAMLError as exc:
        raise _located(exc, text) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise YamlError(
            line,
            f"contains the character U+{code:04X}, which documents cannot hold",
            _path_at(text, line),
        ) from None


def _convert(node: yaml.Node, path: Path, lines: dict[Path, int], counter: list[int]) -> Any:
    counter[0] += 1
    if counter[0] > MAX_NODES:
        raise YamlError(node.start_mark.line + 1, f"more than {MAX_NODES} values in one file")
    line = node.start_mark.line + 1
    if node.tag not in _ALLOWED_TAGS:
        raise YamlError(
            line, f"the tag {node.tag!r} is not allowed (content files hold plain data)", path
        )
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _CORE + "merge":
                raise YamlError(key_node.start_mark.line + 1, "keys must be plain names", path)
            key = str(key_node.value)
            key_line = key_node.start_mark.line + 1
            if key in result:
                raise YamlError(
                    key_line, "this key appears twice in the same mapping", (*path, key)
                )
            lines[(*path, key)] = key_line
            result[key] = _convert(value_node, (*path, key), lines, counter)
            lines[(*path, key)] = key_line
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            lines[(*path, index)] = item.start_mark.line + 1
            items.append(_convert(item, (*path, index), lines, counter))
        return items
    value = str(node.value)
    if node.tag == _CORE + "null" and _NULL.match(value):  # plain `~`, `null` or nothing
        return None
    bad = bad_character(value)
    if bad:
        raise YamlError(line, f"contains the character {bad}, which documents cannot hold", path)
    return value


def _located(exc: yaml.MarkedYAMLError, text: str) -> YamlError:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    message = " ".join(part for part in (exc.context, exc.problem) if part)
    if "maximum nesting depth" in message:
        return YamlError(
            line, f"nesting deeper than {MAX_DEPTH} levels (content files are shallow)"
        )
    source = text.splitlines()[line - 1] if 0 < line <= len(text.splitlines()) else ""
    if "\t" in source[: len(source) - len(source.lstrip())] or "'\\t'" in message:
        message += " (tabs cannot indent YAML: use spaces)"
    if "mapping values are not allowed" in message:
        message += " (a value containing ': ' must be put in quotes)"
    return YamlError(line, f"YAML syntax error: {message}", _path_at(text, line))


_KEY = re.compile(r"^(\s*)(?:- +)?([^\s#'\"\-][^:#]*?):(?:\s|$)")


def _path_at(text: str, line: int) -> Path:
    """Guess the key path of a line from indentation (for errors raised before parsing)."""
    path: list[tuple[int, str]] = []
    for source in text.splitlines()[:line]:
        match = _KEY.match(source)
        if not match:
            continue
        indent = len(match.group(1))
        while path and path[-1][0] >= indent:
            path.pop()
        path.append((indent, match.group(2).strip()))
    return tuple(key for _, key in path)
