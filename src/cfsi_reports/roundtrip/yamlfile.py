"""Change values in an action file in place, keeping everything else as it was typed.

ruamel.yaml's round-trip mode keeps comments, key order, quoting styles, block scalars
and indentation of what it does not touch; only the changed values are emitted anew.
Its YAML 1.2 differs from PyYAML's 1.1 (the content loader) on plain scalars such as
`no` or `0123`, so every new text is quoted whenever PyYAML would read it otherwise.
"""

from __future__ import annotations

import difflib
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    LiteralScalarString,
    ScalarString,
)

from ..content import yamlsafe
from ..content.model import Action
from ..messages import _
from ..records import record_at

# Where a key that was absent goes: after the nearest key before it in this order.
_ORDER = {
    (): (
        "title", "regions", "countries", "lead", "partners", "locations", "beneficiaries",
        "duration_months", "funding", "project", "expected_results", "activities",
    ),
    ("beneficiaries",): ("label", "direct_label", "direct", "indirect_label", "indirect"),
    ("funding",): ("budget", "granted", "budget_label", "granted_label"),
    ("photo",): ("file", "alt", "credit"),
}  # fmt: skip
_INDENTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (4, 4, 0), (3, 5, 3), (2, 3, 1))


class YamlWriteError(Exception):
    """The file cannot be changed in place (it does not parse as it did)."""


def _yaml(indent: tuple[int, int, int]) -> YAML:
    out = YAML(typ="rt")
    out.preserve_quotes = True
    out.width = 1_000_000  # never fold a long line the user typed on one line
    out.indent(mapping=indent[0], sequence=indent[1], offset=indent[2])
    return out


def _setup(text: str) -> tuple[YAML, Any]:
    """Return a YAML instance that writes the untouched file back byte for byte."""
    first = None
    for indent in _INDENTS:
        loader = _yaml(indent)
        data = loader.load(text)
        buffer = io.StringIO()
        loader.dump(data, buffer)
        if buffer.getvalue() == text:
            return loader, data
        first = first or (loader, data)
    assert first is not None
    return first


# A text typed the French way without quotes, `- Atelier : échanges` or a value on its own
# line such as `lead:` then `  Radio Djiido : Nouméa`: the content loader reads it as that
# text (a ColonText), ruamel as a one-pair mapping it would write back as `Atelier: échanges`.
# Such texts are quoted while ruamel edits the file, and their lines put back as typed
# wherever the import did not change them.


def _quote_colon_texts(text: str) -> tuple[str, dict[str, str]]:
    """Return `text` with each such text double-quoted, and each quoted line's original."""
    try:
        located = yamlsafe.parse(text)
    except yamlsafe.YamlError as exc:
        raise YamlWriteError(exc.message) from None
    lines = text.split("\n")
    typed: dict[str, str] = {}
    for path, colon in _colon_texts(located.data, ()):
        number = located.lines[(*path, next(iter(colon)))] - 1  # the line of its pair
        line = lines[number]
        escaped = colon.source.replace("\\", "\\\\").replace('"', '\\"')
        safe = line.replace(colon.source, f'"{escaped}"', 1)
        typed[safe] = line
        owner = lines[number - 1] if number else ""
        if not line.split(colon.source, 1)[0].strip() and owner.rstrip().endswith((":", "-")):
            # On its own line under `lead:` or `-`: ruamel writes a quoted text beside them.
            typed[f"{owner.rstrip()} {safe.strip()}"] = f"{owner}\n{line}"
        lines[number] = safe
    return "\n".join(lines), typed


def _colon_texts(value: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Yield (path, ColonText) for each one the action reads as text, not as a group of fields."""
    if isinstance(value, yamlsafe.ColonText) and not _is_group(path):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _colon_texts(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _colon_texts(item, (*path, index))


def _is_group(path: tuple[Any, ...]) -> bool:
    """Tell whether the action's field at `path` is a group of fields (`photo:`, `funding:`)."""
    return record_at(Action, path) is not None


def update(text: str, changes: dict[str, Any]) -> str:
    """Return `text` with the values at dotted paths replaced (None removes the key)."""
    text, typed = _quote_colon_texts(text)
    return "\n".join(typed.get(line, line) for line in _update(text, changes).split("\n"))


def _update(text: str, changes: dict[str, Any]) -> str:
    try:
        loader, data = _setup(text)
    except Exception as exc:  # ruamel raises many kinds; the content loader read it fine
        raise YamlWriteError(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None
    if not isinstance(data, CommentedMap):
        raise YamlWriteError(_("the file is not a mapping of fields"))
    for path, value in changes.items():
        keys = tuple(path.split("."))
        parent = data
        for key in keys[:-1]:
            child = parent.get(key)
            if not isinstance(child, CommentedMap):
                child = CommentedMap()
                _insert(parent, key, child, keys[: keys.index(key)])
            parent = child
        _set(parent, keys[-1], value, keys[:-1])
    buffer = io.StringIO()
    loader.dump(data, buffer)
    return buffer.getvalue()


def _set(parent: CommentedMap, key: str, value: Any, where: tuple[str, ...]) -> None:
    old = parent.get(key)
    if value is None:
        if key in parent:
            del parent[key]
        return
    if isinstance(value, list):
        if isinstance(old, CommentedSeq):
            _update_seq(old, value)
            return
        if isinstance(old, str) and len(value) == 1:
            parent[key] = _scalar(value[0], old)
            return
        seq = CommentedSeq(_scalar(v, None) for v in value)
        if key in parent:
            parent[key] = seq
        else:
            _insert(parent, key, seq, where)
        return
    new = _scalar(value, old)
    if key in parent:
        parent[key] = new
    else:
        _insert(parent, key, new, where)


def _insert(parent: CommentedMap, key: str, value: Any, where: tuple[str, ...]) -> None:
    order = _ORDER.get(where, ())
    position = len(parent)
    if key in order:
        before = order[: order.index(key)]
        present = [i for i, k in enumerate(parent) if k in before]
        position = present[-1] + 1 if present else 0
    parent.insert(position, key, value)


def _update_seq(seq: CommentedSeq, values: list[Any]) -> None:
    """Change a sequence item by item, so the comments of untouched items stay put."""
    old = [str(v) for v in seq]
    opcodes = difflib.SequenceMatcher(a=old, b=[str(v) for v in values], autojunk=False)
    for tag, i1, i2, j1, j2 in reversed(opcodes.get_opcodes()):
        if tag == "equal":
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            for k in range(i2 - i1):
                seq[i1 + k] = _scalar(values[j1 + k], seq[i1 + k])
            continue
        for k in reversed(range(i1, i2)):
            del seq[k]
        for k in reversed(range(j1, j2)):
            seq.insert(i1, _scalar(values[k], None))


def _scalar(value: Any, old: Any) -> Any:
    if isinstance(value, bool):  # pragma: no cover - no field is a boolean
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    text = str(value)
    if "\n" in text or isinstance(old, LiteralScalarString):
        return LiteralScalarString(text if text.endswith("\n") or "\n" not in text else text + "\n")
    if isinstance(old, ScalarString):
        return type(old)(text)
    if not _plain_safe(text):
        return DoubleQuotedScalarString(text)
    return text


def _plain_safe(text: str) -> bool:
    """Tell whether ruamel's plain (or automatic) emission reads back as `text` in PyYAML."""
    buffer = io.StringIO()
    _yaml(_INDENTS[0]).dump({"k": text}, buffer)
    try:
        return yaml.safe_load(buffer.getvalue()) == {"k": text}
    except yaml.YAMLError:
        return False
