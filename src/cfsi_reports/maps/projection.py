"""Equal Earth (Šavrič, Patterson and Jenny, 2018): equal-area, for world and regional maps.

Mali and France keep their true relative sizes, which a map of a programme spanning
continents should not distort; unlike the older equal-area world projections, the shapes
of countries stay recognisable at the latitudes where the programme works. Its y depends on
the latitude alone and its x is the longitude times a factor of the latitude: `factors`
computes both once per point, and every view, whatever its central meridian, projects
with one subtraction and one product.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import cache

Point = tuple[float, float]
BBox = tuple[float, float, float, float]  # west, south, east, north (or x0, y0, x1, y1)

A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2
RAD = math.pi / 180


def project(lon: float, lat: float, lon0: float = 0.0) -> Point:
    """Equal Earth, on the unit sphere; degrees in, unitless plane out."""
    t = math.asin(M * math.sin(lat * RAD))
    t2 = t * t
    t6 = t2 * t2 * t2
    y = t * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    x = (lon - lon0) * RAD * math.cos(t) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    return x, y


# y and the factor of x by latitude (outlines are in hundredths of a degree: they repeat).
_Y: dict[float, float] = {}
_G: dict[float, float] = {}


def factors(lats: Iterable[float]) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Return y and the factor of x (per degree of longitude) for each latitude.

    Latitudes repeat (hundredths of a degree, shared borders): each is computed once.
    """
    lats = tuple(lats)
    for lat in set(lats).difference(_Y):  # the latitudes not seen yet in this process
        t = math.asin(M * math.sin(lat * RAD))
        t2 = t * t
        t6 = t2 * t2 * t2
        _Y[lat] = t * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
        _G[lat] = RAD * math.cos(t) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    return tuple(map(_Y.__getitem__, lats)), tuple(map(_G.__getitem__, lats))


@cache
def yg(lat: float) -> tuple[float, float]:
    """Return y and the factor of x at one latitude."""
    (y,), (g,) = factors((lat,))
    return y, g


def latitude(y: float) -> float:
    """Return the latitude (degrees) of a projected y (Newton on the polynomial)."""
    t = y / A1
    for _ in range(12):
        t2 = t * t
        t6 = t2 * t2 * t2
        f = t * (A1 + A2 * t2 + t6 * (A3 + A4 * t2)) - y
        t -= f / (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2))
    return math.asin(max(-1.0, min(1.0, math.sin(t) / M))) / RAD


def projected_box(bbox: BBox, lon0: float) -> BBox:
    """Return the projected box of a longitude/latitude box (its edges sampled)."""
    w, s, e, n = bbox
    pts = [project(w + (e - w) * i / 8, lat, lon0) for i in range(9) for lat in (s, n, (s + n) / 2)]
    pts += [project(lon, s + (n - s) * i / 8, lon0) for i in range(9) for lon in (w, e)]
    return (
        min(p[0] for p in pts),
        min(p[1] for p in pts),
        max(p[0] for p in pts),
        max(p[1] for p in pts),
    )
