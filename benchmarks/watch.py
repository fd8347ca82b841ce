"""Measure `cfsi-reports watch`: how soon an edit reaches the documents, against a cold build.

The cold build is a whole `cfsi-reports build` process on an empty output folder (median of
three). The watch process is started once on a copy of the seed; each round edits one action
file (one figure), then polls the output folder every 2 ms until the screen brochure and that
action's fact sheet have been replaced, and on until the print brochure has been too. The
times run from the moment the edited file is written. The target: screen brochure and sheet
current in at most 0.4 x the cold build. The table goes to README.md between its markers.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / "_work" / "watch"
README = ROOT / "benchmarks" / "README.md"
BEGIN, END = "<!-- watch:begin -->", "<!-- watch:end -->"
CLI = [sys.executable, "-m", "cfsi_reports"]
ACTION = "actions/03-banane.yaml"
SHEET = "fact-sheets/banane.docx"


def stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_ino, info.st_mtime_ns  # each write is a new file renamed into place


def cold_build(content: Path, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        out = WORK / "cold"
        shutil.rmtree(out, ignore_errors=True)
        started = time.perf_counter()
        subprocess.run(
            [*CLI, "build", "--quiet", "--content", str(content), "--output", str(out)],
            check=True,
        )
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def watch_rounds(content: Path, rounds: int) -> list[tuple[float, float]]:
    out = WORK / "out"
    shutil.rmtree(out, ignore_errors=True)
    process = subprocess.Popen(
        [*CLI, "watch", "--content", str(content), "--output", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:  # the first build, then the watch starts
        if line.startswith("Watching"):
            break
    else:
        raise SystemExit("watch did not start")
    time.sleep(1.0)  # let the watcher settle
    action = content / ACTION
    original = action.read_text(encoding="utf-8")
    screen, sheet, printed = out / "brochure-screen.pdf", out / SHEET, out / "brochure.pdf"
    results = []
    try:
        for n in range(1, rounds + 1):
            before = {p: stamp(p) for p in (screen, sheet, printed)}
            text = original.replace("budget: 108548", f"budget: {108548 + n}")
            started = time.perf_counter()
            action.write_text(text, encoding="utf-8")
            preview = full = None
            while full is None:
                now = time.perf_counter()
                if now - started > 30:
                    raise SystemExit("the documents were not rebuilt within 30 s")
                fresh = {p for p in before if stamp(p) != before[p]}
                if preview is None and {screen, sheet} <= fresh:
                    preview = now - started
                if preview is not None and printed in fresh:
                    full = now - started
                time.sleep(0.002)
            results.append((preview, full))
            time.sleep(1.0)  # the manifest is written after the documents
    finally:
        action.write_text(original, encoding="utf-8")
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="do not update README.md")
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    WORK.mkdir(parents=True, exist_ok=True)
    content = WORK / "content"
    shutil.rmtree(content, ignore_errors=True)
    shutil.copytree(ROOT / "content", content)

    cold = cold_build(content, args.repeat)
    rounds = watch_rounds(content, args.rounds)
    preview = statistics.median(r[0] for r in rounds)
    full = statistics.median(r[1] for r in rounds)
    ratio = preview / cold
    verdict = "met" if ratio <= 0.4 else "NOT met"
    lines = [
        f"| seed: cold full build (whole process, median of {args.repeat}) | {cold:.2f} s | |",
        f"| watch, one action edited: screen brochure and its sheet current "
        f"(median of {args.rounds}) | {preview:.2f} s | {ratio:.2f} x cold |",
        f"| watch, one action edited: print brochure current too | {full:.2f} s "
        f"| {full / cold:.2f} x cold |",
    ]
    for line in lines:
        print(line)
    print(f"target (screen + sheet <= 0.4 x cold): {verdict}")
    if not args.no_write:
        stamp_day = time.strftime("%Y-%m-%d", time.gmtime())
        block = "\n".join(
            [
                BEGIN,
                f"Measured on {stamp_day} by `python benchmarks/watch.py`; "
                f"target 0.4 x cold: {verdict}.",
                "",
                "| case | time | ratio |",
                "|---|---:|---:|",
                *lines,
                END,
            ]
        )
        text = README.read_text(encoding="utf-8")
        if BEGIN in text:
            start, end = text.index(BEGIN), text.index(END) + len(END)
            text = text[:start] + block + text[end:]
        else:
            text = text.rstrip() + "\n\n## `watch`: an edit to the documents\n\n" + block + "\n"
        README.write_text(text, encoding="utf-8")
        print(f"updated {README}")


if __name__ == "__main__":
    main()
