"""Content flowables of the brochure: paragraphs, list items, contents entries.

They are made through `factory.Factory`, which gives each its structure role. Page
furniture (bands, running heads, folios, marks) is never a flowable: the page
templates draw it (see furniture.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import DocIf, Flowable, Paragraph

from ..content.richtext import Span
from . import tagging

NNBSP = "\u202f"
NBSP = "\u00a0"


def pdf_text(text: str) -> str:
    """Return text as the PDF must draw it: the one place U+202F becomes U+00A0.

    ReportLab treats U+202F as a breakable space; U+00A0 holds, so an amount or a
    « quotation » never breaks across lines. A hyphen followed by a space (`- notamment`,
    `auto- et`) keeps to the next word: at the end of a line, text extraction would take
    it for a hyphenation and drop it.
    """
    return text.replace(NNBSP, NBSP).replace("- ", "-" + NBSP)


def markup(text: str) -> str:
    """Return plain text as Paragraph markup: `a < b & c` prints exactly."""
    text = pdf_text(text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def spans_markup(spans: Sequence[Span]) -> str:
    """Return rich-text spans as Paragraph markup with <b> and <i>."""
    out = []
    for span in spans:
        text = markup(span.text)
        if span.italic:
            text = f"<i>{text}</i>"
        if span.bold:
            text = f"<b>{text}</b>"
        out.append(text)
    return "".join(out)


def fill(pattern: str, **parts: str) -> str:
    """Fill a locale pattern with markup parts, escaping the pattern's own text."""
    keys = list(parts)
    text = pattern.format(**{k: f"\x00{i}\x00" for i, k in enumerate(keys)})
    text = markup(text)
    for i, k in enumerate(keys):
        text = text.replace(f"\x00{i}\x00", parts[k])
    return text


def may_split(flowable: Flowable) -> bool:
    """Return True unless a frame asks to split, below other content, what fits a page."""
    frame = getattr(flowable, "_frame", None)
    if frame is None or frame._atTop:
        return True
    return getattr(flowable, "height", 0) > frame._aH  # it will be cut anyway: cut it here


class PageIf(DocIf):
    """Flowables added to the story when a test of the page number, at that point, holds.

    ReportLab's DocIf takes an expression in a string, which its safe evaluator runs;
    that evaluator's first use walks every module loaded (70 ms a process). A Python
    test needs none of it.
    """

    def __init__(self, test: Callable[[int], bool], flowables: list[Flowable]) -> None:
        super().__init__("", flowables)
        self.test = test

    def funcWrap(self, aW: float, aH: float) -> bool:
        return self.test(self._doctemplateAttr("page"))


@dataclass(frozen=True)
class OutlineEntry:
    """A bookmark to set where a flowable is drawn, and its outline entry."""

    key: str
    title: str
    level: int


class Para(tagging.SoftHyphens, Paragraph):
    """A paragraph with a structure role; split parts keep it, the outline stays on the first.

    The hyphens the layout adds are drawn as soft hyphens (tagging.SoftHyphens).
    """

    role = "P"
    section: str | None = None
    outline: tuple[OutlineEntry, ...] = ()

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        # Layout asks the same question many times (fit, split, keep-with-next): the
        # lines depend on the width alone, so the last answer stands while it holds.
        last = self.__dict__.get("_wrapped")
        if last and last[:3] == (availWidth, self.style, self.__dict__.get("blPara")):
            self.width, self.height = availWidth, last[3]
            return availWidth, last[3]
        size = self._wrap(availWidth, availHeight)
        self._wrapped = (availWidth, self.style, self.blPara, self.height)
        return size

    def _wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        size = super().wrap(availWidth, availHeight)
        style = self.style
        if self._overflows() and (
            style.hyphenationLang or style.uriWasteReduce or style.embeddedHyphenation
        ):
            # ReportLab 5.1 leaves the rest of a long URL unsplit once it has hyphenated it
            # or cut it at a slash or a hyphen, and the line runs out of the column: break
            # such a paragraph without them, where splitLongWords always fits the column.
            self.style = ParagraphStyle(
                f"{style.name}-unhyphenated",
                parent=style,
                hyphenationLang="",
                uriWasteReduce=0,
                embeddedHyphenation=0,
            )
            size = super().wrap(availWidth, availHeight)
        size = self._no_hyphen_at_line_end(size)
        return self._whole_last_line(size, availWidth, availHeight)

    def _whole_last_line(
        self, size: tuple[float, float], availWidth: float, availHeight: float
    ) -> tuple[float, float]:
        """Never leave a piece of a hyphenated word alone on a paragraph's last line.

        The word broken across the last two lines is then not hyphenated: the line
        breaking is done again with it refused, up to a few times.
        """
        hyphenate = self.style.hyphenationLang
        if not callable(hyphenate):
            return size
        refused: list[str] = []
        for _ in range(4):
            stem = self._hyphenated_before_last()
            if stem is None:
                break
            refused.append(stem)

            def careful(
                word: str, stems: tuple[str, ...] = tuple(refused), base: Any = hyphenate
            ) -> Any:
                if any(stem in word for stem in stems):
                    return iter(())
                return base(word)

            self.style = ParagraphStyle(
                f"{self.style.name}-whole-last-line", parent=self.style, hyphenationLang=careful
            )
            size = Paragraph.wrap(self, availWidth, availHeight)
        return size

    def _hyphenated_before_last(self) -> str | None:
        """Return the head of the word hyphenated at the end of the next-to-last line."""
        lines = getattr(self.blPara, "lines", ())
        if len(lines) < 2:
            return None
        line = lines[-2]
        words = line[1] if isinstance(line, tuple) else getattr(line, "words", ())
        if not words:
            return None
        last = words[-1]
        if not type(last).__name__.endswith("HY"):  # ReportLab's added hyphen
            return None
        text = str(last if isinstance(last, str) else getattr(last, "text", ""))
        stem = text.rstrip("-").split()[-1] if text.strip("- ") else ""
        return stem.lstrip("«\u00a0\"'(") or None

    def _no_hyphen_at_line_end(self, size: tuple[float, float]) -> tuple[float, float]:
        """Break a word longer than the line elsewhere than just after one of its hyphens.

        splitLongWords cuts at any character; a line ending with a hyphen of the text
        reads back without it (extraction takes it for a hyphenation). Narrowing that
        one line by an em moves the cut; such a line holds a piece of a long word and is
        not justified, so nothing shows.
        """
        first, later = self._wrapWidths
        narrower: dict[int, float] = {}
        for _ in range(min(2 * len(self.blPara.lines), 60)):
            bad = self._hyphen_end()
            if bad is None:
                break
            narrower[bad] = narrower.get(bad, 0.0) + self.style.fontSize / 2
            per_line = [first] + [later] * (max(narrower) + 1)
            for line, less in narrower.items():
                per_line[line] -= less
            self.blPara = self.breakLines(per_line)
            self.height = len(self.blPara.lines) * self.style.leading
            size = (size[0], self.height)
        return size

    def _hyphen_end(self) -> int | None:
        """Return the first line (not the last) that ends with a hyphen of the text."""
        lines = getattr(self.blPara, "lines", ())
        for i, line in enumerate(lines[:-1]):
            words = line[1] if isinstance(line, tuple) else getattr(line, "words", ())
            if not words:
                continue
            last = words[-1]
            text = last if isinstance(last, str) else getattr(last, "text", "")
            if str(text).endswith("-") and not tagging.hyphen_added(last):
                return i
        return None

    def _overflows(self) -> bool:
        """Return True if a line is wider than the width it was broken for."""
        for line in getattr(self.blPara, "lines", ()):
            extra = line[0] if isinstance(line, tuple) else getattr(line, "extraSpace", 0)
            if extra < -0.5:
                return True
        return False

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        if not may_split(self):
            return []  # page breaks fall between paragraphs (see columns.py)
        parts = super().split(availWidth, availHeight)
        for i, part in enumerate(parts):
            if part is not self:
                part.role, part.section = self.role, self.section
                part.outline = self.outline if i == 0 else ()
                part.tracking = getattr(self, "tracking", 0.0)
        return parts


class BalancedPara(Para):
    """A title whose lines are evened out, so no word stands alone on its last line."""

    _measure: tuple[float, float] | None = None  # (available width, width used)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if self._measure is not None and self._measure[0] == availWidth:
            return availWidth, super().wrap(self._measure[1], availHeight)[1]
        h = super().wrap(availWidth, availHeight)[1]
        lines = len(self.blPara.lines)
        self._measure = (availWidth, availWidth)
        if lines < 2:
            return availWidth, h
        # The narrowest measure that keeps the same number of lines.
        low, high = availWidth / 2, availWidth
        for _ in range(10):
            mid = (low + high) / 2
            super().wrap(mid, availHeight)
            if len(self.blPara.lines) == lines and not self._overflows():
                high = mid
            else:
                low = mid
        h = super().wrap(high, availHeight)[1]
        self._measure = (availWidth, high)
        return availWidth, h


class TrackedPara(Para):
    """A paragraph drawn with letter spacing, wrapped so the spacing never overflows."""

    tracking = 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        width = availWidth
        for _ in range(6):
            h = super().wrap(width, availHeight)[1]
            excess = self._widest(width) - availWidth
            if excess <= 0.01 or not self.tracking:
                break
            width -= excess + 0.5
        return availWidth, h

    def _widest(self, width: float) -> float:
        lines = getattr(self.blPara, "lines", [])
        widest = 0.0
        for line in lines:
            if isinstance(line, tuple):  # simple lines: (extra space, words)
                extra, words = line
                chars = len(" ".join(words))
            else:
                extra = line.extraSpace
                chars = sum(len(getattr(w, "text", "")) for w in line.words)
            widest = max(widest, width - extra + self.tracking * max(chars - 1, 0))
        return widest

    def beginText(self, x: float, y: float) -> Any:
        text = super().beginText(x, y)
        text.setCharSpace(self.tracking)
        return text

    def draw(self) -> None:
        self.canv.saveState()  # Tc belongs to the graphics state: keep it to this paragraph
        try:
            super().draw()
        finally:
            self.canv.restoreState()


class ListItem(tagging.ListItem):
    """A list item of the brochure: role LI in its section; page breaks between paragraphs."""

    role = "LI"
    section: str | None = None

    def __init__(self, label: Para | None, body: Para, indent: float, gap: float) -> None:
        super().__init__(label, body, indent, gap)
        self.section = body.section

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        if not may_split(self):
            return []
        return super().split(availWidth, availHeight)


class DeferredPara(Para):
    """A one-line paragraph whose text is known only once the layout is done (a page number).

    It takes the room of its placeholder and draws a form XObject, which the document
    fills in at the end (BrochureDoc.render): the brochure is laid out in a single pass
    instead of twice for the contents page.
    """

    key: str = ""
    form: str = ""

    def draw(self) -> None:
        self.canv.doForm(self.form)

    def fill(self, canv: Any, text: str) -> None:
        """Define the form with the final text, laid out like the placeholder."""
        canv.beginForm(self.form, 0, 0, self.width, self.height)
        final = Paragraph(markup(text), self.style)
        final.wrap(self.width, self.height)
        final.drawOn(canv, 0, self.height - final.height)
        canv.endForm()


class TocEntry(Flowable):
    """A table-of-contents entry (TOCI): number, title and page, the whole row a link."""

    role = "TOCI"
    section: str | None = None

    def __init__(
        self,
        number: Para | None,
        title: Para,
        page: Para,
        key: str,
        *,
        label: str,
        number_width: float,
        page_width: float,
        rule: tuple[Any, float] | None = None,
    ) -> None:
        super().__init__()
        self.rule = rule  # colour and width of the line under the entry
        self.number, self.title, self.page, self.key = number, title, page, key
        self.label = label  # what the link says (/Contents), for screen readers
        self.number_width, self.page_width = number_width, page_width

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        title_w = availWidth - self.number_width - self.page_width
        self._h = [
            self.number.wrap(self.number_width, availHeight)[1] if self.number else 0.0,
            self.title.wrap(title_w, availHeight)[1],
            self.page.wrap(self.page_width, availHeight)[1],
        ]
        self.width, self.height = availWidth, max(self._h)
        return self.width, self.height

    def getSpaceBefore(self) -> float:
        return self.title.getSpaceBefore()

    extra = 0.0  # added to the space after, to share out a page's free height

    def getSpaceAfter(self) -> float:
        return self.title.getSpaceAfter() + self.extra

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        top = y + self.height
        if self.number is not None:
            self.number.drawOn(canvas, x, top - self._h[0])
        self.title.drawOn(canvas, x + self.number_width, top - self._h[1])
        self.page.drawOn(canvas, x + self.width - self.page_width, top - self._h[2])
        rect = (x, y, x + self.width, top)
        # The annotation belongs to the title's Link element (see Factory.toc_entry).
        link = getattr(self.title, "struct", None)
        owner = canvas.tagged(link) if link is not None and hasattr(canvas, "tagged") else None
        with owner or nullcontext():
            canvas.linkRect(self.label, self.key, rect, relative=1, thickness=0)
        if self.rule is not None:
            # A hairline halfway down the space after the entry; decoration, not content.
            colour, width = self.rule
            mark = canvas.artifact("Layout") if hasattr(canvas, "artifact") else nullcontext()
            with mark:
                canvas.saveState()
                canvas.setStrokeColor(colour)
                canvas.setLineWidth(width)
                rule_y = y - self.getSpaceAfter() / 2
                canvas.line(x, rule_y, x + self.width, rule_y)
                canvas.restoreState()
