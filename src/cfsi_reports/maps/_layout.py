"""A map's layout: the view fitted to its countries, insets, rings, in millimetres."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .. import geo
from .. import typography as ty
from ..i18n import Locale
from ..theme import Maps
from .outlines import Level, Ring, body, cut, extent, index, level, levels
from .projection import BBox, Point, latitude, project, projected_box, yg


def _union(boxes: Sequence[BBox]) -> BBox:
    """Return the box around `boxes`, the short way round the globe.

    New Caledonia and French Polynesia lie 60° apart across the antimeridian, not 300° apart
    across Africa: the box then runs east past 180° (its east greater than 180).
    """
    south, north = min(b[1] for b in boxes), max(b[3] for b in boxes)
    spans = sorted((b[0], b[2]) for b in boxes)
    west, east = spans[0][0], max(e for _, e in spans)
    # The widest stretch of longitude no box covers: the box is the rest of the circle.
    best = (west + 360 - east, west, east)  # the stretch from the east end round to the west
    reach = spans[0][1]
    for w, e in spans[1:]:
        if w - reach > best[0]:
            best = (w - reach, w, reach + 360)
        reach = max(reach, e)
    _, west, east = best
    return (west, south, east, north)


def _compact(points: list[Point], box: BBox, margin: float = 1.0) -> tuple[Point, ...]:
    """Drop the points of a run outside one side of the box but its first and last.

    The run's edges all lie in that outer half-plane, and so does the edge that replaces
    them: what shows inside the (clipped) box is unchanged, the file is smaller.
    """
    x0, y0, x1, y1 = box[0] - margin, box[1] - margin, box[2] + margin, box[3] + margin
    codes = [(x < x0) | (x > x1) << 1 | (y < y0) << 2 | (y > y1) << 3 for x, y in points]
    out: list[Point] = []
    i, n = 0, len(points)
    while i < n:
        out.append(points[i])
        j, common = i, codes[i]
        while common and j + 1 < n and common & codes[j + 1]:
            common &= codes[j + 1]
            j += 1
        if j > i:
            out.append(points[j])
        i = j + 1
    return tuple(out)


# -- the theme's settings ------------------------------------------------------------------------


@dataclass(frozen=True)
class MapSpec:
    """The theme's `maps:` settings as the layout reads them (distances in mm)."""

    enabled: bool
    world_meridian: float
    world_span: float
    world_south: float
    world_north: float
    margin: float
    min_span: float
    min_size: float
    marker_radius: float
    inset_height: float
    inset_max_width: float
    inset_gap: float
    inset_corner: str
    inset_span: float
    max_error: float
    min_ring: float
    min_context: float
    context_error: float

    @classmethod
    def from_theme(cls, raw: Maps) -> MapSpec:
        inset = raw.inset
        return cls(
            enabled=raw.enabled,
            world_meridian=raw.projection.world_meridian_degrees,
            world_span=raw.world.span_degrees,
            world_south=raw.world.south_degrees,
            world_north=raw.world.north_degrees,
            margin=raw.margin_fraction,
            min_span=raw.min_span_degrees,
            min_size=raw.min_size_mm,
            marker_radius=raw.marker.radius_mm,
            inset_height=inset.height_mm,
            inset_max_width=inset.max_width_mm,
            inset_gap=inset.gap_mm,
            inset_corner=inset.corner,
            inset_span=inset.span_degrees,
            max_error=raw.max_error_mm,
            min_ring=raw.min_ring_mm,
            min_context=raw.min_context_mm,
            context_error=raw.context_error_mm,
        )


# -- the layout ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """A country's outlines on the map (mm), filled as one even-odd path."""

    code: str
    rings: tuple[tuple[Point, ...], ...]
    highlight: bool


@dataclass(frozen=True)
class Marker:
    """A ring around a highlighted country too small to see at the map's scale."""

    code: str
    x: float
    y: float
    radius: float


@dataclass(frozen=True)
class Panel:
    """A framed map: the main map, or an inset (a territory too far or too small)."""

    x: float
    y: float
    width: float
    height: float
    shapes: tuple[Shape, ...]
    markers: tuple[Marker, ...]
    label: str | None = None


@dataclass(frozen=True)
class MapLayout:
    """A map ready to draw: the main panel and its insets, in mm; what it shows."""

    width: float
    height: float
    main: Panel
    insets: tuple[Panel, ...]
    codes: tuple[str, ...]  # highlighted, in the order given
    world: bool
    corner: str  # where the insets are: the theme's corner, or its mirror over the sea


class _View:
    """A window on the projected plane and its mapping onto a box of mm."""

    def __init__(self, window: BBox, lon0: float, box: BBox) -> None:
        self.window, self.lon0 = window, lon0
        x0, y0, x1, y1 = window
        bx0, _, bx1, _ = box
        self.scale = (bx1 - bx0) / (x1 - x0)
        self.box = box
        # A conservative longitude/latitude window, to skip outlines that cannot show.
        south, north = latitude(max(y0, -1.3)), latitude(min(y1, 1.3))
        widest = max(abs(project(180, lat, 0)[0]) / 180 for lat in (south, north))
        half = max(abs(x0), abs(x1)) / widest
        self.lonlat = (lon0 - half, south, lon0 + half, north)

    def shift(self, bbox: BBox) -> float:
        """Return the turn (-360, 0, 360) that brings an outline nearest the central meridian."""
        centre = (bbox[0] + bbox[2]) / 2 - self.lon0
        return -360.0 if centre > 180 else 360.0 if centre < -180 else 0.0

    def sees(self, bbox: BBox) -> bool:
        w, s, e, n = self.lonlat
        turn = self.shift(bbox)
        return not (bbox[2] + turn < w or bbox[0] + turn > e or bbox[3] < s or bbox[1] > n)

    def shows(self, bbox: BBox) -> bool:
        """Tell, more closely than `sees`, whether a box may show: its projected extent.

        x is the longitude times a factor largest at the latitude nearest the equator, so
        the four products of the box's longitudes and its extreme factors bound it.
        """
        if not self.sees(bbox):
            return False
        turn = self.shift(bbox)
        (y_s, g_s), (y_n, g_n) = yg(bbox[1]), yg(bbox[3])
        g_in = yg(0.0)[1] if bbox[1] < 0 < bbox[3] else max(g_s, g_n)
        g_out = min(g_s, g_n)
        west, east = bbox[0] + turn - self.lon0, bbox[2] + turn - self.lon0
        xs = (west * g_in, west * g_out, east * g_in, east * g_out)
        x0, y0, x1, y1 = self.window
        return not (max(xs) < x0 or min(xs) > x1 or y_n < y0 or y_s > y1)

    def ring(self, ring: Ring, tolerance: float) -> tuple[Point, ...]:
        """Return a ring in mm, without points closer than `tolerance` to the one kept before."""
        x0, y0, _, _ = self.window
        bx, by = self.box[0], self.box[1]
        k = self.scale
        turn = self.shift(ring.bbox)
        w, _, e, _ = self.lonlat
        # Beyond the antimeridian an outline runs on past the world's edge: cut it there when
        # the view reaches that edge (a world view); a regional view's frame clips it anyway.
        if (ring.bbox[0] + turn < self.lon0 - 180 and w < self.lon0 - 180) or (
            ring.bbox[2] + turn > self.lon0 + 180 and e > self.lon0 + 180
        ):
            ring = cut(ring, self.lon0 - 180 - turn, self.lon0 + 180 - turn)
            if len(ring.lons) < 3:
                return ()
        lon0 = self.lon0 - turn
        lons, gs, ys = ring.lons, ring.gs, ring.ys
        lx, ly = bx + ((lons[0] - lon0) * gs[0] - x0) * k, by + (ys[0] - y0) * k
        kept = [(lx, ly)]
        t2 = tolerance * tolerance
        for lon, g, y in zip(lons[1:-1], gs[1:-1], ys[1:-1], strict=True):
            x = bx + ((lon - lon0) * g - x0) * k
            y = by + (y - y0) * k
            if (x - lx) * (x - lx) + (y - ly) * (y - ly) >= t2:
                kept.append((x, y))
                lx, ly = x, y
        kept.append((bx + ((lons[-1] - lon0) * gs[-1] - x0) * k, by + (ys[-1] - y0) * k))
        bx0, by0, bx1, by1 = self.box
        xs, ys = [x for x, _ in kept], [y for _, y in kept]
        if min(xs) >= bx0 and max(xs) <= bx1 and min(ys) >= by0 and max(ys) <= by1:
            return tuple(kept)  # wholly inside the frame (with every point dropped between)
        return _compact(kept, self.box)

    def point(self, lon: float, lat: float) -> Point:
        x, y = project(lon + self.shift((lon, lat, lon, lat)), lat, self.lon0)
        return (
            self.box[0] + (x - self.window[0]) * self.scale,
            self.box[1] + (y - self.window[1]) * self.scale,
        )

    def inside(self, p: Point) -> bool:
        bx0, by0, bx1, by1 = self.box
        return bx0 <= p[0] <= bx1 and by0 <= p[1] <= by1

    def within(self, p: Point, radius: float) -> Point:
        """Move a ring's centre just enough for the whole ring to show (a place at the edge)."""
        bx0, by0, bx1, by1 = self.box
        return (
            min(max(p[0], bx0 + radius), bx1 - radius),
            min(max(p[1], by0 + radius), by1 - radius),
        )


def _fit(window: BBox, width: float, height: float) -> BBox:
    """Grow a window about its centre to the aspect of a width x height box."""
    x0, y0, x1, y1 = window
    w, h = x1 - x0, y1 - y0
    if w / h < width / height:
        grow = (h * width / height - w) / 2
        return (x0 - grow, y0, x1 + grow, y1)
    grow = (w * height / width - h) / 2
    return (x0, y0 - grow, x1, y1 + grow)


def _shift(window: BBox, north: float) -> BBox:
    """Move a window grown taller than its countries asked down from beyond `north`.

    Never up: the countries keep their place above the insets' band at the bottom.
    """
    x0, y0, x1, y1 = window
    top = project(0, north)[1]
    if y1 <= top:
        return window
    return (x0, y0 - (y1 - top), x1, top)


def _pad(window: BBox, part: float) -> BBox:
    x0, y0, x1, y1 = window
    dx, dy = (x1 - x0) * part, (y1 - y0) * part
    return (x0 - dx, y0 - dy, x1 + dx, y1 + dy)


def _near(x: float, y: float, radius: float, markers: Sequence[Marker]) -> bool:
    """Tell whether a ring at (x, y) would add nothing: another ring is there already.

    Small neighbours (Central America at a world scale) share one ring: rings that
    overlap would only clutter.
    """
    return any((m.x - x) ** 2 + (m.y - y) ** 2 < (3 * radius) ** 2 for m in markers)


def _covers(panel: Panel, m: Marker) -> bool:
    return (
        panel.x - m.radius <= m.x <= panel.x + panel.width + m.radius
        and panel.y - m.radius <= m.y <= panel.y + panel.height + m.radius
    )


def _size(ring: tuple[Point, ...]) -> float:
    xs, ys = [x for x, _ in ring], [y for _, y in ring]
    return max(max(xs) - min(xs), max(ys) - min(ys))


def _pick(view: _View, max_error: float) -> list[Level]:
    """Return the levels to draw from: the coarsest precise enough first, then finer ones."""
    mm_per_degree = view.scale * project(1, 0)[0]
    found = [level(p) for p in levels()]
    fit = [lv for lv in found if lv.tolerance * mm_per_degree <= max_error] or found[:1]
    chosen = fit[-1]
    return [chosen, *reversed([lv for lv in found if lv.tolerance < chosen.tolerance])]


def _panel(view: _View, highlight: set[str], spec: MapSpec, label: str | None = None) -> Panel:
    orders = {True: _pick(view, spec.max_error), False: _pick(view, spec.context_error)}
    least = spec.min_ring / (view.scale * project(1, 0)[0])  # degrees: a box's side in mm
    shapes, markers = [], []
    extents = index().extents
    for code in index().points:
        if not view.shows(extents[code]):  # type: ignore[arg-type]
            continue  # nothing of it in the view: its outlines are not even looked at
        lit = code in highlight
        # A country too small for the chosen level comes from a finer one.
        source = next((lv for lv in orders[lit] if code in lv), None)
        if source is None:
            continue
        # Antarctica and the southern ocean's islands stay off a map about elsewhere.
        # An islet of a country around, too small to show, is not even decoded.
        seen = [
            i
            for i, b in enumerate(source.boxes(code))
            if view.sees(b)
            and (lit or (b[3] >= spec.world_south and max(b[2] - b[0], b[3] - b[1]) >= least))
        ]
        if not seen:
            continue
        # The countries around are context: drawn coarser, their islets left out.
        error = spec.max_error if lit else spec.context_error
        rings = tuple(
            r
            for r in (view.ring(source.ring(code, i), error) for i in seen)
            if r and (lit or _size(r) >= spec.min_ring)
        )
        if not rings:
            continue
        shapes.append(Shape(code, rings, lit))
    for code in sorted(highlight):
        shape = next((s for s in shapes if s.code == code), None)
        # Its largest outline: an archipelago of specks (French Polynesia) is still specks.
        size = max(map(_size, shape.rings)) if shape is not None else 0.0
        if size < spec.min_size and code in index().points:
            x, y = view.point(*index().points[code])
            if view.inside((x, y)):
                x, y = view.within((x, y), spec.marker_radius)
                if not _near(x, y, spec.marker_radius, markers):
                    markers.append(Marker(code, x, y, spec.marker_radius))
    # Highlighted countries last, so their borders sit above their neighbours'.
    shapes.sort(key=lambda s: s.highlight)
    x0, y0, x1, y1 = view.box
    return Panel(x0, y0, x1 - x0, y1 - y0, tuple(shapes), tuple(markers), label)


def layout(
    codes: Sequence[str],
    width: float,
    max_height: float,
    min_height: float,
    spec: MapSpec,
    name: Callable[[str], str] = str,
    measure: Callable[[str], float] = lambda label: 0.0,
    *,
    reserve: float = 0.0,
    world: bool | None = None,
) -> MapLayout:
    """Lay out a map of `width` mm highlighting `codes`, fitted to them (or the world).

    `measure` gives the width in mm an inset's label needs: the inset widens to it (up to
    the theme's maximum) so that the label keeps its size; `reserve` mm stay free at the end
    of the insets' row (for a legend). `world` forces a world view or a
    regional one; by default the countries' spread decides, and a regional view with no land
    around to find them by (islands in an ocean: no outline of `min_context` mm) becomes a
    world view.
    """
    known = [c for c in dict.fromkeys(codes) if c in index().points]
    # Overseas parts go to insets when the view is about something else.
    parts = [c for c in known if geo.sovereign(c) != c]
    main = [c for c in known if geo.sovereign(c) == c] or parts
    if main is parts:
        parts = []
    # The insets west to east, as the world lies (the Antilles together, then the Indian
    # Ocean, then the Pacific), whatever order the codes come in.
    points = index().points
    parts.sort(key=lambda c: (points[c][0] - spec.world_meridian + 180) % 360)
    ih = spec.inset_height
    widths: list[float] = []  # the insets that fit, left to right from their corner
    for code in parts:
        iw = min(spec.inset_max_width, max(ih, measure(name(code))))
        if spec.inset_gap * (len(widths) + 2) + sum(widths) + iw > width - reserve:
            break  # no room left: the main map shows it, ringed
        widths.append(iw)
    # The parts left without an inset are in the view, so that their rings can point at them.
    shown = main + parts[len(widths) :]
    boxes = [body(c) for c in shown] or [(-180.0, spec.world_south, 180.0, spec.world_north)]
    w, s, e, n = _union(boxes)
    meridian = spec.world_meridian
    if world is None:
        world = e - w > spec.world_span
        if not world:
            regional = layout(
                codes,
                width,
                max_height,
                min_height,
                spec,
                name,
                measure,
                reserve=reserve,
                world=False,
            )
            around = [
                r for shape in regional.main.shapes if not shape.highlight for r in shape.rings
            ]
            if around and max(map(_size, around)) >= spec.min_context:
                return regional
            # No land around to find them by: the world shows where they are, around them
            # (New Caledonia and French Polynesia in the middle, not at its two edges).
            world = True
            meridian = ((w + e) / 2 + 180) % 360 - 180
    if world:
        lon0 = meridian
        window = projected_box((lon0 - 180, spec.world_south, lon0 + 180, spec.world_north), lon0)
    else:
        lon0 = (w + e) / 2
        grow_x = max(0.0, spec.min_span - (e - w)) / 2
        grow_y = max(0.0, spec.min_span * 0.6 - (n - s)) / 2
        area = (w - grow_x, max(s - grow_y, -85.0), e + grow_x, min(n + grow_y, 85.0))
        window = _pad(projected_box(area, lon0), spec.margin)
    highlight = set(known)

    def framed(band: float) -> tuple[float, _View, Panel]:
        x0, y0, x1, y1 = window
        height = width * (y1 - y0) / (x1 - x0) + band
        height = min(max_height, max(min_height, band * 2.5, height))
        area = window
        if band:
            # Room at the bottom for the insets, below the countries the view is about.
            area = (x0, y0 - (y1 - y0) * band / (height - band), x1, y1)
        # A world in a taller box grows north, to the pole (the Arctic's land), before south.
        north = 90.0 if world else spec.world_north
        view = _View(_shift(_fit(area, width, height), north), lon0, (0.0, 0.0, width, height))
        return height, view, _panel(view, highlight, spec)

    band = spec.inset_height + 2 * spec.inset_gap
    height, view, panel = framed(band if parts and not world else 0.0)
    across = sum(widths) + spec.inset_gap * (len(widths) - 1)
    corner = _corner(panel, spec, across)
    if world and widths and any(_under(panel, spec, corner, across)):
        # No corner of open sea for the insets (Chile under the Antilles' row on the left,
        # Australia on the right): the world view makes room for them below the land.
        height, view, panel = framed(band)
        corner = _corner(panel, spec, across)
    insets = []
    markers = list(panel.markers)
    # Left to right (west to east), whichever the corner: the sheet and the brochure agree.
    x = spec.inset_gap if corner.endswith("left") else width - spec.inset_gap - across
    for code, iw in zip(parts, widths, strict=False):
        cw, cs, ce, cn = extent(code)
        span = max(max(ce - cw, cn - cs) * (1 + 2 * spec.margin), spec.inset_span)
        bw, bs, be, bn = body(code)
        if max(be - bw, bn - bs) / span * min(iw, ih) < spec.min_size:
            # Islands spread over an ocean (French Polynesia): the whole would be a ring in
            # its frame; the inset shows the largest island instead (Tahiti).
            cw, cs, ce, cn = bw, bs, be, bn
            span = max(max(ce - cw, cn - cs) * (1 + 2 * spec.margin), spec.inset_span)
        cx, cy = (cw + ce) / 2, (cs + cn) / 2
        inner = _fit(
            projected_box((cx - span / 2, cy - span / 2, cx + span / 2, cy + span / 2), cx), iw, ih
        )
        bottom = spec.inset_gap if corner.startswith("bottom") else height - spec.inset_gap - ih
        sub = _View(inner, cx, (x, bottom, x + iw, bottom + ih))
        insets.append(_panel(sub, {code}, spec, name(code)))
        x += iw + spec.inset_gap
        # The main map rings the territory's place when it shows there.
        px, py = view.point(*index().points[code])
        if view.inside((px, py)):
            px, py = view.within((px, py), spec.marker_radius)
            if not _near(px, py, spec.marker_radius, markers):
                markers.append(Marker(code, px, py, spec.marker_radius))
    # A ring under an inset would only be cut by its frame: the inset shows that place.
    markers = [m for m in markers if not any(_covers(i, m) for i in insets)]
    panel = Panel(panel.x, panel.y, panel.width, panel.height, panel.shapes, tuple(markers))
    return MapLayout(width, height, panel, tuple(insets), tuple(known), world, corner)


def _corner(panel: Panel, spec: MapSpec, across: float) -> str:
    """Return the theme's corner for the insets, or its mirror when they hide less there.

    La Réunion and Mayotte beside Madagascar: bottom left would cover Mozambique, bottom
    right is open sea. A country the map is about counts before any other land.
    """
    preferred = spec.inset_corner
    side = "right" if preferred.endswith("left") else "left"
    mirror = preferred.rsplit("-", 1)[0] + "-" + side
    if across <= 0:
        return preferred
    better = _under(panel, spec, mirror, across) < _under(panel, spec, preferred, across)
    return mirror if better else preferred


def _under(panel: Panel, spec: MapSpec, corner: str, across: float) -> tuple[int, int]:
    """Return how many outline points of highlighted countries, then of the others, lie
    under a row of insets `across` mm wide in `corner`."""
    g, h = spec.inset_gap, spec.inset_height
    x0 = g if corner.endswith("left") else panel.width - g - across
    y0 = g if corner.startswith("bottom") else panel.height - g - h
    count = [0, 0]
    for shape in panel.shapes:
        for ring in shape.rings:
            count[not shape.highlight] += sum(
                x0 <= x <= x0 + across and y0 <= y <= y0 + h for x, y in ring
            )
    return count[0], count[1]


def alt_text(codes: Sequence[str], locale: Locale) -> str:
    """Return « Carte : Guatemala, …, Pérou et France (Guadeloupe, Martinique) » from the codes.

    Overseas parts follow their country in brackets, in the order first given.
    """
    name = lambda code: ty.country_name(code, locale)  # noqa: E731
    join = locale.format("list_join")
    items = [
        locale.format("map_part", country=name(country), parts=join.join(map(name, parts)))
        if parts
        else name(country)
        for country, parts in geo.grouped(codes)
    ]
    listed = (
        join.join(items[:-1]) + locale.format("list_last") + items[-1]
        if len(items) > 1
        else "".join(items)
    )
    return locale.format("map_alt", countries=listed)
