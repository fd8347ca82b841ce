"""Build the print brochure alone, as one process (the Typst comparison in the issue)."""

from __future__ import annotations

import sys
from pathlib import Path

from cfsi_reports.build import epoch_from_env
from cfsi_reports.checks import check
from cfsi_reports.content import load_content
from cfsi_reports.output import write_atomic
from cfsi_reports.pdf import render_brochure
from cfsi_reports.theme import load_theme


def main() -> None:
    content_dir, target = Path(sys.argv[1]), Path(sys.argv[2])
    content, theme = load_content(content_dir), load_theme()
    check(content, theme)
    data, pages = render_brochure(content, theme, epoch=epoch_from_env())
    write_atomic(target, data)
    print(f"{target}: {pages} pages, {len(data) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
