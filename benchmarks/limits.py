"""Time limits the test suite does not assert (a shared machine makes timing flaky there).

Each case is timed in this process and compared with its limit; the script prints one line
per case and exits 1 if any case is over. Run it with `make bench` or
`python benchmarks/limits.py` on a quiet machine.

- hostile content files (YAML tags, alias bomb, deep nesting, 50 MB, 120 000 values) are
  refused within a second or two: a parser that expanded them would take minutes;
- long runs of spaces in one field are read within 5 s: quadratic spacing rules would take minutes;
- a fact sheet renders in under 30 ms once the template is prepared (about 4 ms measured;
  re-reading python-docx's template and its name look-ups cost 60 ms).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from cfsi_reports.checks import check
from cfsi_reports.content import load_content
from cfsi_reports.docx import FactSheetRenderer
from cfsi_reports.errors import ContentError
from cfsi_reports.theme import load_theme

ROOT = Path(__file__).resolve().parents[1]
ACTION = "actions/01-echangeons.yaml"


def _alias_bomb() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 12):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


HOSTILE: dict[str, tuple[Callable[[], str | None], float]] = {
    "python tag": (lambda: "title: !!python/object/apply:os.system ['true']\n", 1.0),
    "alias bomb": (_alias_bomb, 1.0),
    "deep nesting": (lambda: "title: " + "[" * 100_000 + "]" * 100_000, 1.0),
    "50 MB file": (lambda: None, 1.0),  # written sparse below
    "120 000 values": (lambda: "partners: [" + ", ".join(["p"] * 120_000) + "]\n", 2.0),
}


def _content(folder: Path, text: str | None) -> Path:
    root = folder / "content"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(ROOT / "content", root)
    if text is None:
        with open(root / ACTION, "wb") as handle:
            handle.truncate(50 * 1024 * 1024)
    else:
        (root / ACTION).write_text(text, encoding="utf-8")
    return root


def _timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def _refuse(root: Path) -> None:
    try:
        load_content(root)
    except ContentError:
        return
    raise AssertionError(f"{root}: accepted")


def main() -> int:
    theme = load_theme()
    results: list[tuple[str, float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, (make, limit) in HOSTILE.items():
            root = _content(folder, make())
            results.append((f"refuse {name}", _timed(lambda root=root: _refuse(root)), limit))

        # As long as the content limits allow: no-break spaces tie words of at most 200.
        runs = ("\u00a0" * 150 + "x ") * 120 + " " * 1_000 + "»"
        data = yaml.safe_load((ROOT / "content" / ACTION).read_text(encoding="utf-8"))
        data["project"] = f"Batik{runs}"
        root = _content(folder, yaml.safe_dump(data, allow_unicode=True))
        results.append(
            ("read 19 000 spaces", _timed(lambda: check(load_content(root), theme)), 5.0)
        )

    content = load_content(ROOT / "content")
    renderer = FactSheetRenderer(content, theme, epoch=0)
    for action in content.actions:  # warm up: template prepared, fonts and styles cached
        renderer.render(action)
    rounds = 3

    def sheets() -> None:
        for _ in range(rounds):
            for action in content.actions:
                renderer.render(action)

    per_sheet = _timed(sheets) / (rounds * len(content.actions))
    results.append(("render one fact sheet", per_sheet, 0.030))

    over = 0
    for name, seconds, limit in results:
        verdict = "ok" if seconds < limit else "OVER"
        over += verdict == "OVER"
        print(f"{verdict:4}  {name:26} {seconds * 1000:9.1f} ms   (limit {limit * 1000:.0f} ms)")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
