"""Structure tree model for tagged PDF: elements, the tree, and what drawing recorded."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

# Standard structure types of ISO 32000-1, 14.8.4; anything else needs a RoleMap entry.
STANDARD_ROLES = frozenset(
    [
        "Document",
        "Part",
        "Art",
        "Sect",
        "Div",
        "BlockQuote",
        "Caption",
        "TOC",
        "TOCI",
        "Index",
        "NonStruct",
        "Private",
        "P",
        "H",
        "H1",
        "H2",
        "H3",
        "H4",
        "H5",
        "H6",
        "L",
        "LI",
        "Lbl",
        "LBody",
        "Table",
        "TR",
        "TH",
        "TD",
        "THead",
        "TBody",
        "TFoot",
        "Span",
        "Quote",
        "Note",
        "Reference",
        "BibEntry",
        "Code",
        "Link",
        "Annot",
        "Ruby",
        "RB",
        "RT",
        "RP",
        "Warichu",
        "WT",
        "WP",
        "Figure",
        "Formula",
        "Form",
    ]
)

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


class TaggingError(Exception):
    """Raised when the structure tree and the drawn content do not fit together."""


class StructElement:
    """One structure element (P, H1, Figure, Sect...) of the logical structure tree."""

    def __init__(
        self,
        role: str,
        parent: StructElement | None = None,
        *,
        alt: str | None = None,
        lang: str | None = None,
        title: str | None = None,
        actual_text: str | None = None,
        expansion: str | None = None,
        attributes: Mapping[str, Mapping[str, Any]] | None = None,
        keep_empty: bool = False,
        children: Iterable[StructElement] = (),
    ) -> None:
        if not _NAME.match(role):
            raise ValueError(f"structure role {role!r} is not a plain PDF name")
        self.role = role
        self.alt = alt
        self.lang = lang
        self.title = title
        self.actual_text = actual_text
        self.expansion = expansion
        # Attribute dictionaries by owner, e.g. {"Table": {"Scope": "Column"}}.
        self.attributes: dict[str, dict[str, Any]] = {
            owner: dict(values) for owner, values in (attributes or {}).items()
        }
        # Table cells stay in the tree even when empty, so rows keep their shape.
        self.keep_empty = keep_empty
        self.children: list[StructElement] = []
        self.parent: StructElement | None = None
        if parent is not None:
            parent.append(self)
        for child in children:
            self.append(child)

    def append(self, child: StructElement) -> StructElement:
        """Append `child` as the last child of this element and return it."""
        if child.parent is not None:
            if child.parent is self:
                return child
            raise TaggingError(f"{child!r} already has the parent {child.parent!r}")
        node: StructElement | None = self
        while node is not None:
            if node is child:
                raise TaggingError(f"appending {child!r} to {self!r} would make a cycle")
            node = node.parent
        child.parent = self
        self.children.append(child)
        return child

    def add(self, role: str, **kwargs: Any) -> StructElement:
        """Create a child element with `role` and return it."""
        return StructElement(role, self, **kwargs)

    def detach(self) -> StructElement:
        """Remove this element from its parent (to move it elsewhere) and return it."""
        if self.parent is not None:
            self.parent.children.remove(self)
            self.parent = None
        return self

    def clear(self) -> None:
        """Detach all children (a table of contents rebuilds its entries on each wrap)."""
        for child in self.children:
            child.parent = None
        self.children.clear()

    def iter(self) -> Iterator[StructElement]:
        """Yield this element and its descendants in reading (pre-)order."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def top(self) -> StructElement:
        """Return the root of the tree this element belongs to."""
        node = self
        while node.parent is not None:
            node = node.parent
        return node

    def __repr__(self) -> str:
        label = self.title or self.alt or ""
        return f"<StructElement {self.role}{' ' + label[:30] if label else ''}>"


@dataclass(frozen=True)
class AnnotMark:
    """An annotation drawn on a page, in the order of the page's /Annots array."""

    page: int
    index: int
    element: StructElement | None
    contents: str


@dataclass(frozen=True)
class BoxMark:
    """Where an element (a Figure) was painted: page index and box in default user space."""

    page: int
    box: tuple[float, float, float, float]


class StructTree:
    """The document's structure tree, plus what the last build's canvas recorded."""

    def __init__(self, *, lang: str | None = None, role_map: Mapping[str, str] | None = None):
        self.root = StructElement("Document", lang=lang)
        self.lang = lang
        self.role_map = dict(role_map or {})
        self._stack: list[StructElement] = [self.root]
        self.reset_marks()

    # -- building the tree in reading order -------------------------------------------------

    @property
    def current(self) -> StructElement:
        """Return the element new flowables are attached to by default."""
        return self._stack[-1]

    def push(self, element: StructElement) -> StructElement:
        """Make `element` the default parent until the matching pop()."""
        if element.parent is None and element is not self.root:
            self.current.append(element)
        self._stack.append(element)
        return element

    def pop(self) -> StructElement:
        """Restore the default parent that was current before the last push()."""
        if len(self._stack) == 1:
            raise TaggingError("pop() without push(): the Document root cannot be popped")
        return self._stack.pop()

    @contextmanager
    def group(self, role: str = "Sect", **kwargs: Any) -> Iterator[StructElement]:
        """Open a grouping element (Sect, Div, Part...) under the current one."""
        element = StructElement(role, self.current, **kwargs)
        self._stack.append(element)
        try:
            yield element
        finally:
            self.pop()

    def element(self, role: str, **kwargs: Any) -> StructElement:
        """Create an element under the current parent and return it."""
        return StructElement(role, self.current, **kwargs)

    # -- what a build's canvas records (see canvas.TaggedCanvas) ------------------------------

    def reset_marks(self) -> None:
        """Forget what a previous build drew (each multiBuild pass makes a new canvas)."""
        # Per finished page: the element of each MCID, MCIDs being list indexes.
        self.pages: list[list[StructElement]] = []
        self.annots: list[AnnotMark] = []
        self.boxes: dict[StructElement, BoxMark] = {}
