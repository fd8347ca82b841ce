"""Fonts embedded in a Word document the way Word does with « Embed fonts in the file » on.

ECMA-376 Part 1, 17.8.1: each face is a part `word/fonts/fontN.odttf`, the TrueType file
whose first 32 bytes are XORed with a 16-byte key; the key is the GUID of `w:fontKey` read
backwards. fontTable.xml names the part (`w:embedRegular r:id=... w:fontKey=...`) and
settings.xml says `w:embedTrueTypeFonts`. Word and LibreOffice then show the sheet in
Source Sans Pro on a computer that does not have it. The GUIDs are derived from the font
files, so the same fonts give the same bytes.
"""

from __future__ import annotations

import hashlib
import uuid
from functools import cache
from pathlib import Path

from docx.document import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from lxml import etree

from ..theme import Theme
from .oxml import el, insert_before

_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
# w:font's children after the embedding elements come in this order (CT_Font).
EMBEDS = (("embedRegular", False, False), ("embedBold", True, False),
          ("embedItalic", False, True), ("embedBoldItalic", True, True))  # fmt: skip
# What may follow w:embedTrueTypeFonts in w:settings (CT_Settings), for schema order.
_SETTINGS_AFTER_EMBED = (
    "embedSystemFonts", "saveSubsetFonts", "saveFormsData", "mirrorMargins",
    "alignBordersAndEdges", "bordersDoNotSurroundHeader", "bordersDoNotSurroundFooter",
    "gutterAtTop", "hideSpellingErrors", "hideGrammaticalErrors", "activeWritingStyle",
    "proofState", "formsDesign", "attachedTemplate", "linkStyles", "stylePaneFormatFilter",
    "stylePaneSortMethod", "documentType", "mailMerge", "revisionView", "trackRevisions",
    "doNotTrackMoves", "doNotTrackFormatting", "documentProtection", "autoFormatOverride",
    "styleLockTheme", "styleLockQFSet", "defaultTabStop", "autoHyphenation",
    "consecutiveHyphenLimit", "hyphenationZone", "doNotHyphenateCaps", "evenAndOddHeaders",
    "defaultTableStyle", "characterSpacingControl", "compat", "docVars", "rsids",
    "themeFontLang", "clrSchemeMapping", "shapeDefaults", "decimalSymbol", "listSeparator",
)  # fmt: skip


def font_key(data: bytes) -> str:
    """Return a `w:fontKey` GUID derived from the font file: `{XXXXXXXX-XXXX-...}`."""
    return "{" + str(uuid.UUID(bytes=hashlib.sha256(data).digest()[:16], version=4)).upper() + "}"


def obfuscate(data: bytes, key: str) -> bytes:
    """XOR the first 32 bytes with the key's 16 bytes (the GUID's hex digits, backwards).

    The same operation undoes it: obfuscate(obfuscate(d, k), k) == d.
    """
    secret = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]
    head = bytes(b ^ secret[i % 16] for i, b in enumerate(data[:32]))
    return head + data[32:]


@cache
def _odttf(path: Path) -> tuple[str, bytes]:
    data = path.read_bytes()
    key = font_key(data)
    return key, obfuscate(data, key)


def faces(theme: Theme) -> dict[str, dict[str, Path]]:
    """Return, by font name, the faces the fact sheets use (embed element -> file).

    The family of Normal gets its four faces (rich text makes any of them); the other
    families get the faces their styles ask for.
    """
    wanted: dict[str, dict[str, Path]] = {}
    normal = theme.docx_styles.get("Normal")
    for style in (*theme.docx_styles.values(), *theme.docx_character_styles.values()):
        key = getattr(style, "family", None) or (normal.family if normal else None)
        if not key:
            continue
        family = theme.family(key)
        every = normal is not None and family is theme.family(normal.family)
        for tag, bold, italic in EMBEDS:
            if every or (bold, italic) == (bool(style.bold), bool(style.italic)):
                wanted.setdefault(family.name, {})[tag] = family.face(bold, italic)
    return wanted


def embed_fonts(document: Document, theme: Theme) -> int:
    """Embed the theme's fonts the sheet's styles name; return how many faces."""
    styles = etree.tostring(document.styles.element).decode("utf-8")
    wanted = {name: f for name, f in faces(theme).items() if f'"{name}"' in styles}
    if not wanted:
        return 0
    part = _font_table(document)
    root = parse_xml(part.blob)
    if root.nsmap.get("r") != _R:  # a template's table may not declare r: (relationships)
        bare = root
        root = etree.Element(bare.tag, nsmap={**bare.nsmap, "r": _R})
        root.attrib.update(bare.attrib)
        root.extend(list(bare))
    count = 0
    for name in sorted(wanted):
        font = next((f for f in root.findall(qn("w:font")) if f.get(qn("w:name")) == name), None)
        if font is None:
            font = root.makeelement(qn("w:font"), {qn("w:name"): name})
            root.append(font)
        for child in list(font):
            if child.tag in {qn(f"w:{tag}") for tag, _b, _i in EMBEDS}:
                font.remove(child)
        for tag, _bold, _italic in EMBEDS:
            path = wanted[name].get(tag)
            if path is None:
                continue
            key, blob = _odttf(path)
            count += 1
            target = Part(
                PackURI(f"/word/fonts/font{count}.odttf"), OBFUSCATED_FONT, blob, part.package
            )
            rid = part.relate_to(target, RT.FONT)
            font.append(el(f"w:{tag}", {"r:id": rid, "fontKey": key}))
    part._blob = etree.tostring(root, encoding="UTF-8", standalone=True)
    settings = document.settings.element
    if settings.find(qn("w:embedTrueTypeFonts")) is None:
        insert_before(settings, el("w:embedTrueTypeFonts"), _SETTINGS_AFTER_EMBED)
    return count


def _font_table(document: Document) -> Part:
    """Return the font table part, adding an empty one to a template that has none."""
    try:
        return document.part.part_related_by(RT.FONT_TABLE)
    except KeyError:
        ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
        blob = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:fonts {ns}/>'
        package = document.part.package
        part = Part(PackURI("/word/fontTable.xml"), CT.WML_FONT_TABLE, blob.encode(), package)
        document.part.relate_to(part, RT.FONT_TABLE)
        return part
