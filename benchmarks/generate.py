"""Generate a synthetic content set of N actions derived from content/ (for benchmarks)."""

from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def generate(n: int, target: Path, source: Path = ROOT / "content") -> Path:
    """Write programme.yaml and N action files cycling through the source actions."""
    if target.exists():
        shutil.rmtree(target)
    (target / "actions").mkdir(parents=True)
    shutil.copy(source / "programme.yaml", target / "programme.yaml")
    originals = sorted((source / "actions").glob("*.yaml"))
    width = len(str(n))
    for i in range(n):
        original = originals[i % len(originals)]
        stem = original.stem.split("-", 1)[1]
        text = original.read_text(encoding="utf-8")
        # Vary the title so every action is distinct in the brochure and its outline.
        text = re.sub(
            r"^title: (\"?)",
            lambda m, number=i + 1: f"title: {m.group(1)}{number:0{width}d} · ",
            text,
            count=1,
            flags=re.M,
        )
        name = f"{i + 1:0{width}d}-{stem}-{i + 1}.yaml"
        (target / "actions" / name).write_text(text, encoding="utf-8")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("n", type=int, help="number of actions")
    parser.add_argument("target", type=Path, help="folder to write (replaced)")
    args = parser.parse_args()
    generate(args.n, args.target)
    print(f"wrote {args.n} actions to {args.target}")


if __name__ == "__main__":
    main()
