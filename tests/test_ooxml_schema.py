"""The fact sheets validated against the Office Open XML schemas and the Open XML SDK's rules.

openxml-audit ports the validator of Microsoft's Open XML SDK (schemas, semantic rules,
package structure): what it finds is what makes Word offer to « repair unreadable content ».
It runs in strict mode; the one rule waived is the theme part the SDK asks for, which the
sheets leave out on purpose (Word and LibreOffice open them without it, and fonts and colours
come from the named styles, not from a theme).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cfsi_reports.cli import main

openxml_audit = pytest.importorskip("openxml_audit")

WAIVED = ("A required relationship type", "/relationships/theme' is missing")


def problems(path: Path) -> list[str]:
    result = openxml_audit.OpenXmlValidator(strict=True).validate(str(path))
    found = [str(e) for e in result.errors]
    return [p for p in found if not all(w in p for w in WAIVED)]


def build(*args: str) -> None:
    result = CliRunner().invoke(main, ["build", *args])
    assert result.exit_code == 0, result.output


def test_every_seed_sheet_is_valid(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build("--output", str(out), "--format", "docx", "--jobs", "1")
    sheets = sorted((out / "fact-sheets").glob("*.docx"))
    assert len(sheets) == 9
    for sheet in sheets:
        assert problems(sheet) == [], sheet.name


def test_the_template_and_a_sheet_built_from_it_are_valid(tmp_path: Path) -> None:
    template = tmp_path / "modele.docx"
    result = CliRunner().invoke(main, ["template", str(template)])
    assert result.exit_code == 0, result.output
    assert problems(template) == []
    out = tmp_path / "out"
    build("--output", str(out), "--only", "banane", "--docx-template", str(template))
    assert problems(out / "fact-sheets/banane.docx") == []


def test_a_sheet_with_a_photo_and_every_rich_text_form_is_valid(
    content_copy: Path, tmp_path: Path
) -> None:
    from PIL import Image

    (content_copy / "photos").mkdir(exist_ok=True)
    Image.new("RGB", (64, 48), (20, 120, 200)).save(content_copy / "photos/atelier.png")
    path = content_copy / "actions/03-banane.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["photo"] = {"file": "photos/atelier.png", "alt": "Un atelier", "credit": "CFSI"}
    data["project"] = (
        "Un **gras**, un *italique* & <des> « guillemets ».\n\n- un\n- deux\n\n1. a\n2. b"
    )
    data["beneficiaries"] = {"direct": ["35 femmes", "12 hommes"], "indirect": "800"}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    build("--content", str(content_copy), "--output", str(out), "--only", "banane")
    assert problems(out / "fact-sheets/banane.docx") == []


def test_the_validator_sees_a_broken_sheet(tmp_path: Path) -> None:
    """The check can fail: an element out of its schema's order is reported."""
    import zipfile

    out = tmp_path / "out"
    build("--output", str(out), "--only", "banane")
    sheet = out / "fact-sheets/banane.docx"
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(sheet) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body><w:bogus/>", 1)
            dst.writestr(info, data)
    assert problems(broken) != []
