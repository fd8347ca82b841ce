"""Derive src/cfsi_reports/data/countries-50m/ from Natural Earth 1:50m (npm world-atlas).

Source: Natural Earth 1:50m Admin 0 countries (public domain), as the TopoJSON file
`countries-50m.json` of the npm package `world-atlas` 2.0.2 (ISC licence, Mike Bostock).
Run from the repository root; it downloads the package with `npm pack` unless given a
package file or the JSON file itself:

    python scripts/derive_map_data.py                 # npm pack world-atlas@2.0.2
    python scripts/derive_map_data.py world-atlas-2.0.2.tgz

What it does, in this order:
1. decodes the TopoJSON arcs (delta-encoded, quantised) to longitude/latitude;
2. simplifies every arc once with Douglas-Peucker (shared borders stay shared: no slivers);
3. names every feature by its ISO 3166-1 alpha-2 code, from the numeric id through CLDR's
   aliases (Babel); the few features Natural Earth draws apart from ISO (Somaliland,
   Northern Cyprus) join their ISO country; unassignable pieces stay neutral land;
4. splits the parts ISO codes apart that Natural Earth keeps inside one country (France's
   overseas departments GF, GP, MQ, RE, YT), by the box each lies in;
5. draws Western Sahara whole (see `western_sahara`): Natural Earth's de facto Morocco runs
   down to the Moroccan berm, 21.4° N; the UN, and France's official maps, draw Western
   Sahara apart from Morocco at 27° 40' N;
6. writes, for each level of simplification, every country's rings as integers in
   hundredths of a degree (its box west, south, east, north, then the first point and the
   deltas to the next), each ring one comma-separated string so that reading a level
   decodes none of them, with an index of label points and boxes, all in
   longitude/latitude: the projection is the tool's (cfsi_reports.maps), so one file
   serves every projection and view.
"""

from __future__ import annotations

import io
import itertools
import json
import math
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from babel.core import get_global

PACKAGE = "world-atlas@2.0.2"
MEMBER = "package/countries-50m.json"
OUT = Path(__file__).resolve().parents[1] / "src/cfsi_reports/data/countries-50m"
# Douglas-Peucker tolerances in degrees, one level each: the map takes the coarsest level
# whose error stays within the theme's allowance on paper at its scale (fine for insets of
# islands, coarse for world views: fewer points to project, a faster build). 1° serves the
# countries around on a world view (about 0.4 mm there, under their 0.8 mm allowance).
LEVELS = (0.03, 0.1, 0.3, 1.0)
SCALE = 100  # stored units per degree

# Natural Earth draws these apart from their ISO country; ISO 3166 (and the UN) does not.
BY_NAME = {"Somaliland": "SO", "N. Cyprus": "CY", "Kosovo": "XK"}

# Parts with an ISO code of their own inside another feature: code -> (feature, box).
# Boxes are (west, south, east, north) in degrees, generous around each territory.
PARTS = {
    "GF": ("FR", (-55.5, 1.5, -51.0, 6.5)),  # Guyane
    "GP": ("FR", (-62.0, 15.7, -60.8, 16.6)),  # Guadeloupe
    "MQ": ("FR", (-61.4, 14.2, -60.6, 15.0)),  # Martinique
    "RE": ("FR", (55.0, -21.6, 56.0, -20.7)),  # La Réunion
    "YT": ("FR", (44.8, -13.2, 45.5, -12.5)),  # Mayotte
}


def load(argv: list[str]) -> dict:
    """Return the TopoJSON document, from an argument or from `npm pack`."""
    if argv and argv[0].endswith(".json"):
        return json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    if argv:
        tgz = Path(argv[0])
    else:
        folder = Path(tempfile.mkdtemp(prefix="world-atlas-"))
        subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=folder, check=True)
        tgz = next(folder.glob("world-atlas-*.tgz"))
    with tarfile.open(tgz) as tar:
        member = tar.extractfile(MEMBER)
        assert member is not None, f"{MEMBER} missing from {tgz}"
        return json.load(io.TextIOWrapper(member, encoding="utf-8"))


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def western_sahara(topo: dict, arcs: list[list[tuple[float, float]]]) -> None:
    """Move the border between Morocco and Western Sahara from the berm to 27° 40' N.

    In the source, Morocco (arcs 859, 860, 861) runs along the coast down to Lagouira and
    inland along the berm (860); « W. Sahara » is only the strip east of it (862, 863, 864,
    860 reversed). The coast arc (861) is cut where it crosses the latitude of the tripoint
    with Algeria (859's end, 27.66° N), and a straight border joins the two: Morocco becomes
    859, the border, the coast north of it; Western Sahara the strip, the coast south of it,
    the border back. The arcs stay shared, so the two outlines meet exactly at every level.
    """
    shapes = {g["properties"]["name"]: g for g in topo["objects"]["countries"]["geometries"]}
    morocco, sahara = shapes["Morocco"], shapes["W. Sahara"]
    (algeria, berm, coast), (*strip, back) = morocco["arcs"][0], sahara["arcs"][0]
    assert back == ~berm and len(morocco["arcs"]) == 1, "world-atlas changed: check this step"
    tripoint = arcs[algeria][-1]
    points = arcs[coast]
    i = next(k for k in range(1, len(points)) if points[k][1] >= tripoint[1])
    (x0, y0), (x1, y1) = points[i - 1], points[i]
    crossing = (x0 + (x1 - x0) * (tripoint[1] - y0) / (y1 - y0), tripoint[1])
    south, north, border = len(arcs), len(arcs) + 1, len(arcs) + 2
    arcs += [[*points[:i], crossing], [crossing, *points[i:]], [tripoint, crossing]]
    morocco["arcs"] = [[algeria, border, north]]
    sahara["arcs"] = [[*strip, south, ~border]]


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker, iterative; the end points stay."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy)
        far, index = 0.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if norm:
                d = abs(dy * (px - x1) - dx * (py - y1)) / norm
            else:
                d = math.hypot(px - x1, py - y1)
            if d > far:
                far, index = d, i
        if far > tolerance and index > 0:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points += arc[1:] if points else arc
    return points


def unwrap(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Make longitudes continuous across the antimeridian (Russia's Chukotka, Fiji).

    TopoJSON rings are spherical: one ring may step from 179.9 to -180. The tool shifts
    and cuts rings at its own map's edge, which needs them continuous.
    """
    out, shift = [points[0]], 0.0
    for (x0, _), (x, y) in itertools.pairwise(points):
        if x - x0 > 180:
            shift -= 360
        elif x0 - x > 180:
            shift += 360
        out.append((x + shift, y))
    return out


def area(points: list[tuple[float, float]]) -> float:
    return (
        abs(
            sum(
                x1 * y2 - x2 * y1
                for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True)
            )
        )
        / 2
    )


def level(
    topo: dict, raw: list[list[tuple[float, float]]], tolerance: float
) -> dict[str, list[list[tuple[int, int]]]]:
    """Return the quantised rings of every country at one tolerance."""
    arcs = [simplify(a, tolerance) for a in raw]
    aliases = get_global("territory_aliases")
    rings: dict[str, list[list[tuple[float, float]]]] = {}
    for geometry in topo["objects"]["countries"]["geometries"]:
        name = geometry["properties"]["name"]
        codes = aliases.get(geometry.get("id") or "", [])
        code = codes[0] if len(codes) == 1 else BY_NAME.get(name, "")
        polygons = {"Polygon": [geometry.get("arcs", [])], "MultiPolygon": geometry.get("arcs", [])}
        for polygon in polygons.get(geometry["type"], []):
            for indexes in polygon:
                points = unwrap(ring(indexes, arcs))
                key = code
                for part, (parent, (w, s, e, n)) in PARTS.items():
                    if parent == code and all(w <= x <= e and s <= y <= n for x, y in points):
                        key = part
                rings.setdefault(key or "-", []).append(points)
    out = {}
    for code, found in sorted(rings.items()):
        quantised = []
        for points in found:
            q = [(round(x * SCALE), round(y * SCALE)) for x, y in points]
            q = [p for i, p in enumerate(q) if i == 0 or p != q[i - 1]]
            if len(q) >= 4:  # a closed ring of at least a triangle
                quantised.append(q)
        if quantised:
            out[code] = quantised
    return out


def encode(points: list[tuple[int, int]]) -> list[int]:
    xs, ys = [x for x, _ in points], [y for _, y in points]
    flat, px, py = [min(xs), min(ys), max(xs), max(ys)], 0, 0
    for x, y in points:
        flat += [x - px, y - py]
        px, py = x, y
    return flat


def main(argv: list[str]) -> None:
    topo = load(argv)
    arcs = decode_arcs(topo)
    western_sahara(topo, arcs)
    levels = {tolerance: level(topo, arcs, tolerance) for tolerance in LEVELS}
    # From the unsimplified outlines, so that every country has them, Monaco too: the label
    # point, the box of the largest outline (the view fits it), the box of all outlines.
    index = {}
    for code, rings in level(topo, arcs, 0.0).items():
        body = encode(max(rings, key=area))[:4]
        whole = [v for r in rings for v in encode(r)[:4]]
        box = [min(whole[0::4]), min(whole[1::4]), max(whole[2::4]), max(whole[3::4])]
        index[code] = [(body[0] + body[2]) // 2, (body[1] + body[3]) // 2, *body, *box]
    OUT.mkdir(parents=True, exist_ok=True)
    for tolerance, found in levels.items():
        data = {
            "source": "Natural Earth 1:50m Admin 0 countries (public domain), from npm "
            f"{PACKAGE} countries-50m.json (ISC); derived by scripts/derive_map_data.py",
            "scale": SCALE,
            "tolerance": tolerance,
            "parts": {code: parent for code, (parent, _) in PARTS.items()},
            "index": index,  # code: point x, y, largest outline's box, whole box
            # A ring as one string of numbers: a map decodes only the few rings it draws.
            "countries": {c: [",".join(map(str, encode(q))) for q in r] for c, r in found.items()},
        }
        out = OUT / f"level-{tolerance}.json"
        out.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"{out}: {len(found)} countries, {out.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main(sys.argv[1:])
