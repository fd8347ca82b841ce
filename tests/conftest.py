"""Shared fixtures: the seed content, the theme, the seed lines and text helpers."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

# The tool's messages follow the user's language; the tests read them in English unless a
# test asks for French (in a subprocess with its own environment).
os.environ["LANGUAGE"] = "en"

from cfsi_reports.content import Content, load_content
from cfsi_reports.present import Presenter
from cfsi_reports.theme import Theme, load_theme

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
SEED = Path(__file__).resolve().parent / "data" / "seed.txt"

_INVISIBLE = re.compile(r"[\s\u00a0\u202f\u2009\u00ad\u200b]+")


_TYPESET = str.maketrans({"\u2019": "'", "\u2013": "-", "\u2026": "..."})


def squash(text: str) -> str:
    """Remove all spacing and fold the typesetter's ’ – … back to ' - ...

    Text then compares whatever the line breaks and space kinds: the words are the
    source's, only their typography differs.
    """
    return _INVISIBLE.sub("", text).translate(_TYPESET)


def seed_lines() -> list[str]:
    """Return the non-empty lines of the seed text."""
    return [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]


def missing_lines(lines: list[str], text: str) -> list[str]:
    """Return the lines whose squashed form does not occur in `text`."""
    haystack = squash(text)
    return [line for line in lines if squash(line) not in haystack]


def in_order(needles: list[str], text: str) -> list[str]:
    """Return the needles not found in `text` after the previous one (spacing ignored)."""
    hay, pos, lost = squash(text), 0, []
    for needle in needles:
        found = hay.find(squash(needle), pos)
        if found < 0:
            lost.append(needle)
        else:
            pos = found + len(squash(needle))
    return lost


def annexes(view: Any) -> int:
    """Return the number of back-matter sections of a brochure (partners, glossary)."""
    return int(bool(view.partners)) + int(bool(view.glossary))


def require_tool(name: str) -> str:
    """Return the path of a system tool, or skip loudly when it is absent."""
    path = shutil.which(name)
    if path is None:
        message = f"system tool {name!r} is not installed (.ci/run installs it)"
        if os.environ.get("CFSI_REQUIRE_TOOLS"):  # CI installed them: missing is a failure
            pytest.fail(message)
        pytest.skip(f"SKIPPED LOUDLY: {message}")
    return path


def cli(
    *args: str, cwd: Path, lang: str | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run `python -m cfsi_reports` in `cwd`, in English unless `lang` names a locale."""
    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    env["LANG"] = lang or "C.UTF-8"
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        [sys.executable, "-m", "cfsi_reports", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_tool(*args: str | Path, timeout: float = 120) -> str:
    """Run a system tool and return its standard output."""
    done = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=timeout, check=True
    )
    return done.stdout


@pytest.fixture(scope="session")
def seed_content() -> Content:
    return load_content(CONTENT)


@pytest.fixture(scope="session")
def theme() -> Theme:
    return load_theme()


@pytest.fixture(scope="session")
def presenter(seed_content: Content, theme: Theme) -> Presenter:
    return Presenter(theme.locale(seed_content.programme.language))


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of the seed content folder."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target
