"""Tagged PDF (PDF/UA-1) from ReportLab, and PDF/A-2b: read the output back and check it."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zlib
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib.colors import CMYKColor
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Preformatted, Spacer

from cfsi_reports.errors import UsageError
from cfsi_reports.pdf.printfile import find_icc
from cfsi_reports.pdf.tagging import (
    SHY,
    ListItem,
    StructElement,
    StructTree,
    TaggedCanvas,
    TaggedFigure,
    TaggedParagraph,
    TaggingError,
    UnembeddedFontError,
    artifact,
    canvasmaker,
    finish,
    pdfa,
    tag_flowable,
)
from cfsi_reports.pdf.tagging.finish import save_deterministic
from cfsi_reports.pdf.tagging.hyphen import _FRAG_HEADS, _WORD_HEADS
from conftest import require_tool
from helpers.pdf import Elem, elem_text, read_tree, scan_all
from helpers.pdfa import check_pdfa2b, make_pdfa2b

EPOCH = 1_700_000_000  # 2023-11-14T22:13:20Z
PAGE = (420.0, 595.0)  # A5
INK = CMYKColor(0, 0, 0, 1)
CYAN = CMYKColor(1, 0, 0, 0)

LONG = (
    "Comment adapter nos pratiques et actions de solidarité dans un monde où les enjeux "
    "économiques, sociaux, environnementaux sont souvent proches et les territoires "
    "interdépendants ? Comment à notre échelle être de véritables acteurs de changements ? "
    "Comment établir avec nos partenaires des relations qui reflètent véritablement nos "
    "valeurs d'équité, de partage, d'équilibre ? Ici et là-bas, des problématiques liées à "
    "l'insertion des jeunes, aux droits humains ou encore à la consommation se font échos. "
)


def _fonts() -> tuple[str, str]:
    """Register Source Sans Pro (regular, bold) once and return the two font names."""
    import font_source_sans_pro as fsp

    for name, key in (("TagSans", "SourceSansPro"), ("TagSans-Bold", "SourceSansProBold")):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, fsp.font_files_ttf[key]))
    return "TagSans", "TagSans-Bold"


REGULAR, BOLD = _fonts()
BODY = ParagraphStyle(
    "body", fontName=REGULAR, fontSize=10, leading=13, alignment=4,
    hyphenationLang="fr_FR", textColor=INK,
)  # fmt: skip
NARROW = ParagraphStyle("narrow", parent=BODY, rightIndent=170)
H1 = ParagraphStyle("h1", fontName=BOLD, fontSize=18, leading=22, spaceAfter=6, textColor=INK)
H2 = ParagraphStyle("h2", parent=H1, fontSize=13, leading=16)
TOC_STYLE = ParagraphStyle("toc", fontName=REGULAR, fontSize=10, leading=14, textColor=INK)
TITLES = ["Sommaire", "Le programme", "Les actions", "Les résultats"]


class _Doc(BaseDocTemplate):
    """Registers headings with the table of contents and bookmarks them."""

    def afterFlowable(self, flowable: Any) -> None:
        element = getattr(flowable, "struct", None)
        if isinstance(flowable, TaggedParagraph) and element and element.role in ("H1", "H2"):
            key = getattr(flowable, "key", None)
            if key:
                self.canv.bookmarkPage(key)
                level = int(element.role[1]) - 1
                self.notify("TOCEntry", (level, flowable.getPlainText(), self.page, key))


def _on_page(canvas: Any, doc: Any) -> None:
    """Running header and folio: page furniture, artifacts whether typed or not."""
    canvas.saveState()
    canvas.setFont(REGULAR, 8)
    canvas.setFillColor(INK)
    with artifact(canvas, "Pagination", "Header"):
        canvas.drawString(30, PAGE[1] - 24, "CFSI — Coopérer autrement")
    canvas.drawRightString(PAGE[0] - 30, 18, str(doc.page))  # default artifact
    canvas.setStrokeColor(CYAN)
    canvas.line(30, PAGE[1] - 28, PAGE[0] - 30, PAGE[1] - 28)
    canvas.restoreState()


def _para(tree: StructTree, text: str, style: ParagraphStyle, role: str = "P") -> TaggedParagraph:
    return TaggedParagraph(text, style, role=role, parent=tree.current)


def _heading(tree: StructTree, text: str, style: ParagraphStyle, role: str) -> TaggedParagraph:
    para = _para(tree, text, style, role)
    para.key = "sec-" + re.sub(r"\W+", "-", text.lower())
    return para


def _bullets(tree: StructTree, texts: list[str]) -> list[ListItem]:
    """A list: L > LI > Lbl + LBody, the mark hung in the indent."""
    group = tree.element("L", attributes={"List": {"ListNumbering": "/Disc"}})
    items = []
    for text in texts:
        li = group.add("LI")
        label = TaggedParagraph("\u2022", BODY, role="Lbl", struct=li.add("Lbl"))
        body = TaggedParagraph(text, BODY, role="LBody", struct=li.add("LBody"))
        items.append(ListItem(label, body, 14, 4))
    return items


def build(*, crop_marks: bool = False) -> tuple[bytes, StructTree]:
    """Build the sample brochure and return the ReportLab bytes and its structure tree."""
    tree = StructTree(lang="fr-FR")
    story: list[Any] = []
    with tree.group("Sect"):
        story.append(_heading(tree, TITLES[0], H1, "H1"))
        story.append(_para(tree, 'Aller <a href="#sec-les-actions">aux actions</a>.', BODY))
    with tree.group("Sect"):
        story.append(_heading(tree, TITLES[1], H1, "H1"))
        story.append(_para(tree, LONG * 3, NARROW))  # hyphenated in a narrow column
        story.append(
            _para(
                tree, 'Voir <a href="#sec-les-résultats">les résultats du programme</a> '
                'et <a href="https://www.cfsi.asso.fr/">le site du CFSI</a>.', BODY
            )
        )  # fmt: skip
        story.append(_para(tree, LONG * 9, BODY))  # long enough to split across pages
    with tree.group("Sect"):
        story.append(_heading(tree, TITLES[2], H1, "H1"))
        story.append(_heading(tree, "Une liste", H2, "H2"))
        story += _bullets(tree, [LONG, "Second élément, court.", "Troisième élément. " + LONG])
        drawing = Drawing(200, 80)
        drawing.add(Rect(0, 0, 200, 80, fillColor=CYAN, strokeColor=None))
        drawing.add(String(10, 30, "70 partenaires", fontName=BOLD, fontSize=14, fillColor=INK))
        alt = "Rectangle cyan : 70 partenaires dans 16 pays"
        story.append(TaggedFigure(drawing, alt, parent=tree.current))
    with tree.group("Sect"):
        story.append(_heading(tree, TITLES[3], H1, "H1"))
        story.append(Spacer(1, 300))
        story.append(_para(tree, LONG, BODY))
    buf = io.BytesIO()
    doc = _Doc(
        buf, pagesize=PAGE, invariant=1, enforceColorSpace="cmyk", initialFontName=REGULAR,
        cropMarks=crop_marks,
    )  # fmt: skip
    frame = Frame(36, 36, PAGE[0] - 72, PAGE[1] - 80, id="body")
    doc.addPageTemplates([PageTemplate("page", [frame], onPage=_on_page)])
    doc.multiBuild(story, canvasmaker=canvasmaker(tree))
    return buf.getvalue(), tree


def finished(raw: bytes, tree: StructTree) -> bytes:
    """Run finish() with the sample metadata."""
    return finish(
        raw, tree, title="Coopérer autrement", lang="fr-FR", epoch=EPOCH, author="CFSI",
        subject="Programme", keywords=["solidarité", "CFSI"], creator="cfsi-reports",
        producer="ReportLab + pikepdf",
    )  # fmt: skip


@pytest.fixture(scope="module")
def sample() -> tuple[bytes, StructTree]:
    raw, tree = build()
    return finished(raw, tree), tree


@pytest.fixture(scope="module")
def pdf(sample: tuple[bytes, StructTree]) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(sample[0]))


# -- the tests ---------------------------------------------------------------------------------


def test_marked_content_is_well_formed(pdf: pikepdf.Pdf) -> None:
    for i, scan in enumerate(scan_all(pdf)):
        assert scan.errors == [], f"page {i + 1}: {scan.errors[:5]}"
        assert scan.marked, f"page {i + 1} has no tagged content"
        assert any("Coopérer autrement" in t for t in scan.artifact_text)


def test_every_mcid_is_in_the_tree_and_parent_tree(pdf: pikepdf.Pdf) -> None:
    scans = scan_all(pdf)
    tree = read_tree(pdf)
    owner: dict[tuple[int, int], Elem] = {}
    for elem in tree.iter():
        for kid in elem.kids:
            if isinstance(kid, tuple) and kid[0] != "objr":
                assert kid not in owner, f"MCID {kid} in two elements"
                owner[kid] = elem
    drawn = {(i, m) for i, s in enumerate(scans) for m in s.marked}
    assert drawn == set(owner)
    nums = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
    parent_tree = dict(zip(nums[::2], nums[1::2], strict=True))
    for i, page in enumerate(pdf.pages):
        key = int(page.obj.StructParents)
        refs = parent_tree[key]
        assert len(refs) == len(scans[i].marked)
        for mcid, ref in enumerate(refs):
            assert ref.objgen == owner[(i, mcid)].obj.objgen
            assert owner[(i, mcid)].role == scans[i].marked[mcid].tag
    assert int(pdf.Root.StructTreeRoot.ParentTreeNextKey) > max(int(k) for k in parent_tree)


def test_tree_order_and_headings(pdf: pikepdf.Pdf) -> None:
    scans = scan_all(pdf)
    doc = read_tree(pdf)
    assert doc.role == "Document"
    assert [k.role for k in doc.kids] == ["Sect"] * 4
    headings = [e for e in doc.iter() if e.role == "H1"]
    assert [elem_text(h, scans).strip() for h in headings] == TITLES
    roles = [e.role for e in doc.kids[2].iter()]
    assert roles[:3] == ["Sect", "H1", "H2"]
    assert "L" in roles and "Figure" in roles and roles.index("L") < roles.index("Figure")


def test_split_paragraph_is_one_element_on_two_pages(pdf: pikepdf.Pdf) -> None:
    scans = scan_all(pdf)
    paragraphs = [e for e in read_tree(pdf).iter() if e.role == "P"]
    split = [p for p in paragraphs if len({k[0] for k in p.kids if isinstance(k, tuple)}) > 1]
    assert split, "the long paragraph should span two pages"
    texts = [elem_text(p, scans, flow=True) for p in split]
    assert any(t == " ".join((LONG * 9).split()) for t in texts), texts


def test_figures_have_alt_and_bbox(pdf: pikepdf.Pdf) -> None:
    figures = [e for e in read_tree(pdf).iter() if e.role == "Figure"]
    assert len(figures) == 1
    for fig in figures:
        assert str(fig.obj.Alt).startswith("Rectangle cyan")
        layout = fig.obj.A
        assert layout.O == "/Layout"
        x0, y0, x1, y1 = (float(v) for v in layout.BBox)
        assert (round(x1 - x0), round(y1 - y0)) == (200, 80)


def test_list_structure(pdf: pikepdf.Pdf) -> None:
    scans = scan_all(pdf)
    lst = next(e for e in read_tree(pdf).iter() if e.role == "L")
    assert [k.role for k in lst.kids] == ["LI"] * 3
    for item in lst.kids:
        assert [k.role for k in item.kids] == ["Lbl", "LBody"]
        assert elem_text(item.kids[0], scans).strip() == "\u2022"
    assert elem_text(lst.kids[2].kids[1], scans).startswith("Troisième élément.")


def test_links_are_tagged(pdf: pikepdf.Pdf) -> None:
    links = [e for e in read_tree(pdf).iter() if e.role == "Link"]
    objrs = [k[1] for e in links for k in e.kids if isinstance(k, tuple) and k[0] == "objr"]
    nums = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
    parent_tree = dict(zip(nums[::2], nums[1::2], strict=True))
    annots = [a for p in pdf.pages for a in p.obj.get("/Annots", [])]
    assert len(annots) == len(objrs) == 3  # links in two paragraphs
    for page in pdf.pages:
        if page.obj.get("/Annots"):
            assert page.obj.Tabs == "/S"
    contents = set()
    for annot in annots:
        assert annot.objgen in {o.objgen for o in objrs}
        element = parent_tree[int(annot.StructParent)]
        assert element.S == "/Link"
        assert int(annot.F) & 4
        contents.add(str(annot.Contents))
    assert {"aux actions", "les résultats du programme", "le site du CFSI"} <= contents


def test_catalog_and_metadata(pdf: pikepdf.Pdf) -> None:
    root = pdf.Root
    assert root.MarkInfo.Marked is True
    assert str(root.Lang) == "fr-FR"
    assert root.ViewerPreferences.DisplayDocTitle is True
    assert "/RoleMap" not in root.StructTreeRoot
    xmp = root.Metadata.read_bytes().decode()
    assert "<pdfuaid:part>1</pdfuaid:part>" in xmp
    assert "Coopérer autrement" in xmp and "<rdf:li>CFSI</rdf:li>" in xmp
    assert "<xmp:CreateDate>2023-11-14T22:13:20+00:00</xmp:CreateDate>" in xmp
    assert "<pdf:Keywords>solidarité, CFSI</pdf:Keywords>" in xmp
    meta = pdf.open_metadata()
    assert meta["dc:title"] == "Coopérer autrement"
    assert str(pdf.docinfo.Title) == "Coopérer autrement"
    assert str(pdf.docinfo.CreationDate) == "D:20231114221320+00'00'"
    assert str(pdf.docinfo.Keywords) == "solidarité, CFSI"


def test_soft_hyphens_in_extracted_text(pdf: pikepdf.Pdf) -> None:
    assert _WORD_HEADS and _FRAG_HEADS, "ReportLab's hyphenation classes moved"
    scans = scan_all(pdf)
    lines = [line for s in scans for m in s.marked.values() for line in m.text.split("\n")]
    soft = [line for line in lines if line.endswith(SHY)]
    assert len(soft) >= 3, "the narrow paragraph should be hyphenated"
    hard = [line for line in lines if line.endswith("-")]
    assert hard == [], f"hard hyphens at line ends: {hard[:3]}"


def test_pdftotext_sees_no_hard_hyphen(sample: tuple[bytes, StructTree], tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed; apt-get install poppler-utils")
    path = tmp_path / "tagged.pdf"
    path.write_bytes(sample[0])
    text = subprocess.run(
        ["pdftotext", "-f", "2", "-l", "2", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert SHY + "\n" in text
    assert not re.search(r"[a-zé]-\n", text)


def test_no_rgb_and_all_fonts_embedded(pdf: pikepdf.Pdf) -> None:
    for page in pdf.pages:
        ops = {str(op) for _o, op in pikepdf.parse_content_stream(page)}
        assert not ops & {"rg", "RG"}, "RGB colour in a CMYK document"
        for font in page.Resources.Font.values():
            assert "/FontFile2" in font.FontDescriptor, font.BaseFont
            assert "Helvetica" not in str(font.BaseFont)


def test_deterministic(sample: tuple[bytes, StructTree]) -> None:
    raw, tree = build()
    assert finished(raw, tree) == sample[0]


def test_pdfinfo_says_tagged(sample: tuple[bytes, StructTree], tmp_path: Path) -> None:
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo (poppler-utils) is not installed; apt-get install poppler-utils")
    path = tmp_path / "tagged.pdf"
    path.write_bytes(sample[0])
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True)
    assert re.search(rb"^Tagged:\s+yes$", out.stdout, re.M)
    assert b"Error" not in out.stderr, out.stderr


def test_pdfua_checker_reports_nothing(sample: tuple[bytes, StructTree], tmp_path: Path) -> None:
    from pdfua import validate

    path = tmp_path / "tagged.pdf"
    path.write_bytes(sample[0])
    report = validate(str(path))
    assert [f"{f.rule_id}: {f.message}" for f in report.findings] == []


def test_page_validator_pdfua1(sample: tuple[bytes, StructTree]) -> None:
    page = pytest.importorskip("page", reason="page-validation is not installed (pip)")
    report = page.validate_pdf_bytes(sample[0], profile="ua1")
    assert [f"{f.rule_id}: {f.message}" for f in report.failures] == []


def test_crop_marks_are_artifacts() -> None:
    raw, tree = build(crop_marks=True)
    with pikepdf.open(io.BytesIO(finished(raw, tree))) as out:
        for scan in scan_all(out):
            assert scan.errors == []


def test_tag_any_flowable_split_keeps_element() -> None:
    style = ParagraphStyle("code", fontName=REGULAR, fontSize=9, leading=11)
    tree = StructTree(lang="fr")
    code = tag_flowable(Preformatted("ligne\n" * 80, style), "Code", parent=tree.root)
    buf = io.BytesIO()
    doc = BaseDocTemplate(buf, pagesize=PAGE, invariant=1, initialFontName=REGULAR)
    doc.addPageTemplates([PageTemplate("p", [Frame(36, 36, 300, 500)])])
    doc.build([code], canvasmaker=canvasmaker(tree))
    with pikepdf.open(
        io.BytesIO(finish(buf.getvalue(), tree, title="t", lang="fr", epoch=0))
    ) as out:
        element = read_tree(out).kids[0]
        assert element.role == "Code"
        assert {k[0] for k in element.kids} == {0, 1}
        assert "".join(elem_text(element, scan_all(out)).split()) == "ligne" * 80


def _content_ending_with_cr() -> bytes:
    """Return drawing operators whose Flate data ends with CR (0x0D)."""
    # Flate data ends with the Adler-32 of the content: its low byte is 1 + the sum of the
    # bytes, so pad a comment to reach 13 (mod 256).
    base = b"0 0 0 1 k\n%"
    pad = (13 - 1 - sum(base)) % 256 + 256 * 2
    data = base + bytes([pad // 3, pad // 3, pad - 2 * (pad // 3)])
    assert zlib.compress(data)[-1] == 13
    return data


@pytest.mark.parametrize(
    "filters", [pikepdf.Name.FlateDecode, pikepdf.Array([pikepdf.Name.FlateDecode])]
)
def test_stream_ending_with_cr_is_not_ambiguous(filters: object) -> None:
    # ReportLab writes /Filter [/FlateDecode]: an array of one filter is still plain Flate.
    data = _content_ending_with_cr()
    doc = pikepdf.new()
    doc.add_blank_page()
    doc.pages[0].obj.Contents = doc.make_stream(zlib.compress(data), Filter=filters)
    out = save_deterministic(doc)
    assert b"\r\nendstream" not in out
    with pikepdf.open(io.BytesIO(out)) as back:
        # The same drawing: a content stream that ended with CR gained a trailing newline.
        assert back.pages[0].Contents.read_bytes().rstrip(b"\n") == data
        assert back.pages[0].Contents.read_raw_bytes()[-1:] != b"\r"


@pytest.mark.parametrize(
    ("ops", "paints"),
    [
        (["1 0 0 1 10 10 cm", "0 0 0 1 k", "BT /F1+0 10 Tf 12 TL ET"], False),
        (["BT 1 0 0 1 0 3 Tm (a) Tj T* ET"], True),
        (["BT [(a) -20 (b)] TJ ET"], True),
        (["q 10 0 0 10 0 0 cm /FormXob.1 Do Q"], True),
        (["10 10 50 50 re f*"], True),
        (["n 0 0 m 10 10 l S"], True),
        (["/Sh0 sh"], True),
        (["10 10 50 50 re W n"], False),
    ],
)
def test_paint_detection(ops: list[str], paints: bool) -> None:
    from cfsi_reports.pdf.tagging.canvas import _PAINTS

    assert any(_PAINTS.search(op) for op in ops) is paints


def test_empty_sequences_are_dropped() -> None:
    tree = StructTree(lang="fr")
    canvas = TaggedCanvas(io.BytesIO(), tree=tree, initialFontName=REGULAR)
    empty, full = StructElement("P", tree.root), StructElement("P", tree.root)
    with canvas.tagged(empty):
        canvas.saveState()
        canvas.translate(10, 10)  # state only: no marked content needed
        canvas.restoreState()
    with canvas.tagged(full):
        canvas.setFont(REGULAR, 10)
        canvas.drawString(10, 10, "texte")
    canvas.showPage()
    canvas.save()
    assert tree.pages == [[full]]
    assert "".join(canvas._code) == "", "the next page's artifact opener was dropped"


def test_helvetica_text_is_refused() -> None:
    tree = StructTree(lang="fr")
    buf = io.BytesIO()
    canvas = TaggedCanvas(buf, tree=tree, initialFontName=REGULAR)
    canvas.setFont("Helvetica", 10)  # only selected: deferred, never referenced
    canvas.setFont(REGULAR, 10)
    canvas.drawString(10, 10, "ok")
    canvas.showPage()
    canvas.save()
    finish(buf.getvalue(), tree, title="t", lang="fr", epoch=EPOCH)

    tree = StructTree(lang="fr")
    buf = io.BytesIO()
    canvas = TaggedCanvas(buf, tree=tree, initialFontName=REGULAR)
    canvas.setFont("Helvetica", 10)
    canvas.drawString(10, 10, "drawn in an unembedded font")
    canvas.save()
    with pytest.raises(UnembeddedFontError, match="Helvetica"):
        finish(buf.getvalue(), tree, title="t", lang="fr", epoch=EPOCH)


def test_tree_errors() -> None:
    tree, other = StructTree(), StructTree()
    buf = io.BytesIO()
    canvas = TaggedCanvas(buf, tree=tree, initialFontName=REGULAR)
    with pytest.raises(TaggingError, match="another structure tree"):
        canvas.begin_tag(StructElement("P", other.root))
    with pytest.raises(TaggingError, match="without begin_tag"):
        canvas.end_tag()
    with pytest.raises(ValueError, match="PDF name"):
        StructElement("not a name")
    custom = StructElement("Chapo", tree.root)
    with canvas.tagged(custom):
        canvas.setFont(REGULAR, 10)
        canvas.drawString(10, 10, "chapô")
    canvas.save()
    with pytest.raises(TaggingError, match="role_map"):
        finish(buf.getvalue(), tree, title="t", lang="fr", epoch=EPOCH)
    tree.role_map["Chapo"] = "P"
    with pikepdf.open(
        io.BytesIO(finish(buf.getvalue(), tree, title="t", lang="fr", epoch=0))
    ) as out:
        assert out.Root.StructTreeRoot.RoleMap.Chapo == "/P"


# -- PDF/A-2b ------------------------------------------------------------------------------------


def _icc() -> Path:
    try:
        return pdfa.find_cmyk_icc()
    except pdfa.IccProfileNotFound as e:
        pytest.skip(f"no CMYK ICC profile on this machine, PDF/A not checked: {e}")


def test_pdfa2b(sample: tuple[bytes, StructTree]) -> None:
    out = make_pdfa2b(sample[0], _icc(), pdfua_identification=True)
    with pikepdf.open(io.BytesIO(out)) as doc:
        intent = doc.Root.OutputIntents[0]
        assert intent.S == "/GTS_PDFA1" and int(intent.DestOutputProfile.N) == 4
        assert "/StructTreeRoot" in doc.Root and doc.Root.MarkInfo.Marked is True
        xmp = doc.Root.Metadata.read_bytes().decode()
        assert "<pdfaid:part>2</pdfaid:part>" in xmp and "<pdfuaid:part>1</pdfuaid:part>" in xmp
    again = make_pdfa2b(sample[0], _icc(), pdfua_identification=True)
    assert again == out, "PDF/A output is not deterministic"
    check = check_pdfa2b(out)
    if "page" in check.findings:
        assert check.findings["page"] == []
    if "pikepdf" in check.findings:
        # pikepdf's allowlist validator reads no XMP extension schema, which PDF/A needs
        # for pdfuaid:part: those findings, and only those, are expected.
        unexpected = [f for f in check.findings["pikepdf"] if "6.6.2.3.1" not in f]
        assert unexpected == []
    if not check.findings:
        pytest.skip(f"no PDF/A checker installed: {check.unavailable}")


def test_pdfa2b_without_pdfua_id_passes_pikepdf(sample: tuple[bytes, StructTree]) -> None:
    pytest.importorskip("jsonschema", reason="pikepdf[pdfa] extras are not installed")
    out = make_pdfa2b(sample[0], _icc(), pdfua_identification=False)
    check = check_pdfa2b(out)
    assert check.findings["pikepdf"] == []
    assert check.findings.get("page", []) == []


def test_pdfa2b_stays_pdfua(sample: tuple[bytes, StructTree]) -> None:
    page = pytest.importorskip("page", reason="page-validation is not installed (pip)")
    out = make_pdfa2b(sample[0], _icc(), pdfua_identification=True)
    assert [f.rule_id for f in page.validate_pdf_bytes(out, profile="ua1").failures] == []


def test_pdfa2b_of_an_untagged_pdf() -> None:
    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf, pagesize=PAGE, invariant=1, enforceColorSpace="cmyk", initialFontName=REGULAR,
        title="Sans balises", author="CFSI", lang="fr-FR",
    )  # fmt: skip
    doc.addPageTemplates([PageTemplate("p", [Frame(36, 36, 300, 500)])])
    doc.build([Paragraph(LONG, BODY)])
    out = make_pdfa2b(buf.getvalue(), _icc())
    with pikepdf.open(io.BytesIO(out)) as back:
        xmp = back.Root.Metadata.read_bytes().decode()
        assert "<pdfaid:part>2</pdfaid:part>" in xmp and "pdfuaid" not in xmp
        assert "Sans balises" in xmp and "<dc:language><rdf:Bag><rdf:li>fr-FR" in xmp
    check = check_pdfa2b(out)
    assert all(found == [] for found in check.findings.values()), check.findings


def test_find_cmyk_icc(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(pdfa, "CMYK_ICC_CANDIDATES", ())
    monkeypatch.setattr(pdfa, "ICC_SEARCH_DIRS", (tmp_path,))
    with pytest.raises(pdfa.IccProfileNotFound, match=r"apt-get install ghostscript"):
        pdfa.find_cmyk_icc()
    # The library's error is its own; the brochure says it as a usage error, with the option.
    with pytest.raises(UsageError, match=r"apt-get install ghostscript.*--icc FILE") as caught:
        find_icc(None)
    assert caught.value.exit_code == 2
    with pytest.raises(pdfa.IccProfileNotFound, match="does not exist"):
        pdfa.find_cmyk_icc(tmp_path / "missing.icc")
    bogus = tmp_path / "bogus.icc"
    bogus.write_bytes(b"not a profile")
    with pytest.raises(pdfa.IccProfileNotFound, match="is not an ICC profile"):
        pdfa.find_cmyk_icc(bogus)


# -- object streams ending with a carriage return ------------------------------------------------


def _objects(seed: int) -> pikepdf.Pdf:
    """A file of 450 small dictionaries: qpdf packs them into five object streams."""
    pdf = pikepdf.new()
    items = [
        pdf.make_indirect(pikepdf.Dictionary(K=i, T=pikepdf.String(f"élément {seed}-{i}")))
        for i in range(450)
    ]
    pdf.Root.Items = pikepdf.Array(items)
    return pdf


def test_object_streams_ending_with_cr_are_mended_in_place(tmp_path: Path) -> None:
    """The object stream gets a newline more, compressed again; the offsets follow it."""
    from cfsi_reports.pdf.tagging.finish import _save
    from cfsi_reports.pdf.tagging.streams import mend_object_streams

    qpdf = require_tool("qpdf")
    mended = 0
    for seed in range(400):  # one object stream in 256 ends so: find a few
        data = _save(_objects(seed))
        if b"\r\nendstream" not in data:
            continue
        fixed = mend_object_streams(data)
        assert fixed is not None and b"\r\nendstream" not in fixed
        assert fixed.count(b"/Type /ObjStm") == data.count(b"/Type /ObjStm")
        path = tmp_path / f"{seed}.pdf"
        path.write_bytes(fixed)
        subprocess.run([qpdf, "--check", str(path)], check=True, capture_output=True)
        with pikepdf.open(io.BytesIO(data)) as before, pikepdf.open(path) as after:
            assert [(int(o.K), str(o.T)) for o in after.Root.Items] == [
                (int(o.K), str(o.T)) for o in before.Root.Items
            ]
        # The whole save gives the same, without numbering the objects again.
        again = save_deterministic(_objects(seed))
        assert b"\r\nendstream" not in again and again.count(b"/Type /ObjStm") == 5
        mended += 1
        if mended == 3:
            break
    assert mended == 3


def test_a_file_not_laid_out_as_qpdf_writes_it_is_left_alone() -> None:
    from cfsi_reports.pdf.tagging.streams import mend_object_streams

    assert mend_object_streams(b"%PDF-1.7\nnot a file\n") is None
    classic = io.BytesIO()
    _objects(0).save(classic, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    assert mend_object_streams(classic.getvalue()) is None  # an xref table, no stream
