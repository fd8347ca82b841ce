"""Tag-aware platypus flowables: any flowable, paragraphs (soft hyphens), figures, list items."""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Flowable, Paragraph

from .canvas import TaggedCanvas
from .hyphen import soften_line_end_hyphens
from .tree import StructElement


def make_element(
    struct: StructElement | None, role: str, parent: StructElement | None, **kwargs: Any
) -> StructElement:
    """Return `struct`, or a new element with `role` under `parent`."""
    if struct is not None:
        if parent is not None and struct.parent is None:
            parent.append(struct)
        return struct
    return StructElement(role, parent, **kwargs)


def link_texts(content: Any) -> dict[str, str]:
    """Return the text of each <a href> in a Paragraph (or list of them), by href."""
    texts: dict[str, str] = {}
    for item in content if isinstance(content, list | tuple) else [content]:
        for frag in getattr(item, "frags", None) or ():
            # Before wrap, frags are ParaFrags; after, kind-1 words [width, (frag, text)...].
            is_word = isinstance(frag, list)
            pieces = frag[1:] if is_word else [(frag, getattr(frag, "text", ""))]
            for piece, text in pieces:
                for _n, href in getattr(piece, "link", None) or ():
                    if isinstance(href, str) and isinstance(text, str):
                        texts[href] = texts.get(href, "") + text
            if is_word:  # words lost their separating spaces
                for href in texts:
                    texts[href] += " "
    return {href: " ".join(text.split()) for href, text in texts.items()}


class SoftHyphens:
    """Mixin for a Paragraph: the hyphens ReportLab adds at line ends are drawn as U+00AD.

    Same glyph on the page; extracted text and screen readers then read "Méditerranée",
    not "Méditer-ranée" (see hyphen.py).
    """

    soft_hyphens: bool = True

    def draw(self) -> Any:
        bl = getattr(self, "blPara", None)
        soft = soften_line_end_hyphens(bl, getattr(self, "frags", None)) if bl else bl
        if soft is bl or not self.soft_hyphens:
            return super().draw()  # type: ignore[misc]
        self.blPara = soft
        try:
            return super().draw()  # type: ignore[misc]
        finally:
            self.blPara = bl


class TaggedMixin:
    """Mixin for any Flowable: draws it as content of `self.struct`; split parts share it."""

    struct: StructElement | None = None

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> Any:
        element = self.struct
        if element is None or not isinstance(canvas, TaggedCanvas):
            return super().drawOn(canvas, x, y, _sW)  # type: ignore[misc]
        with canvas.tagged(element, link_texts=link_texts(self)):
            return super().drawOn(canvas, x, y, _sW)  # type: ignore[misc]

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        parts = super().split(availWidth, availHeight)  # type: ignore[misc]
        for part in parts:
            # Both halves of a split flowable are one structure element on two pages.
            if not isinstance(part, TaggedMixin):
                try:
                    part.__class__ = tagged_class(type(part))
                except TypeError:  # a class with __slots__: leave that part untagged
                    continue
            if part.struct is None:
                part.struct = self.struct
        return parts


_TAGGED_CLASSES: dict[type, type] = {}


def tagged_class(cls: type) -> type:
    """Return a subclass of flowable class `cls` with TaggedMixin behaviour (cached)."""
    if issubclass(cls, TaggedMixin):
        return cls
    if cls not in _TAGGED_CLASSES:
        _TAGGED_CLASSES[cls] = type(f"Tagged{cls.__name__}", (TaggedMixin, cls), {})
    return _TAGGED_CLASSES[cls]


def tag_flowable(
    flowable: Any,
    role: str = "P",
    *,
    parent: StructElement | None = None,
    struct: StructElement | None = None,
    **element_kwargs: Any,
) -> Any:
    """Make any flowable (Image, Preformatted, KeepTogether...) draw as one element."""
    flowable.__class__ = tagged_class(type(flowable))
    flowable.struct = make_element(struct, role, parent, **element_kwargs)
    return flowable


class TaggedParagraph(TaggedMixin, SoftHyphens, Paragraph):
    """A Paragraph drawn as one structure element (P, H1, Lbl...), even when split."""

    def __init__(
        self,
        text: str | None,
        style: Any = None,
        bulletText: Any = None,
        frags: Any = None,
        caseSensitive: int = 1,
        encoding: str = "utf8",
        *,
        role: str = "P",
        parent: StructElement | None = None,
        struct: StructElement | None = None,
        soft_hyphens: bool = True,
        **element_kwargs: Any,
    ) -> None:
        super().__init__(text, style, bulletText, frags, caseSensitive, encoding)
        self.soft_hyphens = soft_hyphens
        # Paragraph.split builds its parts with frags=...: their element comes from split().
        if struct is not None or frags is None:
            self.struct = make_element(struct, role, parent, **element_kwargs)


def _halign_x(h_align: str, x: float, sW: float) -> float:
    """Return x shifted as Flowable.drawOn does for the given hAlign and spare width."""
    if h_align in ("CENTER", "CENTRE"):
        return x + sW / 2.0
    if h_align == "RIGHT":
        return x + sW
    return x


class TaggedFigure(Flowable):
    """Wrap a Drawing, Image or any flowable as a Figure with alternative text and a BBox."""

    def __init__(
        self,
        content: Flowable,
        alt: str,
        *,
        parent: StructElement | None = None,
        struct: StructElement | None = None,
        role: str = "Figure",
        **element_kwargs: Any,
    ) -> None:
        if not alt or not alt.strip():
            raise ValueError("a Figure needs a non-empty alternative text (alt)")
        super().__init__()
        self.content = content
        self.struct = make_element(struct, role, parent, alt=alt, **element_kwargs)
        if self.struct.alt is None:
            self.struct.alt = alt
        self.hAlign = getattr(content, "hAlign", "LEFT")

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = self.content.wrapOn(self.canv, availWidth, availHeight)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        return []

    def getSpaceBefore(self) -> float:
        return self.content.getSpaceBefore()

    def getSpaceAfter(self) -> float:
        return self.content.getSpaceAfter()

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        if not isinstance(canvas, TaggedCanvas):
            self.content.drawOn(canvas, x, y, _sW)
            return
        with canvas.tagged(self.struct):
            bx = _halign_x(self.hAlign, x, _sW)
            canvas.mark_box(self.struct, bx, y, self.width, self.height)
            self.content.drawOn(canvas, x, y, _sW)


class ListItem(Flowable):
    """A list item: its label hung in the indent and its body beside it; the body splits.

    Tagging is the caller's: give the label an Lbl element and the body an LBody element
    under one LI (a list is an L of such items); a continuation part has no label.
    """

    def __init__(self, label: Flowable | None, body: Flowable, indent: float, gap: float) -> None:
        super().__init__()
        self.label, self.body, self.indent, self.gap = label, body, indent, gap

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        _, self._body_h = self.body.wrap(availWidth - self.indent, availHeight)
        self._label_h = (
            self.label.wrap(self.indent - self.gap, availHeight)[1] if self.label else 0.0
        )
        self.width, self.height = availWidth, max(self._body_h, self._label_h)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        parts = self.body.split(availWidth - self.indent, availHeight)
        return [
            type(self)(self.label if i == 0 else None, p, self.indent, self.gap)
            for i, p in enumerate(parts)
        ]

    def getSpaceBefore(self) -> float:
        return self.body.getSpaceBefore()

    def getSpaceAfter(self) -> float:
        return self.body.getSpaceAfter()

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        top = y + self.height
        if self.label is not None:
            self.label.drawOn(canvas, x, top - self._label_h)
        self.body.drawOn(canvas, x + self.indent, top - self._body_h)
