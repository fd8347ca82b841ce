"""Font files of the theme: glyph coverage, so no character is drawn as a blank box."""

from __future__ import annotations

import struct
from functools import cache
from pathlib import Path

from .errors import ConfigError
from .messages import _
from .theme import Theme


@cache
def _cmap(path: Path) -> frozenset[int]:
    """Return the code points a TrueType font maps to a glyph (its Unicode cmap).

    Reading only the cmap table is much faster than parsing the whole font (which
    ReportLab does when it registers the font for drawing).
    """
    data = path.read_bytes()
    try:
        (tables,) = struct.unpack_from(">H", data, 4)
        for i in range(tables):
            tag, _checksum, offset, _length = struct.unpack_from(">4sIII", data, 12 + 16 * i)
            if tag == b"cmap":
                return frozenset(_unicode_cmap(data, offset))
    except struct.error:
        message = _(
            "{file}: the font file is damaged (its tables end early): use another copy of it"
        )
        raise ConfigError(message.format(file=path)) from None
    return frozenset()


def _unicode_cmap(data: bytes, base: int) -> set[int]:
    _version, count = struct.unpack_from(">HH", data, base)
    subtables = {}
    for i in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", data, base + 4 + 8 * i)
        subtables[(platform, encoding)] = base + offset
    # Full Unicode (format 12) first, then the BMP table (format 4).
    for key in ((3, 10), (0, 4), (0, 6), (3, 1), (0, 3), (0, 0), (0, 1), (0, 2)):
        if key in subtables:
            found = _subtable(data, subtables[key])
            if found is not None:
                return found
    return set()


def _subtable(data: bytes, at: int) -> set[int] | None:
    (fmt,) = struct.unpack_from(">H", data, at)
    codes: set[int] = set()
    if fmt == 12:
        (groups,) = struct.unpack_from(">I", data, at + 12)
        for g in range(groups):
            start, end, glyph = struct.unpack_from(">III", data, at + 16 + 12 * g)
            codes.update(c for c in range(start, end + 1) if glyph + c - start)
        return codes
    if fmt == 4:
        (seg2,) = struct.unpack_from(">H", data, at + 6)
        ends = struct.unpack_from(f">{seg2 // 2}H", data, at + 14)
        starts = struct.unpack_from(f">{seg2 // 2}H", data, at + 16 + seg2)
        deltas = struct.unpack_from(f">{seg2 // 2}h", data, at + 16 + 2 * seg2)
        range_at = at + 16 + 3 * seg2
        offsets = struct.unpack_from(f">{seg2 // 2}H", data, range_at)
        for i, (start, end) in enumerate(zip(starts, ends, strict=True)):
            for c in range(start, end + 1):
                if c == 0xFFFF:
                    continue
                if offsets[i] == 0:
                    glyph = (c + deltas[i]) & 0xFFFF
                else:
                    where = range_at + 2 * i + offsets[i] + 2 * (c - start)
                    (glyph,) = struct.unpack_from(">H", data, where)
                    glyph = (glyph + deltas[i]) & 0xFFFF if glyph else 0
                if glyph:
                    codes.add(c)
        return codes
    return None


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
