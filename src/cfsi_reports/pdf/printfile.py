"""The print file: its PDF standard resolved from the options, written, then preflighted."""

from __future__ import annotations

from pathlib import Path

from .tagging.standards import AUTO, VARIANTS, apply, variant


def resolve(name: str | None, icc: Path | None) -> tuple[str, Path | None]:
    """Return the variant to write and its output profile; `auto` is PDF/X-4 when one exists.

    A profile given with --icc must be usable (IccProfileNotFound, exit code 2, otherwise),
    whatever the standard; without one, `auto` falls back to a plain PDF.
    """
    from ..errors import UsageError
    from .tagging.pdfa import IccProfileNotFound, find_cmyk_icc

    if name == AUTO:
        if icc is not None:
            return VARIANTS["x-4"].name, find_cmyk_icc(icc)
        try:
            return VARIANTS["x-4"].name, find_cmyk_icc()
        except IccProfileNotFound:
            return VARIANTS["none"].name, None
    try:
        row = variant(name)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if row.needs_profile or icc is not None:
        return row.name, find_cmyk_icc(icc)
    return row.name, None


def print_file(
    pdf_bytes: bytes, standard: str | None, icc_path: Path | None, *, name: str = "brochure.pdf"
) -> bytes:
    """Write the print brochure to its standard, then preflight it; raise if a check fails.

    The ink limit is the one the output profile states (« ISO Coated v2 300% »), else the
    print profile's 300 %.
    """
    from ..errors import RenderError
    from ..messages import _
    from ..preflight import PROFILES, preflight

    data = apply(pdf_bytes, variant(standard), icc_path)
    report = preflight(data, PROFILES["print"], name=name)
    if report.failed:
        found = "; ".join(f"{c.name}: {c.detail}" for c in report.failed)
        raise RenderError(name, _("preflight failed: {checks}").format(checks=found))
    return data
