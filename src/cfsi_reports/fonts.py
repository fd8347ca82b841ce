"""Font files of the theme: glyph coverage, so no character is drawn as a blank box."""

from __future__ import annotations

import struct
from bisect import bisect_left
from functools import cache
from pathlib import Path

from .errors import ConfigError
from .messages import _
from .theme import Theme


class _Cmap:
    """A TrueType font's Unicode cmap, asked one character at a time.

    Only the characters a text uses are looked up: reading the table's segments is much
    faster than listing every code point the font has (or than parsing the whole font,
    which ReportLab does when it registers the font for drawing).
    """

    def __init__(self, data: bytes, at: int | None) -> None:
        self.data, self.at, self.fmt = data, at, None
        if at is None:
            return
        (self.fmt,) = struct.unpack_from(">H", data, at)
        # Format 12 keeps its length after a reserved field, format 4 right after the format.
        where, size = (at + 4, ">I") if self.fmt == 12 else (at + 2, ">H")
        if at + struct.unpack_from(size, data, where)[0] > len(data):
            raise struct.error("the subtable runs past the end of the file")
        if self.fmt == 12:
            (groups,) = struct.unpack_from(">I", data, at + 12)
            flat = struct.unpack_from(f">{3 * groups}I", data, at + 16)
            self.starts, self.ends, self.glyphs = flat[0::3], flat[1::3], flat[2::3]
        elif self.fmt == 4:
            (seg2,) = struct.unpack_from(">H", data, at + 6)
            n = seg2 // 2
            self.ends = struct.unpack_from(f">{n}H", data, at + 14)
            self.starts = struct.unpack_from(f">{n}H", data, at + 16 + seg2)
            self.deltas = struct.unpack_from(f">{n}h", data, at + 16 + 2 * seg2)
            self.range_at = at + 16 + 3 * seg2
            self.offsets = struct.unpack_from(f">{n}H", data, self.range_at)

    def __contains__(self, code: int) -> bool:
        """Tell whether the font maps `code` to a glyph other than .notdef."""
        if self.fmt not in (4, 12):
            return False
        i = bisect_left(self.ends, code)  # the first segment ending at or after it
        if i == len(self.ends) or self.starts[i] > code:
            return False
        if self.fmt == 12:
            return self.glyphs[i] + code - self.starts[i] != 0
        if code == 0xFFFF:
            return False
        if self.offsets[i] == 0:
            return (code + self.deltas[i]) & 0xFFFF != 0
        where = self.range_at + 2 * i + self.offsets[i] + 2 * (code - self.starts[i])
        (glyph,) = struct.unpack_from(">H", self.data, where)
        return glyph != 0 and (glyph + self.deltas[i]) & 0xFFFF != 0


@cache
def _cmap(path: Path) -> _Cmap:
    """Return the Unicode cmap of a TrueType font file."""
    data = path.read_bytes()
    try:
        (tables,) = struct.unpack_from(">H", data, 4)
        for i in range(tables):
            tag, _checksum, offset, _length = struct.unpack_from(">4sIII", data, 12 + 16 * i)
            if tag == b"cmap":
                return _Cmap(data, _unicode_subtable(data, offset))
    except struct.error:
        message = _(
            "{file}: the font file is damaged (its tables end early): use another copy of it"
        )
        raise ConfigError(message.format(file=path)) from None
    return _Cmap(data, None)


def _unicode_subtable(data: bytes, base: int) -> int | None:
    """Return where the best Unicode subtable starts: full Unicode (format 12), else the BMP."""
    _version, count = struct.unpack_from(">HH", data, base)
    found: dict[tuple[int, int], int] = {}
    for i in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", data, base + 4 + 8 * i)
        found[(platform, encoding)] = base + offset
    for key in ((3, 10), (0, 4), (0, 6), (3, 1), (0, 3), (0, 0), (0, 1), (0, 2)):
        if key in found and struct.unpack_from(">H", data, found[key])[0] in (4, 12):
            return found[key]
    return None


# Layout characters that are never drawn as glyphs.
_NOT_DRAWN = frozenset({0x09, 0x0A, 0x0D, 0xAD})


@cache
def _coverage(theme: Theme) -> tuple[list[_Cmap], dict[str, bool]]:
    """Return the cmaps of every face of the theme, and the characters already looked up."""
    faces = {face for family in theme.families.values() for face in family.faces.values()}
    return [_cmap(face) for face in sorted(faces)], {}


def missing(text: str, theme: Theme) -> list[str]:
    """Return the characters of `text` the theme's fonts cannot draw, in order, once each.

    A character counts as drawn when every face of every family of the theme has it.
    """
    cmaps, known = _coverage(theme)
    lacking: list[str] = []
    for ch in dict.fromkeys(text):  # each character once, in order
        drawn = known.get(ch)
        if drawn is None:
            code = ord(ch)
            drawn = known[ch] = code in _NOT_DRAWN or all(code in cmap for cmap in cmaps)
        if not drawn:
            lacking.append(ch)
    return lacking
