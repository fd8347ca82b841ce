"""Undo the tool's typography on the way back, and read figures as people type them.

Two operations: `fold` makes text comparable whatever its typography (no-break and
narrow spaces, typographic apostrophes, ellipsis and dashes, soft hyphens), to decide
whether a field changed; `plain` turns an edited text back into what a content file
holds (the spaces the tool adds become plain spaces; the characters it substitutes
become the keyboard's), so that building again gives the same sheet.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from ..i18n import Locale
from ..messages import _

_SPACES = re.compile(r"[\s\u00a0\u202f\u2007\u2009\u200a\u2002\u2003\u2004\u2005\u2006]+")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_FOLD = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
)


def fold(text: str) -> str:
    """Return `text` with its typography removed, for comparisons only."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE).translate(_FOLD)
    text = text.replace("\u2026", "...")
    return _SPACES.sub(" ", text).strip()


def plain(text: str, locale: Locale) -> str:
    """Return sheet text as a content file holds it: the locale's substitutions undone."""
    return _SPACES.sub(" ", plain_inline(text, locale)).strip()


def plain_inline(text: str, locale: Locale) -> str:
    """Undo the substitutions in a piece of a line, keeping its outer spaces."""
    typo = locale.typography
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    dash = getattr(typo, "dash", "")
    if dash:
        text = re.sub(rf"[ \u00a0\u202f]{re.escape(dash)}[ \u00a0\u202f]", " - ", text)
    apostrophe = getattr(typo, "apostrophe", "")
    if apostrophe:
        text = text.replace(apostrophe, "'")
    ellipsis = getattr(typo, "ellipsis", "")
    if ellipsis:
        text = text.replace(ellipsis, "...")
    return _SPACES.sub(" ", text)


def same(sheet: str, *rendered: str) -> bool:
    """Tell whether sheet text shows one of the rendered texts, typography aside."""
    folded = fold(sheet)
    return any(folded == fold(r) for r in rendered)


_CURRENCY = re.compile(r"^(?:€|eur(?:os?)?)\s*|\s*(?:€|eur(?:os?)?|euros?)$", re.IGNORECASE)
_GROUPED = re.compile(r"^\d{1,3}(?: \d{3})+(?:,\d{1,2})?$")
_PLAIN = re.compile(r"^\d+(?:[,.]\d{1,2})?$")
_DOT_GROUPS = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?$")


class FigureError(ValueError):
    """A figure that cannot be read without guessing."""


def is_amount(text: str) -> bool:
    """Return True if `text` reads as an amount (a line whose label was deleted, say)."""
    try:
        amount(text)
    except FigureError:
        return False
    return True


def amount(text: str) -> Decimal:
    """Read an amount in euros as French people type it: `99 000 €`, `99 000,50 €`, `99000`."""
    shown = " ".join(text.split())
    value = fold(text)
    value = _CURRENCY.sub("", value).strip()
    if _DOT_GROUPS.match(value) and "," in value:
        value = value.replace(".", " ")  # 99.000,50: dots group the thousands
    if _GROUPED.match(value) or _PLAIN.match(value):
        number = value.replace(" ", "").replace(",", ".")
    elif _DOT_GROUPS.match(value):
        raise FigureError(
            _(
                "{shown!r} is ambiguous (99.000 could be 99 or 99 000; write 99 000 € or 99,00 €)"
            ).format(shown=shown)
        )
    else:
        raise FigureError(
            _("{shown!r} is not an amount (expected euros such as 99 000 € or 99 000,50 €)").format(
                shown=shown
            )
        )
    try:
        return Decimal(number)
    except InvalidOperation:  # pragma: no cover - the patterns admit only numbers
        raise FigureError(_("{shown!r} is not an amount").format(shown=shown)) from None


def whole_number(text: str, patterns: list[str]) -> int:
    """Read a count shown through a locale format such as `{n}\u00a0mois`."""
    shown = " ".join(text.split())
    value = fold(text)
    for pattern in patterns:
        head, _, tail = fold(pattern).partition("{n}")
        regex = re.escape(head) + r"(\d+)" + re.escape(tail)
        match = re.fullmatch(regex, value, re.IGNORECASE)
        if match:
            return int(match.group(1))
    if re.fullmatch(r"\d+", value):
        return int(value)
    example = fold(patterns[0]).replace("{n}", "24") if patterns else "24"
    raise FigureError(
        _("{shown!r} is not a whole number of months (expected e.g. {example})").format(
            shown=shown, example=example
        )
    )
