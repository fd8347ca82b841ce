"""Repair what French writing does to YAML, changing nothing else in the file.

`title: Échangeons : pour…` is unreadable YAML (a second ': ' on the line), and
so are a file indented with tabs and `title:Échangeons`. `repair()` puts such values
in quotes, turns indenting tabs into spaces and adds the missing space, line by
line: the same lines, the same comments. The loader uses it to report every such
line at once and go on validating the rest; `cfsi-reports fix` writes the result back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import yamlsafe

# Repairing re-parses the file after each quoted value: bound the work on huge files.
MAX_PARSED_BYTES = 10_000_000

_ITEM = re.compile(r"^(\s*)((?:-[ \t]+)+)")
_KEY = re.compile(r"^(\s*)([A-Za-z_][A-Za-z0-9_]*)[ \t]*:(?:[ \t]+|$)")
_COMMENT = re.compile(r"[ \t]+#")


@dataclass
class Repaired:
    """The repaired text, what was changed, and what is still wrong (if anything)."""

    text: str
    quoted: list[int] = field(default_factory=list)  # first line of each value put in quotes
    tabs: list[int] = field(default_factory=list)  # lines whose indentation held tabs
    spaced: list[int] = field(default_factory=list)  # `title:Échangeons` lines, now spaced
    requoted: list[yamlsafe.YamlError] = field(default_factory=list)  # `title: "Mon titre`
    mended: list[int] = field(default_factory=list)  # the lines those quotes were mended on
    located: yamlsafe.Located | None = None
    error: yamlsafe.YamlError | None = None


def repair(text: str, keys: frozenset[str] = frozenset()) -> Repaired:
    """Quote the values YAML cannot read because of ': ', untab the indentation, close a
    quote left open, parse."""
    lines = text.splitlines(keepends=True)
    out = Repaired(text)
    for number, line in enumerate(lines, 1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            lines[number - 1] = indent.replace("\t", "  ") + line[len(indent) :]
            out.tabs.append(number)
    out.text = "".join(lines)
    budget = MAX_PARSED_BYTES
    while True:
        try:
            out.located = yamlsafe.parse(out.text, keys, twice=True)
            return out
        except yamlsafe.YamlError as exc:
            budget -= len(out.text)
            if exc.kind == "space" and budget >= 0:
                line = lines[exc.line - 1]
                glued = yamlsafe.NO_SPACE.match(line)
                assert glued is not None
                lines[exc.line - 1] = line[: glued.end()] + " " + line[glued.end() :]
                out.spaced.append(exc.line)
                out.text = "".join(lines)
                continue
            if exc.kind == "quote" and budget >= 0:
                mended = yamlsafe.requote(lines, exc.line)
                if mended is not None:  # reported, mended here to read the rest of the file
                    for number, text in mended:
                        lines[number - 1] = text
                    out.requoted.append(exc)
                    out.mended += [number for number, _ in mended]
                    out.text = "".join(lines)
                    continue
            if exc.kind != "colon" or budget < 0:
                out.error = exc
                return out
            quoted = _quote_at(lines, exc.line, keys)
            if quoted is None:
                out.error = exc
                return out
            out.quoted.append(quoted)
            out.text = "".join(lines)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _value_start(line: str, keys: frozenset[str]) -> int | None:
    """Return where the value of a `- item` or `key: value` line starts, if it has one."""
    item = _ITEM.match(line)
    if item:
        start = item.end()
    else:
        key = _KEY.match(line)
        if not key or (keys and key.group(2) not in keys):
            return None
        start = key.end()
    rest = line[start:].rstrip("\r\n")
    if not rest.strip() or rest.lstrip()[0] in "\"'|>#[{&*!":
        return None
    return start


def _quote_at(lines: list[str], number: int, keys: frozenset[str]) -> int | None:
    """Put the plain value that holds line `number` in quotes; return its first line."""
    found = _quote_from(lines, number, keys)
    if found is None and keys:  # `titre: Échangeons : pour`: a misspelt key is still a key
        found = _quote_from(lines, number, frozenset())
    return found


def _quote_from(lines: list[str], number: int, keys: frozenset[str]) -> int | None:
    first = number - 1
    while first >= 0 and _value_start(lines[first], keys) is None:
        first -= 1  # a continuation line: the value starts on a line above
    if first < 0:
        return None
    start = _value_start(lines[first], keys)
    assert start is not None
    owner = _indent(lines[first])
    last = first
    for index in range(first + 1, len(lines)):
        body = lines[index].strip()
        if not body:
            continue
        if _indent(lines[index]) <= owner or body.startswith("#"):
            break
        last = index
    if last < number - 1:
        return None
    head, tail = lines[first][:start], lines[last]
    end_line = tail.rstrip("\r\n")
    newline = tail[len(end_line) :]
    comment = _COMMENT.search(end_line, start if last == first else 0)
    cut = comment.start() if comment else len(end_line.rstrip())
    if last == first:
        pieces = [end_line[start:cut]]
    else:
        pieces = [lines[first][start:], *lines[first + 1 : last], end_line[:cut]]
    value = "".join(pieces)
    if '"' in value or "\\" in value:
        quoted = "'" + value.replace("'", "''") + "'"
    else:
        quoted = '"' + value + '"'
    rebuilt = head + quoted + end_line[cut:] + newline
    lines[first : last + 1] = rebuilt.splitlines(keepends=True)
    return first + 1


# `duration_months: 24 mois`, `budget: 85 000 €`: figures with their unit or grouped by
# spaces, which can mean one number only. `54.000` (54 or 54 000?) is left to the writer.
_FIGURE_LINE = re.compile(
    r"^(?P<head>\s*(?P<key>duration_months|budget|granted)[ \t]*:[ \t]*)"
    r"(?P<value>[^#\r\n]*?)(?P<tail>[ \t]+#.*)?(?P<end>\r?\n?)$"
)
_SPACES = "[ \u00a0\u202f\u2009]"
_MONTHS = re.compile(r"(\d+)" + _SPACES + r"*(?i:mois|months?)")
_UNIT = re.compile(_SPACES + r"*(?:€|(?i:euros?|eur))$")
_GROUPED = re.compile(r"\d{1,3}(?:" + _SPACES + r"\d{3})+(?:,\d{1,2})?|\d+(?:[.,]\d{1,2})?")


def figures(text: str) -> tuple[str, list[int]]:
    """Write the months and amounts people type with their unit as numbers alone; return
    the text and the lines changed. Only what can mean one number is changed."""
    lines = text.splitlines(keepends=True)
    changed: list[int] = []
    for number, line in enumerate(lines, 1):
        found = _FIGURE_LINE.match(line)
        if found is None:
            continue
        value = found["value"].strip()
        if len(value) > 1 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1].strip()
        plain = None
        if found["key"] == "duration_months":
            months = _MONTHS.fullmatch(value)
            plain = months.group(1) if months else None
        else:
            bare = _UNIT.sub("", value)
            grouped = _GROUPED.fullmatch(bare)
            if grouped and (bare != value or re.search(_SPACES + "|,", bare)):
                plain = re.sub(_SPACES, "", bare).replace(",", ".")
        if plain is not None:
            lines[number - 1] = found["head"] + plain + (found["tail"] or "") + found["end"]
            changed.append(number)
    return "".join(lines), changed
