"""Theme to ReportLab: registered fonts, colours for print or screen, paragraph styles."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from reportlab.lib.colors import CMYKColor, Color, HexColor
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ..errors import ConfigError
from ..theme import MM, FontFamily, TextStyle, Theme

_ALIGN = {"left": TA_LEFT, "right": TA_RIGHT, "center": TA_CENTER, "justify": TA_JUSTIFY}
_FACES = (
    ("regular", False, False),
    ("bold", True, False),
    ("italic", False, True),
    ("bold_italic", True, True),
)


@cache
def allow_french_words() -> None:
    """Let ReportLab hyphenate French words: l'intercommunalité, finalités ?, « passage ».

    ReportLab 5.1 hands a word to the hyphenator only if it is made of letters once
    quotes and punctuation are set aside, which leaves every elision unbroken, and every
    word tied by a no-break space to « », ? or : ; wide gaps then open in justified
    lines. pyphen hyphenates these well (l'in-ter-com-mu-na-li-té). This widens
    ReportLab's private patterns (pinned with reportlab 5.1.*) once per process.
    """
    from reportlab.platypus import paragraph as rl

    letters = rl._hy_letters + "'\u2019"
    rl._hy_letters_pat = re.compile(f"^[{letters}]+$")
    rl._hy_shy_letters_pat = re.compile(f"^[{rl._hy_shy}{letters}]+$")
    # ReportLab's own prefix and suffix classes, plus « » and the no-break space.
    rl._hy_pfx_pat = re.compile("^['\"([{\xbf\u2018\u201a\u201c\u201e\u00ab\u00a0]+")
    rl._hy_sfx_pat = re.compile("[]'\")}?!.,;:\u2019\u201b\u201d\u201f\u00bb\u00a0]+$")


@cache
def patterns(language: str, words: frozenset[str] = frozenset()) -> Any:
    """Return a language's hyphenation patterns (pyphen); with `words`, only those that apply
    inside these words, with any punctuation around them: the same breaks for them.

    Reading all of en_US takes about 110 ms in each brochure process, for the dozen foreign
    words of a locale (empowerment); the patterns those words can meet take a few.
    """
    import pyphen

    # Three letters at least on each side of a break: no "co-", "dé-" or "L'es-".
    if not words:
        return pyphen.Pyphen(lang=language, left=3, right=3)
    path = pyphen.LANGUAGES[pyphen.language_fallback(language)]
    rules = pyphen.Pyphen.__new__(pyphen.Pyphen)
    rules.left, rules.right = 3, 3
    rules.hd = _patterns_within(path, words) or pyphen.HyphDict(path)
    return rules


_NO_DIGITS = str.maketrans("", "", "0123456789")


def _patterns_within(path: Path, words: frozenset[str]) -> Any:
    """Return pyphen's patterns of `path` that can match in `words`, or None if the file has
    what this short reading does not handle (hex escapes, nonstandard breaks)."""
    import pyphen

    pointed = [f".{word.lower()}." for word in words]
    inside = {p[i:j] for p in pointed for i in range(len(p)) for j in range(i + 1, len(p) + 1)}
    data = path.read_bytes()
    lines = data.decode(data.split(b"\n", 1)[0].decode().strip()).split("\n")
    table = pyphen.HyphDict.__new__(pyphen.HyphDict)
    table.patterns, table.cache = {}, {}
    for line in lines[1:]:
        key = line.translate(_NO_DIGITS).strip()
        # Letters only, it must lie inside a word; anything else may meet the punctuation.
        if key not in inside and (not key or key.replace(".", "").isalpha()):
            continue
        line = line.strip()
        if line.startswith(pyphen.ignored):
            continue
        if "^^" in line or "/" in line:
            return None
        pairs = pyphen.parse(line)  # (digit, letter), as pyphen reads a pattern
        tags, values = [tag for _, tag in pairs], tuple(int(digit or "0") for digit, _ in pairs)
        if max(values) == 0:
            continue
        start, end = 0, len(values)
        while not values[start]:
            start += 1
        while not values[end - 1]:
            end -= 1
        table.patterns["".join(tags)] = start, values[start:end]
    table.maxlen = max(map(len, table.patterns), default=0)
    return table


_ELISION = re.compile("['\u2019]")
_EDGES = "«»“”‘’\"'()[]{}.,;:!?\u00a0"


@cache
def hyphenator(
    language: str, exceptions: frozenset[str] = frozenset(), foreign: str = ""
) -> Callable[[str], Iterator[tuple[str, str]]]:
    """Return the hyphenation points of a language, as a careful typesetter allows them.

    Never at a hyphen the text already has: a line that ends with a real hyphen reads
    back wrong (text extraction and screen readers take it for an added one and drop
    it, so `Ile-de-France` would come back as `Ile-deFrance`). Never in a word with a
    capital (Genève, d'Amérique, ONAPE). A word of `exceptions` (the locale's foreign
    words) is broken by the `foreign` patterns (em-power-ment, not French breaks), or
    never without them. At least three letters on each side, an elision not counting:
    never « l'in-», « d'é- ».
    """
    dictionary = patterns(language)

    def pairs(word: str) -> Iterator[tuple[str, str]]:
        if any(c.isupper() for c in word):  # a name or an acronym
            return
        rules = dictionary
        if exceptions and word.strip(_EDGES).lower() in exceptions:
            if not foreign:
                return
            rules = patterns(foreign, exceptions)
        for head, tail in rules.iterate(word):
            if head.endswith("-") or tail.startswith("-"):
                continue
            stem = _ELISION.split(head)[-1]
            if sum(c.isalpha() for c in stem) >= 3 and sum(c.isalpha() for c in tail) >= 3:
                yield head, tail

    return pairs


@cache
def _register(key: str, regular: Path, bold: Path, italic: Path, bold_italic: Path) -> str:
    """Register the four faces of a family once per process; return the family name."""
    files = {"regular": regular, "bold": bold, "italic": italic, "bold_italic": bold_italic}
    # One font name per (family, face), even when two families share a file: ReportLab maps
    # a font name back to a single family, and <b> inside the wrong family would stay regular.
    digest = hashlib.sha1("|".join(str(files[f]) for f, _, _ in _FACES).encode()).hexdigest()
    family = f"{key}-{digest[:8]}"
    for face, _, _ in _FACES:
        pdfmetrics.registerFont(TTFont(f"{family}-{face}", str(files[face])))
    pdfmetrics.registerFontFamily(
        family,
        normal=f"{family}-regular",
        bold=f"{family}-bold",
        italic=f"{family}-italic",
        boldItalic=f"{family}-bold_italic",
    )
    return family


def register_family(family: FontFamily) -> str:
    """Register a theme font family (idempotent) and return its ReportLab family name."""
    return _register(family.key, family.regular, family.bold, family.italic, family.bold_italic)


@dataclass(frozen=True)
class Palette:
    """Theme colours as ReportLab colours: CMYK for print, RGB for screen."""

    theme: Theme
    screen: bool

    def __call__(self, name: str) -> Color:
        """Return the named theme colour."""
        colour = self.theme.colour(name)
        if self.screen:
            return HexColor(colour.rgb)
        return CMYKColor(*colour.cmyk)

    def markup(self, name: str) -> str:
        """Return the named colour as a Paragraph `<font color>` value of the right space."""
        colour = self.theme.colour(name)
        if self.screen:
            return colour.rgb
        return "CMYKColor({},{},{},{})".format(*colour.cmyk)


class Styles:
    """Paragraph styles, fonts and colours of one theme, for print or screen."""

    def __init__(
        self,
        theme: Theme,
        *,
        screen: bool,
        language: str,
        exceptions: frozenset[str] = frozenset(),
        foreign: str = "",
    ) -> None:
        self.theme = theme
        self.exceptions = exceptions  # foreign words: not broken by the language's patterns
        self.foreign = foreign  # the patterns that break them (none: never broken)
        self.colour = Palette(theme, screen)
        self.families = {key: register_family(fam) for key, fam in theme.families.items()}
        # pyphen knows `fr`; ReportLab hands the tag to pyphen, which falls back by itself.
        self.hyphenation = language.replace("-", "_")
        allow_french_words()
        self._cache: dict[str, ParagraphStyle] = {}
        self._bases: dict[str, str] = {}  # derived style -> the theme style it varies

    def font(self, family: str = "body", bold: bool = False, italic: bool = False) -> str:
        """Return the registered font name of one face of a theme family."""
        try:
            name = self.families[family]
        except KeyError:
            raise ConfigError(f"{self.theme.path}: fonts.families.{family}: not defined") from None
        face = next(f for f, b, i in _FACES if (b, i) == (bold, italic))
        return f"{name}-{face}"

    def text(self, name: str) -> TextStyle:
        """Return the theme's text style (for a derived style, the one it varies)."""
        while name in self._bases:
            name = self._bases[name]
        return self.theme.style(name)

    def __getitem__(self, name: str) -> ParagraphStyle:
        """Return the ParagraphStyle built from the theme style `name`."""
        if name not in self._cache:
            self._cache[name] = self._build(self.theme.style(name))
        return self._cache[name]

    def derived(self, name: str, base: str, **changes: object) -> ParagraphStyle:
        """Return a variant of a theme style, registered under `name`."""
        self._cache[name] = ParagraphStyle(name, parent=self[base], **changes)
        self._bases[name] = base
        return self._cache[name]

    def _build(self, ts: TextStyle) -> ParagraphStyle:
        try:
            alignment = _ALIGN[ts.align]
        except KeyError:
            raise ConfigError(
                f"{self.theme.path}: styles.{ts.name}.align: {ts.align!r}"
                f" (expected one of {', '.join(_ALIGN)})"
            ) from None
        font = self.font(ts.family, ts.bold, ts.italic)
        return ParagraphStyle(
            ts.name,
            fontName=font,
            fontSize=ts.size_pt,
            leading=ts.leading_pt,
            textColor=self.colour(ts.colour),
            alignment=alignment,
            spaceBefore=ts.space_before_pt,
            spaceAfter=ts.space_after_pt,
            leftIndent=ts.indent_mm * MM,
            keepWithNext=int(ts.keep_with_next),
            textTransform="uppercase" if ts.upper else None,
            bulletFontName=font,
            bulletFontSize=ts.size_pt,
            # Justified text needs hyphenation to avoid rivers; a title must never be hyphenated.
            hyphenationLang=hyphenator(self.hyphenation, self.exceptions, self.foreign)
            if alignment == TA_JUSTIFY
            else "",
            # Never break after a hyphen of the text (see hyphenator); a word longer than the
            # line is still cut by splitLongWords.
            embeddedHyphenation=0,
            uriWasteReduce=0,
            # A single line alone at the foot or the head of a column is never allowed.
            allowWidows=0,
            allowOrphans=0,
            splitLongWords=1,
        )

    def tracking(self, name: str) -> float:
        """Return the letter spacing of a theme style, in points."""
        return self.text(name).tracking_pt
