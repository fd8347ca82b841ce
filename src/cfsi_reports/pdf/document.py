"""The document template: page boxes, colour enforcement, metadata, outline, dates."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from reportlab import rl_config
from reportlab.lib.utils import TimeStamp
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from .columns import KeepHeading
from .furniture import PageCallback
from .geometry import Geometry


@dataclass(frozen=True)
class Meta:
    """Document information: what the viewer shows and search engines read."""

    title: str
    author: str
    subject: str
    keywords: str
    creator: str
    language: str


def timestamp(epoch: int) -> TimeStamp:
    """Return a ReportLab time stamp for `epoch` seconds (UTC), as invariant mode expects."""
    stamp = TimeStamp(invariant=1)
    stamp.t = epoch
    stamp.lt = time.gmtime(epoch)
    stamp.YMDhms = tuple(stamp.lt)[:6]
    stamp.dhh = stamp.dmm = 0
    return stamp


class MirroredTemplate(PageTemplate):
    """A page template whose frames move with the binding: recto and verso margins differ."""

    def __init__(
        self, id: str, frames: Sequence[Frame], on_page: PageCallback, geometry: Geometry, **kw: Any
    ) -> None:
        super().__init__(id=id, frames=list(frames), onPage=on_page, **kw)
        self.geometry = geometry
        self._x1 = [f._x1 for f in self.frames]  # laid out for a recto (odd page)

    def beforeDrawPage(self, canv: Any, doc: Any) -> None:
        shift = self.geometry.left(doc.page) - self.geometry.inside
        for frame, x1 in zip(self.frames, self._x1, strict=True):
            frame.x1 = x1 + shift


class BrochureDoc(BaseDocTemplate):
    """Platypus document of the brochure; records where each anchored flowable lands."""

    def __init__(
        self, geometry: Geometry, meta: Meta, *, screen: bool, epoch: int, initial_font: str
    ) -> None:
        self.buffer = BytesIO()
        boxes: dict[str, Any] = {}
        if not screen:
            boxes = {
                "trimBox": geometry.trim_box,
                "bleedBox": geometry.bleed_box,
                "enforceColorSpace": "cmyk",
            }
        super().__init__(
            self.buffer,
            pagesize=geometry.media,
            leftMargin=0,
            rightMargin=0,
            topMargin=0,
            bottomMargin=0,
            title=meta.title,
            author=meta.author,
            subject=meta.subject,
            keywords=meta.keywords,
            creator=meta.creator,
            lang=meta.language,
            displayDocTitle=1,
            invariant=1,
            # Without it every page would name ReportLab's default font, which is never embedded.
            initialFontName=initial_font,
            **boxes,
        )
        self.epoch = epoch
        self.keepTogetherClass = KeepHeading
        # Streams in plain Flate, without ReportLab's ASCII85 layer: smaller, faster, and
        # finish() controls their last byte (qpdf drops the layer and would expose it).
        rl_config.useA85 = 0
        self.pages_of: dict[str, int] = {}

    def beforeDocument(self) -> None:
        self.canv.showOutline()

    def afterFlowable(self, flowable: Any) -> None:
        for entry in getattr(flowable, "outline", ()):
            self.canv.bookmarkPage(entry.key)
            self.canv.addOutlineEntry(entry.title, entry.key, entry.level, closed=False)
            self.pages_of[entry.key] = self.page
        key = getattr(flowable, "page_key", None)
        if key:
            self.pages_of.setdefault(key, self.page)

    def render(
        self,
        story: list[Any],
        canvasmaker: Callable[..., Canvas] | None,
        deferred: Sequence[Any] = (),
    ) -> bytes:
        """Lay out the story in one pass, fill in the deferred page numbers, return the PDF."""
        maker = canvasmaker or Canvas
        stamp = timestamp(self.epoch)

        def make(*args: Any, **kw: Any) -> Canvas:
            canv = maker(*args, **kw)
            canv._doc._timeStamp = stamp  # dates from SOURCE_DATE_EPOCH, not 2000-01-01
            return canv

        self._doSave = 0  # keep the canvas open to define the deferred forms (ReportLab 5.1)
        self.build(story, canvasmaker=make)
        for para in deferred:
            page = self.pages_of.get(para.key)
            para.fill(self.canv, str(page) if page else "")
        self.canv.save()
        return self.buffer.getvalue()
