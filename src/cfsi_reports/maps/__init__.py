"""Locator maps from the data: outlines, the Equal Earth projection, the view, insets, rings.

Renderer-neutral: `layout()` returns shapes in millimetres (origin at the bottom left) that
the brochure draws as PDF paths (pdf/maps.py) and the fact sheet as an EMF picture
(docx/mapemf.py). `outlines` reads Natural Earth 1:50m (public domain) as derived by
scripts/derive_map_data.py; `projection` is Equal Earth; `_layout` (`layout()`) fits a view
to the countries (a world view when they spread over more than `world.span_degrees`), puts
overseas parts in insets and rings the countries too small to see.
"""

from __future__ import annotations

from typing import Any

from .outlines import index, level, levels, warm_up
from .projection import project

_LAYOUT = ("MapLayout", "MapSpec", "Marker", "Panel", "Shape", "alt_text", "layout")


def __getattr__(name: str) -> Any:
    """Import the layouts when first asked for: checking content needs only `index`."""
    if name not in _LAYOUT:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from . import _layout  # named apart: importing it never makes `layout` the module

    globals().update({key: getattr(_layout, key) for key in _LAYOUT})
    return globals()[name]


__all__ = [
    "MapLayout",
    "MapSpec",
    "Marker",
    "Panel",
    "Shape",
    "alt_text",
    "index",
    "layout",
    "level",
    "levels",
    "project",
    "warm_up",
]
