"""Raw WordprocessingML that python-docx has no API for, as small named helpers.

Every element is built in schema order: Word reports "unreadable content" for
children out of order, where LibreOffice silently forgives them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from docx.oxml.ns import NamespacePrefixedTag
from docx.oxml.ns import qn as _qn
from docx.oxml.parser import oxml_parser
from lxml import etree

MM_TWIPS = 1440 / 25.4
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
WORD_URI = "http://schemas.microsoft.com/office/word"
WORD_2013 = "15"  # compatibilityMode of Word 2013 and later: no "Compatibility Mode" banner

# Successors of elements we add to existing parents, so they land where the schema wants.
_SETTINGS_AFTER_HYPHENATION = (
    "consecutiveHyphenLimit", "hyphenationZone", "doNotHyphenateCaps", "showEnvelope",
    "summaryLength", "clickAndTypeStyle", "defaultTableStyle", "evenAndOddHeaders",
    "bookFoldRevPrinting", "bookFoldPrinting", "bookFoldPrintingSheets",
    "drawingGridHorizontalSpacing", "drawingGridVerticalSpacing",
    "displayHorizontalDrawingGridEvery", "displayVerticalDrawingGridEvery",
    "doNotUseMarginsForDrawingGridOrigin", "drawingGridHorizontalOrigin",
    "drawingGridVerticalOrigin", "doNotShadeFormData", "noPunctuationKerning",
    "characterSpacingControl", "printTwoOnOne", "strictFirstAndLastChars",
    "noLineBreaksAfter", "noLineBreaksBefore", "savePreviewPicture",
    "doNotValidateAgainstSchema", "saveInvalidXml", "ignoreMixedContent",
    "alwaysShowPlaceholderText", "doNotDemarcateInvalidXml", "saveXmlDataOnly",
    "useXSLTWhenSaving", "saveThroughXslt", "showXMLTags", "alwaysMergeEmptyNamespace",
    "updateFields", "hdrShapeDefaults", "footnotePr", "endnotePr", "compat",
)  # fmt: skip
_SETTINGS_AFTER_COMPAT = (
    "docVars", "rsids", "mathPr", "attachedSchema", "themeFontLang", "clrSchemeMapping",
    "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures", "forceUpgrade", "captions",
    "readModeInkLockDown", "smartTagType", "schemaLibrary", "shapeDefaults",
    "doNotEmbedSmartTags", "decimalSymbol", "listSeparator",
)  # fmt: skip
_RPR_AFTER_LANG = ("eastAsianLayout", "specVanish", "oMath")


KEEP_ROW_LINES = 8  # a key-facts row of at most this many paragraphs never splits


def mm(value: float) -> int:
    """Return millimetres in twentieths of a point (twips)."""
    return round(value * MM_TWIPS)


def pt(value: float) -> int:
    """Return points in twips."""
    return round(value * 20)


@cache
def qn(tag: str) -> str:
    """Return the Clark name of `w:tag` (python-docx's qn, remembered: a sheet asks 5 000 times)."""
    return _qn(tag)


@cache
def _names(tag: str) -> tuple[str, dict[str, str]]:
    prefixed = NamespacePrefixedTag(tag)
    return prefixed.clark_name, prefixed.nsmap


def OxmlElement(tag: str) -> etree._Element:
    """Return a new element as python-docx's OxmlElement does, its names parsed once per tag."""
    clark, nsmap = _names(tag)
    return oxml_parser.makeelement(clark, nsmap=nsmap)


def el(tag: str, attrs: dict[str, object] | None = None, *children: etree._Element):
    """Return a new `w:` (or other prefixed) element with attributes and children."""
    elm = OxmlElement(tag)
    for key, value in (attrs or {}).items():
        elm.set(qn(key) if ":" in key else qn(f"w:{key}"), str(value))
    for child in children:
        if child is not None:
            elm.append(child)
    return elm


def val(tag: str, value: object) -> etree._Element:
    """Return `<tag w:val="value"/>`, the most common shape of a property."""
    return el(tag, {"val": value})


def insert_before(parent: etree._Element, child: etree._Element, successors: Iterable[str]):
    """Insert `child` before the first existing child named in `successors`, else append."""
    names = {qn(f"w:{name}") for name in successors}
    for existing in parent:
        if existing.tag in names:
            existing.addprevious(child)
            return child
    parent.append(child)
    return child


def replace_child(parent: etree._Element, child: etree._Element, successors: Iterable[str]):
    """Put `child` in `parent`, replacing any element of the same tag, in schema order."""
    for old in parent.findall(child.tag):
        parent.remove(old)
    return insert_before(parent, child, successors)


# Text --------------------------------------------------------------------------------------


def run(text: str, style_id: str | None = None) -> etree._Element:
    """Return a run of text, with a character style and no direct formatting."""
    r = OxmlElement("w:r")
    if style_id:
        r.append(el("w:rPr", None, val("w:rStyle", style_id)))
    t = etree.SubElement(r, qn("w:t"))
    t.text = text
    if text != text.strip(" "):
        t.set(XML_SPACE, "preserve")  # or Word drops leading and trailing spaces
    return r


def tab() -> etree._Element:
    """Return a run holding a tab, to reach the next tab stop of the paragraph style."""
    return el("w:r", None, el("w:tab"))


def right_tab() -> etree._Element:
    """Return a run holding a tab to the right margin, wherever a template puts the margin.

    An absolute-position tab (`w:ptab`) follows the margin; a tab stop set at a distance
    would fall outside a template with wider margins and wrap the text after it.
    """
    return el(
        "w:r", None, el("w:ptab", {"relativeTo": "margin", "alignment": "right", "leader": "none"})
    )


def paragraph(
    style_id: str | None, runs: Sequence[etree._Element] = (), num: tuple[int, int] | None = None
) -> etree._Element:
    """Return a paragraph in a style, optionally in list `num` = (numId, level)."""
    p = OxmlElement("w:p")
    if style_id or num:
        ppr = etree.SubElement(p, qn("w:pPr"))
        if style_id:
            ppr.append(val("w:pStyle", style_id))
        if num:
            ppr.append(num_pr(*num))
    p.extend(runs)
    return p


def num_pr(num_id: int, level: int = 0) -> etree._Element:
    """Return the list membership of a paragraph."""
    return el("w:numPr", None, val("w:ilvl", level), val("w:numId", num_id))


def field(instruction: str, shown: str = "1") -> list[etree._Element]:
    """Return the runs of a field such as PAGE, computed by Word and LibreOffice."""
    begin = el("w:r", None, el("w:fldChar", {"fldCharType": "begin"}))
    instr = el("w:r")
    text = etree.SubElement(instr, qn("w:instrText"))
    text.text = f" {instruction} "
    text.set(XML_SPACE, "preserve")
    separate = el("w:r", None, el("w:fldChar", {"fldCharType": "separate"}))
    end = el("w:r", None, el("w:fldChar", {"fldCharType": "end"}))
    # The cached result sits between separate and end, as a plain run (never inside fldChar).
    return [begin, instr, separate, run(shown), end]


def table(
    style_id: str,
    widths: Sequence[int],
    rows: Sequence[Sequence[Sequence[etree._Element]]],
    merged: int | None = None,
) -> etree._Element:
    """Return a fixed-width table in a table style; short rows never split across pages.

    `merged`: a column whose cells form one cell down the whole table (the first row's
    content fills it; Word's vertical merge).
    """
    look = {"val": "0080", "firstRow": 0, "lastRow": 0, "firstColumn": 1, "lastColumn": 0}
    tbl = el(
        "w:tbl",
        None,
        el(
            "w:tblPr",
            None,
            val("w:tblStyle", style_id),
            el("w:tblW", {"w": sum(widths), "type": "dxa"}),
            el("w:tblLayout", {"type": "fixed"}),
            el("w:tblLook", {**look, "noHBand": 1, "noVBand": 1}),
        ),
        el("w:tblGrid", None, *(el("w:gridCol", {"w": w}) for w in widths)),
    )
    for r, cells in enumerate(rows):
        # A short row stays whole; a long one (200 partners) may split, or the whole table
        # would be pushed to the next page and leave the first one empty.
        short = max((len(content) for content in cells), default=0) <= KEEP_ROW_LINES
        tr = el("w:tr", None, el("w:trPr", None, *([el("w:cantSplit")] if short else [])))
        for c, (width, content) in enumerate(zip(widths, cells, strict=True)):
            props = [el("w:tcW", {"w": width, "type": "dxa"})]
            if c == merged and len(rows) > 1:
                props.append(el("w:vMerge", {"val": "restart"}) if r == 0 else el("w:vMerge"))
            tc = el("w:tc", None, el("w:tcPr", None, *props))
            tc.extend(content)
            if tc.find(qn("w:p")) is None:  # Word refuses a cell without a paragraph
                tc.append(paragraph(None))
            tr.append(tc)
        tbl.append(tr)
    return tbl


# Properties of styles ----------------------------------------------------------------------


@dataclass(frozen=True)
class Border:
    """A rule: colour as hex, width and distance from the text in points."""

    colour: str
    width: float
    space: float = 0

    def element(self, side: str) -> etree._Element:
        return el(
            f"w:{side}",
            {
                "val": "single",
                "sz": max(2, round(self.width * 8)),  # eighths of a point
                "space": round(self.space),
                "color": self.colour,
            },
        )


def borders(tag: str, sides: dict[str, Border | None]) -> etree._Element:
    """Return `w:pBdr`, `w:tblBorders` or `w:tcBorders`; None means an explicit no-rule."""
    box = el(tag)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        if side in sides:
            border = sides[side]
            box.append(border.element(side) if border else el(f"w:{side}", {"val": "nil"}))
    return box


def shading(fill: str) -> etree._Element:
    """Return a flat background colour."""
    return el("w:shd", {"val": "clear", "color": "auto", "fill": fill})


def paragraph_properties(
    *,
    keep_next: bool | None = None,
    widow_control: bool | None = None,
    num: tuple[int, int] | None = None,
    border: dict[str, Border | None] | None = None,
    tabs: Sequence[tuple[str, int]] = (),
    hyphenate: bool | None = None,
    spacing: dict[str, object] | None = None,
    indent: dict[str, int] | None = None,
    align: str | None = None,
    outline_level: int | None = None,
) -> etree._Element:
    """Return `w:pPr` with the given properties, in schema order."""
    ppr = el("w:pPr")
    if keep_next is not None:
        ppr.append(el("w:keepNext", None if keep_next else {"val": 0}))
    if widow_control is not None:
        ppr.append(el("w:widowControl", None if widow_control else {"val": 0}))
    if num is not None:
        ppr.append(num_pr(*num))
    if border:
        ppr.append(borders("w:pBdr", border))
    if tabs:
        ppr.append(el("w:tabs", None, *(el("w:tab", {"val": k, "pos": p}) for k, p in tabs)))
    if hyphenate is not None:
        ppr.append(el("w:suppressAutoHyphens", {"val": 0} if hyphenate else None))
    if spacing:
        ppr.append(el("w:spacing", spacing))
    if indent:
        ppr.append(el("w:ind", indent))
    if align is not None:
        ppr.append(val("w:jc", align))
    if outline_level is not None:
        ppr.append(val("w:outlineLvl", outline_level))
    return ppr


def run_properties(
    *,
    font: str | None = None,
    bold: bool | None = None,
    italic: bool | None = None,
    caps: bool | None = None,
    colour: str | None = None,
    tracking: float | None = None,
    size: float | None = None,
    language: str | None = None,
) -> etree._Element:
    """Return `w:rPr` with the given properties, in schema order (for styles only)."""
    rpr = el("w:rPr")
    if font is not None:
        rpr.append(el("w:rFonts", {k: font for k in ("ascii", "hAnsi", "eastAsia", "cs")}))
    for tag, flag in (("b", bold), ("bCs", bold), ("i", italic), ("iCs", italic), ("caps", caps)):
        if flag is not None:
            rpr.append(el(f"w:{tag}", None if flag else {"val": 0}))
    if colour is not None:
        rpr.append(val("w:color", colour))
    if tracking is not None:
        rpr.append(val("w:spacing", pt(tracking)))
    if size is not None:
        rpr.append(val("w:sz", round(size * 2)))  # half-points
        rpr.append(val("w:szCs", round(size * 2)))
    if language is not None:
        rpr.append(el("w:lang", {"val": language, "eastAsia": language, "bidi": language}))
    return rpr


def style(
    kind: str,
    style_id: str,
    name: str,
    *,
    based_on: str | None = None,
    next_style: str | None = None,
    default: bool = False,
    hidden: bool = False,
    properties: Sequence[etree._Element] = (),
) -> etree._Element:
    """Return a `w:style`; `properties` are pPr, rPr, tblPr, trPr, tcPr, tblStylePr in order."""
    attrs: dict[str, object] = {"type": kind, "styleId": style_id}
    if default:
        attrs["default"] = 1
    elm = el("w:style", attrs, val("w:name", name))
    if based_on:
        elm.append(val("w:basedOn", based_on))
    if next_style:
        elm.append(val("w:next", next_style))
    if hidden:  # Word's own defaults: present, but kept out of the style gallery
        elm.extend((el("w:semiHidden"), el("w:unhideWhenUsed")))
    else:
        elm.append(el("w:qFormat"))  # shown in the style gallery, where staff look for it
    elm.extend(p for p in properties if p is not None and (len(p) or p.attrib))
    return elm


# Numbering ---------------------------------------------------------------------------------


def abstract_numbering(
    abstract_id: int,
    *,
    style_id: str,
    number_format: str,
    text: str,
    indent: int,
    hanging: int,
    font: str,
    colour: str,
    levels: int = 3,
) -> etree._Element:
    """Return a list definition (bullets or numbers) linked to its paragraph style.

    `indent` is the text's left edge at the first level, each level `hanging` further in.
    """
    definition = el(
        "w:abstractNum", {"abstractNumId": abstract_id}, val("w:multiLevelType", "hybridMultilevel")
    )
    for level in range(levels):
        definition.append(
            el(
                "w:lvl",
                {"ilvl": level},
                val("w:start", 1),
                val("w:numFmt", number_format),
                val("w:pStyle", style_id) if level == 0 else None,
                val("w:lvlText", text.replace("%1", f"%{level + 1}")),
                val("w:lvlJc", "left"),
                paragraph_properties(indent={"left": indent + hanging * level, "hanging": hanging}),
                run_properties(font=font, bold=True, colour=colour),  # a mark that shows
            )
        )
    return definition


def numbering_instance(num_id: int, abstract_id: int, start: int | None = None):
    """Return a `w:num`; a `start` makes a list that restarts its numbers."""
    num = el("w:num", {"numId": num_id}, val("w:abstractNumId", abstract_id))
    if start is not None:
        num.append(el("w:lvlOverride", {"ilvl": 0}, val("w:startOverride", start)))
    return num


# Document-wide settings --------------------------------------------------------------------


def set_language(styles_root: etree._Element, tag: str) -> None:
    """Set the proofing language of the whole document in the style defaults."""
    defaults = styles_root.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = el("w:docDefaults")
        styles_root.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = el("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = etree.SubElement(rpr_default, qn("w:rPr"))
    lang = run_properties(language=tag)[0]
    replace_child(rpr, lang, _RPR_AFTER_LANG)


def set_settings(settings_root: etree._Element, tag: str, hyphenate: bool) -> None:
    """Set Word 2013 compatibility, the theme font language and automatic hyphenation."""
    compat = settings_root.find(qn("w:compat"))
    if compat is None:
        compat = insert_before(settings_root, el("w:compat"), _SETTINGS_AFTER_COMPAT)
    for setting in compat.findall(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            compat.remove(setting)
    compat.append(
        el("w:compatSetting", {"name": "compatibilityMode", "uri": WORD_URI, "val": WORD_2013})
    )
    replace_child(settings_root, val("w:themeFontLang", tag), _SETTINGS_AFTER_COMPAT[5:])
    hyphenation = el("w:autoHyphenation", None if hyphenate else {"val": 0})
    replace_child(settings_root, hyphenation, _SETTINGS_AFTER_HYPHENATION)
    if hyphenate:
        # As in the brochure: at most two hyphenated lines in a row, never a word in capitals.
        limit = el("w:consecutiveHyphenLimit", {"val": 2})
        replace_child(settings_root, limit, _SETTINGS_AFTER_HYPHENATION[1:])
        replace_child(settings_root, el("w:doNotHyphenateCaps"), _SETTINGS_AFTER_HYPHENATION[3:])


# Drawings ----------------------------------------------------------------------------------

_DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"


def renumber_drawings(stories: Iterable[etree._Element]) -> None:
    """Give every drawing a document-wide unique id (python-docx counts per part)."""
    number = 0
    for story in stories:
        for doc_pr in story.iter(_DOCPR):
            number += 1
            doc_pr.set("id", str(number))
