"""records.py: the declarations the theme and the content model are read by."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from typing import Annotated, Any

import jsonschema
import pytest

from cfsi_reports.records import After, Before, Items, Range, Record, Schema, json_schema, read


def _strip(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError("expected text")
    return value.strip()


def _shout(value: str) -> str:
    if value == "NO":
        raise ValueError("not that word")
    return value.upper()


class Inner(Record):
    """A group of fields."""

    low: Annotated[int, Range(ge=0)]
    high: Annotated[int, Range(le=10)] = 10

    @classmethod
    def rules(cls, values: dict[str, Any]) -> Iterator[tuple[str | None, str]]:
        low, high = values.get("low"), values.get("high")  # absent when given wrong
        if low is not None and high is not None and low > high:
            yield "high", "below low"


Word = Annotated[str, Before(_strip), After(_shout), Schema({"type": "string", "minLength": 1})]


class Outer(Record):
    """The top of the data."""

    # The outer Before runs first: ` a,b ` is split, then each part stripped.
    words: Annotated[list[Word], Before(lambda v: v.split(",") if isinstance(v, str) else v)]
    inner: Inner
    more: Annotated[list[Inner], Items(1, 2)] | None = None

    def __init__(self, **fields: Any) -> None:
        super().__init__(**fields)
        self._file = "outer.yaml"


def test_a_reading_finds_every_mistake_with_its_path_and_builds_nothing() -> None:
    data = {
        "words": [" a ", 3, "NO"],
        "inner": {"low": "-1", "high": "x", "extra": "1"},
        "more": [],
        "typo": "1",
    }
    built, found = read(Outer, data)
    assert built is None
    assert [(path, kind) for path, kind, _context in found.mistakes] == [
        (("words", 1), "value_error"),
        (("words", 2), "value_error"),
        (("inner", "low"), "greater_than_equal"),
        (("inner", "high"), "int_parsing"),
        (("inner", "extra"), "extra_forbidden"),
        (("more",), "too_short"),
        (("typo",), "extra_forbidden"),
    ]
    messages = [context.get("message") for _path, _kind, context in found.mistakes[:2]]
    assert messages == ["expected text", "not that word"]


def test_functions_run_outer_first_then_the_rules_of_a_record_that_read_well() -> None:
    built, found = read(Outer, {"words": " a , b ", "inner": {"low": "3"}})
    assert found.mistakes == [] and built is not None
    assert built.words == ["A", "B"] and built.inner == Inner(low=3, high=10)
    _none, found = read(Outer, {"words": "a", "inner": {"low": "5", "high": "4"}})
    assert [(p, k, c["message"]) for p, k, c in found.mistakes] == [
        (("inner", "high"), "value_error", "below low")
    ]
    _none, found = read(Outer, {"words": "a", "inner": {"low": "5", "high": "40"}})
    assert [kind for _p, kind, _c in found.mistakes] == ["less_than_equal"]  # no rule then
    # A rule between fields that read well holds whatever else the record holds wrong.
    _none, found = read(Outer, {"words": "a", "inner": {"low": "5", "high": "4", "typo": "1"}})
    assert [(p, k) for p, k, _c in found.mistakes] == [
        (("inner", "high"), "value_error"),
        (("inner", "typo"), "extra_forbidden"),
    ]


def test_a_record_is_frozen_equal_by_its_fields_and_keeps_the_rest_when_copied() -> None:
    built, _found = read(Outer, {"words": "a", "inner": {"low": "1"}})
    assert built is not None
    with pytest.raises(AttributeError):
        built.words = []  # type: ignore[misc]
    built._file = "elsewhere.yaml"  # what a reader learnt: not a field, may be set
    other, _found = read(Outer, {"words": "a", "inner": {"low": "1"}})
    assert built == other and "_file" not in built.as_dict()
    copy = built.replace(words=["B"])
    assert copy.words == ["B"] and copy._file == "elsewhere.yaml" and built.words == ["A"]
    assert copy.dump() == {"words": ["B"], "inner": {"low": 1, "high": 10}, "more": None}
    back = pickle.loads(pickle.dumps(copy))  # as the build sends content to its workers
    assert back == copy and back._file == "elsewhere.yaml"


def test_the_json_schema_says_what_the_declarations_say() -> None:
    schema = json_schema(Outer)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["required"] == ["words", "inner"] and schema["additionalProperties"] is False
    assert schema["properties"]["words"]["items"] == {"type": "string", "minLength": 1}
    inner = schema["$defs"]["Inner"]
    assert inner["properties"]["low"] == {"type": "integer", "minimum": 0}
    assert inner["properties"]["high"] == {"type": "integer", "maximum": 10, "default": 10}
    more = schema["properties"]["more"]
    assert more["anyOf"][0] == {
        "type": "array",
        "items": {"$ref": "#/$defs/Inner"},
        "minItems": 1,
        "maxItems": 2,
    }
    validator = jsonschema.Draft202012Validator(schema)
    assert not list(validator.iter_errors({"words": ["a"], "inner": {"low": 1}}))
    assert list(validator.iter_errors({"words": ["a"], "inner": {"low": -1}}))
    assert list(validator.iter_errors({"words": ["a"], "inner": {"low": 1}, "typo": 1}))
