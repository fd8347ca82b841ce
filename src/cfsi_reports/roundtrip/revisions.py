"""Tracked changes: find the paragraphs that hold them, or accept them all.

Accepting follows Word's « Accept All Changes »: inserted and moved-to text stays,
deleted and moved-from text goes, a deleted paragraph mark joins the paragraph to the
next, a row marked inserted stays and one marked deleted goes, and the records of
formatting changes (`w:rPrChange`...) are history only.
"""

from __future__ import annotations

from lxml import etree

from .package import w

_RUN_INSERTED = ("ins", "moveTo")
_RUN_DELETED = ("del", "moveFrom")
_HISTORY = (
    "rPrChange", "pPrChange", "sectPrChange", "tblPrChange", "tblPrExChange", "trPrChange",
    "tcPrChange", "tblGridChange", "numberingChange",
)  # fmt: skip
_RANGES = (
    "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd",
    "customXmlInsRangeStart", "customXmlInsRangeEnd", "customXmlDelRangeStart",
    "customXmlDelRangeEnd",
)  # fmt: skip
_ALL = tuple(w(t) for t in (*_RUN_INSERTED, *_RUN_DELETED, *_HISTORY, "cellIns", "cellDel"))


def revised_paragraphs(body: etree._Element) -> list[etree._Element]:
    """Return the paragraphs (in document order) that hold a pending revision."""
    found: dict[etree._Element, None] = {}
    for elm in body.iter(*_ALL):
        paragraph = _paragraph_of(elm)
        if paragraph is not None:
            found[paragraph] = None
    order = {p: i for i, p in enumerate(body.iter(w("p")))}
    return sorted(found, key=lambda p: order.get(p, -1))


def _paragraph_of(elm: etree._Element) -> etree._Element | None:
    """Return the paragraph a revision belongs to (a row's: its first paragraph)."""
    node: etree._Element | None = elm
    while node is not None:
        if node.tag == w("p"):
            return node
        if node.tag in (w("tr"), w("tc"), w("tbl")):
            return next(node.iter(w("p")), None)
        node = node.getparent()
    return next(elm.iter(w("p")), None)


def accept_all(body: etree._Element) -> None:
    """Turn `body` into the text it shows once every tracked change is accepted."""
    for row in list(body.iter(w("tr"))):
        marks = row.find(w("trPr"))
        if marks is not None and marks.find(w("del")) is not None:
            _remove(row)
    for tag in _RUN_DELETED:
        for elm in list(body.iter(w(tag))):
            if elm.getparent() is not None and elm.getparent().tag == w("rPr"):
                continue  # a paragraph mark's record, handled below
            _remove(elm)
    for tag in _RUN_INSERTED:
        for elm in list(body.iter(w(tag))):
            parent = elm.getparent()
            if parent is None:
                continue
            if parent.tag in (w("rPr"), w("trPr")):
                parent.remove(elm)  # the mark of an inserted paragraph or row: just accepted
                continue
            _unwrap(elm)
    for paragraph in list(body.iter(w("p"))):
        mark = paragraph.find(f"{w('pPr')}/{w('rPr')}")
        gone = mark is not None and (
            mark.find(w("del")) is not None or mark.find(w("moveFrom")) is not None
        )
        if not gone:
            continue
        for tag in ("del", "moveFrom"):
            for elm in mark.findall(w(tag)):
                mark.remove(elm)
        following = paragraph.getnext()
        if following is not None and following.tag == w("p"):
            for child in list(following):
                if child.tag != w("pPr"):
                    paragraph.append(child)
            _remove(following)
    for tag in (*_HISTORY, *_RANGES, "cellIns", "cellDel"):
        for elm in list(body.iter(w(tag))):
            _remove(elm)
    for tag in ("delText", "delInstrText"):
        for elm in list(body.iter(w(tag))):
            _remove(elm)


def _remove(elm: etree._Element) -> None:
    parent = elm.getparent()
    if parent is not None:
        parent.remove(elm)


def _unwrap(elm: etree._Element) -> None:
    parent = elm.getparent()
    index = parent.index(elm)
    for offset, child in enumerate(list(elm)):
        parent.insert(index + offset, child)
    parent.remove(elm)
