"""One reader of PDF structure for the tests: content streams, marked content, the tree.

`Scanner().page(page)` interprets a page's content (and the forms it draws): marked-content
sequences with their MCID, text and position, artifacts, what is painted where, and every
well-formedness error (painting outside marked content, MCIDs nested or reused, marked
content straddling q/Q or BT/ET). `read_tree(pdf)` returns the structure tree as `Elem`s
with every MCID resolved to (page index, mcid); `elem_text` reads an element's text back.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pikepdf

# -- reading a PDF back: content streams --------------------------------------------------

PAINT = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "BI", "INLINE IMAGE"}
SHOW = {"Tj", "TJ", "'", '"'}
Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _mul(m: Matrix, n: Matrix) -> Matrix:
    """Return m × n (PDF row-vector convention: apply m, then n)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F)  # fmt: skip


def _nums(operands: Any) -> list[float]:
    return [float(v) for v in operands]


def _unicode_map(font: Any, cache: dict[Any, dict[int, str]]) -> dict[int, str]:
    """Return code -> text from a font's ToUnicode CMap (bfchar and bfrange)."""
    key = font.objgen
    if key in cache:
        return cache[key]
    out: dict[int, str] = {}
    cmap = font.get("/ToUnicode")
    data = cmap.read_bytes().decode("latin-1") if cmap is not None else ""

    def text(hexa: str) -> str:
        return bytes.fromhex(hexa).decode("utf-16-be")

    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            out[int(src, 16)] = text(dst)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, dst in re.findall(r"<(\w+)>\s*<(\w+)>\s*<(\w+)>", block):
            base = text(dst)
            for i, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                out[code] = base[:-1] + chr(ord(base[-1]) + i)
    cache[key] = out
    return out


@dataclass
class Marked:
    """One marked-content sequence with an MCID: its text and where its text starts."""

    tag: str
    text: str = ""
    origin: tuple[float, float] | None = None


@dataclass
class PageScan:
    """What one page's content (and the forms it draws) holds."""

    marked: dict[int, Marked] = field(default_factory=dict)
    artifact_text: list[str] = field(default_factory=list)
    painted: dict[str, int] = field(default_factory=lambda: {"tagged": 0, "artifact": 0})
    forms: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class _Frame:
    """Graphics and text state while interpreting a content stream."""

    ctm: Matrix = IDENTITY
    tm: Matrix = IDENTITY
    tlm: Matrix = IDENTITY
    leading: float = 0.0
    font: Any = None


class Scanner:
    """Interpret page content streams: marked content, painting, text and its position."""

    def __init__(self) -> None:
        self.cmaps: dict[Any, dict[int, str]] = {}

    def page(self, page: pikepdf.Page) -> PageScan:
        scan = PageScan()
        stack: list[tuple[str, int | None]] = []
        self._stream(page.obj, page.obj.get("/Resources"), scan, stack, _Frame(), depth=0)
        if stack:
            scan.errors.append(f"marked content left open: {stack}")
        return scan

    def _stream(
        self, obj: Any, resources: Any, scan: PageScan, stack: list[tuple[str, int | None]],
        state: _Frame, depth: int,
    ) -> None:  # fmt: skip
        fonts = resources.get("/Font", {}) if resources is not None else {}
        xobjects = resources.get("/XObject", {}) if resources is not None else {}
        saved: list[_Frame] = []
        opened_here = len(stack)
        q_at_open: list[int] = []  # the q depth of each sequence opened in this stream
        in_text = False
        for operands, op in pikepdf.parse_content_stream(obj):
            name = str(op)
            if name == "q":
                saved.append(_Frame(**vars(state)))
            elif name == "Q":
                if saved:
                    state = saved.pop()
                else:
                    scan.errors.append("Q without q")
            elif name == "cm":
                state.ctm = _mul(tuple(_nums(operands)), state.ctm)  # type: ignore[arg-type]
            elif name == "BT":
                state.tm = state.tlm = IDENTITY
                in_text = True
            elif name == "ET":
                in_text = False
            elif name == "Tm":
                state.tm = state.tlm = tuple(_nums(operands))  # type: ignore[assignment]
            elif name in ("Td", "TD"):
                tx, ty_ = _nums(operands)
                if name == "TD":
                    state.leading = -ty_
                state.tm = state.tlm = _mul((1, 0, 0, 1, tx, ty_), state.tlm)
            elif name == "TL":
                state.leading = _nums(operands)[0]
            elif name in ("T*", "'", '"'):
                state.tm = state.tlm = _mul((1, 0, 0, 1, 0, -state.leading), state.tlm)
            elif name == "Tf":
                state.font = fonts.get(str(operands[0]))
            elif name in ("BMC", "BDC"):
                if in_text:
                    scan.errors.append("marked content opened inside BT/ET")
                q_at_open.append(len(saved))
                tag = str(operands[0])
                mcid = None
                if name == "BDC" and isinstance(operands[1], pikepdf.Dictionary):
                    mcid = int(operands[1].get("/MCID", -1))
                    mcid = None if mcid < 0 else mcid
                if mcid is not None:
                    if depth:
                        scan.errors.append("an MCID inside a form XObject")
                    if mcid in scan.marked:
                        scan.errors.append(f"MCID {mcid} used twice")
                    if any(m is not None for _t, m in stack):
                        scan.errors.append(f"MCID {mcid} nested in another MCID")
                    scan.marked[mcid] = Marked(tag[1:])
                elif tag != "/Artifact":
                    scan.errors.append(f"{tag} sequence with no MCID and not an artifact")
                stack.append((tag, mcid))
            elif name == "EMC":
                if len(stack) <= opened_here:
                    scan.errors.append("EMC without BMC/BDC")
                else:
                    stack.pop()
                    if q_at_open.pop() != len(saved):
                        scan.errors.append("marked content straddles q/Q")
                    if in_text:
                        scan.errors.append("marked content closed inside BT/ET")
            if name in PAINT or name in SHOW or name == "Do":
                self._paint(name, operands, xobjects, scan, stack, state, depth)
        if len(stack) != opened_here:
            scan.errors.append("marked content not closed inside its own content stream")
        if saved:
            scan.errors.append("unbalanced q/Q")

    def _paint(
        self, name: str, operands: Any, xobjects: Any, scan: PageScan,
        stack: list[tuple[str, int | None]], state: _Frame, depth: int,
    ) -> None:  # fmt: skip
        mcid = next((m for _t, m in reversed(stack) if m is not None), None)
        artifact = any(t == "/Artifact" for t, _m in stack)
        if mcid is None and not artifact:
            scan.errors.append(f"{name} outside marked content")
        elif mcid is not None and artifact:
            scan.errors.append(f"{name} in an artifact inside MCID {mcid}")
        kind = "tagged" if mcid is not None else "artifact"
        if name == "Do":
            xobj = xobjects.get(str(operands[0]))
            if xobj is not None and xobj.get("/Subtype") == pikepdf.Name.Form:
                scan.forms += 1
                inner = _Frame(**vars(state))
                if "/Matrix" in xobj:
                    inner.ctm = _mul(tuple(_nums(xobj.Matrix)), state.ctm)  # type: ignore[arg-type]
                self._stream(xobj, xobj.get("/Resources"), scan, stack, inner, depth + 1)
                return
        scan.painted[kind] += 1
        if name not in SHOW:
            return
        font = state.font
        if font is None:
            scan.errors.append("text shown with no font")
            return
        pieces = operands[0] if name == "TJ" else [operands[-1]]
        two_bytes = font.get("/Subtype") == pikepdf.Name.Type0
        cmap = _unicode_map(font, self.cmaps)
        text = ""
        for piece in pieces:
            if isinstance(piece, pikepdf.String):
                raw = bytes(piece)
                codes = (
                    [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2)]
                    if two_bytes
                    else list(raw)
                )
                text += "".join(cmap.get(c, "\ufffd") for c in codes)
        if mcid is None:
            scan.artifact_text.append(text)
            return
        marked = scan.marked[mcid]
        if marked.origin is None and text.strip():
            m = _mul(state.tm, state.ctm)
            marked.origin = (m[4], m[5])
        marked.text += text + "\n"


# -- reading a PDF back: the structure tree ----------------------------------------------


@dataclass(eq=False)
class Elem:
    """A structure element: role, dictionary, and kids in order."""

    role: str
    obj: Any
    parent: Elem | None
    kids: list[Any] = field(default_factory=list)  # Elem | (page, mcid) | ("objr", annot)

    def iter(self) -> Iterator[Elem]:
        yield self
        for kid in self.kids:
            if isinstance(kid, Elem):
                yield from kid.iter()

    def find(self, role: str) -> list[Elem]:
        return [e for e in self.iter() if e.role == role]

    def mcrs(self) -> list[tuple[int, int]]:
        return [k for k in self.kids if isinstance(k, tuple) and k[0] != "objr"]

    def objrs(self) -> list[Any]:
        return [k[1] for k in self.kids if isinstance(k, tuple) and k[0] == "objr"]

    @property
    def alt(self) -> str | None:
        return str(self.obj.Alt) if "/Alt" in self.obj else None

    @property
    def title(self) -> str | None:
        return str(self.obj.T) if "/T" in self.obj else None


def read_tree(pdf: pikepdf.Pdf) -> Elem:
    """Return the Document element, every MCID resolved to (page index, mcid)."""
    page_index = {p.obj.objgen: i for i, p in enumerate(pdf.pages)}

    def walk(d: Any, parent: Elem | None) -> Elem:
        assert d.get("/Type", pikepdf.Name.StructElem) == pikepdf.Name.StructElem
        elem = Elem(str(d.S)[1:], d, parent)
        k = d.get("/K")
        for item in list(k) if isinstance(k, pikepdf.Array) else [] if k is None else [k]:
            if isinstance(item, int):
                elem.kids.append((page_index[d.Pg.objgen], int(item)))
            elif item.get("/Type") == pikepdf.Name.MCR:
                pg = item.get("/Pg", d.get("/Pg"))
                elem.kids.append((page_index[pg.objgen], int(item.MCID)))
            elif item.get("/Type") == pikepdf.Name.OBJR:
                elem.kids.append(("objr", item.Obj))
            else:
                assert item.P.objgen == d.objgen, f"the /P of a {item.S} is not its parent"
                elem.kids.append(walk(item, elem))
        return elem

    kids = pdf.Root.StructTreeRoot.K
    kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    assert len(kids) == 1, "the structure tree has one root element"
    return walk(kids[0], None)


def number_tree(node: Any) -> dict[int, Any]:
    """Return the entries of a number tree (Nums, or Kids of Nums)."""
    out: dict[int, Any] = {}
    nums = list(node.get("/Nums", []))
    out.update({int(k): v for k, v in zip(nums[::2], nums[1::2], strict=True)})
    for kid in node.get("/Kids", []):
        out.update(number_tree(kid))
    return out


def scan_all(pdf: pikepdf.Pdf) -> list[PageScan]:
    """Return the scan of every page, in order."""
    scanner = Scanner()
    return [scanner.page(page) for page in pdf.pages]


def elem_text(elem: Elem, scans: list[PageScan], *, flow: bool = False) -> str:
    """Return the text of an element and its descendants, in order (`flow`: lines joined)."""
    parts = []
    for kid in elem.kids:
        if isinstance(kid, Elem):
            parts.append(elem_text(kid, scans))
        elif kid[0] != "objr":
            parts.append(scans[kid[0]].marked[kid[1]].text)
    text = "".join(parts)
    if flow:  # as a reader hears it: soft hyphens join words, line ends are spaces
        text = " ".join(text.replace("\u00ad\n", "").split())
    return text
