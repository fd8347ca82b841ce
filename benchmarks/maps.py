"""What the maps cost: the seed's cold build and its brochure, with the maps and without.

Runs `cfsi-reports build --force` on the seed content as a fresh process, alternating a
theme that switches the maps off (`maps: {enabled: false}`) with the built-in theme, and
keeps the median of each; then compares the brochures' sizes. Writes its table into
benchmarks/README.md between its own markers. Targets (issue 16): at most 15 % more time
for the seed's cold build, a brochure at most 1.5 times as large.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "benchmarks" / "README.md"
BEGIN, END = "<!-- maps:begin -->", "<!-- maps:end -->"


def cpu() -> float:
    """Return the CPU seconds used by the finished children (the builds and their workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def build(out: Path, theme: Path | None) -> tuple[float, float]:
    """Time one cold build of the seed (a fresh process, every document rebuilt): wall, CPU."""
    shutil.rmtree(out, ignore_errors=True)
    args = [sys.executable, "-m", "cfsi_reports.cli", "build", "--quiet", "--force"]
    args += ["--content", str(ROOT / "content"), "--output", str(out)]
    if theme is not None:
        args += ["--theme", str(theme)]
    started, used = time.perf_counter(), cpu()
    subprocess.run(args, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started, cpu() - used


def instructions(out: Path, theme: Path | None) -> list[int] | None:
    """Count the instructions of one cold build, per process, under valgrind (if installed).

    Unlike times on a shared machine, the count is the same from one run to the next: it
    says what the maps add to the work itself. Forked workers are counted apart.
    """
    if shutil.which("valgrind") is None:
        return None
    shutil.rmtree(out, ignore_errors=True)
    args = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
    args += [sys.executable, "-m", "cfsi_reports.cli", "build", "--quiet", "--force"]
    args += ["--content", str(ROOT / "content"), "--output", str(out)]
    if theme is not None:
        args += ["--theme", str(theme)]
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    found = re.findall(r"I\s+refs:\s+([\d,]+)", done.stderr)
    return [int(n.replace(",", "")) for n in found]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--no-write", action="store_true", help="print, leave README.md alone")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cfsi-maps-bench-") as folder:
        work = Path(folder)
        off = work / "no-maps.yaml"
        off.write_text("maps:\n  enabled: false\n", encoding="utf-8")
        times: dict[str, list[float]] = {"without": [], "with": []}
        cpus: dict[str, list[float]] = {"without": [], "with": []}
        build(work / "warm", None)  # fill the OS caches once, untimed
        for _ in range(options.repeat):
            for name, theme in (("without", off), ("with", None)):
                wall, used = build(work / name, theme)
                times[name].append(wall)
                cpus[name].append(used)
        sizes = {
            name: {
                f: (work / name / f).stat().st_size for f in ("brochure.pdf", "brochure-screen.pdf")
            }
            for name in times
        }
        sheets = {
            name: sum(p.stat().st_size for p in (work / name / "fact-sheets").glob("*.docx"))
            for name in times
        }
        counts = {"without": instructions(work / "i", off), "with": instructions(work / "i", None)}
    median = {name: statistics.median(values) for name, values in times.items()}
    used = {name: statistics.median(values) for name, values in cpus.items()}
    rows = [
        "| | without maps | with maps | ratio | target |",
        "|---|---:|---:|---:|---:|",
        f"| seed, full cold build, wall time (median of {options.repeat}) |"
        f" {median['without']:.2f} s | {median['with']:.2f} s"
        f" | {median['with'] / median['without']:.2f} | ≤ 1.15 |",
        f"| the same, CPU time of the build and its workers | {used['without']:.2f} s"
        f" | {used['with']:.2f} s | {used['with'] / used['without']:.2f} | |",
    ]
    a, b = counts["without"], counts["with"]
    if a and b:
        rows.append(
            f"| the same, instructions (valgrind), every process | {sum(a) / 1e9:.2f} G"
            f" | {sum(b) / 1e9:.2f} G | {sum(b) / sum(a):.2f} | |"
        )
    for file in ("brochure.pdf", "brochure-screen.pdf"):
        a, b = sizes["without"][file], sizes["with"][file]
        rows.append(f"| {file} | {a / 1024:.0f} KB | {b / 1024:.0f} KB | {b / a:.2f} | ≤ 1.5 |")
    a, b = sheets["without"], sheets["with"]
    rows.append(
        f"| 9 fact sheets together | {a / 1024:.0f} KB | {b / 1024:.0f} KB | {b / a:.2f} | |"
    )
    table = "\n".join(rows)
    print(table)
    if options.no_write:
        return
    text = README.read_text(encoding="utf-8")
    block = f"{BEGIN}\n{table}\n{END}"
    if BEGIN in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        intro = (
            "`python benchmarks/maps.py` builds the seed cold (a fresh process, `--force`),"
            " alternating the built-in theme with one that switches the maps off"
            " (`maps: {enabled: false}`), and compares the medians and the file sizes."
        )
        text += f"\n## What the maps cost (issue 16)\n\n{intro}\n\n{block}\n"
    README.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
