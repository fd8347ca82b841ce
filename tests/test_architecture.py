"""The shape of the code, read from the source: layers, the tagging library, values as data."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import yaml

from cfsi_reports.theme import DEFAULTS_DIR

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "cfsi_reports"
TAGGING = "cfsi_reports.pdf.tagging"
# A type size or spacing written as a number other than 0 in layout code.
SIZE = re.compile(r"\b(fontSize|leading|spaceBefore|spaceAfter|leftIndent)\s*=\s*(?!0\b|0\.0*\b)\d")


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Return the modules of the package that `name` imports, at any depth of its code."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            candidates = [target] + [f"{target}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        else:
            continue
        if isinstance(node, ast.ImportFrom) and target in MODULES:
            # `from pkg import name`: a submodule only if pkg's __init__ does not bind it.
            bound = BOUND.get(target, set())
            candidates = [target] + [c for c in candidates[1:] if c.rpartition(".")[2] not in bound]
        out |= {c for c in candidates if c in MODULES and c != name}
    return out


def _bound(path: Path) -> set[str]:
    """Return the names a package's __init__ binds itself (imports, functions, classes)."""
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom | ast.Import):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
    return names


BOUND = {m: _bound(p) for m, p in MODULES.items() if p.name == "__init__.py"}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def test_no_import_cycle() -> None:
    # A module importing its own package (for a sibling) is not a cycle.
    edges = {m: {d for d in deps if not m.startswith(d + ".")} for m, deps in GRAPH.items()}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for dep in sorted(edges[node]):
            if state.get(dep) == 1:
                cycles.append([*path[path.index(dep) :], dep])
            elif dep not in state:
                visit(dep, [*path, dep])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_the_tagging_library_imports_nothing_of_the_application() -> None:
    outside = {
        (m, d)
        for m, deps in GRAPH.items()
        if m.startswith(TAGGING)
        for d in deps
        if not d.startswith(TAGGING)
    }
    assert outside == set()
    # The brochure uses it through its face only.
    deeper = {
        (m, d)
        for m, deps in GRAPH.items()
        if not m.startswith(TAGGING)
        for d in deps
        if d.startswith(TAGGING + ".")
    }
    assert deeper == set()


def test_every_module_is_used_by_the_application() -> None:
    """No module of src/ is imported only by tests: each is imported, or is an entry point."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    entry = {v.split(":")[0] for v in config["project"]["scripts"].values()}
    entry.add("cfsi_reports.__main__")  # python -m cfsi_reports
    imported = {d for deps in GRAPH.values() for d in deps}
    packages = {m for m, p in MODULES.items() if p.name == "__init__.py"}
    unused = set(MODULES) - imported - entry - packages
    assert unused == set()


def test_layout_code_holds_no_colour_size_font_or_label() -> None:
    """Every module of pdf/ and docx/: colours, fonts and labels come from the theme and locale."""
    labels = yaml.safe_load((DEFAULTS_DIR / "locale/fr.yaml").read_text(encoding="utf-8"))
    words = {v for v in labels["labels"].values() if isinstance(v, str) and len(v) > 4}
    families = {"Source Sans", "Helvetica", "Times", "Courier", "Arial", "Calibri", "Cambria"}
    layout = [
        p for p in PACKAGE.glob("*/**/*.py") if p.relative_to(PACKAGE).parts[0] in ("pdf", "docx")
    ]
    assert len(layout) > 20
    found = []
    for path in layout:
        source = path.read_text(encoding="utf-8")
        name = path.relative_to(PACKAGE).as_posix()
        code = "\n".join(line.split("#")[0] for line in source.splitlines())
        if re.search(r"#[0-9a-fA-F]{6}\b|CMYKColor\(\s*[\d.]|HexColor\(\s*['\"]", source):
            found.append((name, "colour"))
        found += [(name, font) for font in families if f'"{font}' in code or f"'{font}" in code]
        found += [(name, label) for label in words if f'"{label}"' in source]
        # A font size or a length in points written as a literal in a style or a call.
        if re.search(SIZE, code):
            found.append((name, "size"))
    assert found == []


def _timed_asserts(path: Path) -> list[int]:
    """Return the lines of the asserts that compare a duration read from a clock."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()  # names holding a clock reading or a duration: start, elapsed...

    def timing(node: ast.AST) -> bool:
        if isinstance(node, ast.Call):
            func = node.func
            return isinstance(func, ast.Attribute) and func.attr in CLOCKS and not node.args
        if isinstance(node, ast.Name):
            return node.id in names
        if isinstance(node, ast.BinOp):
            return timing(node.left) or timing(node.right)
        return False

    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and timing(node.value):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Assert)
        for compare in ast.walk(node.test)
        if isinstance(compare, ast.Compare)
        and any(timing(side) for side in (compare.left, *compare.comparators))
    ]


CLOCKS = {"perf_counter", "monotonic", "time", "process_time", "perf_counter_ns", "time_ns"}


def test_no_wall_clock_assertion_in_the_tests() -> None:
    """Timing belongs in benchmarks/ (benchmarks/limits.py), never in the test suite.

    A clock may set a deadline to wait for an event; no assert may compare a duration.
    """
    timed = {
        p.name: lines
        for p in sorted((ROOT / "tests").rglob("*.py"))
        if (lines := _timed_asserts(p))
    }
    assert timed == {}


def test_the_readme_code_map_names_every_module() -> None:
    """The README's code map matches the tree: each module and package of src/ and pdf/."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("## Code map")
    block = readme[start : readme.index("\n## ", start + 1)]
    entries = [
        p for p in PACKAGE.iterdir() if not p.name.startswith(("__", ".")) and p.name != "py.typed"
    ]
    entries += [p for p in (PACKAGE / "pdf").iterdir() if p.suffix == ".py" or p.is_dir()]
    missing = sorted(
        p.relative_to(PACKAGE).as_posix()
        for p in entries
        if p.name not in block and p.name != "__init__.py" and p.name != "__pycache__"
    )
    assert missing == []
