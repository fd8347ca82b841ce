"""PDF standards as data: one row per variant (none, PDF/A-2b, PDF/X-4, both), one function.

Like WeasyPrint's VARIANTS table (weasyprint/pdf/__init__.py), a variant says what it
needs; apply() writes it into a finished PDF in one pikepdf pass: the output intents
(sharing one embedded profile object, as PDF/A-2 requires when there are several), the
XMP identification and the Info entries agreeing with it. Nothing here compares the
standard's name: code asks the row (`variant.pdfx`, `variant.pdfa_part`).
"""

from __future__ import annotations

import hashlib
import re
import uuid
import zlib
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from .finish import drop_empty_transitions, save_deterministic, write_metadata
from .pdfa import _make_annotations_printable, declare_pdfa, icc_info
from .xmp import Schema, extension, meta_from_docinfo

_XMPMM = "http://ns.adobe.com/xap/1.0/mm/"
_PDFXID = "http://www.npes.org/pdfx/ns/id/"
_PDF = "http://ns.adobe.com/pdf/1.3/"


@dataclass(frozen=True)
class Variant:
    """What one PDF standard (or combination) asks of the print file."""

    name: str
    label: str  # how messages and docs name it
    pdfa_part: int | None = None  # PDF/A-N, conformance B
    pdfx: str | None = None  # the GTS_PDFXVersion value, e.g. "PDF/X-4"
    max_version: str | None = None  # highest PDF header version the standard allows

    @property
    def needs_profile(self) -> bool:
        """Return True if the variant embeds a CMYK output profile (an output intent)."""
        return self.pdfa_part is not None or self.pdfx is not None

    @property
    def intents(self) -> tuple[str, ...]:
        """Return the /S of each output intent, PDF/X first."""
        return (("/GTS_PDFX",) if self.pdfx else ()) + (("/GTS_PDFA1",) if self.pdfa_part else ())


# PDF/X-4 (ISO 15930-7) is built on PDF 1.6; PDF/A-2 accepts any header version up to 1.7.
VARIANTS: dict[str, Variant] = {
    v.name: v
    for v in (
        Variant("none", "plain PDF"),
        Variant("a-2b", "PDF/A-2b", pdfa_part=2),
        Variant("x-4", "PDF/X-4", pdfx="PDF/X-4", max_version="1.6"),
        Variant("x-4,a-2b", "PDF/X-4 and PDF/A-2b", pdfa_part=2, pdfx="PDF/X-4", max_version="1.6"),
    )
}
AUTO = "auto"  # PDF/X-4 when a CMYK output profile is available, else none
CHOICES: tuple[str, ...] = (AUTO, *VARIANTS)


def variant(name: str | None) -> Variant:
    """Return the row of `name` ("x-4,a-2b" and "a-2b,x-4" are the same); None is none."""
    if not name:
        return VARIANTS["none"]
    parts = sorted({p.strip() for p in re.split(r"[,+]", name) if p.strip()}, reverse=True)
    key = ",".join(parts)
    if key not in VARIANTS:
        raise ValueError(f"unknown PDF standard {name!r} (expected one of: {', '.join(CHOICES)})")
    return VARIANTS[key]


# PDF/A-2 requires properties outside its predefined schemas to be described (6.6.2.3.3):
# pdfxid:GTS_PDFXVersion is one of them when PDF/X-4 and PDF/A-2b share a file.
_PDFX_EXTENSION = extension(
    Schema(
        "PDF/X ID Schema",
        _PDFXID,
        "pdfxid",
        (("GTS_PDFXVersion", "Text", "ID of PDF/X standard"),),
    ),
    Schema(
        "Adobe PDF Schema",
        _PDF,
        "pdf",
        (("Trapped", "Text", "Whether the document has been trapped"),),
    ),
)


def document_id(pdf_bytes: bytes) -> str:
    """Return an xmpMM:DocumentID derived from the content: the same file, the same id."""
    return f"uuid:{uuid.UUID(bytes=hashlib.sha256(pdf_bytes).digest()[:16], version=4)}"


def declare_pdfx(xmp: bytes, version: str, doc_id: str) -> bytes:
    """Add the PDF/X identification, the version data and pdf:Trapped to an XMP packet."""
    text = xmp.decode("utf-8")
    if "GTS_PDFXVersion" in text:
        raise ValueError("the XMP packet already declares PDF/X conformance")
    match = re.search(r"<rdf:Description\b[^>]*?(/?)>", text)
    if match is None or match.group(1):
        raise ValueError("the XMP packet has no rdf:Description to extend; run finish() first")
    namespaces = {"xmpMM": _XMPMM, "pdfxid": _PDFXID, "pdf": _PDF}
    head = match.group(0)[:-1]
    for prefix, uri in namespaces.items():
        if f"xmlns:{prefix}=" not in head:
            head += f'\n    xmlns:{prefix}="{uri}"'
    head += ">"
    props = (
        f"<pdfxid:GTS_PDFXVersion>{version}</pdfxid:GTS_PDFXVersion>"
        f"<xmpMM:DocumentID>{doc_id}</xmpMM:DocumentID>"
        f"<xmpMM:InstanceID>{doc_id}</xmpMM:InstanceID>"
        "<xmpMM:VersionID>1</xmpMM:VersionID>"
        "<xmpMM:RenditionClass>default</xmpMM:RenditionClass>"
        "<pdf:Trapped>False</pdf:Trapped>\n   "
    )
    end = text.index("</rdf:Description>", match.end())
    text = text[: match.start()] + head + text[match.end() : end] + props + text[end:]
    return text.encode("utf-8")


def _add_extension(xmp: bytes, extension: str) -> bytes:
    """Describe a schema: in the packet's extension schemas if it has some, else in new ones."""
    text = xmp.decode("utf-8")
    if "<pdfaExtension:schemas>" in text:
        schema = re.search(r"<rdf:Bag>\n(.*)    </rdf:Bag>", extension, re.S)
        assert schema is not None
        bag = text.index("</rdf:Bag>", text.index("<pdfaExtension:schemas>"))
        bag = text.rindex("\n", 0, bag) + 1
        return (text[:bag] + schema.group(1) + text[bag:]).encode("utf-8")
    close = text.rindex(" </rdf:RDF>")
    return (text[:close] + extension + text[close:]).encode("utf-8")


@cache
def _deflated(profile: bytes) -> bytes:
    """Compress an output profile once per process, at zlib's fastest level.

    A press profile is large and compresses little (ISO Coated v2: 1.05 MB to 0.80 MB
    at level 1, 0.78 MB at the default level 6, which takes twice as long).
    """
    return zlib.compress(profile, 1)


def apply(
    pdf_bytes: bytes,
    wanted: Variant,
    icc_path: Path | None,
    *,
    pdfua_identification: bool = False,
) -> bytes:
    """Return `pdf_bytes` written to the standard `wanted`, with `icc_path` as output profile.

    A PDF made by tagging.finish() stays tagged. With PDF/A the PDF/UA identification is
    dropped unless `pdfua_identification` (docs/accessibility.md); PDF/X alone keeps it.
    """
    if not wanted.needs_profile:
        return pdf_bytes
    if icc_path is None:
        raise ValueError(f"{wanted.label} needs an output ICC profile")
    icc = Path(icc_path).read_bytes()
    info = icc_info(icc)
    components = {"CMYK": 4, "RGB": 3, "GRAY": 1}.get(info.colour_space)
    if components is None or info.version > 4 or info.device_class not in ("prtr", "mntr"):
        raise ValueError(f"{icc_path} is not an output ICC profile {wanted.label} accepts")
    identifier = info.description or Path(icc_path).stem
    with pikepdf.open(BytesIO(pdf_bytes)) as pdf:
        metadata = pdf.Root.get("/Metadata")
        if metadata is None:  # not finished (untagged): XMP from the Info dictionary
            docinfo = {str(k): str(v) for k, v in pdf.docinfo.items() if isinstance(v, String)}
            lang = str(pdf.Root.get("/Lang", "")) or None
            write_metadata(pdf, meta_from_docinfo(docinfo, lang), pdfua=False)
            metadata = pdf.Root.Metadata
        xmp = metadata.read_bytes()
        keep_pdfua = pdfua_identification or wanted.pdfa_part is None
        if wanted.pdfa_part is not None:
            xmp = declare_pdfa(xmp, wanted.pdfa_part, pdfua=keep_pdfua)
        if wanted.pdfx is not None:
            xmp = declare_pdfx(xmp, wanted.pdfx, document_id(pdf_bytes))
            if wanted.pdfa_part is not None:
                xmp = _add_extension(xmp, _PDFX_EXTENSION)
            pdf.trailer.Info.Trapped = Name("/False")
        # One profile object for every output intent (PDF/A-2, 6.2.3).
        profile = pdf.make_stream(b"", N=components)
        profile.write(_deflated(icc), filter=Name.FlateDecode)
        pdf.Root.OutputIntents = Array(
            [
                pdf.make_indirect(
                    Dictionary(
                        Type=Name.OutputIntent,
                        S=Name(subtype),
                        OutputConditionIdentifier=String(identifier),
                        Info=String(identifier),
                        DestOutputProfile=profile,
                    )
                )
                for subtype in wanted.intents
            ]
        )
        pdf.Root.Metadata = pdf.make_stream(xmp, Type=Name.Metadata, Subtype=Name.XML)
        _make_annotations_printable(pdf)
        drop_empty_transitions(pdf)
        return save_deterministic(pdf, version=wanted.max_version)
