"""PDF/A-2b from a finished tagged PDF: CMYK output intent, PDF/A identification in XMP.

No ICC profile is shipped: find_cmyk_icc() looks for one installed on the machine (Debian's
scribus-data or ghostscript), or checks the one it is given. Messages are plain English: the
application that uses this library words them for its users (pdf/printfile.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from .xmp import Schema, extension

# Best first: ISO Coated v2 300% (FOGRA39-based, European offset printing), then the
# generic CMYK profile every ghostscript installation has.
CMYK_ICC_CANDIDATES: tuple[Path, ...] = (
    Path("/usr/share/scribus/profiles/ISOcoated_v2_300_bas.icc"),  # Debian: scribus-data
    Path("/usr/share/color/icc/ghostscript/default_cmyk.icc"),  # Debian: ghostscript
)
ICC_SEARCH_DIRS: tuple[Path, ...] = (
    Path("/usr/share/color/icc"),
    Path("/usr/local/share/color/icc"),
    Path("/usr/share/scribus/profiles"),
)

_PDFAID = "http://www.aiim.org/pdfa/ns/id/"


class IccProfileNotFound(FileNotFoundError):
    """Raised when no usable CMYK output ICC profile is available; `detail` says why."""

    def __init__(self, detail: str = "") -> None:
        self.detail = detail
        super().__init__(
            "No usable CMYK ICC output profile"
            + (f" ({detail})" if detail else "")
            + ". Install one, e.g. `apt-get install scribus-data` (ISOcoated_v2_300_bas.icc) or "
            "`apt-get install ghostscript` (default_cmyk.icc, a SWOP profile)"
        )


@dataclass(frozen=True)
class IccInfo:
    """What the header and description tag of an ICC profile say."""

    colour_space: str
    device_class: str
    version: int
    description: str


def icc_info(data: bytes) -> IccInfo:
    """Read an ICC profile's colour space, device class, major version and description."""
    if len(data) < 132 or data[36:40] != b"acsp":
        raise ValueError("not an ICC profile (no 'acsp' signature)")
    description = ""
    count = int.from_bytes(data[128:132], "big")
    for i in range(min(count, 1024)):
        entry = 132 + 12 * i
        if data[entry : entry + 4] != b"desc":
            continue
        offset = int.from_bytes(data[entry + 4 : entry + 8], "big")
        tag = data[offset : offset + int.from_bytes(data[entry + 8 : entry + 12], "big")]
        if tag[:4] == b"desc":  # ICC v2 textDescriptionType
            length = int.from_bytes(tag[8:12], "big")
            description = tag[12 : 12 + length].split(b"\0", 1)[0].decode("latin-1")
        elif tag[:4] == b"mluc" and int.from_bytes(tag[8:12], "big") > 0:  # ICC v4
            length, start = int.from_bytes(tag[20:24], "big"), int.from_bytes(tag[24:28], "big")
            description = tag[start : start + length].decode("utf-16-be", "replace")
        break
    return IccInfo(
        colour_space=data[16:20].decode("latin-1").strip(),
        device_class=data[12:16].decode("latin-1"),
        version=data[8],
        description=description.strip(),
    )


def profile_problem(path: Path) -> str | None:
    """Return what makes `path` unusable as a CMYK output intent, or None if it is usable."""
    try:
        with path.open("rb") as f:
            info = icc_info(f.read())
    except OSError as exc:
        return f"{path} cannot be read: {exc.strerror}"
    except ValueError:
        return f"{path} is not an ICC profile"
    if info.colour_space != "CMYK":
        return f"{path} is a {info.colour_space} profile, not a CMYK output profile"
    if info.device_class != "prtr" or info.version > 4:
        return f"{path} is not an output (printer) profile of ICC version 4 or lower"
    if not info.description:
        return f"{path} has no description: the output intent names the printing condition with it"
    return None


def find_cmyk_icc(explicit: Path | None = None) -> Path:
    """Return a CMYK output ICC profile: `explicit`, else a well-known installed one."""
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise IccProfileNotFound(f"{path} does not exist")
        problem = profile_problem(path)
        if problem:
            raise IccProfileNotFound(problem)
        return path
    for path in CMYK_ICC_CANDIDATES:
        if path.is_file() and profile_problem(path) is None:
            return path
    for directory in ICC_SEARCH_DIRS:
        if directory.is_dir():
            for path in sorted(directory.rglob("*")):
                if path.suffix.lower() in {".icc", ".icm"} and profile_problem(path) is None:
                    return path
    searched = ", ".join(str(p) for p in (*CMYK_ICC_CANDIDATES, *ICC_SEARCH_DIRS))
    raise IccProfileNotFound(f"searched {searched}" if searched else "")


# PDF/A requires properties outside the predefined schemas, such as pdfuaid:part, to be
# described by an extension schema in the packet itself (ISO 19005-2, 6.6.2.3.3).
_PDFUA_EXTENSION = extension(
    Schema(
        "PDF/UA Universal Accessibility Schema",
        "http://www.aiim.org/pdfua/ns/id/",
        "pdfuaid",
        (("part", "Integer", "Part of ISO 14289 the file conforms to"),),
    )
)


def declare_pdfa(xmp: bytes, part: int, *, pdfua: bool = True) -> bytes:
    """Add the PDF/A identification (conformance B) to an XMP packet written by finish().

    With `pdfua`, pdfuaid:part is kept and described by an extension schema; without,
    it is removed, for checkers that do not read extension schemas.
    """
    text = xmp.decode("utf-8")
    if "pdfaid:part" in text:
        raise ValueError("the XMP packet already declares PDF/A conformance")
    match = re.search(r"<rdf:Description\b[^>]*?(/?)>", text)
    if match is None or match.group(1):
        raise ValueError("the XMP packet has no rdf:Description to extend; run finish() first")
    head = match.group(0)[:-1] + f'\n    xmlns:pdfaid="{_PDFAID}">'
    props = f"<pdfaid:part>{part}</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>\n   "
    end = text.index("</rdf:Description>", match.end())
    text = text[: match.start()] + head + text[match.end() : end] + props + text[end:]
    if not pdfua:
        text = re.sub(r"\s*<pdfuaid:part>\d</pdfuaid:part>", "", text)
        text = re.sub(r'\s*xmlns:pdfuaid="[^"]*"', "", text)
    elif "pdfuaid:part" in text:
        close = text.index("</rdf:Description>", match.start()) + len("</rdf:Description>\n")
        text = text[:close] + _PDFUA_EXTENSION + text[close:]
    return text.encode("utf-8")


def _make_annotations_printable(pdf: pikepdf.Pdf) -> None:
    """Set the Print flag and clear Hidden/Invisible/NoView/ToggleNoView, as PDF/A requires."""
    for page in pdf.pages:
        for annot in page.obj.get("/Annots", ()):
            flags = int(annot.get("/F", 0))
            annot.F = (flags | 4) & ~(1 | 2 | 32 | 256)
