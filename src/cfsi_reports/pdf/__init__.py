"""The PDF brochure: the whole programme laid out by ReportLab, for print or for screen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import __version__
from ..content.model import Content
from ..errors import RenderError
from ..present import Presenter
from ..theme import Theme


def warm_up(theme: Theme, language: str) -> None:
    """Do once per process what every render needs: modules, fonts, hyphenation patterns."""
    from . import document, pages, tagging  # noqa: F401  (imported for their cost)
    from .styles import Styles, patterns

    tag = theme.locale(language).tag  # what a render asks for: fr-FR, not fr
    Styles(theme, screen=False, language=tag)
    patterns(tag.replace("-", "_"))


def render_brochure(
    content: Content,
    theme: Theme,
    *,
    screen: bool = False,
    epoch: int = 0,
    tagged: bool = True,
    canvasmaker: Callable[..., Any] | None = None,
) -> tuple[bytes, int]:
    """Return the brochure PDF bytes and its page count.

    screen=False: print file (A4 trim, 3 mm bleed, crop marks, CMYK only, enforced);
    screen=True: trimmed A4 pages, RGB colours, no marks. `epoch` (seconds since 1970)
    dates the document; the same inputs give the same bytes. `tagged` writes the
    structure tree (PDF/UA-1, see tagging.py); `canvasmaker` replaces the canvas of an
    untagged build.
    """
    from reportlab.platypus.doctemplate import LayoutError

    from .document import BrochureDoc, Meta
    from .flowables import pdf_text
    from .pages import Brochure
    from .tagging import StructTree, finish
    from .tagging import canvasmaker as tagging_canvas

    locale = theme.locale(content.programme.language)
    view = Presenter(locale).programme(content)
    meta = Meta(
        title=pdf_text(view.title),
        author=pdf_text(view.publisher or ""),
        subject=pdf_text(view.subtitle or view.title),
        keywords=pdf_text(", ".join(view.identity.keywords) if view.identity else ""),
        creator=f"cfsi-reports {__version__}",
        language=locale.tag,
    )
    # One pass: the contents page's numbers are filled in at the end (DeferredPara) and
    # the blank page before the back cover is decided during the layout (Brochure.back).
    kind = "screen" if screen else "print"
    tree = StructTree(lang=locale.tag) if tagged else None
    brochure = Brochure(view, theme, locale, screen=screen, tree=tree)
    templates, story = brochure.build()
    doc = BrochureDoc(
        brochure.g, meta, screen=screen, epoch=epoch, initial_font=brochure.styles.font()
    )
    doc.addPageTemplates(templates)
    try:
        data = doc.render(
            story,
            tagging_canvas(tree) if tree is not None else canvasmaker,
            brochure.make.deferred,
        )
    except (LayoutError, ValueError) as exc:
        raise RenderError(f"brochure ({kind})", str(exc)) from exc
    pages = doc.page
    # The flowables, templates and canvas are done with: free them before pikepdf reads
    # the whole file back, which keeps the peak memory of a long brochure down.
    del brochure, templates, story, doc
    if tree is not None:
        data = finish(
            data,
            tree,
            title=meta.title,
            lang=meta.language,
            epoch=epoch,
            author=meta.author or None,
            subject=meta.subject,
            keywords=meta.keywords,
            creator=meta.creator,
        )
    return data, pages
