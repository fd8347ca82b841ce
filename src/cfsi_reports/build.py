"""The orchestrator: validate, plan, render in worker processes, write all at the end.

Read this first. A build is: load and check the content (nothing is written
when it is wrong), plan one job per document of each registered writer
(`renderers.py`) with a fingerprint of what it is made from, skip the jobs whose
output is current (`manifest.py`), render the others (the brochure and the fact
sheets in parallel, `workers.py`), then, once every document has rendered,
rename them all into place and record the manifest (`output.py`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import __version__
from .errors import CfsiError, ContentError, Problem, UsageError
from .manifest import FILE as MANIFEST
from .manifest import Entry, Manifest
from .messages import _
from .output import Batch, OutputFolder
from .plan import BuildOptions, epoch_from_env, pdf_standard, plan, quick_digest, request_key
from .renderers import WRITERS, Settings
from .workers import Done, Job, Renderer

__all__ = ["BuildOptions", "Progress", "Summary", "epoch_from_env", "run"]

DEFAULT_LANGUAGE = "fr"  # the content model's default; workers warm up its hyphenation


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


def run(options: BuildOptions, progress: Progress | None = None) -> Summary:
    """Build what `options` asks for; raise a CfsiError on any failure."""
    progress = progress or Progress()
    started = time.perf_counter()
    epoch = epoch_from_env()
    request = request_key(options, epoch)
    quick = quick_digest(options)
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
    standard, icc = pdf_standard(options) if "pdf" in options.formats else (None, None)
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
    jobs = plan(options, content, renderer.settings)
    todo = [
        j for j in jobs if options.force or not manifest.is_current(folder, j.name, j.fingerprint)
    ]
    skipped = [j.name for j in jobs if j not in todo]
    summary = Summary(skipped=skipped, notes=manifest.notes, warnings=warned)
    folder.prepare(
        [j.name for j in todo] + [MANIFEST]
    )  # a file where a folder goes: said before rendering
    fingerprints = {j.name: j.fingerprint for j in todo}
    progress.planned(len(todo), len(jobs))
    batch = Batch(folder)
    try:
        for done in renderer.run(todo, content):
            batch.add(done.name, done.data)
            done.data = b""  # staged on disk: 500 sheets held in memory would be 250 MB
            progress.done(done)
            summary.written.append(done)
        # A sheet someone edited since it was written is moved aside, never overwritten.
        summary.kept += [
            (name, folder.keep_aside(name), False)
            for name in _edited(folder, manifest, [d.name for d in summary.written])
            if not _imported(folder, name, content, renderer.settings.theme)
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


def _imported(folder: OutputFolder, name: str, content: Any, theme: Any) -> bool:
    """True when an edited sheet holds nothing the content lacks (`import --write` took it).

    Such a sheet is no longer anyone's only copy of their work: the build may replace it.
    Anything the import would still show (a change, a conflict, an error, a note, a
    comment, tracked changes) keeps it aside.
    """
    from .roundtrip.importer import ImportOptions, import_sheets

    try:
        [result] = import_sheets([folder.path / name], content, theme, ImportOptions())
    except (CfsiError, OSError, ValueError):  # unreadable: keep it aside, as any edit
        return False
    return not (
        result.failed or result.changes or result.notes or result.comments or result.accepted
    )


def _editable(name: str) -> bool:
    # The fact sheets are made to be edited; the brochures are not.
    return any(
        w.per_action and w.format == "docx" and name.endswith(w.file.rpartition("{slug}")[2])
        for w in WRITERS.values()
    )
