"""Locale files: labels, formats and typographic rules of one language."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError
from .messages import _

try:  # LibYAML: the locale file is read by every process, about 5 times faster in C
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


@dataclass(frozen=True)
class Typography:
    """Language-specific spacing rules, read from the locale file."""

    space_before: tuple[tuple[str, str], ...] = ()
    quote_open: str = "«"
    quote_close: str = "»"
    quote_space: str = ""
    group_separator: str = ","
    unit_space: str = " "
    units: tuple[str, ...] = ()
    tie_numbers: bool = False  # a number stays with the word it counts (2 organisations)
    apostrophe: str = ""  # replaces the typewriter ' (the typographic ’), when set
    ellipsis: str = ""  # replaces ... (…), when set
    dash: str = ""  # replaces a hyphen between two spaces used as a dash (–), when set
    tie_after: frozenset[str] = frozenset()  # short words a title line never ends with
    no_hyphenation: frozenset[str] = (
        frozenset()
    )  # words the language's patterns would break wrongly
    foreign_patterns: str = ""  # the patterns that hyphenate them instead (en_US), if any


@dataclass(frozen=True)
class Locale:
    """Labels and formats of one language."""

    tag: str
    home: str | None  # the country the programme counts apart ("France and 16 countries")
    babel: str
    labels: dict[str, Any]
    formats: dict[str, Any]
    typography: Typography
    path: Path
    grammar: dict[str, Any] = field(default_factory=dict)  # « de / du / de la / de l’ »
    country_names: dict[str, str] = field(default_factory=dict)  # in place of CLDR's, by code

    def label(self, key: str, count: int | None = None) -> str:
        """Return the label `key`, in its plural form when `count` asks for it."""
        try:
            value = self.labels[key]
        except KeyError:
            raise ConfigError(
                _("{file}: labels.{key}: missing label").format(file=self.path, key=key)
            ) from None
        return self._plural(value, count)

    def format(self, key: str, count: int | None = None, **values: Any) -> str:
        """Return the format `key` filled with `values`."""
        try:
            pattern = self._plural(self.formats[key], count)
        except KeyError:
            raise ConfigError(
                _("{file}: formats.{key}: missing format").format(file=self.path, key=key)
            ) from None
        return pattern.format(**values)

    def _plural(self, value: Any, count: int | None) -> str:
        if not isinstance(value, dict):
            return str(value)
        # The language's own rule (CLDR): in French 0 is singular, as 1 is.
        form = _plural_form(self.babel, count) if count is not None else "other"
        return str(value.get(form, value["other"]))


@cache
def _rules(babel_locale: str) -> Any:
    from babel import Locale as BabelLocale

    return BabelLocale.parse(babel_locale).plural_form


def _plural_form(babel_locale: str, count: int) -> str:
    return str(_rules(babel_locale)(count))


def available(locale_dir: Path) -> list[str]:
    """Return the language tags that have a locale file."""
    return sorted(p.stem for p in locale_dir.glob("*.yaml"))


def find(locale_dir: Path, language: str) -> Path | None:
    """Return the locale file for a BCP 47 tag (`fr-FR` falls back to `fr`)."""
    parts = language.replace("_", "-").split("-")
    for n in range(len(parts), 0, -1):
        candidate = locale_dir / ("-".join(parts[:n]) + ".yaml")
        if candidate.is_file():
            return candidate
    return None


@cache
def load(path: Path) -> Locale:
    """Load a locale file."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
        typo = raw.get("typography", {})
        quotes = typo.get("quotes", {})
        return Locale(
            tag=str(raw["language"]),
            home=str(raw.get("home_country", "")).upper() or None,
            babel=str(raw.get("babel", raw["language"])).replace("-", "_"),
            labels=dict(raw["labels"]),
            formats=dict(raw["formats"]),
            typography=Typography(
                space_before=tuple(dict(typo.get("space_before", {})).items()),
                quote_open=quotes.get("open", "«"),
                quote_close=quotes.get("close", "»"),
                quote_space=quotes.get("space", ""),
                group_separator=typo.get("group_separator", ","),
                unit_space=typo.get("unit_space", " "),
                units=tuple(typo.get("units", ())),
                tie_numbers=bool(typo.get("tie_numbers", False)),
                apostrophe=str(typo.get("apostrophe", "")),
                ellipsis=str(typo.get("ellipsis", "")),
                dash=str(typo.get("dash", "")),
                tie_after=frozenset(str(w).lower() for w in typo.get("tie_after", ())),
                no_hyphenation=frozenset(str(w).lower() for w in typo.get("no_hyphenation", ())),
                foreign_patterns=str(typo.get("foreign_patterns", "")),
            ),
            path=path,
            grammar=dict(raw.get("grammar", {})),
            country_names=_country_names(raw.get("country_names")),
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError) as exc:
        raise ConfigError(
            _("{file}: not a usable locale file ({error})").format(file=path, error=exc)
        ) from None


def _country_names(value: Any) -> dict[str, str]:
    """`country_names:` of a locale file: a name by country code (`VN: Vietnam`)."""
    names = value or {}
    if not isinstance(names, dict) or not all(
        isinstance(name, str) and name.strip() for name in names.values()
    ):
        raise TypeError(_("country_names: expected one « code: name » line per country"))
    return {str(code).upper(): name.strip() for code, name in names.items()}
