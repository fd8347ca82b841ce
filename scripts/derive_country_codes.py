"""Derive src/cfsi_reports/data/country-codes.txt: the ISO 3166-1 alpha-2 codes of CLDR.

The content model checks every `countries:` code against this list. It is CLDR's, through
Babel: the territories of its global table of languages, less the groupings (EU, EZ, UN, QO),
the unknown region (ZZ) and the pseudo-locales (XA, XB). It is written once to a text file so
that checking a code does not import Babel and read its global table (about 12 ms of every
`validate`). tests/test_content.py holds the file equal to this derivation with the Babel that
is installed: after upgrading Babel, run this again from the repository root.

    python scripts/derive_country_codes.py
"""

from __future__ import annotations

from pathlib import Path

from babel.core import get_global

TARGET = Path(__file__).resolve().parents[1] / "src/cfsi_reports/data/country-codes.txt"
NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"}


def derive() -> str:
    """Return the file's text: a comment line, then the codes, sorted, ten to a line."""
    codes = sorted(
        code
        for code in get_global("territory_languages")
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    )
    rows = [" ".join(codes[i : i + 10]) for i in range(0, len(codes), 10)]
    return (
        "# ISO 3166-1 alpha-2 codes known to CLDR: scripts/derive_country_codes.py\n"
        + "\n".join(rows)
        + "\n"
    )


if __name__ == "__main__":
    TARGET.write_text(derive(), encoding="utf-8")
    print(f"wrote {TARGET}")
