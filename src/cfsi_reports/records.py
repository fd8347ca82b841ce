"""Frozen settings declared by annotations and read from YAML data: the theme's sections.

A section is a plain class whose annotations declare its settings: `float`, `int`, `str`,
`bool`, a `Literal` choice, `tuple[X, ...]`, `dict[str, X]`, another section, `X | None`, and
`Annotated` bounds (`Range`, `Count`, `Pattern`). `read` checks a whole tree of YAML data
against them in one pass: every mistake with its path, as `(path, kind, context)`, and every
value whose declaration carries a name (`Annotated[str, "colour name"]`), to check it refers
to something the data defines.

Written here rather than with pydantic (the content model's library): the theme is 36 small
sections of numbers, names and choices, and making them pydantic classes cost every process
about 35 ms at import, a tenth of `validate` (see benchmarks/README.md). A section here is
built in microseconds; its declarations are read the first time a theme is checked.
"""

from __future__ import annotations

import math
import re
import sys
import types
from collections.abc import Callable
from functools import cache
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

Path = tuple[Any, ...]  # keys and indexes from the top of the data
Mistake = tuple[Path, str, dict[str, Any]]  # where, what kind, the values its message names

_BAD = object()  # a value that did not pass: its mistakes are recorded
MISSING = object()  # a setting declared without a default


class Range:
    """Bounds of a number: `Annotated[float, Range(ge=0)]`."""

    def __init__(
        self, *, ge: float | None = None, gt: float | None = None, le: float | None = None
    ) -> None:
        self.ge, self.gt, self.le = ge, gt, le

    def check(self, value: float) -> tuple[str, dict[str, Any]] | None:
        if self.ge is not None and value < self.ge:
            return "greater_than_equal", {"ge": self.ge}
        if self.gt is not None and value <= self.gt:
            return "greater_than", {"gt": self.gt}
        if self.le is not None and value > self.le:
            return "less_than_equal", {"le": self.le}
        return None


class Count:
    """How many values a list holds: `Annotated[tuple[float, ...], Count(4)]`."""

    def __init__(self, count: int) -> None:
        self.count = count

    def check(self, value: tuple[Any, ...]) -> tuple[str, dict[str, Any]] | None:
        if len(value) < self.count:
            return "too_short", {"min_length": self.count, "actual_length": len(value)}
        if len(value) > self.count:
            return "too_long", {"max_length": self.count, "actual_length": len(value)}
        return None


class Pattern:
    """A text that is all of a regular expression: `Annotated[str, Pattern(r"#[0-9a-f]{6}")]`."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def check(self, value: str) -> tuple[str, dict[str, Any]] | None:
        return None if re.fullmatch(self.pattern, value) else ("string_pattern_mismatch", {})


class Record:
    """A frozen group of settings, equal by their values (and hashed by them, without dicts)."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen: {name} cannot be set")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen: {name} cannot be deleted")

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.__dict__ == self.__dict__

    def __hash__(self) -> int:
        return hash((type(self), *self.__dict__.values()))

    def __repr__(self) -> str:
        values = ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items())
        return f"{type(self).__name__}({values})"

    def as_dict(self) -> dict[str, Any]:
        """Return the settings by name (nested sections stay sections)."""
        return dict(self.__dict__)


@cache
def declared(cls: type[Record]) -> dict[str, tuple[Any, Any]]:
    """Return each setting a section declares: its annotation and its default (or MISSING)."""
    out: dict[str, tuple[Any, Any]] = {}
    for klass in reversed(cls.__mro__):
        if not is_record(klass):
            continue
        namespace = sys.modules[klass.__module__].__dict__
        for name, note in vars(klass).get("__annotations__", {}).items():
            out[name] = (_evaluated(note, namespace), vars(klass).get(name, MISSING))
    return out


_NOTES: dict[tuple[int, str], Any] = {}


def _evaluated(note: Any, namespace: dict[str, Any]) -> Any:
    """An annotation written as a string (`from __future__ import annotations`), evaluated."""
    if not isinstance(note, str):
        return note
    key = (id(namespace), note)
    if key not in _NOTES:
        _NOTES[key] = eval(note, namespace)  # the module's own declarations, not data
    return _NOTES[key]


S = TypeVar("S", bound=Record)


def is_record(note: Any) -> bool:
    return isinstance(note, type) and issubclass(note, Record)


class Found:
    """What a reading found: every mistake, and every value declared with a mark."""

    def __init__(self) -> None:
        self.mistakes: list[Mistake] = []
        self.marked: list[tuple[Path, str, Any]] = []  # `Annotated[str, "colour name"]`

    def mistake(self, path: Path, kind: str, **context: Any) -> Any:
        self.mistakes.append((path, kind, context))
        return _BAD


def read(cls: type[S], data: Any) -> tuple[S | None, Found]:
    """Check `data` against a section; return it built (None if it has mistakes), and what
    was found: every mistake with its path, every marked value with its path."""
    found = Found()
    value = _reader(cls)(data, (), found)
    return (None if value is _BAD else value), found


Reader = Callable[[Any, Path, Found], Any]


@cache
def _reader(note: Any) -> Reader:
    """Return the function that reads a value declared as `note`, made once per declaration."""
    origin, args = get_origin(note), get_args(note)
    if origin is Annotated:
        inner = _reader(args[0])
        bounds = [m for m in args[1:] if isinstance(m, Range | Count | Pattern)]
        marks = [m for m in args[1:] if isinstance(m, str)]

        def annotated(value: Any, path: Path, found: Found) -> Any:
            got = inner(value, path, found)
            if got is _BAD:
                return _BAD
            for bound in bounds:
                problem = bound.check(got)
                if problem:
                    return found.mistake(path, problem[0], input=value, **problem[1])
            found.marked.extend((path, mark, got) for mark in marks)
            return got

        return annotated
    if origin is Union or origin is types.UnionType:
        (inner_note,) = [a for a in args if a is not type(None)]  # only `X | None` is declared
        inner = _reader(inner_note)
        return lambda value, path, found: None if value is None else inner(value, path, found)
    if origin is Literal:
        expected = ", ".join(repr(a) for a in args)

        def choice(value: Any, path: Path, found: Found) -> Any:
            if isinstance(value, str) and value in args:
                return value
            return found.mistake(path, "literal_error", input=value, expected=expected)

        return choice
    if origin is tuple:
        item = _reader(args[0])  # tuple[X, ...]

        def values(value: Any, path: Path, found: Found) -> Any:
            if not isinstance(value, list):
                return found.mistake(path, "list_type", input=value)
            items = tuple(item(v, (*path, i), found) for i, v in enumerate(value))
            return _BAD if _BAD in items else items

        return values
    if origin is dict:
        key = None if args[0] is str else _reader(args[0])
        item = _reader(args[1])

        def mapping(value: Any, path: Path, found: Found) -> Any:
            if not isinstance(value, dict):
                return found.mistake(path, "dict_type", input=value)
            out = {
                k: _BAD if key and key(k, (*path, k), found) is _BAD else item(v, (*path, k), found)
                for k, v in value.items()
            }
            return _BAD if _BAD in out.values() else out

        return mapping
    if is_record(note):
        return _record_reader(note)
    if note in _SCALARS:
        return _SCALARS[note]
    raise TypeError(f"settings cannot be declared as {note!r}")


def _record_reader(cls: type[Record]) -> Reader:
    readers: list[tuple[str, Reader, Any]] = []  # filled at first use: sections nest

    def section(value: Any, path: Path, found: Found) -> Any:
        if not isinstance(value, dict):
            return found.mistake(path, "dict_type", input=value)
        if not readers:
            readers.extend((n, _reader(note), d) for n, (note, d) in declared(cls).items())
        values = {}
        for name, reader, default in readers:
            if name in value:
                values[name] = reader(value[name], (*path, name), found)
            elif default is MISSING:
                values[name] = found.mistake((*path, name), "missing")
            else:
                values[name] = default
        for key in value.keys() - values.keys():
            values[key] = found.mistake((*path, key), "extra_forbidden", input=value[key])
        return _BAD if _BAD in values.values() else cls(**values)

    return section


# What YAML and pydantic read as true or false, and the French words.
_TRUE = {"true", "yes", "on", "y", "t", "1", "oui", "vrai"}
_FALSE = {"false", "no", "off", "n", "f", "0", "non", "faux"}
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")  # `9,5`: a French decimal
_WHOLE = re.compile(r"\s*[+-]?\d+\s*")


def _text(value: Any, path: Path, found: Found) -> Any:
    return value if isinstance(value, str) else found.mistake(path, "string_type", input=value)


def _flag(value: Any, path: Path, found: Found) -> Any:
    word = value.strip().lower() if isinstance(value, str) else None
    if word in _TRUE or word in _FALSE:
        return word in _TRUE
    return found.mistake(path, "bool_parsing", input=value)


def _float(value: Any, path: Path, found: Found) -> Any:
    number = _number(value)
    if number is not None:
        return number
    if isinstance(value, str) and _DECIMAL_COMMA.fullmatch(value.strip()):
        plain = value.strip().replace(",", ".")
        return found.mistake(path, "decimal_comma", input=value, plain=plain)
    return found.mistake(path, "float_parsing", input=value)


def _int(value: Any, path: Path, found: Found) -> Any:
    if isinstance(value, str) and _WHOLE.fullmatch(value):  # `2.0`, `1e3`: not a count
        return int(value)
    return found.mistake(path, "int_parsing", input=value)


def _number(value: Any) -> float | None:
    """A finite number written as YAML writes one (`12`, `1.5`, `-3e2`), or None."""
    if not isinstance(value, str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


# YAML's scalars come as texts (content/yamlsafe.py): a declaration says what they are.
_SCALARS: dict[Any, Reader] = {str: _text, bool: _flag, float: _float, int: _int}
