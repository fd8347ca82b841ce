"""Regenerate the page pictures of docs/images/ from the seed content.

    .venv/bin/python docs/make_pictures.py

Builds the seed into a temporary folder, rasterises pages with pdftoppm (poppler) and the
fact sheets through LibreOffice, and writes the PNG files the README shows.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "images"
SHEETS = ("echangeons", "paniers-paysans")


def run(*args: str | Path) -> None:
    subprocess.run([str(a) for a in args], check=True, capture_output=True, timeout=600)


def pages(
    pdf: Path, dpi: int, folder: Path, prefix: str, first: int = 1, last: int = 0
) -> list[Path]:
    """Rasterise pages of `pdf` and return the PNG files in page order."""
    span = ["-f", str(first)] + (["-l", str(last)] if last else [])
    run("pdftoppm", "-png", "-r", str(dpi), *span, pdf, folder / prefix)
    return sorted(folder.glob(f"{prefix}-*.png"))


def montage(files: list[Path], columns: int, gap: int = 8) -> Image.Image:
    """Return the pages side by side, `columns` to a row, on a grey ground."""
    images = [Image.open(f).convert("RGB") for f in files]
    w, h = images[0].size
    rows = (len(images) + columns - 1) // columns
    sheet = Image.new("RGB", (columns * (w + gap) + gap, rows * (h + gap) + gap), "#9a9a9a")
    for i, image in enumerate(images):
        sheet.paste(image, (gap + (i % columns) * (w + gap), gap + (i // columns) * (h + gap)))
    return sheet


def main() -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cfsi-pictures-") as tmp:
        work = Path(tmp)
        out = work / "output"
        cli = Path(sys.executable).with_name("cfsi-reports")
        run(cli, "build", "--content", ROOT / "content", "--output", out, "--quiet")
        screen, print_pdf = out / "brochure-screen.pdf", out / "brochure.pdf"
        # A 256-colour palette keeps the overview picture small in the repository (~200 KB).
        overview = montage(pages(screen, 36, work, "all"), 8)
        overview.quantize(256, dither=Image.Dither.NONE).save(
            IMAGES / "brochure-pages.png", optimize=True
        )
        named = {1: "cover", 2: "intro", 4: "overview", 5: "action", 14: "partners"}
        for number, name in named.items():
            (png,) = pages(screen, 70, work, f"p{number:02d}", number, number)
            shutil.copy(png, IMAGES / f"brochure-p{number:02d}-{name}.png")
        (png,) = pages(print_pdf, 50, work, "print05", 5, 5)
        shutil.copy(png, IMAGES / "brochure-print-p05.png")
        profile = (work / "lo-profile").as_uri()
        for slug in SHEETS:
            run(
                "soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to",
                "pdf", "--outdir", work, out / "fact-sheets" / f"{slug}.docx",
            )  # fmt: skip
            (png,) = pages(work / f"{slug}.pdf", 60, work, f"sheet-{slug}", 1, 1)
            shutil.copy(png, IMAGES / f"fact-sheet-{slug}.png")
    print(f"wrote the page pictures in {IMAGES.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
