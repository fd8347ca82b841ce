"""Maps from the data (issue 16): the overview map and a locator map per action, read back.

A content set with overseas departments (Guadeloupe, Martinique, La Réunion, Mayotte),
a very small country (Monaco), a programme spanning the world (Nouvelle-Calédonie,
Haïti, Viêt Nam) and an action without countries is rendered for print and for screen;
the structure tree, the page text and the content streams are read back.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import struct
import subprocess
from pathlib import Path
from typing import Any

import docx
import pikepdf
import pytest
import yaml
from PIL import Image

from cfsi_reports import maps
from cfsi_reports import typography as ty
from cfsi_reports.checks import warnings
from cfsi_reports.content import Content, load_content
from cfsi_reports.docx import FactSheetRenderer
from cfsi_reports.pdf import render_brochure
from cfsi_reports.present import Presenter
from cfsi_reports.theme import Theme, load_theme
from conftest import require_tool, run_tool, squash
from helpers import content as made

ACTIONS = [
    ("Antilles", ["FR", "GP", "MQ", "HT"]),
    ("Monaco", ["MC"]),
    ("Océan Indien", ["RE", "YT"]),
    ("Sans pays", None),
    ("Partout", ["NC", "VN", "SN"]),
]


PROGRAMME = {"title": "Outre-mer et petits pays", "intro": "Texte."}


def _action(title: str, countries: list[str] | None) -> dict[str, Any]:
    return made.action(f"Action {title}", **({"countries": countries} if countries else {}))


@pytest.fixture(scope="module")
def outremer(tmp_path_factory: Any) -> Content:
    root = tmp_path_factory.mktemp("outremer") / "content"
    return load_content(made.write_content(root, [_action(t, c) for t, c in ACTIONS], PROGRAMME))


@dataclasses.dataclass
class Figure:
    alt: str
    sect: str | None  # title of the action's Sect, None on the overview


def _figures(pdf: pikepdf.Pdf) -> list[Figure]:
    """Return every Figure of the structure tree with the title of the Sect it is in."""
    found: list[Figure] = []

    def walk(node: Any, sect: str | None) -> None:
        if isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid, sect)
            return
        if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
            return
        role = str(node.S)
        if role == "/Sect" and "/T" in node:
            sect = str(node.T)
        if role == "/Figure":
            found.append(Figure(str(node.get("/Alt", "")), sect))
        if "/K" in node:
            walk(node.K, sect)

    walk(pdf.Root.StructTreeRoot.K, None)
    return found


def _maps(pdf: pikepdf.Pdf) -> list[Figure]:
    return [f for f in _figures(pdf) if f.alt.startswith("Carte")]


@pytest.fixture(scope="module")
def rendered(outremer: Content, theme: Theme, tmp_path_factory: Any) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("maps-pdf")
    out = {}
    for name, screen in (("print", False), ("screen", True)):
        data, _ = render_brochure(outremer, theme, screen=screen)
        out[name] = folder / f"{name}.pdf"
        out[name].write_bytes(data)
    return out


@pytest.fixture(scope="module")
def seed_pdf(seed_content: Content, theme: Theme, tmp_path_factory: Any) -> Path:
    path = tmp_path_factory.mktemp("maps-seed") / "seed.pdf"
    path.write_bytes(render_brochure(seed_content, theme)[0])
    return path


def _name(code: str, theme: Theme) -> str:
    return ty.country_name(code, theme.locale("fr"))


def test_overview_map_names_every_country_of_the_seed(
    seed_pdf: Path, seed_content: Content, theme: Theme
) -> None:
    with pikepdf.open(seed_pdf) as pdf:
        figures = _maps(pdf)
    overview = [f for f in figures if f.sect == "Le programme en chiffres"]
    assert len(overview) == 1
    for code in seed_content.totals.countries:
        assert _name(code, theme) in overview[0].alt, code
    # The banana action's map: its countries, France with its overseas departments.
    banana = [f for f in figures if f.sect and "banane" in f.sect]
    assert len(banana) == 1
    assert banana[0].alt.startswith("Carte : Guatemala, Honduras, Nicaragua")
    assert banana[0].alt.endswith(" et France (Guadeloupe, Martinique)")


def test_each_action_map_names_its_countries_and_no_other(
    seed_pdf: Path, seed_content: Content, theme: Theme
) -> None:
    with pikepdf.open(seed_pdf) as pdf:
        figures = _maps(pdf)
    everything = {_name(c, theme) for c in seed_content.totals.countries}
    for action in seed_content.actions:
        title = Presenter(theme.locale("fr")).text(action.title)
        mine = [f for f in figures if f.sect == title]
        assert len(mine) == 1, action.title
        names = {_name(c, theme) for c in action.countries or ()}
        for name in everything:
            assert (name in mine[0].alt) is (name in names), (action.title, name)


def test_overseas_departments_small_countries_and_no_countries(
    rendered: dict[str, Path], theme: Theme
) -> None:
    for path in rendered.values():
        with pikepdf.open(path) as pdf:
            figures = _maps(pdf)
        by_sect = {f.sect: f.alt for f in figures}
        assert by_sect["Action Antilles"] == "Carte : France (Guadeloupe, Martinique) et Haïti"
        assert by_sect["Action Monaco"] == "Carte : Monaco"
        assert by_sect["Action Océan Indien"] == "Carte : France (La Réunion, Mayotte)"
        assert "Action Sans pays" not in by_sect  # no countries: no locator map
        overview = by_sect["Le programme en chiffres"]
        for name in (
            "Haïti",
            "Monaco",
            "La Réunion",
            "Mayotte",
            "Nouvelle-Calédonie",
            "Guadeloupe",
        ):
            assert name in overview
        assert len(figures) == 5  # the overview and four actions


def test_insets_are_labelled_on_the_page(rendered: dict[str, Path]) -> None:
    text = squash(run_tool("pdftotext", "-layout", rendered["screen"], "-"))
    # The Antilles are specks beside France: insets with their names.
    assert "Guadeloupe" in text and "Martinique" in text


def test_layout_rings_a_small_country_and_insets_far_parts() -> None:
    spec = maps.MapSpec.from_theme(load_theme().maps)
    monaco = maps.layout(["MC"], 45, 40, 26, spec)
    assert [m.code for m in monaco.main.markers] == ["MC"]
    assert not monaco.world
    antilles = maps.layout(["FR", "GP", "MQ", "HT"], 45, 40, 26, spec, str)
    assert [i.label for i in antilles.insets] == ["GP", "MQ"]
    for inset in antilles.insets:
        assert any(s.highlight for s in inset.shapes)
        assert inset.x >= 0 and inset.x + inset.width <= antilles.width
    # France fills its own outline in the main map; its departments do not belong to it.
    france = next(s for s in antilles.main.shapes if s.code == "FR")
    assert france.highlight
    world = maps.layout(["PE", "VN", "SN"], 172, 92, 50, spec)
    assert world.world


def test_western_sahara_is_drawn_apart_from_morocco() -> None:
    """Natural Earth's de facto Morocco runs down to the berm, 21.4° N; the maps draw the
    UN's border at 27° 40' N, shared point for point by the two outlines at every level."""
    from cfsi_reports.maps import outlines

    for path in outlines.levels():
        level = outlines.level(path)
        assert min(box[1] for box in level.boxes("MA")) > 27.6, path.name
        morocco = set()
        for i in range(len(level.boxes("MA"))):
            ring = level.ring("MA", i)
            morocco |= set(zip(ring.lons, ring.lats, strict=True))
        west, south, east, north = max(level.boxes("EH"), key=lambda b: b[3] - b[1])
        assert south < 21 and abs(north - 27.66) < 0.02 and west < -17, path.name
        sahara = level.ring("EH", level.boxes("EH").index((west, south, east, north)))
        shared = morocco & set(zip(sahara.lons, sahara.lats, strict=True))
        # The tripoint with Algeria and the coast: the border's two ends, on one parallel.
        assert {round(lon) for lon, _ in shared} == {-9, -13}, path.name
        assert {round(lat, 2) for _, lat in shared} == {27.66}, path.name
    assert outlines.body("MA")[1] > 27.6  # the view of a Moroccan action ends at the border


def test_views_across_the_antimeridian_and_islands_in_an_ocean() -> None:
    """New Zealand and Samoa are neighbours across 180°: a regional view, not the world.

    New Caledonia and French Polynesia have no land around them big enough to show: a view
    of the ocean alone would locate nothing, so they get the world view, ringed.
    """
    spec = maps.MapSpec.from_theme(load_theme().maps)
    pacific = maps.layout(["NZ", "WS"], 45, 40, 26, spec)
    assert not pacific.world
    assert {s.code for s in pacific.main.shapes if s.highlight} >= {"NZ"}
    assert "WS" in {m.code for m in pacific.main.markers}  # a speck at that scale: ringed
    assert any(not s.highlight for s in pacific.main.shapes)  # land around to find it by
    for m in pacific.main.markers:
        assert 0 <= m.x <= pacific.width and 0 <= m.y <= pacific.height
    for width in (45, 50):  # the brochure's sidebar, the sheet's picture
        islands = maps.layout(["NC", "PF"], width, 40, 26, spec)
        assert islands.world
        assert {m.code for m in islands.main.markers} == {"NC", "PF"}
        for m in islands.main.markers:  # whole rings, in the middle of the world around them
            assert islands.width / 4 <= m.x <= islands.width * 3 / 4
            assert m.radius <= m.y <= islands.height - m.radius
        # A box taller than the world grows it north to the pole, then south: all the growth
        # had gone south, the Arctic cut flat over a bottom third of empty sea.
        ys = [y for shape in islands.main.shapes for ring in shape.rings for _, y in ring]
        assert min(ys) < islands.height * 0.3 and max(ys) > islands.height * 0.95


def test_insets_leave_the_legend_its_corner_and_the_rest_are_ringed() -> None:
    """Six overseas parts on a world overview: the insets stop before the legend's corner."""
    spec = maps.MapSpec.from_theme(load_theme().maps)
    parts = ["GP", "MQ", "RE", "YT", "NC", "PF"]
    codes = ["FR", *parts, "PE", "VN"]
    free = maps.layout(codes, 170, 92, 50, spec, str, lambda label: 20.0)
    kept = maps.layout(codes, 170, 92, 50, spec, str, lambda label: 20.0, reserve=90.0)
    assert len(free.insets) > len(kept.insets) >= 1
    # The legend takes the corner opposite the insets (which go where less land lies).
    if kept.corner.endswith("left"):
        assert max(i.x + i.width for i in kept.insets) <= 170 - spec.inset_gap - 90
    else:
        assert min(i.x for i in kept.insets) >= spec.inset_gap + 90
    shown = {i.label for i in kept.insets}
    left_out = [code for code in parts if code not in shown]
    assert left_out and set(left_out) <= {m.code for m in kept.main.markers}  # ringed instead


def test_insets_go_to_the_corner_with_less_land_under_them() -> None:
    """La Réunion and Mayotte beside the Comoros: bottom left would hide Mozambique."""
    spec = maps.MapSpec.from_theme(load_theme().maps)
    view = maps.layout(["KM", "RE", "YT"], 45, 40, 26, spec, str, lambda label: 18.0)
    assert sorted(i.label for i in view.insets) == ["RE", "YT"]
    assert view.corner == "bottom-right" != spec.inset_corner
    # Left to right from west to east, whichever the corner (the sheet of the seed's bananas
    # read « Martinique | Guadeloupe », its brochure page the other way round).
    assert [i.label for i in sorted(view.insets, key=lambda i: i.x)] == ["YT", "RE"]

    def land(x0: float, x1: float) -> int:
        return sum(
            x0 <= x <= x1 and y <= spec.inset_gap + spec.inset_height
            for shape in view.main.shapes
            if not shape.highlight
            for ring in shape.rings
            for x, y in ring
        )

    left = min(i.x for i in view.insets)
    right = max(i.x + i.width for i in view.insets)
    assert land(left, right) < land(view.width - right, view.width - left)  # the mirror's
    # The seed's Antilles keep the theme's corner: open Atlantic there.
    assert maps.layout(["FR", "GP", "MQ"], 45, 40, 26, spec).corner == spec.inset_corner


def test_insets_never_hide_land_of_a_world_map() -> None:
    """Five overseas parts on a world overview with Chile and Australia in the corners: no
    corner is open sea, so the map makes room below the land for the insets' row."""
    spec = maps.MapSpec.from_theme(load_theme().maps)
    codes = ["FR", "PE", "CL", "BO", "SN", "LB", "MC", "KM", "GP", "MQ", "NC", "PF", "RE", "YT"]
    view = maps.layout(codes, 172, 92, 50, spec, str, lambda label: 20.0, reserve=90.0)
    assert view.world and len(view.insets) >= 3
    top = max(i.y + i.height for i in view.insets)
    hidden = [
        (shape.code, x, y)
        for shape in view.main.shapes
        for ring in shape.rings
        for x, y in ring
        if y < top and any(i.x <= x <= i.x + i.width for i in view.insets)
    ]
    assert not hidden, hidden[:5]
    # The seed's two Antilles keep their corner of open Pacific: no band, the map unchanged.
    seed = maps.layout(["FR", "GP", "MQ", "PE", "VN"], 172, 92, 50, spec, str, lambda _: 16.0)
    assert (
        seed.world
        and min(y for shape in seed.main.shapes for ring in shape.rings for _, y in ring)
        < spec.inset_gap + spec.inset_height
    )


def test_a_world_map_sets_its_land_in_the_middle(seed_content: Content) -> None:
    """Centred on Greenwich, the land of the seed's world map stood 15 mm right of centre
    (the Pacific is empty): the theme centres world maps on 15° E."""
    spec = maps.MapSpec.from_theme(load_theme().maps)
    codes = sorted({c for a in seed_content.actions for c in a.countries or ()})
    view = maps.layout(codes, 170, 84, 40, spec, str, lambda label: 20.0, reserve=90.0)
    xs = [x for shape in view.main.shapes for ring in shape.rings for x, _ in ring]
    assert view.world and abs(min(xs) - (view.width - max(xs))) < 5


def test_an_inset_s_frame_is_drawn_over_its_land() -> None:
    """Martinique's neighbours reach the frame of its inset: drawn before them, the frame
    was broken where they touch it. It is drawn last, in the PDF and in the sheet's EMF."""
    import struct

    from reportlab.pdfgen.canvas import Canvas

    from cfsi_reports.docx import mapemf
    from cfsi_reports.pdf.maps import draw
    from cfsi_reports.pdf.styles import Styles

    theme = load_theme()
    spec = maps.MapSpec.from_theme(theme.maps)
    view = maps.layout(["FR", "GP", "MQ"], 45, 40, 26, spec)
    assert view.insets
    canvas = Canvas(io.BytesIO())
    draw(canvas, view, Styles(theme, screen=True, language="fr-FR"), theme.maps)
    ops = " ".join(canvas._code).split()
    # Each inset ends with its frame, a stroked rectangle after its last filled outline.
    frames = [i for i in range(len(ops) - 1) if ops[i] == "re" and ops[i + 1] == "S"]
    fills = [i for i, op in enumerate(ops) if op in ("f*", "B*", "f", "B")]
    assert len(frames) == len(view.insets) and frames[-1] > fills[-1]
    data, kinds, at = mapemf.emf(view, theme), [], 0
    while at < len(data):
        kind, size = struct.unpack_from("<II", data, at)
        kinds.append(kind)
        at += size
    last_polygon = max(i for i, k in enumerate(kinds) if k == mapemf.POLYPOLYGON16)
    assert max(i for i, k in enumerate(kinds) if k == mapemf.RECTANGLE) > last_polygon


def test_a_part_without_room_for_an_inset_is_in_the_view_ringed() -> None:
    """Vanuatu with New Caledonia and French Polynesia: one inset fits, the other part is
    brought into the main view (drawn, or ringed when too small), never left out."""
    spec = maps.MapSpec.from_theme(load_theme().maps)
    view = maps.layout(["NC", "PF", "VU"], 45, 40, 26, spec, str, lambda label: 26.0)
    assert len(view.insets) == 1
    (left_out,) = {"NC", "PF"} - {i.label for i in view.insets}
    rings = [m for m in view.main.markers if m.code == left_out]
    drawn = [s for s in view.main.shapes if s.highlight and s.code == left_out]
    assert rings or drawn
    for ring in rings:
        assert 0 < ring.x < view.width and 0 < ring.y < view.height
    # With room for its inset, French Polynesia shows Tahiti there, not a ring around specks.
    (inset,) = maps.layout(["VU", "PF"], 45, 40, 26, spec, str, lambda label: 26.0).insets
    assert inset.label == "PF" and not inset.markers
    assert any(s.highlight and s.code == "PF" for s in inset.shapes)


def test_maps_are_vector_paths_in_cmyk_for_print(rendered: dict[str, Path]) -> None:
    with pikepdf.open(rendered["print"]) as pdf:
        ops: set[str] = set()
        for page in pdf.pages:
            ops |= {str(op) for _, op in pikepdf.parse_content_stream(page)}
            assert not list(page.get_images())  # no raster: the maps are paths
    assert not ops & {"rg", "RG", "sc", "scn", "SC", "SCN"}
    assert {"k", "K", "B*"} <= ops and ops & {"W", "W*"}  # filled outlines, clipped views
    with pikepdf.open(rendered["screen"]) as pdf:
        ops = {str(op) for page in pdf.pages for _, op in pikepdf.parse_content_stream(page)}
    assert "rg" in ops and not ops & {"k", "K"}


def test_maps_can_be_switched_off(outremer: Content, tmp_path: Path) -> None:
    # A project's theme names only what it changes.
    path = tmp_path / "theme.yaml"
    path.write_text("maps:\n  enabled: false\n", encoding="utf-8")
    data, _ = render_brochure(outremer, load_theme(path))
    (tmp_path / "off.pdf").write_bytes(data)
    with pikepdf.open(tmp_path / "off.pdf") as pdf:
        assert _maps(pdf) == []


def test_overseas_parts_count_with_france(outremer: Content, theme: Theme) -> None:
    view = Presenter(theme.locale("fr")).programme(outremer)
    countries = next(f for f in view.figures if f.key == "countries")
    assert countries.value == "4"  # Haïti, Monaco, Viêt Nam, Sénégal: the rest is France
    assert (
        "France (Guadeloupe, Martinique, Nouvelle-Calédonie, La Réunion, Mayotte)"
        in view.country_names
    )


def test_warnings_name_an_action_without_countries_and_an_unmapped_country(
    outremer: Content, theme: Theme, tmp_path: Path
) -> None:
    found = warnings(outremer, theme)
    assert any(w.field == "countries" and w.file.endswith("04-action-4.yaml") for w in found)
    root = made.write_content(tmp_path / "content", [_action("Tuvalu", ["TV", "FJ"])], PROGRAMME)
    found = [w for w in warnings(load_content(root), theme) if w.field == "countries"]
    assert len(found) == 1 and "TV: no outline in the map data" in found[0].message


# -- the fact sheets --------------------------------------------------------------------------

WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _pictures(data: bytes) -> list[tuple[str, int, bytes]]:
    """Return (alternative text, placed width in EMU, image bytes) of each body picture."""
    document = docx.Document(io.BytesIO(data))
    out = []
    for inline in document.element.body.iter(f"{WP}inline"):
        blip = next(inline.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}blip"))
        rel = blip.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed")
        image = document.part.related_parts[rel].blob
        out.append(
            (
                inline.find(f"{WP}docPr").get("descr"),
                int(inline.find(f"{WP}extent").get("cx")),
                image,
            )
        )
    return out


def _emf_records(data: bytes) -> list[int]:
    """Return the record types of an EMF, walking it by each record's size."""
    kinds, at = [], 0
    while at < len(data):
        kind, size = struct.unpack_from("<II", data, at)
        assert size >= 8 and size % 4 == 0, (kind, size)
        kinds.append(kind)
        at += size
    assert at == len(data) == struct.unpack_from("<I", data, 48)[0]  # nBytes of the header
    return kinds


@pytest.fixture(scope="module")
def outremer_sheets(outremer: Content, theme: Theme) -> dict[str, bytes]:
    renderer = FactSheetRenderer(outremer, theme)
    return {a.key: renderer.render(a) for a in outremer.actions}


def test_each_sheet_has_one_map_picture_naming_its_countries(
    outremer: Content, outremer_sheets: dict[str, bytes], seed_content: Content, theme: Theme
) -> None:
    locale = theme.locale("fr")
    seed = FactSheetRenderer(seed_content, theme)
    cases = [(a, outremer_sheets[a.key]) for a in outremer.actions]
    cases += [(a, seed.render(a)) for a in seed_content.actions]
    for action, data in cases:
        pictures = _pictures(data)
        if not action.countries:
            assert pictures == [], action.key  # no countries, no map
            continue
        assert len(pictures) == 1, action.key
        alt, cx, image = pictures[0]
        assert alt == maps.alt_text(action.countries, locale)
        for code in action.countries:
            assert ty.country_name(code, locale) in alt
        # A vector picture (EMF): its frame is the placed size, its countries polygons.
        kinds = _emf_records(image)
        assert kinds[0] == 1 and kinds[-1] == 14 and image[40:44] == b" EMF"
        assert 91 in kinds  # EMR_POLYPOLYGON16
        frame_mm = struct.unpack_from("<4i", image, 24)[2] / 100
        assert abs(frame_mm - cx / 36000) < 0.05
    banana = next(d for a, d in cases if a.key == "banane")
    assert _pictures(banana)[0][0].endswith(" et France (Guadeloupe, Martinique)")


def test_sheet_header_keeps_its_right_text_at_the_margin_and_names_the_publisher(
    seed_content: Content, theme: Theme
) -> None:
    data = FactSheetRenderer(seed_content, theme).render(seed_content.actions[2])
    document = docx.Document(io.BytesIO(data))
    header = document.sections[0].header
    tabs = list(header._element.iter(f"{W}ptab"))
    assert [(t.get(f"{W}relativeTo"), t.get(f"{W}alignment")) for t in tabs] == [
        ("margin", "right")
    ]
    texts = [p.text for p in header.paragraphs]
    assert texts[-2].endswith("Action 3")
    assert texts[-1] == "Comité Français pour la Solidarité Internationale (CFSI)"
    assert {p.style.name for p in header.paragraphs if p.text} == {"Header"}


def test_sheet_lines_are_of_a_comfortable_length_in_libreoffice(
    seed_content: Content, theme: Theme, tmp_path: Path
) -> None:
    action = seed_content.actions[2]
    (tmp_path / "sheet.docx").write_bytes(FactSheetRenderer(seed_content, theme).render(action))
    soffice = require_tool("soffice")
    profile = tmp_path / "lo-profile"
    # With the theme's fonts, as a reader who installed them (see test_fact_sheets.py).
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"<dir>{theme.family('body').regular.parent}</dir>"
        f"<cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "sheet.docx")],
        capture_output=True, timeout=300, check=True,
        env={**os.environ, "FONTCONFIG_FILE": str(config)},
    )  # fmt: skip
    text = run_tool("pdftotext", "-layout", tmp_path / "sheet.pdf", "-")
    # The lines of the first paragraph of « Le projet », as LibreOffice sets them.
    first = "La banane est le premier fruit"
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if first in line)
    paragraph = [line.strip() for line in lines[at : at + 4]]
    assert all(55 <= len(line) <= 100 for line in paragraph), paragraph


def test_libreoffice_draws_the_sheet_map_as_vectors(
    seed_content: Content, theme: Theme, tmp_path: Path
) -> None:
    action = seed_content.actions[2]  # Guadeloupe and Martinique in insets
    (tmp_path / "sheet.docx").write_bytes(FactSheetRenderer(seed_content, theme).render(action))
    soffice = require_tool("soffice")
    subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "sheet.docx")],
        capture_output=True, timeout=300, check=True,
    )  # fmt: skip
    with pikepdf.open(tmp_path / "sheet.pdf") as pdf:
        first = pdf.pages[0]
        assert list(first.get_images()) == []  # no raster anywhere: the map is paths
        ops = [str(op) for _, op in pikepdf.parse_content_stream(first)]
    assert ops.count("f") + ops.count("f*") >= 4  # land, highlighted, the insets' water
    assert ops.count("l") > 500  # the outlines, point by point
    text = run_tool("pdftotext", tmp_path / "sheet.pdf", "-")
    assert "Guadeloupe" in text and "Martinique" in text  # the insets' names
    # The picture stays in its cell: LibreOffice moved an inline picture without written
    # distances 3.2 mm right, past the table's edge, which cut the inset at that side.
    bbox = run_tool("pdftotext", "-bbox", "-f", "1", "-l", "1", tmp_path / "sheet.pdf", "-")
    words = re.findall(r'xMin="([\d.]+)"[^>]*xMax="([\d.]+)"[^>]*>(?:Guadeloupe|Martinique)<', bbox)
    centres = [(float(a) + float(b)) / 2 * 25.4 / 72 for a, b in words][-2:]  # the insets' labels
    page, inset = theme.docx.page, theme.maps.inset
    # The last inset is one gap inside the picture, which is inside the table's right edge.
    edge = page.width_mm - page.margins.right_mm - inset.gap_mm - inset.height_mm / 2
    assert len(centres) == 2 and max(centres) <= edge + 0.5, (centres, edge)


def test_sheet_header_shows_the_publishers_logo(content_copy: Path, theme: Theme) -> None:
    logo = content_copy / "logo.png"
    Image.new("RGB", (300, 100), (0, 96, 107)).save(logo)
    programme = content_copy / "programme.yaml"
    programme.write_text(
        programme.read_text(encoding="utf-8") + "logo: logo.png\n", encoding="utf-8"
    )
    content = load_content(content_copy)
    data = FactSheetRenderer(content, theme).render(content.actions[0])
    header = docx.Document(io.BytesIO(data)).sections[0].header
    (inline,) = list(header._element.iter(f"{WP}inline"))
    assert inline.find(f"{WP}docPr").get("descr") == content.programme.publisher
    height_mm = int(inline.find(f"{WP}extent").get("cy")) / 36000
    assert abs(height_mm - theme.docx.header_logo_height_mm) < 0.01
    assert header.paragraphs[-1].text.strip() == content.programme.publisher


def _map_figures(path: Path) -> list[tuple[int, list[float]]]:
    """Return (page number, BBox) of each map Figure of the structure tree."""
    out: list[tuple[int, list[float]]] = []
    with pikepdf.open(path) as pdf:
        pages = {p.objgen: n for n, p in enumerate(pdf.pages, 1)}

        def walk(node: Any) -> None:
            if isinstance(node, pikepdf.Array):
                for kid in node:
                    walk(kid)
                return
            if not isinstance(node, pikepdf.Dictionary):
                return
            if node.get("/S") == "/Figure" and str(node.get("/Alt", "")).startswith("Carte"):
                box = [float(v) for v in node.A.BBox]
                out.append((pages[node.Pg.objgen], box))
            if "/K" in node:
                walk(node.K)

        walk(pdf.Root.StructTreeRoot)
    return out


def _words(path: Path, page: int) -> list[tuple[str, float, float]]:
    """Return (word, xMin, height) of each word of a page, from pdftotext."""
    import re

    xml = run_tool("pdftotext", "-f", str(page), "-l", str(page), "-bbox", path, "-")
    pattern = r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]+)<'
    return [(w, float(x), float(y1) - float(y0)) for x, y0, y1, w in re.findall(pattern, xml)]


def test_sidebar_maps_line_up_with_the_sidebar_text(seed_pdf: Path, theme: Theme) -> None:
    figures = [(n, box) for n, box in _map_figures(seed_pdf) if n > 4]
    assert len(figures) >= 5
    side = theme.page.sidebar
    width = (side.width_mm - 2 * side.padding_mm) * 72 / 25.4
    for page, (x0, _y0, x1, _y1) in figures:
        left = min(x for w, x, _ in _words(seed_pdf, page) if w == "Porteur")
        assert abs(x0 - left) < 0.5, f"p{page}: map at {x0}, sidebar text at {left}"
        assert abs((x1 - x0) - width) < 0.5, f"p{page}: the map overruns the sidebar padding"


def test_inset_labels_are_legible_and_rings_explained(seed_pdf: Path, theme: Theme) -> None:
    size = theme.style(theme.maps.label).size_pt
    assert size >= 6
    labels = [
        h
        for page in (4, 7)
        for w, _x, h in _words(seed_pdf, page)
        if w in ("Guadeloupe", "Martinique") and h < 8
    ]
    assert len(labels) == 4  # two insets on the overview, two beside action 3
    assert all(abs(h - size) < 0.1 for h in labels), labels
    locale = yaml.safe_load(
        (Path(maps.__file__).parents[1] / "defaults/locale/fr.yaml").read_text(encoding="utf-8")
    )
    legend = squash(run_tool("pdftotext", "-f", "4", "-l", "4", seed_pdf, "-"))
    assert squash(locale["labels"]["map_ring_legend"]) in legend
    # The cover stays clean (maps.cover.legend is off): the overview says what rings are.
    cover = squash(run_tool("pdftotext", "-f", "1", "-l", "1", seed_pdf, "-"))
    assert squash(locale["labels"]["map_ring_legend"]) not in cover


def test_a_long_sidebar_moves_its_map_under_the_text_rather_than_onto_a_page_alone(
    theme: Theme, tmp_path: Path
) -> None:
    """Thirteen partners: the funding would have gone on to a page of its own (« suite »)
    although the main column was half empty; the map goes under the main text instead."""
    partners = [f"Association partenaire numéro {n} pour le développement local" for n in range(13)]
    root = made.write_content(
        tmp_path / "content",
        [made.action("Femmes et territoires", countries=["MA", "EH", "FR"], partners=partners)],
        PROGRAMME,
    )
    path = tmp_path / "print.pdf"
    path.write_bytes(render_brochure(load_content(root), theme)[0])
    texts = run_tool("pdftotext", path, "-").split("\f")
    page = next(n for n, t in enumerate(texts, 1) if "Porteur du projet" in t)
    assert squash("Part financée") in squash(texts[page - 1])
    assert not any("(suite)" in t for t in texts)
    ((x0, y0, _x1, _y1),) = [box for n, box in _map_figures(path) if n == page]
    left = min(x for w, x, _ in _words(path, page) if w == "Porteur")
    side = theme.page.sidebar.width_mm * 72 / 25.4
    assert x0 > left + side, "the map stays in the sidebar"
    activity = next(
        float(y)
        for y, w in re.findall(
            r'yMax="([\d.]+)">([^<]+)<',
            run_tool("pdftotext", "-f", str(page), "-l", str(page), "-bbox", path, "-"),
        )[::-1]
        if w == "activité."
    )
    with pikepdf.open(path) as pdf:
        height = float(pdf.pages[page - 1].MediaBox[3])
    assert height - y0 > activity, "the map is under the last activity"


LONG_PARTNERS = [
    "Fédération des Associations de Développement Local de la Région de l'Oriental",
    "Union Régionale des Coopératives Agricoles et Artisanales de Berkane et Nador",
    "Centre Régional d'Investissement de la Région de l'Oriental à Oujda",
    "Réseau des Acteurs de l'Économie Sociale et Solidaire des Hauts-de-France",
    "Chambre Régionale de l'Économie Sociale et Solidaire des Hauts-de-France",
    "Association pour le Développement des Initiatives Économiques de Proximité",
    "Institut Supérieur des Professions Infirmières et Techniques de Santé d'Oujda",
    "Maison des Jeunes et de la Culture de Lille-Wazemmes et de Roubaix-Centre",
    "Comité de Jumelage et de Coopération Décentralisée Lille-Oujda-Berkane",
    "ONG A",
    "ONG B",
]


@pytest.mark.parametrize(
    ("partners", "countries"),
    [
        ([f"Association partenaire numéro {n} pour le développement local" for n in range(14)],
         ["MA", "EH", "FR"]),
        (LONG_PARTNERS, None),
    ],
)  # fmt: skip
def test_a_sidebar_too_long_for_its_page_keeps_its_map_and_its_figures_whole(
    theme: Theme, tmp_path: Path, partners: list[str], countries: list[str] | None
) -> None:
    """Fourteen partners: the map cannot make room, so it stays in the sidebar, drawn at the
    sidebar's width (a failed attempt to move it once widened it over the text column); the
    funding goes on whole, « Part financée » never alone."""
    fields: dict[str, Any] = {
        "partners": partners,
        "lead": "Association Marocaine pour le Développement Solidaire de l'Oriental",
        "locations": ["Oujda (Maroc)", "Berkane (Maroc)", "Lille (France)"],
        "beneficiaries": {"direct": "120 jeunes", "indirect": "2 000 habitants"},
    }
    if countries:
        fields["countries"] = countries
    title = "Échanges Maroc : coopération entre jeunes de l'Oriental et des Hauts-de-France"
    root = made.write_content(tmp_path / "content", [made.action(title, **fields)], PROGRAMME)
    path = tmp_path / "print.pdf"
    path.write_bytes(render_brochure(load_content(root), theme)[0])
    texts = run_tool("pdftotext", path, "-").split("\f")
    page = next(n for n, t in enumerate(texts, 1) if "Porteur du projet" in t)
    shares = [n for n, t in enumerate(texts, 1) if "Part financée" in t and n >= page]
    assert shares == [n for n, t in enumerate(texts, 1) if t.count("Budget :") and n >= page]
    assert any("(suite)" in t for t in texts)
    side = theme.page.sidebar
    width = (side.width_mm - 2 * side.padding_mm) * 72 / 25.4
    for n, (x0, _y0, x1, _y1) in _map_figures(path):
        if n >= page:  # as wide as the sidebar's text, not the main column's
            assert abs((x1 - x0) - width) < 0.5, (n, x0, x1, width)
