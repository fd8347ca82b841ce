"""Zip a Word package reproducibly: same parts, same bytes (fixed order, dates and flags)."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Iterable, Iterator

from docx.document import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.part import Part
from lxml import etree

ZIP_EPOCH_MIN = 315_532_800  # 1980-01-01: a zip entry cannot hold an earlier date
ZIP_EPOCH_MAX = 4_354_819_198  # 2107-12-31: nor a later one
_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_STORED = (".png", ".jpg", ".jpeg", ".gif")  # already compressed: deflate only costs time


def zip_time(epoch: int) -> tuple[int, int, int, int, int, int]:
    """Return the zip entry date of `epoch`, clamped to what a zip can hold (UTC)."""
    return time.gmtime(min(max(epoch, ZIP_EPOCH_MIN), ZIP_EPOCH_MAX))[:6]


def zip_entries(entries: Iterable[tuple[str, bytes]], epoch: int) -> bytes:
    """Return a zip of `entries`, in order, whose bytes depend on nothing else."""
    date_time = zip_time(epoch)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time)
            info.create_system = 0  # else the host OS is recorded and bytes differ across OSes
            info.external_attr = 0
            stored = name.lower().endswith(_STORED)
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def content_types(parts: Iterable[tuple[str, str]]) -> bytes:
    """Return `[Content_Types].xml` for (part name, content type) pairs."""
    root = etree.Element(f"{{{_TYPES_NS}}}Types", nsmap={None: _TYPES_NS})
    for ext, kind in (("rels", CT.OPC_RELATIONSHIPS), ("xml", CT.XML)):
        etree.SubElement(root, f"{{{_TYPES_NS}}}Default", Extension=ext, ContentType=kind)
    for name, kind in parts:
        etree.SubElement(root, f"{{{_TYPES_NS}}}Override", PartName=name, ContentType=kind)
    return xml_bytes(root)


def xml_bytes(element: etree._Element) -> bytes:
    """Serialize a part the way Word does: UTF-8 with a standalone declaration."""
    return etree.tostring(element, encoding="UTF-8", standalone=True)


def document_entries(document: Document) -> Iterator[tuple[str, bytes]]:
    """Yield the zip entries of an open document, content types first."""
    package = document.part.package
    parts: list[Part] = list(package.iter_parts())
    yield "[Content_Types].xml", content_types((p.partname, p.content_type) for p in parts)
    yield "_rels/.rels", _text_bytes(package.rels.xml)
    for part in parts:
        yield part.partname.membername, part.blob
        if len(part.rels):
            yield part.partname.rels_uri.membername, _text_bytes(part.rels.xml)


def write(document: Document, epoch: int) -> bytes:
    """Return the .docx bytes of an open document, reproducibly."""
    return zip_entries(document_entries(document), epoch)


def _text_bytes(xml: str | bytes) -> bytes:
    return xml.encode("utf-8") if isinstance(xml, str) else xml
