"""Read what a PDF page paints: colours, fills with their ink, images at their placed size, text.

A small content-stream interpreter (graphics state, CTM, path extents, text matrices),
enough for a print shop's checks; it follows form XObjects and records where each thing
lands on the page, in default user space.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name

Matrix = tuple[float, float, float, float, float, float]
Box = tuple[float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
MAX_DEPTH = 12  # nested forms followed; deeper ones are a hostile file, not a brochure


def mul(m: Matrix, n: Matrix) -> Matrix:
    """Return the matrix product m × n (m applied first), as PDF concatenates matrices."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F)  # fmt: skip


def apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    """Return the point (x, y) transformed by m."""
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])


@dataclass(frozen=True)
class Colour:
    """A colour as painted: its space's family ('RGB', 'CMYK', 'Gray', ...) and values."""

    space: str  # what a message names: DeviceRGB, ICCBased CMYK, Separation All ...
    family: str  # RGB, CMYK, Gray, Lab, Spot, Pattern, Unknown
    values: tuple[float, ...] = ()

    @property
    def ink(self) -> tuple[float, float, float, float] | None:
        """Return the C, M, Y, K coverage (0-1), when the colour says it."""
        try:
            return _INKS[self]
        except KeyError:  # a page paints a few colours thousands of times: each once here
            found = _INKS[self] = self._ink()
            return found

    def _ink(self) -> tuple[float, float, float, float] | None:
        if self.family == "CMYK" and len(self.values) == 4:
            return tuple(max(0.0, min(1.0, v)) for v in self.values)  # type: ignore[return-value]
        if self.family == "Gray" and len(self.values) == 1:
            return (0.0, 0.0, 0.0, 1.0 - max(0.0, min(1.0, self.values[0])))
        if self.space == "Separation All" and len(self.values) == 1:
            v = max(0.0, min(1.0, self.values[0]))
            return (v, v, v, v)
        return None


_INKS: dict[Colour, tuple[float, float, float, float] | None] = {}


BLACK = Colour("DeviceGray", "Gray", (0.0,))


@dataclass(frozen=True)
class Paint:
    """A painted path: its extent on the page, fill or stroke, the colour used."""

    box: Box
    fill: bool
    colour: Colour


@dataclass(frozen=True)
class ImageUse:
    """An image drawn on the page: pixels, colour space, effective resolution."""

    name: str
    width: int
    height: int
    colour: Colour
    ppi: float
    box: Box
    obj: Any = field(compare=False, repr=False)


@dataclass(frozen=True)
class TextUse:
    """A run of text: where it starts, its size on the page, its fill colour."""

    x: float
    y: float
    size: float
    colour: Colour
    invisible: bool
    before: int  # fills and strokes painted before it: what it may lie on


@dataclass
class PageScan:
    """What one page paints."""

    paints: list[Paint] = field(default_factory=list)
    images: list[ImageUse] = field(default_factory=list)
    texts: list[TextUse] = field(default_factory=list)
    colours: dict[str, int] = field(default_factory=dict)  # space -> times painted


@dataclass
class _State:
    ctm: Matrix = IDENTITY
    fill: Colour = BLACK
    stroke: Colour = BLACK
    fill_space: Any = None
    stroke_space: Any = None
    font_size: float = 0.0
    render: int = 0
    leading: float = 0.0

    def copy(self) -> _State:
        """Return a copy, as q saves it (half the time of dataclasses.replace)."""
        return _State(**self.__dict__)


def _num(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def describe_space(space: Any, resources: Any) -> Colour:
    """Return the family of a colour space (a name or an array), resolving resource names."""
    if isinstance(space, Name):
        name = str(space)
        device = {
            "/DeviceRGB": ("DeviceRGB", "RGB"),
            "/RGB": ("DeviceRGB", "RGB"),
            "/DeviceCMYK": ("DeviceCMYK", "CMYK"),
            "/CMYK": ("DeviceCMYK", "CMYK"),
            "/DeviceGray": ("DeviceGray", "Gray"),
            "/G": ("DeviceGray", "Gray"),
            "/Pattern": ("Pattern", "Pattern"),
        }
        if name in device:
            return Colour(*device[name])
        spaces = resources.get("/ColorSpace") if isinstance(resources, Dictionary) else None
        if isinstance(spaces, Dictionary) and name in spaces:
            return describe_space(spaces[name], Dictionary())
        return Colour(name[1:], "Unknown")
    if isinstance(space, Array) and len(space) > 0:
        kind = str(space[0])
        if kind == "/ICCBased" and len(space) > 1:
            try:
                n = int(space[1].get("/N", 0))
            except (TypeError, ValueError, AttributeError):
                n = 0
            family = {1: "Gray", 3: "RGB", 4: "CMYK"}.get(n, "Unknown")
            return Colour(f"ICCBased {family}", family)
        if kind in ("/CalRGB", "/CalGray", "/Lab"):
            family = {"/CalRGB": "RGB", "/CalGray": "Gray", "/Lab": "Lab"}[kind]
            return Colour(kind[1:], family)
        if kind == "/Separation" and len(space) > 1:
            return Colour(f"Separation {str(space[1])[1:]}", "Spot")
        if kind == "/DeviceN":
            return Colour("DeviceN", "Spot")
        if kind in ("/Indexed", "/I") and len(space) > 1:
            base = describe_space(space[1], resources)
            return Colour(f"Indexed {base.space}", base.family)
        if kind == "/Pattern":
            return Colour("Pattern", "Pattern")
    return Colour("unknown", "Unknown")


def _nums(values: Any) -> tuple[float, ...]:
    try:
        return tuple(map(float, values))
    except (TypeError, ValueError):
        return tuple(_num(v) for v in values)


def _extent(points: list[tuple[float, float]]) -> Box | None:
    if not points:
        return None
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys))


def _placed_points(coords: list[Any], ctm: Matrix) -> list[tuple[float, float]]:
    """Return path coordinates (x, y, x, y, ...) placed by `ctm`, enough of them for the extent.

    Without rotation or skew each page coordinate grows or shrinks with its user-space one,
    so the four corners of the user-space extent give the same page extent as every point.
    """
    try:
        nums = list(map(float, coords))
    except (TypeError, ValueError):
        nums = [_num(v) for v in coords]
    xs, ys = nums[0::2], nums[1::2]
    if ctm[1] == 0 and ctm[2] == 0:
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        if all(map(math.isfinite, (x0, x1, y0, y1, ctm[0], ctm[3], ctm[4], ctm[5]))):
            return [apply(ctm, x, y) for x in (x0, x1) for y in (y0, y1)]
    return [apply(ctm, x, y) for x, y in zip(xs, ys, strict=True)]


# Painting operators: (fills, strokes); "n" ends the path unpainted.
_PAINT = {
    "f": (True, False), "F": (True, False), "f*": (True, False),
    "S": (False, True), "s": (False, True),
    "B": (True, True), "B*": (True, True), "b": (True, True), "b*": (True, True),
    "n": (False, False),
}  # fmt: skip
_SHOW = {"Tj", "TJ", "'", '"'}
_DEVICE = {
    "g": ("DeviceGray", "Gray"), "rg": ("DeviceRGB", "RGB"), "k": ("DeviceCMYK", "CMYK"),
    "G": ("DeviceGray", "Gray"), "RG": ("DeviceRGB", "RGB"), "K": ("DeviceCMYK", "CMYK"),
}  # fmt: skip
# The operators the scan reads; every other one (marked content, spacing, ...) is skipped.
_USED = {
    "l", "m", "c", "v", "y", "re", *_PAINT, "q", "Q", "cm", *_SHOW, "T*", *_DEVICE,
    "BT", "Tf", "TL", "Tm", "Td", "TD", "Tr", "cs", "CS", "sc", "scn", "SC", "SCN",
    "Do", "sh", "INLINE IMAGE",
}  # fmt: skip
# The same for pikepdf, which then leaves the others out before making Python objects of them
# (inline images are asked for by their three operators).
_WANTED = " ".join(sorted(_USED - {"INLINE IMAGE"})) + " BI ID EI"


class Scanner:
    """Interpret the content streams of a page (and its forms) into a PageScan."""

    def __init__(self) -> None:
        self.scan = PageScan()

    def page(self, page: pikepdf.Page) -> PageScan:
        """Return what `page` paints."""
        self.run(page.obj, page.obj.get("/Resources"), _State(), 0)
        return self.scan

    def _count(self, colour: Colour) -> None:
        self.scan.colours[colour.space] = self.scan.colours.get(colour.space, 0) + 1

    def run(self, holder: Any, resources: Any, state: _State, depth: int) -> None:
        """Interpret one content stream (a page or a form XObject).

        The loop is the preflight's hot spot (vector maps bring thousands of path operators):
        it reads each instruction's attributes (unpacking one is several times slower), tests
        the commonest operators first and keeps a path's coordinates as read, placing them on
        the page only when the path is painted or the CTM changes.
        """
        resources = resources if isinstance(resources, Dictionary) else Dictionary()
        try:
            instructions = pikepdf.parse_content_stream(holder, _WANTED)
        except pikepdf.PdfError:
            return
        stack: list[_State] = []
        coords: list[Any] = []  # the path being built, in user space under state.ctm
        placed: list[tuple[float, float]] = []  # its points placed before a CTM change
        tm = tlm = IDENTITY
        for instruction in instructions:
            op = str(instruction.operator)
            if op not in _USED:
                continue
            operands = instruction.operands
            if op == "l" or op == "m":
                if len(operands) == 2:
                    coords.append(operands[0])
                    coords.append(operands[1])
            elif op in _PAINT:
                if coords:
                    placed += _placed_points(coords, state.ctm)
                    coords = []
                box = _extent(placed)
                placed = []
                fills, strokes = _PAINT[op]
                if box is not None and fills:
                    self.scan.paints.append(Paint(box, True, state.fill))
                    self._count(state.fill)
                if box is not None and strokes:
                    self.scan.paints.append(Paint(box, False, state.stroke))
                    self._count(state.stroke)
            elif op == "q":
                stack.append(state.copy())
            elif op == "Q" or op == "cm":
                if coords:
                    placed += _placed_points(coords, state.ctm)
                    coords = []
                if op == "Q" and stack:
                    state = stack.pop()
                elif op == "cm" and len(operands) == 6:
                    state.ctm = mul(_nums(operands), state.ctm)  # type: ignore[arg-type]
            elif op in _SHOW:
                if op != "Tj" and op != "TJ":  # ' and " move to the next line first
                    tm = tlm = mul((1, 0, 0, 1, 0, -state.leading), tlm)
                self._text(state, tm)
            elif op == "T*":
                tm = tlm = mul((1, 0, 0, 1, 0, -state.leading), tlm)
            elif op in _DEVICE:
                colour = Colour(*_DEVICE[op], _nums(operands))
                if op.islower():
                    state.fill, state.fill_space = colour, None
                else:
                    state.stroke, state.stroke_space = colour, None
            elif op == "BT":
                tm = tlm = IDENTITY
            elif op == "Tf" and len(operands) == 2:
                state.font_size = _num(operands[1])
            elif op == "TL" and operands:
                state.leading = _num(operands[0])
            elif op == "Tm" and len(operands) == 6:
                tm = tlm = _nums(operands)  # type: ignore[assignment]
            elif op in ("Td", "TD") and len(operands) == 2:
                tx, ty = _num(operands[0]), _num(operands[1])
                if op == "TD":
                    state.leading = -ty
                tm = tlm = mul((1, 0, 0, 1, tx, ty), tlm)
            elif op == "Tr" and operands:
                state.render = int(_num(operands[0]))
            elif op in ("c", "v", "y"):
                nums = _nums(operands)
                coords += nums[: len(nums) // 2 * 2]
            elif op == "re" and len(operands) == 4:
                x, y, w, h = _nums(operands)
                for px in (x, x + w):
                    coords += (px, y, px, y + h)
            elif op in ("cs", "CS") and operands:
                colour = describe_space(operands[0], resources)
                if op == "cs":
                    state.fill, state.fill_space = colour, colour
                else:
                    state.stroke, state.stroke_space = colour, colour
            elif op in ("sc", "scn", "SC", "SCN"):
                values = tuple(_num(v) for v in operands if not isinstance(v, Name))
                if op.islower():
                    base = state.fill_space or state.fill
                    state.fill = Colour(base.space, base.family, values)
                else:
                    base = state.stroke_space or state.stroke
                    state.stroke = Colour(base.space, base.family, values)
            elif op == "Do" and operands:
                self._do(str(operands[0]), resources, state, depth)
            elif op == "sh" and operands:
                shadings = resources.get("/Shading") or Dictionary()
                shading = shadings.get(str(operands[0]))
                if isinstance(shading, Dictionary | pikepdf.Stream):
                    colour = describe_space(shading.get("/ColorSpace"), resources)
                    self._count(colour)
            elif op == "INLINE IMAGE" and operands:
                self._inline(operands[0], resources, state)

    def _text(self, state: _State, tm: Matrix) -> None:
        m = mul(tm, state.ctm)
        size = abs(state.font_size) * math.sqrt(abs(m[0] * m[3] - m[1] * m[2]))
        invisible = state.render in (3, 7)
        colour = state.stroke if state.render in (1,) else state.fill
        if not invisible:
            self._count(colour)
        self.scan.texts.append(TextUse(m[4], m[5], size, colour, invisible, len(self.scan.paints)))

    def _placed(self, state: _State) -> tuple[Box, float, float]:
        a, b, c, d, _e, _f = state.ctm
        corners = [apply(state.ctm, x, y) for x in (0, 1) for y in (0, 1)]
        box = _extent(corners)
        assert box is not None
        return box, math.hypot(a, b) / 72, math.hypot(c, d) / 72

    def _do(self, name: str, resources: Any, state: _State, depth: int) -> None:
        xobjects = resources.get("/XObject") or Dictionary()
        xobj = xobjects.get(name)
        if not isinstance(xobj, pikepdf.Stream):
            return
        subtype = xobj.get("/Subtype")
        if subtype == Name.Form:
            if depth >= MAX_DEPTH:
                return
            inner = state.copy()
            matrix = xobj.get("/Matrix")
            if isinstance(matrix, Array) and len(matrix) == 6:
                inner.ctm = mul(tuple(_num(v) for v in matrix), state.ctm)  # type: ignore[arg-type]
            self.run(xobj, xobj.get("/Resources", resources), inner, depth + 1)
        elif subtype == Name.Image:
            w, h = int(_num(xobj.get("/Width"))), int(_num(xobj.get("/Height")))
            if xobj.get("/ImageMask"):
                colour = state.fill
            else:
                colour = describe_space(xobj.get("/ColorSpace"), resources)
            self._image(name, w, h, colour, state, xobj)

    def _inline(self, image: Any, resources: Any, state: _State) -> None:
        try:
            d = image.obj
            w, h = int(_num(d.get("/W", d.get("/Width")))), int(_num(d.get("/H", d.get("/Height"))))
            space = d.get("/CS", d.get("/ColorSpace"))
        except (AttributeError, TypeError):
            return
        mask = d.get("/IM", d.get("/ImageMask"))
        colour = state.fill if mask else describe_space(space, resources)
        self._image("inline image", w, h, colour, state, None)

    def _image(self, name: str, w: int, h: int, colour: Colour, state: _State, obj: Any) -> None:
        box, w_in, h_in = self._placed(state)
        ppis = [px / inches for px, inches in ((w, w_in), (h, h_in)) if inches > 0]
        ppi = min(ppis) if ppis else 0.0
        self._count(colour)
        self.scan.images.append(ImageUse(name.lstrip("/"), w, h, colour, ppi, box, obj))
