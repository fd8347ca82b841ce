"""Checks that need the theme as well as the content: locale and glyph coverage."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from . import fonts, typography
from .content.model import Content
from .content.richtext import RichText
from .errors import ConfigError, ContentError, Problem, field_name, line_of
from .theme import Theme


def check(content: Content, theme: Theme) -> None:
    """Raise ContentError listing every problem that the theme reveals."""
    problems: list[Problem] = []
    prog = content.programme
    try:
        locale = theme.locale(prog.language)
    except ConfigError as exc:
        problems.append(
            Problem(prog._file, line_of(prog._lines, ("language",)), "language", str(exc))
        )
        raise ContentError(problems) from None
    documents = [(prog._file, prog._lines, prog)] + [(a.file, a._lines, a) for a in content.actions]
    for file, lines, model in documents:
        for path, text in _texts(model):
            shaped = typography.normalise(text, locale.typography)
            lacking = fonts.missing(shaped, theme)
            if lacking:
                names = ", ".join(_describe(ch) for ch in lacking)
                problems.append(
                    Problem(
                        file,
                        line_of(lines, path),
                        field_name(path),
                        f"the fonts of the theme cannot draw {names}"
                        " (it would print as a blank box; replace or remove it)",
                    )
                )
    if problems:
        raise ContentError(problems)


def _describe(ch: str) -> str:
    name = unicodedata.name(ch, "unnamed character")
    return f"U+{ord(ch):04X} {name} ({ch!r})"


def _texts(model: BaseModel, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    for name in type(model).model_fields:
        yield from _walk(getattr(model, name), (*path, name))


def _walk(value: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, RichText):
        yield path, value.source
    elif isinstance(value, BaseModel):
        yield from _texts(value, path)
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _walk(item, (*path, i))
