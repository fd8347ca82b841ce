"""The action spread: a sidebar and a main column that each continue on their own.

Platypus fills the frames of a page in order, so a sidebar frame that overflows
would spill into the main column. `Spread` is one flowable as wide as the body
frame that lays out two independent columns; when either does not fit, it splits
into the part for this page and a `Spread` of what is left of each column, which
the next page (same template, same design) receives.

Page breaks fall between paragraphs: a paragraph that does not fit moves whole to
the next page, and is cut only when it is taller than a whole column. So every
paragraph, list item and key fact reads in one piece in extracted text (a page
break would put the running head and folio in the middle of it), no line is left
alone at the foot or head of a page, and a heading always has its text under it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from reportlab.platypus import Flowable, KeepTogether, PageBreak
from reportlab.platypus.doctemplate import ActionFlowable

_FUZZ = 1e-6
# Children are measured with wrapOn/splitOn and no canvas, as platypus packers do:
# wrappers such as TaggedFigure expect a `canv` attribute while they wrap.


def _breaks(f: Flowable) -> bool:
    return isinstance(f, (ActionFlowable, PageBreak))


def room_for_run(
    run: Sequence[Flowable], nxt: Flowable | None, width: float, avail: float, full: float
) -> bool:
    """Return True if `run` (headings) and what follows fit in `avail`.

    What follows must fit whole, unless it is taller than a `full` column: then its
    first lines suffice, since it will be cut anyway.
    """
    y = prev_after = 0.0
    for i, f in enumerate(run):
        gap = 0.0 if i == 0 else max(f.getSpaceBefore() - prev_after, 0.0)
        h = f.wrapOn(None, width, max(avail - y - gap, 0.0))[1]
        y += gap + h
        if y > avail + _FUZZ:
            return False
        prev_after = f.getSpaceAfter()
        y += prev_after
    if nxt is None:
        return True
    rest = avail - y - max(nxt.getSpaceBefore() - prev_after, 0.0)
    if rest <= 0:
        return False
    h = nxt.wrapOn(None, width, rest)[1]
    if h <= rest + _FUZZ:
        return True
    if h <= full:
        return False
    parts = nxt.splitOn(None, width, rest)
    return bool(parts) and parts[0].wrapOn(None, width, rest)[1] <= rest + _FUZZ


@dataclass
class Column:
    """What one column places on this page, and what is left for the next."""

    placed: list[tuple[Flowable, float, float]]  # flowable, top offset, height
    rest: list[Flowable]
    height: float


def fill(items: Sequence[Flowable], width: float, height: float, force: bool) -> Column:
    """Place items from the top of a column of `height` until one does not fit.

    An item is split only at the top of a column or when it is taller than one. With
    `force` (the column is a fresh page), that item is placed even when it cannot be
    split, so layout always progresses and no text is dropped.
    """
    queue = list(items)
    placed: list[tuple[Flowable, float, float]] = []
    y = prev_after = 0.0
    while queue:
        f = queue[0]
        if _breaks(f):
            queue.pop(0)
            if placed:
                break
            continue
        gap = max(f.getSpaceBefore() - prev_after, 0.0) if placed else 0.0
        avail = height - y - gap
        if placed and f.getKeepWithNext():
            n = 1
            while n < len(queue) and queue[n].getKeepWithNext() and not _breaks(queue[n]):
                n += 1
            nxt = queue[n] if n < len(queue) and not _breaks(queue[n]) else None
            if not room_for_run(queue[:n], nxt, width, avail, height):
                break  # the heading goes to the next page with its text
        if avail > 0:
            h = f.wrapOn(None, width, avail)[1]
            if h <= avail + _FUZZ:
                placed.append((f, y + gap, h))
                prev_after = f.getSpaceAfter()
                y += gap + h + prev_after
                queue.pop(0)
                continue
            parts = f.splitOn(None, width, avail) if not placed or h > height else []
            if parts and parts[0] is not f:
                head = parts[0]
                hh = head.wrapOn(None, width, avail)[1]
                if hh <= avail + _FUZZ:
                    placed.append((head, y + gap, hh))
                    y += gap + hh
                    queue[0:1] = parts[1:]
                    break
        if not placed and force:
            h = f.wrapOn(None, width, height)[1]
            placed.append((f, 0.0, h))  # taller than a page and unsplittable: never dropped
            y = h
            queue.pop(0)
        break
    used = max((top + h for _, top, h in placed), default=0.0)
    return Column(placed, queue, used)


class Spread(Flowable):
    """A sidebar and a main column side by side, each flowing onto the next page alone."""

    def __init__(
        self,
        side: Sequence[Flowable],
        main: Sequence[Flowable],
        *,
        side_width: float,
        gap: float,
        padding: float,
        inset: float,
        tint: Any = None,
    ) -> None:
        super().__init__()
        self.side, self.main = list(side), list(main)
        self.side_width, self.gap, self.padding, self.inset = side_width, gap, padding, inset
        self.tint = tint  # the sidebar's panel colour, drawn as deep as what it holds
        self._plan: tuple[Column, Column] | None = None
        self._fixed = False  # a part made by split(): laid out for exactly one page

    def _tail(self, side: list[Flowable], main: list[Flowable]) -> Spread:
        return Spread(
            side,
            main,
            side_width=self.side_width,
            gap=self.gap,
            padding=self.padding,
            inset=self.inset,
            tint=self.tint,
        )

    def _layout(self, aW: float, aH: float, force: bool) -> tuple[Column, Column]:
        side_w = self.side_width - 2 * self.padding
        main_w = aW - self.side_width - self.gap
        side_h, main_h = aH - self.inset - self.padding, aH - self.inset
        side = fill(self.side, side_w, side_h, force)
        main = fill(self.main, main_w, main_h, force)
        if side.rest and not main.rest:  # only the sidebar would go on to a page of its own
            fitted = self._fit_side(side, (side_w, side_h), (main_w, main_h), force)
            if fitted is not None:
                return fitted
            side = fill(self.side, side_w, side_h, force)  # the map measured as it was again
        return side, main

    def _fit_side(
        self,
        side: Column,
        side_box: tuple[float, float],
        main_box: tuple[float, float],
        force: bool,
    ) -> tuple[Column, Column] | None:
        """Fit the sidebar to this page by its map: smaller (`shrink`, down to its least
        height), else moved under the main column's text when that has the room."""
        found = next(
            (f for f, _, _ in side.placed if callable(getattr(_inner(f), "shrink", None))), None
        )
        if found is None:
            return None
        figure = _inner(found)
        whole = fill(self.side, side_box[0], 1e9, False).height
        if figure.shrink(whole - side_box[1]):
            fitted = fill(self.side, *side_box, force)
            if not fitted.rest:
                return fitted, fill(self.main, *main_box, force)
            figure.shrink(None)  # the gaps between the lines moved: it still does not fit
        rest = [f for f in self.side if f is not found]
        before, figure.spaceBefore = getattr(figure, "spaceBefore", 0), self.gap  # the gutter
        side, main = fill(rest, *side_box, force), fill([*self.main, found], *main_box, force)
        if side.rest or main.rest:
            figure.spaceBefore = before
            return None
        self.side, self.main = rest, [*self.main, found]
        return side, main

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if self._fixed:
            return self.width, self.height
        side, main = self._layout(availWidth, availHeight, force=False)
        self.width = availWidth
        if side.rest or main.rest:
            self._plan = None
            self.height = availHeight + 1  # does not fit: the frame will ask for a split
        else:
            self._plan = (side, main)
            self.height = self.inset + max(side.height + self.padding, main.height)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        frame = getattr(self, "_frame", None)
        force = bool(frame is not None and frame._atTop)
        side, main = self._layout(availWidth, availHeight, force)
        if not side.placed and not main.placed:
            return []
        head = self._tail([], [])
        head._plan, head._fixed = (side, main), True
        head.width, head.height = availWidth, availHeight
        parts: list[Any] = [head]
        if side.rest or main.rest:
            parts.append(self._tail(side.rest, main.rest))
        return parts

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        assert self._plan is not None, "Spread drawn before it was laid out"
        side, main = self._plan
        if self.tint is not None and side.placed:
            self._panel(canvas, x, y + self.height, self.inset + side.height + self.padding)
        top = y + self.height - self.inset
        for col, cx in ((side, x + self.padding), (main, x + self.side_width + self.gap)):
            for f, offset, h in col.placed:
                f.drawOn(canvas, cx, top - offset - h)

    def _panel(self, canvas: Any, x: float, top: float, depth: float) -> None:
        """Draw the sidebar's tinted panel from `top` down to `depth`: decoration only."""
        mark = canvas.artifact() if hasattr(canvas, "artifact") else nullcontext()
        with mark:
            canvas.saveState()
            canvas.setFillColor(self.tint)
            canvas.rect(x, top - depth, self.side_width, depth, stroke=0, fill=1)
            canvas.restoreState()

    @property
    def children(self) -> list[Flowable]:
        """Return the content in reading order: sidebar, then main column."""
        return [*self.side, *self.main]


def _inner(f: Flowable) -> Any:
    """Return what a figure wrapper (tagging's TaggedFigure) holds, or the flowable itself."""
    return getattr(f, "content", f)


class KeepHeading(KeepTogether):
    """Keep headings with what follows, as in a Spread column (see room_for_run)."""

    def split(self, aW: float, aH: float) -> list[Any]:
        content = list(self._content)
        frame = getattr(self, "_frame", None)
        full = frame._aH if frame is not None else aH
        if (frame is not None and frame._atTop) or room_for_run(
            content[:-1], content[-1], aW, aH, full
        ):
            return content
        return [self.FrameBreak(), *content]


class LazySpread(Spread):
    """A Spread whose columns are made when the layout first reaches it.

    Only the action being laid out holds its flowables, which keeps the memory of a
    brochure of hundreds of actions flat.
    """

    def __init__(
        self,
        make: Callable[[], tuple[Sequence[Flowable], Sequence[Flowable]]],
        **kw: Any,
    ) -> None:
        super().__init__([], [], **kw)
        self._make: Callable[[], tuple[Sequence[Flowable], Sequence[Flowable]]] | None = make

    def _layout(self, aW: float, aH: float, force: bool) -> tuple[Column, Column]:
        if self._make is not None:
            side, main = self._make()
            self.side, self.main, self._make = list(side), list(main), None
        return super()._layout(aW, aH, force)
