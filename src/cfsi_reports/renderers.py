"""The documents a build can write, registered by name as pandoc registers its writers.

A writer is one function from (content, settings, action slug) to the bytes of one
document, with the file name it writes and the `--format` that selects it. A new
output format is one function here, decorated with `@writer(...)`: the build
plans, fingerprints, renders (in workers), writes and records it like the others.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the content model is not needed to check a no-op build
    from .content.model import Content


@dataclass(frozen=True)
class Settings:
    """What every render needs besides the content."""

    theme: Any
    epoch: int
    formats: frozenset[str]
    docx_template: Path | None = None
    pdf_standard: str | None = None
    icc: Path | None = None


# (content, settings, slug or None, a per-process cache) -> (bytes, page count or None)
Render = Callable[["Content", Settings, "str | None", dict[str, Any]], tuple[bytes, "int | None"]]


@dataclass(frozen=True)
class Writer:
    """One kind of document."""

    kind: str  # the name it is registered under: "print", "screen", "sheet"
    format: str  # the --format that selects it
    file: str  # its path in the output folder; `{slug}` for one document per action
    render: Render
    warm_up: Callable[[Any, str], None] | None = None  # (theme, language) once per worker

    @property
    def per_action(self) -> bool:
        return "{slug}" in self.file

    def name(self, slug: str | None = None) -> str:
        return self.file.format(slug=slug) if self.per_action else self.file


WRITERS: dict[str, Writer] = {}
_SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"  # as content.model.SLUG


def writer(kind: str, format: str, file: str, warm_up: Callable[[Any, str], None] | None = None):
    """Register a render function under `kind`."""

    def register(render: Render) -> Render:
        WRITERS[kind] = Writer(kind, format, file, render, warm_up)
        return render

    return register


def is_document_name(name: str) -> bool:
    """Tell whether the tool writes a file of this name (what a manifest may list)."""
    for w in WRITERS.values():
        if w.per_action:
            head, tail = w.file.split("{slug}")
            if re.fullmatch(re.escape(head) + _SLUG + re.escape(tail), name):
                return True
        elif name == w.file:
            return True
    return False


def _warm_pdf(theme: Any, language: str) -> None:
    from .pdf import warm_up

    warm_up(theme, language)


def _warm_docx(theme: Any, language: str) -> None:
    from . import docx  # noqa: F401  (python-docx and lxml imports)


def _brochure(content: Content, settings: Settings, screen: bool) -> tuple[bytes, int | None]:
    from .pdf import render_brochure

    data, pages = render_brochure(content, settings.theme, screen=screen, epoch=settings.epoch)
    if not screen:  # to its PDF standard, then preflight: a failure stops the build
        from .pdf.printfile import print_file

        data = print_file(data, settings.pdf_standard, settings.icc)
    return data, pages


@writer("print", "pdf", "brochure.pdf", _warm_pdf)
def print_brochure(
    content: Content, settings: Settings, slug: str | None, cache: dict[str, Any]
) -> tuple[bytes, int | None]:
    """The print brochure: bleed, crop marks, CMYK (PDF/A-2b on request)."""
    return _brochure(content, settings, screen=False)


@writer("screen", "pdf", "brochure-screen.pdf", _warm_pdf)
def screen_brochure(
    content: Content, settings: Settings, slug: str | None, cache: dict[str, Any]
) -> tuple[bytes, int | None]:
    """The screen brochure: trimmed pages, RGB."""
    return _brochure(content, settings, screen=True)


@writer("sheet", "docx", "fact-sheets/{slug}.docx", _warm_docx)
def fact_sheet(
    content: Content, settings: Settings, slug: str | None, cache: dict[str, Any]
) -> tuple[bytes, int | None]:
    """One action's Word fact sheet."""
    from .docx import FactSheetRenderer

    assert slug is not None
    sheets = cache.get("sheets")
    if sheets is None:  # the template is prepared once per process and content
        sheets = cache["sheets"] = FactSheetRenderer(
            content, settings.theme, template=settings.docx_template, epoch=settings.epoch
        )
    return sheets.render(content.action(slug)), None
