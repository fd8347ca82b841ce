"""The rich-text subset: paragraphs, bullet lists, *italic* and **bold**.

markdown-it-py (a CommonMark parser) does the parsing, restricted to the list
and emphasis rules: `&`, `<`, `>` and « » stay text, `#` never makes a
heading, and emphasis follows CommonMark's flanking rules, which a
hand-written regex gets wrong on text like `5 * 3 *` or `snake_case_name`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

_SPACES = re.compile(r"[ \t\r\n]+")
# Text without emphasis and with no list but simple bullet items is split here, as
# markdown-it would split it; markdown-it (about 40 ms to import) is loaded only for text
# that may need it (emphasis, numbered or nested lists, indented lines).
_INLINE = re.compile(r"[*_\r\x00\x0b\x0c]")
_MARKER = re.compile(r"^[ \t]*(?:[-+]|\d{1,9}[.)])(?:[ \t]|$)", re.M)
_ITEM = re.compile(r"- (\S.*)")  # a whole line: one bullet item, its text on that line


@dataclass(frozen=True)
class Span:
    """A run of text with one emphasis."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Para:
    """A paragraph: a sequence of spans."""

    spans: tuple[Span, ...]

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


@dataclass(frozen=True)
class ListBlock:
    """A bullet list (or numbered, when the source numbers it), one paragraph per item."""

    items: tuple[Para, ...]
    ordered: bool = False
    start: int = 1


Block = Para | ListBlock


@dataclass(frozen=True)
class RichText:
    """Source text and its parsed blocks."""

    source: str
    blocks: tuple[Block, ...]

    @property
    def plain(self) -> str:
        """Return the visible text, blocks separated by newlines."""
        lines: list[str] = []
        for block in self.blocks:
            if isinstance(block, Para):
                lines.append(block.text)
            else:
                lines.extend(item.text for item in block.items)
        return "\n".join(lines)

    @property
    def as_para(self) -> Para:
        """Return the whole text as one paragraph (for list items)."""
        spans: list[Span] = []
        for block in self.blocks:
            paras = [block] if isinstance(block, Para) else list(block.items)
            for para in paras:
                if spans:
                    spans.append(Span(" "))
                spans.extend(para.spans)
        return Para(_merge(spans))


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("zero").enable(["list", "emphasis"])


def _plain(source: str) -> RichText | None:
    """Parse text as markdown-it does when it has paragraphs and simple bullet items only.

    Paragraphs are separated by blank lines; a block whose every line is `- text` holds
    bullet items, and items separated by blank lines stay one list. Return None for anything
    else (emphasis, other list markers, indented lines under a list), and when a paragraph
    starts or ends with a character whose trimming depends on markdown-it's version
    (no-break and other Unicode spaces, U+0085, U+FEFF: none printable).
    """
    if _INLINE.search(source):
        return None
    listed = _MARKER.search(source) is not None
    if listed and re.search(r"^[ \t]", source, re.M):
        return None  # an indented line may belong to the item above it
    blocks: list[Block] = []
    items: list[Para] = []
    for chunk in re.split(r"\n(?:[ \t]*\n)+", source):
        lines = chunk.strip("\n").split("\n")
        matches = [_ITEM.fullmatch(line) for line in lines] if listed else []
        if matches and all(matches):
            for text in (m.group(1) for m in matches if m):
                para = _para(text)
                if para is None or _MARKER.match(text):
                    return None  # an item opening with a marker is a nested list
                items.append(para)
            continue
        if listed and _MARKER.search(chunk):
            return None  # items mixed with other lines
        text = _SPACES.sub(" ", chunk).strip(" ")
        if not text:
            continue
        para = _para(text)
        if para is None:
            return None
        if items:
            blocks.append(ListBlock(tuple(items)))
            items = []
        blocks.append(para)
    if items:
        blocks.append(ListBlock(tuple(items)))
    return RichText(source, tuple(blocks))


def _para(text: str) -> Para | None:
    text = _SPACES.sub(" ", text).strip(" ")
    if not (text[0].isprintable() and text[-1].isprintable()):
        return None
    return Para((Span(text),))


def parse(source: str) -> RichText:
    """Parse `source` into blocks; never drops text."""
    plain = _plain(source)
    return plain if plain is not None else _markdown(source)


def _markdown(source: str) -> RichText:
    """Parse `source` with markdown-it (the list and emphasis rules of CommonMark)."""
    tokens = _parser().parse(source)
    blocks: list[Block] = []
    lists: list[tuple[list[Para], bool, int]] = []
    for token in tokens:
        if token.type in ("bullet_list_open", "ordered_list_open"):
            start = int(token.attrs.get("start", 1)) if token.type == "ordered_list_open" else 1
            lists.append(([], token.type == "ordered_list_open", start))
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            items, ordered, start = lists.pop()
            if lists:  # a nested list joins its parent: the text stays, flattened
                lists[-1][0].extend(items)
            else:
                blocks.append(ListBlock(tuple(items), ordered, start))
        elif token.type == "inline":
            para = Para(_spans(token.children or []))
            if not para.spans:
                continue
            if lists:
                lists[-1][0].append(para)
            else:
                blocks.append(para)
    return RichText(source, tuple(blocks))


def _spans(children: list) -> tuple[Span, ...]:
    bold = italic = 0
    spans: list[Span] = []
    for child in children:
        kind = child.type
        if kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind in ("softbreak", "hardbreak"):
            spans.append(Span(" ", bold > 0, italic > 0))
        elif child.content:
            spans.append(Span(child.content, bold > 0, italic > 0))
    merged = _merge(spans)
    # Collapse the line breaks of the source into single spaces, as a reader expects.
    cleaned = [Span(_SPACES.sub(" ", s.text), s.bold, s.italic) for s in merged]
    if cleaned:
        cleaned[0] = Span(cleaned[0].text.lstrip(" "), cleaned[0].bold, cleaned[0].italic)
        cleaned[-1] = Span(cleaned[-1].text.rstrip(" "), cleaned[-1].bold, cleaned[-1].italic)
    return tuple(s for s in cleaned if s.text)


def _merge(spans: list[Span]) -> tuple[Span, ...]:
    out: list[Span] = []
    for span in spans:
        if out and (out[-1].bold, out[-1].italic) == (span.bold, span.italic):
            out[-1] = Span(out[-1].text + span.text, span.bold, span.italic)
        else:
            out.append(span)
    return tuple(out)
