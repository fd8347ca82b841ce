"""Open a .docx as XML parts: the body, its styles by name, comments and the snapshot.

Read with zipfile and lxml rather than python-docx: python-docx shows neither inserted nor
deleted text of tracked changes, nor the text inside content controls, and the reader
needs both (and the raw XML to accept changes).
"""

from __future__ import annotations

import hashlib
import posixpath
import zipfile
from dataclasses import dataclass, field
from typing import Any

from docx.styles import BabelFish
from lxml import etree

from ..messages import _
from . import snapshot

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE_DOCUMENT = "/officeDocument"
_STYLES = "/styles"
_COMMENTS = "/comments"
_IMAGE = "/image"
MAX_PART_BYTES = 50_000_000  # a fact sheet's document.xml is tens of kilobytes
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def w(tag: str) -> str:
    """Return the Clark name of a `w:` element or attribute."""
    return f"{{{W}}}{tag}"


class SheetFileError(Exception):
    """The file is not a readable Word document, or not a fact sheet of the tool."""


@dataclass
class Styles:
    """Style ids of the document by their names, compared case-insensitively."""

    names: dict[str, str] = field(default_factory=dict)  # style id -> lowercased UI name
    default_paragraph: str = ""
    bold: set[str] = field(default_factory=set)  # character style ids that make text bold
    italic: set[str] = field(default_factory=set)

    def name(self, style_id: str | None) -> str:
        """Return the lowercased name of a paragraph style id (the default for none)."""
        if not style_id:
            return self.names.get(self.default_paragraph, "normal")
        return self.names.get(style_id, style_id.lower())


@dataclass
class SheetPackage:
    """The parts of a fact sheet the import reads."""

    body: etree._Element
    styles: Styles
    comments: dict[str, tuple[str, str]]  # comment id -> (author, text)
    snapshot: dict[str, Any] | None
    images: dict[str, str] = field(default_factory=dict)  # relationship id -> SHA-256 of it


def open_sheet(path: Any) -> SheetPackage:
    """Read a .docx; raise SheetFileError with a reason when it cannot be read."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())

            def read(name: str) -> bytes:
                info = archive.getinfo(name)
                if info.file_size > MAX_PART_BYTES:
                    raise SheetFileError(
                        _("{name} is too large ({size} bytes)").format(
                            name=name, size=info.file_size
                        )
                    )
                return archive.read(name)

            main = _target(read, names, "", _OFFICE_DOCUMENT) or "word/document.xml"
            if main not in names:
                raise SheetFileError(_("no document part (not a Word document)"))
            document = etree.fromstring(read(main), _PARSER)
            styles_name = _target(read, names, main, _STYLES)
            comments_name = _target(read, names, main, _COMMENTS)
            styles = (
                _styles(etree.fromstring(read(styles_name), _PARSER)) if styles_name else Styles()
            )
            comments = (
                _comments(etree.fromstring(read(comments_name), _PARSER)) if comments_name else {}
            )
            custom = {n: read(n) for n in names if n.lower().startswith("customxml/")}
            images = {
                rel_id: hashlib.sha256(read(name)).hexdigest()
                for rel_id, kind, name in _relationships(read, names, main)
                if kind.endswith(_IMAGE)
            }
    except zipfile.BadZipFile:
        raise SheetFileError(
            _("not a Word document (.docx): was it saved in another format, or cut short?")
        ) from None
    except (OSError, KeyError) as exc:
        raise SheetFileError(
            _("not a readable Word document ({error})").format(error=exc)
        ) from None
    except etree.XMLSyntaxError as exc:
        raise SheetFileError(
            _("a part of the document is not valid XML ({error})").format(error=exc)
        ) from None
    body = document.find(w("body"))
    if body is None:
        raise SheetFileError(_("the document has no body"))
    return SheetPackage(body, styles, comments, snapshot.find(custom), images)


def _target(read: Any, names: set[str], source: str, kind: str) -> str | None:
    """Return the part a relationship of `kind` leads to from `source` ('' is the package)."""
    for _id, rel_kind, name in _relationships(read, names, source):
        if rel_kind.endswith(kind):
            return name
    return None


def _relationships(read: Any, names: set[str], source: str) -> list[tuple[str, str, str]]:
    """Return (id, type, part) of each relationship from `source` to a part of the package."""
    folder, base = posixpath.split(source)
    rels = posixpath.join(folder, "_rels", f"{base}.rels")
    if rels not in names:
        return []
    out = []
    for rel in etree.fromstring(read(rels), _PARSER).iter(f"{{{_REL_NS}}}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        name = (
            target.lstrip("/")
            if target.startswith("/")
            else posixpath.normpath(posixpath.join(folder, target))
        )
        if name in names:
            out.append((rel.get("Id", ""), rel.get("Type", ""), name))
    return out


def _styles(root: etree._Element) -> Styles:
    styles = Styles()
    for style in root.iter(w("style")):
        style_id = style.get(w("styleId"), "")
        name = style.find(w("name"))
        raw = name.get(w("val"), style_id) if name is not None else style_id
        ui = BabelFish.internal2ui(raw).lower()
        styles.names[style_id] = ui
        kind = style.get(w("type"))
        if kind == "paragraph" and style.get(w("default")) in ("1", "true", "on"):
            styles.default_paragraph = style_id
        if kind == "character":
            rpr = style.find(w("rPr"))
            if ui in ("strong", "strong italic") or on(rpr, "b"):
                styles.bold.add(style_id)
            if ui in ("emphasis", "strong italic") or on(rpr, "i"):
                styles.italic.add(style_id)
    return styles


def on(rpr: etree._Element | None, tag: str) -> bool:
    """Tell whether a toggle property (`w:b`, `w:i`) is set in run properties."""
    if rpr is None:
        return False
    elm = rpr.find(w(tag))
    return elm is not None and elm.get(w("val"), "true").lower() not in ("0", "false", "off")


def _comments(root: etree._Element) -> dict[str, tuple[str, str]]:
    out = {}
    for comment in root.iter(w("comment")):
        paras = ["".join(t.text or "" for t in p.iter(w("t"))) for p in comment.iter(w("p"))]
        out[comment.get(w("id"), "")] = (
            comment.get(w("author"), ""),
            "\n".join(p for p in paras if p.strip()),
        )
    return out
