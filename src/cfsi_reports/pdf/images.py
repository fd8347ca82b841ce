"""Photos: sized for the page, CMYK for print, RGB for screen, same bytes every run."""

from __future__ import annotations

from io import BytesIO

from reportlab.platypus import Image

from ..photos import pixel_size, prepare
from ..theme import MM, Theme


def photo_box(theme: Theme, *, screen: bool = False) -> tuple[float, float, float]:
    """Return the largest size of an action's photo in points, and the least ppi it needs."""
    from .geometry import Geometry

    g = Geometry.from_theme(theme, screen=screen)
    spec = theme.page.photo
    width = g.text_width() - g.side_width - g.side_gap
    return width, spec.max_height_mm * MM, spec.min_ppi


def photo(
    source: bytes, width: float, max_height: float, *, dpi: float, cmyk: bool, quality: int = 88
) -> Image:
    """Return an Image flowable at most `width` × `max_height` points, resampled to `dpi`."""
    w_px, h_px = pixel_size(source)
    scale = min(width / w_px, max_height / h_px)
    w, h = w_px * scale, h_px * scale
    max_px = (max(1, round(w / 72 * dpi)), max(1, round(h / 72 * dpi)))
    data = prepare(source, max_px, cmyk=cmyk, quality=quality)
    image = Image(BytesIO(data), width=w, height=h)
    image.hAlign = "LEFT"
    return image
