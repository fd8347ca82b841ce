"""Checks that need the theme as well as the content: locale, glyph coverage, warnings.

Errors stop the build; warnings name what is legal but probably wrong (an action
without countries, a photo too small for print, a partner spelt two ways) and are
returned to the caller, who prints them (and fails on them with --strict).
"""

from __future__ import annotations

import math
import unicodedata
from functools import cache
from typing import Any

from . import fonts, typography
from .content.model import Action, Content, name_key, texts
from .errors import ConfigError, ContentError, Problem, field_name, line_of
from .messages import _, ngettext
from .records import read
from .theme import MM, Theme


def check(content: Content, theme: Theme) -> list[Problem]:
    """Raise ContentError listing every problem that the theme reveals; return the warnings."""
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
    # When the fonts draw all that typography puts in, a text they draw as typed they draw
    # once typeset too: only a text with a character lacking is typeset to be sure of it.
    typeset_all = bool(fonts.missing(typography.inserted(locale.typography), theme))
    for file, lines, model in documents:
        for path, text in texts(model):
            lacking = fonts.missing(text, theme)
            if lacking or typeset_all:
                lacking = fonts.missing(typography.normalise(text, locale.typography), theme)
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
    return sorted(set(warnings(content, theme)))


def warnings(content: Content, theme: Theme) -> list[Problem]:
    """Return what is legal but probably wrong in `content`, located like errors."""
    out: list[Problem] = []
    for action in content.actions:
        if not action.countries:
            out.append(
                Problem(
                    action.file,
                    action.line("countries"),
                    "countries",
                    _(
                        "no countries: the overview's count of countries and the maps leave"
                        " this action out (add e.g. 'countries: [ML, FR]')"
                    ),
                    warning=True,
                )
            )
        out += _unmapped(action, theme)
        out += _photo_resolution(action, theme)
        out += _unfilled(action, content.programme.language)
    out += _spelt_two_ways(content)
    out += _copies(content)
    return out


def _copies(content: Content) -> list[Problem]:
    """Warn about an action with the title of another: a copied file not yet edited."""
    first: dict[str, Action] = {}
    out: list[Problem] = []
    for action in content.actions:
        other = first.setdefault(name_key(action.title), action)
        if other is not action:
            out.append(
                Problem(
                    action.file,
                    action.line("title"),
                    "title",
                    _(
                        "the same title as {other}: is one of them a copy not yet edited?"
                        " (two actions would print under one title)"
                    ).format(other=other.file),
                    warning=True,
                )
            )
    return out


def _unmapped(action: Action, theme: Theme) -> list[Problem]:
    """Warn about countries the map outlines lack (Tuvalu, Gibraltar, Tokelau at 1:50m)."""
    if not action.countries or not theme.maps.enabled:
        return []
    from . import maps

    missing = [c for c in action.countries if c not in maps.index().points]
    if not missing:
        return []
    return [
        Problem(
            action.file,
            action.line("countries"),
            "countries",
            ngettext(
                "{codes}: no outline in the map data (Natural Earth 1:50m): the maps name"
                " it in their text but cannot draw it",
                "{codes}: no outline in the map data (Natural Earth 1:50m): the maps name"
                " them in their text but cannot draw them",
                len(missing),
            ).format(codes=", ".join(missing)),
            warning=True,
        )
    ]


def _unfilled(action: Action, language: str) -> list[Problem]:
    """Warn about the example texts `cfsi-reports new` wrote and nobody replaced.

    Only texts: an example figure (12 months, 10 000 €) is also a plausible real one.
    """
    example = _example_texts(language)
    same = [path for path, text in texts(action) if example.get(path) == text]
    if not same:
        return []
    return [
        Problem(
            action.file,
            action.line(*same[0]),
            field_name(same[0]),
            _(
                "still the example written by `cfsi-reports new`: {fields} (replace them"
                " with the action's own text and figures)"
            ).format(fields=", ".join(field_name(path) for path in same)),
            warning=True,
        )
    ]


@cache
def _example_texts(language: str) -> dict[tuple[Any, ...], str]:
    """Return the texts of the action file `cfsi-reports new` writes, by field."""
    from .content.model import Action as Model
    from .content.yamlsafe import parse
    from .scaffold import action_template

    example, found = read(Model, parse(action_template("example", language), trusted=True).data)
    if example is None:  # the package's own example: a bug of ours
        raise RuntimeError(f"the example action does not read: {found.mistakes}")
    return {path: text for path, text in texts(example) if path[0] != "slug"}


def _photo_resolution(action: Action, theme: Theme) -> list[Problem]:
    if action.photo is None or action.photo_bytes is None:
        return []
    from .pdf.images import photo_box
    from .photos import pixel_size

    width, height, minimum = photo_box(theme)
    try:
        w_px, h_px = pixel_size(action.photo_bytes)
    except OSError:
        return []
    scale = min(width / w_px, height / h_px)  # points per pixel, as the brochure places it
    ppi = 72 / scale
    if ppi >= minimum:
        return []
    return [
        Problem(
            action.file,
            action.line("photo", "file"),
            "photo.file",
            _(
                "{name!r} is {w} × {h} pixels: printed {mm_w:.0f} × {mm_h:.0f} mm in the print"
                " brochure, that is {ppi:.0f} ppi, under the {minimum:.0f} ppi print needs"
                " (use a larger photo, at least {need_w} pixels wide)"
            ).format(
                name=action.photo.file,
                w=w_px,
                h=h_px,
                mm_w=w_px * scale / MM,
                mm_h=h_px * scale / MM,
                ppi=ppi,
                minimum=minimum,
                need_w=math.ceil(w_px * scale / 72 * minimum),
            ),
            warning=True,
        )
    ]


def _spelt_two_ways(content: Content) -> list[Problem]:
    """Warn once per other spelling of a partner or lead organisation."""
    seen: dict[str, dict[str, tuple[str, int, str]]] = {}
    for action in content.actions:
        names = [(("lead",), action.lead)] + [
            (("partners", i), name) for i, name in enumerate(action.partners)
        ]
        for path, name in names:
            spellings = seen.setdefault(name_key(name), {})
            spellings.setdefault(name, (action.file, action.line(*path), field_name(path)))
    out: list[Problem] = []
    for spellings in seen.values():
        if len(spellings) < 2:
            continue
        (first, (file, line, _field)), *others = spellings.items()
        for name, where in others:
            out.append(
                Problem(
                    *where,
                    _(
                        "{name!r} is also spelt {first!r} ({file}:{line}): if it is the same"
                        " organisation, write it the same way everywhere"
                    ).format(name=name, first=first, file=file, line=line),
                    warning=True,
                )
            )
    return out


def _describe(ch: str) -> str:
    name = unicodedata.name(ch, "unnamed character")
    return f"U+{ord(ch):04X} {name} ({ch!r})"


def notes(content: Content) -> list[Problem]:
    """Return what is worth a look but not wrong: acronyms used that nothing defines.

    Each is located where it is first used; `glossary:` in programme.yaml defines it.
    """
    from . import glossary
    from .messages import _

    found = glossary.of_content(content)
    if not found.undefined:
        return []
    missing = set(found.undefined)
    out: list[Problem] = []
    prog = content.programme
    for file, lines, model in [(prog._file, prog._lines, prog)] + [
        (a.file, a._lines, a) for a in content.actions
    ]:
        for path, text in texts(model):
            if path[0] in glossary.SKIPPED:
                continue
            for acronym in glossary.used([text]):
                if acronym in missing:
                    missing.discard(acronym)
                    message = _(
                        "note: the acronym {acronym} is defined nowhere (write its meaning"
                        " beside it, « … ({acronym}) », or under glossary: in programme.yaml)"
                    ).format(acronym=acronym)
                    out.append(Problem(file, line_of(lines, path), field_name(path), message))
    return out
