"""Word fact sheets: content, named styles, lists, fields, metadata, validity, reproducibility."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import uuid
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree
from PIL import Image

from cfsi_reports.content import Content, load_content
from cfsi_reports.content.richtext import ListBlock
from cfsi_reports.docx import FactSheetRenderer, template_bytes
from cfsi_reports.present import Presenter, no_widow
from cfsi_reports.theme import Theme
from conftest import CONTENT, missing_lines, require_tool, run_tool, seed_lines, squash

EPOCH = 1_700_000_000  # 2023-11-14T22:13:20Z
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
STORY_PARTS = re.compile(r"word/(document|header\d*|footer\d*)\.xml$")


# Helpers -----------------------------------------------------------------------------------


def xml_parts(data: bytes) -> dict[str, etree._Element]:
    """Parse every XML part of a .docx (a part that is not well-formed fails here)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name: etree.fromstring(archive.read(name))
            for name in archive.namelist()
            if name.endswith((".xml", ".rels"))
        }


def body_text(document: docx.document.Document) -> str:
    """Return the text of the body, table cells included, one paragraph per line."""
    paras = document.element.body.iter(qn("w:p"))
    return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in paras)


def seed_blocks(content: Content) -> dict[str, list[str]]:
    """Return, per action, the lines of its block in the seed text (regions line to the end).

    A leading "- " is the seed's list mark: a sheet has real Word bullets there, not text.
    """
    lines = [line.removeprefix("- ") for line in seed_lines()]
    starts = []
    for action in content.actions:
        at = next(i for i, line in enumerate(lines) if squash(line) == squash(action.title))
        if action.regions and at and squash(lines[at - 1]) == squash(action.regions):
            at -= 1
        starts.append(at)
    ends = [*starts[1:], len(lines)]
    return {a.key: lines[s:e] for a, s, e in zip(content.actions, starts, ends, strict=True)}


def soffice_convert(
    target: str, outdir: Path, files: list[Path], env: dict[str, str] | None = None
) -> None:
    """Convert `files` with one LibreOffice call, in a private profile removed afterwards."""
    soffice = require_tool("soffice")
    profile = Path(f"/tmp/lo-profile-{uuid.uuid4().hex}")  # parallel runs need their own
    try:
        subprocess.run(
            [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
             "--convert-to", target, "--outdir", str(outdir), *map(str, files)],
            env=env, capture_output=True, timeout=300, check=True,
        )  # fmt: skip
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def style_of(styles: etree._Element, style_id: str) -> etree._Element:
    return styles.find(f"{W}style[@{W}styleId='{style_id}']")


# Fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def renderer(seed_content: Content, theme: Theme) -> FactSheetRenderer:
    return FactSheetRenderer(seed_content, theme, epoch=EPOCH)


@pytest.fixture(scope="module")
def sheets(seed_content: Content, renderer: FactSheetRenderer) -> dict[str, bytes]:
    return {action.key: renderer.render(action) for action in seed_content.actions}


def content_with_photo(folder: Path) -> Content:
    """Copy the seed content into `folder`, give the banana action a photo, and load it."""
    root = folder / "content"
    shutil.copytree(CONTENT, root)
    Image.new("RGB", (120, 80), (0, 96, 107)).save(root / "photo.png")
    action_file = root / "actions" / "03-banane.yaml"
    action_file.write_text(
        action_file.read_text(encoding="utf-8")
        + "photo:\n  file: photo.png\n  alt: Des bananes sur un quai & <un> camion\n"
        "  credit: CGT\n",
        encoding="utf-8",
    )
    return load_content(root)


@pytest.fixture(scope="module")
def photo_content(tmp_path_factory: pytest.TempPathFactory) -> Content:
    return content_with_photo(tmp_path_factory.mktemp("photo"))


@pytest.fixture(scope="module")
def photo_sheet(photo_content: Content, theme: Theme) -> bytes:
    return FactSheetRenderer(photo_content, theme, epoch=EPOCH).render(
        photo_content.action("banane")
    )


# Content -----------------------------------------------------------------------------------


@pytest.mark.parametrize("index", range(9))
def test_every_seed_line_is_in_the_sheet(
    seed_content: Content, sheets: dict[str, bytes], index: int
) -> None:
    action = seed_content.actions[index]
    blocks = seed_blocks(seed_content)
    document = docx.Document(io.BytesIO(sheets[action.key]))
    text = body_text(document)
    assert blocks[action.key], "the seed block of the action is empty"
    assert missing_lines(blocks[action.key], text) == []


def test_layout_uses_named_styles_and_headings(
    seed_content: Content, sheets: dict[str, bytes], presenter: Presenter
) -> None:
    for number, action in enumerate(seed_content.actions, 1):
        view = presenter.action(action, number)
        document = docx.Document(io.BytesIO(sheets[action.key]))
        paras = [(p.style.name, p.text) for p in document.paragraphs]
        assert ("Title", no_widow(presenter.display_title(view.title))) in paras
        headings = [text for style, text in paras if style == "Heading 1"]
        assert headings == [section.heading for section in view.sections]
        # The regions line, or the countries when the action names no regions.
        assert paras[0] == ("Subtitle", view.place)
        assert view.place == view.regions or set(view.countries) <= set(
            re.split(" / |, ", view.place or "")
        )
        items = sum(
            len(block.items)
            for section in view.sections
            for block in section.blocks
            if isinstance(block, ListBlock)
        )
        assert sum(style == "List Bullet" for style, _ in paras) == items
        assert {style for style, _ in paras} <= {"Subtitle", "Title", "Heading 1", "Normal",
                                                 "List Bullet"}  # fmt: skip


def test_key_facts_are_a_table_with_label_value_lines(
    seed_content: Content, sheets: dict[str, bytes], presenter: Presenter
) -> None:
    action = seed_content.action("echangeons")
    view = presenter.action(action, 1)
    document = docx.Document(io.BytesIO(sheets[action.key]))
    (table,) = document.tables
    assert table.style.name == "Key Facts"
    labels = [row.cells[0].text for row in table.rows]
    assert labels == [fact.heading for fact in view.facts]
    funding = [p.text for p in table.rows[-1].cells[1].paragraphs]
    locale = presenter.locale
    assert funding[0] == locale.format("label_value", label="Budget", value="98\u202f525\u00a0€")
    assert {p.style.name for row in table.rows for p in row.cells[0].paragraphs} == {"Fact Label"}
    assert {p.style.name for row in table.rows for p in row.cells[1].paragraphs} == {"Fact Text"}
    # The label of a label-value line is a run in a character style, not direct bold.
    first = table.rows[-1].cells[1].paragraphs[0].runs[0]
    assert first.style.name == "Fact Term" and first.text.startswith("Budget")


def test_runs_and_paragraphs_carry_no_direct_formatting(sheets: dict[str, bytes]) -> None:
    direct = {f"{W}{tag}" for tag in ("rFonts", "sz", "szCs", "color", "b", "i", "caps")}
    for slug, data in sheets.items():
        for name, root in xml_parts(data).items():
            if not STORY_PARTS.search(name):
                continue
            for rpr in root.iter(f"{W}rPr"):
                if rpr.getparent().tag == f"{W}r":
                    assert not [c.tag for c in rpr if c.tag in direct], (slug, name)
            for ppr in root.iter(f"{W}pPr"):
                assert {c.tag for c in ppr} <= {f"{W}pStyle", f"{W}numPr"}, (slug, name)


def test_lists_are_word_lists_carried_by_the_style(sheets: dict[str, bytes]) -> None:
    parts = xml_parts(sheets["banane"])
    styles, numbering = parts["word/styles.xml"], parts["word/numbering.xml"]
    bullets = [
        p
        for p in parts["word/document.xml"].iter(f"{W}p")
        if p.find(f"{W}pPr/{W}pStyle[@{W}val='ListBullet']") is not None
    ]
    assert len(bullets) == 11  # 2 in the project, 4 results, 5 activities
    # Enter continues the list because the style, not the paragraph, holds the numbering.
    assert all(p.find(f"{W}pPr/{W}numPr") is None for p in bullets)
    num_id = style_of(styles, "ListBullet").find(f"{W}pPr/{W}numPr/{W}numId").get(f"{W}val")
    num = numbering.find(f"{W}num[@{W}numId='{num_id}']")
    abstract_id = num.find(f"{W}abstractNumId").get(f"{W}val")
    level = numbering.find(f"{W}abstractNum[@{W}abstractNumId='{abstract_id}']/{W}lvl")
    assert level.find(f"{W}numFmt").get(f"{W}val") == "bullet"
    assert level.find(f"{W}pStyle").get(f"{W}val") == "ListBullet"


def test_numbered_lists_restart_at_their_start(content_copy: Path, theme: Theme) -> None:
    path = content_copy / "actions" / "02-jeunes-entreprendre.yaml"
    text = path.read_text(encoding="utf-8")
    project = "project: |\n  1. un\n  2. deux\n\n  Entre les listes.\n\n  5. cinq\n  6. six\n"
    path.write_text(re.sub(r"project: \|\n(  .*\n|\n)+", project, text), encoding="utf-8")
    content = load_content(content_copy)
    data = FactSheetRenderer(content, theme, epoch=EPOCH).render(content.action(path.stem[3:]))
    parts = xml_parts(data)
    numbering = parts["word/numbering.xml"]
    numbered = [
        p.find(f"{W}pPr/{W}numPr/{W}numId").get(f"{W}val")
        for p in parts["word/document.xml"].iter(f"{W}p")
        if p.find(f"{W}pPr/{W}pStyle[@{W}val='ListNumber']") is not None
    ]
    assert len(numbered) == 4 and numbered[0] == numbered[1] != numbered[2] == numbered[3]
    starts = []
    for num_id in (numbered[0], numbered[2]):
        num = numbering.find(f"{W}num[@{W}numId='{num_id}']")
        starts.append(num.find(f"{W}lvlOverride/{W}startOverride").get(f"{W}val"))
        abstract_id = num.find(f"{W}abstractNumId").get(f"{W}val")
        fmt = numbering.find(f"{W}abstractNum[@{W}abstractNumId='{abstract_id}']/{W}lvl/{W}numFmt")
        assert fmt.get(f"{W}val") == "decimal"
    assert starts == ["1", "5"]
    assert "Entre les listes." in body_text(docx.Document(io.BytesIO(data)))


def test_bold_and_italic_are_character_styles(content_copy: Path, theme: Theme) -> None:
    path = content_copy / "actions" / "07-migrants-ess.yaml"
    text = path.read_text(encoding="utf-8")
    project = "project: |\n  Un **fort** et un *léger*, puis ***les deux***.\n"
    path.write_text(re.sub(r"project: \|\n(  .*\n|\n)+", project, text), encoding="utf-8")
    content = load_content(content_copy)
    document = docx.Document(
        io.BytesIO(FactSheetRenderer(content, theme).render(content.action("migrants-ess")))
    )
    para = next(p for p in document.paragraphs if p.text.startswith("Un "))
    styled = {r.text: r.style.name for r in para.runs}
    assert styled["fort"] == "Strong" and styled["léger"] == "Emphasis"
    assert styled["les deux"] == "Strong Italic"


def test_text_is_escaped_not_interpreted(content_copy: Path, theme: Theme) -> None:
    path = content_copy / "actions" / "01-echangeons.yaml"
    title = 'R&D <b>pilote</b> "guillemets" ]]> &amp;'
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^title: .*$", f"title: '{title}'", text), encoding="utf-8")
    content = load_content(content_copy)
    data = FactSheetRenderer(content, theme).render(content.action("echangeons"))
    document = docx.Document(io.BytesIO(data))
    titles = [p.text for p in document.paragraphs if p.style.name == "Title"]
    assert [t.replace("\u00a0", " ") for t in titles] == [title]  # the last word is tied
    assert document.core_properties.title == title


# Page, header, footer ----------------------------------------------------------------------


def test_page_is_a4_with_the_theme_margins(sheets: dict[str, bytes], theme: Theme) -> None:
    section = docx.Document(io.BytesIO(sheets["echangeons"])).sections[0]
    page = theme.docx.page
    assert abs(section.page_width.mm - 210) < 0.1 and abs(section.page_height.mm - 297) < 0.1
    assert abs(section.left_margin.mm - page.margins.left_mm) < 0.1
    assert abs(section.top_margin.mm - page.margins.top_mm) < 0.1


def test_header_and_footer_carry_title_and_page_fields(
    sheets: dict[str, bytes], seed_content: Content, presenter: Presenter
) -> None:
    document = docx.Document(io.BytesIO(sheets["banane"]))
    header = document.sections[0].header
    assert seed_content.programme.title in header.paragraphs[0].text
    assert header.paragraphs[0].style.name == "Header"
    footer = document.sections[0].footer.paragraphs[0]
    assert footer.style.name == "Footer"
    instructions = [t.text.strip() for t in footer._p.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    kinds = [f.get(qn("w:fldCharType")) for f in footer._p.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"] * 2
    assert all(len(f) == 0 for f in footer._p.iter(qn("w:fldChar")))  # no text in fldChar
    label = presenter.locale.label("page_of").format(page="1", pages="1")
    assert footer.text == label


# Metadata, language, compatibility ---------------------------------------------------------


def test_language_is_french_everywhere(sheets: dict[str, bytes]) -> None:
    parts = xml_parts(sheets["migrants-ess"])
    lang = parts["word/styles.xml"].find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang.get(f"{W}val") == "fr-FR"
    settings = parts["word/settings.xml"]
    assert settings.find(f"{W}themeFontLang").get(f"{W}val") == "fr-FR"
    compat = settings.find(f"{W}compat/{W}compatSetting[@{W}name='compatibilityMode']")
    assert compat.get(f"{W}val") == "15"


def test_document_properties(
    sheets: dict[str, bytes], seed_content: Content, presenter: Presenter
) -> None:
    action = seed_content.action("energie-konseguela")
    properties = docx.Document(io.BytesIO(sheets[action.key])).core_properties
    assert properties.title == presenter.action(action, 6).title
    assert properties.subject == seed_content.programme.title
    assert properties.author == seed_content.programme.publisher
    assert properties.language == "fr-FR"
    when = dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.UTC)
    assert properties.created == when and properties.modified == when
    assert "python-docx" not in (properties.last_modified_by + properties.author)


def test_no_default_template_baggage(sheets: dict[str, bytes]) -> None:
    data = sheets["echangeons"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        everything = b"".join(archive.read(n) for n in names)
    assert not [n for n in names if "thumbnail" in n]
    for word in (b"thumbnail", b"python-docx", b"Calibri", b"Cambria", b"en-US", b"Letter"):
        assert word not in everything, word


def test_fonts_are_the_theme_families(sheets: dict[str, bytes], theme: Theme) -> None:
    styles = xml_parts(sheets["echangeons"])["word/styles.xml"]
    default = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert default.get(f"{W}ascii") == theme.family("body").name
    named = {f.get(f"{W}ascii") for f in styles.iter(f"{W}rFonts")}
    assert named <= {family.name for family in theme.families.values()}
    title = style_of(styles, "Title").find(f"{W}rPr/{W}rFonts").get(f"{W}ascii")
    assert title == theme.family(theme.docx_styles["Title"].family).name


# Validity for Word -------------------------------------------------------------------------

# Child order the schema imposes, for the elements this code writes (ECMA-376, transitional).
ORDER = {
    "pPr": "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr "
    "suppressLineNumbers pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct "
    "topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd snapToGrid spacing ind "
    "contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment "
    "textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange",
    "rPr": "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss "
    "imprint noProof snapToGrid vanish webHidden color spacing w kern position sz szCs "
    "highlight u effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath",
    "style": "name aliases basedOn next link autoRedefine hidden uiPriority semiHidden "
    "unhideWhenUsed qFormat locked personal personalCompose personalReply rsid pPr rPr tblPr "
    "trPr tcPr tblStylePr",
    "tblPr": "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize "
    "tblW jc tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook",
    "tbl": "bookmarkStart tblPr tblGrid tr",
    "tc": "tcPr p tbl",
    "tcPr": "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection "
    "tcFitText vAlign hideMark",
    "sectPr": "headerReference footerReference footnotePr endnotePr type pgSz pgMar "
    "paperSrc pgBorders lnNumType pgNumType cols formProt vAlign noEndnote titlePg "
    "textDirection bidi rtlGutter docGrid printerSettings sectPrChange",
    "settings": "writeProtection view zoom removePersonalInformation embedTrueTypeFonts "
    "defaultTabStop "
    "autoHyphenation consecutiveHyphenLimit hyphenationZone doNotHyphenateCaps "
    "evenAndOddHeaders characterSpacingControl updateFields compat docVars rsids mathPr "
    "themeFontLang clrSchemeMapping decimalSymbol listSeparator",
    "lvl": "start numFmt lvlRestart pStyle isLgl suff lvlText lvlPicBulletId legacy lvlJc pPr rPr",
    "abstractNum": "nsid multiLevelType tmpl name styleLink numStyleLink lvl",
    "numbering": "numPicBullet abstractNum num numIdMacAtCleanup",
    "tblBorders": "top left start bottom right end insideH insideV",
    "pBdr": "top left bottom right between bar",
    "docDefaults": "rPrDefault pPrDefault",
    "styles": "docDefaults latentStyles style",
    "font": "altName panose1 charset family notTrueType pitch sig embedRegular embedBold "
    "embedItalic embedBoldItalic",
}


def out_of_order(root: etree._Element) -> list[str]:
    """Return the elements whose children break the schema order (or are unexpected)."""
    problems = []
    for elm in root.iter(f"{W}*"):
        local = etree.QName(elm).localname
        if local not in ORDER:
            continue
        order = ORDER[local].split()
        ranks = []
        for child in elm:
            name = etree.QName(child).localname
            if etree.QName(child).namespace != W[1:-1]:
                continue
            if name not in order:
                problems.append(f"{local}/{name}: unexpected")
                continue
            ranks.append(order.index(name))
        if ranks != sorted(ranks):
            problems.append(f"{local}: {[etree.QName(c).localname for c in elm]}")
    return problems


def test_parts_parse_and_follow_schema_order(sheets: dict[str, bytes], photo_sheet: bytes):
    for data in (*sheets.values(), photo_sheet):
        for name, root in xml_parts(data).items():
            assert out_of_order(root) == [], name


def test_every_table_cell_has_a_paragraph(sheets: dict[str, bytes]) -> None:
    for data in sheets.values():
        for root in xml_parts(data).values():
            for cell in root.iter(f"{W}tc"):
                assert cell.find(f"{W}p") is not None


def test_photo_with_alt_text_and_credit(photo_sheet: bytes) -> None:
    document = docx.Document(io.BytesIO(photo_sheet))
    # The photo, beside the locator map of the key facts (test_maps.py).
    (shape,) = [
        s for s in document.inline_shapes if not s._inline.docPr.get("descr").startswith("Carte")
    ]
    doc_pr = shape._inline.docPr
    assert doc_pr.get("descr") == "Des bananes sur un quai & <un> camion"
    assert shape.width.mm <= 174.1 and shape.height > 0
    assert abs(shape.width / shape.height - 120 / 80) < 0.01  # proportions kept
    styles = [p.style.name for p in document.paragraphs]
    figure = styles.index("Figure")
    assert styles[figure + 1] == "Caption"
    assert document.paragraphs[figure + 1].text.endswith("CGT")
    with zipfile.ZipFile(io.BytesIO(photo_sheet)) as archive:
        assert [n for n in archive.namelist() if n.startswith("word/media/")]


def test_drawing_ids_are_unique_across_parts(
    tmp_path: Path, photo_content: Content, theme: Theme
) -> None:
    # A template with a logo in its header and a picture in its body, and a sheet with a
    # photo: python-docx numbers drawings per part, Word wants them unique in the document.
    logo = tmp_path / "logo.png"
    Image.new("RGB", (40, 20), (240, 122, 26)).save(logo)
    template = docx.Document(io.BytesIO(template_bytes(theme, theme.locale("fr"))))
    template.sections[0].header.add_paragraph().add_run().add_picture(str(logo))
    template.add_paragraph().add_run().add_picture(str(logo))
    path = tmp_path / "with-logo.docx"
    template.save(path)
    renderer = FactSheetRenderer(photo_content, theme, template=path)
    data = renderer.render(photo_content.action("banane"))
    parts = xml_parts(data)
    ids = {name: [d.get("id") for d in root.iter(DOCPR)] for name, root in parts.items()}
    every = [i for found in ids.values() for i in found]
    # The logo, the map and the photo; the template's body picture dropped.
    assert len(every) == 3 and len(set(every)) == 3
    header = docx.Document(io.BytesIO(data)).sections[0].header
    texts = [p.text for p in header.paragraphs]
    assert any(photo_content.programme.title in t for t in texts)  # logo kept, text added


# Reproducibility and speed -----------------------------------------------------------------


def test_same_content_same_bytes(
    seed_content: Content, theme: Theme, sheets: dict[str, bytes]
) -> None:
    again = FactSheetRenderer(seed_content, theme, epoch=EPOCH)
    for action in seed_content.actions:
        assert again.render(action) == sheets[action.key]
    with zipfile.ZipFile(io.BytesIO(sheets["banane"])) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}


def test_epoch_sets_the_dates(seed_content: Content, theme: Theme) -> None:
    action = seed_content.actions[0]
    later = FactSheetRenderer(seed_content, theme, epoch=EPOCH + 86_400).render(action)
    properties = docx.Document(io.BytesIO(later)).core_properties
    assert properties.created == dt.datetime(2023, 11, 15, 22, 13, 20, tzinfo=dt.UTC)
    with zipfile.ZipFile(io.BytesIO(later)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2023, 11, 15, 22, 13, 20)}
    # Before 1980 a zip cannot date its entries: clamped there, the document keeps its date.
    early = FactSheetRenderer(seed_content, theme, epoch=0).render(action)
    created = docx.Document(io.BytesIO(early)).core_properties.created
    assert created == dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    with zipfile.ZipFile(io.BytesIO(early)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


# LibreOffice, a real client ----------------------------------------------------------------


@pytest.fixture(scope="module")
def pdfs(
    tmp_path_factory: pytest.TempPathFactory, sheets: dict[str, bytes], theme: Theme
) -> dict[str, Path]:
    require_tool("soffice")
    require_tool("pdfinfo")
    folder = tmp_path_factory.mktemp("lo")
    for slug, data in sheets.items():
        (folder / f"{slug}.docx").write_bytes(data)
    # LibreOffice finds the theme's fonts through a private fontconfig file, as a reader
    # with the fonts installed would; the system configuration still applies.
    font_dir = theme.family("body").regular.parent
    config = folder / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"<dir>{font_dir}</dir><cachedir>{folder / 'fc-cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(config)}
    soffice_convert("pdf", folder / "pdf", sorted(folder.glob("*.docx")), env)
    out = {slug: folder / "pdf" / f"{slug}.pdf" for slug in sheets}
    assert all(p.is_file() for p in out.values()), sorted((folder / "pdf").iterdir())
    return out


@pytest.mark.parametrize("index", range(9))
def test_libreoffice_renders_at_most_two_pages_with_every_line(
    pdfs: dict[str, Path], seed_content: Content, index: int
) -> None:
    action = seed_content.actions[index]
    info = run_tool("pdfinfo", pdfs[action.key])
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 1 <= pages <= 2
    text = run_tool("pdftotext", pdfs[action.key], "-")
    # Hyphenation breaks words at line ends ("organi-" / "sation"): compare without hyphens.
    # Labels are set in capitals by their style (w:caps): compare regardless of case.
    unhyphenated = re.sub(r"[-\u00ad\u2013]", "", text).casefold()
    lines = [
        re.sub(r"[-\u00ad\u2013]", "", line).casefold()
        for line in seed_blocks(seed_content)[action.key]
    ]
    assert missing_lines(lines, unhyphenated) == []
    assert f"page 1 / {pages}" in text
