"""PDF/A-2b checking for the tests: pikepdf's checker and page-validation's, when installed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from cfsi_reports.pdf.tagging import VARIANTS, apply


@dataclass
class PdfaCheck:
    """Findings of the PDF/A checkers that could be run, by checker name."""

    findings: dict[str, list[str]] = field(default_factory=dict)
    unavailable: dict[str, str] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """Return True if at least one checker ran and none reported anything."""
        return bool(self.findings) and not any(self.findings.values())


def check_pdfa2b(pdf_bytes: bytes, checkers: Iterable[str] = ("pikepdf", "page")) -> PdfaCheck:
    """Validate PDF/A-2b with pikepdf.pdfa (pikepdf[pdfa]) and page (page-validation)."""
    result = PdfaCheck()
    for name in checkers:
        try:
            if name == "pikepdf":
                from pikepdf.pdfa import validate_written

                report = validate_written(BytesIO(pdf_bytes), "2b")
                result.findings[name] = [str(f) for f in report.findings]
            elif name == "page":
                import page

                report = page.validate_pdf_bytes(pdf_bytes, profile="2b")
                result.findings[name] = [f"{f.rule_id}: {f.message}" for f in report.failures]
            else:
                raise ValueError(f"unknown PDF/A checker {name!r}")
        except ImportError as e:
            result.unavailable[name] = str(e)
    return result


def make_pdfa2b(pdf_bytes: bytes, icc_path: Path, *, pdfua_identification: bool = False) -> bytes:
    """Return a PDF/A-2b copy of a PDF with the ICC profile as output intent.

    A PDF made by finish() stays tagged (structure tree, /MarkInfo, /Lang, title shown);
    one that was not gets XMP metadata from its Info dictionary (ReportLab's, with its
    dates). Use a CMYK profile (find_cmyk_icc) for a document drawn in CMYK; a document
    with DeviceRGB colours needs an RGB profile instead (e.g. sRGB).

    By default the PDF/UA identification (pdfuaid:part) is dropped: PDF/A allows it only
    with an extension schema describing it, which pikepdf's PDF/A validator (reading no
    extension schema) rejects. `pdfua_identification=True` keeps it, with that schema, as
    veraPDF and page-validation expect of a file claiming both (docs/accessibility.md).
    """
    return apply(pdf_bytes, VARIANTS["a-2b"], icc_path, pdfua_identification=pdfua_identification)
