"""The default Word template, generated from the theme: styles, lists, page, header, footer.

The template decides how a fact sheet looks; the layout only names styles. Nothing
of python-docx's own template (US Letter, en-US, Word 2010 mode, Cambria/Calibri
theme fonts, its author, dates and thumbnail) is used: every part is written here.
"""

from __future__ import annotations

from collections.abc import Iterator
from string import Formatter
from typing import Any

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.styles import BabelFish
from lxml import etree

from ..errors import ConfigError
from ..i18n import Locale
from ..theme import TextStyle, Theme
from . import oxml
from .oxml import Border, el, mm, pt, run, val
from .package import ZIP_EPOCH_MIN, content_types, xml_bytes, zip_entries

# The styles the layout names. A user template must define them all.
PARAGRAPH_STYLES = (
    "Normal", "Title", "Subtitle", "Heading 1", "List Bullet", "List Number", "Figure",
    "Fact Label", "Fact Text", "Header", "Footer", "Caption",
)  # fmt: skip
CHARACTER_STYLES = ("Strong", "Emphasis", "Strong Italic", "Fact Term")
LIST_STYLES = {"List Bullet": "bullet", "List Number": "decimal"}  # style -> numFmt
OUTLINE_LEVELS = {"Heading 1": 0}  # what Word's navigation pane and PDF bookmarks show
# The style Word moves to when Enter is pressed at the end of a paragraph.
NEXT_STYLES = {
    "Subtitle": "Title", "Title": "Normal", "Heading 1": "Normal", "Figure": "Caption",
    "Caption": "Normal", "Fact Label": "Fact Text",
}  # fmt: skip
_ALIGN = {"left": "left", "justify": "both", "right": "right", "center": "center"}
_FIELDS = {"page": "PAGE", "pages": "NUMPAGES"}
_NS = nsdecls("w", "r", "wp", "a", "pic")


def style_id(name: str) -> str:
    """Return the style id Word gives a style name: `Heading 1` -> `Heading1`."""
    return "".join(ch for ch in name if ch.isalnum())


def template_bytes(theme: Theme, locale: Locale) -> bytes:
    """Return the default fact-sheet template (.docx), generated from the theme.

    A communication team can restyle the fact sheets without touching code: save these
    bytes as `template.docx`, open it in Word or LibreOffice, modify the styles it shows
    (Title, Heading 1, List Bullet, Fact Label, Key Facts...), the page setup and the
    header and footer styles, save it as .docx and pass it back with
    `--docx-template template.docx`. Its styles and page setup are used and its body, a
    specimen of every style, is ignored. The header and footer text (programme title,
    action number, `page X / Y`) is written per sheet in the Header and Footer styles;
    a picture placed in the header or footer, such as a logo, is kept.
    """
    missing = [n for n in PARAGRAPH_STYLES if n not in theme.docx_styles]
    missing += [n for n in CHARACTER_STYLES if n not in theme.docx_character_styles]
    if missing:
        raise ConfigError(
            f"{theme.path}: docx: styles the fact sheets need are not defined: "
            + ", ".join(missing)
        )
    parts = {
        "/word/document.xml": (CT.WML_DOCUMENT_MAIN, _document(theme)),
        "/word/styles.xml": (CT.WML_STYLES, _styles(theme, locale)),
        "/word/numbering.xml": (CT.WML_NUMBERING, _numbering(theme)),
        "/word/settings.xml": (CT.WML_SETTINGS, _settings(theme, locale)),
        "/word/fontTable.xml": (CT.WML_FONT_TABLE, _font_table(theme)),
        "/word/header1.xml": (CT.WML_HEADER, _story("w:hdr", _specimen("Header"))),
        "/word/footer1.xml": (CT.WML_FOOTER, _story("w:ftr", footer_paragraph(locale))),
        "/docProps/core.xml": (CT.OPC_CORE_PROPERTIES, _core(locale)),
    }
    document_rels = {
        "rId1": (RT.STYLES, "styles.xml"),
        "rId2": (RT.NUMBERING, "numbering.xml"),
        "rId3": (RT.SETTINGS, "settings.xml"),
        "rId4": (RT.FONT_TABLE, "fontTable.xml"),
        "rId5": (RT.HEADER, "header1.xml"),
        "rId6": (RT.FOOTER, "footer1.xml"),
    }
    package_rels = {
        "rId1": (RT.OFFICE_DOCUMENT, "word/document.xml"),
        "rId2": (RT.CORE_PROPERTIES, "docProps/core.xml"),
    }

    def entries() -> Iterator[tuple[str, bytes]]:
        yield "[Content_Types].xml", content_types((n, ct) for n, (ct, _) in parts.items())
        yield "_rels/.rels", _relationships(package_rels)
        yield "word/_rels/document.xml.rels", _relationships(document_rels)
        for name, (_, element) in parts.items():
            yield name.lstrip("/"), xml_bytes(element)

    return zip_entries(entries(), ZIP_EPOCH_MIN)


def footer_paragraph(locale: Locale, style: str = style_id("Footer")) -> etree._Element:
    """Return `page X / Y` from the locale, X and Y being PAGE and NUMPAGES fields."""
    runs: list[etree._Element] = []
    for literal, name, _, _ in Formatter().parse(locale.label("page_of")):
        if literal:
            runs.append(run(literal))
        if name:
            if name not in _FIELDS:
                raise ConfigError(f"{locale.path}: labels.page_of: unknown field {{{name}}}")
            runs.extend(oxml.field(_FIELDS[name]))
    return oxml.paragraph(style, runs)


def section_properties(
    theme: Theme, header_rel: str | None = None, footer_rel: str | None = None
) -> etree._Element:
    """Return the page setup of the theme: size, margins, header and footer distances."""
    page = theme.docx.page
    margins = page.margins
    return el(
        "w:sectPr",
        None,
        el("w:headerReference", {"type": "default", "r:id": header_rel}) if header_rel else None,
        el("w:footerReference", {"type": "default", "r:id": footer_rel}) if footer_rel else None,
        el("w:pgSz", {"w": mm(page.width_mm), "h": mm(page.height_mm)}),
        el(
            "w:pgMar",
            {
                "top": mm(margins.top_mm),
                "right": mm(margins.right_mm),
                "bottom": mm(margins.bottom_mm),
                "left": mm(margins.left_mm),
                "header": mm(page.header_mm),
                "footer": mm(page.footer_mm),
                "gutter": 0,
            },
        ),
    )


def text_width(theme: Theme) -> int:
    """Return the width between the page margins, in twips."""
    page = theme.docx.page
    return mm(page.width_mm - page.margins.left_mm - page.margins.right_mm)


def _hex(theme: Theme, name: str) -> str:
    return theme.colour(name).rgb.lstrip("#").upper()


# Styles ------------------------------------------------------------------------------------


def _styles(theme: Theme, locale: Locale) -> etree._Element:
    normal = theme.docx_styles["Normal"]
    root = parse_xml(f"<w:styles {_NS}/>")
    root.append(
        el(
            "w:docDefaults",
            None,
            el(
                "w:rPrDefault",
                None,
                oxml.run_properties(
                    font=theme.family(normal.family).name, size=normal.size_pt, language=locale.tag
                ),
            ),
            el("w:pPrDefault", None, oxml.paragraph_properties(spacing={"after": 0})),
        )
    )
    # Word's default character, table and list styles, which every Word document has.
    for kind, name in (("character", "Default Paragraph Font"), ("numbering", "No List")):
        root.append(oxml.style(kind, style_id(name), name, default=True, hidden=True))
    root.append(
        oxml.style(
            "table",
            "TableNormal",
            "Normal Table",
            default=True,
            hidden=True,
            properties=(None, None, el("w:tblPr", None, el("w:tblInd", {"w": 0, "type": "dxa"}))),
        )
    )
    numbering = {name: number for number, name in enumerate(LIST_STYLES, 1)}
    for name, spec in theme.docx_styles.items():
        base = None if name == "Normal" else normal
        root.append(_paragraph_style(theme, spec, base, numbering.get(name)))
    for spec in theme.docx_character_styles.values():
        root.append(_character_style(theme, spec))
    root.append(_table_style(theme))
    return root


def _paragraph_style(
    theme: Theme, spec: TextStyle, base: TextStyle | None, num_id: int | None
) -> etree._Element:
    def changed(field: str) -> Any:
        # Only what differs from Normal is written, so restyling Normal in Word carries over.
        value = getattr(spec, field)
        if base is None:
            return value or None
        return value if value != getattr(base, field) else None

    name = spec.name
    spacing: dict[str, object] = {}
    if changed("space_before_pt") is not None:
        spacing["before"] = pt(spec.space_before_pt)
    if base is None or spec.space_after_pt != base.space_after_pt:
        spacing["after"] = pt(spec.space_after_pt)
    if base is None or spec.leading_pt != base.leading_pt:
        # At least, not exactly: a bigger font or a fallback font grows the line, never clips.
        spacing.update(line=pt(spec.leading_pt), lineRule="atLeast")
    if num_id is not None:
        hanging = mm(theme.docx.lists.hanging_mm)
        indent: dict[str, int] | None = {"left": mm(spec.indent_mm), "hanging": hanging}
    else:
        indent = {"left": mm(spec.indent_mm)} if changed("indent_mm") is not None else None
    rules = theme.docx.rules.get(name, {})
    ppr = oxml.paragraph_properties(
        keep_next=changed("keep_with_next"),
        widow_control=True if base is None else None,
        num=(num_id, 0) if num_id is not None else None,
        border={
            side: Border(_hex(theme, r.colour), r.width_pt, r.space_pt) for side, r in rules.items()
        },
        tabs=[("right", text_width(theme))] if name in ("Header", "Footer") else (),
        # Justified text needs hyphens; titles, labels and ragged text read better without.
        hyphenate=(spec.align == "justify") if base is None or changed("align") else None,
        spacing=spacing,
        indent=indent,
        align=_ALIGN[spec.align] if changed("align") is not None else None,
        outline_level=OUTLINE_LEVELS.get(name),
    )
    rpr = oxml.run_properties(
        font=theme.family(spec.family).name if changed("family") is not None else None,
        bold=changed("bold"),
        italic=changed("italic"),
        caps=changed("upper"),
        colour=_hex(theme, spec.colour) if changed("colour") is not None else None,
        tracking=changed("tracking_pt"),
        size=changed("size_pt"),
    )
    return oxml.style(
        "paragraph",
        style_id(name),
        BabelFish.ui2internal(name),
        based_on=None if base is None else style_id("Normal"),
        next_style=style_id(NEXT_STYLES[name]) if name in NEXT_STYLES else None,
        default=base is None,
        properties=(ppr, rpr),
    )


def _character_style(theme: Theme, spec: TextStyle) -> etree._Element:
    # A character style sets only what it names: the rest comes from the paragraph.
    def given(field: str) -> Any:
        return getattr(spec, field) if field in spec.given else None

    rpr = oxml.run_properties(
        font=theme.family(spec.family).name if "family" in spec.given else None,
        bold=given("bold"),
        italic=given("italic"),
        caps=given("upper"),
        colour=_hex(theme, spec.colour) if "colour" in spec.given else None,
        tracking=given("tracking_pt"),
        size=given("size_pt"),
    )
    return oxml.style("character", style_id(spec.name), spec.name, properties=(None, rpr))


def _table_style(theme: Theme) -> etree._Element:
    spec = theme.docx.table_style
    frame = Border(_hex(theme, spec.border), spec.border_width_pt)
    rule = Border(_hex(theme, spec.rule), spec.rule_width_pt)
    pad_x = mm(theme.docx.cell_padding_mm)
    pad_y = mm(theme.docx.cell_padding_y_mm)
    margins = el(
        "w:tblCellMar",
        None,
        *(
            el(f"w:{side}", {"w": pad, "type": "dxa"})
            for side, pad in (("top", pad_y), ("left", pad_x), ("bottom", pad_y), ("right", pad_x))
        ),
    )
    table_pr = el(
        "w:tblPr",
        None,
        # A frame above and below, light rules between rows, no vertical lines: a sidebar look.
        oxml.borders(
            "w:tblBorders",
            dict(top=frame, bottom=frame, insideH=rule, left=None, right=None, insideV=None),
        ),
        margins,
    )
    cell_pr = el("w:tcPr", None, oxml.shading(_hex(theme, spec.shading)))
    name = spec.name
    return oxml.style(
        "table",
        style_id(name),
        name,
        based_on="TableNormal",
        properties=(None, None, table_pr, cell_pr),
    )


# Other parts -------------------------------------------------------------------------------


def _numbering(theme: Theme) -> etree._Element:
    lists = theme.docx.lists
    root = parse_xml(f"<w:numbering {_NS}/>")
    for abstract_id, (name, number_format) in enumerate(LIST_STYLES.items()):
        spec = theme.docx_styles[name]
        root.append(
            oxml.abstract_numbering(
                abstract_id,
                style_id=style_id(name),
                number_format=number_format,
                text=lists.bullet if number_format == "bullet" else lists.number,
                indent=mm(spec.indent_mm),
                hanging=mm(lists.hanging_mm),
                font=theme.family(spec.family).name,
                colour=_hex(theme, lists.marker),
            )
        )
    for abstract_id in range(len(LIST_STYLES)):
        root.append(oxml.numbering_instance(abstract_id + 1, abstract_id))
    return root


def _settings(theme: Theme, locale: Locale) -> etree._Element:
    root = parse_xml(f"<w:settings {_NS}/>")
    root.append(el("w:zoom", {"percent": 100}))
    root.append(val("w:characterSpacingControl", "doNotCompress"))
    oxml.set_settings(root, locale.tag, theme.docx.hyphenation)
    return root


def _font_table(theme: Theme) -> etree._Element:
    # Family "swiss" and variable pitch let Word pick a sans serif where the font is missing.
    root = parse_xml(f"<w:fonts {_NS}/>")
    for name in sorted({family.name for family in theme.families.values()}):
        root.append(
            el(
                "w:font",
                {"name": name},
                val("w:charset", "00"),
                val("w:family", "swiss"),
                val("w:pitch", "variable"),
            )
        )
    return root


def _specimen(name: str, style: str | None = None) -> etree._Element:
    return oxml.paragraph(style_id(style or name), [run(name)])


def _document(theme: Theme) -> etree._Element:
    # The body is a specimen of every style, for whoever restyles the template; sheets drop it.
    root = parse_xml(f"<w:document {_NS}><w:body/></w:document>")
    body = root[0]
    for name in theme.docx_styles:
        if name in ("Header", "Footer", "Fact Label", "Fact Text"):
            continue
        body.append(_specimen(name))
        if name in LIST_STYLES:
            body.append(_specimen(name))
    body.append(
        oxml.paragraph(
            style_id("Normal"),
            [run(f"{name} ", style_id(name)) for name in theme.docx_character_styles],
        )
    )
    width = text_width(theme)
    label = min(mm(theme.docx.label_column_mm), width // 2)
    cells = [
        [_specimen("Fact Label")],
        [oxml.paragraph(style_id("Fact Text"), [run("Fact Term ", "FactTerm"), run("Fact Text")])],
    ]
    table_name = theme.docx.table_style.name
    body.append(oxml.table(style_id(table_name), [label, width - label], [cells]))
    body.append(section_properties(theme, "rId5", "rId6"))
    return root


def _story(tag: str, paragraph: etree._Element) -> etree._Element:
    root = parse_xml(f"<{tag} {_NS}/>")
    root.append(paragraph)
    return root


def _core(locale: Locale) -> etree._Element:
    root = parse_xml(
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"/>'
    )
    etree.SubElement(root, "{http://purl.org/dc/elements/1.1/}language").text = locale.tag
    return root


def _relationships(rels: dict[str, tuple[str, str]]) -> bytes:
    ns = "http://schemas.openxmlformats.org/package/2006/relationships"
    root = etree.Element(f"{{{ns}}}Relationships", nsmap={None: ns})
    for rel_id, (kind, target) in rels.items():
        etree.SubElement(root, f"{{{ns}}}Relationship", Id=rel_id, Type=kind, Target=target)
    return xml_bytes(root)
