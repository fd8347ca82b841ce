"""The print file: its PDF standard resolved from the options, written, then preflighted."""

from __future__ import annotations

from pathlib import Path

from ..errors import UsageError
from ..messages import _
from .tagging import AUTO, VARIANTS, IccProfileNotFound, apply, find_cmyk_icc, variant


def resolve(name: str | None, icc: Path | None) -> tuple[str, Path | None]:
    """Return the variant to write and its output profile; `auto` is PDF/X-4 when one exists.

    A profile given with --icc must be usable (UsageError, exit code 2, otherwise),
    whatever the standard; without one, `auto` falls back to a plain PDF.
    """
    if name == AUTO:
        if icc is not None:
            return VARIANTS["x-4"].name, find_icc(icc)
        try:
            return VARIANTS["x-4"].name, find_cmyk_icc()
        except IccProfileNotFound:
            return VARIANTS["none"].name, None
    try:
        row = variant(name)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if row.needs_profile or icc is not None:
        return row.name, find_icc(icc)
    return row.name, None


def find_icc(explicit: Path | None) -> Path:
    """Return the CMYK output profile to use, or raise UsageError saying how to get one.

    The tagging library's IccProfileNotFound is its own error: here it becomes the
    command's, with the option that fixes it.
    """
    try:
        return find_cmyk_icc(explicit)
    except IccProfileNotFound as exc:
        raise UsageError(
            _(
                "No usable CMYK ICC output profile for the print file's output intent{detail}. "
                "Install one, e.g. `apt-get install scribus-data` (ISOcoated_v2_300_bas.icc) or "
                "`apt-get install ghostscript` (default_cmyk.icc, a SWOP profile), or pass the "
                "printer's profile with --icc FILE. ICC profiles are not shipped with "
                "cfsi-reports."
            ).format(detail=f" ({exc.detail})" if exc.detail else "")
        ) from None


def print_file(
    pdf_bytes: bytes, standard: str | None, icc_path: Path | None, *, name: str = "brochure.pdf"
) -> bytes:
    """Write the print brochure to its standard, then preflight it; raise if a check fails.

    The ink limit is the one the output profile states (« ISO Coated v2 300% »), else the
    print profile's 300 %.
    """
    from ..errors import RenderError
    from ..preflight import PROFILES, preflight

    data = apply(pdf_bytes, variant(standard), icc_path)
    report = preflight(data, PROFILES["print"], name=name)
    if report.failed:
        found = "; ".join(f"{c.name}: {c.detail}" for c in report.failed)
        raise RenderError(name, _("preflight failed: {checks}").format(checks=found))
    return data
