"""`cfsi-reports watch`: what to watch, and a process kept warm between builds.

The file events come from watchfiles (the OS's own notifications through Rust's `notify`,
with a debounce that gathers an editor's save into one change). Each change runs an ordinary
build, which renders only the documents whose inputs changed; fonts, hyphenation patterns
and the engines' imports stay loaded in this process, and the workers forked from it start
with them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import UsageError
from .messages import _

STEP_MS = 50  # a change is handled once the files have been quiet this long
DEBOUNCE_MS = 400  # at most this long spent gathering changes


class Watcher:
    """The inputs of one build request, watched for changes."""

    def __init__(self, options: Any, project_file: Path | None) -> None:
        self.project_file = project_file.absolute() if project_file else None
        self.options = options
        self._paths()

    def _paths(self) -> None:
        from .theme import DEFAULT_THEME, locale_dir_of

        options = self.options
        content = options.content_dir.absolute()
        if not content.is_dir():
            raise UsageError(
                _("{folder}: content folder not found (nothing to watch)").format(
                    folder=options.content_dir
                )
            )
        theme = (options.theme_file or DEFAULT_THEME).absolute()
        files = [theme, self.project_file, options.docx_template, options.icc]
        self.content = content
        self.locale_dir = locale_dir_of(theme)
        self.files = {Path(f).absolute() for f in files if f is not None}
        self.output = options.output_dir.absolute()
        self.roots = sorted(
            {content, self.locale_dir, *(f.parent for f in self.files)} - {self.output},
            key=str,
        )

    def shown(self) -> list[Path]:
        """Return what is watched, as the user named it."""
        from .theme import DEFAULT_THEME

        default = DEFAULT_THEME.absolute()
        return [self.options.content_dir, *sorted(f for f in self.files if f != default)]

    def warm_up(self) -> None:
        """Load the theme, fonts, hyphenation and engines once, for every build to come."""
        from .build import DEFAULT_LANGUAGE
        from .theme import DEFAULT_THEME, load_theme

        theme = load_theme(self.options.theme_file or DEFAULT_THEME)
        if "pdf" in self.options.formats:
            from .pdf import warm_up

            warm_up(theme, DEFAULT_LANGUAGE)
        if "docx" in self.options.formats:
            from . import docx  # noqa: F401  (python-docx and lxml imports)

    def update(self, options: Any) -> None:
        """Watch the inputs of new options (the project file changed)."""
        self.options = dataclasses.replace(options)
        self._paths()

    def wanted(self, path: Path) -> bool:
        """Tell whether a changed path is an input of the build."""
        if path == self.output or self.output in path.parents:
            return False
        if path in self.files:
            return True
        if self.content == path or self.content in path.parents:
            return True
        return self.locale_dir in path.parents and path.suffix in (".yaml", ".yml")

    def start(self) -> None:
        """Start watching now (before the first build: an edit made during it is not lost)."""
        import queue
        import threading

        self._batches: queue.Queue[set[Path]] = queue.Queue()
        self._stop = threading.Event()
        self._watching = self.roots
        threading.Thread(target=self._watch, args=(self._stop,), daemon=True).start()

    def stop(self) -> None:
        """Stop the watching thread."""
        self._stop.set()

    def _watch(self, stop: Any) -> None:
        import watchfiles

        default = watchfiles.DefaultFilter()

        def keep(change: Any, name: str) -> bool:
            return default(change, name) and self.wanted(Path(name))

        for batch in watchfiles.watch(
            *self._watching,
            watch_filter=keep,
            step=STEP_MS,
            debounce=DEBOUNCE_MS,
            stop_event=stop,
            raise_interrupt=False,
            rust_timeout=500,
        ):
            added = {Path(n) for c, n in batch if c == watchfiles.Change.added}
            # An editor's or sed's temporary file, created and gone in one save: no change.
            changed = {
                Path(name) for _c, name in batch if Path(name).exists() or Path(name) not in added
            }
            if changed:
                self._batches.put(changed)

    def changes(self) -> Iterator[set[Path]]:
        """Yield each batch of changed inputs; the caches of changed styles are dropped."""
        import queue

        while True:
            try:
                changed = self._batches.get(timeout=0.5)  # a timeout keeps Ctrl-C responsive
            except queue.Empty:
                continue
            while not self._batches.empty():  # changes made during the last build: one build
                changed |= self._batches.get()
            if any(not (self.content == p or self.content in p.parents) for p in changed):
                _forget_styles()
            yield changed
            if self.roots != self._watching:  # the project file moved the inputs
                self.stop()
                self.start()


def _forget_styles() -> None:
    """A theme, locale or template file changed: read them again at the next build."""
    from . import i18n, theme

    theme.load_theme.cache_clear()
    i18n.load.cache_clear()
