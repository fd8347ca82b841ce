"""Preflight: the print shop's checklist on any PDF, ours or not, one result per check.

`preflight(data, PROFILES["print"])` returns a Report; nothing here prints (cli.py does).
The thresholds are data: a Profile per use (print, screen).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from io import BytesIO
from itertools import pairwise
from typing import Any

import pikepdf
from pikepdf import Dictionary, Name

from ..errors import UsageError
from ..messages import _, number
from .scan import Box, PageScan, Scanner, TextUse

MM = 72 / 25.4
OK, WARN, FAIL, SKIP = "ok", "warn", "FAIL", "skip"


@dataclass(frozen=True)
class Profile:
    """What a use of the PDF asks: the thresholds of each check (None: not checked)."""

    name: str
    boxes: bool  # TrimBox and BleedBox on every page
    bleed_mm: float | None
    cmyk_only: bool
    min_ppi: float  # images under this fail
    good_ppi: float  # images under this are warned about
    tac: float | None  # total area coverage limit, percent
    reversed_min_pt: float | None  # reversed type smaller than this on several inks fails
    page_multiple: int | None
    pdfx: bool  # a print file should say which PDF/X it is


PROFILES: dict[str, Profile] = {
    "print": Profile("print", True, 3.0, True, 250, 300, 300.0, 8.0, 4, True),
    "screen": Profile("screen", False, None, False, 96, 150, None, None, None, False),
}


@dataclass(frozen=True)
class Check:
    """The outcome of one check: its name, ok/warn/FAIL/skip, and what was found."""

    name: str
    status: str
    detail: str


@dataclass
class Report:
    """Every check's outcome on one file."""

    profile: str
    pages: int
    checks: list[Check] = field(default_factory=list)

    @property
    def failed(self) -> list[Check]:
        """Return the checks that failed."""
        return [c for c in self.checks if c.status == FAIL]


class UnreadablePdf(UsageError):
    """The file is not a PDF preflight can open (exit code 2)."""


# -- helpers -------------------------------------------------------------------------------


def _box(page: pikepdf.Page, key: str) -> Box | None:
    value = page.obj.get(key)
    if value is None and key == "/MediaBox":
        value = page.obj.get("/MediaBox")  # inherited values are resolved by pikepdf
    try:
        x0, y0, x1, y1 = (float(v) for v in value)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        return None
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _inside(inner: Box, outer: Box, slack: float = 0.01) -> bool:
    return (
        inner[0] >= outer[0] - slack
        and inner[1] >= outer[1] - slack
        and inner[2] <= outer[2] + slack
        and inner[3] <= outer[3] + slack
    )


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _pages(numbers: list[int], limit: int = 6) -> str:
    """Return 'page 3' or 'pages 1, 2, 5 ...'."""
    shown = ", ".join(str(n) for n in numbers[:limit]) + (" ..." if len(numbers) > limit else "")
    return (_("page {n}") if len(numbers) == 1 else _("pages {n}")).format(n=shown)


def tac_from_description(description: str, default: float = 300.0) -> float:
    """Return the total ink limit a profile's description states ('... 300% ...'), or default."""
    match = re.search(r"\b([23]\d\d)\s*%", description)
    return float(match.group(1)) if match else default


# -- the checks ----------------------------------------------------------------------------


def _check_boxes(pdf: pikepdf.Pdf, profile: Profile) -> list[Check]:
    missing, loose, art = [], [], []
    bleeds: list[float] = []
    for n, page in enumerate(pdf.pages, 1):
        media = _box(page, "/MediaBox")
        trim, bleed = _box(page, "/TrimBox"), _box(page, "/BleedBox")
        if trim is not None and "/ArtBox" in page.obj:
            art.append(n)
        if media is None or (profile.boxes and (trim is None or bleed is None)):
            missing.append(n)
            continue
        crop = _box(page, "/CropBox") or media
        chain = [b for b in (trim, bleed, crop, media) if b is not None]
        if any(not _inside(a, b) for a, b in pairwise(chain)):
            loose.append(n)
        if trim is not None and bleed is not None:
            bleeds.append(
                min(trim[0] - bleed[0], trim[1] - bleed[1], bleed[2] - trim[2], bleed[3] - trim[3])
            )
    checks = []
    name = _("page boxes")
    if missing:
        checks.append(
            Check(name, FAIL, _("no TrimBox or BleedBox on {pages}").format(pages=_pages(missing)))
        )
    elif loose:
        checks.append(
            Check(
                name,
                FAIL,
                _("boxes not nested (TrimBox inside BleedBox inside MediaBox) on {pages}").format(
                    pages=_pages(loose)
                ),
            )
        )
    elif art:
        checks.append(
            Check(
                name,
                FAIL,
                _("both TrimBox and ArtBox on {pages} (PDF/X: one)").format(pages=_pages(art)),
            )
        )
    else:
        what = _("TrimBox inside BleedBox inside MediaBox") if profile.boxes else _("MediaBox")
        checks.append(Check(name, OK, _("{what} on {n} pages").format(what=what, n=len(pdf.pages))))
    if profile.bleed_mm is not None:
        name = _("bleed")
        if not bleeds:
            checks.append(
                Check(name, FAIL, _("no bleed: the pages have no BleedBox beyond the trim"))
            )
        else:
            least = min(bleeds) / MM
            status = OK if least >= profile.bleed_mm - 0.05 else FAIL
            checks.append(
                Check(
                    name,
                    status,
                    _("{least:.1f} mm at least (needs {need:g} mm)").format(
                        least=number(least), need=number(profile.bleed_mm)
                    ),
                )
            )
    return checks


_FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


def _fonts(pdf: pikepdf.Pdf) -> list[tuple[int, Any]]:
    """Return (page number, font dictionary) of every font in page and form resources."""
    found: list[tuple[int, Any]] = []
    seen: set[tuple[int, int]] = set()

    def visit(n: int, resources: Any, depth: int) -> None:
        if not isinstance(resources, Dictionary) or depth > 12:
            return
        for font in (resources.get("/Font") or Dictionary()).values():
            if font.is_indirect and font.objgen in seen:
                continue
            if font.is_indirect:
                seen.add(font.objgen)
            found.append((n, font))
        for xobj in (resources.get("/XObject") or Dictionary()).values():
            if xobj.get("/Subtype") == Name.Form and xobj.objgen not in seen:
                seen.add(xobj.objgen)
                visit(n, xobj.get("/Resources"), depth + 1)

    for n, page in enumerate(pdf.pages, 1):
        visit(n, page.obj.get("/Resources"), 0)
    return found


def _descriptor(font: Any) -> Any:
    descendants = font.get("/DescendantFonts")
    target = descendants[0] if descendants else font
    return target.get("/FontDescriptor"), target


def _check_fonts(pdf: pikepdf.Pdf) -> list[Check]:
    fonts = _fonts(pdf)
    missing: dict[str, list[int]] = defaultdict(list)
    tags: dict[str, set[tuple[str, Any]]] = defaultdict(set)
    for n, font in fonts:
        desc, target = _descriptor(font)
        name = str(font.get("/BaseFont", "/?"))[1:]
        if target.get("/Subtype") == Name.Type3:
            continue
        program = None
        if isinstance(desc, Dictionary):
            program = next((desc[k] for k in _FONT_FILES if k in desc), None)
        if program is None:
            missing[name].append(n)
            continue
        if re.match(r"^[A-Z]{6}\+", name):
            tags[name[:6]].add((name[7:], program.objgen if program.is_indirect else id(program)))
    checks = []
    if missing:
        listed = "; ".join(f"{name} ({_pages(pages)})" for name, pages in sorted(missing.items()))
        checks.append(
            Check(_("fonts embedded"), FAIL, _("not embedded: {fonts}").format(fonts=listed))
        )
    else:
        checks.append(
            Check(_("fonts embedded"), OK, _("{n} fonts, all embedded").format(n=len(fonts)))
        )
    shared = {tag: users for tag, users in tags.items() if len(users) > 1}
    if shared:
        listed = "; ".join(
            f"{tag}+ ({len(users)} subsets)" for tag, users in sorted(shared.items())
        )
        checks.append(
            Check(
                _("subset tags"),
                FAIL,
                _("one tag names several subsets: {tags}").format(tags=listed),
            )
        )
    else:
        checks.append(
            Check(
                _("subset tags"),
                OK,
                _("{n} subsets, each with its own tag").format(
                    n=sum(len(u) for u in tags.values())
                ),
            )
        )
    return checks


def _check_colours(scans: list[PageScan], profile: Profile) -> Check:
    name = _("colour spaces")
    used: dict[str, list[int]] = defaultdict(list)
    for n, scan in enumerate(scans, 1):
        for space in scan.colours:
            used[space].append(n)
    summary = ", ".join(sorted(used)) or _("nothing painted")
    if not profile.cmyk_only:
        return Check(name, OK, summary)
    bad = {
        space: pages
        for space, pages in used.items()
        if "RGB" in space
        or space.startswith(("unknown", "Unknown"))
        or (space not in _KNOWN_SPACES and not space.startswith(("Separation", "Indexed", "ICC")))
    }
    if bad:
        listed = "; ".join(f"{space} ({_pages(pages)})" for space, pages in sorted(bad.items()))
        return Check(name, FAIL, _("not for print: {spaces}").format(spaces=listed))
    return Check(name, OK, summary)


_KNOWN_SPACES = {"DeviceCMYK", "DeviceGray", "Lab", "CalGray", "DeviceN", "Pattern"}


def _check_images(scans: list[PageScan], profile: Profile) -> Check:
    name = _("image resolution")
    uses = [(n, img) for n, scan in enumerate(scans, 1) for img in scan.images]
    if not uses:
        return Check(name, OK, _("no images"))
    low = [(n, img) for n, img in uses if img.ppi < profile.min_ppi]
    soft = [(n, img) for n, img in uses if profile.min_ppi <= img.ppi < profile.good_ppi]
    worst = min(uses, key=lambda u: u[1].ppi)
    if low or soft:
        listed = "; ".join(
            _("{ppi:.0f} ppi on page {page}").format(ppi=img.ppi, page=n) for n, img in low + soft
        )
        status = FAIL if low else WARN
        return Check(
            name,
            status,
            _("{listed} (needs {need:g} ppi at the placed size)").format(
                listed=listed, need=number(profile.good_ppi)
            ),
        )
    return Check(
        name,
        OK,
        _("{n} images, the lowest {ppi:.0f} ppi at its placed size").format(
            n=len(uses), ppi=worst[1].ppi
        ),
    )


def _image_tac(obj: Any) -> float | None:
    """Return the highest total ink (percent) of a CMYK image's pixels, when readable."""
    try:
        from PIL import ImageMath

        image = pikepdf.PdfImage(obj).as_pil_image()
        if image.mode != "CMYK" or image.width * image.height > 25_000_000:
            return None
        c, m, y, k = image.split()
        total = ImageMath.lambda_eval(
            lambda a: a["c"] + a["m"] + a["y"] + a["k"], c=c, m=m, y=y, k=k
        )
        return total.getextrema()[1] / 255 * 100
    except Exception:  # an image pikepdf or Pillow cannot decode: not judged here
        return None


def _intent_limit(pdf: pikepdf.Pdf) -> tuple[float, str] | None:
    """Return the ink limit the output intent's profile states, with the profile's name."""
    for intent in pdf.Root.get("/OutputIntents", []):
        profile = intent.get("/DestOutputProfile")
        if profile is None:
            continue
        try:
            from ..pdf.tagging import icc_info

            description = icc_info(profile.read_bytes()).description
        except (ValueError, pikepdf.PdfError):
            continue
        if re.search(r"\b[23]\d\d\s*%", description):
            return tac_from_description(description), description
    return None


def _check_tac(pdf: pikepdf.Pdf, scans: list[PageScan], profile: Profile, explicit: bool) -> Check:
    name = _("total ink")
    limit = profile.tac
    if limit is None:
        return Check(name, SKIP, _("not checked for this profile"))
    stated = None if explicit else _intent_limit(pdf)
    if stated is not None:
        limit = stated[0]
    over: list[tuple[float, int, str]] = []
    highest = 0.0
    for n, (page, scan) in enumerate(zip(pdf.pages, scans, strict=True), 1):
        area = _box(page, "/BleedBox") or _box(page, "/MediaBox")
        for paint in scan.paints:
            ink = paint.colour.ink
            if ink is None or (area is not None and not _overlaps(paint.box, area)):
                continue  # printer's marks outside the bleed print in registration colour
            total = sum(ink) * 100
            highest = max(highest, total)
            if total > limit + 0.5:
                over.append((total, n, _("fill") if paint.fill else _("stroke")))
        for image in scan.images:
            if image.colour.family != "CMYK" or image.obj is None:
                continue
            total = _image_tac(image.obj)
            if total is None:
                continue
            highest = max(highest, total)
            if total > limit + 0.5:
                over.append((total, n, _("image")))
    if over:
        listed = "; ".join(
            _("{what} at {total:.0f} % on page {page}").format(what=w, total=t, page=p)
            for t, p, w in sorted(over, key=lambda o: (o[1], -o[0]))[:6]
        )
        return Check(
            name, FAIL, _("over {limit:g} %: {listed}").format(limit=number(limit), listed=listed)
        )
    return Check(
        name,
        OK,
        _("at most {high:.0f} % (limit {limit:g} %)").format(high=highest, limit=number(limit)),
    )


def _reversed(text: TextUse, scan: PageScan, before: int) -> tuple[int, float] | None:
    """Return (inks knocked out, fill total) if the text is lighter than a multi-ink fill."""
    ink = text.colour.ink
    if ink is None:
        return None
    x, y = text.x + text.size * 0.25, text.y + text.size * 0.3
    paints = scan.paints
    for i in range(before - 1, -1, -1):  # the last fill painted before it, under its start
        paint = paints[i]
        if not paint.fill or not (
            paint.box[0] <= x <= paint.box[2] and paint.box[1] <= y <= paint.box[3]
        ):
            continue
        under = paint.colour.ink
        if under is None:
            return None
        knocked = sum(1 for t, u in zip(ink, under, strict=True) if u - t >= 0.1)
        return (knocked, sum(under)) if _lightness(ink) > _lightness(under) else None
    return None


def _lightness(ink: tuple[float, float, float, float]) -> float:
    """Return how light a CMYK mix looks (0 black, 1 paper): type is reversed when it is
    lighter than what lies under it. Black over a 170 % teal is dark on lighter, not reversed,
    although it carries less ink."""
    c, m, y, k = ink
    return (0.2126 * (1 - c) + 0.7152 * (1 - m) + 0.0722 * (1 - y)) * (1 - k)


def _check_reversed(scans: list[PageScan], profile: Profile) -> Check:
    name = _("reversed type")
    if profile.reversed_min_pt is None:
        return Check(name, SKIP, _("not checked for this profile"))
    small: list[tuple[int, float, int]] = []
    count = 0
    for n, scan in enumerate(scans, 1):
        # Text and fills were recorded in painting order: find what lies under each run.
        for text in scan.texts:
            if text.invisible:
                continue
            found = _reversed(text, scan, text.before)
            if found is None or found[0] < 2:
                continue
            count += 1
            if text.size < profile.reversed_min_pt - 0.01:
                small.append((n, text.size, found[0]))
    if small:
        listed = "; ".join(
            _("{size:.1f} pt knocked out of {inks} inks on page {page}").format(
                size=number(s), inks=k, page=p
            )
            for p, s, k in small[:6]
        )
        return Check(
            name,
            FAIL,
            _("{listed} (at least {need:g} pt: misregistration shows)").format(
                listed=listed, need=number(profile.reversed_min_pt)
            ),
        )
    return Check(
        name,
        OK,
        _("{n} runs of reversed type, none under {need:g} pt").format(
            n=count, need=number(profile.reversed_min_pt)
        ),
    )


def _check_page_count(n: int, profile: Profile) -> Check:
    name = _("page count")
    if profile.page_multiple is None:
        return Check(name, SKIP, _("{n} pages").format(n=n))
    status = OK if n % profile.page_multiple == 0 else FAIL
    return Check(
        name,
        status,
        _("{n} pages (saddle stitching needs a multiple of {m})").format(
            n=n, m=profile.page_multiple
        ),
    )


def _check_pdfx(pdf: pikepdf.Pdf, profile: Profile) -> Check:
    name = _("PDF/X identification")
    with pdf.open_metadata() as meta:
        claimed = meta.get("pdfxid:GTS_PDFXVersion")
        trapped_xmp = meta.get("pdf:Trapped")
        doc_id = meta.get("xmpMM:DocumentID")
        version_id = meta.get("xmpMM:VersionID")
        rendition = meta.get("xmpMM:RenditionClass")
    info = pdf.trailer.get("/Info") or Dictionary()
    claimed = claimed or (str(info.get("/GTS_PDFXVersion")) if "/GTS_PDFXVersion" in info else None)
    intents = [i for i in pdf.Root.get("/OutputIntents", []) if i.get("/S") == "/GTS_PDFX"]
    if not claimed:
        if intents:
            return Check(name, FAIL, _("a PDF/X output intent but no GTS_PDFXVersion in XMP"))
        status = WARN if profile.pdfx else OK
        return Check(name, status, _("no PDF/X claimed"))
    problems = []
    if len(intents) != 1:
        problems.append(_("{n} PDF/X output intents (expected one)").format(n=len(intents)))
    else:
        intent = intents[0]
        dest = intent.get("/DestOutputProfile")
        if dest is None:
            problems.append(_("no embedded DestOutputProfile"))
        elif int(dest.get("/N", 0)) != 4:
            problems.append(_("the output profile is not CMYK"))
        if not str(intent.get("/OutputConditionIdentifier", "")):
            problems.append(_("no OutputConditionIdentifier"))
    if str(claimed).startswith("PDF/X-4"):
        for key, value in (
            ("xmpMM:DocumentID", doc_id),
            ("xmpMM:VersionID", version_id),
            ("xmpMM:RenditionClass", rendition),
        ):
            if not value:
                problems.append(_("no {key} in XMP").format(key=key))
        if float(pdf.pdf_version) > 1.6:
            problems.append(_("PDF version {v} (PDF/X-4 is PDF 1.6)").format(v=pdf.pdf_version))
    trapped_info = str(info.get("/Trapped", ""))
    if trapped_info not in ("/True", "/False"):
        problems.append(_("Info /Trapped is not True or False"))
    elif trapped_xmp != trapped_info[1:]:
        problems.append(_("XMP pdf:Trapped and Info /Trapped disagree"))
    if "/ID" not in pdf.trailer:
        problems.append(_("no /ID in the trailer"))
    if pdf.is_encrypted:
        problems.append(_("encrypted"))
    if problems:
        return Check(
            name, FAIL, _("{claim}: {problems}").format(claim=claimed, problems="; ".join(problems))
        )
    condition = str(intents[0].get("/OutputConditionIdentifier"))
    return Check(
        name,
        OK,
        _("{claim}, output intent « {condition} »").format(claim=claimed, condition=condition),
    )


def preflight(data: bytes, profile: Profile, *, tac: float | None = None, name: str = "") -> Report:
    """Run every check of `profile` on the PDF `data`; `tac` overrides the ink limit."""
    if tac is not None:
        profile = Profile(**{**profile.__dict__, "tac": tac})
    try:
        pdf = pikepdf.open(BytesIO(data))
    except (pikepdf.PdfError, pikepdf.PasswordError, ValueError) as exc:
        reason = re.sub(r"^.*?BytesIO object at 0x[0-9a-f]+>:?\s*", "", str(exc).splitlines()[0])
        raise UnreadablePdf(
            _("{file}: not a PDF preflight can open ({reason})").format(
                file=name or "PDF", reason=reason or type(exc).__name__
            )
        ) from None
    with pdf:
        scans = []
        for page in pdf.pages:
            scanner = Scanner()
            scans.append(scanner.page(page))
        report = Report(profile.name, len(pdf.pages))
        report.checks += _check_boxes(pdf, profile)
        report.checks += _check_fonts(pdf)
        report.checks.append(_check_colours(scans, profile))
        report.checks.append(_check_images(scans, profile))
        report.checks.append(_check_tac(pdf, scans, profile, explicit=tac is not None))
        report.checks.append(_check_reversed(scans, profile))
        report.checks.append(_check_page_count(len(pdf.pages), profile))
        report.checks.append(_check_pdfx(pdf, profile))
    return report
