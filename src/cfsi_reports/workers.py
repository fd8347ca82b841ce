"""Rendering documents, in this process or in worker processes warmed up in advance.

Workers are forked before the content is even read: while the main process
validates, each worker imports ReportLab, registers the fonts and loads the
hyphenation patterns. The content then reaches them pickled once per task
(sheets go in chunks), and each worker unpickles a content set only once.
"""

from __future__ import annotations

import hashlib
import math
import multiprocessing
import os
import pickle
import sys
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import CfsiError, RenderError
from .output import write_atomic


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
class Settings:
    """What every render needs besides the content."""

    output_dir: Path
    theme: Any
    epoch: int
    formats: frozenset[str]
    docx_template: Path | None = None
    pdf_standard: str | None = None
    icc: Path | None = None


@dataclass
class State:
    """One process's settings, content and prepared fact-sheet template."""

    settings: Settings
    content: Any = None
    digest: str = ""
    sheets: Any = field(default=None, repr=False)


_STATE: State | None = None


def _warm(settings: Settings, language: str) -> None:
    """Start a worker: keep the settings and pay the one-off costs now."""
    global _STATE
    _STATE = State(settings)
    if "pdf" in settings.formats:
        from .pdf import warm_up

        warm_up(settings.theme, language)
    if "docx" in settings.formats:
        from . import docx  # noqa: F401  (python-docx and lxml imports)


def _with_content(digest: str, blob: bytes) -> State:
    assert _STATE is not None
    if _STATE.digest != digest:
        _STATE.content, _STATE.digest, _STATE.sheets = pickle.loads(blob), digest, None
    return _STATE


def render(job: Job, state: State) -> Done:
    """Render one job and write it atomically."""
    started = time.perf_counter()
    try:
        data, pages = bytes_of(job, state)
    except CfsiError:
        raise
    except Exception as exc:  # a bug or an engine failure: name the document, no traceback
        if os.environ.get("CFSI_DEBUG"):
            raise
        raise RenderError(job.name, f"{type(exc).__name__}: {exc}") from None
    write_atomic(state.settings.output_dir / job.name, data)
    digest = hashlib.sha256(data).hexdigest()
    return Done(job.name, len(data), pages, digest, time.perf_counter() - started)


def bytes_of(job: Job, state: State) -> tuple[bytes, int | None]:
    """Return the bytes (and page count, for PDFs) of one document."""
    settings, content = state.settings, state.content
    if job.kind in ("print", "screen"):
        from .pdf import render_brochure

        screen = job.kind == "screen"
        data, pages = render_brochure(content, settings.theme, screen=screen, epoch=settings.epoch)
        if not screen and settings.pdf_standard == "a-2b":
            from .pdf.tagging.pdfa import make_pdfa2b

            assert settings.icc is not None
            data = make_pdfa2b(data, settings.icc)
        return data, pages
    from .docx import FactSheetRenderer

    if state.sheets is None:  # the template is prepared once per process and content
        state.sheets = FactSheetRenderer(
            content, settings.theme, template=settings.docx_template, epoch=settings.epoch
        )
    return state.sheets.render(content.action(job.slug)), None


def _chunk(jobs: list[Job], digest: str, blob: bytes) -> tuple[list[Done], BaseException | None]:
    """Render jobs in a worker; stop at the first failure but report what was written."""
    state = _with_content(digest, blob)
    done: list[Done] = []
    for job in jobs:
        try:
            done.append(render(job, state))
        except BaseException as exc:
            return done, exc
    return done, None


class Renderer:
    """Runs jobs in this process (one job) or in warmed-up worker processes."""

    def __init__(self, settings: Settings, jobs: int, language: str) -> None:
        self.settings = settings
        self.workers = jobs
        self.pool: ProcessPoolExecutor | None = None
        if jobs > 1:
            context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
            self.pool = ProcessPoolExecutor(
                jobs, mp_context=context, initializer=_warm, initargs=(settings, language)
            )
            # Start every worker now, so they warm up while the content is validated.
            for future in [self.pool.submit(os.getpid) for _ in range(jobs)]:
                future.add_done_callback(lambda f: None)

    def close(self, failed: bool = False) -> None:
        """Stop the workers; after a failure, without waiting for their warm-up."""
        if self.pool is None:
            return
        if failed:
            # Python 3.14 has terminate_workers(); until then the pool's own process table.
            for process in list(getattr(self.pool, "_processes", {}).values()):
                process.terminate()
        self.pool.shutdown(wait=True, cancel_futures=True)

    def run(self, todo: list[Job], content: Any) -> Iterator[Done]:
        """Yield each finished document; raise the first failure after the others finish."""
        # The brochure is the longest job: start it first so the sheets fill the other workers.
        todo = sorted(todo, key=lambda j: j.kind == "sheet")
        if self.pool is None or len(todo) <= 1:
            state = State(self.settings, content)
            for job in todo:
                yield render(job, state)
            return
        blob = pickle.dumps(content, protocol=pickle.HIGHEST_PROTOCOL)
        digest = hashlib.sha256(blob).hexdigest()
        pdfs = [[j] for j in todo if j.kind != "sheet"]
        sheets = [j for j in todo if j.kind == "sheet"]
        # A few chunks per worker: little pickling, yet the load stays balanced.
        size = max(1, math.ceil(len(sheets) / (self.workers * 4)))
        chunks = pdfs + [sheets[i : i + size] for i in range(0, len(sheets), size)]
        pending: set[Future[tuple[list[Done], BaseException | None]]] = {
            self.pool.submit(_chunk, chunk, digest, blob) for chunk in chunks
        }
        failure: BaseException | None = None
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                try:
                    done, error = future.result()
                except BaseException as exc:
                    done, error = [], exc
                yield from done
                if error is not None and failure is None:
                    failure = error
                    for other in pending:
                        other.cancel()
        if failure is not None:
            if isinstance(failure, CfsiError):
                raise failure
            raise RenderError("build", f"{type(failure).__name__}: {failure}")
