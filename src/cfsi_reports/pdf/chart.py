"""The overview chart: budget and grant per action, as ReportLab vector graphics."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, Line, Polygon, Rect, String
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from .. import typography as ty
from ..i18n import Locale
from ..present import ActionView
from ..theme import MM, Chart
from .flowables import pdf_text
from .styles import Styles

ELLIPSIS = "\u2026"
UNBOUNDED = 1e5  # points: an available height no page has (about 35 m)


@dataclass(frozen=True)
class Row:
    """One action of the chart."""

    number: str
    title: str
    budget: Decimal
    granted: Decimal
    budget_text: str
    granted_text: str


def rows(actions: tuple[ActionView, ...], locale: Locale) -> list[Row]:
    """Return the chart rows of the actions, with their values formatted for the locale."""
    out = []
    for a in actions:
        share = ty.percent(a.granted / a.budget, locale) if a.budget else ""
        granted = locale.format(
            "chart_granted_value", amount=ty.money(a.granted, locale), share=share
        )
        out.append(
            Row(str(a.number), a.title, a.budget, a.granted, ty.money(a.budget, locale), granted)
        )
    return out


# The longest string a PDF may hold, in bytes (ISO 32000-1, annex C; PDF/A-2 6.1.13): an alt
# text beyond ASCII is written in UTF-16, after a two-byte byte-order mark.
ALT_BYTES = 32767 - 2


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-be"))


def alt_text(actions: tuple[ActionView, ...], locale: Locale) -> str:
    """Return the chart's alternative text, in words, from the same data.

    One sentence per action; a chart of so many actions that the text would pass a PDF
    string's limit says how many more there are instead (their figures are on their pages).
    """
    text = locale.format("chart_alt", count=len(actions), n=len(actions))
    for i, a in enumerate(actions):
        share = ty.percent(a.granted / a.budget, locale) if a.budget else ""
        item = locale.format(
            "chart_alt_item",
            title=a.title,
            budget=ty.money(a.budget, locale),
            granted=ty.money(a.granted, locale),
            share=share,
        )
        left = len(actions) - i
        more = locale.format("chart_alt_more", count=left, n=left)
        if _utf16(f"{text} {item} {more}") > ALT_BYTES:
            text += " " + more
            break
        text += " " + item
    return pdf_text(text)


def scale_top(values: list[Decimal], ratio: float, headroom: float) -> Decimal:
    """Return the value the full bar length stands for.

    Normally the largest value. When it is more than `ratio` times the next one, it would
    flatten every other bar into a stub: the scale then stops a little above the next
    value (`headroom`), and the bars that go beyond it are drawn broken, their amount
    written at their end as for every bar.
    """
    ordered = sorted((v for v in values if v > 0), reverse=True)
    if not ordered:
        return Decimal(1)
    if len(ordered) >= 3 and ordered[0] > ordered[1] * Decimal(str(ratio)):
        return ordered[1] * Decimal(str(headroom))
    return ordered[0]


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Wrap text into lines of `width`."""
    words, lines, line = pdf_text(text).split(" "), [], ""
    for word in words:
        trial = f"{line} {word}".strip()
        if stringWidth(trial, font, size) <= width or not line:
            line = trial
        else:
            lines.append(line)
            line = word
    lines.append(line)
    return lines


def _lines(text: str, font: str, size: float, width: float, most: int) -> list[str]:
    """Wrap text into at most `most` lines of `width`; the last one ends with … if cut."""
    lines = _wrap(text, font, size, width)
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] += ELLIPSIS
    last = lines[-1]
    while stringWidth(last, font, size) > width and len(last) > 1:
        last = last[:-2] + ELLIPSIS
    lines[-1] = last
    return lines


class BarChart(Flowable):
    """Horizontal grouped bars, one group per action; splits between groups across pages."""

    def __init__(
        self,
        data: list[Row],
        legend: tuple[str, str],
        styles: Styles,
        spec: Chart,
        top: Decimal | None = None,
        grows: bool = True,
    ) -> None:
        super().__init__()
        self.data, self.legend, self.styles, self.spec = data, legend, styles, spec
        # Every part of a split chart keeps the scale of the whole.
        brk = spec.scale_break
        self.top = (
            top if top is not None else scale_top([r.budget for r in data], brk.ratio, brk.headroom)
        )
        self.bar, self.bar_gap = spec.bar_height_mm * MM, spec.bar_gap_mm * MM
        self.group_gap = spec.group_gap_mm * MM
        self._base = (self.bar, self.bar_gap, self.group_gap)
        self.grows = grows  # a short chart fills the rest of its page (a split part does not)
        self.label_width = spec.label_width_mm * MM
        self.legend_height = spec.legend_height_mm * MM

    @property
    def _row(self) -> float:
        return 2 * self.bar + self.bar_gap + self.group_gap

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        if self.grows and self.data:
            # A few actions leave the page half empty: their bars grow (at most `grow_max`
            # times) to fill what is left of it, all in proportion; under a map they may
            # shrink (to `shrink_min`) rather than start a page of their own. Measured without
            # a bound (platypus' _listWrapOn, a KeepTogether), the chart gives its natural size.
            bar, bar_gap, group_gap = self._base
            k = 1.0
            if availHeight < UNBOUNDED:
                natural = len(self.data) * (2 * bar + bar_gap + group_gap) - group_gap
                room = (availHeight - self.legend_height) * 0.98
                k = min(self.spec.grow_max, max(self.spec.shrink_min, room / natural))
            self.bar, self.bar_gap, self.group_gap = bar * k, bar_gap * k, group_gap * k
        self.height = self.legend_height + len(self.data) * self._row - self.group_gap
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        if self.grows:  # a chart that must split already fills its pages: no growth
            self.bar, self.bar_gap, self.group_gap = self._base
        fit = int((availHeight - self.legend_height + self.group_gap) // self._row)
        if fit < 1 or fit >= len(self.data):
            return []
        part = lambda d: BarChart(  # noqa: E731
            d, self.legend, self.styles, self.spec, self.top, grows=False
        )
        first, rest = part(self.data[:fit]), part(self.data[fit:])
        for p in (first, rest):
            p.role, p.alt, p.section = (getattr(self, a, None) for a in ("role", "alt", "section"))
        return [first, rest]

    def _font(self, style: str) -> tuple[str, float, Any]:
        ts = self.styles.text(style)
        return (
            self.styles.font(ts.family, ts.bold, ts.italic),
            ts.size_pt,
            self.styles.colour(ts.colour),
        )

    def _label_width(self, font: str, size: float, most: int, number_w: float) -> float:
        """Return the titles' column: the theme's width, widened by steps of 2 mm up to its
        maximum while a title takes more than `most` lines (a shrunk chart's rows)."""
        width, widest = self.label_width, max(self.label_width, self.spec.label_max_width_mm * MM)
        while width < widest and any(
            len(_wrap(r.title, font, size, width - number_w - self.bar)) > most for r in self.data
        ):
            width = min(widest, width + 2 * MM)
        return width

    def drawing(self) -> Drawing:
        """Return the chart as a Drawing of the wrapped size."""
        w, h = self.width, self.height
        d = Drawing(w, h)
        font, size, ink = self._font("chart_label")
        d.initialFontName, d.initialFontSize = (
            font,
            size,
        )  # not ReportLab's default, unembedded font
        nfont, _, accent = self._font("chart_number")
        colours = {k: self.styles.colour(v) for k, v in self.spec.colours.as_dict().items()}
        widest = max((stringWidth(r.number, nfont, size) for r in self.data), default=0.0)
        number_w = widest + self.bar_gap * 2
        leading = self.styles.text("chart_label").leading_pt
        most = max(1, int((2 * self.bar + self.bar_gap + self.group_gap / 2) // leading))
        label_width = self._label_width(font, size, most, number_w)
        # Legend, along the top, in the middle of its band (a shrunk chart's gap under it
        # had left it 2.5 pt over the first bar): swatches as tall as the capitals of its text.
        legend = self.spec.legend
        swatch = size * legend.swatch_em
        x, y = label_width, h - (self.legend_height + swatch) / 2
        for key, label in zip(("budget", "granted"), self.legend, strict=True):
            d.add(Rect(x, y, swatch, swatch, fillColor=colours[key], strokeColor=None))
            d.add(
                String(
                    x + swatch + size * legend.gap_em,
                    y + swatch * 0.08,
                    pdf_text(label),
                    fontName=font,
                    fontSize=size,
                    fillColor=ink,
                )
            )
            x += swatch + size * legend.spacing_em + stringWidth(pdf_text(label), font, size)
        values = [pdf_text(t) for r in self.data for t in (r.budget_text, r.granted_text)]
        room = max(stringWidth(v, font, size) for v in values) + self._base[0]
        if any(r.budget > self.top for r in self.data):
            room += self._base[0] * 2.5  # the broken bar runs past the scale
        x0 = label_width
        scale = (w - x0 - room) / float(self.top or 1)
        top = h - self.legend_height
        for i, r in enumerate(self.data):
            y_top = top - i * self._row
            lines = _lines(r.title, font, size, label_width - number_w - self.bar, most)
            block = leading * len(lines)
            y_text = y_top - self.bar - self.bar_gap / 2 + block / 2 - size
            d.add(String(0, y_text, r.number, fontName=nfont, fontSize=size, fillColor=accent))
            for j, line in enumerate(lines):
                d.add(
                    String(
                        number_w,
                        y_text - j * leading,
                        line,
                        fontName=font,
                        fontSize=size,
                        fillColor=ink,
                    )
                )
            for k, (key, value, text) in enumerate(
                (("budget", r.budget, r.budget_text), ("granted", r.granted, r.granted_text))
            ):
                yb = y_top - (k + 1) * self.bar - k * self.bar_gap
                length = max(float(value) * scale, 0.0)
                broken = value > self.top
                if broken:  # past the scale: a full bar, cut by a break, then a stub
                    length = float(self.top) * scale + self._base[0] * 2.5
                d.add(Rect(x0, yb, length, self.bar, fillColor=colours[key], strokeColor=None))
                if broken:
                    self._break(d, x0 + length - self._base[0] * 2, yb)
                d.add(
                    String(
                        x0 + length + self.bar / 2,
                        yb + (self.bar - size) / 2 + size * 0.15,
                        pdf_text(text),
                        fontName=font,
                        fontSize=size,
                        fillColor=ink,
                    )
                )
        axis = self.styles.colour(self.spec.axis)
        d.add(Line(x0, 0, x0, top, strokeColor=axis, strokeWidth=self.spec.axis_width_pt))
        return d

    def _break(self, d: Drawing, x: float, y: float) -> None:
        """Draw a scale break across a bar at `x`: a slanted gap in the paper colour."""
        paper = self.styles.colour(self.spec.scale_break.colour)
        slant, gap, over = self.bar * 0.35, self.bar * 0.3, self.bar * 0.15
        d.add(
            Polygon(
                [
                    x - slant, y - over,
                    x - slant + gap, y - over,
                    x + slant + gap, y + self.bar + over,
                    x + slant, y + self.bar + over,
                ],
                fillColor=paper,
                strokeColor=None,
            )
        )  # fmt: skip

    def draw(self) -> None:
        renderPDF.draw(self.drawing(), self.canv, 0, 0)
