"""Acronyms: those the text defines itself, those it uses, and the programme's glossary.

A text defines an acronym in one of three ways, all found in the seed:
« organisations de la société civile (OSC) », « APES (Acteurs Pour une Economie
Solidaire) » and « AMEDD, Association Maliennne d'Eveil au Développement Durable ».
The first form is accepted only when the words before the parenthesis spell the
acronym (each word giving the first letters of a run, small words skipped); the two
others when the long form starts with the acronym's first letter.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .content.model import Content

WORD = re.compile(r"[^\W\d_][\w’'-]*")
ACRONYM = re.compile(r"(?<![\w-])([A-Z][A-Z0-9]*[A-Z][A-Z0-9]*)(?![\w-])")
FORWARD = re.compile(r"\(\s*([A-Z][A-Z0-9]{1,11})\s*\)")
BACKWARD = re.compile(r"(?<![\w-])([A-Z][A-Z0-9]{1,11})\s*\(([^()]{4,160})\)")
COMMA = re.compile(r"(?<![\w-])([A-Z][A-Z0-9]{1,11}),\s+([^,;()]{4,160})")
# Words an acronym usually skips (French, Spanish, English articles and prepositions).
SMALL = frozenset(
    [
        "à",
        "a",
        "au",
        "aux",
        "de",
        "des",
        "du",
        "d",
        "la",
        "le",
        "les",
        "l",
        "et",
        "en",
        "pour",
        "par",
        "sur",
        "dans",
        "avec",
        "the",
        "of",
        "and",
        "for",
        "y",
        "el",
        "los",
        "las",
        "del",
    ]
)
# Function words before an expansion, or before each member of a coordination:
# « acteurs de la Formation et de l'Insertion Professionnelle (FIP) » gives
# « Formation et Insertion Professionnelle ».
LEADING = (
    r"(?:(?:[dD]e\s+(?:la|l['’])|[dD]['’]|[lL]['’]|[dD]es|[dD]u|[dD]e|[lL]es|[lL]a|[lL]e)"
    r"(?:\s+|(?<=['’])))+"
)
ELIDED = re.compile(rf"^{LEADING}(?=\w)")
COORDINATED = re.compile(rf"(?<=\set\s){LEADING}(?=[A-ZÀ-Ý])")
ROMAN = re.compile(r"^[IVXLCDM]+$")


@dataclass(frozen=True)
class Glossary:
    """Acronyms with their meaning, and the acronyms used that nothing defines."""

    entries: tuple[tuple[str, str], ...]
    undefined: tuple[str, ...]


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().upper()


def _words(text: str) -> list[str]:
    # d'Activités gives Activités: an elided article spells nothing.
    return [w.replace("’", "'").rsplit("'", 1)[-1] or w for w in WORD.findall(text)]


def _spells(acronym: str, words: list[str]) -> bool:
    """Return True if `words` spell `acronym`, each big word giving a prefix of it."""
    letters = _fold(acronym)
    folded = [_fold(w) for w in words]

    def match(i: int, j: int) -> bool:
        if j == len(letters):
            return all(w.lower() in SMALL for w in words[i:])
        if i == len(words):
            return False
        if words[i].lower() in SMALL and match(i + 1, j):
            return True
        word = folded[i]
        n = 1
        while n <= len(word) and j + n <= len(letters) and word[:n] == letters[j : j + n]:
            if match(i + 1, j + n):
                return True
            n += 1
        return False

    return bool(words) and folded[0][:1] == letters[:1] and match(0, 0)


def _trim(meaning: str) -> str:
    """Return `meaning` without the function words of the running text before its members."""
    return COORDINATED.sub("", ELIDED.sub("", meaning))


def display(meaning: str) -> str:
    """Return a meaning as the glossary shows it: the source's words, the initial capitalised."""
    return meaning[:1].upper() + meaning[1:]


def _forward(text: str) -> Iterable[tuple[str, str]]:
    for m in FORWARD.finditer(text):
        acronym = m.group(1)
        before = text[: m.start()].rstrip()
        spans = list(WORD.finditer(before))[-3 * len(acronym) - 4 :]
        # The shortest run of words just before the parenthesis that spells the acronym.
        for start in range(len(spans) - 1, -1, -1):
            run = before[spans[start].start() :]
            if _spells(acronym, _words(run)):
                # « l'économie sociale et solidaire (ESS) »: the entry is « économie … ».
                yield acronym, _trim(run.strip(" ,;:"))
                break


def _backward(text: str) -> Iterable[tuple[str, str]]:
    for pattern in (BACKWARD, COMMA):
        for m in pattern.finditer(text):
            acronym, meaning = m.group(1), m.group(2).strip(" ,;:.")
            words = _words(meaning)
            starts = len(words) >= 2 and _fold(words[0])[:1] == acronym[:1]
            if starts and not ACRONYM.fullmatch(meaning) and not ROMAN.match(acronym):
                yield acronym, meaning


def defined(texts: Iterable[str]) -> dict[str, str]:
    """Return the acronyms the texts define, each with its first definition."""
    found: dict[str, str] = {}
    for text in texts:
        for acronym, meaning in (*_forward(text), *_backward(text)):
            found.setdefault(acronym, meaning)
    return found


def used(texts: Iterable[str]) -> list[str]:
    """Return the acronyms the texts use, in order of first use."""
    seen: dict[str, None] = {}
    for text in texts:
        for m in ACRONYM.finditer(text):
            word = m.group(1)
            if len(word) >= 2 and not ROMAN.match(word) and any(c.isalpha() for c in word):
                seen.setdefault(word, None)
    return list(seen)


def build(texts: Iterable[str], given: dict[str, str] | None) -> Glossary:
    """Return the glossary: what the texts define, corrected and completed by `given`."""
    texts = list(texts)
    entries = defined(texts)
    entries.update(given or {})
    undefined = tuple(a for a in used(texts) if a not in entries)
    ordered = sorted(entries.items(), key=lambda kv: (_fold(kv[0]), kv[0]))
    return Glossary(tuple(ordered), undefined)


SKIPPED = frozenset(
    (
        "contacts",
        "logo",
        "cover",
        "glossary",
        "keywords",
        "language",
        "countries",
        "slug",
        "photo",
        "supporters_label",
        "publisher_of",
        "date",
    )
)


def texts_of(content: Content) -> list[str]:
    """Return every text of the content a reader sees, programme first, actions in order."""
    from .content.model import texts

    out = []
    for model in (content.programme, *content.actions):
        for path, text in texts(model):
            if path[0] not in SKIPPED:
                out.append(text)
    return out


def of_content(content: Content) -> Glossary:
    """Return the glossary of a content set."""
    return build(texts_of(content), content.programme.glossary)
