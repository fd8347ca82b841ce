"""What a build is asked, and what it will make: the options, one job per document, and
the fingerprints that tell which documents are current.

A job's fingerprint hashes everything its document is made from (content files, photo,
theme, locale, template, code, library versions, date); the request key and the quick
digest let a build with nothing to do stop before the content is even parsed.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__
from .errors import Problem, UsageError
from .messages import _
from .renderers import WRITERS, Settings
from .workers import Job

DEFAULT_EPOCH = (
    946_684_800  # 2000-01-01, ReportLab's invariant date, when SOURCE_DATE_EPOCH is unset
)


@dataclass(frozen=True)
class BuildOptions:
    """What the user asked for."""

    content_dir: Path
    output_dir: Path
    formats: frozenset[str] = frozenset({"pdf", "docx"})
    only: tuple[str, ...] = ()
    jobs: int = 1
    theme_file: Path | None = None
    docx_template: Path | None = None
    pdf_standard: str | None = "auto"  # a row of pdf/tagging/standards.VARIANTS, or auto
    icc: Path | None = None
    force: bool = False
    quiet: bool = False
    strict: bool = False  # warnings fail the build (for CI)
    warn: Callable[[list[Problem]], None] | None = None  # shown the warnings before rendering
    labels: tuple[tuple[str, Any], ...] = ()  # label overrides (the project file's)
    preview: bool = False  # `watch`: the screen brochure and the sheets before the print one
    skip: frozenset[str] = frozenset()  # writers left out of this build (`watch`: "print" first)


def epoch_from_env() -> int:
    """Return SOURCE_DATE_EPOCH, or the fixed default that keeps builds reproducible."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return DEFAULT_EPOCH
    try:
        epoch = int(value)
    except ValueError:
        raise UsageError(
            _("SOURCE_DATE_EPOCH={value!r} is not a number of seconds").format(value=value)
        ) from None
    # Zip entries can only date from 1980 to 2107, and documents carry the same date.
    if not 315_532_800 <= epoch <= 4_354_819_198:
        raise UsageError(
            _(
                "SOURCE_DATE_EPOCH={value} is outside 1980-2107 (expected seconds since 1970)"
            ).format(value=value)
        )
    return epoch


def plan(options: BuildOptions, content: Any, settings: Settings) -> list[Job]:
    """One job per document of each writer the formats select, with its fingerprint."""
    common = _digest(
        _environment(),
        _code_stamp(),
        settings.theme.raw_hash,
        *(_file_bytes(p) for p in sorted(settings.theme.locale_dir.glob("*.yaml"))),
        str(settings.epoch),
    )
    root = content.root
    programme = _digest(
        _file_bytes(root / "programme.yaml"),
        # the logo, the cover picture and the supporters' logos (sorted by field)
        *(data for _, data in sorted(content.programme.pictures().items())),
    )
    per_action = {
        a.key: _digest(_file_bytes(root / a.file), a.photo_bytes or b"") for a in content.actions
    }
    everything = _digest(common, programme, *per_action.values())
    icc = settings.icc
    standard = f"{settings.pdf_standard}:{_digest(_file_bytes(icc)) if icc else ''}"
    template = _file_bytes(options.docx_template) if options.docx_template else b""
    wanted = set(options.only) if options.only else None
    jobs: list[Job] = []
    for kind, w in WRITERS.items():
        if w.format not in options.formats or kind in options.skip:
            continue
        if not w.per_action:
            extra = standard if kind == "print" else ""
            jobs.append(Job(w.name(), kind, None, _digest(everything, kind, extra)))
            continue
        for number, action in enumerate(content.actions, 1):
            if wanted is not None and action.key not in wanted:
                continue
            inputs = (common, programme, per_action[action.key], str(number), template)
            jobs.append(Job(w.name(action.key), kind, action.key, _digest(kind, *inputs)))
    return jobs


def request_key(options: BuildOptions, epoch: int) -> str:
    return _digest(
        ",".join(sorted(options.formats)),
        ",".join(sorted(options.only)),
        str(options.pdf_standard),
        str(options.icc),
        str(options.theme_file),
        str(options.docx_template),
        str(epoch),
        repr(options.labels),
        ",".join(sorted(options.skip)),
    )


# theme.DEFAULT_THEME, without importing the theme's models (about 0.1 s) on the no-op path.
_DEFAULT_THEME = Path(__file__).with_name("defaults") / "theme.yaml"


def _locale_dir(themes: list[Path]) -> Path:
    """Return the locale folder of a valid theme (the last `locale_dir:`), reading only that."""
    import yaml

    found = _DEFAULT_THEME.parent / "locale"  # what the built-in theme names: not parsed
    for file in themes:
        if file == _DEFAULT_THEME.resolve():
            continue
        try:
            data = yaml.load(
                file.read_bytes(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            )
        except (OSError, yaml.YAMLError):
            return _DEFAULT_THEME.parent / "locale"  # as theme.locale_dir_of on a broken theme
        if isinstance(data, dict) and isinstance(data.get("locale_dir"), str):
            found = (file.parent / data["locale_dir"]).resolve()
    return found


def quick_digest(options: BuildOptions) -> str:
    """Hash every input without parsing the content: the fast no-op path."""
    theme_file = (options.theme_file or _DEFAULT_THEME).resolve()
    # A theme file is read over the built-in one: both count.
    themes = dict.fromkeys((_DEFAULT_THEME.resolve(), theme_file))
    files = [*themes, *sorted(_locale_dir(list(themes)).rglob("*.yaml"))]
    root = options.content_dir.resolve()
    if root.is_dir():
        # Links that leave the content folder are refused by the loader: not read here.
        files += sorted(
            p for p in root.rglob("*") if p.is_file() and p.resolve().is_relative_to(root)
        )
    for extra in (options.docx_template, options.icc):
        if extra is not None:
            files.append(extra)
    parts: list[bytes | str] = [_code_stamp(), _environment()]
    for path in files:
        parts += [str(path), _file_hash(path)]
    return _digest(*parts)


def _file_hash(path: Path) -> str:
    """Return a regular file's hash, read in chunks; "" for anything else."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return ""
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return ""
        with os.fdopen(os.dup(fd), "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return ""
    finally:
        os.close(fd)


def _environment() -> str:
    """Identify Python and every installed requirement: an upgrade rebuilds everything."""
    found = _distributions()
    names = ["cfsi_reports"]
    names += [
        _normal(re.split(r"[ ;<>=!~\[]", r, maxsplit=1)[0])
        for r in re.findall(r"^Requires-Dist:\s*(.+)$", _metadata(found, "cfsi_reports"), re.M)
    ]
    return _digest(sys.version, *(f"{n}={_version(found, n)}" for n in sorted(set(names))))


def pdf_standard(options: BuildOptions) -> tuple[str, Path | None]:
    """Resolve the PDF standard of the print file and its output profile (see pdf/printfile.py)."""
    from .pdf.printfile import resolve

    return resolve(options.pdf_standard, options.icc)


def _code_stamp() -> str:
    """Identify the installed code, so an upgrade or a local edit rebuilds everything."""
    package = Path(__file__).parent
    stats = []
    for path in sorted(package.rglob("*.py")):
        info = path.stat()
        stats.append(f"{path.relative_to(package)}:{info.st_size}:{info.st_mtime_ns}")
    return _digest(__version__, *stats)


def _digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def _file_bytes(path: Path | None) -> bytes:
    """Return a regular file's bytes; b"" for anything else (a FIFO never hangs the build)."""
    if path is None:
        return b""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return b""
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return b""
        with os.fdopen(os.dup(fd), "rb") as handle:
            return handle.read()
    except OSError:
        return b""
    finally:
        os.close(fd)


def _normal(name: str) -> str:
    """Return a distribution's name as its .dist-info folder spells it (PEP 503, then `_`)."""
    return re.sub(r"[-_.]+", "_", name).lower()


def _distributions() -> dict[str, tuple[str, Path]]:
    """Map the distributions installed on sys.path to their version and .dist-info folder.

    Read from the folders' names (`reportlab-5.1.0.dist-info`), the first on the path
    winning as for imports: importlib.metadata takes 30 ms to import, and then parses each
    METADATA file as an e-mail message, in every no-op build.
    """
    found: dict[str, tuple[str, Path]] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in sorted(names):
            if name.endswith(".dist-info") and "-" in name:
                dist, version = name[: -len(".dist-info")].rsplit("-", 1)
                found.setdefault(_normal(dist), (version, Path(entry or ".", name)))
    return found


def _version(found: dict[str, tuple[str, Path]], dist: str) -> str:
    return found[dist][0] if dist in found else "?"


def _metadata(found: dict[str, tuple[str, Path]], dist: str) -> str:
    """Return the headers of a distribution's METADATA ("" when not installed)."""
    if dist not in found:
        return ""
    try:
        text = (found[dist][1] / "METADATA").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
    return text.split("\n\n", 1)[0]  # the description follows the first blank line
