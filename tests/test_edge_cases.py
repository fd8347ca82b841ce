"""Strange but valid content, built end to end: every text reaches both kinds of document."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cfsi_reports.cli import main
from conftest import require_tool, run_tool, squash
from helpers.content import action, write_content

URL = "https://example.org/" + "-".join(["motsansespace"] * 8) + "?q=" + "x" * 40
TITLE_300 = ("Un titre démesuré pour une action pilote qui n'en finit pas " * 6)[:300].strip()


CASES: dict[str, list[dict[str, Any]]] = {
    "sidebar-200-partners": [
        action(
            "Deux cents partenaires",
            partners=[f"Partenaire n° {i} du réseau" for i in range(1, 201)],
        )
    ],
    "word-longer-than-the-column": [
        action("Un lien", partners=[URL], project=f"Voir {URL} pour tout savoir.", activities=[URL])
    ],
    "only-required-fields": [action("Le minimum")],
    "title-of-300-characters": [action(TITLE_300)],
    "many-actions-one-line-each": [action(f"Action {i}") for i in range(1, 4)],
}


def strings(data: dict[str, Any]) -> list[str]:
    out = [data["title"], data["lead"], *data["partners"], *data["locations"]]
    out += [data["project"], *data["expected_results"], *data["activities"]]
    return out


def docx_text(path: Path) -> str:
    from docx import Document

    document = Document(io.BytesIO(path.read_bytes()))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


@pytest.mark.parametrize("case", sorted(CASES))
def test_case_builds_with_all_its_text(case: str, tmp_path: Path) -> None:
    pdftotext = require_tool("pdftotext")
    root = write_content(tmp_path / "content", CASES[case])
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--content", str(root), "--output", str(out)])
    assert result.exit_code == 0, result.output
    brochure = squash(run_tool(pdftotext, out / "brochure.pdf", "-"))
    for i, data in enumerate(CASES[case], 1):
        sheet = squash(docx_text(out / f"fact-sheets/action-{i}.docx"))
        for text in strings(data):
            assert squash(text) in brochure, (case, text[:60])
            assert squash(text) in sheet, (case, text[:60])


def test_a_large_photo_is_placed_in_both_documents(tmp_path: Path) -> None:
    from PIL import Image

    root = write_content(tmp_path / "content", [action("Avec photo")])
    (root / "photos").mkdir()
    Image.new("RGB", (4000, 2600), (30, 120, 90)).save(root / "photos/grande.jpg", quality=60)
    path = root / "actions/01-action-1.yaml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + "photo:\n  file: photos/grande.jpg\n  alt: Une parcelle verte\n  credit: CFSI\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--content", str(root), "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "brochure.pdf").stat().st_size < 8_000_000  # downsampled, not 4000 px wide
    with zipfile.ZipFile(out / "fact-sheets/action-1.docx") as z:
        xml = z.read("word/document.xml").decode()
        assert 'descr="Une parcelle verte"' in xml
        media = [n for n in z.namelist() if n.startswith("word/media/")]
        assert media and all(z.getinfo(n).file_size < 3_000_000 for n in media)
    assert "CFSI" in docx_text(out / "fact-sheets/action-1.docx")
