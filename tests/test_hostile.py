"""Hostile and strange files: refused quickly, clearly, with bounded memory; or read correctly."""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import pytest

from cfsi_reports.content import load_content
from cfsi_reports.errors import ContentError

ACTION = "actions/01-echangeons.yaml"


def problems(root: Path) -> list[str]:
    with pytest.raises(ContentError) as info:
        load_content(root)
    return [str(p) for p in info.value.problems]


def refused_quickly(root: Path, limit_mb: float = 64) -> list[str]:
    """Return the problems found, checking the file was refused before it grew in memory.

    How fast it is refused is measured in benchmarks/limits.py (no timing in tests).
    """
    tracemalloc.start()
    try:
        found = problems(root)
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak < limit_mb * 1e6, f"peak {peak / 1e6:.0f} MB"
    return found


def test_python_tags_never_run(content_copy: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    (content_copy / ACTION).write_text(
        f"title: !!python/object/apply:os.system ['touch {marker}']\n", encoding="utf-8"
    )
    found = refused_quickly(content_copy)
    assert any(f"{ACTION}:1: title: the tag" in p and "not allowed" in p for p in found), found
    assert not marker.exists()


def test_alias_bomb_is_refused(content_copy: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 12):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    (content_copy / ACTION).write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = refused_quickly(content_copy)
    assert any(f"{ACTION}:2:" in p and "alias" in p for p in found), found


def test_deep_nesting_is_refused(content_copy: Path) -> None:
    (content_copy / ACTION).write_text("title: " + "[" * 100_000 + "]" * 100_000, encoding="utf-8")
    found = refused_quickly(content_copy)
    assert any("nesting deeper than" in p for p in found), found


def test_huge_file_is_refused_before_reading(content_copy: Path) -> None:
    with open(content_copy / ACTION, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    found = refused_quickly(content_copy, limit_mb=8)
    assert any(f"{ACTION}: is 52.4 MB" in p for p in found), found


def test_control_characters_are_located(content_copy: Path) -> None:
    path = content_copy / ACTION
    text = path.read_text(encoding="utf-8").replace("lead: Batik", "lead: Batik\x0b")
    path.write_text(text, encoding="utf-8")
    found = problems(content_copy)
    assert any(f"{ACTION}:5: lead: contains the character U+000B" in p for p in found), found


def test_non_utf8_file_is_located(content_copy: Path) -> None:
    path = content_copy / ACTION
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1", "replace"))
    found = problems(content_copy)
    assert any(f"{ACTION}:1: is not UTF-8" in p and "save the file as UTF-8" in p for p in found)


def test_bom_and_windows_line_endings_are_read(content_copy: Path) -> None:
    path = content_copy / ACTION
    original = path.read_text(encoding="utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + original.replace("\n", "\r\n").encode("utf-8"))
    content = load_content(content_copy)
    action = content.action("echangeons")
    assert action.lead == "Batik International"
    assert "\r" not in action.project.plain


def test_tabs_in_indentation_are_explained(content_copy: Path) -> None:
    path = content_copy / ACTION
    path.write_text(
        path.read_text(encoding="utf-8").replace("  - Centre Hubertine", "\t- Centre Hubertine"),
        encoding="utf-8",
    )
    found = problems(content_copy)
    assert any("tabs cannot indent YAML" in p for p in found), found


def test_symlink_outside_the_content_folder_is_refused(content_copy: Path, tmp_path: Path) -> None:
    outside = tmp_path / "secret.yaml"
    outside.write_text((content_copy / ACTION).read_text(encoding="utf-8"), encoding="utf-8")
    (content_copy / "actions/10-lien.yaml").symlink_to(outside)
    found = problems(content_copy)
    assert any("actions/10-lien.yaml: is a link to a file outside" in p for p in found), found


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/passwd"])
def test_photo_outside_the_content_folder_is_refused(content_copy: Path, name: str) -> None:
    with open(content_copy / ACTION, "a", encoding="utf-8") as handle:
        handle.write(f"photo:\n  file: {name}\n  alt: une photo\n")
    found = problems(content_copy)
    assert any("photo.file:" in p and "outside the content folder" in p for p in found), found


@pytest.mark.parametrize("slug", ["../evil", "a/b", "Évasion", "x" * 200])
def test_slugs_that_could_leave_the_output_folder_are_refused(
    content_copy: Path, slug: str
) -> None:
    with open(content_copy / ACTION, "a", encoding="utf-8") as handle:
        handle.write(f'slug: "{slug}"\n')
    found = problems(content_copy)
    assert any(": slug: " in p and "not a valid slug" in p for p in found), found


def test_photo_that_is_not_an_image(content_copy: Path) -> None:
    (content_copy / "photos").mkdir()
    (content_copy / "photos/faux.jpg").write_bytes(os.urandom(2048))
    with open(content_copy / ACTION, "a", encoding="utf-8") as handle:
        handle.write("photo:\n  file: photos/faux.jpg\n  alt: une photo\n")
    found = problems(content_copy)
    assert any("not a readable image" in p for p in found), found


def test_missing_photo_and_missing_alt(content_copy: Path) -> None:
    with open(content_copy / ACTION, "a", encoding="utf-8") as handle:
        handle.write("photo:\n  file: photos/absente.jpg\n")
    found = problems(content_copy)
    assert any("photo.alt: is missing" in p for p in found), found


def test_norway_stays_a_country(content_copy: Path) -> None:
    path = content_copy / ACTION
    path.write_text(
        path.read_text(encoding="utf-8").replace("[EG, MA, TN, FR]", "[EG, NO, FR]"),
        encoding="utf-8",
    )
    assert load_content(content_copy).action("echangeons").countries == ["EG", "NO", "FR"]


def test_duplicate_keys_are_refused(content_copy: Path) -> None:
    with open(content_copy / ACTION, "a", encoding="utf-8") as handle:
        handle.write("lead: Quelqu'un d'autre\n")
    found = problems(content_copy)
    first = next(
        n
        for n, line in enumerate((content_copy / ACTION).read_text("utf-8").splitlines(), 1)
        if line.startswith("lead:")
    )
    said = f"lead: this key is given twice: already on line {first}"
    assert any(said in p for p in found), found


def test_characters_the_fonts_lack_are_named_with_file_line_and_field(content_copy: Path) -> None:
    from click.testing import CliRunner

    from cfsi_reports.cli import main

    path = content_copy / ACTION
    text = path.read_text(encoding="utf-8")
    text = text.replace("lead: Batik International", "lead: Batik International 漢字")
    text = text.replace("  - Centre Hubertine Auclert", "  - Centre Hubertine Auclert 🌍")
    path.write_text(text, encoding="utf-8")
    out = str(content_copy.parent / "out")
    for command in (["validate"], ["build", "--output", out]):
        result = CliRunner().invoke(main, [*command, "--content", str(content_copy)])
        assert result.exit_code == 1, result.output
        assert f"{ACTION}:5: lead: the fonts of the theme cannot draw U+6F22" in result.output
        assert "U+5B57" in result.output
        assert (
            f"{ACTION}:7: partners[1]: the fonts of the theme cannot draw U+1F30D" in result.output
        )
    assert not Path(out).exists()  # nothing written, neither brochure nor fact sheets


def test_a_character_typography_puts_in_is_checked_too(content_copy: Path, monkeypatch) -> None:
    """A text the fonts draw as typed still fails when its typeset form holds a character
    they lack (here the apostrophe the locale sets: ' becomes 漢)."""
    from dataclasses import replace

    from cfsi_reports.checks import check
    from cfsi_reports.theme import Theme, load_theme

    theme = load_theme()
    locale = theme.locale("fr")
    odd = replace(locale, typography=replace(locale.typography, apostrophe="漢"))
    monkeypatch.setattr(Theme, "locale", lambda self, language: odd)
    with pytest.raises(ContentError) as caught:
        check(load_content(content_copy), theme)
    assert "cannot draw U+6F22" in str(caught.value)


def test_vietnamese_and_french_are_covered(content_copy: Path) -> None:
    from cfsi_reports.checks import check
    from cfsi_reports.theme import load_theme

    path = content_copy / ACTION
    text = path.read_text(encoding="utf-8").replace(
        "  - Région Ile-de-France", "  - Thừa Thiên Huế, Đà Nẵng, Œuvre, « ça », 98\u202f525 €"
    )
    path.write_text(text, encoding="utf-8")
    check(load_content(content_copy), load_theme())


def test_long_runs_of_spaces_are_read_quickly(content_copy: Path) -> None:
    import yaml

    from cfsi_reports.checks import check
    from cfsi_reports.theme import load_theme

    path = content_copy / ACTION
    # As long as the limits allow: no-break spaces tie words, and words are at most 200.
    runs = ("\u00a0" * 150 + "x ") * 120 + " " * 1_000 + "»"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["project"] = f"Batik{runs}"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    # The spacing rules are linear: benchmarks/limits.py times this input.
    check(load_content(content_copy), load_theme())


def test_a_truncated_photo_is_refused_by_validation(content_copy: Path) -> None:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.effect_noise((400, 300), 60).convert("RGB").save(buffer, "JPEG")
    (content_copy / "photos").mkdir()
    (content_copy / "photos/coupee.jpg").write_bytes(buffer.getvalue()[:4000])
    with open(content_copy / ACTION, "a", encoding="utf-8") as handle:
        handle.write("photo:\n  file: photos/coupee.jpg\n  alt: une photo\n")
    found = problems(content_copy)
    assert any("not a readable image" in p for p in found), found


def test_a_flood_of_values_is_refused_before_it_is_built(content_copy: Path) -> None:
    (content_copy / ACTION).write_text(
        "partners: [" + ", ".join(["p"] * 120_000) + "]\n", encoding="utf-8"
    )
    found = refused_quickly(content_copy, limit_mb=64)
    assert any("more than" in p and "values" in p for p in found), found
