"""Open a template once, check it has what the layout needs, and strip it to a blank sheet."""

from __future__ import annotations

import io
import zipfile

import docx
from docx.document import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.opc.package import Unmarshaller
from docx.opc.packuri import PackURI
from docx.opc.part import Part, PartFactory
from docx.opc.pkgreader import PackageReader
from docx.oxml.ns import qn
from docx.package import Package
from docx.shared import Length
from docx.styles import BabelFish
from lxml import etree

from ..errors import ConfigError
from ..i18n import Locale
from ..messages import _
from ..theme import Theme
from . import oxml
from .fonts import embed_fonts
from .package import ZIP_EPOCH_MIN, write
from .template import (
    CHARACTER_STYLES,
    LIST_STYLES,
    PARAGRAPH_STYLES,
    footer_paragraph,
    section_properties,
    style_id,
    text_width,
)

# Parts no sheet changes: kept as bytes per sheet, never parsed nor serialized again. In a
# template saved by Word, styles.xml alone is tens of kilobytes.
_STATIC_PARTS = frozenset(
    {CT.WML_STYLES, CT.WML_SETTINGS, CT.WML_FONT_TABLE, CT.OFC_THEME, CT.WML_WEB_SETTINGS}
)
# Word 2010 kept a second copy of the styles there; Word 2013 and later neither need nor read it.
_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


class PreparedTemplate:
    """A template checked and emptied once per process; `open()` gives a fresh copy."""

    def __init__(self, data: bytes, source: str, theme: Theme, locale: Locale) -> None:
        document = _open(data, source)
        table_style = theme.docx.table_style.name
        self.style_ids = _style_ids(document, source, table_style)
        self.table_style = table_style
        # The definition of List Number, for numbered lists that restart at their own start.
        self.number_definition = _check_lists(document, self.style_ids, source)
        _blank_body(document, theme)
        self.text_width = _text_width(document, theme)
        _one_header_and_footer(document, self.style_ids, locale)
        _drop_metadata(document)
        oxml.set_language(document.styles.element, locale.tag)
        oxml.set_settings(document.settings.element, locale.tag, theme.docx.hyphenation)
        embed_fonts(document, theme)  # as Word's « Embed fonts in the file »
        self.data = write(document, ZIP_EPOCH_MIN)
        self._reader = PackageReader.from_file(io.BytesIO(self.data))

    def open(self) -> Document:
        """Return a new document: the template with an empty body.

        Like `docx.Document(BytesIO(self.data))`, without unzipping again and without
        parsing the parts no sheet changes: the sheet's styles are applied by id.
        """
        package = Package()
        Unmarshaller.unmarshal(self._reader, package, _load_part)
        return package.main_document_part.document


def _load_part(
    partname: PackURI, content_type: str, reltype: str, blob: bytes, package: Package
) -> Part:
    if content_type in _STATIC_PARTS:
        return Part.load(partname, content_type, blob, package)
    return PartFactory(partname, content_type, reltype, blob, package)


def _open(data: bytes, source: str) -> Document:
    try:
        return docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        raise ConfigError(
            _(
                "{source}: not a readable Word document (expected a .docx saved by Word or"
                " LibreOffice): {error}"
            ).format(source=source, error=exc)
        ) from None
    except etree.XMLSyntaxError as exc:
        raise ConfigError(
            _("{source}: a part of the Word document is not valid XML: {error}").format(
                source=source, error=exc
            )
        ) from None


def _style_ids(document: Document, source: str, table_style: str) -> dict[str, str]:
    found: dict[tuple[str, str], str] = {}
    ranks: dict[tuple[str, str], int] = {}
    for style in document.styles.element.iterchildren(qn("w:style")):
        name = style.find(qn("w:name"))
        if name is None:
            continue
        raw = name.get(qn("w:val"), "")
        ui_name = BabelFish.internal2ui(raw)
        key = (style.get(qn("w:type"), ""), ui_name)
        # Two styles can claim one name: LibreOffice saves its own "Caption" beside Word's
        # "caption". Prefer Word's internal name, then Word's id for the name.
        found_id = style.get(qn("w:styleId"), "")
        rank = (raw == BabelFish.ui2internal(ui_name)) * 2 + (found_id == style_id(ui_name))
        if rank > ranks.get(key, -1):
            found[key], ranks[key] = found_id, rank
    needed = [("paragraph", n) for n in PARAGRAPH_STYLES]
    needed += [("character", n) for n in CHARACTER_STYLES]
    needed.append(("table", table_style))
    missing = [f"{name} ({kind})" for kind, name in needed if (kind, name) not in found]
    if missing:
        raise ConfigError(
            _(
                "{source}: the template lacks styles the fact sheets need: {missing}"
                " (start from the default template, which defines them all)"
            ).format(source=source, missing=", ".join(missing))
        )
    return {name: found[(kind, name)] for kind, name in needed}


def _check_lists(document: Document, style_ids: dict[str, str], source: str) -> int:
    try:
        numbering = document.part.numbering_part.element
    except NotImplementedError:  # python-docx cannot create a missing numbering part
        raise ConfigError(
            _("{source}: the template has no list numbering").format(source=source)
        ) from None
    styles = document.styles.element
    definitions = {}
    for name, number_format in LIST_STYLES.items():
        style = styles.find(f"{qn('w:style')}[@{qn('w:styleId')}='{style_ids[name]}']")
        num_id = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
        num = None
        if num_id is not None:
            num = numbering.find(f"{qn('w:num')}[@{qn('w:numId')}='{num_id.get(qn('w:val'))}']")
        abstract = None if num is None else num.find(qn("w:abstractNumId"))
        level = None
        if abstract is not None:
            level = numbering.find(
                f"{qn('w:abstractNum')}[@{qn('w:abstractNumId')}='{abstract.get(qn('w:val'))}']"
                f"/{qn('w:lvl')}[@{qn('w:ilvl')}='0']/{qn('w:numFmt')}"
            )
        is_bullet = level is not None and level.get(qn("w:val")) == "bullet"
        if level is None or is_bullet != (number_format == "bullet"):
            if number_format == "bullet":
                text = _(
                    "{source}: style {name!r} is not a list with bullets (define it with"
                    " Word's list numbering, as in the default template)"
                )
            else:
                text = _(
                    "{source}: style {name!r} is not a list with numbers (define it with"
                    " Word's list numbering, as in the default template)"
                )
            raise ConfigError(text.format(source=source, name=name))
        assert abstract is not None
        definitions[name] = int(abstract.get(qn("w:val")))
    return definitions["List Number"]


def _blank_body(document: Document, theme: Theme) -> None:
    body = document.element.body
    sect_pr = body.find(qn("w:sectPr"))
    for child in list(body):
        if child is not sect_pr:
            body.remove(child)
    if sect_pr is None:  # no page setup at all: the theme's (header and footer come next)
        body.append(section_properties(theme))


def _text_width(document: Document, theme: Theme) -> int:
    section = document.sections[0]
    page = (section.page_width, section.left_margin, section.right_margin)
    if None in page:  # a page setup without size or margins: Word falls back to its own
        return text_width(theme)
    width, left, right = page
    return Length(width - left - right).twips


def _one_header_and_footer(document: Document, style_ids: dict[str, str], locale: Locale) -> None:
    # One header and one footer on every page: first-page and even-page variants would
    # keep the template's own text.
    sect_pr = document.element.body.find(qn("w:sectPr"))
    for tag in ("w:headerReference", "w:footerReference"):
        for ref in sect_pr.findall(qn(tag)):
            if ref.get(qn("w:type")) != "default":
                sect_pr.remove(ref)
                document.part.drop_rel(ref.get(qn("r:id")))
    title_page = sect_pr.find(qn("w:titlePg"))
    if title_page is not None:
        sect_pr.remove(title_page)
    settings = document.settings.element
    for elm in settings.findall(qn("w:evenAndOddHeaders")):
        settings.remove(elm)
    # A path to the designer's own Normal.dotm has no business in a fact sheet.
    settings_part = document.part.part_related_by(RT.SETTINGS)
    for elm in settings.findall(qn("w:attachedTemplate")):
        settings.remove(elm)
        settings_part.drop_rel(elm.get(qn("r:id")))
    section = document.sections[0]
    section.header.is_linked_to_previous = False  # adds the part if the template has none
    section.footer.is_linked_to_previous = False
    header = section.header.part.element
    footer = section.footer.part.element
    for story in (header, footer):
        _keep_pictures(story)
    footer.append(footer_paragraph(locale, style_ids["Footer"]))


def _keep_pictures(story: etree._Element) -> None:
    # The sheet writes the header and footer text; a logo the designer placed there stays.
    for child in list(story):
        drawings = [r for r in child.iter(qn("w:r")) if r.find(qn("w:drawing")) is not None]
        if child.tag != qn("w:p") or not drawings:
            story.remove(child)
            continue
        for element in list(child):
            if element.tag != qn("w:pPr") and element not in drawings:
                child.remove(element)


def _drop_metadata(document: Document) -> None:
    # The template's author, title, dates, thumbnail and statistics (app.xml lists its
    # title, pages and words) must not reach a fact sheet.
    package = document.part.package
    _ = package.core_properties  # python-docx adds the part if the template has none
    core = package.part_related_by(RT.CORE_PROPERTIES).element
    for child in list(core):
        core.remove(child)
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype in (RT.THUMBNAIL, RT.EXTENDED_PROPERTIES):
            del package.rels[rel_id]
    for rel_id, rel in list(document.part.rels.items()):
        if rel.reltype == _STYLES_WITH_EFFECTS:
            del document.part.rels[rel_id]
