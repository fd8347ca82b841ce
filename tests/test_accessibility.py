"""Accessible and archival brochure (issue 7): tagged PDF/UA-1 and PDF/A-2b, read back.

Four brochures are checked the same way: the seed content for print and for screen,
and a content set written here that nobody designed the layout for (Vietnamese place
names, `&` and `<` in the text, an action whose sidebar and main column both run over
several pages, a photo with its alternative text, emphasis, numbered and bullet
lists), also for print and for screen. Each is read back from its bytes: the
structure tree, the marked content of every page content stream, the metadata, and
what two independent PDF/UA checkers (pdfua, page-validation) report. The PDF/A-2b
print file is made by the command line, as a user would, and checked by pikepdf's
PDF/A validator and page-validation.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from click.testing import CliRunner

from cfsi_reports import maps
from cfsi_reports import typography as ty
from cfsi_reports.checks import check
from cfsi_reports.cli import main
from cfsi_reports.content import Content, load_content
from cfsi_reports.i18n import Locale
from cfsi_reports.pdf import render_brochure
from cfsi_reports.pdf.chart import alt_text
from cfsi_reports.pdf.flowables import pdf_text
from cfsi_reports.pdf.tagging import pdfa
from cfsi_reports.present import Presenter, ProgrammeView
from cfsi_reports.theme import Theme
from conftest import CONTENT, annexes, in_order, require_tool, run_tool, seed_lines, squash
from helpers.content import action as new_action
from helpers.content import write_content
from helpers.lines import plain_lines
from helpers.pdf import Elem, PageScan, Scanner, number_tree, read_tree
from helpers.pdfa import check_pdfa2b

EPOCH = 1_700_000_000  # 2023-11-14T22:13:20Z
SHY = "\u00ad"
DOCS = ["seed-print", "seed-screen", "unseen-print", "unseen-screen"]

# -- the unseen content set, written as YAML files like a user would ---------------------

VIET = ["Thừa Thiên Huế", "Đà Nẵng", "Quảng Nam", "Hội An"]
PHOTO_ALT = "Des femmes trient du riz sur une natte, devant une maison de Thừa Thiên Huế"
MARKUP = "a < b & c > d : <b>pas une balise</b> & &amp; restent du texte"


def _long_project() -> str:
    paragraphs = [
        f"Étape {n} : les coopératives de {VIET[n % 4]} et leurs partenaires français "
        "comparent leurs pratiques de stockage, de transformation et de vente ; chaque "
        "étape donne lieu à un compte rendu partagé avec les habitants, les élus et les "
        f"services techniques (repère n°{n})."
        for n in range(1, 31)
    ]
    return "\n\n".join(paragraphs)


UNSEEN_PROGRAMME: dict[str, Any] = {
    "title": "Rizières & mangroves : coopérer <autrement> au Viêt Nam",
    "subtitle": "Trois actions entre Thừa Thiên Huế et la Bretagne",
    "publisher": "Collectif « Mê Kông » & associés",
    "intro": (
        "Un programme *court* mais **dense**, écrit pour éprouver la mise en page : "
        f"{MARKUP}.\n\n"
        "Il poursuit trois objectifs :\n\n"
        "1. relier les coopératives de Thừa Thiên Huế et de Bretagne ;\n"
        "2. **former** des animatrices ;\n"
        "3. partager les résultats.\n\n"
        "- des échanges de pratiques\n"
        "- des visites croisées"
    ),
}


def _action(title: str, **fields: Any) -> dict[str, Any]:
    """An action of the unseen set: Vietnamese places, countries, both kinds of beneficiaries."""
    unseen: dict[str, Any] = {
        "regions": "Viêt Nam / France",
        "countries": ["VN", "FR"],
        "lead": "Association Rizières & Co",
        "partners": ["Coopérative de Phú Vang", "Maison familiale rurale de Loudéac"],
        "locations": VIET[:2],
        "beneficiaries": {"direct": "120 familles", "indirect": "2 000 habitants"},
        "duration_months": 24,
        "funding": {"budget": 85400, "granted": 42700},
        "project": "Un projet *modeste*, conduit avec les coopératives.",
        "expected_results": ["des revenus plus réguliers", "une filière **reconnue**"],
        "activities": ["ateliers de transformation", "visites d'échange"],
    }
    return new_action(title, **{**unseen, **fields})


UNSEEN_ACTIONS: list[dict[str, Any]] = [
    _action(
        "Du riz & des poissons à Thừa Thiên Huế",
        locations=VIET,
        photo={"file": "photos/natte.jpg", "alt": PHOTO_ALT, "credit": "Collectif « Mê Kông »"},
        project=(
            f"Le projet part d'un constat simple : {MARKUP}.\n\n"
            "Il se déroule en trois temps :\n\n"
            "1. *diagnostic* partagé ;\n"
            "2. **expérimentation** dans deux villages ;\n"
            "3. restitution publique."
        ),
    ),
    _action(
        "Une action très longue, dont la colonne latérale et le texte continuent sur "
        "plusieurs pages",
        partners=[f"Coopérative n°{n} de {VIET[n % 4]}" for n in range(1, 71)],
        locations=[f"Commune {n} de {VIET[n % 4]}" for n in range(1, 21)],
        funding={"budget": 312500, "granted": 150000},
        project=_long_project(),
        expected_results=[f"résultat attendu n°{n}, mesuré chaque année" for n in range(1, 13)],
        activities=[f"activité n°{n} avec les partenaires" for n in range(1, 13)],
    ),
    _action("Minimale < 3 & rien d'autre", funding={"budget": 9000, "granted": 4500}),
]


def _write_unseen(root: Path) -> Content:
    from PIL import Image

    write_content(root, UNSEEN_ACTIONS, UNSEEN_PROGRAMME)
    (root / "photos").mkdir()
    image = Image.new("RGB", (600, 400))
    image.putdata(
        [((x * 3) % 256, (x + y) % 256, (y * 5) % 256) for y in range(400) for x in range(600)]
    )
    image.save(root / "photos" / "natte.jpg", "JPEG", quality=85)
    return load_content(root)


@dataclass
class Doc:
    """A rendered brochure and what was made from it."""

    name: str
    path: Path
    data: bytes
    content: Content
    theme: Theme
    screen: bool

    @cached_property
    def pdf(self) -> pikepdf.Pdf:
        return pikepdf.open(io.BytesIO(self.data))

    @cached_property
    def scans(self) -> list[PageScan]:
        scanner = Scanner()
        return [scanner.page(page) for page in self.pdf.pages]

    @cached_property
    def tree(self) -> Elem:
        return read_tree(self.pdf)

    @cached_property
    def loc(self) -> Locale:
        return self.theme.locale(self.content.programme.language)

    @cached_property
    def view(self) -> ProgrammeView:
        return Presenter(self.loc).programme(self.content)

    def text(self, elem: Elem, *, figures: bool = False) -> str:
        """Return the text of an element as a reader meets it: a Figure reads as its Alt."""
        if elem.role == "Figure" and not figures:
            return (elem.alt or "") + "\n"
        parts = []
        for kid in elem.kids:
            if isinstance(kid, Elem):
                parts.append(self.text(kid, figures=figures))
            elif kid[0] != "objr":
                parts.append(self.scans[kid[0]].marked[kid[1]].text)
        return "".join(parts)

    def action_sects(self) -> list[Elem]:
        """Return the Sect of each action: the Document's Sects titled with action titles."""
        titles = {pdf_text(a.title) for a in self.view.actions}
        return [k for k in self.tree.kids if k.role == "Sect" and k.title in titles]


def _render(content: Content, theme: Theme, folder: Path, name: str, screen: bool) -> Doc:
    data, _pages = render_brochure(content, theme, screen=screen, epoch=EPOCH)
    path = folder / f"{name}.pdf"
    path.write_bytes(data)
    return Doc(name, path, data, content, theme, screen)


@pytest.fixture(scope="session")
def unseen_content(theme: Theme, tmp_path_factory: Any) -> Content:
    content = _write_unseen(tmp_path_factory.mktemp("unseen") / "content")
    check(content, theme)  # the fonts draw every character, Vietnamese included
    return content


@pytest.fixture(scope="session")
def docs(seed_content: Content, unseen_content: Content, theme: Theme, tmp_path_factory: Any):
    """Return a function giving each rendered brochure by name, rendered once."""
    folder = tmp_path_factory.mktemp("accessibility")
    made: dict[str, Doc] = {}

    def get(name: str) -> Doc:
        if name not in made:
            which, kind = name.split("-")
            content = seed_content if which == "seed" else unseen_content
            made[name] = _render(content, theme, folder, name, kind == "screen")
        return made[name]

    return get


@pytest.fixture(params=DOCS)
def doc(request: pytest.FixtureRequest, docs: Any) -> Doc:
    return docs(request.param)


# -- the unseen content really is what it claims to be -------------------------------------


def test_unseen_action_runs_over_pages_in_both_columns(docs: Any) -> None:
    doc = docs("unseen-print")
    long = doc.action_sects()[1]
    sidebar_pages = {k[0] for e in long.iter() for k in e.mcrs() if _in_sidebar(doc, long, e)}
    main_pages = {k[0] for e in long.iter() for k in e.mcrs() if _in_main(doc, long, e)}
    assert len(sidebar_pages) >= 2, "the sidebar of the long action should continue"
    assert len(main_pages) >= 3, "the main column of the long action should continue"
    assert sidebar_pages & main_pages == sidebar_pages, "both columns share their pages"


# -- pdfinfo ----------------------------------------------------------------------------------


def test_pdfinfo_says_tagged_and_shows_the_title(doc: Doc) -> None:
    require_tool("pdfinfo")
    info = run_tool("pdfinfo", doc.path)
    assert re.search(r"^Tagged:\s+yes$", info, re.M), info
    title = re.search(r"^Title:\s+(.*)$", info, re.M)
    assert title is not None and title.group(1) == pdf_text(doc.view.title)


# -- structure tree ---------------------------------------------------------------------------


def test_root_is_document_with_one_sect_per_action_in_order(doc: Doc) -> None:
    tree = doc.tree
    assert tree.role == "Document"
    assert all(k.role == "Sect" for k in tree.kids if isinstance(k, Elem))
    sects = doc.action_sects()
    assert [s.title for s in sects] == [pdf_text(a.title) for a in doc.view.actions]
    # Cover, introduction, contents, overview, the actions in a row, the back matter
    # (partners, glossary), the back cover.
    positions = [tree.kids.index(s) for s in sects]
    assert positions == list(range(4, 4 + len(sects)))
    assert len(tree.kids) == 5 + len(sects) + annexes(doc.view)


def test_every_action_title_is_an_h1_in_order(doc: Doc) -> None:
    h1s = [squash(doc.text(h)) for h in doc.tree.find("H1")]
    titles = [squash(a.title) for a in doc.view.actions]
    assert [t for t in h1s if t in titles] == titles
    for sect, action in zip(doc.action_sects(), doc.view.actions, strict=True):
        assert [squash(doc.text(h)) for h in sect.find("H1")] == [squash(action.title)]
        # The kicker ("Action n · regions") and then the title open the section.
        assert [k.role for k in sect.kids[:2]] == ["P", "H1"]
    # Cover, introduction, contents and overview headings come first, the back matter's last.
    assert len(h1s) == 4 + len(titles) + annexes(doc.view)


def test_every_heading_marks_its_text_in_one_sequence(doc: Doc) -> None:
    # A heading is drawn in one marked-content sequence, so its /K is one MCID. (pdfua
    # 0.1.3's rule UA-14-001 crashes on a heading whose /K is an array.)
    for heading in [*doc.tree.find("H1"), *doc.tree.find("H2")]:
        assert isinstance(heading.obj.K, int), squash(doc.text(heading))
        assert doc.text(heading).strip()


def test_section_headings_are_h2_in_order(doc: Doc) -> None:
    for sect, action in zip(doc.action_sects(), doc.view.actions, strict=True):
        headings = [f.heading for f in action.facts] + [s.heading for s in action.sections]
        found = [squash(doc.text(h)) for h in sect.find("H2")]
        assert found == [squash(h) for h in headings], action.slug
    overview_h2 = [squash(doc.text(h)) for h in doc.tree.kids[3].find("H2")]
    assert overview_h2 == [squash(doc.loc.label("chart_title"))]


def test_lists_have_items_labels_and_bodies(doc: Doc) -> None:
    lists = doc.tree.find("L")
    assert lists or not doc.name.startswith(("seed", "unseen"))
    for lst in lists:
        assert lst.kids and all(isinstance(k, Elem) and k.role == "LI" for k in lst.kids)
        for item in lst.kids:
            assert [k.role for k in item.kids] == ["Lbl", "LBody"]
            assert doc.text(item.kids[1]).strip(), "an empty list item"
        numbering = str(lst.obj.A.ListNumbering)
        labels = [doc.text(item.kids[0]).strip() for item in lst.kids]
        if numbering == "/Decimal":
            start = int(labels[0].rstrip("."))
            assert labels == [f"{n}." for n in range(start, start + len(labels))]
        else:
            assert numbering == "/Disc" and set(labels) == {"-"}
    numberings = {str(lst.obj.A.ListNumbering) for lst in lists}
    if doc.name.startswith("unseen"):
        assert numberings == {"/Disc", "/Decimal"}


def test_emphasis_and_markup_characters_stay_in_their_paragraph(docs: Any) -> None:
    doc = docs("unseen-print")
    paragraphs = [squash(doc.text(p)) for p in doc.tree.find("P")]
    # *court* and **dense** are spans of one P, and `&`, `<`, `<b>` read as typed.
    lead = "Un programme court mais dense, écrit pour éprouver la mise en page : " + MARKUP + "."
    assert squash(lead) in paragraphs
    bold = [squash(doc.text(b)) for b in doc.tree.find("LBody")]
    assert squash("former des animatrices ;") in bold


def test_every_figure_has_alternative_text(doc: Doc) -> None:
    figures = doc.tree.find("Figure")
    assert figures
    for figure in figures:
        assert figure.alt and figure.alt.strip(), "a Figure without /Alt"
        assert figure.mcrs(), "a Figure with no content"
    alts = [f.alt for f in figures]
    chart = alt_text(doc.view.actions, doc.loc)
    assert chart in alts
    # Generated in French from the data: every action's title and budget in words.
    assert chart.startswith("Graphique en barres : budget et financement accordé")
    for action in doc.view.actions:
        assert action.title.replace("\u202f", "\u00a0") in chart
        assert ty.money(action.budget, doc.loc).replace("\u202f", "\u00a0") in chart
    if doc.name.startswith("unseen"):
        assert PHOTO_ALT in alts
        photo = next(f for f in figures if f.alt == PHOTO_ALT)
        x0, y0, x1, y1 = (float(v) for v in photo.obj.A.BBox)
        assert x1 - x0 > 100 and y1 - y0 > 50, "the photo's Layout BBox"


def test_the_chart_alt_says_the_budgets_of_the_data(docs: Any) -> None:
    doc = docs("unseen-print")
    (chart,) = [
        f.alt
        for f in doc.tree.find("Figure")
        if f.alt != PHOTO_ALT and not (f.alt or "").startswith(_map_alt(doc))
    ]
    assert chart is not None
    for words in (
        "pour chacune des 3 actions pilotes",
        "Du riz & des poissons à Thừa Thiên Huế : budget 85 400 €, financement accordé 42 700 €",
        "budget 312 500 €, financement accordé 150 000 €",
        "Minimale < 3 & rien d'autre : budget 9 000 €",
    ):
        assert squash(words) in squash(chart), words


def test_contents_entries_are_links_with_their_annotations(doc: Doc) -> None:
    tocs = doc.tree.find("TOC")
    top = tocs[0]
    assert top.parent is not None and top.parent.role == "Sect"
    assert all(k.role == "TOCI" for toc in tocs for k in toc.kids if isinstance(k, Elem))
    entries = [t for t in top.find("TOCI") if any(k.role == "Reference" for k in t.kids)]
    assert len(entries) == 2 + len(doc.view.actions) + annexes(doc.view)
    parent_tree = number_tree(doc.pdf.Root.StructTreeRoot.ParentTree)
    annots = [a for p in doc.pdf.pages for a in p.obj.get("/Annots", [])]
    links = doc.tree.find("Link")
    assert len(links) == len(annots) == len(entries)
    for entry, link in zip(entries, links, strict=True):
        assert link.parent is not None and link.parent.parent is entry
        (annot,) = link.objrs()
        assert annot.Subtype == pikepdf.Name.Link
        assert parent_tree[int(annot.StructParent)].objgen == link.obj.objgen
        # The link's own text is the entry's title, which its /Contents repeats.
        assert squash(doc.text(link)) == squash(str(annot.Contents))
        assert link.parent.role == "Reference"
    titles = [squash(doc.text(link)) for link in links[2 : 2 + len(doc.view.actions)]]
    assert titles == [squash(a.title) for a in doc.view.actions]
    for page in doc.pdf.pages:
        if page.obj.get("/Annots"):
            assert page.obj.Tabs == pikepdf.Name.S


# -- reading order ----------------------------------------------------------------------------


def _first_main(doc: Doc, sect: Elem) -> int:
    """Return the index in sect.kids of the main column's first element."""
    action = next(a for a in doc.view.actions if pdf_text(a.title) == sect.title)
    first = squash(action.sections[0].heading)
    for i, kid in enumerate(sect.kids):
        photo = kid.role == "Figure" and not (kid.alt or "").startswith(_map_alt(doc))
        if photo or (kid.role == "H2" and squash(doc.text(kid)) == first):
            return i
    raise AssertionError(f"{action.slug}: no main column")


def _map_alt(doc: Doc) -> str:
    """Return how a map's alternative text begins (« Carte : »): maps sit in the sidebar."""
    return doc.loc.format("map_alt", countries="")


def _top_kid(sect: Elem, elem: Elem) -> int | None:
    node: Elem | None = elem
    while node is not None and node.parent is not sect:
        node = node.parent
    return sect.kids.index(node) if node is not None else None


def _in_sidebar(doc: Doc, sect: Elem, elem: Elem) -> bool:
    i = _top_kid(sect, elem)
    return i is not None and 2 <= i < _first_main(doc, sect)


def _in_main(doc: Doc, sect: Elem, elem: Elem) -> bool:
    i = _top_kid(sect, elem)
    return i is not None and i >= _first_main(doc, sect)


def test_each_action_reads_in_the_order_it_is_written(doc: Doc) -> None:
    for sect, action in zip(doc.action_sects(), doc.view.actions, strict=True):
        text = doc.text(sect)
        lines = plain_lines(action, doc.loc)
        assert in_order(lines, text) == [], action.slug
        # Nothing but the kicker's label, list marks and a photo's alt and credit is
        # added: the section reads the action's lines and nothing else.
        extra = squash(text)
        for line in lines:
            extra = extra.replace(squash(line), "", 1)
        kicker = squash(doc.loc.label("action_number").format(n=action.number))
        extra = extra.replace(kicker, "", 1).replace("-", "")
        if action.codes:  # the locator map reads as its alternative text
            extra = extra.replace(squash(maps.alt_text(action.codes, doc.loc)), "", 1)
        if action.photo is not None:
            extra = extra.replace(squash(action.photo.alt), "", 1)
            extra = extra.replace(squash(action.photo.credit or ""), "", 1)
        assert re.sub(r"[\d.·•|:–—]", "", extra) == "", (action.slug, extra[:200])


def test_the_seed_reads_in_the_order_of_the_seed_text(docs: Any) -> None:
    for name in ("seed-print", "seed-screen"):
        doc = docs(name)
        assert in_order(seed_lines(), doc.text(doc.tree)) == [], name


def test_tree_order_is_drawing_order_and_columns_read_top_down(doc: Doc) -> None:
    # On every page, the tree meets the page's marked content in the order it is drawn.
    seen: dict[int, list[int]] = {}
    for elem in doc.tree.iter():
        for page, mcid in elem.mcrs():
            seen.setdefault(page, []).append(mcid)
    for page, mcids in seen.items():
        assert mcids == sorted(mcids), f"page {page + 1}: tree order is not drawing order"
    # In an action, each column reads from the top of the page down; the sidebar is left
    # of the main column, and is read first.
    for sect in doc.action_sects():
        columns: dict[tuple[int, str], list[tuple[float, float]]] = {}
        for elem in sect.iter():
            if elem.role == "Figure":
                continue
            side = _in_sidebar(doc, sect, elem)
            if not side and not _in_main(doc, sect, elem):
                continue
            for page, mcid in elem.mcrs():
                origin = doc.scans[page].marked[mcid].origin
                if origin is not None:
                    columns.setdefault((page, "side" if side else "main"), []).append(origin)
        for (page, col), origins in columns.items():
            ys = [round(y, 1) for _x, y in origins]
            assert ys == sorted(ys, reverse=True), f"{sect.title}: page {page + 1} {col}"
            other = columns.get((page, "main"))
            if col == "side" and other:
                assert max(x for x, _ in origins) < min(x for x, _ in other)


# -- marked content ---------------------------------------------------------------------------


def test_every_mcid_belongs_to_the_tree(doc: Doc) -> None:
    owners: dict[tuple[int, int], Elem] = {}
    for elem in doc.tree.iter():
        for ref in elem.mcrs():
            assert ref not in owners, f"MCID {ref} in two elements"
            owners[ref] = elem
    drawn = {(i, m) for i, scan in enumerate(doc.scans) for m in scan.marked}
    assert drawn == set(owners), "marked content outside the tree, or the tree points at none"
    parent_tree = number_tree(doc.pdf.Root.StructTreeRoot.ParentTree)
    for i, page in enumerate(doc.pdf.pages):
        if not doc.scans[i].marked:  # the blank page before the back cover
            assert "/StructParents" not in page.obj
            continue
        refs = parent_tree[int(page.obj.StructParents)]
        assert len(refs) == len(doc.scans[i].marked)
        for mcid, ref in enumerate(refs):
            owner = owners[(i, mcid)]
            assert ref.objgen == owner.obj.objgen
            assert owner.role == doc.scans[i].marked[mcid].tag
    assert int(doc.pdf.Root.StructTreeRoot.ParentTreeNextKey) > max(parent_tree)


def test_everything_painted_is_content_or_artifact(doc: Doc) -> None:
    for i, scan in enumerate(doc.scans):
        assert scan.errors == [], f"page {i + 1}: {scan.errors[:5]}"
        if not scan.marked:  # a notes page or a blank page: no content, a heading at most
            notes = doc.theme.locale("fr").label("notes_title")
            assert scan.artifact_text == [] or notes in scan.artifact_text, f"page {i + 1}"
            continue
        assert scan.painted["tagged"] and scan.painted["artifact"], f"page {i + 1}"
    blank = [i for i, scan in enumerate(doc.scans) if not scan.marked]
    # Only pages just before the back cover may hold no content (print pads to whole
    # sheets with notes pages, never with a blank page).
    assert not any(doc.scans[i].artifact_text == [] for i in blank), "a blank page"
    last = len(doc.scans) - 1
    assert blank == list(range(last - len(blank), last)), "blank pages only before the back"
    # Running heads and folios are artifacts, never content.
    title = squash(doc.view.title)[:20]
    for number, scan in enumerate(doc.scans[1:-1], 2):
        if not scan.marked:
            continue
        assert title in squash("".join(scan.artifact_text)), f"page {number}: running head"
        assert str(number) in [t.strip() for t in scan.artifact_text], f"page {number}: folio"


def test_the_scanner_follows_form_xobjects() -> None:
    # The brochure draws no form XObject today; a form painted outside marked content,
    # or holding an MCID of its own, would be caught.
    pdf = pikepdf.new()
    pdf.add_blank_page()
    form = pdf.make_stream(b"0 0 10 10 re f", Type=pikepdf.Name.XObject,
                           Subtype=pikepdf.Name.Form, BBox=[0, 0, 10, 10])  # fmt: skip
    page = pdf.pages[0]
    page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Fm1=form))
    page.obj.Contents = pdf.make_stream(b"/Fm1 Do /Artifact BMC /Fm1 Do EMC")
    scan = Scanner().page(page)
    assert scan.forms == 2
    assert scan.errors == ["Do outside marked content", "f outside marked content"]


# -- metadata ---------------------------------------------------------------------------------


def test_metadata_agrees_with_the_document_info(doc: Doc) -> None:
    pdf = doc.pdf
    root = pdf.Root
    assert root.MarkInfo.Marked is True
    assert str(root.Lang) == "fr-FR"
    assert root.ViewerPreferences.DisplayDocTitle is True
    info = pdf.docinfo
    title = doc.view.title.replace("\u202f", "\u00a0")
    assert str(info.Title) == title
    meta = pdf.open_metadata()  # read only: leaving `with` would rewrite Info
    assert meta["dc:title"] == str(info.Title)
    if doc.view.publisher:
        assert str(info.Author) == doc.view.publisher.replace("\u202f", "\u00a0")
        assert meta["dc:creator"] == [str(info.Author)]
    else:
        assert "/Author" not in info and "dc:creator" not in meta
    assert meta["dc:description"] == str(info.Subject)
    assert meta["pdf:Keywords"] == str(info.Keywords)
    assert meta.get("pdf:Producer") == (str(info.Producer) if "/Producer" in info else None)
    assert meta["xmp:CreatorTool"] == str(info.Creator)
    assert set(meta["dc:language"]) == {"fr-FR"}
    assert meta["xmp:CreateDate"] == meta["xmp:ModifyDate"] == "2023-11-14T22:13:20+00:00"
    assert meta["pdfuaid:part"] == "1"
    assert str(info.CreationDate) == str(info.ModDate) == "D:20231114221320+00'00'"
    assert "/OutputIntents" not in root  # PDF/A only on request


# -- checkers ---------------------------------------------------------------------------------


def _pdfua(path: Path) -> dict[str, Any]:
    """Run the pdfua command line (pdfua 0.1.3) and return its JSON report."""
    pytest.importorskip("pdfua", reason="pdfua is not installed (pip install pdfua)")
    done = subprocess.run(
        [sys.executable, "-m", "pdfua", "check", "--format", "json", str(path)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    report = json.loads(done.stdout)
    report["returncode"] = done.returncode
    return report


def test_pdfua_command_reports_nothing(doc: Doc) -> None:
    report = _pdfua(doc.path)
    assert report["findings"] == []
    assert report["skipped"] == [], "a rule crashed (UA-14-001 does on some headings)"
    assert report["summary"]["rules_run"] >= 12
    assert report["returncode"] == 0


def test_page_validation_pdfua1_passes(doc: Doc) -> None:
    page = pytest.importorskip("page", reason="page-validation is not installed (pip)")
    report = page.validate_pdf_bytes(doc.data, profile="ua1")
    assert [f"{f.rule_id}: {f.message}" for f in report.failures] == []
    assert report.is_compliant


# -- soft hyphens -----------------------------------------------------------------------------


def test_hyphenated_line_ends_extract_as_soft_hyphens(docs: Any) -> None:
    doc = docs("seed-print")
    text = run_tool(require_tool("pdftotext"), "-enc", "UTF-8", doc.path, "-")
    source = " ".join(seed_lines())
    words = set(re.findall(r"[\w'’-]+", source))
    soft = re.findall(rf"([\w'’-]+){SHY}\n\s*([\w'’-]+)", text)
    assert len(soft) >= 10, "the justified seed text should be hyphenated"
    for head, tail in soft:
        word = (head + tail).replace("’", "'")  # the source types ', the brochure prints ’
        assert word in words or any(w.startswith(word) for w in words), (head, tail)
    # A hard hyphen at a line end is one of the source's own hyphens.
    hyphenated = set(re.findall(r"\w+-\w+", source))
    for head, tail in re.findall(r"(\w+)-\n\s*(\w+)", text):
        assert f"{head}-{tail}" in hyphenated, f"{head}-{tail} is not in the seed"
    # And U+00AD only ever stands at a line end.
    assert not re.search(rf"{SHY}[^\n]", text)


# -- PDF/A-2b, from the command line ----------------------------------------------------------


def _system_icc() -> Path:
    try:
        return pdfa.find_cmyk_icc()
    except pdfa.IccProfileNotFound as e:
        pytest.skip(f"SKIPPED LOUDLY: no CMYK ICC profile on this machine: {e}")


def _build(out: Path, *extra: str, content: Path = CONTENT) -> Any:
    args = ["build", "--content", str(content), "--output", str(out), "--format", "pdf"]
    return CliRunner().invoke(main, [*args, "--pdf-standard", "a-2b", "-j", "1", "-q", *extra])


@pytest.fixture(scope="session")
def archival(tmp_path_factory: Any) -> tuple[bytes, bytes, Path]:
    """Build the seed brochure as PDF/A-2b twice; return both print files and the profile."""
    icc = _system_icc()
    files = []
    for run in ("a", "b"):
        out = tmp_path_factory.mktemp(f"pdfa-{run}")
        result = _build(out)
        assert result.exit_code == 0, result.output
        files.append((out / "brochure.pdf").read_bytes())
    return files[0], files[1], icc


def test_pdfa2b_passes_pikepdf_and_page(archival: tuple[bytes, bytes, Path]) -> None:
    pytest.importorskip("jsonschema", reason="pikepdf[pdfa] extras are not installed")
    from pikepdf.pdfa import validate_written

    data = archival[0]
    report = validate_written(io.BytesIO(data), "2b")
    assert [str(f) for f in report.findings] == []
    assert report.passed and report.output_intent == "CMYK"
    checked = check_pdfa2b(data)
    assert checked.findings.get("page", []) == [] and checked.passed


def test_pdfa2b_is_cmyk_print_and_still_tagged(
    archival: tuple[bytes, bytes, Path], docs: Any
) -> None:
    data, _again, icc = archival
    plain = docs("seed-print")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == pikepdf.Name.GTS_PDFA1
        assert int(intent.DestOutputProfile.N) == 4
        assert intent.DestOutputProfile.read_bytes() == icc.read_bytes()
        meta = pdf.open_metadata()  # read only: leaving `with` would rewrite Info
        assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "B"
        assert "pdfuaid:part" not in meta  # see docs/accessibility.md
        assert meta["dc:title"] == str(pdf.docinfo.Title)
        # Tagged as the plain print file is: same tree, same catalog entries.
        assert pdf.Root.MarkInfo.Marked is True and str(pdf.Root.Lang) == "fr-FR"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        roles = [e.role for e in read_tree(pdf).iter()]
        assert roles == [e.role for e in plain.tree.iter()]
        # Print boxes, fonts and colour as in the plain print file.
        for page, before in zip(pdf.pages, plain.pdf.pages, strict=True):
            for box in ("/MediaBox", "/TrimBox", "/BleedBox"):
                assert [float(v) for v in page.obj[box]] == [float(v) for v in before.obj[box]]
            ops = {str(op) for _o, op in pikepdf.parse_content_stream(page)}
            assert not ops & {"rg", "RG", "sc", "scn", "SC", "SCN"}, "colour outside DeviceCMYK"
            for font in page.Resources.Font.values():
                assert "/FontFile2" in font.FontDescriptor, font.BaseFont
            for xobject in page.Resources.get("/XObject", {}).values():
                if xobject.Subtype == pikepdf.Name.Form:  # a contents page number
                    for font in xobject.Resources.Font.values():
                        assert "/FontFile2" in font.FontDescriptor, font.BaseFont
                else:
                    assert xobject.ColorSpace == pikepdf.Name.DeviceCMYK
    scans = [Scanner().page(p) for p in pikepdf.open(io.BytesIO(data)).pages]
    assert all(scan.errors == [] for scan in scans)


def test_pdfa2b_is_pdfua_clean_except_the_missing_identification(
    archival: tuple[bytes, bytes, Path], tmp_path: Path
) -> None:
    path = tmp_path / "brochure.pdf"
    path.write_bytes(archival[0])
    report = _pdfua(path)
    # Without pdfuaid:part the file does not claim PDF/UA; nothing else is reported.
    assert [f["rule_id"] for f in report["findings"]] == ["UA-28-004"]
    assert "pdfuaid:part" in report["findings"][0]["message"] and report["skipped"] == []
    page = pytest.importorskip("page", reason="page-validation is not installed (pip)")
    failures = {f.rule_id for f in page.validate_pdf_bytes(archival[0], profile="ua1").failures}
    assert failures <= {"PDFUA1-ID-PART-001", "PDFUA1-ID-SCHEMA-001"}


def test_pdfa2b_rebuilds_byte_identical(archival: tuple[bytes, bytes, Path]) -> None:
    assert archival[0] == archival[1]


def test_icc_option_picks_that_profile(tmp_path: Path) -> None:
    source = Path("/usr/share/color/icc/ghostscript/ps_cmyk.icc")
    if not source.is_file():
        pytest.skip(
            "SKIPPED LOUDLY: ghostscript's ps_cmyk.icc is absent (apt-get install ghostscript)"
        )
    icc = tmp_path / "imprimeur.icc"
    shutil.copyfile(source, icc)
    result = _build(tmp_path / "out", "--icc", str(icc))
    assert result.exit_code == 0, result.output
    data = (tmp_path / "out" / "brochure.pdf").read_bytes()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        (intent,) = pdf.Root.OutputIntents
        assert intent.DestOutputProfile.read_bytes() == icc.read_bytes()
        assert str(intent.OutputConditionIdentifier) == "Artifex PS CMYK Profile"
    assert check_pdfa2b(data).passed


def test_no_profile_is_a_clear_usage_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(pdfa, "CMYK_ICC_CANDIDATES", ())
    monkeypatch.setattr(pdfa, "ICC_SEARCH_DIRS", (tmp_path / "empty",))
    out = tmp_path / "out"
    result = _build(out)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # handled: no traceback
    assert "Traceback" not in result.output
    assert "No usable CMYK ICC output profile" in result.output
    assert "apt-get install ghostscript" in result.output and "--icc FILE" in result.output
    assert not out.exists(), "nothing is written when the profile is missing"


def test_an_rgb_profile_is_refused(tmp_path: Path) -> None:
    rgb = Path("/usr/share/color/icc/ghostscript/srgb.icc")
    if not rgb.is_file():
        pytest.skip(
            "SKIPPED LOUDLY: ghostscript's srgb.icc is absent (apt-get install ghostscript)"
        )
    out = tmp_path / "out"
    result = _build(out, "--icc", str(rgb))
    assert result.exit_code == 2, result.output
    assert "not a CMYK output profile" in result.output
    assert not out.exists()


def test_an_object_stream_ending_with_cr_is_mended_not_uncompressed() -> None:
    from cfsi_reports.pdf.tagging.finish import _save, save_deterministic

    def make(n: int) -> pikepdf.Pdf:
        pdf = pikepdf.new()
        pdf.add_blank_page()
        pdf.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
        text = "a" * (n % 7) + "b" * (n // 7)  # sums of bytes of every residue mod 256
        pdf.Root.Extra = pdf.make_indirect(pikepdf.Dictionary(T=pikepdf.String(text)))
        return pdf

    # Find, deterministically, a document whose object stream data ends with CR.
    n = next(n for n in range(3000) if b"\r\nendstream" in _save(make(n)))
    pdf = make(n)
    data = save_deterministic(pdf)
    assert b"\r\nendstream" not in data
    with pikepdf.open(io.BytesIO(data)) as back:
        streams = [o for o in back.objects if isinstance(o, pikepdf.Stream)]
        assert any(o.get("/Type") == pikepdf.Name.ObjStm for o in streams)
        assert all("/Filter" in o for o in streams), "object streams stay compressed"
        # Mended in the file (tagging/streams.py): nothing numbered again, MarkInfo stays direct.
        assert back.Root.MarkInfo.Marked is True and not back.Root.MarkInfo.is_indirect
    assert save_deterministic(make(n)) == data


def test_the_chart_of_many_actions_says_how_many_more_within_a_pdf_string(tmp_path: Path) -> None:
    """500 sentences would pass PDF's 32 767-byte string (PDF/A-2 6.1.13): the rest counted."""
    from cfsi_reports.content import load_content
    from cfsi_reports.present import Presenter
    from cfsi_reports.theme import load_theme
    from helpers.content import action, write_content

    titles = [f"Action pilote numéro {i} pour l’essai d’un long graphique" for i in range(450)]
    root = write_content(tmp_path / "content", [action(t) for t in titles])
    loc = load_theme().locale("fr")
    view = Presenter(loc).programme(load_content(root))
    text = alt_text(view.actions, loc)
    assert len(text.encode("utf-16-be")) + 2 <= 32767
    plain = text.replace("’", "'").replace("\u00a0", " ")  # typeset: 12 pour is tied
    said = [t for t in titles if t.replace("’", "'") in plain]
    assert said == titles[: len(said)] and 100 < len(said) < len(titles)
    left = len(titles) - len(said)
    assert plain.endswith(f"Les chiffres des {left} autres actions figurent sur leurs pages.")
