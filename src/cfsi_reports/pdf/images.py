"""Photos: sized for the page, CMYK for print, RGB for screen, same bytes every run."""

from __future__ import annotations

from functools import lru_cache
from io import BytesIO
from pathlib import Path

from reportlab.platypus import Image


@lru_cache(maxsize=32)
def _prepare(path: Path, mtime: float, max_px: tuple[int, int], cmyk: bool, quality: int) -> bytes:
    from PIL import Image as PILImage
    from PIL import ImageOps

    with PILImage.open(path) as src:
        img = ImageOps.exif_transpose(src)  # a phone photo shows upright, as in a viewer
        img = img.convert("RGB")
        if img.width > max_px[0] or img.height > max_px[1]:
            img.thumbnail(max_px, PILImage.Resampling.LANCZOS)
        if cmyk:
            # Naive conversion, no ICC profile: the print file must hold no RGB at all.
            img = img.convert("CMYK")
        out = BytesIO()
        img.save(out, "JPEG", quality=quality, optimize=False, progressive=False)
    return out.getvalue()


def photo(
    path: Path, width: float, max_height: float, *, dpi: float, cmyk: bool, quality: int = 88
) -> Image:
    """Return an Image flowable at most `width` × `max_height` points, resampled to `dpi`."""
    from PIL import Image as PILImage

    with PILImage.open(path) as probe:
        w_px, h_px = probe.size
        if probe.getexif().get(0x0112, 1) in (5, 6, 7, 8):  # rotated by its EXIF orientation
            w_px, h_px = h_px, w_px
    scale = min(width / w_px, max_height / h_px)
    w, h = w_px * scale, h_px * scale
    max_px = (max(1, round(w / 72 * dpi)), max(1, round(h / 72 * dpi)))
    data = _prepare(path, path.stat().st_mtime, max_px, cmyk, quality)
    image = Image(BytesIO(data), width=w, height=h)
    image.hAlign = "LEFT"
    return image
