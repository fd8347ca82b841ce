"""Page furniture, drawn by the page templates: fields, bands, panels, heads, folios, marks.

Nothing here is content: a tagging canvas marks all of it as typed artifacts (running
heads and folios Pagination Header/Footer, fields and panels Layout, marks Page). Drawing
happens in trim coordinates (origin at the trimmed page's bottom-left corner);
anything that touches the trim runs on into the bleed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reportlab.pdfbase.pdfmetrics import stringWidth

from ..theme import MM
from .flowables import pdf_text
from .geometry import Geometry
from .styles import Styles
from .tagging import artifact

PageCallback = Callable[[Any, Any], None]


@dataclass(frozen=True)
class Motif:
    """The cover's bars: budgets and grants relative to the largest budget, and where."""

    lengths: tuple[float, ...]
    inner: tuple[float, ...]
    top: float
    bottom: float
    width: float
    bar: float
    pitch: float
    colour: str
    inner_colour: str


ELLIPSIS = "\u2026"


class Furniture:
    """Make the page callbacks of one brochure (print or screen)."""

    def __init__(
        self, geometry: Geometry, styles: Styles, *, marks: bool, cover_rule: float = 0.0
    ) -> None:
        self.g = geometry
        self.styles = styles
        self.marks = marks
        self.cover_rule = cover_rule  # the accent rule between a colour field and the paper

    # -- drawing helpers -------------------------------------------------------------------

    def _field(self, canvas: Any, colour: str, x: float, y: float, w: float, h: float) -> None:
        """Fill a rectangle; sides lying on the trim run on into the bleed."""
        g, b = self.g, self.g.bleed
        x0 = x - b if x <= 0 else x
        y0 = y - b if y <= 0 else y
        x1 = x + w + b if x + w >= g.width else x + w
        y1 = y + h + b if y + h >= g.height else y + h
        with artifact(canvas, "Layout"):  # bands, panels, tints: decoration
            canvas.setFillColor(self.styles.colour(colour))
            canvas.rect(x0, y0, x1 - x0, y1 - y0, stroke=0, fill=1)

    def _text(
        self,
        canvas: Any,
        style: str,
        text: str,
        x: float,
        y: float,
        *,
        align: str = "left",
        width: float | None = None,
        subtype: str = "Header",
    ) -> None:
        """Draw one line of pagination (a Header or Footer artifact), shortened to `width`."""
        with artifact(canvas, "Pagination", subtype):
            self._line(canvas, style, text, x, y, align=align, width=width)

    def _line(
        self,
        canvas: Any,
        style: str,
        text: str,
        x: float,
        y: float,
        *,
        align: str,
        width: float | None,
    ) -> None:
        ts = self.styles.text(style)
        font = self.styles.font(ts.family, ts.bold, ts.italic)
        text = pdf_text(text)
        if width is not None:
            text = self.fit(text, style, width)
        canvas.setFont(font, ts.size_pt)
        canvas.setFillColor(self.styles.colour(ts.colour))
        if ts.tracking_pt:
            t = canvas.beginText()
            t.setCharSpace(ts.tracking_pt)
            w = stringWidth(text, font, ts.size_pt) + ts.tracking_pt * max(len(text) - 1, 0)
            t.setTextOrigin(x - (w if align == "right" else 0), y)
            t.textOut(text)
            canvas.drawText(t)
        elif align == "right":
            canvas.drawRightString(x, y, text)
        else:
            canvas.drawString(x, y, text)

    def measure(self, text: str, style: str) -> float:
        """Return the width of one line of `text` in a theme style, letter spacing included."""
        ts = self.styles.text(style)
        font = self.styles.font(ts.family, ts.bold, ts.italic)
        text = pdf_text(text)
        return stringWidth(text, font, ts.size_pt) + ts.tracking_pt * max(len(text) - 1, 0)

    def fit(self, text: str, style: str, width: float, keep: str = "") -> str:
        """Return `text` (then `keep`) shortened to `width` at a word end, with an ellipsis.

        A running head is never cut in the middle of a word; only a single word wider
        than the whole line is cut where it must.
        """
        if self.measure(text + keep, style) <= width:
            return text + keep
        words = text.split(" ")
        while len(words) > 1:
            words.pop()
            head = " ".join(words).rstrip(" ,;:\u00a0–-")
            if self.measure(head + ELLIPSIS + keep, style) <= width:
                return head + ELLIPSIS + keep
        head = words[0] if words else ""
        while head and self.measure(head + ELLIPSIS + keep, style) > width:
            head = head[:-1]
        return head + ELLIPSIS + keep

    def _crop_marks(self, canvas: Any) -> None:
        with artifact(canvas, "Page"):  # printer's marks
            self._draw_crop_marks(canvas)

    def _draw_crop_marks(self, canvas: Any) -> None:
        g = self.g
        s, off, length = g.slug, g.mark_offset, g.mark_length
        canvas.setStrokeColor(self.styles.colour("registration"))
        canvas.setLineWidth(g.mark_stroke)
        lines = []
        for cx, sx in ((s, -1), (s + g.width, 1)):
            for cy, sy in ((s, -1), (s + g.height, 1)):
                lines.append((cx + sx * off, cy, cx + sx * (off + length), cy))
                lines.append((cx, cy + sy * off, cx, cy + sy * (off + length)))
        for x0, y0, x1, y1 in lines:
            canvas.line(x0, y0, x1, y1)

    def _page(self, draw: Callable[[Any, int], None]) -> PageCallback:
        """Wrap a drawing function: trim coordinates, then crop marks on the print file."""

        def on_page(canvas: Any, doc: Any) -> None:
            canvas.saveState()
            canvas.translate(self.g.slug, self.g.slug)
            draw(canvas, doc.page)
            canvas.restoreState()
            if self.marks:
                canvas.saveState()
                self._crop_marks(canvas)
                canvas.restoreState()

        return on_page

    def _head(self, canvas: Any, page: int, left: str, right: str | tuple[str, str, str]) -> None:
        """Draw the running head: the programme on the left, the section on the right.

        `right` may be (before, title, after): only the title is shortened, so that
        « Action 3 · La santé et … (suite) » keeps its « (suite) ».
        """
        g = self.g
        y = g.height - g.head_from_top
        x0, x1 = g.left(page), g.width - g.right(page)
        room = x1 - x0 - self.g.side_gap
        half = room / 2
        before, title, after = right if isinstance(right, tuple) else ("", right, "")
        lw = self.measure(left, "running_head")
        rw = self.measure(before + title + after, "running_head")
        # The side that needs less than half lends the other its room.
        if lw <= half:
            left_w, right_w = lw, room - lw
        elif rw <= half:
            left_w, right_w = room - rw, rw
        else:
            left_w = right_w = half
        self._text(canvas, "running_head", left, x0, y, width=left_w)
        text = before + self.fit(
            pdf_text(title),
            "running_head",
            right_w - self.measure(before, "running_head"),
            keep=after,
        )
        self._text(canvas, "running_head", text, x1, y, align="right")

    def _folio(self, canvas: Any, page: int) -> None:
        g = self.g
        y = g.foot_from_bottom
        if page % 2:
            x, align = g.width - g.right(page), "right"
        else:
            x, align = g.left(page), "left"
        self._text(canvas, "folio", str(page), x, y, align=align, subtype="Footer")

    # -- the page kinds -------------------------------------------------------------------------

    def cover(self, publisher_band: float, motif: Motif | None) -> PageCallback:
        """Return the cover: a colour field over the top of the page, bled off three sides."""
        g = self.g

        def draw(canvas: Any, page: int) -> None:
            field = g.height * g.cover_band
            self._field(canvas, "primary", 0, g.height - field, g.width, field)
            self._field(
                canvas, "accent", 0, g.height - field - publisher_band, g.width, publisher_band
            )
            if motif is not None:
                self._motif(canvas, motif)

        return self._page(draw)

    def _motif(self, canvas: Any, motif: Motif) -> None:
        """Draw a bar per action, as long as its budget (its grant in the inner colour)."""
        g = self.g
        pitch = min(motif.pitch, (motif.top - motif.bottom) / max(len(motif.lengths), 1))
        bar = min(motif.bar, pitch * 0.6)
        for i, (length, inner) in enumerate(zip(motif.lengths, motif.inner, strict=True)):
            w = max(length * motif.width, bar)
            y = motif.top - i * pitch - bar
            self._field(canvas, motif.colour, g.width - w, y, w, bar)
            if inner > 0:
                iw = inner * motif.width
                self._field(canvas, motif.inner_colour, g.width - iw, y, iw, bar)

    def inner(self, programme: str, section: str) -> PageCallback:
        """Return an inner page: running head and folio."""

        def draw(canvas: Any, page: int) -> None:
            self._head(canvas, page, programme, section)
            self._folio(canvas, page)

        return self._page(draw)

    def action_first(self, programme: str, band: float) -> PageCallback:
        """Return an action's first page: the band and the folio (the Spread draws the panel)."""
        g = self.g

        def draw(canvas: Any, page: int) -> None:
            self._field(canvas, "primary", 0, g.height - band, g.width, band)
            y = g.height - g.head_from_top
            x0, x1 = g.left(page), g.width - g.right(page)
            self._text(canvas, "band_head", programme, x0, y, width=x1 - x0)
            self._folio(canvas, page)

        return self._page(draw)

    def action_next(
        self, programme: str, section: str | tuple[str, str, str], strip: float
    ) -> PageCallback:
        """Return an action's continuation page: a strip, the running head, panel, folio."""
        g = self.g

        def draw(canvas: Any, page: int) -> None:
            self._field(canvas, "primary", 0, g.height - strip, g.width, strip)
            self._head(canvas, page, programme, section)
            self._folio(canvas, page)

        return self._page(draw)

    def back(self, panel: float = 0.0) -> PageCallback:
        """Return the back cover: a full-bleed colour field over a paper panel `panel` high."""
        g = self.g

        def draw(canvas: Any, page: int) -> None:
            self._field(canvas, "primary", 0, panel, g.width, g.height - panel)
            if panel:
                self._field(canvas, "accent", 0, panel, g.width, self.cover_rule)

        return self._page(draw)

    def notes(self, programme: str, section: str, title: str, spec: Any) -> PageCallback:
        """Return a notes page: running head, a heading and ruled lines to write on."""
        g = self.g

        def draw(canvas: Any, page: int) -> None:
            self._head(canvas, page, programme, section)
            self._folio(canvas, page)
            hs = self.styles.text("heading1")
            top = g.height - g.top - hs.size_pt
            x0, x1 = g.left(page), g.width - g.right(page)
            self._text(canvas, "heading1", title, x0, top)
            canvas.setStrokeColor(self.styles.colour(spec.notes_colour))
            canvas.setLineWidth(spec.notes_width_pt)
            pitch = spec.notes_pitch_mm * MM
            y = top - hs.leading_pt - hs.space_after_pt - pitch
            while y >= g.bottom:
                canvas.line(x0, y, x1, y)
                y -= pitch

        return self._page(draw)

    def blank(self) -> PageCallback:
        """Return a blank page (only the marks), added so the back cover is a left page."""
        return self._page(lambda canvas, page: None)
