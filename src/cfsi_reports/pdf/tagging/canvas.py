"""A ReportLab canvas that marks everything painted as artifact or tagged content."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from reportlab.pdfbase.pdfmetrics import standardFonts
from reportlab.pdfgen.canvas import Canvas

from .tree import AnnotMark, BoxMark, StructElement, StructTree, TaggingError

# Private ReportLab 5.1 attributes used here (pinned to reportlab 5.1.*, covered by tests):
#   Canvas._code            the operator strings of the page being drawn; opening and closing
#                           marked content must append to it, and an empty sequence is
#                           dropped by comparing its length (test_empty_sequences_are_dropped).
#   Canvas._annotationrefs  the page's /Annots so far; its length is the index the next link
#                           annotation will have (test_links_are_tagged).
#   Canvas._fontname, _fontsize, _leading
#                           the font state Canvas.setFont keeps; set here without emitting
#                           Tf for a standard font nothing is drawn with
#                           (test_helvetica_text_is_refused).

_STANDARD_FONTS = frozenset(standardFonts)

# Operators that paint: path painting, shadings, XObjects, inline images and text showing.
# A sequence with none of them only changes state and is left unmarked.
_PAINTS = re.compile(
    r"(?:^|\s)(?:[SsfFBb]\*?|sh|Do|BI|Tj|TJ|'|\")(?=\s|$|\[|\(|<)|[)>\]]\s*(?:Tj|TJ|'|\")"
)
_SHOW_START = ("(", "<", "[")


def _sets_own_font(code: str) -> bool:
    """Return True if a text object selects a font (Tf) before it shows any text."""
    starts = [i for i in (code.find(c) for c in _SHOW_START) if i >= 0]
    head = code[: min(starts)] if starts else code
    return " Tf" in head


# What is drawn outside any element and any typed artifact: decoration (rules, tints,
# table grids). Typed, so that a checker can tell it from text hidden by mistake; text
# drawn there is a bug that test_artifacts_are_typed finds (text is only pagination).
LAYOUT = "/Artifact <</Type /Layout>> BDC"
PRINTERS_MARKS = "/Artifact <</Type /Page>> BDC"


@dataclass(frozen=True)
class _Mode:
    """What is open while drawing: a structure element's content, or an artifact."""

    element: StructElement | None
    opener: str = LAYOUT
    link_texts: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Open:
    """The marked-content sequence currently open in the page content."""

    index: int
    mcid: int | None


def _artifact_opener(kind: str | None, subtype: str | None) -> str:
    """Return the BDC operator opening an artifact of the given /Type and /Subtype.

    Types (PDF 1.7, 14.8.2.2): Pagination (Header, Footer, Watermark), Layout, Page
    (printer's marks), Background; an artifact without a type is Layout.
    """
    props = []
    if kind:
        props.append(f"/Type /{kind}")
    if subtype:
        props.append(f"/Subtype /{subtype}")
    if not props:
        return LAYOUT
    return f"/Artifact <<{' '.join(props)}>> BDC"


class TaggedCanvas(Canvas):
    """Canvas whose content is artifact by default and tagged inside begin_tag/end_tag."""

    def __init__(self, *args: Any, tree: StructTree, **kwargs: Any) -> None:
        self._tree = tree
        tree.reset_marks()
        self._modes: list[_Mode] = [_Mode(None)]
        self._open: _Open | None = None
        self._page_elements: list[StructElement] = []
        # A standard (unembedded) font selected but not yet drawn with, and its q/Q stack.
        self._pending_font: tuple[str, float, float] | None = None
        self._pending_stack: list[tuple[str, float, float] | None] = []
        # While suspended (Canvas.__init__, showPage, forms) q/Q are left alone.
        self._suspended = 1
        self._in_show_page = False
        super().__init__(*args, **kwargs)
        self._suspended = 0
        self._mc_open()

    # -- marked-content sequences --------------------------------------------------------------

    def _mc_open(self) -> None:
        """Open the marked-content sequence of the innermost mode."""
        mode = self._modes[-1]
        if mode.element is None:
            opener, mcid = mode.opener, None
        else:
            mcid = len(self._page_elements)
            self._page_elements.append(mode.element)
            opener = f"/{mode.element.role} <</MCID {mcid}>> BDC"
        self._code.append(opener)
        self._open = _Open(len(self._code) - 1, mcid)

    def _mc_close(self) -> None:
        """Close the open sequence, or drop its opener if nothing was painted inside."""
        opened, self._open = self._open, None
        if opened is None:
            return
        if any(_PAINTS.search(op) for op in self._code[opened.index + 1 :]):
            self._code.append("EMC")
            return
        # Only state operators (cm, colours, q-less setup): they need no marked content.
        del self._code[opened.index]
        if opened.mcid is not None:
            self._page_elements.pop()

    def _switch(self, push: _Mode | None) -> None:
        """Close the open sequence, push `push` (or pop when None) and open the new one."""
        if push is None and len(self._modes) == 1:
            raise TaggingError("end_tag() without begin_tag()")
        self._mc_close()
        if push is None:
            self._modes.pop()
        else:
            self._modes.append(push)
        self._mc_open()

    # Marked content must not straddle q/Q: close before and reopen after each of them.
    def saveState(self) -> None:
        self._pending_stack.append(self._pending_font)
        if self._suspended:
            return super().saveState()
        self._mc_close()
        super().saveState()
        self._mc_open()

    def restoreState(self) -> None:
        self._pending_font = self._pending_stack.pop() if self._pending_stack else None
        if self._suspended:
            return super().restoreState()
        self._mc_close()
        super().restoreState()
        self._mc_open()

    # -- fonts -----------------------------------------------------------------------------------

    def setFont(self, psfontname: str, size: float, leading: float | None = None) -> None:
        # Table cells and Drawings select Helvetica even when they draw no text with it;
        # emitting that Tf would put an unembedded font in the PDF. Defer it until used.
        if self._suspended or psfontname not in _STANDARD_FONTS:
            self._pending_font = None
            return super().setFont(psfontname, size, leading)
        self._fontname = psfontname
        self._fontsize = size
        self._leading = size * 1.2 if leading is None else leading
        self._pending_font = (psfontname, size, self._leading)

    def drawText(self, aTextObject: Any) -> None:
        pending, self._pending_font = self._pending_font, None
        if pending is not None and not _sets_own_font(str(aTextObject.getCode())):
            super().setFont(*pending)
        super().drawText(aTextObject)

    # -- public tagging API ----------------------------------------------------------------------

    @property
    def tree(self) -> StructTree:
        """Return the structure tree this canvas records into."""
        return self._tree

    @property
    def current_element(self) -> StructElement | None:
        """Return the innermost element whose content is being drawn, if any."""
        for mode in reversed(self._modes):
            if mode.element is not None:
                return mode.element
        return None

    def begin_tag(
        self, element: StructElement, *, link_texts: Mapping[str, str] | None = None
    ) -> None:
        """Start drawing content that belongs to `element` (adopted if it has no parent)."""
        if element.parent is None and element is not self._tree.root:
            (self.current_element or self._tree.root).append(element)
        if element.top() is not self._tree.root:
            raise TaggingError(f"{element!r} belongs to another structure tree")
        self._switch(_Mode(element, link_texts=dict(link_texts or {})))

    def end_tag(self) -> None:
        """Stop drawing content of the innermost element begun with begin_tag()."""
        self._switch(None)

    @contextmanager
    def tagged(
        self, element: StructElement, *, link_texts: Mapping[str, str] | None = None
    ) -> Iterator[StructElement]:
        """Draw the body of the with-block as content of `element`."""
        self.begin_tag(element, link_texts=link_texts)
        try:
            yield element
        finally:
            self.end_tag()

    @contextmanager
    def artifact(self, kind: str | None = None, subtype: str | None = None) -> Iterator[None]:
        """Draw the body of the with-block as an artifact, e.g. kind='Pagination'."""
        self._switch(_Mode(None, _artifact_opener(kind, subtype)))
        try:
            yield
        finally:
            self._switch(None)

    def mark_box(self, element: StructElement, x: float, y: float, w: float, h: float) -> None:
        """Record the page box of `element` (for the Layout /BBox of figures)."""
        corners = [self.absolutePosition(cx, cy) for cx in (x, x + w) for cy in (y, y + h)]
        xs = [c[0] for c in corners]
        ys = [c[1] for c in corners]
        box = (min(xs), min(ys), max(xs), max(ys))
        self._tree.boxes.setdefault(element, BoxMark(self.getPageNumber() - 1, box))

    # -- pages, forms, saving --------------------------------------------------------------------

    def showPage(self) -> None:
        self._mc_close()
        self._tree.pages.append(self._page_elements)
        self._page_elements = []
        self._pending_font = None
        self._pending_stack = []
        self._suspended += 1
        self._in_show_page = True
        try:
            super().showPage()
        finally:
            self._suspended -= 1
            self._in_show_page = False
        self._mc_open()

    def lines(self, linelist: Any) -> None:
        # Crop marks are drawn by Canvas.showPage after the page content: mark them too.
        if not self._in_show_page:
            return super().lines(linelist)
        self._code.append(PRINTERS_MARKS)
        super().lines(linelist)
        self._code.append("EMC")

    def beginForm(self, *args: Any, **kwargs: Any) -> None:
        # A form XObject has its own content stream, which cannot hold page MCIDs.
        self._mc_close()
        self._suspended += 1
        super().beginForm(*args, **kwargs)

    def endForm(self, **kwargs: Any) -> None:
        super().endForm(**kwargs)
        self._suspended -= 1
        self._mc_open()

    def save(self) -> None:
        # Closing drops the opener of a page nothing was drawn on, so no blank page is added.
        self._mc_close()
        super().save()

    def getpdfdata(self) -> bytes:
        self._mc_close()
        return super().getpdfdata()

    # -- link annotations ------------------------------------------------------------------------

    def _mark_annotation(self, contents: str, target: str) -> None:
        """Record the link annotation about to be added, with the element it belongs to."""
        texts: Mapping[str, str] = {}
        for mode in reversed(self._modes):
            if mode.element is not None:
                texts = mode.link_texts
                break
        text = contents or next(
            (texts[k] for k in (target, "#" + target, "document:" + target) if texts.get(k)),
            target,
        )
        mark = AnnotMark(
            page=self.getPageNumber() - 1,
            index=len(self._annotationrefs),
            element=self.current_element,
            contents=text,
        )
        self._tree.annots.append(mark)

    def linkRect(
        self,
        contents: str,
        destinationname: str,
        Rect: Any = None,
        addtopage: int = 1,
        name: str | None = None,
        relative: int = 1,
        thickness: float = 0,
        color: Any = None,
        dashArray: Any = None,
        **kw: Any,
    ) -> Any:
        if addtopage:
            self._mark_annotation(contents, destinationname)
        return super().linkRect(
            contents, destinationname, Rect, addtopage, name, relative,
            thickness, color, dashArray, **kw,
        )  # fmt: skip

    def linkURL(
        self,
        url: str,
        rect: Any,
        relative: int = 0,
        thickness: float = 0,
        color: Any = None,
        dashArray: Any = None,
        kind: str = "URI",
        **kw: Any,
    ) -> Any:
        self._mark_annotation("", url)
        return super().linkURL(url, rect, relative, thickness, color, dashArray, kind, **kw)


def artifact(
    canvas: Canvas, kind: str | None = None, subtype: str | None = None
) -> AbstractContextManager[None]:
    """Return canvas.artifact(kind, subtype), or a no-op context for a plain Canvas."""
    if isinstance(canvas, TaggedCanvas):
        return canvas.artifact(kind, subtype)
    return nullcontext()


def canvasmaker(tree: StructTree) -> Callable[..., TaggedCanvas]:
    """Return a canvas factory for BaseDocTemplate.build(..., canvasmaker=...) that tags."""

    def make(*args: Any, **kwargs: Any) -> TaggedCanvas:
        return TaggedCanvas(*args, tree=tree, **kwargs)

    return make
