"""Maps in the brochure: a map layout drawn as vector paths in the theme's colours."""

from __future__ import annotations

from typing import Any

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import FILL_EVEN_ODD
from reportlab.platypus import Flowable

from .. import maps
from ..theme import MM, Maps, TextStyle
from .styles import Styles

GRID = 0.1  # mm: the outlines' coordinate unit in the PDF (well under the simplification)


class MapFlowable(Flowable):
    """A map across the available width, as tall as its view asks (within the theme's limits)."""

    def __init__(
        self,
        codes: tuple[str, ...],
        styles: Styles,
        spec: maps.MapSpec,
        heights: tuple[float, float],
        name: Any,
        layouts: dict[Any, maps.MapLayout] | None = None,
    ) -> None:
        super().__init__()
        # Layouts already made in this document, by countries, width, heights and settings
        # (`name` is the document's one locale): actions on the same countries share one.
        self.layouts = {} if layouts is None else layouts
        self.codes, self.styles, self.spec, self.heights, self.name = (
            codes,
            styles,
            spec,
            heights,
            name,
        )
        self._heights = heights  # as the page asked: `shrink` may lower the first
        self.layout: maps.MapLayout | None = None
        self.legend: str | None = None  # what a ring means, in a corner, when there are rings

    def shrink(self, by: float | None) -> bool:
        """Give up `by` points of height, down to the theme's least; None undoes it."""
        if by is None:
            self.heights, self.layout = self._heights, None
            return True
        if self.layout is None:
            return False
        least = self._heights[1]
        height = self.layout.height - by / MM
        if height < least:
            return False
        self.heights, self.layout = (height, least), None
        return True

    def measure(self, label: str) -> float:
        """Return the width in mm an inset needs for `label` at its full size."""
        raw = self.styles.theme.maps
        style, font = _label(self.styles)
        return (stringWidth(label, font, style.size_pt) + 2 * raw.frame_width_pt) / MM + (
            style.size_pt * 0.4 / MM
        )

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        width = availWidth / MM
        if self.layout is None or abs(self.layout.width - width) > 0.01:
            # The legend's corner is kept free of insets (the ones left out are ringed).
            reserve = 0.0
            if self.legend:
                raw, (label, font) = self.styles.theme.maps, _label(self.styles)
                reserve = raw.inset.gap_mm + _legend_width(raw, self.legend, font, label.size_pt)
            key = (self.codes, width, self.heights, self.spec, reserve)
            if key not in self.layouts:
                self.layouts[key] = maps.layout(
                    self.codes,
                    width,
                    *self.heights,
                    self.spec,
                    self.name,
                    self.measure,
                    reserve=reserve,
                )
            self.layout = self.layouts[key]
        self.width, self.height = availWidth, self.layout.height * MM
        return self.width, self.height

    def draw(self) -> None:
        assert self.layout is not None
        draw(self.canv, self.layout, self.styles, self.styles.theme.maps, self.legend)


def draw(
    canv: Any, layout: maps.MapLayout, styles: Styles, raw: Maps, legend: str | None = None
) -> None:
    """Draw a map layout at the origin of the canvas (mm to points).

    A `legend` is set in the corner opposite the insets, after a ring like the map's,
    when the main map rings a small country.
    """
    colours = {k: styles.colour(v) for k, v in raw.colours.as_dict().items()}
    ring = (styles.colour(raw.marker.colour), raw.marker.width_pt)
    _panel(canv, layout.main, colours, raw.border_width_pt)
    _markers(canv, layout.main.markers, *ring)
    label, font = _label(styles)
    if legend and layout.main.markers:
        _legend(canv, layout, raw, legend, font, label.size_pt, styles.colour(label.colour), ring)
    for inset in layout.insets:
        _panel(canv, inset, colours, raw.border_width_pt, frame=raw.frame_width_pt)
        _markers(canv, inset.markers, *ring)
        if inset.label:
            # A long name (Nouvelle-Calédonie) is set smaller to stay inside its frame.
            room = inset.width * MM - 2 * raw.frame_width_pt - label.size_pt * 0.4
            size = min(
                label.size_pt, label.size_pt * room / stringWidth(inset.label, font, label.size_pt)
            )
            canv.setFillColor(styles.colour(label.colour))
            canv.setFont(font, size)
            canv.drawCentredString(
                (inset.x + inset.width / 2) * MM,
                (inset.y + inset.height) * MM - label.size_pt * 1.1,
                inset.label,
            )


def _legend(
    canv: Any,
    layout: maps.MapLayout,
    raw: Maps,
    text: str,
    font: str,
    size: float,
    colour: Any,
    ring: tuple[Any, float],
) -> None:
    """Set `text` after a ring at the bottom of the map, on the side away from the insets."""
    gap, r = raw.inset.gap_mm, raw.marker.radius_mm
    needed = _legend_width(raw, text, font, size)
    left = gap if layout.corner.endswith("right") else layout.width - gap - needed
    _markers(canv, (maps.Marker("", left + r, gap + r, r),), *ring)
    canv.setFillColor(colour)
    canv.setFont(font, size)
    canv.drawString((left + 2.5 * r) * MM, (gap + r) * MM - size * 0.35, text)


def _label(styles: Styles) -> tuple[TextStyle, str]:
    """Return the style of the maps' words (inset names, legend) and its font."""
    style = styles.text(styles.theme.maps.label)
    return style, styles.font(style.family, style.bold, style.italic)


def _legend_width(raw: Maps, text: str, font: str, size: float) -> float:
    """Return the width in mm of a legend: the ring, a space, the text."""
    return 2.5 * raw.marker.radius_mm + stringWidth(text, font, size) / MM


def _markers(canv: Any, markers: tuple[maps.Marker, ...], colour: Any, width: float) -> None:
    canv.setStrokeColor(colour)
    canv.setLineWidth(width)
    for m in markers:
        canv.circle(m.x * MM, m.y * MM, m.radius * MM, stroke=1, fill=0)


def _panel(
    canv: Any, panel: maps.Panel, colours: dict[str, Any], border: float, frame: float = 0
) -> None:
    canv.saveState()
    box = canv.beginPath()
    box.rect(panel.x * MM, panel.y * MM, panel.width * MM, panel.height * MM)
    # The water filled, so that the map shows its box (on a tinted sidebar, the box lines
    # up with the text around it instead of the land alone seeming to float).
    canv.setFillColor(colours["water"])
    canv.drawPath(box, stroke=0, fill=1)
    canv.clipPath(box, stroke=0, fill=0)
    # Outlines in whole units of GRID mm: short integers keep the file small.
    canv.scale(GRID * MM, GRID * MM)
    canv.setLineWidth(border / (GRID * MM))
    canv.setLineJoin(1)
    canv.setStrokeColor(colours["border"])
    k = 1 / GRID
    # All the countries of one colour in one path: fewer operators, a smaller file.
    for lit in (False, True):
        path = canv.beginPath()
        code: list[str] = []
        for shape in panel.shapes:
            if shape.highlight is not lit:
                continue
            for ring in shape.rings:
                # The path operators written at once (ReportLab's lineTo formats each float).
                last = None
                for x, y in ring:
                    p = (round(x * k), round(y * k))
                    if p != last:
                        code.append(f"{p[0]} {p[1]} {'l' if last else 'm'}")
                        last = p
                code.append("h")
        path._code.append(" ".join(code))
        canv.setFillColor(colours["highlight" if lit else "land"])
        canv.drawPath(path, stroke=1, fill=1, fillMode=FILL_EVEN_ODD)  # holes (Lesotho) stay holes
    canv.restoreState()
    if frame:  # drawn last: the land at its edge would break its line
        canv.saveState()
        canv.setStrokeColor(colours["frame"])
        canv.setLineWidth(frame)
        canv.rect(panel.x * MM, panel.y * MM, panel.width * MM, panel.height * MM, stroke=1, fill=0)
        canv.restoreState()
