"""Where a cold seed build's time goes: each stage of it, one after the other, in one process.

A real build overlaps these stages in two or three processes (workers fork and warm up while
the main process validates); here they run in sequence so that each can be timed alone: the
CPU time of the interpreter's start and imports, the theme, the content read and checked,
each writer's warm-up (the modules, fonts and hyphenation patterns a worker loads), then each
document's first render (what a cold build pays) and a second render of the same document (the
work itself, without the one-off costs left). Median of `--repeat` fresh processes. Writes its
table into benchmarks/README.md between its own markers.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "benchmarks" / "README.md"
BEGIN, END = "<!-- stages:begin -->", "<!-- stages:end -->"

REFERENCE = 3_000_000  # iterations of a pure-Python loop: how fast the machine is right now

STAGES = [
    ("start", "Python starts, the command line is imported (click, PyYAML)"),
    ("theme", "the theme read and checked"),
    ("content", "the content's model imported, the seed's 10 files read and validated"),
    ("check", "the content checked (glyphs, acronyms, warnings)"),
    ("standard", "the print file's standard and profile resolved (imports ReportLab, pikepdf)"),
    ("warm pdf", "brochure worker's warm-up: modules, fonts, hyphenation patterns, outlines"),
    ("warm docx", "fact-sheet worker's warm-up: python-docx, lxml"),
    ("print", "print brochure, first render: layout, structure tree, PDF/X-4, preflight"),
    ("print again", "the same, rendered again in the same process"),
    ("screen", "screen brochure, first render"),
    ("screen again", "the same, rendered again"),
    ("sheets", "nine fact sheets, first render (the template prepared once)"),
    ("sheets again", "the same, rendered again"),
]


def child() -> None:
    """Run the stages once in this process; print their CPU times (ms) as JSON."""
    times: dict[str, float] = {}
    mark = [time.process_time()]

    def stage(name: str) -> None:
        now = time.process_time()
        times[name] = (now - mark[0]) * 1000
        mark[0] = now

    import cfsi_reports.cli  # noqa: F401

    times["start"] = time.process_time() * 1000  # since the process started
    mark[0] = time.process_time()
    total = 0
    for i in range(REFERENCE):  # the machine's speed at this moment, to compare runs
        total += i
    stage("reference")
    from cfsi_reports.theme import DEFAULT_THEME, load_theme

    theme = load_theme(DEFAULT_THEME)
    stage("theme")
    from cfsi_reports.content import load_content

    content = load_content(ROOT / "content")
    stage("content")
    from cfsi_reports.checks import check

    check(content, theme)
    stage("check")
    from cfsi_reports.plan import BuildOptions, pdf_standard
    from cfsi_reports.renderers import WRITERS, Settings

    standard, icc = pdf_standard(BuildOptions(content_dir=ROOT / "content", output_dir=ROOT))
    settings = Settings(theme, 1700000000, frozenset({"pdf", "docx"}), None, standard, icc)
    stage("standard")
    from cfsi_reports import maps

    WRITERS["print"].warm_up(theme, "fr")  # type: ignore[misc]
    maps.warm_up()
    stage("warm pdf")
    WRITERS["sheet"].warm_up(theme, "fr")  # type: ignore[misc]
    stage("warm docx")
    for kind in ("print", "screen"):
        for suffix in ("", " again"):
            WRITERS[kind].render(content, settings, None, {})
            stage(kind + suffix)
    for suffix in ("", " again"):
        cache: dict = {}
        for action in content.actions:
            WRITERS["sheet"].render(content, settings, action.key, cache)
        stage("sheets" + suffix)
    print(json.dumps(times))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="print, leave README.md alone")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child()
        return
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    runs = [
        json.loads(
            subprocess.run(
                [sys.executable, __file__, "--child"],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
        for _ in range(options.repeat)
    ]
    median = {name: statistics.median(r[name] for r in runs) for name, _ in STAGES}
    reference = statistics.median(r["reference"] for r in runs)
    cold = sum(v for k, v in median.items() if not k.endswith("again"))
    rows = ["| stage | CPU time | share of the cold stages |", "|---|---:|---:|"]
    rows += [
        f"| {name}: {what} | {median[name]:.0f} ms | "
        + ("" if name.endswith("again") else f"{100 * median[name] / cold:.0f} %")
        + " |"
        for name, what in STAGES
    ]
    rows.append(f"| **all the cold stages, in one process** | **{cold:.0f} ms** | 100 % |")
    stamp = time.strftime("%Y-%m-%d", time.gmtime())
    load = os.getloadavg()[0]
    head = (
        f"Measured on {stamp} (median of {options.repeat} processes, load average {load:.2f}); "
        f"a reference loop of {REFERENCE:,} additions took {reference:.0f} ms."
    )
    table = "\n".join([head, "", *rows])
    print(table)
    if options.no_write:
        return
    text = README.read_text(encoding="utf-8")
    if BEGIN not in text:
        raise SystemExit(f"{README}: no {BEGIN} marker")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    README.write_text(text[:start] + BEGIN + "\n" + table + "\n" + END + text[end:], "utf-8")
    print(f"updated {README}")


if __name__ == "__main__":
    main()
