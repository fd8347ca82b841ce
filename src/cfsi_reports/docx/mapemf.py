"""A map layout as an Enhanced Metafile (EMF), the vector picture Word and LibreOffice both show.

Word draws EMF natively and LibreOffice imports it as vector shapes, so the sheet's map
prints as sharply as the brochure's at any size, in a few kilobytes, without painting
pixels. Only a handful of records are needed (MS-EMF, [MS-EMF] 2.3): a header, pens and
brushes, polygons with 16-bit points, rectangles, ellipses, clipping and text. One logical
unit is 0.01 mm; y grows downwards.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import Any

from PIL import ImageFont

from .. import maps
from ..theme import Theme

UNIT = 100  # logical units per mm
# Record types.
HEADER, EOF, SAVEDC, RESTOREDC, INTERSECTCLIPRECT = 1, 14, 33, 34, 30
SETBKMODE, SETPOLYFILLMODE, SETTEXTALIGN, SETTEXTCOLOR = 18, 19, 22, 24
SELECTOBJECT, CREATEPEN, CREATEBRUSHINDIRECT, DELETEOBJECT = 37, 38, 39, 40
ELLIPSE, RECTANGLE, EXTCREATEFONTINDIRECTW, EXTTEXTOUTW, POLYPOLYGON16 = 42, 43, 82, 84, 91
NULL_BRUSH = 0x80000005  # a stock object: shapes drawn with it are not filled
TRANSPARENT, ALTERNATE, TA_CENTER = 1, 1, 6


def _record(kind: int, body: bytes) -> bytes:
    return struct.pack("<II", kind, 8 + len(body)) + body


class _Writer:
    def __init__(self, height_mm: float) -> None:
        self.height = height_mm
        self.records: list[bytes] = []
        self.handles = 0

    def add(self, kind: int, body: bytes = b"") -> None:
        self.records.append(_record(kind, body))

    def point(self, x: float, y: float) -> tuple[int, int]:
        return round(x * UNIT), round((self.height - y) * UNIT)

    def handle(self) -> int:
        self.handles += 1
        return self.handles

    def pen(self, colour: int, width_mm: float) -> int:
        ih = self.handle()
        self.add(CREATEPEN, struct.pack("<IIiiI", ih, 0, max(1, round(width_mm * UNIT)), 0, colour))
        return ih

    def brush(self, colour: int) -> int:
        ih = self.handle()
        self.add(CREATEBRUSHINDIRECT, struct.pack("<IIII", ih, 0, colour, 0))
        return ih

    def select(self, ih: int) -> None:
        self.add(SELECTOBJECT, struct.pack("<I", ih))

    def box(self, x0: float, y0: float, x1: float, y1: float) -> bytes:
        left, bottom = self.point(x0, y0)
        right, top = self.point(x1, y1)
        return struct.pack("<iiii", left, top, right, bottom)


def emf(layout: maps.MapLayout, theme: Theme) -> bytes:
    """Return the map as EMF bytes, its frame the layout's size in mm."""
    raw = theme.maps
    w = _Writer(layout.height)
    colour = {key: _colorref(theme, name) for key, name in raw.colours.as_dict().items()}
    w.add(SETBKMODE, struct.pack("<I", TRANSPARENT))
    w.add(SETPOLYFILLMODE, struct.pack("<I", ALTERNATE))  # holes (Lesotho) stay holes
    border = w.pen(colour["border"], raw.border_width_pt * 25.4 / 72)
    fills = {lit: w.brush(colour["highlight" if lit else "land"]) for lit in (False, True)}
    ring_pen = w.pen(_colorref(theme, raw.marker.colour), raw.marker.width_pt * 25.4 / 72)
    _panel(w, layout.main, border, fills)
    _markers(w, layout.main.markers, ring_pen)
    label = theme.style(raw.label)
    frame_pen = w.pen(colour["frame"], raw.frame_width_pt * 25.4 / 72)
    water = w.brush(colour["water"])
    for inset in layout.insets:
        box = w.box(inset.x, inset.y, inset.x + inset.width, inset.y + inset.height)
        w.add(SAVEDC)
        w.select(frame_pen)
        w.select(water)
        w.add(RECTANGLE, box)
        _panel(w, inset, border, fills)
        # The frame again, last: the land at its edge would break its line.
        w.select(frame_pen)
        w.select(NULL_BRUSH)
        w.add(RECTANGLE, box)
        w.add(RESTOREDC, struct.pack("<i", -1))
        _markers(w, inset.markers, ring_pen)
        if inset.label:
            _text(w, theme, label, inset)
    body = b"".join(w.records)
    count = len(w.records) + 2  # with the header and the end
    size = 108 + len(body) + 20
    width_u, height_u = round(layout.width * UNIT), round(layout.height * UNIT)
    header = struct.pack(
        "<iiii iiii IIIIHHIII ii ii III ii",
        0, 0, width_u, height_u,  # bounds, in device units (0.01 mm here)
        0, 0, width_u, height_u,  # frame, in 0.01 mm
        0x464D4520, 0x10000, size, count, w.handles + 1, 0, 0, 0, 0,
        21000, 29700, 210, 297,  # the reference device: A4 at 100 units per mm
        0, 0, 0,
        210000, 297000,
    )  # fmt: skip
    end = struct.pack("<III", 0, 16, 20)
    return _record(HEADER, header) + body + _record(EOF, end)


def _colorref(theme: Theme, name: str) -> int:
    value = theme.colour(name).rgb.lstrip("#")
    r, g, b = int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
    return r | g << 8 | b << 16


def _panel(w: _Writer, panel: maps.Panel, border: int, fills: dict[bool, int]) -> None:
    w.add(SAVEDC)
    w.add(INTERSECTCLIPRECT, w.box(panel.x, panel.y, panel.x + panel.width, panel.y + panel.height))
    w.select(border)
    for lit in (False, True):
        rings = [
            points
            for shape in panel.shapes
            if shape.highlight is lit
            for points in [_dedup(w.point(x, y) for x, y in ring) for ring in shape.rings]
            if len(points) >= 3
        ]
        if not rings:
            continue
        w.select(fills[lit])
        flat = [v for ring in rings for p in ring for v in p]
        xs, ys = flat[0::2], flat[1::2]
        bounds = struct.pack("<iiii", min(xs), min(ys), max(xs), max(ys))
        counts = struct.pack(f"<{len(rings)}I", *(len(r) for r in rings))
        if min(flat) < -32768 or max(flat) > 32767:  # far outside the frame: pinned, clipped
            flat = [max(-32768, min(32767, v)) for v in flat]
        points = struct.pack(f"<{len(flat)}h", *flat)
        w.add(POLYPOLYGON16, bounds + struct.pack("<II", len(rings), len(xs)) + counts + points)
    w.add(RESTOREDC, struct.pack("<i", -1))


def _dedup(points: Iterator[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for p in points:
        if not out or p != out[-1]:
            out.append(p)
    return out


def _markers(w: _Writer, markers: tuple[maps.Marker, ...], pen: int) -> None:
    if not markers:
        return
    w.select(pen)
    w.select(NULL_BRUSH)
    for m in markers:
        w.add(ELLIPSE, w.box(m.x - m.radius, m.y - m.radius, m.x + m.radius, m.y + m.radius))


def _text(w: _Writer, theme: Theme, label: Any, inset: maps.Panel) -> None:
    """Write an inset's name, centred at its top, smaller if it would overflow the frame."""
    assert inset.label is not None
    family = theme.family(label.family)
    size_mm = label.size_pt * 25.4 / 72
    font = ImageFont.truetype(str(family.face(label.bold, label.italic)), 100)
    scale = size_mm / 100  # mm per unit of the 100-unit font
    room = inset.width - 0.6 * size_mm
    if font.getlength(inset.label) * scale > room:
        size_mm *= room / (font.getlength(inset.label) * scale)
        scale = size_mm / 100
    ih = w.handle()
    face = family.name.encode("utf-16-le")[:62].ljust(64, b"\0")
    logfont = struct.pack(
        "<iiiiiBBBBBBBB", -round(size_mm * UNIT), 0, 0, 0, 700 if label.bold else 400,
        int(label.italic), 0, 0, 1, 0, 0, 4, 0,
    ) + face  # fmt: skip
    w.add(EXTCREATEFONTINDIRECTW, struct.pack("<I", ih) + logfont)
    w.select(ih)
    w.add(SETTEXTCOLOR, struct.pack("<I", _colorref(theme, label.colour)))
    w.add(SETTEXTALIGN, struct.pack("<I", TA_CENTER))
    x, y = w.point(inset.x + inset.width / 2, inset.y + inset.height - 0.15 * size_mm)
    text = inset.label.encode("utf-16-le")
    chars = len(inset.label)
    # Advances for each character, from the font itself, so every reader spaces it alike.
    dx = [round(font.getlength(ch) * scale * UNIT) for ch in inset.label]
    off_string = 76
    padded = text + b"\0" * (-len(text) % 4)
    off_dx = off_string + len(padded)
    body = struct.pack("<iiii", 0, 0, -1, -1)  # bounds not computed
    body += struct.pack("<Iff", 1, 1.0, 1.0)  # compatible graphics mode, no scaling
    body += struct.pack("<iiIIIiiiiI", x, y, chars, off_string, 0, 0, 0, -1, -1, off_dx)
    w.add(EXTTEXTOUTW, body + padded + struct.pack(f"<{chars}i", *dx))
