"""The overview chart: budget and grant per action, as ReportLab vector graphics."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from .. import typography as ty
from ..i18n import Locale
from ..present import ActionView
from ..theme import MM, Chart
from .flowables import pdf_text
from .styles import Styles

ELLIPSIS = "\u2026"


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


def alt_text(actions: tuple[ActionView, ...], locale: Locale) -> str:
    """Return the chart's alternative text, in words, from the same data."""
    parts = [locale.format("chart_alt", count=len(actions), n=len(actions))]
    for a in actions:
        share = ty.percent(a.granted / a.budget, locale) if a.budget else ""
        parts.append(
            locale.format(
                "chart_alt_item",
                title=a.title,
                budget=ty.money(a.budget, locale),
                granted=ty.money(a.granted, locale),
                share=share,
            )
        )
    return pdf_text(" ".join(parts))


def _lines(text: str, font: str, size: float, width: float, most: int) -> list[str]:
    """Wrap text into at most `most` lines of `width`; the last one ends with … if cut."""
    words, lines, line = pdf_text(text).split(" "), [], ""
    for word in words:
        trial = f"{line} {word}".strip()
        if stringWidth(trial, font, size) <= width or not line:
            line = trial
        else:
            lines.append(line)
            line = word
    lines.append(line)
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
    ) -> None:
        super().__init__()
        self.data, self.legend, self.styles, self.spec = data, legend, styles, spec
        # Every part of a split chart keeps the scale of the whole.
        self.top = top if top is not None else max((r.budget for r in data), default=Decimal(1))
        self.bar, self.bar_gap = spec.bar_height_mm * MM, spec.bar_gap_mm * MM
        self.group_gap = spec.group_gap_mm * MM
        self.label_width = spec.label_width_mm * MM
        self.legend_height = spec.legend_height_mm * MM

    @property
    def _row(self) -> float:
        return 2 * self.bar + self.bar_gap + self.group_gap

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = self.legend_height + len(self.data) * self._row - self.group_gap
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        fit = int((availHeight - self.legend_height + self.group_gap) // self._row)
        if fit < 1 or fit >= len(self.data):
            return []
        part = lambda d: BarChart(d, self.legend, self.styles, self.spec, self.top)  # noqa: E731
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
        colours = {k: self.styles.colour(v) for k, v in self.spec.colours.model_dump().items()}
        # Legend, along the top: swatches as tall as the capitals of its text.
        x, y = self.label_width, h - self.legend_height + self.bar_gap
        legend = self.spec.legend
        swatch = size * legend.swatch_em
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
        room = max(stringWidth(v, font, size) for v in values) + self.bar
        x0 = self.label_width
        scale = (w - x0 - room) / float(self.top or 1)
        top = h - self.legend_height
        widest = max((stringWidth(r.number, nfont, size) for r in self.data), default=0.0)
        number_w = widest + self.bar_gap * 2
        leading = self.styles.text("chart_label").leading_pt
        for i, r in enumerate(self.data):
            y_top = top - i * self._row
            most = max(1, int((2 * self.bar + self.bar_gap + self.group_gap / 2) // leading))
            lines = _lines(r.title, font, size, self.label_width - number_w - self.bar, most)
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
                d.add(Rect(x0, yb, length, self.bar, fillColor=colours[key], strokeColor=None))
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

    def draw(self) -> None:
        renderPDF.draw(self.drawing(), self.canv, 0, 0)
