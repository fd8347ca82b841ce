"""Frozen records declared by annotations and read from YAML data: the theme, the content.

A record is a plain class whose annotations declare its fields: `float`, `int`, `str`,
`bool`, a `Literal` choice, `list[X]`, `tuple[X, ...]`, `dict[str, X]`, another record, any
other class (its instances only), `X | None`, and `Annotated` with what checks or converts a
value: bounds (`Range`, `Items`, `Pattern`), functions run before or after the type's own
reading (`Before`, `After`: a ValueError is the mistake's message), and `Schema`, the JSON
Schema an editor reads in place of the one made from the type. `read` checks a whole tree of
YAML data against them in one pass: every mistake with its path, as `(path, kind, context)`,
and every value whose declaration carries a name (`Annotated[str, "colour name"]`), to check
it refers to something the data defines.

Written here rather than with pydantic: the theme is 36 small sections of numbers, names and
choices, the content 9 records of texts, lists and amounts, and building them as pydantic
classes, with pydantic's import, cost every command about 0.15 s (`validate` 40 % of its
instructions: see benchmarks/README.md). A record here is built in microseconds; its
declarations are read the first time data is checked against it.
"""

from __future__ import annotations

import copy
import math
import re
import sys
import types
from collections.abc import Callable, Iterator, Sized
from functools import cache
from typing import Annotated, Any, Literal, Self, TypeVar, Union, get_args, get_origin

Path = tuple[Any, ...]  # keys and indexes from the top of the data
Mistake = tuple[Path, str, dict[str, Any]]  # where, what kind, the values its message names

_BAD = object()  # a value that did not pass: its mistakes are recorded
MISSING = object()  # a field declared without a default


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


class Items:
    """How many values a list holds: `Annotated[tuple[float, ...], Items(4, 4)]`."""

    def __init__(self, least: int, most: int) -> None:
        self.least, self.most = least, most

    def check(self, value: Sized) -> tuple[str, dict[str, Any]] | None:
        if len(value) < self.least:
            return "too_short", {"min_length": self.least, "actual_length": len(value)}
        if len(value) > self.most:
            return "too_long", {"max_length": self.most, "actual_length": len(value)}
        return None


class Pattern:
    """A text that is all of a regular expression: `Annotated[str, Pattern(r"#[0-9a-f]{6}")]`."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def check(self, value: str) -> tuple[str, dict[str, Any]] | None:
        return None if re.fullmatch(self.pattern, value) else ("string_pattern_mismatch", {})


class Before:
    """A function a value goes through before its type reads it: `Before(strip)`."""

    def __init__(self, function: Callable[[Any], Any]) -> None:
        self.function = function


class After:
    """A function the value its type read goes through: `After(unique)`."""

    def __init__(self, function: Callable[[Any], Any]) -> None:
        self.function = function


class Schema:
    """The JSON Schema of a declaration, in place of the one its type would give."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema


class Record:
    """A frozen group of fields, equal by their values (hashable when they are).

    Attributes whose names start with `_` are not fields: what a reader of the data learnt
    about it (its file, its lines), set after the record is built and left out of its value.
    """

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)

    def __setattr__(self, name: str, value: Any) -> None:
        if not name.startswith("_"):
            raise AttributeError(f"{type(self).__name__} is frozen: {name} cannot be set")
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen: {name} cannot be deleted")

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.as_dict() == self.as_dict()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self), *self.as_dict().values()))

    def __repr__(self) -> str:
        values = ", ".join(f"{k}={v!r}" for k, v in self.as_dict().items())
        return f"{type(self).__name__}({values})"

    def as_dict(self) -> dict[str, Any]:
        """Return the fields by name (nested records stay records)."""
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    def replace(self, **changes: Any) -> Self:
        """Return a copy with these fields changed (not checked), and the same other attributes."""
        twin = type(self)(**{**self.as_dict(), **changes})
        twin.__dict__.update((k, v) for k, v in self.__dict__.items() if k.startswith("_"))
        return twin

    def dump(self) -> dict[str, Any]:
        """Return the fields as plain data: nested records as dicts, lists as lists."""
        return {k: _dumped(v) for k, v in self.as_dict().items()}

    @classmethod
    def rules(cls, values: dict[str, Any]) -> Iterator[tuple[str | None, str]]:
        """Yield (field or None for the whole record, message) for each rule the fields break
        together. `values` holds the fields that read well (a field given wrong is not in it),
        their defaults included, whatever else the record holds wrong."""
        return iter(())


def _dumped(value: Any) -> Any:
    if isinstance(value, Record):
        return value.dump()
    if isinstance(value, list | tuple):
        return [_dumped(v) for v in value]
    if isinstance(value, dict):
        return {k: _dumped(v) for k, v in value.items()}
    return value


@cache
def declared(cls: type[Record]) -> dict[str, tuple[Any, Any]]:
    """Return each field a record declares: its annotation and its default (or MISSING)."""
    out: dict[str, tuple[Any, Any]] = {}
    for klass in reversed(cls.__mro__):
        if not is_record(klass):
            continue
        namespace = sys.modules[klass.__module__].__dict__
        for name, note in vars(klass).get("__annotations__", {}).items():
            if name.startswith("_"):
                continue
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


def record_at(cls: type[Record], path: Path) -> type[Record] | None:
    """Return the record the value at `path` is declared as (None if it is not a record)."""
    note: Any = cls
    for part in path:
        note = _plain(note)
        origin = get_origin(note)
        if is_record(note) and isinstance(part, str) and part in declared(note):
            note = declared(note)[part][0]
        elif (origin is list or origin is tuple) and isinstance(part, int):
            note = get_args(note)[0]
        elif origin is dict:
            note = get_args(note)[1]
        else:
            return None
    note = _plain(note)
    return note if is_record(note) else None


def _plain(note: Any) -> Any:
    """`X` of `Annotated[X, ...]` and of `X | None`."""
    while True:
        origin = get_origin(note)
        if origin is Annotated:
            note = get_args(note)[0]
        elif origin is Union or origin is types.UnionType:
            (note,) = [a for a in get_args(note) if a is not type(None)]
        else:
            return note


def record_in(note: Any) -> type[Record] | None:
    """Return the record a declaration holds (`Photo | None`, `list[Supporter]`), if any."""
    if is_record(note):
        return note  # type: ignore[no-any-return]
    for arg in get_args(note):
        found = record_in(arg)
        if found is not None:
            return found
    return None


class Found:
    """What a reading found: every mistake, and every value declared with a mark."""

    def __init__(self) -> None:
        self.mistakes: list[Mistake] = []
        self.marked: list[tuple[Path, str, Any]] = []  # `Annotated[str, "colour name"]`

    def mistake(self, path: Path, kind: str, **context: Any) -> Any:
        self.mistakes.append((path, kind, context))
        return _BAD


def read(cls: type[S], data: Any) -> tuple[S | None, Found]:
    """Check `data` against a record; return it built (None if it has mistakes), and what
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
        # Annotated[Annotated[X, f], g] is Annotated[X, f, g]: g, the outer, runs first.
        before = [m.function for m in reversed(args[1:]) if isinstance(m, Before)]
        after = [m.function for m in args[1:] if isinstance(m, After)]
        bounds = [m for m in args[1:] if isinstance(m, Range | Items | Pattern)]
        marks = [m for m in args[1:] if isinstance(m, str)]

        def annotated(value: Any, path: Path, found: Found) -> Any:
            given = value
            try:
                for function in before:
                    value = function(value)
            except ValueError as exc:
                return found.mistake(path, "value_error", input=given, message=str(exc))
            got = inner(value, path, found)
            if got is _BAD:
                return _BAD
            for bound in bounds:
                problem = bound.check(got)
                if problem:
                    return found.mistake(path, problem[0], input=given, **problem[1])
            try:
                for function in after:
                    got = function(got)
            except ValueError as exc:
                return found.mistake(path, "value_error", input=given, message=str(exc))
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
    if origin is tuple or origin is list:
        item = _reader(args[0])  # tuple[X, ...], list[X]

        def values(value: Any, path: Path, found: Found) -> Any:
            if not isinstance(value, list):
                return found.mistake(path, "list_type", input=value)
            items = origin(item(v, (*path, i), found) for i, v in enumerate(value))
            return _BAD if any(v is _BAD for v in items) else items

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
            return _BAD if any(v is _BAD for v in out.values()) else out

        return mapping
    if is_record(note):
        return _record_reader(note)
    if note in _SCALARS:
        return _SCALARS[note]
    if isinstance(note, type):  # what a `Before` function makes: Decimal, RichText

        def instance(value: Any, path: Path, found: Found) -> Any:
            if isinstance(value, note):
                return value
            return found.mistake(path, "is_instance_of", input=value, cls=note.__name__)

        return instance
    raise TypeError(f"fields cannot be declared as {note!r}")


def _record_reader(cls: type[Record]) -> Reader:
    readers: list[tuple[str, Reader, Any]] = []  # filled at first use: records nest

    def record(value: Any, path: Path, found: Found) -> Any:
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
        good = {name: v for name, v in values.items() if v is not _BAD}
        broken = len(good) < len(values)
        for name, message in cls.rules(good):
            found.mistake(path if name is None else (*path, name), "value_error", message=message)
            broken = True
        for key in value:  # in the file's order
            if key not in values:
                found.mistake((*path, key), "extra_forbidden", input=value[key])
                broken = True
        return _BAD if broken else cls(**values)

    return record


# -- the JSON Schema of a record, for editors ------------------------------------------------


def json_schema(cls: type[Record]) -> dict[str, Any]:
    """Return the JSON Schema (2020-12) of a record, the records it holds under `$defs`."""
    defs: dict[str, Any] = {}
    schema = _record_schema(cls, defs)
    if defs:
        schema["$defs"] = dict(sorted(defs.items()))
    return schema


def _record_schema(cls: type[Record], defs: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    required = []
    for name, (note, default) in declared(cls).items():
        properties[name] = _schema(note, defs)
        if default is MISSING:
            required.append(name)
        else:
            properties[name]["default"] = default
    out: dict[str, Any] = {"title": cls.__name__}
    if cls.__doc__:
        out["description"] = cls.__doc__.strip().split("\n\n")[0]
    out.update(type="object", properties=properties, additionalProperties=False)
    if required:
        out["required"] = required
    return out


_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean"}


def _schema(note: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin, args = get_origin(note), get_args(note)
    if origin is Annotated:
        given = [m.schema for m in args[1:] if isinstance(m, Schema)]
        if given:
            return copy.deepcopy(given[-1])
        out = _schema(args[0], defs)
        for bound in args[1:]:
            if isinstance(bound, Items):
                out.update(minItems=bound.least, maxItems=bound.most)
            elif isinstance(bound, Range):
                limits = {"minimum": bound.ge, "exclusiveMinimum": bound.gt, "maximum": bound.le}
                out.update((k, v) for k, v in limits.items() if v is not None)
            elif isinstance(bound, Pattern):
                out["pattern"] = f"^(?:{bound.pattern})$"
        return out
    if origin is Union or origin is types.UnionType:
        (inner,) = [a for a in args if a is not type(None)]
        schema = _schema(inner, defs)
        return {"anyOf": [*schema.get("anyOf", [schema]), {"type": "null"}]}
    if origin is Literal:
        return {"enum": list(args)}
    if origin is tuple or origin is list:
        return {"type": "array", "items": _schema(args[0], defs)}
    if origin is dict:
        return {"type": "object", "additionalProperties": _schema(args[1], defs)}
    if is_record(note):
        if note.__name__ not in defs:
            defs[note.__name__] = {}  # a record holding itself would stop here
            defs[note.__name__] = _record_schema(note, defs)
        return {"$ref": f"#/$defs/{note.__name__}"}
    return {"type": _TYPES[note]} if note in _TYPES else {}


# What YAML reads as true or false, and the French words.
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
    if isinstance(value, int) and not isinstance(value, bool):  # made by a `Before` function
        return value
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
