"""Which country codes are parts of another: France's overseas departments and collectivities.

ISO 3166-1 gives Guadeloupe (GP) or La Réunion (RE) codes of their own, yet they are
France: the overview counts them with France and the maps name them « France (Guadeloupe) ».
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

# CLDR's ISO 3166-1 alpha-2 codes, derived from Babel by scripts/derive_country_codes.py.
COUNTRY_CODES = Path(__file__).parent / "data" / "country-codes.txt"

SOVEREIGN = {
    code: "FR" for code in ("GF", "GP", "MQ", "RE", "YT", "PM", "BL", "MF", "WF", "PF", "NC", "TF")
}


def sovereign(code: str) -> str:
    """Return the country a code belongs to (itself for a country)."""
    return SOVEREIGN.get(code, code)


def grouped(codes: Iterable[str]) -> list[tuple[str, tuple[str, ...]]]:
    """Return (country, its parts among `codes`) in the order each country first appears."""
    order: dict[str, list[str]] = {}
    for code in codes:
        parts = order.setdefault(sovereign(code), [])
        if code != sovereign(code) and code not in parts:
            parts.append(code)
    return [(country, tuple(parts)) for country, parts in order.items()]


@cache
def country_codes() -> frozenset[str]:
    """Return the codes of the countries and territories (ISO 3166-1 alpha-2, CLDR's)."""
    text = COUNTRY_CODES.read_text(encoding="ascii")
    return frozenset(code for line in text.splitlines() if line[:1] != "#" for code in line.split())
