"""Make the brochure's content flowables, each with its structure role and element.

Every piece of content is made here, so that it carries a role (H1, H2, P, L/LI/Lbl/
LBody, Figure, Caption, TOC/TOCI) and the section it belongs to (a Sect per page
kind and per action). Given a `StructTree`, the factory also builds the tagged-PDF
structure in reading order and binds each flowable to its element, so that the
tagging canvas marks what it draws (see tagging.py); without one, the same
flowables draw untagged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from reportlab.lib.enums import TA_RIGHT
from reportlab.platypus import Flowable

from ..content.richtext import Block, ListBlock
from ..content.richtext import Para as RichPara
from ..theme import MM
from .flowables import (
    BalancedPara,
    DeferredPara,
    ListItem,
    OutlineEntry,
    Para,
    TocEntry,
    TrackedPara,
    markup,
    pdf_text,
    spans_markup,
)
from .styles import Styles
from .tagging import StructElement, StructTree, TaggedFigure, tagged_class


class Factory:
    """Make content flowables from theme styles, with roles and, if asked, tags."""

    def __init__(
        self,
        styles: Styles,
        list_number: Callable[[int], str],
        bullet: str,
        label_gap: float,
        tree: StructTree | None = None,
    ) -> None:
        self.styles = styles
        self.list_number = list_number  # the label of item n of an ordered list, e.g. "3."
        self.bullet = bullet
        self.label_gap = label_gap  # between a list mark and its text, in em
        self.tree = tree
        self._section: str | None = None
        self._untagged = 0
        self.deferred: list[DeferredPara] = []  # page numbers filled in after the layout

    # -- structure ---------------------------------------------------------------------------

    @property
    def tagging(self) -> bool:
        return self.tree is not None and not self._untagged

    @contextmanager
    def section(self, key: str | None, title: str | None = None) -> Iterator[None]:
        """Group the flowables made inside the block in a section (Sect)."""
        saved, self._section = self._section, key
        try:
            if self.tree is not None and self.tagging and key is not None:
                with self.tree.group("Sect", title=pdf_text(title) if title else None):
                    yield
            else:
                yield
        finally:
            self._section = saved

    def capture(self) -> Callable[[], AbstractContextManager[None]]:
        """Return a context manager that reopens the current section later.

        Flowables made inside it belong where they would have belonged now: a long
        brochure makes an action's columns only when the layout reaches them.
        """
        key = self._section
        element = self.tree.current if self.tree is not None and self.tagging else None

        @contextmanager
        def resume() -> Iterator[None]:
            saved, self._section = self._section, key
            if element is not None:
                assert self.tree is not None
                self.tree.push(element)
            try:
                yield
            finally:
                if element is not None:
                    assert self.tree is not None
                    self.tree.pop()
                self._section = saved

        return resume

    @contextmanager
    def group(self, role: str) -> Iterator[None]:
        """Group the flowables made inside the block in an element (TOC, Div...)."""
        if self.tree is not None and self.tagging:
            with self.tree.group(role):
                yield
        else:
            yield

    @contextmanager
    def untagged(self) -> Iterator[None]:
        """Make flowables outside the structure, e.g. to measure them."""
        self._untagged += 1
        try:
            yield
        finally:
            self._untagged -= 1

    def _element(
        self, role: str, parent: StructElement | None = None, **kw: Any
    ) -> StructElement | None:
        if self.tree is None or not self.tagging:
            return None
        return StructElement(role, parent if parent is not None else self.tree.current, **kw)

    def _tag(self, flowable: Any, role: str, element: StructElement | None = None) -> Any:
        """Give a flowable its role and section, and bind it to its element if tagging."""
        flowable.role, flowable.section = role, self._section
        if element is None and self.tagging:
            element = self._element(role)
        if element is not None:
            # Split parts share the element: one P on two pages.
            flowable.__class__ = tagged_class(type(flowable))
            flowable.struct = element
        return flowable

    def tag(self, flowable: Any, role: str) -> Any:
        """Give any flowable a role (and an element) in the current section."""
        return self._tag(flowable, role)

    # -- flowables ---------------------------------------------------------------------------

    def para(
        self,
        text: str,
        style: str,
        role: str = "P",
        *,
        outline: Sequence[OutlineEntry] = (),
        raw: bool = False,
        balance: bool = False,
        element: StructElement | None = None,
        deferred: str | None = None,
    ) -> Para:
        """Return a paragraph of plain text (or ready markup when `raw`) in a theme style.

        `balance` evens out the lines of a title; `deferred` (a page key) makes `text` a
        placeholder for that key's page number, filled in after the layout.
        """
        body = text if raw else markup(text)
        tracking = self.styles.tracking(style)
        cls = TrackedPara if tracking else BalancedPara if balance else Para
        if deferred is not None:
            cls = DeferredPara
        p = cls(body, self.styles[style])
        if deferred is not None:
            p.key, p.form = deferred, f"page-of-{deferred}"
            self.deferred.append(p)
        if tracking:
            p.tracking = tracking
        p.outline = tuple(outline)
        return self._tag(p, role, element)

    def rich(self, para: RichPara, style: str, role: str = "P") -> Para:
        """Return a rich-text paragraph (bold and italic spans)."""
        return self.para(spans_markup(para.spans), style, role, raw=True)

    def items(
        self, paras: Sequence[RichPara], style: str, *, ordered: bool = False, start: int = 1
    ) -> list[Flowable]:
        """Return the items of a list (L > LI > Lbl + LBody), one flowable per item."""
        indent = self.styles.text(style).indent_mm * MM
        body_style = self.styles.derived(f"{style}-body", style, leftIndent=0)
        # The mark hangs right-aligned, a word space from the text: extracted text then
        # reads "- item" on one line, not the mark alone in a column of its own.
        label_style = self.styles.derived(
            f"{style}-label",
            "bullet_label",
            leftIndent=0,
            spaceBefore=0,
            spaceAfter=0,
            alignment=TA_RIGHT,
        )
        gap = label_style.fontSize * self.label_gap
        numbering = "/Decimal" if ordered else "/Disc"
        group = self._element("L", attributes={"List": {"ListNumbering": numbering}})
        out: list[Flowable] = []
        for i, item in enumerate(paras):
            li = group.add("LI") if group is not None else None
            text = self.list_number(start + i) if ordered else self.bullet
            label = self._tag(Para(markup(text), label_style), "Lbl", li and li.add("Lbl"))
            body = Para(spans_markup(item.spans), body_style)
            body = self._tag(body, "LBody", li and li.add("LBody"))
            item_flowable = ListItem(label, body, indent, gap)
            item_flowable.role, item_flowable.section = "LI", self._section
            out.append(item_flowable)
        return out

    def blocks(self, blocks: Sequence[Block], style: str, list_style: str) -> list[Flowable]:
        """Return rich-text blocks as paragraphs and list items."""
        out: list[Flowable] = []
        for block in blocks:
            if isinstance(block, ListBlock):
                out += self.items(block.items, list_style, ordered=block.ordered, start=block.start)
            else:
                out.append(self.rich(block, style))
        return out

    def figure(self, flowable: Flowable, alt: str, *, splits: bool = False) -> Flowable:
        """Return a drawing or an image as a Figure with its alternative text.

        A figure that `splits` (a long chart) keeps one element over its pages; one that
        does not is wrapped so that its box on the page is recorded too.
        """
        flowable.alt = alt = pdf_text(alt)
        if self.tree is not None and self.tagging and not splits:
            figure = TaggedFigure(flowable, alt, parent=self.tree.current)
            figure.keepWithNext = getattr(flowable, "keepWithNext", 0)
            figure.role, figure.section, figure.alt = "Figure", self._section, alt
            return figure
        return self._tag(flowable, "Figure", self._element("Figure", alt=alt))

    def toc_entry(
        self,
        number: str | None,
        title: str,
        page: str,
        key: str,
        *,
        styles: tuple[str, str, str],
        number_width: float,
        page_width: float,
        rule: tuple[Any, float] | None = None,
    ) -> TocEntry:
        """Return a contents entry (TOCI: Lbl, Reference, page), the whole row a link.

        The title is the text of the Link (inside the Reference) that also owns the
        link annotation, so a screen reader announces a link named by its title.
        """
        toci = self._element("TOCI")

        def child(text: str, style: str, role: str, deferred: str | None = None) -> Para:
            element = toci and toci.add(role)
            return self.para(text, style, role, element=element, deferred=deferred)

        lbl = child(number, styles[0], "Lbl") if number else None  # make elements in order
        link = toci and toci.add("Reference").add("Link")
        entry = TocEntry(
            lbl,
            self.para(title, styles[1], "Link", element=link),
            child(page, styles[2], "P", deferred=key),
            key,
            label=pdf_text(title),
            number_width=number_width,
            page_width=page_width,
            rule=rule,
        )
        return self._tag(entry, "TOCI", toci)
