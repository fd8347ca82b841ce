"""The theme: typed sections, partial files over the built-in theme, package data."""

from __future__ import annotations

import fnmatch
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from cfsi_reports.errors import ConfigError
from cfsi_reports.theme import DEFAULT_THEME, DEFAULTS_DIR, MM, load_theme
from conftest import CONTENT, cli

ROOT = Path(__file__).resolve().parents[1]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def refused(path: Path) -> list[str]:
    """Load a theme that must be refused; return its messages, one per line."""
    with pytest.raises(ConfigError) as caught:
        load_theme(path)
    assert caught.value.exit_code == 2
    return str(caught.value).splitlines()


def test_a_partial_theme_changes_only_what_it_names(tmp_path: Path) -> None:
    default = load_theme()
    theme = load_theme(
        write(
            tmp_path / "theme.yaml",
            "page: {margins: {top_mm: 30}}\nstyles:\n  body: {size_pt: 10}\n",
        )
    )
    assert theme.page.margins.top_mm == 30
    assert theme.page.margins.bottom_mm == default.page.margins.bottom_mm  # same mapping
    assert theme.styles["body"].size_pt == 10
    assert theme.styles["body"].leading_pt == default.styles["body"].leading_pt
    assert theme.styles["intro"].size_pt == default.styles["intro"].size_pt  # base: body
    assert theme.colours == default.colours
    assert theme.raw_hash != default.raw_hash  # a build notices the change


def test_the_seed_project_theme_only_names_itself(theme) -> None:  # type: ignore[no-untyped-def]
    seed = load_theme(ROOT / "styles" / "theme.yaml")
    assert seed.name == "CFSI"
    assert seed.page == theme.page and seed.styles == theme.styles and seed.docx == theme.docx


def test_units_are_in_the_names() -> None:
    text = DEFAULT_THEME.read_text(encoding="utf-8")
    theme = load_theme()
    assert "bleed_mm: 3" in text and "size_pt: 9.5" in text
    assert theme.page.bleed_mm * MM == pytest.approx(8.504, abs=1e-3)
    for name in ("width", "height", "bleed", "size", "leading", "gap", "indent"):
        assert f" {name}:" not in text and f"{{{name}:" not in text, name


def test_every_problem_is_reported_with_its_line(tmp_path: Path) -> None:
    path = write(
        tmp_path / "theme.yaml",
        "colours:\n"
        "  primary: {cmyk: [0, 1, 0], rgb: e4007c}\n"  # 2
        "chart:\n"
        "  bar_height_mm: 0\n"  # 4
        "docx:\n"
        "  lists: {bullet: '-', marker: orange}\n"  # 6
        "  hyphenation: maybe\n",  # 7
    )
    assert refused(path) == [
        f"{path}:2: colours.primary.cmyk: expected 4 values, not 3",
        f"{path}:2: colours.primary.rgb: 'e4007c': write the colour with a '#', in quotes:"
        " '#e4007c'",
        f"{path}:4: chart.bar_height_mm: must be more than 0",
        f"{path}:6: docx.lists.marker: 'orange' is not a colour of the theme (have: "
        + ", ".join(sorted(load_theme().colours))
        + ")",
        f"{path}:7: docx.hyphenation: 'maybe': expected true or false",
    ]


def test_every_kind_of_setting_is_read_and_its_mistakes_named(tmp_path: Path) -> None:
    """Each kind a section declares (records.py): YAML's texts read as what it says."""
    path = write(
        tmp_path / "theme.yaml",
        "page:\n"
        "  sidebar: {figure_facts: budget}\n"  # 2: a list
        "  overview: {columns: 1e3}\n"  # 3: a whole number, written as one
        "maps:\n"
        "  inset: {corner: middle}\n"  # 5: a choice
        "  projection: {world_meridian_degrees: 200}\n"  # 6: bounds
        "chart: {bar_height_mm: .inf, bar_gap_mm: }\n"  # 7: a finite number; nothing
        "colours:\n"
        "  sand: {cmyk: [0, 0.1, 0.3, 0, 0]}\n"  # 9: a count, a missing setting
        '  dune: {cmyk: [0, 0, 0, 0], rgb: "#00606b\\n"}\n'  # 10: all of the pattern
        "docx: {hyphenation: maybe, lists: {hanging: 4}}\n"  # 11: true or false; a unit
        "styles: {body: {align: centre, bold: [yes]}}\n",  # 12
    )
    assert refused(path) == [
        f"{path}:2: page.sidebar.figure_facts: expected a list ([a, b], or one '- ' line each)",
        f"{path}:3: page.overview.columns: '1e3': expected a whole number",
        f"{path}:5: maps.inset.corner: 'middle': expected one of 'bottom-left', 'bottom-right',"
        " 'top-left', 'top-right'",
        f"{path}:6: maps.projection.world_meridian_degrees: must be at most 180",
        f"{path}:7: chart.bar_gap_mm: is empty (write its value after the colon)",
        f"{path}:7: chart.bar_height_mm: '.inf': expected a number",
        f"{path}:9: colours.sand.cmyk: expected 4 values, not 5",
        f"{path}:9: colours.sand.rgb: is missing (required)",
        f"{path}:10: colours.dune.rgb: '#00606b\\n': expected a screen colour such as '#00606b'",
        f"{path}:11: docx.hyphenation: 'maybe': expected true or false",
        f"{path}:11: docx.lists.hanging: unknown setting: did you mean 'hanging_mm'?",
        f"{path}:12: styles.body.align: 'centre': expected one of 'left', 'right', 'center',"
        " 'justify'",
        f"{path}:12: styles.body.bold: ['yes']: expected true or false",
    ]


def test_a_theme_written_the_french_way_is_read_or_told_how_to_fix(tmp_path: Path) -> None:
    """`9,5`, `oui`, a colour without its # or with a # YAML takes for a comment."""
    theme = write(
        tmp_path / "theme.yaml",
        "colours:\n"
        "  sable: {cmyk: [0, 0.1, 0.3, 0], rgb: f2e6c8}\n"  # 2
        "  terre:\n"
        "    cmyk: [0, 0.4, 0.6, 0.2]\n"
        "    rgb: #a0522d\n"  # 5: a comment, so no value
        "styles:\n"
        "  body:\n"
        "    size_pt: 9,5\n"  # 8
        "  intro: {size_pt: 11,5}\n"  # 9: in { }, a comma separates settings
        "docx: {hyphenation: oui}\n",  # 10: read, no message
    )
    project = tmp_path / "project"
    shutil.copytree(CONTENT, project / "content")
    english = cli("validate", "--content", "content", "--theme", str(theme), cwd=project)
    assert english.returncode == 2, english.stderr
    assert english.stderr.splitlines()[1:] == [
        f"{theme}:5: colours.terre.rgb: is empty: write the colour in quotes,"
        " rgb: '#00606b' (# starts a comment)",
        f"{theme}:8: styles.body.size_pt: '9,5': expected a number; write the decimal point"
        " as a dot, 9.5",
        f"{theme}:9: styles.intro.5: unknown setting: inside {{ }}, a comma separates settings"
        " (write decimals with a dot, 11.5)",
    ]
    assert english.stderr.splitlines()[0].endswith(
        f"{theme}:2: colours.sable.rgb: 'f2e6c8': write the colour with a '#', in quotes: '#f2e6c8'"
    )
    french = cli(
        "validate", "--content", "content", "--theme", str(theme), cwd=project, lang="fr_FR.UTF-8"
    )
    assert (
        f"{theme}:8: styles.body.size_pt: '9,5'\u00a0: un nombre est attendu\u00a0; écrivez les"
        " décimales après un point, 9.5" in french.stderr
    )
    assert "write" not in french.stderr and "expected" not in french.stderr
    fixed = theme.read_text(encoding="utf-8")
    fixed = fixed.replace("f2e6c8", "'#f2e6c8'").replace("#a0522d", "'#a0522d'")
    fixed = fixed.replace("9,5", "9.5").replace("11,5", "11.5")
    write(theme, fixed)
    assert load_theme(theme).docx.hyphenation is True  # oui


def test_an_empty_colours_mapping_is_one_mistake_not_forty(tmp_path: Path) -> None:
    path = write(tmp_path / "theme.yaml", "colours:\nfonts:\n  families: [body]\n")
    assert refused(path) == [
        f"{path}:1: colours: is empty (write its value after the colon)",
        f"{path}:3: fonts.families: expected settings (key: value lines)",
    ]


def test_settings_read_as_typed_frozen_and_equal_by_value(tmp_path: Path) -> None:
    path = write(
        tmp_path / "theme.yaml",
        "page: {overview: {columns: '3'}, bleed_mm: 2}\ndocx: {hyphenation: 'no'}\n",
    )
    theme, default = load_theme(path), load_theme()
    assert theme.page.overview.columns == 3 and isinstance(theme.page.overview.columns, int)
    assert theme.page.bleed_mm == 2.0 and isinstance(theme.page.bleed_mm, float)
    assert theme.docx.hyphenation is False
    assert theme.page.overview == default.page.overview  # equal by value, not identity
    assert hash(theme.page.overview) == hash(default.page.overview)
    assert theme.page != default.page
    with pytest.raises(AttributeError, match="frozen"):
        theme.page.bleed_mm = 5  # type: ignore[misc]


def test_names_that_lead_nowhere_are_reported_together(tmp_path: Path) -> None:
    path = write(
        tmp_path / "theme.yaml",
        "styles:\n"
        "  body: {colour: teal}\n"  # 2
        "  intro: {base: prose}\n"  # 3
        "  note: {family: serif, base: note}\n"  # 4
        "page: {toc: {rule_colour: gold}}\n",  # 5
    )
    text = "\n".join(refused(path))
    assert f"{path}:2: styles.body.colour: 'teal' is not a colour of the theme" in text
    assert f"{path}:3: styles.intro.base: 'prose' is not a style of this section" in text
    assert f"{path}:4: styles.note.base: 'base' loops (note -> note)" in text
    assert f"{path}:4: styles.note.family: 'serif' is not a font family" in text
    assert f"{path}:5: page.toc.rule_colour: 'gold' is not a colour" in text
    assert "defaults" not in text  # nothing blamed on the built-in theme


def test_a_theme_names_its_own_locale_folder(tmp_path: Path) -> None:
    (tmp_path / "words").mkdir()
    locale = (DEFAULTS_DIR / "locale" / "fr.yaml").read_text(encoding="utf-8")
    write(tmp_path / "words" / "fr.yaml", locale.replace("Porteur du projet", "Porteur"))
    theme = load_theme(write(tmp_path / "theme.yaml", "locale_dir: words\n"))
    assert theme.locale_dir == tmp_path / "words"
    assert theme.locale("fr").label("lead") == "Porteur"
    assert load_theme().locale("fr").label("lead") == "Porteur du projet"


def test_package_data_ships_every_default_file() -> None:
    """What `defaults/` holds is declared as package data, so a wheel carries it."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["cfsi_reports"]
    package = DEFAULTS_DIR.parent
    files = [p.relative_to(package).as_posix() for p in DEFAULTS_DIR.rglob("*") if p.is_file()]
    assert files
    unshipped = [f for f in files if not any(fnmatch.fnmatch(f, g) for g in globs)]
    assert unshipped == []


def test_the_tool_runs_from_any_folder(tmp_path: Path) -> None:
    """No path is computed from the source tree: an empty folder is enough."""
    code = (
        "from cfsi_reports.theme import load_theme; from cfsi_reports.scaffold import TEMPLATES;"
        "t = load_theme(); print(t.name, t.locale('fr').tag, (TEMPLATES / 'action.fr.yaml')"
        ".is_file())"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["cfsi-reports", "fr-FR", "True"]


def test_type_errors_and_undefined_names_come_together(tmp_path: Path) -> None:
    """One run lists both kinds, and a colour setting added to any section is checked."""
    path = write(
        tmp_path / "theme.yaml",
        "styles:\n"
        "  body: {size_pt: big, colour: teal}\n"  # 2
        "  intro: {base: prose}\n"  # 3
        "chart:\n"
        "  scale_break: {colour: silver}\n"  # 5
        "page:\n"
        "  annex: {notes_colour: gold}\n",  # 7
    )
    text = "\n".join(refused(path))
    assert f"{path}:2: styles.body.size_pt: 'big': expected a number" in text
    assert f"{path}:2: styles.body.colour: 'teal' is not a colour of the theme" in text
    assert f"{path}:3: styles.intro.base: 'prose' is not a style of this section" in text
    assert f"{path}:5: chart.scale_break.colour: 'silver' is not a colour" in text
    assert f"{path}:7: page.annex.notes_colour: 'gold' is not a colour" in text
    assert len(text.splitlines()) == 5


def test_a_damaged_font_file_is_named_without_a_traceback(tmp_path: Path) -> None:
    """Not a font at all: the theme says so; cut short: the first reader of its tables does."""
    import font_source_sans_pro

    files = Path(font_source_sans_pro.__file__).parent / "files"
    good = (files / "SourceSansPro-Regular.ttf").read_bytes()
    cases = {"noise.ttf": bytes(range(256)) * 8, "cut.ttf": good[:3000]}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        faces = "".join(f"      {face}: {tmp_path / name}\n" for face in _FACES)
        theme = tmp_path / f"{name}.yaml"
        theme.write_text(f"fonts:\n  families:\n    body:\n      name: X\n{faces}", "utf-8")
        args = ("build", "--jobs", "2", "--theme", str(theme), "--content", str(CONTENT))
        done = cli(*args, "--output", str(tmp_path / "out"), cwd=tmp_path)
        assert done.returncode == 2, done.stderr
        assert name in done.stderr and "Traceback" not in done.stderr, done.stderr
        assert not (tmp_path / "out").exists()


_FACES = ("regular", "bold", "italic", "bold_italic")


def test_glyph_coverage_agrees_with_reportlab_s_reading_of_each_font(theme) -> None:  # type: ignore[no-untyped-def]
    """The cmap lookups `validate` makes, against the whole table ReportLab decodes to draw."""
    import random

    from reportlab.pdfbase.ttfonts import TTFontFile

    from cfsi_reports.fonts import _cmap

    faces = {face for family in theme.families.values() for face in family.faces.values()}
    formats = set()
    rng = random.Random(18)
    for face in sorted(faces):
        drawn = {code for code, glyph in TTFontFile(str(face)).charToGlyph.items() if glyph}
        cmap = _cmap(face)
        formats.add(cmap.fmt)
        others = set(range(0x3000)) | {rng.randrange(0x110000) for _ in range(20_000)}
        assert {code for code in drawn | others if code in cmap} == drawn, face.name
    assert formats == {4, 12}  # both kinds of table were read: the italics have only the BMP's
