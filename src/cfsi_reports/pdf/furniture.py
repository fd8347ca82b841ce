"""Page furniture, drawn by the page templates: fields, bands, panels, heads, folios, marks.

Nothing here is content: a tagging canvas marks all of it as artifacts. Drawing
happens in trim coordinates (origin at the trimmed page's bottom-left corner);
anything that touches the trim runs on into the bleed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reportlab.pdfbase.pdfmetrics import stringWidth

from .flowables import pdf_text
from .geometry import Geometry
from .styles import Styles

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

    def __init__(self, geometry: Geometry, styles: Styles, *, marks: bool) -> None:
        self.g = geometry
        self.styles = styles
        self.marks = marks

    # -- drawing helpers -------------------------------------------------------------------

    def _field(self, canvas: Any, colour: str, x: float, y: float, w: float, h: float) -> None:
        """Fill a rectangle; sides lying on the trim run on into the bleed."""
        g, b = self.g, self.g.bleed
        x0 = x - b if x <= 0 else x
        y0 = y - b if y <= 0 else y
        x1 = x + w + b if x + w >= g.width else x + w
        y1 = y + h + b if y + h >= g.height else y + h
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
    ) -> None:
        """Draw one line in a theme style, shortened with an ellipsis to fit `width`."""
        ts = self.styles.text(style)
        font = self.styles.font(ts.family, ts.bold, ts.italic)
        text = pdf_text(text)
        if width is not None and stringWidth(text, font, ts.size_pt) > width:
            while text and stringWidth(text + ELLIPSIS, font, ts.size_pt) > width:
                text = text[:-1]
            text = text.rstrip() + ELLIPSIS
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

    def _crop_marks(self, canvas: Any) -> None:
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

    def _head(self, canvas: Any, page: int, left: str, right: str) -> None:
        """Draw the running head: the programme on the left, the section on the right."""
        g = self.g
        y = g.height - g.head_from_top
        x0, x1 = g.left(page), g.width - g.right(page)
        half = (x1 - x0) / 2 - self.g.side_gap
        self._text(canvas, "running_head", left, x0, y, width=half)
        self._text(canvas, "running_head", right, x1, y, align="right", width=half)

    def _folio(self, canvas: Any, page: int) -> None:
        g = self.g
        y = g.foot_from_bottom
        if page % 2:
            self._text(canvas, "folio", str(page), g.width - g.right(page), y, align="right")
        else:
            self._text(canvas, "folio", str(page), g.left(page), y)

    def _panel(self, canvas: Any, page: int, top: float) -> None:
        """Draw the sidebar's tinted panel from `top` (trim coordinates) to the bottom margin."""
        g = self.g
        self._field(canvas, "tint", g.left(page), g.bottom, g.side_width, top - g.bottom)

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
        """Return an action's first page: the head band, the sidebar panel, the folio."""
        g = self.g

        def draw(canvas: Any, page: int) -> None:
            self._field(canvas, "primary", 0, g.height - band, g.width, band)
            y = g.height - g.head_from_top
            x0, x1 = g.left(page), g.width - g.right(page)
            self._text(canvas, "band_head", programme, x0, y, width=x1 - x0)
            self._panel(canvas, page, g.height - band)
            self._folio(canvas, page)

        return self._page(draw)

    def action_next(self, programme: str, section: str, strip: float) -> PageCallback:
        """Return an action's continuation page: a strip, the running head, panel, folio."""
        g = self.g

        def draw(canvas: Any, page: int) -> None:
            self._field(canvas, "primary", 0, g.height - strip, g.width, strip)
            self._head(canvas, page, programme, section)
            self._panel(canvas, page, g.height - g.top)
            self._folio(canvas, page)

        return self._page(draw)

    def back(self) -> PageCallback:
        """Return the back cover: a full-bleed colour field."""
        g = self.g

        def draw(canvas: Any, page: int) -> None:
            self._field(canvas, "primary", 0, 0, g.width, g.height)

        return self._page(draw)

    def blank(self) -> PageCallback:
        """Return a blank page (only the marks), added so the back cover is a left page."""
        return self._page(lambda canvas, page: None)
