"""Page geometry from the theme: trim, bleed, marks, margins and the grid, in points."""

from __future__ import annotations

from dataclasses import dataclass

from ..theme import Theme

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
        mm = theme.mm
        bleed = 0.0 if screen else mm("bleed")
        length = mm("crop_marks", "length")
        offset = mm("crop_marks", "offset")
        if not screen and offset < bleed:
            offset = bleed  # marks must stay outside the bleed, whatever the theme says
        return cls(
            width=mm("width"),
            height=mm("height"),
            bleed=bleed,
            slug=0.0 if screen else offset + length,
            mark_length=length,
            mark_offset=offset,
            mark_stroke=float(theme.page["crop_marks"]["stroke"]),
            top=mm("margins", "top"),
            bottom=mm("margins", "bottom"),
            inside=mm("margins", "inside"),
            outside=mm("margins", "outside"),
            side_width=mm("sidebar", "width"),
            side_gap=mm("sidebar", "gap"),
            side_padding=mm("sidebar", "padding"),
            band_height=mm("band_height"),
            head_from_top=mm("running_head", "baseline_from_top"),
            foot_from_bottom=mm("running_head", "baseline_from_bottom"),
            cover_band=float(theme.page["cover_band"]),
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
