"""The Word template: generated from the theme, restyled by a designer, checked on load."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm, RGBColor
from lxml import etree

from cfsi_reports.content import Content
from cfsi_reports.docx import FactSheetRenderer, template_bytes
from cfsi_reports.docx.template import CHARACTER_STYLES, PARAGRAPH_STYLES
from cfsi_reports.errors import ConfigError
from cfsi_reports.theme import Theme
from test_fact_sheets import (
    EPOCH,
    W,
    body_text,
    content_with_photo,
    out_of_order,
    soffice_convert,
    style_of,
    xml_parts,
)


@pytest.fixture(scope="module")
def default_template(theme: Theme) -> bytes:
    return template_bytes(theme, theme.locale("fr"))


def save(document: docx.document.Document, path: Path) -> Path:
    document.save(path)
    return path


# The default template ----------------------------------------------------------------------


def test_default_template_defines_every_style_from_the_theme(
    default_template: bytes, theme: Theme
) -> None:
    document = docx.Document(io.BytesIO(default_template))
    names = {(s.type.name, s.name) for s in document.styles}
    for name in PARAGRAPH_STYLES:
        assert ("PARAGRAPH", name) in names
    for name in CHARACTER_STYLES:
        assert ("CHARACTER", name) in names
    assert ("TABLE", theme.docx.table_style.name) in names
    heading = document.styles["Heading 1"]
    assert heading.font.color.rgb == RGBColor.from_string(theme.colour("primary").rgb[1:].upper())
    assert heading.font.size.pt == theme.docx_styles["Heading 1"].size_pt
    assert heading.font.name == theme.family(theme.docx_styles["Heading 1"].family).name
    assert heading.paragraph_format.keep_with_next


def test_heading_is_words_built_in_heading(default_template: bytes) -> None:
    styles = xml_parts(default_template)["word/styles.xml"]
    heading = style_of(styles, "Heading1")
    # Word recognises its built-in heading by the internal name; the outline level feeds the
    # navigation pane and PDF bookmarks.
    assert heading.find(f"{W}name").get(f"{W}val") == "heading 1"
    assert heading.find(f"{W}pPr/{W}outlineLvl").get(f"{W}val") == "0"


def test_default_template_is_a4_french_word_2013(default_template: bytes) -> None:
    document = docx.Document(io.BytesIO(default_template))
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    parts = xml_parts(default_template)
    lang = parts["word/styles.xml"].find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang.get(f"{W}val") == "fr-FR"
    settings = parts["word/settings.xml"]
    assert settings.find(f"{W}themeFontLang").get(f"{W}val") == "fr-FR"
    assert settings.find(f"{W}compat/{W}compatSetting").get(f"{W}val") == "15"
    for name, root in parts.items():
        assert out_of_order(root) == [], name
    assert not [n for n in parts if "thumbnail" in n or "theme" in n]
    assert document.core_properties.author == ""


def test_default_template_is_reproducible_and_a_specimen(
    default_template: bytes, theme: Theme
) -> None:
    assert template_bytes(theme, theme.locale("fr")) == default_template
    document = docx.Document(io.BytesIO(default_template))
    shown = {p.style.name for p in document.paragraphs}
    shown |= {p.style.name for t in document.tables for c in t._cells for p in c.paragraphs}
    assert shown >= set(PARAGRAPH_STYLES) - {"Header", "Footer"}


def test_theme_lacking_a_style_is_a_config_error(theme: Theme) -> None:
    import dataclasses

    styles = {k: v for k, v in theme.docx_styles.items() if k != "Fact Label"}
    broken = dataclasses.replace(theme, docx_styles=styles)
    with pytest.raises(ConfigError, match="Fact Label"):
        template_bytes(broken, theme.locale("fr"))


# A designer's template ---------------------------------------------------------------------


def test_restyled_template_decides_the_look(
    tmp_path: Path, default_template: bytes, seed_content: Content, theme: Theme
) -> None:
    designer = docx.Document(io.BytesIO(default_template))
    designer.styles["Heading 1"].font.color.rgb = RGBColor(0xAA, 0x11, 0x22)
    section = designer.sections[0]
    section.left_margin = section.right_margin = Mm(30)
    path = save(designer, tmp_path / "restyled.docx")
    data = FactSheetRenderer(seed_content, theme, template=path, epoch=EPOCH).render(
        seed_content.actions[0]
    )
    sheet = docx.Document(io.BytesIO(data))
    assert sheet.styles["Heading 1"].font.color.rgb == RGBColor(0xAA, 0x11, 0x22)
    assert round(sheet.sections[0].left_margin.mm) == 30
    # The key facts table follows the new text width.
    tbl_w = int(sheet.tables[0]._tbl.tblPr.find(qn("w:tblW")).get(qn("w:w")))
    assert abs(tbl_w - Mm(150).twips) <= 2
    # The body of the template, a specimen, is not in the sheet.
    assert "List Number" not in body_text(sheet)
    assert [p.style.name for p in sheet.paragraphs if p.style.name == "Heading 1"]


def test_template_lacking_styles_names_them(
    tmp_path: Path, default_template: bytes, seed_content: Content, theme: Theme
) -> None:
    designer = docx.Document(io.BytesIO(default_template))
    for name in ("Fact Label", "Key Facts", "Strong"):
        designer.styles[name].delete()
    path = save(designer, tmp_path / "partial.docx")
    with pytest.raises(ConfigError) as caught:
        FactSheetRenderer(seed_content, theme, template=path)
    message = str(caught.value)
    assert str(path) in message
    for expected in ("Fact Label (paragraph)", "Key Facts (table)", "Strong (character)"):
        assert expected in message
    assert "Title" not in message


def test_list_style_without_numbering_is_a_config_error(
    tmp_path: Path, default_template: bytes, seed_content: Content, theme: Theme
) -> None:
    designer = docx.Document(io.BytesIO(default_template))
    ppr = designer.styles["List Bullet"].element.find(qn("w:pPr"))
    ppr.remove(ppr.find(qn("w:numPr")))
    path = save(designer, tmp_path / "flat-list.docx")
    with pytest.raises(ConfigError, match="List Bullet"):
        FactSheetRenderer(seed_content, theme, template=path)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("notes.docx", b"not a zip at all"),
        ("empty.docx", b""),
        ("empty-zip.docx", b"PK\x05\x06" + bytes(18)),
    ],
)
def test_unreadable_template_is_a_config_error(
    tmp_path: Path, seed_content: Content, theme: Theme, name: str, data: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ConfigError, match=re.escape(str(path))):
        FactSheetRenderer(seed_content, theme, template=path)
    with pytest.raises(ConfigError, match="cannot read"):
        FactSheetRenderer(seed_content, theme, template=tmp_path / "missing.docx")


def test_template_baggage_is_dropped(
    tmp_path: Path, default_template: bytes, seed_content: Content, theme: Theme
) -> None:
    # A template carrying what python-docx's own template or a designer's Word leaves behind.
    designer = docx.Document(io.BytesIO(default_template))
    designer.core_properties.author = "python-docx"
    designer.core_properties.title = "Modèle CFSI"
    designer.core_properties.comments = "brouillon"
    section = designer.sections[0]
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = "FIRST PAGE ONLY"
    designer.paragraphs[0].text = "BODY OF THE TEMPLATE"
    settings = designer.settings.element
    settings.find(f"{W}themeFontLang").set(f"{W}val", "en-US")
    settings.find(f"{W}compat/{W}compatSetting").set(f"{W}val", "14")
    lang = designer.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    lang.set(f"{W}val", "en-US")
    path = save(designer, tmp_path / "baggage.docx")
    add_thumbnail(path)

    data = FactSheetRenderer(seed_content, theme, template=path, epoch=EPOCH).render(
        seed_content.actions[1]
    )
    parts = xml_parts(data)
    everything = b"".join(etree.tostring(root) for root in parts.values())
    for word in (b"FIRST PAGE ONLY", b"BODY OF THE TEMPLATE", b"python-docx", b"brouillon",
                 "Modèle".encode(), b"en-US", b"titlePg", b"thumbnail", b"ACME"):  # fmt: skip
        assert word not in everything, word
    assert parts["word/settings.xml"].find(f"{W}compat/{W}compatSetting").get(f"{W}val") == "15"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert not [n for n in archive.namelist() if "thumbnail" in n or "app.xml" in n]


def add_thumbnail(path: Path) -> None:
    """Add a thumbnail and app.xml, as Word's 'Save thumbnail' and python-docx's template do."""
    with zipfile.ZipFile(path) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    rels = etree.fromstring(entries["_rels/.rels"])
    ns = rels.nsmap[None]
    etree.SubElement(
        rels,
        f"{{{ns}}}Relationship",
        Id="rIdThumb",
        Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail",
        Target="docProps/thumbnail.jpeg",
    )
    etree.SubElement(
        rels,
        f"{{{ns}}}Relationship",
        Id="rIdApp",
        Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
        "extended-properties",
        Target="docProps/app.xml",
    )
    entries["_rels/.rels"] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8")
    entries["docProps/app.xml"] = (
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'extended-properties"><Company>ACME Template Co</Company><Pages>7</Pages></Properties>'
    )
    types = etree.fromstring(entries["[Content_Types].xml"])
    etree.SubElement(
        types, f"{{{types.nsmap[None]}}}Default", Extension="jpeg", ContentType="image/jpeg"
    )
    etree.SubElement(
        types,
        f"{{{types.nsmap[None]}}}Override",
        PartName="/docProps/app.xml",
        ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml",
    )
    entries["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True, encoding="UTF-8")
    entries["docProps/thumbnail.jpeg"] = b"\xff\xd8\xff\xd9"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)


def test_template_saved_by_libreoffice_still_works(
    tmp_path: Path, default_template: bytes, theme: Theme
) -> None:
    # A designer restyling in LibreOffice: its save renames and adds styles (its own
    # "Caption" beside Word's "caption"); the sheet must still find ours.
    source = tmp_path / "template.docx"
    source.write_bytes(default_template)
    soffice_convert("docx:MS Word 2007 XML", tmp_path / "saved", [source])
    content = content_with_photo(tmp_path)
    renderer = FactSheetRenderer(content, theme, template=tmp_path / "saved/template.docx")
    sheet = docx.Document(io.BytesIO(renderer.render(content.action("banane"))))
    credit = next(p for p in sheet.paragraphs if p.text.endswith("CGT"))
    muted = theme.colour(theme.docx_styles["Caption"].colour).rgb[1:].upper()
    assert credit.style.name == "Caption" and str(credit.style.font.color.rgb) == muted
    bold = sheet.styles[sheet.tables[0].rows[-1].cells[1].paragraphs[0].runs[0].style.name]
    assert bold.font.bold and not bold.font.italic  # "Strong", not a look-alike
    bullets = [p for p in sheet.paragraphs if p.style.name == "List Bullet"]
    assert len(bullets) == 11
    # LibreOffice writes "Heading 1" where Word writes "heading 1": python-docx's
    # styles["Heading 1"] misses it, a scan by displayed name does not.
    heading = next(s for s in sheet.styles if s.name == "Heading 1")
    assert heading.font.size.pt == theme.docx_styles["Heading 1"].size_pt
