"""The theme: theme files turned into typed values (colours, fonts, sizes, geometry)."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field, fields
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from . import i18n
from .errors import ConfigError

MM = 72 / 25.4  # points per millimetre
# The built-in theme, locale files and templates: package data, found wherever the package is
# installed (pip installs a wheel as plain files, so the folder is a real path).
DEFAULTS_DIR = Path(str(resources.files(__package__).joinpath("defaults")))
DEFAULT_THEME = DEFAULTS_DIR / "theme.yaml"


@dataclass(frozen=True)
class Colour:
    """A colour for print (CMYK, 0-1) and its screen equivalent (RGB hex)."""

    name: str
    cmyk: tuple[float, float, float, float]
    rgb: str

    @property
    def rgb_floats(self) -> tuple[float, float, float]:
        value = self.rgb.lstrip("#")
        return tuple(int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


@dataclass(frozen=True)
class FontFamily:
    """A font family: four TrueType faces."""

    key: str
    name: str
    regular: Path
    bold: Path
    italic: Path
    bold_italic: Path

    def face(self, bold: bool = False, italic: bool = False) -> Path:
        """Return the file of one face."""
        return (
            (self.bold_italic if italic else self.bold)
            if bold
            else (self.italic if italic else self.regular)
        )

    @property
    def faces(self) -> dict[str, Path]:
        return {
            "regular": self.regular,
            "bold": self.bold,
            "italic": self.italic,
            "bold_italic": self.bold_italic,
        }


@dataclass(frozen=True)
class TextStyle:
    """A paragraph or character style, in points."""

    name: str
    family: str = "body"
    bold: bool = False
    italic: bool = False
    size: float = 10
    leading: float = 12
    colour: str = "ink"
    align: str = "left"
    space_before: float = 0
    space_after: float = 0
    indent: float = 0  # mm
    keep_with_next: bool = False
    upper: bool = False
    tracking: float = 0  # pt of letter spacing


@dataclass(frozen=True, eq=False)  # hashed by identity: one cached object per file
class Theme:
    """Everything the renderers may not invent."""

    name: str
    path: Path
    colours: dict[str, Colour]
    families: dict[str, FontFamily]
    page: dict[str, Any]
    chart: dict[str, Any]
    styles: dict[str, TextStyle]
    docx: dict[str, Any]
    docx_styles: dict[str, TextStyle]
    docx_character_styles: dict[str, TextStyle]
    locale_dir: Path
    raw_hash: str = field(default="")

    def colour(self, name: str) -> Colour:
        """Return a named colour."""
        try:
            return self.colours[name]
        except KeyError:
            raise ConfigError(f"{self.path}: colours.{name}: colour not defined") from None

    def style(self, name: str) -> TextStyle:
        """Return a named paragraph style of the brochure."""
        try:
            return self.styles[name]
        except KeyError:
            raise ConfigError(f"{self.path}: styles.{name}: style not defined") from None

    def family(self, name: str) -> FontFamily:
        """Return a named font family."""
        try:
            return self.families[name]
        except KeyError:
            raise ConfigError(f"{self.path}: fonts.families.{name}: family not defined") from None

    def mm(self, *keys: str) -> float:
        """Return a page distance in points, e.g. `mm('margins', 'top')`."""
        value: Any = self.page
        for key in keys:
            value = value[key]
        return float(value) * MM

    def locale(self, language: str) -> i18n.Locale:
        """Return the locale for a content language, or raise ConfigError."""
        found = i18n.find(self.locale_dir, language)
        if found is None:
            have = ", ".join(i18n.available(self.locale_dir)) or "none"
            raise ConfigError(
                f"no locale file for {language!r} in {self.locale_dir} (have: {have})"
            )
        return i18n.load(found)


_STYLE_FIELDS = {f.name for f in fields(TextStyle)} - {"name"}


def locale_dir_of(theme_file: Path) -> Path:
    """Return the locale folder a theme file names, without loading the whole theme."""
    try:
        raw = yaml.safe_load(theme_file.read_text(encoding="utf-8"))
        name = str(raw.get("locale_dir", "locale"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError, AttributeError):
        name = "locale"
    return (theme_file.parent / name).resolve()


def _styles(
    raw: dict[str, Any], where: str, parent: dict[str, TextStyle] | None = None
) -> dict[str, TextStyle]:
    resolved: dict[str, dict[str, Any]] = {}

    def resolve(name: str, chain: tuple[str, ...] = ()) -> dict[str, Any]:
        if name in resolved:
            return resolved[name]
        if name in chain:
            raise ConfigError(f"{where}.{name}: 'base' loops ({' -> '.join((*chain, name))})")
        spec = dict(raw[name] or {})
        base = spec.pop("base", None)
        unknown = set(spec) - _STYLE_FIELDS
        if unknown:
            raise ConfigError(f"{where}.{name}: unknown keys {sorted(unknown)}")
        merged: dict[str, Any] = {}
        if base is not None:
            if base not in raw:
                raise ConfigError(f"{where}.{name}: base {base!r} is not defined")
            merged.update(resolve(base, (*chain, name)))
        merged.update(spec)
        resolved[name] = merged
        return merged

    styles = {name: TextStyle(name=name, **resolve(name)) for name in raw}
    problems = [p for style in styles.values() for p in _style_problems(style)]
    if problems:
        raise ConfigError(f"{where}: " + "; ".join(problems))
    return styles


_NUMBERS = ("size", "leading", "space_before", "space_after", "indent", "tracking")
_FLAGS = ("bold", "italic", "keep_with_next", "upper")
_ALIGNS = ("left", "right", "center", "justify")


def _style_problems(style: TextStyle) -> list[str]:
    problems = []
    for name in _NUMBERS:
        value = getattr(style, name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(f"{style.name}.{name}: {value!r} is not a number (in points)")
    for name in _FLAGS:
        if not isinstance(getattr(style, name), bool):
            problems.append(f"{style.name}.{name}: expected true or false")
    if style.align not in _ALIGNS:
        problems.append(f"{style.name}.align: {style.align!r} is not one of {', '.join(_ALIGNS)}")
    return problems


def _font_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(f"font package {package!r} is not installed (pip install it)")
    folder = Path(next(iter(spec.submodule_search_locations)))
    return folder / "files" if (folder / "files").is_dir() else folder


@cache
def load_theme(path: Path = DEFAULT_THEME) -> Theme:
    """Load and check a theme file."""
    path = Path(path).resolve()
    try:
        text = path.read_text(encoding="utf-8")
        raw = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read the theme ({exc})") from None
    shape = _same_shape(raw) if path != DEFAULT_THEME.resolve() else []
    if shape:
        try:  # report the style values too, all problems at once
            _styles(dict(raw.get("styles") or {}), "styles")
            _styles(dict((raw.get("docx") or {}).get("styles") or {}), "docx.styles")
        except (ConfigError, TypeError, KeyError) as exc:
            shape.append(str(exc))
        raise ConfigError(f"{path}: " + "; ".join(shape))
    try:
        colours = {
            name: Colour(name, tuple(float(x) for x in spec["cmyk"]), str(spec["rgb"]))  # type: ignore[arg-type]
            for name, spec in raw["colours"].items()
        }
        fonts = raw["fonts"]
        font_dir = _font_dir(fonts["package"])
        families = {}
        for key, spec in fonts["families"].items():
            files = {
                face: font_dir / spec[face] for face in ("regular", "bold", "italic", "bold_italic")
            }
            for face, file in files.items():
                if not file.is_file():
                    raise ConfigError(f"{path}: fonts.families.{key}.{face}: {file} not found")
                if file.suffix.lower() != ".ttf":
                    raise ConfigError(
                        f"{path}: fonts.families.{key}.{face}: TrueType (.ttf) needed"
                    )
            families[key] = FontFamily(key=key, name=str(spec.get("name", key)), **files)
        docx = dict(raw.get("docx", {}))
        theme = Theme(
            name=str(raw.get("name", path.stem)),
            path=path,
            colours=colours,
            families=families,
            page=dict(raw["page"]),
            chart=dict(raw.get("chart", {})),
            styles=_styles(raw["styles"], f"{path}: styles"),
            docx=docx,
            docx_styles=_styles(docx.get("styles", {}), f"{path}: docx.styles"),
            docx_character_styles=_styles(
                docx.get("character_styles", {}), f"{path}: docx.character_styles"
            ),
            locale_dir=locale_dir_of(path),
            raw_hash=_digest(text),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ConfigError(f"{path}: incomplete theme ({type(exc).__name__}: {exc})") from None
    for style in (*theme.styles.values(), *theme.docx_styles.values()):
        theme.colour(style.colour)
        theme.family(style.family)
    return theme


def _same_shape(raw: Any) -> list[str]:
    """Check that another theme has every setting of the default one, of the same kind.

    The layout reads these settings by name: a missing or mistyped one is reported here,
    all at once, rather than as a failure half-way through a render.
    """
    default = yaml.safe_load(DEFAULT_THEME.read_text(encoding="utf-8"))
    problems: list[str] = []

    def kind(value: Any) -> str:
        if isinstance(value, bool):
            return "true/false"
        if isinstance(value, int | float):
            return "a number"
        return {dict: "a mapping", list: "a list", str: "text"}.get(type(value), "a value")

    def walk(expected: Any, given: Any, where: str) -> None:
        if isinstance(expected, dict):
            if not isinstance(given, dict):
                problems.append(f"{where}: expected a mapping")
                return
            for key, value in expected.items():
                if key in ("styles", "character_styles") or where.endswith("colours"):
                    # Named styles and colours are the designer's own: only their fields matter.
                    if key not in given:
                        problems.append(f"{where}.{key}: missing".lstrip("."))
                    continue
                if key not in given:
                    problems.append(
                        f"{where}.{key}: missing (the default theme has {value!r})".lstrip(".")
                    )
                else:
                    walk(value, given[key], f"{where}.{key}".lstrip("."))
        elif kind(expected) != kind(given) and not (
            kind(expected) == "a number" and kind(given) == "a number"
        ):
            problems.append(f"{where}: {given!r} is not {kind(expected)}")

    walk(default, raw, "")
    return problems


def _digest(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()
