"""Draw the hyphens ReportLab adds at line ends as U+00AD, so extracted text is unhyphenated.

ISO 32000-1, 14.8.2.2.3: a hyphen inserted by the layout process should be the soft
hyphen U+00AD. ReportLab appends a hard '-' to the head of a word it hyphenates; drawing
that character as U+00AD instead gives the same glyph and advance in fonts whose U+00AD
glyph is the hyphen (checked by width; Source Sans Pro qualifies), while the ToUnicode map
now says U+00AD, which text extraction and screen readers drop.

Only drawing changes: the line breaking, the widths and the split/rejoin logic of
ReportLab keep the '-' they rely on.
"""

from __future__ import annotations

import copy
from collections import deque
from typing import Any

import reportlab.platypus.paragraph as _rlpara
from reportlab.pdfbase.pdfmetrics import stringWidth

SHY = "\u00ad"

# Private ReportLab 5.1 classes marking a word head that ends with a hyphen ReportLab added,
# found in Paragraph.blPara lines (kind 0) or in Paragraph.frags after wrap (kind 1)
# (covered by tests/test_tagging.py::test_soft_hyphens_in_extracted_text).
_WORD_HEADS = tuple(
    c for c in (getattr(_rlpara, n, None) for n in ("_SplitWordHY", "_SplitWordLL")) if c
)
_SHY_WORD = getattr(_rlpara, "_SHYStr", None)
_FRAG_HEADS = tuple(
    c
    for c in (getattr(_rlpara, n, None) for n in ("_SplitFragHY", "_SplitFragLL", "_SHYWordHS"))
    if c
)


# Every class ReportLab 5.1 marks a word head with when it added the hyphen that ends it.
_ADDED = tuple(
    c
    for c in (getattr(_rlpara, n) for n in dir(_rlpara) if n.endswith(("HY", "LL")))
    if isinstance(c, type)
)


def hyphen_added(word: Any) -> bool:
    """Return True if `word` (a word or frag ending a line) ends with a hyphen ReportLab added."""
    return isinstance(word, _ADDED)


def _same_width(font_name: str, font_size: float) -> bool:
    """Return True if U+00AD is drawn exactly as wide as '-' in this font."""
    try:
        hyphen = stringWidth("-", font_name, font_size)
        return hyphen > 0 and stringWidth(SHY, font_name, font_size) == hyphen
    except Exception:  # an unknown font: leave the hyphen alone
        return False


def _soften_simple(bl: Any) -> Any:
    """Return a copy of a kind-0 ParaLines with added hyphens replaced, or `bl` itself."""
    if not _same_width(bl.fontName, bl.fontSize):
        return bl
    lines = list(bl.lines)
    changed = False
    for i, line in enumerate(lines):
        if not isinstance(line, tuple) or len(line) < 2 or not line[1]:
            continue
        words = line[1]
        last = words[-1]
        added = isinstance(last, _WORD_HEADS) or (
            _SHY_WORD is not None and isinstance(last, _SHY_WORD) and i < len(lines) - 1
        )
        if added and isinstance(last, str) and last.endswith("-"):
            lines[i] = (line[0], [*words[:-1], last[:-1] + SHY], *line[2:])
            changed = True
    if not changed:
        return bl
    soft = copy.copy(bl)
    soft.lines = lines
    return soft


def _frag_heads(frags: Any) -> deque[str]:
    """Return the texts, in order, of the frag words whose last part got an added hyphen."""
    heads: deque[str] = deque()
    for word in frags or ():
        if isinstance(word, _FRAG_HEADS) and len(word) > 1:
            text = word[-1][1]
            if isinstance(text, str) and text.endswith("-"):
                heads.append(text)
    return heads


def _soften_frags(bl: Any, frags: Any) -> Any:
    """Return a copy of a kind-1 ParaLines with added hyphens replaced, or `bl` itself."""
    heads = _frag_heads(frags)
    if not heads:
        return bl
    lines = list(bl.lines)
    changed = False
    for i, line in enumerate(lines):
        if not heads:
            break
        words = list(getattr(line, "words", ()) or ())
        j = len(words) - 1
        while j >= 0 and not getattr(words[j], "text", ""):
            j -= 1
        if j < 0:
            continue
        frag = words[j]
        if not frag.text.endswith(heads[0]):
            continue
        heads.popleft()
        if not _same_width(frag.fontName, frag.fontSize):
            continue
        soft = frag.clone()
        soft.text = frag.text[:-1] + SHY
        words[j] = soft
        lines[i] = line.clone(words=words)
        changed = True
    if not changed:
        return bl
    soft_bl = copy.copy(bl)
    soft_bl.lines = lines
    return soft_bl


def soften_line_end_hyphens(bl: Any, frags: Any) -> Any:
    """Return `bl` (a Paragraph's blPara) with layout-added hyphens drawn as U+00AD."""
    kind = getattr(bl, "kind", None)
    if kind == 0:
        return _soften_simple(bl)
    if kind == 1:
        return _soften_frags(bl, frags)
    return bl
