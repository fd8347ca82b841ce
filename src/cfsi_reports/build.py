"""The orchestrator: validate, plan, render in worker processes, write all at the end.

Read this first. A build is: load and check the content (nothing is written
when it is wrong), plan one job per document of each registered writer
(`renderers.py`) with a fingerprint of what it is made from, skip the jobs whose
output is current (`manifest.py`), render the others (the brochure and the fact
sheets in parallel, `workers.py`), then, once every document has rendered,
rename them all into place and record the manifest (`output.py`).
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from . import __version__
from .errors import ContentError, Problem, UsageError
from .manifest import Entry, Manifest
from .messages import _
from .output import Batch, OutputFolder
from .renderers import WRITERS, Settings
from .workers import Done, Job, Renderer

DEFAULT_LANGUAGE = "fr"  # the content model's default; workers warm up its hyphenation
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


@dataclass
class Progress:
    """What the caller is told while a build runs (the command line prints it)."""

    planned: Callable[[int, int], None] = lambda todo, total: None  # to render, in the build
    done: Callable[[Done], None] = lambda done: None


@dataclass
class Summary:
    """The outcome of a build."""

    written: list[Done] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # things the user should know, not errors
    kept: list[tuple[str, str, bool]] = field(default_factory=list)  # edited: name, kept as, gone
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


def run(options: BuildOptions, progress: Progress | None = None) -> Summary:
    """Build what `options` asks for; raise a CfsiError on any failure."""
    progress = progress or Progress()
    started = time.perf_counter()
    epoch = epoch_from_env()
    request = _request_key(options, epoch)
    quick = _quick_digest(options)
    if not options.force and options.output_dir.is_dir():
        summary = _noop(options, request, quick)
        if summary is not None:
            progress.planned(0, len(summary.skipped))
            summary.seconds = time.perf_counter() - started
            return summary

    from .checks import check
    from .content import load_content
    from .theme import DEFAULT_THEME, load_theme

    theme = load_theme(options.theme_file or DEFAULT_THEME).with_labels(dict(options.labels))
    standard, icc = _standard(options) if "pdf" in options.formats else (None, None)
    settings = Settings(theme, epoch, options.formats, options.docx_template, standard, icc)
    # Workers start warming up now, while this process reads and checks the content. (Forked
    # any earlier, they would compete with this process's imports for two cores.)
    renderer = Renderer(settings, options.jobs, DEFAULT_LANGUAGE, options.preview)
    failed = True
    try:
        content = load_content(options.content_dir)
        warned = check(content, theme)
        _warn(options, warned)
        _check_request(options, content, theme)
        with OutputFolder(options.output_dir) as folder, folder.exclusive():
            summary = _build(options, folder, request, quick, content, renderer, progress, warned)
        failed = False
    finally:
        renderer.close(failed)
    summary.seconds = time.perf_counter() - started
    return summary


def _noop(options: BuildOptions, request: str, quick: str) -> Summary | None:
    """Return the summary of a build with nothing to do, or None if there is work."""
    with OutputFolder(options.output_dir) as folder, folder.exclusive():
        manifest = Manifest.read(folder)
        names = manifest.unchanged(folder, request, quick, __version__)
        if names is None:
            return None
        # The warnings of the build that made these documents: still true of the same inputs.
        warned = manifest.requests[request].warnings
        _warn(options, warned)
        folder.clean_stale()
        return Summary(skipped=names, notes=manifest.notes, warnings=warned)


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
            _("unknown action slug(s): {unknown} (known: {known})").format(
                unknown=", ".join(unknown), known=", ".join(known)
            )
        )
    if options.docx_template is not None and "docx" in options.formats:
        from .docx import FactSheetRenderer

        FactSheetRenderer(content, theme, template=options.docx_template)


def _build(
    options: BuildOptions,
    folder: OutputFolder,
    request: str,
    quick: str,
    content: Any,
    renderer: Renderer,
    progress: Progress,
    warned: list[Problem],
) -> Summary:
    """With the output folder held: plan, render what is out of date, write, record."""
    manifest = Manifest.read(folder)
    folder.clean_stale()
    jobs = _plan(options, content, renderer.settings)
    todo = [
        j for j in jobs if options.force or not manifest.is_current(folder, j.name, j.fingerprint)
    ]
    skipped = [j.name for j in jobs if j not in todo]
    summary = Summary(skipped=skipped, notes=manifest.notes, warnings=warned)
    folder.prepare([j.name for j in todo])  # a file where a folder goes: said before rendering
    fingerprints = {j.name: j.fingerprint for j in todo}
    progress.planned(len(todo), len(jobs))
    batch = Batch(folder)
    try:
        for done in renderer.run(todo, content):
            batch.add(done.name, done.data)
            progress.done(done)
            summary.written.append(done)
        # A sheet someone edited since it was written is moved aside, never overwritten.
        summary.kept += [
            (name, folder.keep_aside(name), False)
            for name in _edited(folder, manifest, [d.name for d in summary.written])
        ]
        batch.commit()  # every document rendered: all of them replace the old ones now
    finally:
        batch.discard()
    for done in summary.written:
        entry = Entry(fingerprints[done.name], done.sha256, done.size, done.pages)
        manifest.record(done.name, entry)
    summary.kept += _remove_orphans(folder, options, jobs, manifest)
    manifest.finish(folder, __version__, request, quick, [j.name for j in jobs], warned)
    manifest.write(folder)
    return summary


# --- planning ---------------------------------------------------------------


def _plan(options: BuildOptions, content: Any, settings: Settings) -> list[Job]:
    """One job per document of each writer the formats select, with its fingerprint."""
    common = _digest(
        _environment(),
        _code_stamp(),
        _version("reportlab"),
        _version("python-docx"),
        _version("font-source-sans-pro"),
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


def _request_key(options: BuildOptions, epoch: int) -> str:
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
    folder: OutputFolder, options: BuildOptions, jobs: list[Job], manifest: Manifest
) -> list[tuple[str, str, bool]]:
    """Delete the documents of actions that no longer exist (full builds of a format only).

    Only a file still as the tool wrote it is deleted; an edited sheet stays where it is
    (returned, to say so), so that its edits can still be imported.
    """
    if options.only:
        return []
    kept = []
    planned = {j.name for j in jobs}
    for w in WRITERS.values():
        if not w.per_action or w.format not in options.formats:
            continue
        for name in manifest.orphans(planned, w.file):
            if folder.sha256(name) == manifest.written(name):
                folder.remove(name)
            elif _editable(name) and folder.sha256(name) is not None:
                kept.append((name, name, True))  # left where it is, forgotten by the manifest
            del manifest.documents[name]
    return kept


def _edited(folder: OutputFolder, manifest: Manifest, names: list[str]) -> list[str]:
    """Return the fact sheets that differ from what the tool last wrote there."""
    return [
        name
        for name in names
        if _editable(name) and folder.sha256(name) not in (None, manifest.written(name))
    ]


def _editable(name: str) -> bool:
    # The fact sheets are made to be edited; the brochures are not.
    return any(
        w.per_action and w.format == "docx" and name.endswith(w.file.rpartition("{slug}")[2])
        for w in WRITERS.values()
    )


def _standard(options: BuildOptions) -> tuple[str, Path | None]:
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
