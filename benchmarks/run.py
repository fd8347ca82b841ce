"""Measure whole-process builds: wall time and peak memory; write the table to README.md.

Each case runs `cfsi-reports build` as a fresh process (so imports, font loading
and template preparation are counted), three times, and keeps the median time;
a fourth run, not timed, measures memory.
Peak memory is the largest sum of the proportional set size (Pss) of the build
process and its workers, sampled every 10 ms from /proc.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from generate import generate

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / "_work"
README = ROOT / "benchmarks" / "README.md"
BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"
CLI = [sys.executable, "-m", "cfsi_reports.cli", "build", "--quiet"]
BROCHURE = [sys.executable, str(ROOT / "benchmarks" / "brochure.py")]
PEERS = ROOT / "benchmarks" / "peers"


@dataclass
class Result:
    case: str
    seconds: float
    peak_mb: float
    per_doc_ms: float | None = None
    peer: str | None = None
    peer_seconds: float | None = None
    peer_peak_mb: float | None = None


def tree_rss(pid: int) -> int:
    """Return the memory of a process and its descendants, in bytes.

    Proportional set size (Pss): forked workers share pages with their parent, and
    summing their resident sizes would count those pages several times.
    """
    total = 0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            with open(f"/proc/{current}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
            with open(f"/proc/{current}/task/{current}/children") as handle:
                pids.extend(int(c) for c in handle.read().split())
        except (OSError, ValueError):
            continue
    return total


def command_of(args: list[str]) -> list[str]:
    """Turn a case's arguments into a command: `@brochure ...`, `@peer ...` or build options."""
    if args and args[0] == "@brochure":
        return [*BROCHURE, *args[1:]]
    if args and args[0] == "@validate":
        return [*CLI[:-2], "validate", *args[1:]]
    if args and args[0] == "@peer":
        return ["bash", str(PEERS / "build.sh"), *args[1:]]
    return [*CLI, *args]


def measure(args: list[str], prepare=None, sample: bool = True) -> tuple[float, float]:
    """Run one whole process; return (seconds, peak MB, or 0 when not sampled)."""
    if prepare:
        prepare()
    peak = [0]
    started = time.perf_counter()
    process = subprocess.Popen(command_of(args), cwd=ROOT, stdout=subprocess.DEVNULL)
    stop = threading.Event()

    def sample_memory() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], tree_rss(process.pid))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample_memory, daemon=True)
    if sample:
        sampler.start()
    code = process.wait()
    elapsed = time.perf_counter() - started
    stop.set()
    if sample:
        sampler.join()
    if code != 0:
        raise SystemExit(f"build failed ({code}): {' '.join(args)}")
    return elapsed, peak[0] / 1e6


def case(
    name: str,
    args: list[str],
    prepare=None,
    repeat: int = 3,
    docs: int | None = None,
    peer: tuple[str, list[str], object] | None = None,
) -> Result:
    """Time a case `repeat` times (alternating with its peer, if any), then sample memory.

    Timed runs are not sampled (reading /proc costs CPU); one more run of each measures memory.
    Alternating ours and the peer's runs spreads the machine's noise over both.
    """
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(repeat):
        ours.append(measure(args, prepare, sample=False)[0])
        if peer:
            theirs.append(measure(peer[1], peer[2], sample=False)[0])
    seconds = statistics.median(ours)
    peak = measure(args, prepare, sample=True)[1]
    result = Result(name, seconds, peak, seconds * 1000 / docs if docs else None)
    line = f"{name:58s} {seconds:7.2f} s  {peak:6.0f} MB"
    if result.per_doc_ms:
        line += f"  {result.per_doc_ms:5.1f} ms/doc"
    if peer:
        result.peer = peer[0]
        result.peer_seconds = statistics.median(theirs)
        result.peer_peak_mb = measure(peer[1], peer[2], sample=True)[1]
        line += f"  | {peer[0]}: {result.peer_seconds:.2f} s, {result.peer_peak_mb:.0f} MB"
        line += f"  ratio {seconds / result.peer_seconds:.2f}"
    print(line, flush=True)
    return result


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    system = f"{platform.system()} {platform.machine()}"
    return f"{model}, {cores} cores, Python {platform.python_version()}, {system}"


def prepare_peers() -> None:
    """Check the peers are installed; give pandoc its default reference document."""
    if shutil.which("pandoc") is None:
        raise SystemExit("pandoc is missing: `make bench` installs it (apt-get install pandoc)")
    try:
        import typst  # noqa: F401
    except ImportError:
        raise SystemExit("typst is missing: run `make bench`") from None
    reference = WORK / "reference.docx"
    if not reference.exists():
        subprocess.run(
            ["pandoc", "-o", str(reference), "--print-default-data-file", "reference.docx"],
            check=True,
        )
    os.environ["PEER_REFERENCE_DOCX"] = str(reference)
    os.environ["PYTHON"] = sys.executable  # the peer brochure runs Typst's Python binding


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="*", default=[100, 500])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="do not update README.md")
    args = parser.parse_args()

    WORK.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    load_before = os.getloadavg()[0]
    prepare_peers()
    seed_out = WORK / "seed-out"

    def fresh_seed() -> None:
        shutil.rmtree(seed_out, ignore_errors=True)

    seed = ROOT / "content"
    peer_seed = WORK / "peer-seed"

    def fresh_peer(out: Path = peer_seed) -> None:
        shutil.rmtree(out, ignore_errors=True)

    results = [
        case(
            "seed: full build, cold (brochure, screen, 9 sheets)",
            ["--content", "content", "--output", str(seed_out)],
            fresh_seed,
            args.repeat,
            peer=(
                "Typst brochure + 9 pandoc sheets",
                ["@peer", "all", str(seed), str(peer_seed)],
                fresh_peer,
            ),
        ),
        case(
            "seed: full build, cold, one process (--jobs 1)",
            ["--content", "content", "--output", str(seed_out), "--jobs", "1"],
            fresh_seed,
            args.repeat,
        ),
        case(
            "seed: no-op rebuild",
            ["--content", "content", "--output", str(seed_out)],
            None,
            args.repeat,
        ),
        case("seed: validate", ["@validate", "--content", "content"], None, args.repeat),
    ]
    for n in args.sizes:
        content = generate(n, WORK / f"content-{n}")
        out = WORK / f"out-{n}"
        peer_out = WORK / f"peer-{n}"

        def fresh(out: Path = out) -> None:
            shutil.rmtree(out, ignore_errors=True)

        typst = (
            f"Typst brochure, {n} actions",
            ["@peer", "brochure", str(content), str(peer_out)],
            lambda out=peer_out: fresh_peer(out),
        )
        base = ["--content", str(content), "--output", str(out), "--force"]
        results.append(
            case(
                f"{n} actions: print brochure alone (one process)",
                ["@brochure", str(content), str(WORK / f"brochure-{n}.pdf")],
                None,
                args.repeat,
                peer=typst,
            )
        )
        results.append(
            case(
                f"{n} actions: brochure, print + screen (--format pdf)",
                [*base, "--format", "pdf"],
                fresh,
                args.repeat,
                peer=typst,
            )
        )
        results.append(
            case(
                f"{n} actions: fact sheets, 1 job",
                [*base, "--format", "docx", "--jobs", "1"],
                fresh,
                args.repeat,
                n,
            )
        )
        results.append(
            case(
                f"{n} actions: fact sheets, 2 jobs",
                [*base, "--format", "docx", "--jobs", "2"],
                fresh,
                args.repeat,
                n,
            )
        )
    load = f"load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after"
    print(load)
    if not args.no_write:
        write_table(results, load)


def write_table(results: list[Result], load: str) -> None:
    rows = [
        "| case | wall time | peak memory | per document | peer, same run | peer time | "
        "peer memory | ratio |",
        "|---|---:|---:|---:|---|---:|---:|---:|",
    ]
    for r in results:
        per = f"{r.per_doc_ms:.1f} ms" if r.per_doc_ms else ""
        peer = (
            f"{r.peer} | {r.peer_seconds:.2f} s | {r.peer_peak_mb:.0f} MB | "
            f"**{r.seconds / r.peer_seconds:.2f} ×**"
            if r.peer and r.peer_seconds
            else " | | |"
        )
        rows.append(f"| {r.case} | {r.seconds:.2f} s | {r.peak_mb:.0f} MB | {per} | {peer} |")
    stamp = time.strftime("%Y-%m-%d", time.gmtime())
    block = "\n".join([BEGIN, f"Measured on {stamp}: {machine()}; {load}.", "", *rows, END])
    text = (
        README.read_text(encoding="utf-8")
        if README.exists()
        else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    )
    start, end = text.index(BEGIN), text.index(END) + len(END)
    README.write_text(text[:start] + block + text[end:], encoding="utf-8")
    print(f"updated {README}")


if __name__ == "__main__":
    main()
