"""Compile the peer Typst brochure of a content folder: `brochure.py CONTENT OUT.pdf`."""

from __future__ import annotations

import sys
from pathlib import Path

import font_source_sans_pro
import typst

HERE = Path(__file__).resolve().parent


def main() -> None:
    content, target = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    actions = sorted(str(p) for p in (content / "actions").glob("*.yaml"))
    fonts = Path(font_source_sans_pro.__file__).parent / "files"
    typst.compile(
        str(HERE / "brochure.typ"),
        output=str(target),
        root="/",  # absolute paths: the template reads the content folder where it is
        font_paths=[str(fonts)],
        ignore_system_fonts=True,
        sys_inputs={"programme": str(content / "programme.yaml"), "actions": ",".join(actions)},
    )


if __name__ == "__main__":
    main()
