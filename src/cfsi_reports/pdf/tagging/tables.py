"""Tagged tables (Table/TR/TH/TD), lists (L/LI/Lbl/LBody) and table of contents (TOC)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Spacer, Table
from reportlab.platypus.tableofcontents import TableOfContents, drawPageNumbers

from .canvas import TaggedCanvas, artifact
from .flowables import TaggedParagraph, adopt_elements, link_texts, make_element
from .tree import StructElement

# Private ReportLab 5.1 attributes used here (pinned to reportlab 5.1.*):
#   Table._cellvalues  the normalised cell data, to move tagged cell flowables under TH/TD;
#   Table._nrows       the row count of each part Table.split returns
#                      (both: test_table_split_keeps_one_table);
#   TableOfContents._lastEntries, ._table
#                      the entries of the previous pass and the table that split() and
#                      drawOn() use, as TableOfContents.wrap sets them;
#   Canvas._curr_tx_info  where an onDraw callback fires in a paragraph
#                      (all: test_tree_order_and_headings, test_links_are_tagged).


def _render_cell_tags(table: Any, event: str, *args: Any) -> None:
    """Table renderCB: draw each cell as its TH/TD element; repeated headers as artifact."""
    user = getattr(table, "_user_render_cb", None)
    if user is not None:
        user(table, event, *args)
    rows = getattr(table, "_tag_rows", None)
    canvas = getattr(table, "canv", None)
    if rows is None or not isinstance(canvas, TaggedCanvas):
        return
    if event == "startCell":
        row = rows[args[0]]
        if row is not None:
            canvas.begin_tag(row[args[1]], link_texts=link_texts(args[2]))
            table._tag_open = True
        else:  # a header row repeated on a continuation page: pagination, like a running head
            table._tag_artifact = canvas.artifact("Pagination", "Header")
            table._tag_artifact.__enter__()
    elif event == "endCell" and getattr(table, "_tag_open", False):
        canvas.end_tag()
        table._tag_open = False
    elif event == "endCell" and getattr(table, "_tag_artifact", None) is not None:
        table._tag_artifact.__exit__(None, None, None)
        table._tag_artifact = None


def _repeat_count(repeat_rows: Any) -> int:
    """Return how many rows Table repeats at the top of continuation parts."""
    if not repeat_rows:
        return 0
    if isinstance(repeat_rows, int):
        return repeat_rows
    return len(repeat_rows)


class TaggedTable(Table):
    """A Table tagged Table/TR/TH/TD; header rows repeated after a split are artifacts."""

    def __init__(
        self,
        data: Any,
        *args: Any,
        header_rows: int | None = None,
        header_cols: int = 0,
        parent: StructElement | None = None,
        struct: StructElement | None = None,
        summary: str | None = None,
        renderCB: Any = None,
        **kwargs: Any,
    ) -> None:
        internal = renderCB is _render_cell_tags
        super().__init__(data, *args, renderCB=_render_cell_tags, **kwargs)
        self._tag_rows: list[list[StructElement] | None] | None = None
        self.struct: StructElement | None = None
        if internal:  # a part made by Table.split: split() hands it its rows
            return
        self._user_render_cb = renderCB
        if header_rows is None:
            repeat = self.repeatRows
            header_rows = repeat if isinstance(repeat, int) else (max(repeat) + 1 if repeat else 0)
        attributes = {"Table": {"Summary": summary}} if summary else None
        self.struct = make_element(struct, "Table", parent, attributes=attributes)
        rows: list[list[StructElement] | None] = []
        for r, row in enumerate(self._cellvalues):
            tr = self.struct.add("TR", keep_empty=True)
            cells = []
            for c, value in enumerate(row):
                if r < header_rows:
                    cell = tr.add("TH", keep_empty=True, attributes={"Table": {"Scope": "/Column"}})
                elif c < header_cols:
                    cell = tr.add("TH", keep_empty=True, attributes={"Table": {"Scope": "/Row"}})
                else:
                    cell = tr.add("TD", keep_empty=True)
                adopt_elements(value, cell)
                cells.append(cell)
            rows.append(cells)
        self._tag_rows = rows

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        parts = super().split(availWidth, availHeight)
        rows = self._tag_rows
        if rows is None or not parts:
            return parts
        # Map each part's rows back to this table's rows; repeated headers map to None.
        repeat = _repeat_count(self.repeatRows)
        leads = [0] + [repeat] * (len(parts) - 1)
        bodies = [p._nrows - lead for p, lead in zip(parts, leads, strict=True)]
        overlap = max(0, sum(bodies) - len(rows))  # a row cut by splitInRow is in two parts
        start = 0
        for part, lead, body in zip(parts, leads, bodies, strict=True):
            part._tag_rows = [None] * lead + rows[start : start + body]
            part.struct = self.struct
            part._user_render_cb = self._user_render_cb
            start += body - (overlap if start == 0 else 0)
        return parts


class _ListPart(Flowable):
    """One flowable of a list item: the item's label (first part only) and a piece of body."""

    def __init__(
        self,
        body: Any,
        label: TaggedParagraph | None,
        indent: float,
        body_element: StructElement,
    ) -> None:
        super().__init__()
        self.body = body
        self.label = label
        self.indent = indent
        self.body_element = body_element

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        _bw, self._body_h = self.body.wrapOn(self.canv, availWidth - self.indent, availHeight)
        self._label_h = 0.0
        if self.label is not None:
            _lw, self._label_h = self.label.wrapOn(self.canv, self.indent, availHeight)
        self.width, self.height = availWidth, max(self._body_h, self._label_h)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        parts = self.body.splitOn(self.canv, availWidth - self.indent, availHeight)
        return [
            _ListPart(p, self.label if i == 0 else None, self.indent, self.body_element)
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
        tagged = isinstance(canvas, TaggedCanvas)
        if tagged:
            canvas.begin_tag(self.body_element, link_texts=link_texts(self.body))
        try:
            self.body.drawOn(canvas, x + self.indent, top - self._body_h)
        finally:
            if tagged:
                canvas.end_tag()


def _label_style(body: Any, label_style: ParagraphStyle | None) -> ParagraphStyle:
    """Return the label style: the given one, else the body paragraph's without indents."""
    if label_style is not None:
        return label_style
    style = getattr(body, "style", None)
    if style is None:
        raise ValueError("label_style is required when a list item is not a Paragraph")
    return ParagraphStyle(
        f"{style.name}-label", parent=style, leftIndent=0, rightIndent=0,
        firstLineIndent=0, alignment=0, spaceBefore=0, spaceAfter=0,
    )  # fmt: skip


class TaggedList(Flowable):
    """A bulleted or numbered list tagged L > LI > (Lbl, LBody); items split across pages."""

    def __init__(
        self,
        items: Sequence[Any],
        *,
        bullet: str = "\u2022",
        numbered: bool = False,
        start: int = 1,
        indent: float = 14,
        label_style: ParagraphStyle | None = None,
        parent: StructElement | None = None,
        struct: StructElement | None = None,
        **element_kwargs: Any,
    ) -> None:
        super().__init__()
        numbering = "/Decimal" if numbered else "/Disc"
        self.struct = make_element(
            struct, "L", parent, attributes={"List": {"ListNumbering": numbering}}, **element_kwargs
        )
        self._parts: list[_ListPart] = []
        for i, item in enumerate(items):
            body = list(item) if isinstance(item, list | tuple) else [item]
            if not body:
                continue
            li = self.struct.add("LI")
            lbl = li.add("Lbl")
            lbody = li.add("LBody")
            text = f"{start + i}." if numbered else bullet
            label = TaggedParagraph(text, _label_style(body[0], label_style), struct=lbl)
            for j, flowable in enumerate(body):
                adopt_elements(flowable, lbody)
                self._parts.append(_ListPart(flowable, label if j == 0 else None, indent, lbody))

    def _gaps(self) -> list[float]:
        """Return the vertical space before each part (none before the first)."""
        gaps = [0.0]
        for prev, part in zip(self._parts, self._parts[1:], strict=False):
            gaps.append(max(prev.getSpaceAfter(), part.getSpaceBefore()))
        return gaps

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        height = 0.0
        for gap, part in zip(self._gaps(), self._parts, strict=True):
            height += gap + part.wrapOn(self.canv, availWidth, availHeight)[1]
        self.width, self.height = availWidth, height
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        # Like ListFlowable, hand the frame the item parts to place (and split) one by one;
        # the frame insists that the first one fits, so split it here if it does not.
        parts: list[Any] = list(self._parts)
        if not parts:
            return []
        if parts[0].wrapOn(self.canv, availWidth, availHeight)[1] <= availHeight + 1e-6:
            return parts
        head = parts[0].splitOn(self.canv, availWidth, availHeight)
        return head + parts[1:] if head else []

    def getSpaceBefore(self) -> float:
        return self._parts[0].getSpaceBefore() if self._parts else 0.0

    def getSpaceAfter(self) -> float:
        return self._parts[-1].getSpaceAfter() if self._parts else 0.0

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        top = y + self.height
        for gap, part in zip(self._gaps(), self._parts, strict=True):
            top -= gap + part.height
            part.drawOn(canvas, x, top)


class TaggedTableOfContents(TableOfContents):
    """TableOfContents tagged TOC > TOCI > Link; each entry's link annotation is tagged."""

    def __init__(
        self,
        *,
        parent: StructElement | None = None,
        struct: StructElement | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.struct = make_element(struct, "TOC", parent)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        # TableOfContents.wrap, with tagged entry paragraphs (a fresh TOCI per entry and wrap).
        entries = self._lastEntries or [(0, "Placeholder for table of contents", 0, None)]

        def draw_entry_end(canvas: Any, kind: str, label: str) -> None:
            page_text, level_text = label.split(",", 2)[:2]
            level = int(level_text)
            dot = " . " if self.dotsMinLevel >= 0 and level >= self.dotsMinLevel else ""
            page: Any = int(page_text)
            if self.formatter:
                page = self.formatter(page)
            _TocEntry.defer(canvas, self.getLevelStyle(level), str(page), availWidth, dot)

        self.canv.setNamedCB("drawTOCEntryEnd", draw_entry_end)
        self.struct.clear()
        rows = []
        for level, text, page_num, key in entries:
            style = self.getLevelStyle(level)
            toci = self.struct.add("TOCI")
            element = toci.add("Link") if key else toci
            markup = f'<a href="#{key}">{text}</a>' if key else text
            label = f"{page_num},{level},None"
            para = _TocEntry(
                f'{markup}<onDraw name="drawTOCEntryEnd" label="{label}"/>', style, struct=element
            )
            if style.spaceBefore:
                rows.append([Spacer(1, style.spaceBefore)])
            rows.append([para])
        # Cells default to Helvetica, which Table selects even for Paragraph cells: use the
        # entries' font instead, so that no unembedded font is referenced.
        base = self.getLevelStyle(0)
        self._table = Table(
            rows, colWidths=(availWidth,), style=[("FONT", (0, 0), (-1, -1), base.fontName)]
        )
        self._table.setStyle(self.tableStyle)
        self.width, self.height = self._table.wrapOn(self.canv, availWidth, availHeight)
        return self.width, self.height


class _TocEntry(TaggedParagraph):
    """A TOC entry drawing its page number after its title (reading order), leaders as artifact.

    The onDraw callback fires while the paragraph is laid out, before its text is drawn;
    it only records where the number goes (Canvas._curr_tx_info, set by Paragraph for
    onDraw callbacks, as tableofcontents.drawPageNumbers reads it).
    """

    _pending: list[tuple[float, float, ParagraphStyle, str, float, str]] | None = None
    _drawing: _TocEntry | None = None

    @classmethod
    def defer(cls, canvas: Any, style: ParagraphStyle, page: str, width: float, dot: str) -> None:
        """Record a page number to draw once the entry's text is drawn."""
        entry = cls._drawing
        info = canvas._curr_tx_info
        if entry is None or entry._pending is None:  # not drawn through _TocEntry.draw
            drawPageNumbers(canvas, style, [(page, None)], width, 0, dot)
            return
        entry._pending.append((info["cur_x"], info["cur_y"], style, page, width, dot))

    def draw(self) -> None:
        self._pending = []
        type(self)._drawing = self
        try:
            super().draw()
        finally:
            type(self)._drawing = None
        pending, self._pending = self._pending, None
        for x, y, style, page, width, dot in pending:
            _draw_page_number(self.canv, x, y, style, page, width, dot)


def _draw_page_number(
    canvas: Any, x: float, y: float, style: ParagraphStyle, page: str, width: float, dot: str
) -> None:
    """Draw a right-aligned page number after x, dot leaders as an artifact (as ReportLab)."""
    size = style.fontSize
    number_w = stringWidth(page, style.fontName, size)
    while number_w > width - x and size >= 1.0:  # shrink to fit, as drawPageNumbers does
        size *= 0.9
        number_w = stringWidth(page, style.fontName, size)
    if dot:
        dot_w = stringWidth(dot, style.fontName, size)
        count = int((width - x - number_w) / dot_w)
        leaders = canvas.beginText(width - count * dot_w - number_w, y)
        leaders.setFont(style.fontName, size)
        leaders.setFillColor(style.textColor)
        leaders.textLine(count * dot)
        with artifact(canvas, "Pagination"):  # leaders belong with the page number
            canvas.drawText(leaders)
    number = canvas.beginText(width - number_w, y)
    number.setFont(style.fontName, size)
    number.setFillColor(style.textColor)
    number.textLine(page)
    canvas.drawText(number)
