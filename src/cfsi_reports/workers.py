"""Rendering documents, in this process or in worker processes warmed up in advance.

Workers are forked before the content is even read: while the main process
validates, each worker imports ReportLab, registers the fonts and loads the
hyphenation patterns. The content then reaches them pickled once per task
(sheets go in chunks), and each worker unpickles a content set only once.

Workers never touch the output folder: they hand the bytes back, and only the
main process, which holds the folder's lock, writes. A worker also dies with the
main process (Linux: PR_SET_PDEATHSIG; elsewhere a thread watching the parent),
so a killed build leaves no process behind and nothing written late.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import CfsiError, RenderError
from .renderers import WRITERS, Settings

if TYPE_CHECKING:  # a no-op build imports this module for Job, not the process pool
    from concurrent.futures import Future, ProcessPoolExecutor

MAX_WORKERS = 16  # past this, workers only add memory (each one loads the engines)
CHUNK = 8  # sheets rendered by one task at most
MANAGER_GRACE = 5.0  # seconds a failed build waits for the pool to notice its workers are gone


@dataclass(frozen=True)
class Job:
    """One document to render."""

    name: str  # path relative to the output folder
    kind: str  # the writer's name in renderers.WRITERS
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
    data: bytes = field(default=b"", repr=False)


@dataclass
class State:
    """One process's settings, content and per-process caches (the prepared template)."""

    settings: Settings
    content: Any = None
    digest: str = ""
    cache: dict[str, Any] = field(default_factory=dict, repr=False)


_STATE: State | None = None


def _die_with(parent: int) -> None:
    """End this worker as soon as the process that started it is gone."""
    if sys.platform == "linux":
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)

    def watch() -> None:  # the same guarantee where prctl does not exist
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _warm(settings: Settings, language: str, parent: int) -> None:
    """Start a worker: keep the settings and pay the one-off costs now."""
    global _STATE
    _die_with(parent)
    # Ctrl-C reaches the whole process group: the main process alone decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    _STATE = State(settings)
    try:
        for w in WRITERS.values():
            if w.format in settings.formats and w.warm_up is not None:
                w.warm_up(settings.theme, language)
        if settings.theme.maps.enabled:
            from . import maps

            maps.warm_up()
    except Exception:  # an unreadable font, say
        pass  # the render that needs it does it again and fails with a message naming it


def _with_content(digest: str, blob: bytes) -> State:
    assert _STATE is not None
    if _STATE.digest != digest:
        _STATE.content, _STATE.digest, _STATE.cache = pickle.loads(blob), digest, {}
    return _STATE


def render(job: Job, state: State) -> Done:
    """Render one job to bytes (written by the main process, never here)."""
    started = time.perf_counter()
    try:
        data, pages = bytes_of(job, state)
    except CfsiError:
        raise
    except Exception as exc:  # a bug or an engine failure: name the document, no traceback
        if os.environ.get("CFSI_DEBUG"):
            raise
        raise RenderError(job.name, f"{type(exc).__name__}: {exc}") from None
    digest = hashlib.sha256(data).hexdigest()
    return Done(job.name, len(data), pages, digest, time.perf_counter() - started, data)


def bytes_of(job: Job, state: State) -> tuple[bytes, int | None]:
    """Return the bytes (and page count, for PDFs) of one document."""
    # ReportLab reads SOURCE_DATE_EPOCH itself (its file identifier differs between the
    # variable unset and set to the same default date): it always sees the build's date.
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(state.settings.epoch)
    try:
        return WRITERS[job.kind].render(state.content, state.settings, job.slug, state.cache)
    finally:
        if saved is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved


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

    def __init__(self, settings: Settings, jobs: int, language: str, preview: bool = False) -> None:
        self.settings = settings
        jobs = max(1, min(jobs, MAX_WORKERS, _cpus()))
        self.workers = jobs
        self.preview = preview
        self.pool: ProcessPoolExecutor | None = None
        if jobs > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
            self.pool = ProcessPoolExecutor(
                jobs,
                mp_context=context,
                initializer=_warm,
                initargs=(settings, language, os.getpid()),
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
                process.kill()  # workers write nothing; SIGKILL runs no inherited handler
        manager = getattr(self.pool, "_executor_manager_thread", None)  # None once shut down
        # A worker killed while it sent a result leaves the pool's threads waiting on its
        # pipe for ever: after a failure they are not waited for (see cli.leave())...
        self.pool.shutdown(wait=not failed, cancel_futures=True)
        if failed and manager is not None:
            # ...but for a moment they are: the pool's manager thread sees its workers gone
            # and closes its wake-up pipe. Before Python 3.12, an exit at that very moment
            # wrote into the closed pipe and printed a traceback (one failed build in 40).
            manager.join(timeout=MANAGER_GRACE)

    def run(self, todo: list[Job], content: Any) -> Iterator[Done]:
        """Yield each finished document; raise the first failure after the others finish."""
        # The brochure is the longest job: start it first so the sheets fill the other workers.
        # For a preview (`watch`), what is looked at first comes first: screen, sheets, print.
        order = {"screen": 0, "sheet": 1, "print": 2} if self.preview else {"sheet": 1}
        todo = sorted(todo, key=lambda j: order.get(j.kind, 0))
        if self.pool is None or len(todo) <= 1:
            state = State(self.settings, content)
            for job in todo:
                yield render(job, state)
            return
        from concurrent.futures import FIRST_COMPLETED, wait

        blob = pickle.dumps(content, protocol=pickle.HIGHEST_PROTOCOL)
        digest = hashlib.sha256(blob).hexdigest()
        pdfs = [[j] for j in todo if j.kind != "sheet"]
        sheets = [j for j in todo if j.kind == "sheet"]
        # A few chunks per worker: little pickling, yet the load stays balanced; and never
        # more than CHUNK sheets, whose bytes travel back together (half a megabyte each).
        size = max(1, min(CHUNK, math.ceil(len(sheets) / (self.workers * 4))))
        chunks = pdfs + [sheets[i : i + size] for i in range(0, len(sheets), size)]
        failure: BaseException | None = None
        with _signals_between_waits() as deliver:
            pending: set[Future[tuple[list[Done], BaseException | None]]] = {
                self.pool.submit(_chunk, chunk, digest, blob) for chunk in chunks
            }
            while pending:
                finished, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
                deliver()
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
            deliver()
        if failure is not None:
            if isinstance(failure, CfsiError):
                raise failure
            raise RenderError("build", f"{type(failure).__name__}: {failure}")


@contextlib.contextmanager
def _signals_between_waits() -> Iterator[Callable[[], None]]:
    """Hold Ctrl-C, SIGTERM and SIGHUP while the pool is waited on; deliver them between waits.

    Their handlers raise (KeyboardInterrupt, SystemExit), and an exception raised inside
    concurrent.futures' wait() can leave a future's lock held (it takes them one by one):
    the pool's shutdown then waited for it forever, one Ctrl-C in ten. Here a signal is
    noted, and `deliver()` runs its own handler where nothing is held. A signal ignored
    (nohup) or left to the system stays so.
    """
    caught: list[int] = []
    handlers: dict[int, Callable[[int, Any], Any]] = {}
    if threading.current_thread() is threading.main_thread():
        for name in ("SIGINT", "SIGTERM", "SIGHUP"):
            number = getattr(signal, name, None)
            handler = signal.getsignal(number) if number is not None else None
            if callable(handler):
                handlers[number] = handler
                signal.signal(number, lambda signum, frame: caught.append(signum))

    def deliver() -> None:
        if caught:
            handlers[caught[0]](caught[0], None)

    try:
        yield deliver
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


def _cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1
