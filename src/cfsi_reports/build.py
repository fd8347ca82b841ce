"""The orchestrator: validate, plan, render in worker processes, write atomically.

Read this first. A build is: load and check the content (nothing is written
when it is wrong), plan one job per document with a fingerprint of what it is
made from, skip the jobs whose output is current, render the others (the
brochure and the fact sheets in parallel), then record the manifest.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import sys
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import CfsiError, RenderError, UsageError
from .output import clean_stale, inside, read_manifest, write_atomic, write_manifest

DEFAULT_EPOCH = (
    946_684_800  # 2000-01-01, ReportLab's invariant date, when SOURCE_DATE_EPOCH is unset
)
BROCHURE = "brochure.pdf"
SCREEN = "brochure-screen.pdf"
SHEETS = "fact-sheets"


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


@dataclass(frozen=True)
class Job:
    """One document to write."""

    name: str  # path relative to the output folder
    kind: str  # "print", "screen" or "sheet"
    slug: str | None
    fingerprint: str


@dataclass
class Done:
    """What a job produced."""

    name: str
    size: int
    pages: int | None
    sha256: str
    seconds: float


@dataclass
class Summary:
    """The outcome of a build."""

    written: list[Done] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0


def epoch_from_env() -> int:
    """Return SOURCE_DATE_EPOCH, or the fixed default that keeps builds reproducible."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return DEFAULT_EPOCH
    try:
        epoch = int(value)
    except ValueError:
        raise UsageError(f"SOURCE_DATE_EPOCH={value!r} is not a number of seconds") from None
    return max(epoch, 315_532_800)  # zip timestamps start in 1980


def run(options: BuildOptions) -> Summary:
    """Build what `options` asks for; raise a CfsiError on any failure."""
    started = time.perf_counter()
    out = options.output_dir
    epoch = epoch_from_env()
    request = _request_key(options, epoch)
    quick = _quick_digest(options)
    manifest = read_manifest(out)
    if not options.force and _unchanged(out, manifest, request, quick):
        names = manifest["requests"][request]["documents"]
        summary = Summary(skipped=list(names), seconds=time.perf_counter() - started)
        _report(summary, options)
        return summary

    from .checks import check
    from .content import load_content
    from .theme import DEFAULT_THEME, load_theme

    content = load_content(options.content_dir)
    theme = load_theme(options.theme_file or DEFAULT_THEME)
    check(content, theme)
    known = [a.key for a in content.actions]
    unknown = [s for s in options.only if s not in known]
    if unknown:
        raise UsageError(
            f"unknown action slug(s): {', '.join(unknown)} (known: {', '.join(known)})"
        )
    icc = _icc(options) if "pdf" in options.formats and options.pdf_standard else None
    if options.docx_template is not None and "docx" in options.formats:
        from .docx import FactSheetRenderer

        FactSheetRenderer(content, theme, template=options.docx_template, epoch=epoch)

    out.mkdir(parents=True, exist_ok=True)
    clean_stale(out)
    jobs = _plan(options, content, theme, epoch, icc)
    for job in jobs:
        if not inside(out, out / job.name):
            raise UsageError(f"{job.name}: would be written outside {out}")
    entries: dict[str, Any] = manifest.get("documents", {})
    todo = [j for j in jobs if options.force or not _current(out, entries.get(j.name), j)]
    summary = Summary(skipped=[j.name for j in jobs if j not in todo])
    state = _State(options, content, theme, epoch, icc)
    try:
        for done in _execute(todo, state, options):
            job = next(j for j in todo if j.name == done.name)
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
    manifest.setdefault("requests", {})[request] = {
        "inputs": quick,
        "documents": [j.name for j in jobs],
    }
    write_manifest(out, manifest)
    summary.seconds = time.perf_counter() - started
    _report(summary, options)
    return summary


# --- planning ---------------------------------------------------------------


def _plan(
    options: BuildOptions, content: Any, theme: Any, epoch: int, icc: Path | None
) -> list[Job]:
    common = _digest(
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
        if path.stat().st_size != entry.get("size"):
            return False
        return hashlib.sha256(path.read_bytes()).hexdigest() == entry.get("sha256")
    except OSError:
        return False


def _unchanged(out: Path, manifest: dict[str, Any], request: str, quick: str) -> bool:
    """Tell whether the same request on the same inputs already built intact documents."""
    previous = manifest.get("requests", {}).get(request)
    if not previous or previous.get("inputs") != quick or manifest.get("tool") != __version__:
        return False
    entries = manifest.get("documents", {})
    return all(_intact(out / name, entries.get(name, {})) for name in previous["documents"])


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
    """Hash every input file without parsing anything: the fast no-op path."""
    from .theme import DEFAULT_THEME

    theme_file = (options.theme_file or DEFAULT_THEME).resolve()
    files = [theme_file, *sorted((theme_file.parent / "locale").glob("*.yaml"))]
    if options.content_dir.is_dir():
        files += sorted(p for p in options.content_dir.rglob("*") if p.is_file())
    for extra in (options.docx_template, options.icc):
        if extra is not None:
            files.append(extra)
    parts: list[bytes | str] = [_code_stamp()]
    for path in files:
        parts += [str(path), _file_bytes(path)]
    return _digest(*parts)


def _remove_orphans(
    out: Path, options: BuildOptions, jobs: list[Job], entries: dict[str, Any]
) -> None:
    """Delete fact sheets of actions that no longer exist (full docx builds only)."""
    if "docx" not in options.formats or options.only:
        return
    planned = {j.name for j in jobs}
    for name in list(entries):
        if name.startswith(f"{SHEETS}/") and name not in planned:
            (out / name).unlink(missing_ok=True)
            del entries[name]


def _icc(options: BuildOptions) -> Path:
    from .pdf.pdfa import find_cmyk_icc

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


# --- rendering --------------------------------------------------------------


@dataclass
class _State:
    """What a worker needs; inherited by forked workers, rebuilt by spawned ones."""

    options: BuildOptions
    content: Any
    theme: Any
    epoch: int
    icc: Path | None
    sheets: Any = None


_STATE: _State | None = None


def _init_worker(state: _State) -> None:
    global _STATE
    _STATE = state


def _render(job: Job) -> Done:
    """Render one job and write it atomically (runs in a worker or in-process)."""
    assert _STATE is not None
    state = _STATE
    started = time.perf_counter()
    try:
        data, pages = _bytes_of(job, state)
    except CfsiError:
        raise
    except Exception as exc:  # a bug or an engine failure: name the document, no traceback
        if os.environ.get("CFSI_DEBUG"):
            raise
        raise RenderError(job.name, f"{type(exc).__name__}: {exc}") from None
    write_atomic(state.options.output_dir / job.name, data)
    return Done(
        job.name, len(data), pages, hashlib.sha256(data).hexdigest(), time.perf_counter() - started
    )


def _bytes_of(job: Job, state: _State) -> tuple[bytes, int | None]:
    if job.kind in ("print", "screen"):
        from .pdf import render_brochure

        data, pages = render_brochure(
            state.content, state.theme, screen=job.kind == "screen", epoch=state.epoch
        )
        if job.kind == "print" and state.options.pdf_standard == "a-2b":
            from .pdf.pdfa import make_pdfa2b

            assert state.icc is not None
            data = make_pdfa2b(data, state.icc)
        return data, pages
    from .docx import FactSheetRenderer

    if state.sheets is None:  # the template is prepared once per process
        state.sheets = FactSheetRenderer(
            state.content, state.theme, template=state.options.docx_template, epoch=state.epoch
        )
    return state.sheets.render(state.content.action(job.slug)), None


def _execute(todo: list[Job], state: _State, options: BuildOptions):
    """Yield each finished job, rendering in worker processes when it pays."""
    if not todo:
        return
    # The brochure is the longest job: start it first so the sheets fill the other workers.
    todo = sorted(todo, key=lambda j: j.kind == "sheet")
    workers = min(options.jobs, len(todo))
    bar = _progress(len(todo), options)
    if workers <= 1:
        _init_worker(state)
        for job in todo:
            done = _render(job)
            bar(done)
            yield done
        return
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    _init_worker(state)
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_init_worker, initargs=(state,)
    ) as pool:
        futures: list[Future[Done]] = [pool.submit(_render, job) for job in todo]
        pending = set(futures)
        failures: list[BaseException] = []
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                exc = future.exception()
                if exc is not None:
                    failures.append(exc)
                    continue
                done = future.result()
                bar(done)
                yield done
            if failures:
                for future in pending:
                    future.cancel()
                wait(pending)
                for future in pending:
                    if not future.cancelled() and future.exception() is None:
                        yield future.result()
                break
        if failures:
            first = failures[0]
            if isinstance(first, CfsiError):
                raise first
            raise RenderError("build", f"{type(first).__name__}: {first}")


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
