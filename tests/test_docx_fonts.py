"""Fonts embedded in the fact sheets as Word does, used by LibreOffice where none is installed."""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from cfsi_reports.content import Content
from cfsi_reports.docx import FactSheetRenderer
from cfsi_reports.docx.fonts import OBFUSCATED_FONT, obfuscate
from cfsi_reports.theme import Theme
from conftest import require_tool, run_tool
from test_fact_sheets import soffice_convert

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
FONT_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font"


@pytest.fixture(scope="module")
def sheets(seed_content: Content, theme: Theme) -> dict[str, bytes]:
    renderer = FactSheetRenderer(seed_content, theme, epoch=1_700_000_000)
    return {a.key: renderer.render(a) for a in seed_content.actions}


def _embedded(data: bytes) -> dict[tuple[str, str], bytes]:
    """Return the de-obfuscated font programs by (font name, embed element)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        table = etree.fromstring(z.read("word/fontTable.xml"))
        rels = etree.fromstring(z.read("word/_rels/fontTable.xml.rels"))
        types = etree.fromstring(z.read("[Content_Types].xml"))
        settings = etree.fromstring(z.read("word/settings.xml"))
        assert settings.find(f"{W}embedTrueTypeFonts") is not None
        targets = {r.get("Id"): r for r in rels.iter(f"{PKG}Relationship")}
        kinds = {o.get("PartName"): o.get("ContentType") for o in types.iter(f"{TYPES}Override")}
        found = {}
        for font in table.iter(f"{W}font"):
            for embed in font:
                tag = etree.QName(embed).localname
                if not tag.startswith("embed"):
                    continue
                rel = targets[embed.get(f"{R}id")]
                assert rel.get("Type") == FONT_REL
                name = "word/" + rel.get("Target")
                assert name.endswith(".odttf") and kinds["/" + name] == OBFUSCATED_FONT
                key = embed.get(f"{W}fontKey")
                assert re.fullmatch(r"\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", key)
                stored = z.read(name)
                found[(font.get(f"{W}name"), tag)] = obfuscate(stored, key)
                assert stored[:32] != found[(font.get(f"{W}name"), tag)][:32]  # obfuscated
    return found


def test_each_sheet_carries_its_fonts(sheets: dict[str, bytes], theme: Theme) -> None:
    body, display = theme.family("body"), theme.family("display")
    expected = {
        (body.name, "embedRegular"): body.regular.read_bytes(),
        (body.name, "embedBold"): body.bold.read_bytes(),
        (body.name, "embedItalic"): body.italic.read_bytes(),
        (body.name, "embedBoldItalic"): body.bold_italic.read_bytes(),
        (display.name, "embedRegular"): display.regular.read_bytes(),
    }
    for slug, data in sheets.items():
        assert _embedded(data) == expected, slug


def test_sheets_with_fonts_stay_reproducible(
    sheets: dict[str, bytes], seed_content: Content, theme: Theme
) -> None:
    again = FactSheetRenderer(seed_content, theme, epoch=1_700_000_000)
    action = seed_content.actions[0]
    assert again.render(action) == sheets[action.key]


def _without_embedding(data: bytes) -> bytes:
    """The same sheet with its fontTable's embed elements removed (the control)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            part = src.read(info.filename)
            if info.filename == "word/fontTable.xml":
                part = re.sub(rb"<w:embed\w+ [^>]*/>", b"", part)
            dst.writestr(info, part)
    return out.getvalue()


def _fonts(pdf: Path) -> list[str]:
    lines = run_tool("pdffonts", pdf).splitlines()[2:]
    return [line.split()[0].split("+")[-1] for line in lines if line.strip()]


def test_libreoffice_uses_the_embedded_fonts_where_none_is_installed(
    sheets: dict[str, bytes], theme: Theme, tmp_path: Path
) -> None:
    require_tool("soffice")
    require_tool("pdffonts")
    for slug, data in sheets.items():
        (tmp_path / f"{slug}.docx").write_bytes(data)
    control = tmp_path / "control" / "control.docx"
    control.parent.mkdir()
    control.write_bytes(_without_embedding(next(iter(sheets.values()))))
    # A machine without Source Sans Pro: the system fonts, minus any installed copy of it.
    config = tmp_path / "fonts.conf"
    font_dir = theme.family("body").regular.parent
    config.write_text(
        '<?xml version="1.0"?><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"<selectfont><rejectfont><glob>{font_dir}/*</glob>"
        "<glob>/usr/*SourceSans*</glob><glob>/usr/*/source-sans*/*</glob>"
        f"</rejectfont></selectfont><cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(config)}
    # The control alone: LibreOffice keeps the fonts of a document it opened for the next.
    soffice_convert("pdf", control.parent, [control], env)
    fonts = _fonts(control.with_suffix(".pdf"))
    assert not any(f.startswith("SourceSansPro") for f in fonts), f"font not hidden: {fonts}"
    soffice_convert("pdf", tmp_path / "pdf", sorted(tmp_path.glob("*.docx")), env)
    for slug in sheets:
        pdf = tmp_path / "pdf" / f"{slug}.pdf"
        fonts = _fonts(pdf)
        assert {"SourceSansPro-Regular", "SourceSansPro-Bold", "SourceSansPro-Semibold"} <= set(
            fonts
        ), (slug, fonts)
        assert all(f.startswith("SourceSansPro") for f in fonts), (slug, fonts)
        pages = int(re.search(r"Pages:\s+(\d+)", run_tool("pdfinfo", pdf)).group(1))
        assert 1 <= pages <= 2, slug
