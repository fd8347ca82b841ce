"""Mend, in a file qpdf wrote, the object streams whose data ends with a carriage return.

Flate data ends with the Adler-32 checksum of its content, so one generated object stream
in 256 ends with CR; before qpdf's LF that reads as a CRLF end-of-line, and validators
count one byte less than /Length. A long brochure has hundreds of object streams: saving
again with the objects numbered otherwise succeeds one time in four. Here only the streams
concerned change: a newline is appended to their content (after the last object: nothing
reads it), they are compressed again, and the cross-reference stream's offsets follow.
"""

from __future__ import annotations

import re
import zlib

_TAIL = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*\Z")
_OBJECT = re.compile(rb"(\d+) 0 obj\n<<")
_LENGTH = re.compile(rb"/Length (\d+)")
_STREAM = b">>\nstream\n"
_END = b"\nendstream"


def mend_object_streams(data: bytes) -> bytes | None:
    """Return `data` with no object stream's data ending with CR; None if it cannot.

    None when the file is not laid out as qpdf writes it with generated object streams
    (one cross-reference stream, /W [1 n m], PNG predictor 12), when a stream other than an
    object stream ends with CR, or when the new cross-reference stream would itself end so.
    """
    tail = _TAIL.search(data)
    if tail is None:
        return None
    xref_at = int(tail.group(1))
    head = _stream_at(data, xref_at)
    if head is None or b"/Type /XRef" not in head[0]:
        return None
    xref_dict, xref_start, xref_end = head
    widths = re.search(rb"/W \[ ?(\d+) (\d+) (\d+) ?\]", xref_dict)
    columns = re.search(rb"/Columns (\d+)", xref_dict)
    if widths is None or columns is None or b"/Predictor 12" not in xref_dict:
        return None
    w = [int(x) for x in widths.groups()]
    if w[0] != 1 or int(columns.group(1)) != sum(w) or b"/Index" in xref_dict:
        return None
    rows = _unpredict(zlib.decompress(data[xref_start:xref_end]), sum(w))
    offsets = {n: _field(row, 1, w[1]) for n, row in enumerate(rows) if row[0] == 1}
    # Rebuild the file up to the cross-reference stream, mending streams on the way.
    out: list[bytes] = []
    moved: dict[int, int] = {}
    cursor = shift = 0  # how far the bytes read are moved in the new file
    for number, offset in sorted(offsets.items(), key=lambda item: item[1]):
        if offset >= xref_at:
            continue
        found = _stream_at(data, offset)
        if found is None or data[found[2] - 1 : found[2]] != b"\r":
            moved[number] = offset + shift
            continue
        dictionary, start, end = found
        packed = _repack(zlib.decompress(data[start:end]))
        if b"/Type /ObjStm" not in dictionary or packed is None:
            return None
        moved[number] = offset + shift
        dict_at = offset + data[offset:start].index(dictionary)
        new_dict = _LENGTH.sub(b"/Length %d" % len(packed), dictionary, count=1)
        out += [data[cursor:dict_at], new_dict, data[dict_at + len(dictionary) : start], packed]
        shift += len(new_dict) - len(dictionary) + len(packed) - (end - start)
        cursor = end
    out.append(data[cursor:xref_at])
    new_xref_at = xref_at + shift
    xref_number = next(n for n, o in offsets.items() if o == xref_at)
    moved[xref_number] = new_xref_at
    if max(moved.values()) >= 1 << (8 * w[1]):
        return None
    for number, offset in moved.items():
        rows[number] = rows[number][:1] + offset.to_bytes(w[1], "big") + rows[number][1 + w[1] :]
    packed = zlib.compress(_predict(rows, sum(w)))
    if packed.endswith(b"\r"):
        return None
    new_dict = _LENGTH.sub(b"/Length %d" % len(packed), xref_dict, count=1)
    dict_at = xref_at + data[xref_at:xref_start].index(xref_dict)
    out += [data[xref_at:dict_at], new_dict, data[dict_at + len(xref_dict) : xref_start], packed]
    out.append(data[xref_end : tail.start()] + b"startxref\n%d\n%%%%EOF\n" % new_xref_at)
    return b"".join(out)


def _stream_at(data: bytes, offset: int) -> tuple[bytes, int, int] | None:
    """Return the dictionary of the stream object at `offset`, its data's start and end."""
    match = _OBJECT.match(data, offset)
    if match is None:
        return None
    close = data.find(_STREAM, match.end())
    following = data.find(b"endobj", match.end())
    if close < 0 or (0 <= following < close):
        return None  # not a stream object
    dictionary = data[match.end() - 2 : close + 2]
    length = _LENGTH.search(dictionary)
    if length is None:
        return None
    start = close + len(_STREAM)
    end = start + int(length.group(1))
    if data[end : end + len(_END)] != _END:
        return None
    return dictionary, start, end


def _repack(content: bytes) -> bytes | None:
    """Compress `content` followed by newlines until the data does not end with CR."""
    for _ in range(8):
        content += b"\n"
        packed = zlib.compress(content)
        if not packed.endswith(b"\r"):
            return packed
    return None


def _field(row: bytes, at: int, width: int) -> int:
    return int.from_bytes(row[at : at + width], "big")


def _unpredict(raw: bytes, columns: int) -> list[bytes]:
    """Undo PNG predictors row by row (qpdf writes Up, 2, on every row)."""
    rows, previous = [], bytes(columns)
    for at in range(0, len(raw), columns + 1):
        kind, line = raw[at], raw[at + 1 : at + 1 + columns]
        if kind == 2:
            line = bytes((a + b) & 0xFF for a, b in zip(line, previous, strict=True))
        elif kind != 0:
            raise ValueError(f"PNG predictor {kind} in a cross-reference stream")
        rows.append(line)
        previous = line
    return rows


def _predict(rows: list[bytes], columns: int) -> bytes:
    """Encode rows with the PNG Up predictor, as qpdf does."""
    out, previous = bytearray(), bytes(columns)
    for line in rows:
        out.append(2)
        out += bytes((a - b) & 0xFF for a, b in zip(line, previous, strict=True))
        previous = line
    return bytes(out)
