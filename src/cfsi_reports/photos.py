"""Photos prepared for a page: upright, on paper, resampled, RGB or CMYK, same bytes each run."""

from __future__ import annotations

from functools import lru_cache
from io import BytesIO
from typing import Any


def pixel_size(source: bytes) -> tuple[int, int]:
    """Return the photo's size in pixels as a viewer shows it (EXIF rotation applied)."""
    from PIL import Image as PILImage

    with PILImage.open(BytesIO(source)) as probe:
        w_px, h_px = probe.size
        if probe.getexif().get(0x0112, 1) in (5, 6, 7, 8):  # rotated by its EXIF orientation
            w_px, h_px = h_px, w_px
    return w_px, h_px


def prepare(source: bytes, max_px: tuple[int, int], *, cmyk: bool, quality: int = 88) -> bytes:
    """Return the photo (the bytes of its file) as JPEG bytes no larger than `max_px`."""
    return _prepare(source, max_px, cmyk, quality)


@lru_cache(maxsize=32)
def _prepare(source: bytes, max_px: tuple[int, int], cmyk: bool, quality: int) -> bytes:
    from PIL import Image as PILImage
    from PIL import ImageOps

    with PILImage.open(BytesIO(source)) as src:
        img = ImageOps.exif_transpose(src)  # a phone photo shows upright, as in a viewer
        if img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info:
            # Transparent parts print on the paper, not as black.
            rgba = img.convert("RGBA")
            img = PILImage.new("RGB", rgba.size, "white")
            img.paste(rgba, mask=rgba.getchannel("A"))
        img = img.convert("RGB")
        if img.width > max_px[0] or img.height > max_px[1]:
            img.thumbnail(max_px, PILImage.Resampling.LANCZOS)
        if cmyk:
            img = _cmyk(img)
        out = BytesIO()
        img.save(out, "JPEG", quality=quality, optimize=False, progressive=False)
    return out.getvalue()


def _cmyk(img: Any) -> Any:
    """Convert RGB to CMYK with full black generation, without an ICC profile.

    Pillow's own conversion puts no black at all: a dark area would print C+M+Y at
    300 % ink. Taking the grey component into K keeps total ink at most 200 %.
    """
    from PIL import Image as PILImage
    from PIL import ImageChops, ImageMath, ImageOps

    c, m, y = (ImageOps.invert(channel) for channel in img.split())
    k = ImageChops.darker(ImageChops.darker(c, m), y)

    def remove_black(channel: Any) -> Any:
        return ImageMath.lambda_eval(
            lambda a: a["convert"](
                (a["float"](a["x"]) - a["k"]) * 255.0 / a["max"](255.0 - a["float"](a["k"]), 1.0),
                "L",
            ),
            x=channel,
            k=k,
        )

    return PILImage.merge("CMYK", (remove_black(c), remove_black(m), remove_black(y), k))
