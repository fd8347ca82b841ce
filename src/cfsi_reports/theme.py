"""The theme: every colour, font, size and distance the renderers use, typed and checked.

A theme file is YAML declared by the sections below (`records.py`). It may be
partial: what it leaves out comes from the built-in theme (`defaults/theme.yaml`, package
data), mapping by mapping. Units are part of the names: `_mm` millimetres, `_pt` points,
`_em` times the type size, `_fraction` a part of a page or column dimension. Every problem of
a theme is reported at once, as `file:line: field: what is wrong`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import json
import re
from dataclasses import dataclass, fields
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from . import i18n
from .content import yamlsafe
from .content.loader import did_you_mean
from .errors import ConfigError, Problem, field_name
from .messages import N_, _, reason
from .records import Items, Pattern, Range, Record, declared, read, record_at

MM = 72 / 25.4  # points per millimetre

# The built-in theme, locale files and templates: package data, found wherever the package is
# installed (pip installs a wheel as plain files, so the folder is a real path).
DEFAULTS_DIR = Path(str(resources.files(__package__).joinpath("defaults")))
DEFAULT_THEME = DEFAULTS_DIR / "theme.yaml"


# -- the declared sections of a theme file ---------------------------------------------------


Length = Annotated[float, Range(ge=0)]
Fraction = Annotated[float, Range(ge=0, le=1)]
Positive = Annotated[float, Range(gt=0)]
# A colour's name: checked against `colours` once the whole theme is known (_references).
COLOUR_NAME = "colour name"
FAMILY_NAME = "font family name"
ColourName = Annotated[str, COLOUR_NAME]


class ColourSpec(Record):
    cmyk: Annotated[tuple[Fraction, ...], Items(4, 4)]  # C, M, Y, K
    rgb: Annotated[str, Pattern(r"#[0-9a-fA-F]{6}")]


class FamilySpec(Record):
    name: str
    regular: str
    bold: str
    italic: str
    bold_italic: str


class Fonts(Record):
    package: str  # the installed Python package holding the TrueType files
    families: dict[str, FamilySpec]


class CropMarks(Record):
    length_mm: Length
    offset_mm: Length  # at least the bleed keeps the marks outside it
    stroke_pt: Positive


class PageMargins(Record):
    top_mm: Length
    bottom_mm: Length
    inside_mm: Length
    outside_mm: Length


class Sidebar(Record):
    width_mm: Length
    gap_mm: Length
    padding_mm: Length
    inset_mm: Length  # space above both columns
    figure_facts: tuple[str, ...]  # the facts shown as big figures


class RunningHead(Record):
    baseline_from_top_mm: Length
    baseline_from_bottom_mm: Length


class CoverMotif(Record):
    bar_mm: Length
    pitch_mm: Length
    width_fraction: Fraction
    colour: ColourName
    inner_colour: ColourName


class PagePhoto(Record):
    max_height_mm: Length
    dpi: Positive
    screen_dpi: Positive
    min_ppi: Positive  # a photo printed at fewer pixels per inch is warned about


class Toc(Record):
    number_width_mm: Length
    page_width_mm: Length
    rule_colour: ColourName
    rule_width_pt: Length
    spread_fraction: (
        Fraction  # a one-page contents shares its free height, this part of a line each
    )


class Overview(Record):
    columns: Annotated[int, Range(ge=1)]
    gap_mm: Length
    rule_space_mm: Length
    rule_width_pt: Length
    rule_colour: ColourName
    space_after_mm: Length
    fill_fraction: Fraction  # the widest figure fills this part of its column


class Identity(Record):
    """The publisher's logo and the supporters' logos on the covers."""

    logo_width_fraction: Fraction  # part of the text width
    logo_height_mm: Length
    picture_min_mm: Length  # a cover picture gets at least this height, or is left out
    supporter_width_mm: Length
    supporter_height_mm: Length
    supporter_gap_mm: Length


class IntroFigures(Record):
    """The programme's key figures beside the introduction."""

    figures: tuple[str, ...]  # keys of the overview's figures
    rule_colour: ColourName
    rule_width_pt: Length
    space_mm: Length


class Annex(Record):
    """The back matter: partners and glossary grids, notes pages."""

    row_space_mm: Length  # between glossary rows
    group_space_mm: Length  # between partner groups, below the taller of their two columns
    term_width_mm: Length  # the glossary's acronym column
    notes_pitch_mm: Positive  # between the ruled lines of a notes page
    notes_colour: ColourName
    notes_width_pt: Length


class Page(Record):
    """The brochure's page and the layout distances of its parts."""

    width_mm: Positive
    height_mm: Positive
    bleed_mm: Length
    page_multiple: Annotated[int, Range(ge=1)]  # print: pages padded for saddle stitching
    crop_marks: CropMarks
    margins: PageMargins
    sidebar: Sidebar
    band_height_mm: Length
    running_head: RunningHead
    cover_band_fraction: Fraction
    cover_rule_mm: Length
    cover_motif: CoverMotif
    band_padding_mm: Length
    band_top_mm: Length
    band_max_fraction: Fraction
    band_uniform_max_mm: Length
    strip_height_mm: Length
    bullet: str
    bullet_gap_em: Length
    photo: PagePhoto
    toc: Toc
    overview: Overview
    identity: Identity
    intro_figures: IntroFigures
    annex: Annex


class ChartColours(Record):
    budget: ColourName
    granted: ColourName


class Legend(Record):
    swatch_em: Length
    gap_em: Length
    spacing_em: Length


class ScaleBreak(Record):
    """A budget `ratio` times the next one is drawn broken past `headroom` times that one."""

    ratio: Annotated[float, Range(gt=1)]
    headroom: Annotated[float, Range(ge=1)]
    colour: ColourName


class Chart(Record):
    bar_height_mm: Positive
    bar_gap_mm: Length
    group_gap_mm: Length
    label_width_mm: Length
    label_max_width_mm: Length  # widened up to this when a title would be cut
    colours: ChartColours
    legend_height_mm: Length
    legend: Legend
    axis: ColourName
    axis_width_pt: Length
    grow_max: Annotated[float, Range(ge=1)]  # a short chart's bars grow at most this many times
    shrink_min: Annotated[
        float, Range(gt=0, le=1)
    ]  # and shrink, to stay on the page, at most to this
    scale_break: ScaleBreak


class StyleSpec(Record):
    """A text style as written: what it leaves out comes from `base`, then TextStyle."""

    base: str | None = None
    family: Annotated[str, FAMILY_NAME] | None = None
    bold: bool | None = None
    italic: bool | None = None
    size_pt: Positive | None = None
    leading_pt: Positive | None = None
    colour: ColourName | None = None
    align: Literal["left", "right", "center", "justify"] | None = None
    space_before_pt: Length | None = None
    space_after_pt: Length | None = None
    indent_mm: Length | None = None
    keep_with_next: bool | None = None
    upper: bool | None = None
    tracking_pt: float | None = None


class DocxMargins(Record):
    top_mm: Length
    bottom_mm: Length
    left_mm: Length
    right_mm: Length


class DocxPage(Record):
    width_mm: Positive
    height_mm: Positive
    margins: DocxMargins
    header_mm: Length
    footer_mm: Length


class TableStyle(Record):
    name: str
    shading: ColourName
    border: ColourName
    border_width_pt: Length
    rule: ColourName
    rule_width_pt: Length


class Lists(Record):
    bullet: str
    number: str  # Word's level text: %1. is the number and a full stop
    marker: ColourName
    hanging_mm: Length  # the mark hangs this far left of the text (the style's indent)


class Rule(Record):
    colour: ColourName
    width_pt: Positive
    space_pt: Length = 0


class DocxPhoto(Record):
    max_width_mm: Positive
    max_height_mm: Positive
    dpi: Positive


class Docx(Record):
    """The Word fact sheets: page, named styles, key facts table, lists, photo."""

    page: DocxPage
    header_logo_height_mm: Positive  # the publisher's logo (programme.yaml `logo:`) in the header
    label_column_mm: Length
    cell_padding_mm: Length
    cell_padding_y_mm: Length
    styles: dict[str, StyleSpec]
    character_styles: dict[str, StyleSpec]
    table_style: TableStyle
    lists: Lists
    rules: dict[str, dict[Literal["top", "bottom", "left", "right"], Rule]]
    photo: DocxPhoto
    hyphenation: bool


class MapColours(Record):
    highlight: ColourName  # the countries a map is about
    land: ColourName  # the other countries
    border: ColourName  # between countries
    frame: ColourName  # around an inset
    water: ColourName  # inside an inset


class MapMarker(Record):
    """The ring around a highlighted country too small to see at the map's scale."""

    radius_mm: Positive
    width_pt: Positive
    colour: ColourName


class MapInset(Record):
    """A box showing an overseas part (Guadeloupe) too small or too far for the main map."""

    height_mm: Positive
    max_width_mm: Positive
    gap_mm: Length
    corner: Literal["bottom-left", "bottom-right", "top-left", "top-right"]
    span_degrees: Positive  # an inset shows at least this much of the earth


class MapBox(Record):
    max_height_mm: Positive
    min_height_mm: Positive
    legend: bool = False  # say in a corner what the rings of small countries are


class DocxMap(Record):
    width_mm: Positive  # beside the key facts
    max_height_mm: Positive
    min_height_mm: Positive


class MapProjection(Record):
    name: Literal["equal_earth"]
    world_meridian_degrees: Annotated[float, Range(ge=-180, le=180)]


class MapWorld(Record):
    span_degrees: Positive  # countries spread over more longitude: a world view
    south_degrees: Annotated[float, Range(ge=-90, le=90)]
    north_degrees: Annotated[float, Range(ge=-90, le=90)]


class Maps(Record):
    """The overview map and the locator maps (brochure and fact sheets)."""

    enabled: bool
    projection: MapProjection
    world: MapWorld
    margin_fraction: Fraction  # room around the countries shown, part of the view
    min_span_degrees: Positive  # a view never zooms closer
    min_size_mm: Length  # a highlighted country smaller than this gets a ring
    max_error_mm: Positive  # simplification allowed on paper for highlighted countries
    context_error_mm: Positive  # and for the countries around
    min_ring_mm: Length  # smaller islands of the countries around are left out
    min_context_mm: Length  # a regional view needs land this large around, or shows the world
    marker: MapMarker
    colours: MapColours
    border_width_pt: Length
    frame_width_pt: Length
    label: str  # the brochure paragraph style of inset labels
    inset: MapInset
    overview: MapBox
    action: MapBox
    cover: MapBox  # without a cover picture, the programme's countries below the title
    docx: DocxMap


class ThemeFile(Record):
    """A whole theme file, once merged over the built-in one."""

    name: str
    locale_dir: str  # relative to the file that names it
    fonts: Fonts
    colours: dict[str, ColourSpec]
    page: Page
    chart: Chart
    styles: dict[str, StyleSpec]
    docx: Docx
    maps: Maps


# -- what the renderers read -----------------------------------------------------------------


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
    """A paragraph or character style with its `base` resolved."""

    name: str
    family: str = "body"
    bold: bool = False
    italic: bool = False
    size_pt: float = 10
    leading_pt: float = 12
    colour: str = "ink"
    align: str = "left"
    space_before_pt: float = 0
    space_after_pt: float = 0
    indent_mm: float = 0
    keep_with_next: bool = False
    upper: bool = False
    tracking_pt: float = 0  # letter spacing
    given: frozenset[str] = frozenset()  # the fields the style or its bases set


@dataclass(frozen=True, eq=False)  # hashed by identity: one cached object per file
class Theme:
    """Everything the renderers may not invent."""

    name: str
    path: Path
    colours: dict[str, Colour]
    families: dict[str, FontFamily]
    page: Page
    chart: Chart
    styles: dict[str, TextStyle]
    docx: Docx
    docx_styles: dict[str, TextStyle]
    docx_character_styles: dict[str, TextStyle]
    locale_dir: Path
    maps: Maps
    raw_hash: str = ""
    labels: tuple[tuple[str, Any], ...] = ()  # the project file's label overrides

    def colour(self, name: str) -> Colour:
        """Return a named colour."""
        try:
            return self.colours[name]
        except KeyError:
            raise ConfigError(
                _("{file}: colours.{name}: colour not defined").format(file=self.path, name=name)
            ) from None

    def style(self, name: str) -> TextStyle:
        """Return a named paragraph style of the brochure."""
        try:
            return self.styles[name]
        except KeyError:
            raise ConfigError(
                _("{file}: styles.{name}: style not defined").format(file=self.path, name=name)
            ) from None

    def family(self, name: str) -> FontFamily:
        """Return a named font family."""
        try:
            return self.families[name]
        except KeyError:
            raise ConfigError(
                _("{file}: fonts.families.{name}: family not defined").format(
                    file=self.path, name=name
                )
            ) from None

    def locale(self, language: str) -> i18n.Locale:
        """Return the locale for a content language, or raise ConfigError."""
        found = i18n.find(self.locale_dir, language)
        if found is None:
            have = ", ".join(i18n.available(self.locale_dir)) or "none"
            raise ConfigError(
                _("no locale file for {language!r} in {folder} (have: {have})").format(
                    language=language, folder=self.locale_dir, have=have
                )
            )
        locale = i18n.load(found)
        if self.labels:
            locale = dataclasses.replace(locale, labels={**locale.labels, **dict(self.labels)})
        return locale

    def with_labels(self, labels: dict[str, Any]) -> Theme:
        """Return this theme with some labels of its locales replaced (a project's choice)."""
        if not labels:
            return self
        return _labelled(self, json.dumps(labels, sort_keys=True, ensure_ascii=False))


@cache  # one object per theme and labels: what is prepared per theme is prepared once
def _labelled(theme: Theme, labels: str) -> Theme:
    digest = hashlib.sha256(f"{theme.raw_hash}\0{labels}".encode()).hexdigest()
    return dataclasses.replace(theme, labels=tuple(json.loads(labels).items()), raw_hash=digest)


# -- loading ---------------------------------------------------------------------------------

Where = tuple[str, int]  # the file and line a value was read from
_STYLE_FIELDS = {f.name for f in fields(TextStyle)} - {"name", "given"}


@dataclass
class _Source:
    """A theme merged over the built-in one, remembering where each value was read."""

    data: dict[str, Any]
    where: dict[yamlsafe.Path, Where]
    files: list[tuple[Path, str]]  # each file read and its text, the built-in one first

    def at(self, path: yamlsafe.Path) -> Where:
        while path and path not in self.where:
            path = path[:-1]
        return self.where.get(path, (str(self.files[-1][0]), 1))

    def problem(self, path: yamlsafe.Path, message: str) -> Problem:
        file, line = self.at(path)
        return Problem(file, line, field_name(path), message)


def locale_dir_of(theme_file: Path) -> Path:
    """Return the locale folder a theme uses, without loading the whole theme."""
    try:
        return load_theme(theme_file).locale_dir
    except ConfigError:
        return DEFAULTS_DIR / "locale"


@cache
def load_theme(path: Path = DEFAULT_THEME) -> Theme:
    """Load a theme file over the built-in one and check it; raise ConfigError listing all."""
    path = Path(path).resolve()
    source = _Source({}, {}, [])
    problems: list[Problem] = []
    for file in dict.fromkeys((DEFAULT_THEME.resolve(), path)):
        _read_over(source, file, problems)
    if problems:
        raise _error(problems)
    spec, found = read(ThemeFile, source.data)
    for loc, kind, context in found.mistakes:
        problems.append(source.problem(loc, _describe(kind, context, loc, source)))
    problems += _references(source, found.marked)  # reported with the type errors
    if spec is None:
        raise _error(problems)
    theme = _theme(spec, source, problems)
    if problems:
        raise _error(problems)
    return theme


def _flow_comma(source: _Source, loc: tuple[Any, ...]) -> str | None:
    """Return `11.5` for the key `5` of `{size_pt: 11,5}`: YAML split the number at its comma."""
    key = str(loc[-1])
    if not key.isdigit():
        return None
    file, line = source.at(loc)
    text = next((text for path, text in source.files if str(path) == file), "")
    lines = text.splitlines()
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    found = re.search(rf"(\d+),{key}\b", text[text.find("{") :]) if "{" in text else None
    return f"{found.group(1)}.{key}" if found else None


def _read_over(source: _Source, file: Path, problems: list[Problem]) -> None:
    """Read one theme file and merge it over what `source` holds."""
    try:
        text = file.read_text(encoding="utf-8")
        located = yamlsafe.parse(text, trusted=file == DEFAULT_THEME.resolve())
    except OSError as exc:
        problems.append(
            Problem(str(file), 0, "", _("cannot be read ({reason})").format(reason=reason(exc)))
        )
        return
    except UnicodeDecodeError:
        problems.append(Problem(str(file), 0, "", _("is not UTF-8; save the file as UTF-8")))
        return
    except yamlsafe.YamlError as exc:
        problems.append(Problem(str(file), exc.line, field_name(exc.path), exc.message))
        return
    source.files.append((file, text))
    data = located.data if located.data is not None else {}
    if not isinstance(data, dict):
        problems.append(Problem(str(file), 1, "", _("expected settings such as 'page: ...'")))
        return
    if "locale_dir" in data and isinstance(data["locale_dir"], str):
        data["locale_dir"] = str((file.parent / data["locale_dir"]).resolve())
    where = {p: (str(file), line) for p, line in located.lines.items() if p}
    _merge(source.data, data, (), source.where, where)


def _merge(
    into: dict[str, Any],
    over: dict[str, Any],
    path: yamlsafe.Path,
    where: dict[yamlsafe.Path, Where],
    given: dict[yamlsafe.Path, Where],
) -> None:
    for key, value in over.items():
        here = (*path, key)
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            where[here] = given[here]
            _merge(into[key], value, here, where, given)
            continue
        into[key] = value
        for p in [p for p in where if p[: len(here)] == here]:
            del where[p]  # what was under a replaced value is gone
        where.update({p: w for p, w in given.items() if p[: len(here)] == here})


def _theme(spec: ThemeFile, source: _Source, problems: list[Problem]) -> Theme:
    colours = {
        name: Colour(name, c.cmyk, c.rgb)  # type: ignore[arg-type]
        for name, c in spec.colours.items()
    }
    families = _families(spec.fonts, source, problems)
    styles = _styles(spec.styles, ("styles",), source, problems)
    docx_styles = _styles(spec.docx.styles, ("docx", "styles"), source, problems)
    character = _styles(spec.docx.character_styles, ("docx", "character_styles"), source, problems)
    if spec.maps.label not in styles:
        problems.append(
            source.problem(
                ("maps", "label"),
                _("{name!r} is not a style of 'styles'").format(name=spec.maps.label),
            )
        )
    digest = hashlib.sha256()
    for file, text in source.files:
        digest.update(f"{file.name}\0{text}\0".encode())
    return Theme(
        name=spec.name,
        path=source.files[-1][0],
        colours=colours,
        families=families,
        page=spec.page,
        chart=spec.chart,
        styles=styles,
        docx=spec.docx,
        docx_styles=docx_styles,
        docx_character_styles=character,
        locale_dir=Path(spec.locale_dir),
        maps=spec.maps,
        raw_hash=digest.hexdigest(),
    )


def _references(source: _Source, named: list[tuple[yamlsafe.Path, str, str]]) -> list[Problem]:
    """Return every colour or font family named in the theme that the theme does not define.

    The settings that name one are those declared ColourName or with FAMILY_NAME (`named`,
    found by reading the theme), so a new colour setting is checked without being listed here.
    """
    data = source.data
    colours, fonts = data.get("colours"), data.get("fonts")
    families = fonts.get("families") if isinstance(fonts, dict) else None
    # What defines the names; one that is not a mapping has its own message, and every
    # name would be « not defined » once more: those are not checked.
    found = {
        kind: set(defined)
        for kind, defined in ((COLOUR_NAME, colours), (FAMILY_NAME, families))
        if isinstance(defined, dict)
    }
    what = {
        COLOUR_NAME: _("{name!r} is not a colour of the theme (have: {have})"),
        FAMILY_NAME: _("{name!r} is not a font family of the theme (have: {have})"),
    }
    problems = []
    for where in (("styles",), ("docx", "styles"), ("docx", "character_styles")):
        section: Any = data
        for key in where:
            section = section.get(key) if isinstance(section, dict) else None
        for name, spec in (section or {}).items() if isinstance(section, dict) else ():
            base = spec.get("base") if isinstance(spec, dict) else None
            if isinstance(base, str) and base not in section:
                problems.append(
                    source.problem(
                        (*where, name, "base"),
                        _("{base!r} is not a style of this section").format(base=base),
                    )
                )
    for path, kind, name in named:
        if kind in found and name not in found[kind]:
            have = ", ".join(sorted(found[kind])) or "none"
            problems.append(source.problem(path, what[kind].format(name=name, have=have)))
    return problems


def _styles(
    specs: dict[str, StyleSpec],
    where: yamlsafe.Path,
    source: _Source,
    problems: list[Problem],
) -> dict[str, TextStyle]:
    """Resolve `base` chains: a style is its base's fields with its own over them."""
    resolved: dict[str, dict[str, Any]] = {}

    def resolve(name: str, chain: tuple[str, ...] = ()) -> dict[str, Any]:
        if name in resolved:
            return resolved[name]
        spec = specs[name]
        merged: dict[str, Any] = {}
        if spec.base is not None:
            if spec.base in chain or spec.base == name:
                problems.append(
                    source.problem(
                        (*where, name, "base"),
                        _("'base' loops ({chain})").format(
                            chain=" -> ".join((*chain, name, spec.base))
                        ),
                    )
                )
            elif spec.base not in specs:
                problems.append(
                    source.problem(
                        (*where, name, "base"),
                        _("{base!r} is not a style of this section").format(base=spec.base),
                    )
                )
            else:
                merged.update(resolve(spec.base, (*chain, name)))
        merged.update({k: v for k, v in spec.as_dict().items() if k != "base" and v is not None})
        resolved[name] = merged
        return merged

    out = {}
    for name in specs:
        values = {k: v for k, v in resolve(name).items() if k in _STYLE_FIELDS}
        out[name] = TextStyle(name=name, given=frozenset(values), **values)
    return out


def _truetype(path: Path) -> bool:
    """Tell whether a file starts as a TrueType font does (not CFF outlines, not anything else)."""
    try:
        with path.open("rb") as handle:
            return handle.read(4) in (b"\x00\x01\x00\x00", b"true")
    except OSError:
        return False


def _families(fonts: Fonts, source: _Source, problems: list[Problem]) -> dict[str, FontFamily]:
    spec = importlib.util.find_spec(fonts.package)
    if spec is None or not spec.submodule_search_locations:
        problems.append(
            source.problem(
                ("fonts", "package"),
                _("the font package {package!r} is not installed (pip install it)").format(
                    package=fonts.package
                ),
            )
        )
        return {}
    folder = Path(next(iter(spec.submodule_search_locations)))
    folder = folder / "files" if (folder / "files").is_dir() else folder
    families = {}
    for key, family in fonts.families.items():
        files = {}
        for face in ("regular", "bold", "italic", "bold_italic"):
            file = folder / getattr(family, face)
            if not file.is_file():
                message = _("{file} not found in the font package").format(file=file.name)
            elif file.suffix.lower() != ".ttf" or not _truetype(file):
                message = _("{file}: a TrueType (.ttf) file is needed").format(file=file.name)
            else:
                files[face] = file
                continue
            problems.append(source.problem(("fonts", "families", key, face), message))
        if len(files) == 4:
            families[key] = FontFamily(key=key, name=family.name, **files)
    return families


_UNITS = ("_mm", "_pt", "_em", "_fraction")
_MESSAGES = {
    "missing": N_("is missing (required)"),
    "dict_type": N_("expected settings (key: value lines)"),
    "string_type": N_("expected text"),
    "list_type": N_("expected a list ([a, b], or one '- ' line each)"),
    "int_parsing": N_("{input!r}: expected a whole number"),
    "float_parsing": N_("{input!r}: expected a number"),
    "decimal_comma": N_("{input!r}: expected a number; write the decimal point as a dot, {plain}"),
    "bool_parsing": N_("{input!r}: expected true or false"),
    "greater_than_equal": N_("must be at least {ge:g}"),
    "greater_than": N_("must be more than {gt:g}"),
    "less_than_equal": N_("must be at most {le:g}"),
    "literal_error": N_("{input!r}: expected one of {expected}"),
    "string_pattern_mismatch": N_("{input!r}: expected a screen colour such as '#00606b'"),
    "too_short": N_("expected {min_length} values, not {actual_length}"),
    "too_long": N_("expected {max_length} values, not {actual_length}"),
}
_HEX = re.compile(r"[0-9a-fA-F]{6}")


def _describe(kind: str, context: dict[str, Any], loc: tuple[Any, ...], source: _Source) -> str:
    if kind == "extra_forbidden":
        decimals = _flow_comma(source, loc)
        if decimals:
            return _(
                "unknown setting: inside {{ }}, a comma separates settings"
                " (write decimals with a dot, {number})"
            ).format(number=decimals)
        known = list(declared(record_at(ThemeFile, loc[:-1]) or ThemeFile))
        key = str(loc[-1])
        # A setting named without its unit (`bleed` for `bleed_mm`) is the likely slip.
        with_unit = [f"{key}{unit}" for unit in _UNITS if f"{key}{unit}" in known]
        guess = with_unit[0] if with_unit else did_you_mean(key, known)
        if guess:
            return _("unknown setting: did you mean '{field}'?").format(field=guess)
        return _("unknown setting (expected one of: {known})").format(known=", ".join(known))
    if loc[-1:] == ("rgb",) and kind == "string_type" and context["input"] is None:
        # `rgb: #e07000` unquoted: YAML reads a comment, and the value is empty.
        return _("is empty: write the colour in quotes, rgb: '#00606b' (# starts a comment)")
    if kind != "missing" and context.get("input", "") is None:  # `bleed_mm:` and nothing
        return _("is empty (write its value after the colon)")
    if kind == "string_pattern_mismatch" and _HEX.fullmatch(str(context["input"])):
        return _("{input!r}: write the colour with a '#', in quotes: '#{input}'").format(**context)
    return _(_MESSAGES[kind]).format(**context)


def _error(problems: list[Problem]) -> ConfigError:
    return ConfigError("\n".join(str(p) for p in sorted(set(problems))))
