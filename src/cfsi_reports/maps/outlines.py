"""The country outlines: Natural Earth 1:50m, derived by scripts/derive_map_data.py.

data/countries-50m/ holds four levels of simplification (0.03°, 0.1°, 0.3°, 1°) as JSON, in
hundredths of a degree of longitude and latitude, a ring as one string of numbers; each file
also carries the index of label points and boxes. A level is read once per process, a ring
decoded when first seen (a map draws a few hundred of a level's thousands).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from pathlib import Path

from .projection import BBox, Point, factors

DATA = Path(__file__).resolve().parents[1] / "data" / "countries-50m"


@dataclass(frozen=True)
class Ring:
    """One closed outline, in degrees, with its bounding box, ready to project.

    Equal Earth's y depends on the latitude alone and its x is the longitude (from the
    central meridian) times a factor of the latitude: both are computed once per point, so
    every view, whatever its meridian, projects with one subtraction and one product.
    """

    lons: tuple[float, ...]
    lats: tuple[float, ...]
    bbox: BBox
    ys: tuple[float, ...] = ()
    gs: tuple[float, ...] = ()

    @classmethod
    def of(cls, lons: tuple[float, ...], lats: tuple[float, ...], bbox: BBox) -> Ring:
        return cls(lons, lats, bbox, *factors(lats))


class Level:
    """The outlines at one tolerance of simplification; rings decoded when first seen."""

    def __init__(self, path: Path) -> None:
        raw = json.loads(path.read_text(encoding="utf-8"))
        self.tolerance = float(raw["tolerance"])
        self.scale = scale = float(raw["scale"])
        index = {c: [v / scale for v in row] for c, row in raw["index"].items()}
        self.points = {c: (row[0], row[1]) for c, row in index.items()}
        self.bodies = {c: tuple(row[2:6]) for c, row in index.items()}
        self.extents = {c: tuple(row[6:10]) for c, row in index.items()}
        self._raw: dict[str, list[str]] = raw["countries"]  # a ring: "w,s,e,n,x,y,dx,dy,..."
        self._boxes: dict[str, list[BBox]] = {}
        self._rings: dict[tuple[str, int], Ring] = {}

    def __contains__(self, code: str) -> bool:
        return code in self._raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def boxes(self, code: str) -> list[BBox]:
        """Return the boxes of a country's rings (decoded when first asked: most never are)."""
        found = self._boxes.get(code)
        if found is None:
            k = 1 / self.scale
            found = self._boxes[code] = [
                tuple(int(v) * k for v in ring.split(",", 4)[:4])  # type: ignore[misc]
                for ring in self._raw[code]
            ]
        return found

    def ring(self, code: str, index: int) -> Ring:
        key = (code, index)
        found = self._rings.get(key)
        if found is None:
            flat, k = list(map(int, self._raw[code][index].split(","))), 1 / self.scale
            lons = tuple(map(k.__rmul__, accumulate(flat[4::2])))
            lats = tuple(map(k.__rmul__, accumulate(flat[5::2])))
            found = self._rings[key] = Ring.of(lons, lats, self.boxes(code)[index])
        return found


@cache
def levels(folder: Path = DATA) -> tuple[Path, ...]:
    """Return the level files, finest first."""
    return tuple(sorted(folder.glob("level-*.json"), key=lambda p: float(p.stem[6:])))


@cache
def level(path: Path) -> Level:
    """Load one level once per process."""
    return Level(path)


def index() -> Level:
    """Return the coarsest level: its index of points and boxes is every level's."""
    return level(levels()[-1])


def warm_up() -> None:
    """Read the outlines most maps need (a worker does it while the content is validated)."""
    coarse = index()
    for code in coarse:
        for i in range(len(coarse.boxes(code))):
            coarse.ring(code, i)
    for path in levels()[1:-1]:
        level(path)


def body(code: str) -> BBox:
    """Return the box of a country's largest outline (France without Corsica, say)."""
    return index().bodies[code]  # type: ignore[return-value]


def extent(code: str) -> BBox:
    return index().extents[code]  # type: ignore[return-value]


def cut(ring: Ring, west: float, east: float) -> Ring:
    """Return the part of a ring between two meridians (Sutherland-Hodgman, twice)."""
    points = list(zip(ring.lons, ring.lats, strict=True))
    for edge, keep in ((west, lambda x: x >= west), (east, lambda x: x <= east)):
        out: list[Point] = []
        for (xa, ya), (xb, yb) in zip(points, points[1:] + points[:1], strict=True):
            if keep(xb):
                if not keep(xa):
                    out.append((edge, ya + (yb - ya) * (edge - xa) / (xb - xa)))
                out.append((xb, yb))
            elif keep(xa):
                out.append((edge, ya + (yb - ya) * (edge - xa) / (xb - xa)))
        points = out
        if not points:
            break
    lons = tuple(x for x, _ in points)
    lats = tuple(y for _, y in points)
    box = (min(lons), min(lats), max(lons), max(lats)) if points else ring.bbox
    return Ring.of(lons, lats, box)
