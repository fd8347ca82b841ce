"""Read the fields of a fact sheet back, by paragraph style NAME and in reading order.

The sheet is a stream of paragraphs (table cells included, in document order): a
`Subtitle` (the place line), a `Title`, key facts (a `Fact Label` then its `Fact Text`
paragraphs, whose `Fact Term` runs hold an entry's label), then sections (a `Heading 1`
then paragraphs and list items). Names are compared case-insensitively, so sheets
built from a `--docx-template`, or re-saved by LibreOffice, read the same; nothing
depends on the table layout, which a designer may change.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from lxml import etree

from ..content.richtext import Span
from ..messages import _
from .package import SheetPackage, on, w

_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_DOC_PR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
_EMBED = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"
# Word's « Mark as decorative »: an extension of the picture's properties.
_DECORATIVE = "{http://schemas.microsoft.com/office/drawing/2017/decorative}decorative"
_TEXT_BOX = w("txbxContent")
_RICH = {"normal": "para", "list bullet": "bullet", "list number": "number"}
_LISTISH = ("list", "list paragraph", "list bullet 2", "list number 2", "list continue")


@dataclass
class Line:
    """One paragraph as read: its spans, its kind and where it sits."""

    spans: tuple[Span, ...]
    kind: str = "para"  # para, bullet, number
    term: str | None = None  # the `Fact Term` text that starts an entry, if any
    element: etree._Element | None = field(default=None, repr=False)

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


@dataclass
class Block:
    """A key fact or a section: its heading and its paragraphs."""

    heading: str
    lines: list[Line] = field(default_factory=list)
    element: etree._Element | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Picture:
    """A picture of the photo's paragraph: the alternative text Word or LibreOffice saved."""

    descr: str  # Word's « Edit Alt Text », LibreOffice's Properties > Options > Description
    title: str  # older Word's title; LibreOffice 7.4 drops it on saving a .docx
    decorative: bool = False
    digest: str = ""  # SHA-256 of the image shown, when the package holds it

    @property
    def alt(self) -> str:
        return "" if self.decorative else (self.descr.strip() or self.title.strip())


@dataclass
class SheetText:
    """What a sheet shows, in order."""

    place: Line | None = None
    title: Line | None = None
    facts: list[Block] = field(default_factory=list)
    sections: list[Block] = field(default_factory=list)
    pictures: list[Picture] = field(default_factory=list)  # in paragraphs of the style Figure
    captions: list[Line] = field(default_factory=list)  # paragraphs of the style Caption
    drawn: list[Picture] = field(default_factory=list)  # pictures elsewhere: the map
    notes: list[str] = field(default_factory=list)
    owner: dict[etree._Element, str] = field(default_factory=dict)  # paragraph -> its field


def read(package: SheetPackage, labels: dict[str, str]) -> SheetText:
    """Walk the body; `labels` names the place and title fields for notes."""
    sheet = SheetText()
    styles = package.styles
    where = labels["before"]
    for p in _paragraphs(package.body):
        ppr = p.find(w("pPr"))
        style_elm = ppr.find(w("pStyle")) if ppr is not None else None
        name = styles.name(style_elm.get(w("val")) if style_elm is not None else None)
        line = _line(p, styles)
        if name != "figure":
            sheet.drawn.extend(_pictures(p, package.images))
        if name == "subtitle" and sheet.title is None:
            sheet.place, where = line, labels["place"]
        elif name == "title":
            if sheet.title is not None and line.text.strip():
                sheet.notes.append(
                    _(
                        "a second paragraph in the style 'Title' ({text}) is read as part of"
                        " the title"
                    ).format(text=_clip(line.text))
                )
                sheet.title.spans += (Span(" "), *line.spans)
            elif sheet.title is None:
                sheet.title, where = line, labels["title"]
        elif name == "fact label":
            if line.text.strip():
                sheet.facts.append(Block(line.text, element=p))
                where = line.text
            elif sheet.facts and not sheet.sections:
                pass  # an empty label line, as Word leaves it when a row is split: no field
        elif name == "heading 1":
            if line.text.strip():
                sheet.sections.append(Block(line.text, element=p))
                where = line.text
        elif name == "figure":
            sheet.pictures.extend(_pictures(p, package.images))
            sheet.owner[p] = labels.get("photo", where)
            continue
        elif name == "caption":
            if line.text.strip():
                sheet.captions.append(line)
            sheet.owner[p] = labels.get("photo", where)
            continue
        elif not line.text.strip() and not (line.term or "").strip():
            pass  # empty paragraphs: spacing someone added (a label alone is an entry)
        elif sheet.sections:
            kind = _RICH.get(name)
            if kind is None:
                kind = "bullet" if _numbered(ppr) or name in _LISTISH else "para"
                sheet.notes.append(
                    _(
                        "{field}: the paragraph « {text} » has the style '{style}', read as a"
                        " plain paragraph"
                    ).format(field=where, text=_clip(line.text), style=name)
                )
            line.kind = kind
            sheet.sections[-1].lines.append(line)
        elif sheet.facts:
            if name != "fact text":
                sheet.notes.append(
                    _(
                        "{field}: the paragraph « {text} » has the style '{style}', read as a value"
                    ).format(field=where, text=_clip(line.text), style=name)
                )
            sheet.facts[-1].lines.append(line)
        elif sheet.title is not None and name == "subtitle":
            sheet.notes.append(
                _(
                    "the line « {text} » below the title is not read (the place line goes above"
                    " the title)"
                ).format(text=_clip(line.text))
            )
        else:
            sheet.notes.append(
                _(
                    "the paragraph « {text} » (style '{style}') is outside every field and not read"
                ).format(text=_clip(line.text), style=name)
            )
        sheet.owner[p] = where
    return sheet


def _paragraphs(body: etree._Element):
    for p in body.iter(w("p")):
        # Text boxes saved by LibreOffice come twice (the DrawingML one and a VML fallback).
        if any(a.tag == _MC_FALLBACK for a in p.iterancestors()):
            continue
        yield p


def _pictures(p: etree._Element, images: dict[str, str]) -> list[Picture]:
    out = []
    for pr in p.iter(_DOC_PR):
        if any(a.tag == _MC_FALLBACK for a in pr.iterancestors()):
            continue
        decorative = any(e.get("val", "0") in ("1", "true") for e in pr.iter(_DECORATIVE))
        blip = next(pr.getparent().iter(_BLIP), None)
        digest = images.get(blip.get(_EMBED, ""), "") if blip is not None else ""
        out.append(Picture(pr.get("descr") or "", pr.get("title") or "", decorative, digest))
    return out


def _numbered(ppr: etree._Element | None) -> bool:
    return ppr is not None and ppr.find(w("numPr")) is not None


def _line(p: etree._Element, styles) -> Line:
    spans: list[Span] = []
    term: list[str] = []
    in_term = True
    for r in _runs(p):
        rpr = r.find(w("rPr"))
        style = rpr.find(w("rStyle")) if rpr is not None else None
        style_id = style.get(w("val")) if style is not None else None
        text = _run_text(r)
        if not text:
            continue
        if in_term and style_id and styles.names.get(style_id) == "fact term":
            term.append(text)
            continue
        in_term = False
        bold = on(rpr, "b") or (style_id in styles.bold if style_id else False)
        italic = on(rpr, "i") or (style_id in styles.italic if style_id else False)
        spans.append(Span(text, bold, italic))
    return Line(_merge(spans), term="".join(term) if term else None, element=p)


def _runs(p: etree._Element):
    """Yield the runs of a paragraph, inside hyperlinks, fields and content controls too."""
    for r in p.iter(w("r")):
        skip = False
        for ancestor in r.iterancestors():
            if ancestor is p:
                break
            if ancestor.tag in (w("del"), w("moveFrom"), _TEXT_BOX, _MC_FALLBACK):
                skip = True
                break
        if not skip:
            yield r


def _run_text(r: etree._Element) -> str:
    rpr = r.find(w("rPr"))
    if on(rpr, "vanish"):
        return ""
    out = []
    for child in r:
        tag = child.tag
        if tag == w("t"):
            out.append(child.text or "")
        elif tag == w("tab"):
            out.append("\t")
        elif tag in (w("br"), w("cr")):
            out.append(" ")
        elif tag == w("noBreakHyphen"):
            out.append("-")
        elif tag == w("sym"):
            char = child.get(w("char"), "")
            with contextlib.suppress(ValueError):
                out.append(chr(int(char, 16)))
    return "".join(out)


def _merge(spans: list[Span]) -> tuple[Span, ...]:
    out: list[Span] = []
    for span in spans:
        if out and (out[-1].bold, out[-1].italic) == (span.bold, span.italic):
            out[-1] = Span(out[-1].text + span.text, span.bold, span.italic)
        else:
            out.append(span)
    return tuple(out)


def _clip(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
