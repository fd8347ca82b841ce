"""Page geometry from the theme: trim, bleed, marks, margins and the grid, in points."""

from __future__ import annotations

from dataclasses import dataclass

from ..theme import MM, Theme

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Geometry:
    """Where things go on a page; (0, 0) is the bottom-left corner of the trimmed page.

    The print file's media box is larger than the trim by `slug` on every side, room for
    the bleed and the crop marks; `ox, oy` is the trim origin in media coordinates.
    """

    width: float
    height: float
    bleed: float
    slug: float
    mark_length: float
    mark_offset: float
    mark_stroke: float
    top: float
    bottom: float
    inside: float
    outside: float
    side_width: float
    side_gap: float
    side_padding: float
    band_height: float
    head_from_top: float
    foot_from_bottom: float
    cover_band: float

    @classmethod
    def from_theme(cls, theme: Theme, *, screen: bool) -> Geometry:
        """Return the geometry of the print file, or of the trimmed screen file."""
        page = theme.page
        bleed = 0.0 if screen else page.bleed_mm * MM
        length = page.crop_marks.length_mm * MM
        offset = page.crop_marks.offset_mm * MM
        if not screen and offset < bleed:
            offset = bleed  # marks must stay outside the bleed, whatever the theme says
        return cls(
            width=page.width_mm * MM,
            height=page.height_mm * MM,
            bleed=bleed,
            slug=0.0 if screen else offset + length,
            mark_length=length,
            mark_offset=offset,
            mark_stroke=page.crop_marks.stroke_pt,
            top=page.margins.top_mm * MM,
            bottom=page.margins.bottom_mm * MM,
            inside=page.margins.inside_mm * MM,
            outside=page.margins.outside_mm * MM,
            side_width=page.sidebar.width_mm * MM,
            side_gap=page.sidebar.gap_mm * MM,
            side_padding=page.sidebar.padding_mm * MM,
            band_height=page.band_height_mm * MM,
            head_from_top=page.running_head.baseline_from_top_mm * MM,
            foot_from_bottom=page.running_head.baseline_from_bottom_mm * MM,
            cover_band=page.cover_band_fraction,
        )

    @property
    def media(self) -> tuple[float, float]:
        """Return the size of the sheet the PDF page describes."""
        return self.width + 2 * self.slug, self.height + 2 * self.slug

    @property
    def trim_box(self) -> Box:
        s = self.slug
        return (s, s, s + self.width, s + self.height)

    @property
    def bleed_box(self) -> Box:
        s, b = self.slug, self.bleed
        return (s - b, s - b, s + self.width + b, s + self.height + b)

    def left(self, page: int) -> float:
        """Return the left margin of a page: odd pages are rectos, bound on their left."""
        return self.inside if page % 2 else self.outside

    def right(self, page: int) -> float:
        """Return the right margin of a page."""
        return self.outside if page % 2 else self.inside

    def text_width(self) -> float:
        """Return the width between the margins (the same on both sides of a spread)."""
        return self.width - self.inside - self.outside

    @property
    def text_height(self) -> float:
        return self.height - self.top - self.bottom
