"""`cfsi-reports watch`: an edit rebuilds what it changed, a broken file keeps the last good
documents, Ctrl-C stops cleanly. The watch runs as a user runs it: a process in the project's
folder, its files edited from outside."""

from __future__ import annotations

import hashlib
import io
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import docx
import pytest

from conftest import CONTENT


class Watch:
    """A running `cfsi-reports watch` whose output lines can be awaited."""

    def __init__(self, cwd: Path) -> None:
        env = {**os.environ, "LANG": "C.UTF-8", "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cfsi_reports", "watch", "--jobs", "2"],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            start_new_session=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.process.stdout.close()

    def until(self, start: str, timeout: float = 120) -> list[str]:
        """Return the lines up to and including the first that starts with `start`."""
        got: list[str] = []
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no line {start!r} in time; got {got}") from None
            got.append(line)
            self.seen.append(line)
            if line.startswith(start):
                return got

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            raise


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sheet_text(path: Path) -> str:
    document = docx.Document(io.BytesIO(path.read_bytes()))
    return "\n".join(
        [p.text for p in document.paragraphs]
        + [c.text for t in document.tables for r in t.rows for c in r.cells]
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(CONTENT, tmp_path / "content")
    (tmp_path / "cfsi.yaml").write_text("content: content\noutput: output\n", encoding="utf-8")
    return tmp_path


def test_watch_rebuilds_what_an_edit_changed_and_keeps_good_documents(project: Path) -> None:
    watch = Watch(project)
    try:
        first = watch.until("output: ")
        assert "output: 11 written, 0 unchanged" in first[-1]
        # The print brochure follows the others: not « 1 of 3 to build, the others are current ».
        assert not any("to build, the others are current" in line for line in first), first
        watch.until("Watching content")
        out = project / "output"
        action = project / "content/actions/03-banane.yaml"
        text = action.read_text(encoding="utf-8")

        # One action edited: its sheet and the two brochures, nothing else.
        others = {p: digest(p) for p in (out / "fact-sheets").glob("*.docx")}
        action.write_text(
            text.replace("lead: Confédération Générale du Travail (CGT)", "lead: Porteur Modifié"),
            encoding="utf-8",
        )
        lines = watch.until("output: ")
        assert any(line.startswith("changed: content/actions/03-banane.yaml") for line in lines)
        assert "3 written, 8 unchanged" in lines[-1], lines
        assert "Porteur Modifié" in sheet_text(out / "fact-sheets/banane.docx")
        for path, before in others.items():
            if path.name != "banane.docx":
                assert digest(path) == before, path

        # A broken file: every problem told, the last good documents kept.
        good = {p: digest(p) for p in out.rglob("*") if p.is_file() and ".cfsi" not in p.name}
        action.write_text(text.replace("budget: 108548", "budget: cent mille"), encoding="utf-8")
        lines = watch.until("1 problem found")
        assert any(
            "actions/03-banane.yaml:19: funding.budget: 'cent mille' is not an amount" in line
            for line in lines
        ), lines
        assert "the documents are those of the last good build" in lines[-1]
        assert {p: digest(p) for p in good} == good

        # Mended: built again.
        action.write_text(text, encoding="utf-8")
        lines = watch.until("output: ")
        assert "3 written, 8 unchanged" in lines[-1], lines
        assert "Porteur Modifié" not in sheet_text(out / "fact-sheets/banane.docx")
    finally:
        code = watch.stop()
    rest = []
    while not watch.lines.empty():
        rest.append(watch.lines.get())
    assert code == 0, rest
    assert "Stopped watching." in rest
    assert not any("Traceback" in line for line in watch.seen + rest)
    assert not [p for p in (project / "output").rglob("*.tmp-*")]


def test_ctrl_c_during_a_build_leaves_whole_documents(project: Path) -> None:
    watch = Watch(project)
    try:
        watch.until("Watching content")
        out = project / "output"
        before = {p: digest(p) for p in out.rglob("*.pdf")}
        action = project / "content/actions/01-echangeons.yaml"
        text = action.read_text(encoding="utf-8")
        action.write_text(text.replace("duration_months: 25", "duration_months: 26"), "utf-8")
        watch.until("changed: ")
    finally:
        code = watch.stop()  # while the brochures are being rendered
    assert code == 0
    for path in before:  # each brochure is the old one or the new one, never a broken one
        assert path.read_bytes().startswith(b"%PDF") and path.read_bytes().rstrip().endswith(
            b"%%EOF"
        )
    assert not [p for p in out.rglob("*") if ".tmp-" in p.name]
    time.sleep(0.5)
    assert subprocess.run(["pgrep", "-g", str(watch.process.pid)], check=False).returncode == 1
