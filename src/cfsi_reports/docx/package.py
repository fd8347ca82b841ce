"""Zip a Word package reproducibly: same parts, same bytes (fixed order, dates and flags)."""

from __future__ import annotations

import struct
import time
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from functools import lru_cache

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
    """Return a zip of `entries`, in order, whose bytes depend on nothing else.

    Written here rather than with zipfile so that a large part every sheet repeats (the
    embedded fonts, about 1 MB) is deflated once per process, not once per sheet.
    """
    year, month, day, hour, minute, second = zip_time(epoch)
    dos_time = hour << 11 | minute << 5 | second // 2
    dos_date = (year - 1980) << 9 | month << 5 | day
    out: list[bytes] = []  # joined once at the end: the fonts' megabyte is copied once
    size = 0
    central = []
    for name, data in entries:
        stored = name.lower().endswith(_STORED)
        packed, crc = _pack(data, stored)
        method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        encoded = name.encode("utf-8")
        flags = 0 if name.isascii() else 0x800  # UTF-8 name
        head = (flags, method, dos_time, dos_date, crc, len(packed), len(data), len(encoded))
        offset = size
        out += (_LOCAL.pack(b"PK\x03\x04", 20, *head, 0), encoded, packed)
        size += _LOCAL.size + len(encoded) + len(packed)
        # Made by version 2.0 on MS-DOS (0): no host OS or permissions recorded.
        central.append(_CENTRAL.pack(b"PK\x01\x02", 20, 20, *head, 0, 0, 0, 0, 0, offset))
        central.append(encoded)
    directory = b"".join(central)
    count = len(central) // 2
    out += (directory, _END.pack(b"PK\x05\x06", 0, 0, count, count, len(directory), size, 0))
    return b"".join(out)


_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5HLL")
_END = struct.Struct("<4s4H2LH")


def _pack(data: bytes, stored: bool) -> tuple[bytes, int]:
    """Return an entry's data as written (raw deflate at level 6, as zipfile, unless
    `stored`) and its CRC-32; a large part is packed once per process."""
    if len(data) > 65_536:
        return _pack_large(data, stored)
    return (data if stored else _raw_deflate(data)), zlib.crc32(data)


@lru_cache(maxsize=16)
def _pack_large(data: bytes, stored: bool) -> tuple[bytes, int]:
    return (data if stored else _raw_deflate(data)), zlib.crc32(data)


def _raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


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
