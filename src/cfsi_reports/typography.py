"""Typographic rules and number formats: the one place both renderers use."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache

from .i18n import Locale, Typography

NBSP = "\u00a0"
NNBSP = "\u202f"


# A rule runs only on a text holding one of its triggers (None: a digit): most texts hold
# no ellipsis, no guillemet, no number, and a search costs less than a substitution.
_DIGIT = re.compile(r"\d")
Spec = tuple[str, str, "tuple[str, ...] | None"]  # a pattern, its replacement, its triggers
Rule = tuple[re.Pattern[str], str, "tuple[str, ...] | None"]


@cache
def _rules(typo: Typography) -> tuple[Rule, ...]:
    """The rules compiled, where a text is typeset (checking that fonts draw a text needs none)."""
    return tuple((re.compile(source), repl, triggers) for source, repl, triggers in _specs(typo))


@cache
def _specs(typo: Typography) -> tuple[Spec, ...]:
    """The locale's rules as written: a pattern, its replacement, its triggers."""
    rules: list[Spec] = []
    # The typesetter's characters first: the words stay, only their typography changes.
    if typo.apostrophe:
        rules.append(("'", typo.apostrophe, ("'",)))
    if typo.ellipsis:
        rules.append((r"(?<!\.)\.\.\.(?!\.)", typo.ellipsis, ("...",)))
    if typo.dash:
        # `mot - incise`: a dash, tied to the word before so no line starts with it (a
        # line-initial dash reads as a list mark). `- ` at the start of a text is left alone.
        dash = r"(?<=\S)[ \u00a0]-[ \u00a0](?=\S)"
        rules.append((dash, NBSP + typo.dash + " ", (" -", NBSP + "-")))
    # A run of spaces is matched from its start only, and never given back: linear time
    # even on a line of thousands of spaces (pasted text, a hostile file).
    run = r"(?<![ \t\u00a0\u202f])[ \t\u00a0\u202f]++"
    for mark, space in typo.space_before:
        # Only spaces already typed become unbreakable: `http://` and `10:30` stay as they are.
        rules.append((run + re.escape(mark), space + mark, (mark,)))
    if typo.quote_space:
        q_open, q_close, space = typo.quote_open, typo.quote_close, typo.quote_space
        opening = re.escape(q_open) + r"[ \t\u00a0\u202f]*+"
        rules.append((opening, q_open + space, (q_open,)))
        closing = r"(?:(?<![ \t\u00a0\u202f])[ \t\u00a0\u202f]++)?" + re.escape(q_close)
        rules.append((closing, space + q_close, (q_close,)))
    if typo.group_separator.strip() == "":
        # 4 130, 300 000: the spaces inside a grouped number must not break.
        group = r"(?<![\d,.])(\d{1,3})((?: \d{3})+)(?![\d,])"
        rules.append((group, "GROUP", None))
    if typo.units:
        alternatives = "|".join(re.escape(u) for u in sorted(typo.units, key=len, reverse=True))
        units = rf"(\d) (?=(?:{alternatives})(?!\w))"
        rules.append((units, r"\1" + typo.unit_space, None))
    if typo.tie_numbers:
        # 9 OSC, 2 organisations: a line never ends on a number and starts with what it counts.
        rules.append((r"(\d) (?=[^\W\d_])", r"\1" + typo.unit_space, None))
    return tuple(rules)


def normalise(text: str, typo: Typography) -> str:
    """Apply the locale's spacing rules to `text` without changing any word."""
    digits: bool | None = None
    for pattern, repl, triggers in _rules(typo):
        if triggers is None:
            if digits is None:  # a rule never removes a digit: one search serves them all
                digits = _DIGIT.search(text) is not None
            if not digits:
                continue
        elif not any(t in text for t in triggers):
            continue
        if repl == "GROUP":
            sep = typo.group_separator
            text = pattern.sub(lambda m, s=sep: m.group(1) + m.group(2).replace(" ", s), text)
        else:
            text = pattern.sub(repl, text)
    return text


def inserted(typo: Typography) -> str:
    """Return every character normalise() may put into a text."""
    out = typo.group_separator
    for _pattern, repl, _triggers in _specs(typo):
        out += "" if repl == "GROUP" else repl.replace("\\1", "")
    return "".join(sorted(set(out)))


def tie_title(text: str, typo: Typography) -> str:
    """Tie a title's articles and prepositions to the next word: no line ends with « de »."""
    if not typo.tie_after:
        return text
    words = text.split(" ")
    out = []
    for i, word in enumerate(words):
        bare = word.lower().strip('«»()"')
        tied = i < len(words) - 1 and bare in typo.tie_after
        out.append(word + (NBSP if tied else " "))
    return "".join(out).rstrip(" ")


def number(value: Decimal | int, locale: Locale) -> str:
    """Format a number: `98 525`, `75 500,50`."""
    from babel.numbers import format_decimal

    value = Decimal(value)
    pattern = "#,##0" if value == value.to_integral_value() else "#,##0.00"
    text = format_decimal(value, format=pattern, locale=locale.babel)
    # Babel's group separator differs between CLDR versions; the locale file decides.
    return text.replace("\u202f", locale.typography.group_separator).replace(
        "\u00a0", locale.typography.group_separator
    )


def money(value: Decimal | int, locale: Locale) -> str:
    """Format an amount in euros: `98 525 €`."""
    return locale.format("money", amount=number(value, locale))


def percent(ratio: Decimal | float, locale: Locale) -> str:
    """Format a share as a whole percentage: `65 %`."""
    whole = int((Decimal(str(ratio)) * 100).quantize(Decimal(1), rounding="ROUND_HALF_UP"))
    return locale.format("percent", value=number(whole, locale))


def months(n: int, locale: Locale) -> str:
    """Format a duration: `25 mois`."""
    return locale.format("months", count=n, n=n)


def country_name(code: str, locale: Locale) -> str:
    """Return the country name in the locale's language: the locale file's, else CLDR's."""
    return locale.country_names.get(code) or _territories(locale.babel).get(code, code)


@cache
def _territories(babel_locale: str) -> dict[str, str]:
    from babel import Locale as BabelLocale

    return dict(BabelLocale.parse(babel_locale).territories)
