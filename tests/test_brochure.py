"""The PDF brochure, read back: text, order, boxes, marks, colour, fonts, navigation, edge cases."""

from __future__ import annotations

import io
import re
import subprocess
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from cfsi_reports.checks import check
from cfsi_reports.content import Content, load_content
from cfsi_reports.pdf import render_brochure
from cfsi_reports.present import Presenter
from cfsi_reports.theme import MM, Theme, load_theme
from conftest import (
    annexes,
    in_order,
    missing_lines,
    require_tool,
    run_tool,
    seed_lines,
    squash,
)
from helpers.content import action as new_action
from helpers.content import write_content
from helpers.lines import plain_lines

EPOCH = 1_700_000_000  # 2023-11-14T22:13:20Z
A4 = (595.276, 841.89)
BLEED = 3 * MM
TOL = 0.01


@dataclass(frozen=True)
class Rendered:
    """A rendered brochure on disk and what it was made from."""

    path: Path
    data: bytes
    pages: int
    content: Content


def _render(content: Content, theme: Theme, folder: Path, name: str, **kw: Any) -> Rendered:
    data, pages = render_brochure(content, theme, epoch=EPOCH, **kw)
    path = folder / name
    path.write_bytes(data)
    return Rendered(path, data, pages, content)


@pytest.fixture(scope="session")
def seed_print(seed_content: Content, theme: Theme, tmp_path_factory: Any) -> Rendered:
    return _render(seed_content, theme, tmp_path_factory.mktemp("pdf"), "brochure.pdf")


@pytest.fixture(scope="session")
def seed_screen(seed_content: Content, theme: Theme, tmp_path_factory: Any) -> Rendered:
    folder = tmp_path_factory.mktemp("pdf")
    return _render(seed_content, theme, folder, "brochure-screen.pdf", screen=True)


# -- edge-case content, written as YAML files like a user would -----------------------------

PARTNERS = [f"Partenaire numéro {n} de la liste très longue" for n in range(1, 201)]
URL = "https://example.org/" + "/".join(["chemin-sans-fin"] * 6) + "/" + "x" * 20
LONG_TITLE = " ".join(["Un titre interminable qui ne finit jamais"] * 8)[:300]
ESCAPED = "a < b & c > d, <b>pas une balise</b> & &amp; restent du texte"
VIET = ["Thừa Thiên Huế", "Đà Nẵng", "Hội An"]


def _write(root: Path, programme: dict[str, Any], actions: list[dict[str, Any]]) -> Content:
    return load_content(write_content(root, actions, programme))


def _photo(path: Path) -> None:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", (900, 600))
    image.putdata([(x % 256, (x * y) % 256, y % 256) for y in range(600) for x in range(900)])
    image.save(path, "JPEG", quality=80)


@pytest.fixture(scope="session")
def edge(theme: Theme, tmp_path_factory: Any) -> Rendered:
    root = tmp_path_factory.mktemp("edge") / "content"
    _photo(root / "photos" / "atelier.jpg")
    long_project = "\n\n".join(
        f"Paragraphe {n} du projet, qui décrit longuement les activités menées sur le terrain "
        f"avec les partenaires, les habitants et les collectivités ; il se répète pour remplir "
        f"plusieurs pages sans jamais rien perdre du texte (repère {n})."
        for n in range(1, 61)
    )
    content = _write(
        root,
        {
            "title": "Programme d'essai & <limites>",
            "subtitle": "Contenus que personne n'a vus",
            "publisher": "Éditions « Essai » & Cie",
            "intro": f"Une introduction où {ESCAPED}.\n\n- un point\n- un autre point",
        },
        [
            new_action(
                "Une action aux deux cents partenaires",
                regions="Asie du Sud-Est",
                countries=["VN"],
                partners=PARTNERS,
                locations=VIET,
                photo={
                    "file": "photos/atelier.jpg",
                    "alt": "Atelier de formation",
                    "credit": "Équipe « Essai »",
                },
            ),
            new_action(
                LONG_TITLE,
                regions="Partout / Ailleurs",
                countries=["FR", "SN"],
                project=f"Voir {URL} pour le détail, et {ESCAPED}.\n\n{long_project}",
            ),
            new_action("Minimale"),
            new_action(
                f"À {VIET[0]} et {VIET[1]}",
                countries=["VN"],
                locations=VIET,
                project="1. premier temps\n2. **deuxième** temps\n3. *troisième* temps",
                partners=[URL],
            ),
        ],
    )
    check(content, theme)  # the fonts draw every character, Vietnamese included
    return _render(content, theme, root.parent, "edge.pdf")


@pytest.fixture(scope="session")
def single(theme: Theme, tmp_path_factory: Any) -> Rendered:
    root = tmp_path_factory.mktemp("single") / "content"
    content = _write(root, {"title": "Un seul", "intro": "Texte."}, [new_action("Seule action")])
    return _render(content, theme, root.parent, "single.pdf")


# -- helpers --------------------------------------------------------------------------------


def text_of(path: Path, *pages: int, raw: bool = False) -> str:
    """Return the text pdftotext extracts: by layout, or in drawing order when `raw`."""
    require_tool("pdftotext")
    args: list[str | Path] = ["pdftotext", "-enc", "UTF-8", *(["-raw"] if raw else [])]
    if pages:
        args += ["-f", str(pages[0]), "-l", str(pages[-1])]
    return run_tool(*args, path, "-")


def page_texts(path: Path) -> list[str]:
    return text_of(path).split("\f")[:-1]


def words(path: Path) -> list[tuple[int, float, float, float, float, str]]:
    """Return (page, xMin, yMin, xMax, yMax, word) for every word, from pdftotext -bbox."""
    require_tool("pdftotext")
    html = run_tool("pdftotext", "-bbox", "-enc", "UTF-8", path, "-")
    out, page = [], 0
    for line in html.splitlines():
        if "<page " in line:
            page += 1
        m = re.search(
            r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>', line
        )
        if m:
            out.append((page, *map(float, m.groups()[:4]), m.group(5)))
    return out


def action_order_problems(view: Any, loc: Any, raw: str) -> list[str]:
    """Check actions in order, and within each its band, sidebar and main column in order.

    The sidebar and the main column flow independently: when both continue on the next
    page, the main column of page n is drawn before the sidebar of page n + 1.
    """
    problems = in_order([a.title for a in view.actions], raw)
    hay, starts = squash(raw), []
    for action in view.actions:  # each action's band begins with "Action n"
        kicker = squash(loc.label("action_number").format(n=action.number))
        starts.append(hay.find(kicker, starts[-1] if starts else 0))
    starts.append(len(hay))
    for i, action in enumerate(view.actions):
        chunk = hay[starts[i] : starts[i + 1]]
        lines = plain_lines(action, loc)
        side_start = lines.index(action.facts[0].heading, 1)
        main_start = lines.index(action.sections[0].heading, side_start)
        side, main = lines[side_start:main_start], lines[main_start:]
        for part in (side, main):
            problems += [f"{action.slug}: {x}" for x in in_order(part, chunk)]
    return problems


def view_of(rendered: Rendered, theme: Theme) -> Any:
    content = rendered.content
    return Presenter(theme.locale(content.programme.language)).programme(content)


def boxes(pdf: pikepdf.Pdf, name: str) -> list[tuple[float, ...]]:
    return [tuple(float(v) for v in page.obj.get(name, page.obj.MediaBox)) for page in pdf.pages]


def segments(page: pikepdf.Page) -> list[tuple[tuple[float, ...], tuple[float, ...]]]:
    """Return the stroked line segments of a page with their stroke colour, in page space."""
    ctm, stack, out = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), [], []
    stroke: tuple[float, ...] = ()
    start = (0.0, 0.0)
    for operands, op in pikepdf.parse_content_stream(page):
        name, args = str(op), [float(v) for v in operands if isinstance(v, int | float | Decimal)]
        if name == "q":
            stack.append((ctm, stroke))
        elif name == "Q":
            ctm, stroke = stack.pop()
        elif name == "cm":
            a, b, c, d, e, f = args
            A, B, C, D, E, F = ctm
            ctm = (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
                   e * A + f * C + E, e * B + f * D + F)  # fmt: skip
        elif name == "K":
            stroke = tuple(args)
        elif name in ("m", "l"):
            x, y = args
            point = (ctm[0] * x + ctm[2] * y + ctm[4], ctm[1] * x + ctm[3] * y + ctm[5])
            if name == "l":
                out.append((stroke, (*start, *point)))
            start = point
    return out


# -- the seed brochure ----------------------------------------------------------------------


def test_every_seed_line_is_in_the_text(seed_print: Rendered, seed_screen: Rendered) -> None:
    for rendered in (seed_print, seed_screen):
        assert missing_lines(seed_lines(), text_of(rendered.path)) == []


def test_actions_come_in_order_one_section_each(seed_print: Rendered, theme: Theme) -> None:
    view, loc = view_of(seed_print, theme), theme.locale("fr")
    assert in_order([a.title for a in view.actions], text_of(seed_print.path)) == []
    # Drawing order is reading order: band, then sidebar, then main column.
    assert action_order_problems(view, loc, text_of(seed_print.path, raw=True)) == []


def test_every_page_has_a4_trim_and_3mm_bleed(seed_print: Rendered) -> None:
    with pikepdf.open(seed_print.path) as pdf:
        assert len(pdf.pages) == seed_print.pages
        for trim, bleed, media in zip(
            boxes(pdf, "/TrimBox"), boxes(pdf, "/BleedBox"), boxes(pdf, "/MediaBox"), strict=True
        ):
            assert (trim[2] - trim[0], trim[3] - trim[1]) == pytest.approx(A4, abs=TOL)
            assert bleed == pytest.approx(
                (trim[0] - BLEED, trim[1] - BLEED, trim[2] + BLEED, trim[3] + BLEED), abs=TOL
            )
            assert media[0] <= bleed[0] and media[1] <= bleed[1]
            assert media[2] >= bleed[2] and media[3] >= bleed[3]


def test_pdfinfo_reads_the_boxes(seed_print: Rendered) -> None:
    require_tool("pdfinfo")
    out = run_tool("pdfinfo", "-box", "-f", "1", "-l", str(seed_print.pages), seed_print.path)
    trims = re.findall(r"TrimBox:\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", out)
    bleeds = re.findall(r"BleedBox:\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", out)
    assert len(trims) == len(bleeds) == seed_print.pages
    for t, b in zip(trims, bleeds, strict=True):
        t0, t1, t2, t3 = map(float, t)
        b0, _, b2, _ = map(float, b)
        assert (t2 - t0, t3 - t1) == pytest.approx(A4, abs=0.01)
        assert (t0 - b0, b2 - t2) == pytest.approx((BLEED, BLEED), abs=0.01)


def test_crop_marks_sit_outside_the_bleed_on_every_page(seed_print: Rendered) -> None:
    registration = (1.0, 1.0, 1.0, 1.0)
    with pikepdf.open(seed_print.path) as pdf:
        for n, page in enumerate(pdf.pages, 1):
            bleed = tuple(float(v) for v in page.obj.BleedBox)
            trim = tuple(float(v) for v in page.obj.TrimBox)
            marks = [s for colour, s in segments(page) if colour == registration]
            assert len(marks) == 8, f"page {n}: {len(marks)} crop marks"
            for x0, y0, x1, y1 in marks:
                outside = (
                    max(x0, x1) <= bleed[0] + TOL
                    or min(x0, x1) >= bleed[2] - TOL
                    or max(y0, y1) <= bleed[1] + TOL
                    or min(y0, y1) >= bleed[3] - TOL
                )
                assert outside, f"page {n}: mark {(x0, y0, x1, y1)} enters the bleed"
                on_trim_line = {round(x0, 2), round(y0, 2)} & {round(v, 2) for v in trim}
                assert on_trim_line, f"page {n}: mark {(x0, y0, x1, y1)} is not on a trim line"


def test_every_font_is_embedded_and_subset(seed_print: Rendered, seed_screen: Rendered) -> None:
    require_tool("pdffonts")
    for rendered in (seed_print, seed_screen):
        rows = run_tool("pdffonts", rendered.path).splitlines()[2:]
        assert rows, "no fonts listed"
        for row in rows:
            name, emb, sub = row.split()[0], row.split()[-5], row.split()[-4]
            assert (emb, sub) == ("yes", "yes"), row
            assert re.match(r"^[A-Z]{6}\+SourceSansPro-", name), row
        with pikepdf.open(rendered.path) as pdf:
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font":
                    assert "Helvetica" not in str(obj.get("/BaseFont")), obj
                    if obj.get("/Subtype") == "/TrueType":
                        assert "/FontFile2" in obj.FontDescriptor


def _operators(pdf: pikepdf.Pdf) -> set[str]:
    ops: set[str] = set()
    streams = [page for page in pdf.pages]
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Form":
            streams.append(obj)
    for stream in streams:
        ops |= {str(op) for _, op in pikepdf.parse_content_stream(stream)}
    return ops


def _colour_spaces(pdf: pikepdf.Pdf) -> set[str]:
    spaces = set()
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream) and "/ColorSpace" in obj:
            spaces.add(str(obj.ColorSpace))
    return spaces


def test_print_file_holds_no_rgb(seed_print: Rendered, edge: Rendered) -> None:
    for rendered in (seed_print, edge):
        with pikepdf.open(rendered.path) as pdf:
            ops = _operators(pdf)
            assert not ops & {"rg", "RG", "sc", "scn", "SC", "SCN"}, ops
            assert {"k", "K"} <= ops
            assert "/DeviceRGB" not in _colour_spaces(pdf)
            assert b"DeviceRGB" not in rendered.data


def test_screen_file_is_trimmed_rgb_without_marks(seed_screen: Rendered) -> None:
    with pikepdf.open(seed_screen.path) as pdf:
        for media in boxes(pdf, "/MediaBox"):
            assert (media[2] - media[0], media[3] - media[1]) == pytest.approx(A4, abs=TOL)
        for trim in boxes(pdf, "/TrimBox"):
            assert (trim[2] - trim[0], trim[3] - trim[1]) == pytest.approx(A4, abs=TOL)
        ops = _operators(pdf)
        assert "rg" in ops and not ops & {"k", "K"}
        for page in pdf.pages:
            assert [s for s in segments(page) if s[0] == (1.0, 1.0, 1.0, 1.0)] == []


def _outline(pdf: pikepdf.Pdf) -> list[tuple[int, str, int]]:
    """Return (level, title, page index) of every outline entry, depth first."""
    pages = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
    out: list[tuple[int, str, int]] = []

    def walk(items: Any, level: int) -> None:
        for item in items:
            dest = item.destination
            out.append((level, item.title, pages[dest[0].objgen]))
            walk(item.children, level + 1)

    with pdf.open_outline() as outline:
        walk(outline.root, 0)
    return out


def test_outline_has_intro_overview_and_everyaction(seed_print: Rendered, theme: Theme) -> None:
    view = view_of(seed_print, theme)
    loc = theme.locale("fr")
    texts = page_texts(seed_print.path)
    with pikepdf.open(seed_print.path) as pdf:
        entries = _outline(pdf)
        assert pdf.Root.PageMode == "/UseOutlines"
    titles = [title for _, title, _ in entries]
    assert loc.label("introduction") in titles and loc.label("overview") in titles
    actions = [(title, page) for level, title, page in entries if level == 1]
    assert [t for t, _ in actions] == [a.title.replace("\u202f", "\u00a0") for a in view.actions]
    for title, page in actions:
        assert squash(title) in squash(texts[page]), (title, page)
    for level, title, page in entries:
        if level == 0 and title != loc.label("actions_section"):
            assert squash(title) in squash(texts[page])


def test_metadata_language_and_viewer(seed_print: Rendered, seed_screen: Rendered) -> None:
    for rendered in (seed_print, seed_screen):
        with pikepdf.open(rendered.path) as pdf:
            info = pdf.docinfo
            assert str(info.Title) == "Coopérer autrement en acteurs de changement"
            assert str(info.Author) == "Comité Français pour la Solidarité Internationale (CFSI)"
            # The subtitle as typeset: a number keeps the word it counts (no-break spaces).
            assert str(info.Subject) == "9\u00a0actions pilotes en France et dans 16\u00a0pays"
            assert "solidarité internationale" in str(info.Keywords)
            assert str(pdf.Root.Lang) == "fr-FR"
            assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) is True


def test_contents_entries_link_to_their_pages(seed_print: Rendered, theme: Theme) -> None:
    view = view_of(seed_print, theme)
    texts = page_texts(seed_print.path)
    toc = next(i for i, t in enumerate(texts) if theme.locale("fr").label("contents") in t)
    with pikepdf.open(seed_print.path) as pdf:
        pages = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
        links = [a for a in pdf.pages[toc].obj.Annots if a.Subtype == "/Link"]
        targets = [pages[link.Dest[0].objgen] for link in links]
    assert len(links) == 2 + len(view.actions) + annexes(view)
    layout = run_tool("pdftotext", "-layout", "-f", str(toc + 1), "-l", str(toc + 1),
                      seed_print.path, "-").splitlines()  # fmt: skip
    for action, target in zip(view.actions, targets[2 : 2 + len(view.actions)], strict=True):
        assert squash(action.title) in squash(texts[target])
        # The printed page number is the one the link leads to (folios count from the cover).
        line = next(x for x in layout if squash(action.title[:24]) in squash(x))
        assert line.rstrip().endswith(f" {target + 1}"), line


def test_same_content_same_bytes_and_the_epoch_dates_it(
    seed_content: Content, theme: Theme, seed_print: Rendered
) -> None:
    again, _ = render_brochure(seed_content, theme, epoch=EPOCH)
    assert again == seed_print.data
    other, _ = render_brochure(seed_content, theme, epoch=EPOCH + 86400 * 400)
    assert other != seed_print.data
    with pikepdf.open(seed_print.path) as pdf:
        assert str(pdf.docinfo.CreationDate).startswith("D:20231114221320")
    with pikepdf.open(io.BytesIO(other)) as pdf:
        assert str(pdf.docinfo.CreationDate).startswith("D:20241218221320")


def test_qpdf_check_passes(seed_print: Rendered, seed_screen: Rendered, edge: Rendered) -> None:
    require_tool("qpdf")
    for rendered in (seed_print, seed_screen, edge):
        done = subprocess.run(["qpdf", "--check", str(rendered.path)], capture_output=True)
        assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()


def test_amounts_and_quotes_never_break(seed_print: Rendered, theme: Theme) -> None:
    view = view_of(seed_print, theme)
    lines = [
        re.sub(r"[\u00a0\u202f]", " ", line).strip()
        for line in text_of(seed_print.path).split("\n")
    ]
    joined = "\n".join(lines)
    amounts = {f.value for f in view.figures}
    for action in view.actions:
        for fact in action.facts:
            amounts |= {v for e in fact.entries for v in e.values if "€" in v}
    for amount in amounts:
        assert re.sub(r"[\u00a0\u202f]", " ", amount) in joined, amount
    for line in lines:
        assert not line.endswith("«") and not line.startswith(("»", ":", ";", "?", "!", "€", "%"))


# -- edge cases -----------------------------------------------------------------------------


def test_edge_content_keeps_all_its_text_in_order(edge: Rendered, theme: Theme) -> None:
    view, loc = view_of(edge, theme), theme.locale("fr")
    needles = [view.title]
    for action in view.actions:
        needles += plain_lines(action, loc)
    assert missing_lines(needles, text_of(edge.path)) == []
    raw = text_of(edge.path, raw=True)
    assert action_order_problems(view, loc, raw) == []
    assert in_order(PARTNERS, raw) == []
    assert in_order([f"(repère {n})" for n in range(1, 61)], raw) == []


def test_markup_characters_print_as_typed(edge: Rendered) -> None:
    text = text_of(edge.path)
    assert squash(ESCAPED) in squash(text)
    assert squash("Programme d'essai & <limites>") in squash(text)


def test_vietnamese_place_names_survive(edge: Rendered) -> None:
    text = text_of(edge.path)
    for name in VIET:
        assert name in text.replace("\n", " ")


def test_no_word_leaves_the_text_area(edge: Rendered, theme: Theme) -> None:
    """A 120-character URL and 300-character title wrap inside the margins."""
    page = theme.page
    s = (page.crop_marks.offset_mm + page.crop_marks.length_mm) * MM
    inside, outside = page.margins.inside_mm * MM, page.margins.outside_mm * MM
    for n, x0, _, x1, _, word in words(edge.path):
        left, right = (inside, outside) if n % 2 else (outside, inside)
        assert x0 >= s + left - 1 and x1 <= s + A4[0] - right + 1, (n, word, x0, x1)


def test_sidebar_continues_in_its_own_column(edge: Rendered, theme: Theme) -> None:
    """200 partners run over several pages, always in the sidebar, never in the main column."""
    page = theme.page
    s = (page.crop_marks.offset_mm + page.crop_marks.length_mm) * MM
    side = page.sidebar.width_mm * MM
    pages = set()
    loc = theme.locale("fr")
    texts = page_texts(edge.path)
    # The back matter lists the partners again, in its own layout.
    annex = min(
        i
        for i, t in enumerate(texts, 1)
        if i > 3 and squash(loc.label("partners_title")) in squash(t)
    )
    for n, x0, _, x1, _, word in words(edge.path):
        if word == "numéro" and n < annex:
            left = (page.margins.inside_mm if n % 2 else page.margins.outside_mm) * MM
            assert s + left <= x0 and x1 <= s + left + side, (n, x0, x1)
            pages.add(n)
    assert len(pages) >= 3
    # The same design on every page the action covers: running head repeated.
    head = loc.label("action_number").format(n=1)
    for n in sorted(pages)[1:]:
        assert squash(head) in squash(texts[n - 1]), n


def test_action_title_up_to_300_characters(edge: Rendered) -> None:
    assert len(LONG_TITLE) == 300
    assert squash(LONG_TITLE) in squash(text_of(edge.path))


def test_photo_is_placed_with_its_credit(edge: Rendered, theme: Theme, tmp_path: Path) -> None:
    assert squash("Photo : Équipe « Essai »") in squash(text_of(edge.path))
    with pikepdf.open(edge.path) as pdf:
        images = [
            o
            for o in pdf.objects
            if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"
        ]
        assert [str(i.ColorSpace) for i in images] == ["/DeviceCMYK"]
    screen, _ = render_brochure(edge.content, theme, screen=True, epoch=EPOCH)
    with pikepdf.open(io.BytesIO(screen)) as pdf:
        images = [
            o
            for o in pdf.objects
            if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"
        ]
        assert [str(i.ColorSpace) for i in images] == ["/DeviceRGB"]


def test_single_minimal_action_builds(single: Rendered) -> None:
    text = text_of(single.path)
    assert "Seule action" in text and "Un projet court." in text
    assert single.pages % 2 == 0  # the back cover is a left-hand page


def test_back_cover_is_a_left_hand_page(
    seed_print: Rendered, seed_screen: Rendered, edge: Rendered
) -> None:
    # Print: whole sheets for saddle stitching (blank pages before the back cover).
    for rendered in (seed_print, edge):
        assert rendered.pages % 4 == 0
        title = rendered.content.programme.title
        assert squash(title) in squash(text_of(rendered.path, rendered.pages))  # back cover last
    # Screen: no blank page; the same numbering up to the back cover.
    assert seed_screen.pages <= seed_print.pages
    assert seed_print.pages - seed_screen.pages < 4


# -- the theme is data -----------------------------------------------------------------------


def test_another_theme_changes_geometry_and_colours(seed_content: Content, tmp_path: Path) -> None:
    # A partial theme: what it leaves out comes from the built-in one.
    path = tmp_path / "magenta.yaml"
    path.write_text(
        "page: {bleed_mm: 5}\ncolours:\n  primary: {cmyk: [0, 1, 0, 0], rgb: '#e4007c'}\n",
        encoding="utf-8",
    )
    data, _ = render_brochure(seed_content, load_theme(path), epoch=EPOCH)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        trim = [float(v) for v in pdf.pages[0].obj.TrimBox]
        bleed = [float(v) for v in pdf.pages[0].obj.BleedBox]
        assert trim[0] - bleed[0] == pytest.approx(5 * MM, abs=TOL)
        ops = pikepdf.unparse_content_stream(pikepdf.parse_content_stream(pdf.pages[0]))
        assert b"0 1 0 0 k" in ops


# -- typography -------------------------------------------------------------------------------


def _lines(text: str, style: str, width: float, theme: Theme) -> list[str]:
    from cfsi_reports.pdf.flowables import Para
    from cfsi_reports.pdf.styles import Styles

    para = Para(text, Styles(theme, screen=False, language="fr-FR")[style])
    para.wrap(width, 10_000)
    out = []
    for line in para.blPara.lines:
        words = line[1] if isinstance(line, tuple) else ["".join(w.text for w in line.words)]
        out.append(" ".join(str(w) for w in words))
    return out


def test_justified_text_hyphenates_french_elisions(theme: Theme) -> None:
    text = " ".join(["au service de l'intercommunalité et d'accompagnement"] * 12)
    ends = [line for w in range(120, 260, 7) for line in _lines(text, "body", w, theme)[:-1]]
    assert any(re.search(r"[ld]'\w+-$", line) for line in ends), "elisions never hyphenated"


def test_no_line_ends_on_a_hyphen_of_the_text(theme: Theme) -> None:
    """pdftotext drops a line-end hyphen: Ile-de-France must never break at its hyphens."""
    text = " ".join(["Ile-de-France, suivi-évaluation et Nord-Pas-de-Calais"] * 10)
    for style in ("body", "sidebar_text"):
        for width in range(90, 260, 5):
            for line in _lines(text, style, width, theme)[:-1]:
                last = line.split()[-1]
                assert not re.search(r"(Ile|de|suivi|Nord|Pas)-$", last), (style, width, line)


def test_a_long_word_is_never_cut_just_after_its_hyphens(theme: Theme) -> None:
    url = "https://example.org/" + "-".join(["motsansespace"] * 8) + "?q=" + "x" * 40
    for style in ("body", "sidebar_text"):
        for width in range(100, 320, 3):
            lines = _lines(f"Voir {url} pour tout savoir.", style, width, theme)
            assert not any(line.endswith("-") for line in lines[:-1]), (style, width, lines)
            assert squash("".join(lines)) == squash(f"Voir {url} pour tout savoir.")


def test_titles_are_never_hyphenated(theme: Theme) -> None:
    text = "Coopérer autrement en acteurs de changement internationalement"
    for style in ("cover_title", "action_title", "heading1", "heading2", "sidebar_text"):
        for width in range(80, 300, 9):
            assert not any(x.endswith("-") for x in _lines(text, style, width, theme)), style


# -- structure (tagged PDF) ----------------------------------------------------------------


def _elements(pdf: pikepdf.Pdf) -> list[tuple[int, str, dict[str, str]]]:
    """Return (depth, role, {T, Alt}) of every structure element, in reading order."""
    out: list[tuple[int, str, dict[str, str]]] = []

    def walk(node: Any, depth: int) -> None:
        kids = node.get("/K")
        if kids is None:
            return
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                info = {k: str(kid[f"/{k}"]) for k in ("T", "Alt") if f"/{k}" in kid}
                out.append((depth, str(kid.S)[1:], info))
                walk(kid, depth + 1)

    walk(pdf.Root.StructTreeRoot, 0)
    return out


def test_brochure_is_tagged_in_reading_order(
    seed_print: Rendered, seed_screen: Rendered, theme: Theme
) -> None:
    view, loc = view_of(seed_print, theme), theme.locale("fr")
    for rendered in (seed_print, seed_screen):
        with pikepdf.open(rendered.path) as pdf:
            assert bool(pdf.Root.MarkInfo.Marked) is True
            elements = _elements(pdf)
        roles = [role for _, role, _ in elements]
        sects = [info.get("T") for _, role, info in elements if role == "Sect"]
        extra = annexes(view)
        end = -1 - extra
        assert sects[-len(view.actions) + end : end] == [a.title for a in view.actions]
        # + the group of action entries, and the back matter's group and entries
        assert roles.count("TOCI") == 3 + len(view.actions) + (extra + 1 if extra else 0)
        assert roles.count("Link") == 2 + len(view.actions) + extra
        # cover, intro, contents, overview, the actions, the back matter
        assert roles.count("H1") == 4 + len(view.actions) + extra
        assert {"H2", "P", "L", "LI", "Lbl", "LBody", "Reference"} <= set(roles)
        figures = [info.get("Alt", "") for _, role, info in elements if role == "Figure"]
        # The cover's map (no cover picture), the overview's, the chart, then each action's
        # locator map (test_maps.py).
        maps = [f for f in figures if f.startswith("Carte : ")]
        assert figures == [maps[0], maps[1], chart_alt(view, loc), *maps[2:]]
        assert maps[0] == maps[1]  # the same countries: the programme's
        assert len(maps) == 2 + sum(1 for a in view.actions if a.codes)


def chart_alt(view: Any, loc: Any) -> str:
    from cfsi_reports.pdf.chart import alt_text

    return alt_text(view.actions, loc)


def test_photo_is_a_figure_with_its_alt_text(edge: Rendered) -> None:
    with pikepdf.open(edge.path) as pdf:
        alts = [info.get("Alt") for _, role, info in _elements(pdf) if role == "Figure"]
    assert "Atelier de formation" in alts


def test_pdfua_checker_finds_nothing(seed_print: Rendered, edge: Rendered) -> None:
    validate = pytest.importorskip("pdfua").validate
    for rendered in (seed_print, edge):
        report = validate(str(rendered.path))
        assert [f"{f.rule_id}: {f.message}" for f in report.findings] == []


def test_a_heading_never_ends_a_column(theme: Theme) -> None:
    from cfsi_reports.pdf.columns import fill
    from cfsi_reports.pdf.factory import Factory
    from cfsi_reports.pdf.styles import Styles

    make = Factory(Styles(theme, screen=False, language="fr-FR"), str, "-", 0.35)
    text = "Une phrase de remplissage pour occuper la colonne. " * 6
    for height in range(150, 400, 7):
        items = [make.para(text, "body"), make.para("Le projet", "heading2", "H2")]
        items.append(make.para(text, "body"))
        column = fill(items, 300, height, force=True)
        last = column.placed[-1][0]
        assert last.role != "H2", height  # the heading went on with its paragraph
        assert all(p.role == "P" for p in column.rest[1:]), height


def test_hyphenation_spares_names_and_short_pieces() -> None:
    from cfsi_reports.pdf.styles import hyphenator

    pairs = hyphenator("fr")
    assert list(pairs("Genève")) == [] and list(pairs("d'Amérique")) == []
    breaks = list(pairs("internationale"))
    assert breaks and all(len(head) >= 3 and len(tail) >= 3 for head, tail in breaks)
    # A foreign word of the locale: English breaks, or none at all without English patterns.
    foreign = frozenset({"empowerment"})
    assert list(hyphenator("fr", foreign)("(empowerment),")) == []
    english = [head for head, _ in hyphenator("fr", foreign, "en_US")("empowerment")]
    assert english and set(english) <= {"empow", "empower"}, english
