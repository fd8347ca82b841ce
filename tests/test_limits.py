"""Every input the probes used gets a located message or builds completely.

Limits are enforced when the content is validated (amounts, field and word length,
paragraphs, items, total size), chosen so that anything valid lays out; the layout
then never fails half-way: a title or word at the limits is broken, not refused.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

import pypdf
import pytest
import yaml
from click.testing import CliRunner

from cfsi_reports.cli import main
from cfsi_reports.content import load_content
from cfsi_reports.content.model import MAX_BLOCKS, MAX_ITEMS, MAX_TEXT, MAX_WORD
from cfsi_reports.errors import ContentError

ACTION = "actions/03-banane.yaml"


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def problems(root: Path) -> list[str]:
    with pytest.raises(ContentError) as info:
        load_content(root)
    return [str(p) for p in info.value.problems]


def edit(root: Path, name: str = ACTION, **fields: object) -> None:
    path = root / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(fields)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def words(count: int, length: int = 12) -> str:
    return " ".join(("développement" * 10)[:length] for _ in range(count))


@pytest.mark.parametrize("budget", ["1e27", "9" * 29, "-1e40", "1e999999"])
def test_huge_amounts_are_located_errors_and_hide_nothing(content_copy: Path, budget: str) -> None:
    edit(content_copy, funding={"budget": budget, "granted": 1})
    edit(content_copy, "actions/01-echangeons.yaml", duration_months="vingt")
    found = problems(content_copy)
    assert any(f"{ACTION}:" in p and "funding.budget" in p for p in found), found
    assert any("01-echangeons.yaml" in p and "duration_months" in p for p in found), found
    code, text = invoke("validate", "--content", str(content_copy))
    assert code == 1 and "internal error" not in text


def test_a_title_past_the_limit_is_refused_by_validate(content_copy: Path, tmp_path: Path) -> None:
    edit(content_copy, title=words(10_000, 9))  # 100 000 characters
    found = problems(content_copy)
    assert any(
        f"{ACTION}:" in p and f"title: is 99999 characters long (at most {MAX_TEXT}" in p
        for p in found
    ), found
    out = tmp_path / "out"
    code, text = invoke("build", "--content", str(content_copy), "--output", str(out))
    assert code == 1 and "nothing was written" in text
    assert not (out / "fact-sheets").exists()


@pytest.mark.parametrize("length", [MAX_WORD + 1, 5_000])
def test_an_overlong_word_is_refused_with_its_length(content_copy: Path, length: int) -> None:
    edit(content_copy, project="Un mot: " + "a" * length + " et la suite.")
    found = problems(content_copy)
    assert any(
        f"project: has a word of {length} characters" in p and f"at most {MAX_WORD}" in p
        for p in found
    ), found


def test_no_break_spaces_do_not_hide_a_long_word(content_copy: Path) -> None:
    edit(content_copy, lead="\u00a0".join(["mot"] * 60))
    assert any("lead: has a word of 239 characters" in p for p in problems(content_copy))


def test_too_many_paragraphs_are_refused(content_copy: Path) -> None:
    edit(content_copy, project="\n\n".join(["P."] * 100_000))
    found = problems(content_copy)
    assert any("project: is" in p or "paragraphs" in p for p in found), found
    edit(content_copy, project="\n\n".join(["Paragraphe."] * (MAX_BLOCKS + 1)))
    found = problems(content_copy)
    assert any(f"has {MAX_BLOCKS + 1} paragraphs and list items" in p for p in found), found


def test_too_many_items_are_refused(content_copy: Path) -> None:
    edit(content_copy, partners=["Partenaire"] * (MAX_ITEMS + 1))
    found = problems(content_copy)
    assert any(f"partners: has {MAX_ITEMS + 1} items (at most {MAX_ITEMS})" in p for p in found)


def test_content_too_large_in_total_is_refused(content_copy: Path) -> None:
    filler = "# " + "x" * 900_000 + "\n"  # comments: each file alone is under 1 MB
    for i in range(10, 16):
        source = (content_copy / ACTION).read_text(encoding="utf-8")
        (content_copy / f"actions/{i}-copie-{i}.yaml").write_text(
            filler + source + f"slug: copie-{i}\n", encoding="utf-8"
        )
    found = problems(content_copy)
    assert any("the action files add up to" in p and "at most 4 MB" in p for p in found), found


def test_content_at_every_limit_builds_completely(content_copy: Path, tmp_path: Path) -> None:
    """Titles, labels and lines at their longest, made of the longest words: all laid out."""
    word = ("Anticonstitutionnellementdéveloppementdurable" * 10)[:MAX_WORD]
    line = " ".join([word[:99]] * 3)
    assert len(line) == MAX_TEXT - 1
    edit(content_copy, "programme.yaml", title=line, subtitle=line, publisher=line)
    short = " ".join([word[:60]] * 5)
    edit(
        content_copy,
        title=line,
        regions=line,
        lead=line,
        partners=[line, word] * 20,
        locations=[line] * 40,
        beneficiaries={"label": line, "direct_label": line, "direct": [line] * 40},
        funding={"budget": "999999999999.99", "granted": "999999999999.98", "budget_label": line},
        duration_months=1200,
        project="\n\n".join([short] * 60),
        expected_results=[line] * 30,
        activities=["\n\n".join([short] * 3)] * 30,
    )
    out = tmp_path / "out"
    code, text = invoke("build", "--content", str(content_copy), "--output", str(out), "-j", "1")
    assert code == 0, text
    reader = pypdf.PdfReader(out / "brochure-screen.pdf")
    extracted = "".join(page.extract_text() for page in reader.pages)
    # The long word is there, broken across lines where it had to be.
    assert word[:20] in extracted and "999 999 999 999,99" in re.sub(r"\s", " ", extracted)
    with zipfile.ZipFile(out / "fact-sheets/banane.docx") as z:
        assert word.encode() in z.read("word/document.xml")


def test_a_private_use_character_is_not_called_a_control_character(content_copy: Path) -> None:
    edit(content_copy, lead="Batik \ue000 International")
    found = problems(content_copy)
    assert any("U+E000 (private-use character)" in p for p in found), found


def test_a_file_name_in_another_alphabet_is_refused_not_truncated(content_copy: Path) -> None:
    (content_copy / "actions/01-echangeons.yaml").rename(
        content_copy / "actions/01-\u0435\u0441hangeons.yaml"  # Cyrillic е and с
    )
    found = problems(content_copy)
    assert any(
        "01-\u0435\u0441hangeons.yaml:1: slug: the file name has letters a slug cannot spell" in p
        and "CYRILLIC SMALL LETTER IE" in p
        for p in found
    ), found


def test_latin_file_names_are_transliterated(content_copy: Path) -> None:
    (content_copy / "actions/03-banane.yaml").rename(
        content_copy / "actions/03-Bœuf-Maraîchage.yaml"
    )
    content = load_content(content_copy)
    assert "boeuf-maraichage" in [a.key for a in content.actions]


def test_a_huge_png_is_called_too_large(content_copy: Path) -> None:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 30_000, 30_000, 8, 2, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")
    (content_copy / "photos").mkdir(exist_ok=True)
    (content_copy / "photos/huge.png").write_bytes(png)
    edit(content_copy, photo={"file": "photos/huge.png", "alt": "Une photo"})
    found = problems(content_copy)
    assert any("'photos/huge.png' has too many pixels" in p for p in found), found


def test_a_fifo_photo_is_not_a_regular_file(content_copy: Path) -> None:
    (content_copy / "photos").mkdir(exist_ok=True)
    os.mkfifo(content_copy / "photos/pipe.jpg")
    edit(content_copy, photo={"file": "photos/pipe.jpg", "alt": "Une photo"})
    found = problems(content_copy)
    assert any("'photos/pipe.jpg' is not a regular file" in p for p in found), found


def test_the_photo_printed_is_the_photo_validated(content_copy: Path, tmp_path: Path) -> None:
    """Swapped for a link to a picture outside content/ after validation: never printed."""
    from PIL import Image

    from cfsi_reports.docx import FactSheetRenderer
    from cfsi_reports.theme import DEFAULT_THEME, load_theme

    (content_copy / "photos").mkdir(exist_ok=True)
    Image.new("RGB", (40, 30), (200, 30, 30)).save(content_copy / "photos/ok.png")
    Image.new("RGB", (40, 30), (30, 200, 30)).save(tmp_path / "outside.png")
    edit(content_copy, photo={"file": "photos/ok.png", "alt": "Une photo"})
    content = load_content(content_copy)
    (content_copy / "photos/ok.png").unlink()
    (content_copy / "photos/ok.png").symlink_to(tmp_path / "outside.png")
    data = FactSheetRenderer(content, load_theme(DEFAULT_THEME)).render(content.action("banane"))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        # The photo, not the locator map's EMF picture beside the key facts.
        media = [n for n in z.namelist() if n.startswith("word/media/") and not n.endswith(".emf")]
        image = Image.open(io.BytesIO(z.read(media[0]))).convert("RGB")
    red, green, _ = image.getpixel((20, 15))
    assert red > 150 and green < 100  # the validated red photo, not the green one outside
