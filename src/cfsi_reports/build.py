"""The orchestrator: validate, plan, render in worker processes, write atomically.

Read this first. A build is: load and check the content (nothing is written
when it is wrong), plan one job per document with a fingerprint of what it is
made from, skip the jobs whose output is current, render the others (the
brochure and the fact sheets in parallel), then record the manifest.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import ContentError, Problem, UsageError
from .output import clean_stale, exclusive, inside, read_manifest, write_manifest
from .workers import Done, Job, Renderer, Settings

DEFAULT_LANGUAGE = "fr"  # the content model's default; workers warm up its hyphenation
DEFAULT_EPOCH = (
    946_684_800  # 2000-01-01, ReportLab's invariant date, when SOURCE_DATE_EPOCH is unset
)
BROCHURE = "brochure.pdf"
SCREEN = "brochure-screen.pdf"
SHEETS = "fact-sheets"
SHEET_NAME = re.compile(r"^fact-sheets/[a-z0-9]+(?:-[a-z0-9]+)*\.docx$")


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
    pdf_standard: str | None = None
    icc: Path | None = None
    force: bool = False
    quiet: bool = False
    strict: bool = False  # warnings fail the build (for CI)
    warn: Callable[[list[Problem]], None] | None = None  # shown the warnings before rendering


@dataclass
class Summary:
    """The outcome of a build."""

    written: list[Done] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0
    warnings: list[Problem] = field(default_factory=list)


def epoch_from_env() -> int:
    """Return SOURCE_DATE_EPOCH, or the fixed default that keeps builds reproducible."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return DEFAULT_EPOCH
    try:
        epoch = int(value)
    except ValueError:
        raise UsageError(f"SOURCE_DATE_EPOCH={value!r} is not a number of seconds") from None
    # Zip entries can only date from 1980 to 2107, and documents carry the same date.
    if not 315_532_800 <= epoch <= 4_354_819_198:
        raise UsageError(
            f"SOURCE_DATE_EPOCH={value} is outside 1980-2107 (expected seconds since 1970)"
        )
    return epoch


def run(options: BuildOptions) -> Summary:
    """Build what `options` asks for; raise a CfsiError on any failure."""
    started = time.perf_counter()
    out = options.output_dir
    epoch = epoch_from_env()
    request = _request_key(options, epoch)
    quick = _quick_digest(options)
    manifest = read_manifest(out)
    if not options.force and _unchanged(out, manifest, request, quick):
        previous = manifest["requests"][request]
        # The warnings of the build that made these documents: still true of the same inputs.
        warned = _recorded(previous.get("warnings"))
        if warned is not None:
            _warn(options, warned)
            names = previous["documents"]
            summary = Summary(
                skipped=sorted(names), seconds=time.perf_counter() - started, warnings=warned
            )
            _report(summary, options)
            return summary

    from .checks import check
    from .content import load_content
    from .theme import DEFAULT_THEME, load_theme

    theme = load_theme(options.theme_file or DEFAULT_THEME)
    icc = _icc(options) if "pdf" in options.formats and options.pdf_standard else None
    settings = Settings(
        out, theme, epoch, options.formats, options.docx_template, options.pdf_standard, icc
    )
    # Workers start warming up now, while this process reads and checks the content. (Forked
    # any earlier, they would compete with this process's imports for two cores.)
    renderer = Renderer(settings, options.jobs, DEFAULT_LANGUAGE)
    failed = True
    try:
        content = load_content(options.content_dir)
        warned = check(content, theme)
        _warn(options, warned)
        _check_request(options, content, theme)
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"cannot create the output folder {out}: {exc.strerror}") from None
        with exclusive(out):
            summary = _build(options, manifest, request, quick, content, renderer, started, warned)
        failed = False
        return summary
    finally:
        renderer.close(failed)


def _recorded(items: Any) -> list[Problem] | None:
    """Return the warnings a manifest recorded, or None when they cannot be read back."""
    try:
        return [Problem(**item) for item in items]
    except (TypeError, ValueError):
        return None


def _warn(options: BuildOptions, warned: list[Problem]) -> None:
    """Show the warnings; with --strict they stop the build before anything is written."""
    if options.strict and warned:
        raise ContentError(warned)
    if warned and options.warn is not None:
        options.warn(warned)


def _check_request(options: BuildOptions, content: Any, theme: Any) -> None:
    """Refuse what the content cannot give: unknown slugs, an unusable Word template."""
    known = [a.key for a in content.actions]
    unknown = [s for s in options.only if s not in known]
    if unknown:
        raise UsageError(
            f"unknown action slug(s): {', '.join(unknown)} (known: {', '.join(known)})"
        )
    if options.docx_template is not None and "docx" in options.formats:
        from .docx import FactSheetRenderer

        FactSheetRenderer(content, theme, template=options.docx_template)


def _build(
    options: BuildOptions,
    manifest: dict[str, Any],
    request: str,
    quick: str,
    content: Any,
    renderer: Renderer,
    started: float,
    warned: list[Problem],
) -> Summary:
    """With the output folder held: plan, render what is out of date, record the manifest."""
    out = options.output_dir
    settings = renderer.settings
    clean_stale(out)
    jobs = _plan(options, content, settings.theme, settings.epoch, settings.icc)
    for job in jobs:
        if not inside(out, out / job.name):
            raise UsageError(f"{job.name}: would be written outside {out}")
    entries: dict[str, Any] = manifest.get("documents", {})
    todo = [j for j in jobs if options.force or not _current(out, entries.get(j.name), j)]
    summary = Summary(skipped=[j.name for j in jobs if j not in todo], warnings=warned)
    bar = _progress(len(todo), options)
    by_name = {j.name: j for j in todo}
    try:
        for done in renderer.run(todo, content):
            bar(done)
            job = by_name[done.name]
            entries[done.name] = {
                "fingerprint": job.fingerprint,
                "sha256": done.sha256,
                "size": done.size,
                "pages": done.pages,
            }
            summary.written.append(done)
    finally:
        manifest["documents"] = entries
        manifest["tool"] = __version__
        write_manifest(out, manifest)
    _remove_orphans(out, options, jobs, entries)
    # Only the requests whose documents are all still as they left them stay recorded.
    requests = {
        key: value
        for key, value in manifest.get("requests", {}).items()
        if all(
            entries.get(name, {}).get("sha256") == sha for name, sha in value["documents"].items()
        )
    }
    requests[request] = {
        "inputs": quick,
        "documents": {j.name: entries[j.name]["sha256"] for j in jobs if j.name in entries},
        "warnings": [asdict(w) for w in warned],
    }
    manifest["requests"] = requests
    write_manifest(out, manifest)
    summary.seconds = time.perf_counter() - started
    _report(summary, options)
    return summary


# --- planning ---------------------------------------------------------------


def _plan(
    options: BuildOptions, content: Any, theme: Any, epoch: int, icc: Path | None
) -> list[Job]:
    common = _digest(
        _environment(),
        _code_stamp(),
        _version("reportlab"),
        _version("python-docx"),
        _version("font-source-sans-pro"),
        theme.raw_hash,
        *(_file_bytes(p) for p in sorted(theme.locale_dir.glob("*.yaml"))),
        str(epoch),
    )
    root = content.root
    programme = _file_bytes(root / "programme.yaml")
    per_action = {
        a.key: _digest(
            _file_bytes(root / a.file), _file_bytes(a.photo_path) if a.photo_path else b""
        )
        for a in content.actions
    }
    jobs: list[Job] = []
    if "pdf" in options.formats:
        everything = _digest(common, programme, *per_action.values())
        standard = f"{options.pdf_standard}:{_digest(_file_bytes(icc)) if icc else ''}"
        jobs.append(Job(BROCHURE, "print", None, _digest(everything, "print", standard)))
        jobs.append(Job(SCREEN, "screen", None, _digest(everything, "screen")))
    if "docx" in options.formats:
        template = _file_bytes(options.docx_template) if options.docx_template else b""
        wanted = set(options.only) if options.only else None
        for number, action in enumerate(content.actions, 1):
            if wanted is not None and action.key not in wanted:
                continue
            fingerprint = _digest(common, programme, per_action[action.key], str(number), template)
            jobs.append(Job(f"{SHEETS}/{action.key}.docx", "sheet", action.key, fingerprint))
    return jobs


def _current(out: Path, entry: dict[str, Any] | None, job: Job) -> bool:
    if not entry or entry.get("fingerprint") != job.fingerprint:
        return False
    return _intact(out / job.name, entry)


def _intact(path: Path, entry: dict[str, Any]) -> bool:
    try:
        if entry.get("size") is not None and path.stat().st_size != entry.get("size"):
            return False
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest() == entry.get("sha256")
    except OSError:
        return False


def _unchanged(out: Path, manifest: dict[str, Any], request: str, quick: str) -> bool:
    """Tell whether the same request on the same inputs built the documents now on disk.

    Each request records the hash of every document it left; another request that
    rewrote one of them (another theme, another date) makes this one build again.
    """
    previous = manifest.get("requests", {}).get(request)
    if not previous or previous.get("inputs") != quick or manifest.get("tool") != __version__:
        return False
    left = previous.get("documents", {})
    return bool(left) and all(
        _intact(out / name, {"sha256": sha, "size": None}) for name, sha in left.items()
    )


def _request_key(options: BuildOptions, epoch: int) -> str:
    return _digest(
        ",".join(sorted(options.formats)),
        ",".join(sorted(options.only)),
        str(options.pdf_standard),
        str(options.icc),
        str(options.theme_file),
        str(options.docx_template),
        str(epoch),
    )


def _quick_digest(options: BuildOptions) -> str:
    """Hash every input without parsing the content: the fast no-op path."""
    from .theme import DEFAULT_THEME, locale_dir_of

    theme_file = (options.theme_file or DEFAULT_THEME).resolve()
    # A theme file is read over the built-in one: both count.
    themes = dict.fromkeys((DEFAULT_THEME.resolve(), theme_file))
    files = [*themes, *sorted(locale_dir_of(theme_file).rglob("*.yaml"))]
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
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return ""


def _environment() -> str:
    """Identify Python and every installed requirement: an upgrade rebuilds everything."""
    names = ["cfsi-reports"]
    try:
        requirements = metadata.requires("cfsi-reports") or []
    except metadata.PackageNotFoundError:
        requirements = []
    names += [re.split(r"[ ;<>=!~\[]", r, maxsplit=1)[0] for r in requirements]
    return _digest(sys.version, *(f"{n}={_version(n)}" for n in sorted(set(names))))


def _remove_orphans(
    out: Path, options: BuildOptions, jobs: list[Job], entries: dict[str, Any]
) -> None:
    """Delete fact sheets of actions that no longer exist (full docx builds only)."""
    if "docx" not in options.formats or options.only:
        return
    planned = {j.name for j in jobs}
    for name in list(entries):
        if name in planned or not SHEET_NAME.match(name):
            continue
        if inside(out, out / name):  # only a fact sheet of ours, never anything else
            (out / name).unlink(missing_ok=True)
        del entries[name]


def _icc(options: BuildOptions) -> Path:
    from .pdf.tagging.pdfa import find_cmyk_icc

    return find_cmyk_icc(options.icc)


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
    if path is None:
        return b""
    try:
        return Path(path).read_bytes()
    except OSError:
        return b""


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "?"


def _progress(total: int, options: BuildOptions):
    """Return a callback that reports each finished document."""
    if options.quiet:
        return lambda done: None
    stream = sys.stdout
    if stream.isatty():
        bar = click.progressbar(length=total, label="building", file=stream)
        bar.__enter__()
        count = [0]

        def tick(done: Done) -> None:
            bar.update(1)
            count[0] += 1
            if count[0] == total:
                bar.__exit__(None, None, None)

        return tick

    def line(done: Done) -> None:
        pages = f", {done.pages} pages" if done.pages else ""
        click.echo(f"wrote {done.name} ({_size(done.size)}{pages}, {done.seconds:.2f} s)")

    return line


def _report(summary: Summary, options: BuildOptions) -> None:
    if options.quiet:
        return
    pages = sum(d.pages or 0 for d in summary.written)
    size = sum(d.size for d in summary.written)
    parts = [f"{len(summary.written)} written", f"{len(summary.skipped)} unchanged"]
    if summary.written:
        parts.append(f"{pages} PDF pages" if pages else "")
        parts.append(_size(size))
    text = ", ".join(p for p in parts if p)
    click.echo(f"{options.output_dir}: {text} in {summary.seconds:.2f} s")


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"
