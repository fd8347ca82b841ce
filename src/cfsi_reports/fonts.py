"""Font files of the theme: glyph coverage, so no character is drawn as a blank box."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from .theme import Theme


@cache
def _cmap(path: Path) -> frozenset[int]:
    from reportlab.pdfbase.ttfonts import TTFontFile

    return frozenset(TTFontFile(str(path)).charToGlyph)


@cache
def covered(theme: Theme) -> frozenset[int]:
    """Return the code points every face of every family of the theme can draw."""
    faces = {face for family in theme.families.values() for face in family.faces.values()}
    sets = [_cmap(face) for face in sorted(faces)]
    common = frozenset.intersection(*sets) if sets else frozenset()
    # Layout characters that are never drawn as glyphs.
    return common | {0x09, 0x0A, 0x0D, 0xAD}


def missing(text: str, theme: Theme) -> list[str]:
    """Return the characters of `text` the theme's fonts cannot draw, in order, once each."""
    have = covered(theme)
    seen: dict[str, None] = {}
    for ch in text:
        if ord(ch) not in have:
            seen.setdefault(ch, None)
    return list(seen)
