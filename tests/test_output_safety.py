"""Nothing outside --output is read, written, created or deleted because of what is inside it;
a tampered manifest is ignored with a note; interruptions and no-ops leave a clean folder."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cfsi_reports import manifest as manifest_module
from cfsi_reports.cli import main
from cfsi_reports.output import OutputFolder


def build(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["build", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A folder outside the output folder, with files a build must never touch."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / ".banane.docx.tmp-1-abcd").write_bytes(b"not ours")
    (folder / "banane.docx").write_bytes(b"not ours either")
    (folder / "precious.txt").write_bytes(b"keep me")
    return folder


def test_a_sheets_folder_that_is_a_link_is_refused_and_not_followed(
    tmp_path: Path, elsewhere: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "fact-sheets").symlink_to(elsewhere)
    before = files(elsewhere)
    code, text = build("--output", str(out), "--only", "banane")
    assert code == 2, text
    assert "fact-sheets: is a link or a file, not a folder" in text
    assert files(elsewhere) == before  # the stale-looking temporary there is still there
    assert "Traceback" not in text


def test_a_file_where_the_sheets_folder_goes_is_named_before_anything_renders(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "fact-sheets").write_text("a file")
    code, text = build("--output", str(out))
    assert code == 2, text
    assert "fact-sheets: is a link or a file" in text
    assert not (out / "brochure.pdf").exists()  # found before the brochures were rendered


def test_a_lock_that_is_a_link_is_replaced_not_followed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = tmp_path / "created-outside"
    (out / ".cfsi-lock").symlink_to(target)
    code, text = build("--output", str(out), "--only", "banane")
    assert code == 0, text
    assert not target.exists()
    assert not (out / ".cfsi-lock").is_symlink()


def test_documents_that_are_links_are_replaced_not_followed(
    tmp_path: Path, elsewhere: Path
) -> None:
    out = tmp_path / "out"
    assert build("--output", str(out), "--only", "banane")[0] == 0
    sheet = out / "fact-sheets/banane.docx"
    sheet.unlink()
    sheet.symlink_to(elsewhere / "banane.docx")
    before = files(elsewhere)
    code, text = build("--output", str(out), "--only", "banane")
    assert code == 0, text
    assert not sheet.is_symlink() and sheet.read_bytes()[:2] == b"PK"
    assert files(elsewhere) == before


def test_manifest_names_are_checked_before_any_use(tmp_path: Path, elsewhere: Path) -> None:
    out = tmp_path / "out"
    assert build("--output", str(out), "--only", "banane")[0] == 0
    path = out / ".cfsi-manifest.json"
    data = json.loads(path.read_text())
    entry = data["documents"]["fact-sheets/banane.docx"]
    for name in ("/dev/zero", "/etc/shadow", "fact-sheets/../../elsewhere/precious.txt"):
        data["documents"][name] = entry
    path.write_text(json.dumps(data))
    before = files(elsewhere)
    code, text = build("--output", str(out), "--format", "docx")
    assert code == 0, text
    assert "3 entries naming files the tool does not write were ignored" in text
    assert files(elsewhere) == before
    assert set(json.loads(path.read_text())["documents"]) == {
        f"fact-sheets/{p.name}" for p in (out / "fact-sheets").glob("*.docx")
    }


@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "deep", "not-json", "foreign", "large"])
def test_a_manifest_that_is_not_ours_is_ignored_with_a_note(
    tmp_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    assert build("--output", str(out), "--only", "banane")[0] == 0
    path = out / ".cfsi-manifest.json"
    path.unlink()
    if kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "deep":
        path.write_text("[" * 200_000 + "]" * 200_000)
    elif kind == "not-json":
        path.write_bytes(b"\xff\xfe garbage")
    elif kind == "foreign":
        path.write_text('{"name": "some other tool", "documents": [1, 2]}')
    else:
        monkeypatch.setattr(manifest_module, "MAX_BYTES", 1000)
        path.write_text(json.dumps({"documents": {}, "padding": "x" * 2000}))
    code, text = build("--output", str(out), "--only", "banane")
    assert code == 0, text
    assert "not a manifest of cfsi-reports (ignored; every document is rebuilt)" in text
    assert "1 written" in text
    # The next build reads the manifest it wrote in place of the foreign one.
    code, text = build("--output", str(out), "--only", "banane")
    assert code == 0 and "1 unchanged" in text and "note:" not in text


def test_the_manifest_forgets_documents_that_no_longer_exist(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build("--output", str(out), "--only", "banane", "--only", "echangeons")[0] == 0
    (out / "fact-sheets/echangeons.docx").unlink()
    assert build("--output", str(out), "--only", "banane")[0] == 0
    data = json.loads((out / ".cfsi-manifest.json").read_text())
    assert set(data["documents"]) == {"fact-sheets/banane.docx"}


def test_an_orphan_sheet_changed_since_it_was_written_is_kept(
    content_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    args = ("--content", str(content_copy), "--output", str(out), "--format", "docx")
    assert build(*args)[0] == 0
    edited = out / "fact-sheets/paniers-paysans.docx"
    edited.write_bytes(edited.read_bytes() + b"edited")
    (content_copy / "actions/09-paniers-paysans.yaml").unlink()
    (content_copy / "actions/08-droit-femmes-migrantes.yaml").unlink()
    assert build(*args)[0] == 0
    assert edited.exists()  # someone's edit is never deleted
    assert not (out / "fact-sheets/droit-femmes-migrantes.docx").exists()


def test_the_no_op_path_cleans_stale_temporaries(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build("--output", str(out), "--only", "banane")[0] == 0
    stale = [out / ".brochure.pdf.tmp-1-abcd", out / "fact-sheets/.banane.docx.tmp-2-ef01"]
    for path in stale:
        path.write_bytes(b"partial")
    code, text = build("--output", str(out), "--only", "banane")
    assert code == 0 and "1 unchanged" in text
    assert not any(p.exists() for p in stale)


def test_a_read_only_output_folder_is_a_usage_error(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    if os.geteuid() != 0:
        out.chmod(0o555)
    elif subprocess.run(["mount", "--bind", "-o", "ro", str(out), str(out)]).returncode != 0:
        pytest.skip("cannot make a read-only folder here (root without mount)")
    try:
        code, text = build("--output", str(out), "--only", "banane")
    finally:
        if os.geteuid() == 0:
            subprocess.run(["umount", str(out)], check=True)
        out.chmod(0o755)
    assert code == 2, text
    assert "cannot write to the output folder" in text and "internal error" not in text


def test_a_document_that_cannot_be_written_is_named_and_nothing_is_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    assert build("--output", str(out), "--format", "docx")[0] == 0
    before = files(out)
    real = OutputFolder.write_temporary

    def full(self: OutputFolder, name: str, data: bytes) -> str:
        if name.endswith("paniers-paysans.docx"):
            raise self._error(name, OSError(28, os.strerror(28)))
        return real(self, name, data)

    monkeypatch.setattr(OutputFolder, "write_temporary", full)
    code, text = build("--output", str(out), "--format", "docx", "--force", "--jobs", "1")
    assert code == 2, text
    assert "fact-sheets/paniers-paysans.docx: cannot be written (No space left on device)" in text
    assert files(out) == before  # no temporary left, nothing replaced


def test_ctrl_c_exits_130_and_leaves_no_temporary_and_no_worker(
    content_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-m", "cfsi_reports.cli", "build", "--content", str(content_copy)]
    process = subprocess.Popen(
        [*cmd, "--output", str(out), "--jobs", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline().startswith(b"wrote ")
    os.killpg(process.pid, signal.SIGINT)  # as the terminal sends it: to the whole group
    assert process.wait(timeout=60) == 130
    errors = process.stderr.read().decode()
    process.stdout.close()
    process.stderr.close()
    assert "interrupted" in errors and "Traceback" not in errors, errors
    assert not [p for p in out.rglob("*") if ".tmp-" in p.name]
    time.sleep(0.5)
    leftover = subprocess.run(
        ["pgrep", "-f", f"--output {out}"], capture_output=True, text=True
    ).stdout.split()
    assert not leftover


def test_source_date_epoch_at_the_default_date_gives_the_same_bytes_as_unset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert build("--output", str(tmp_path / "unset"), "--only", "banane", "--format", "all")[0] == 0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "946684800")
    assert build("--output", str(tmp_path / "set"), "--only", "banane", "--format", "all")[0] == 0
    unset, fixed = files(tmp_path / "unset"), files(tmp_path / "set")
    documents = [n for n in unset if not n.startswith(".cfsi-")]
    assert len(documents) == 3
    assert all(unset[n] == fixed[n] for n in documents)


def test_jobs_is_capped(tmp_path: Path) -> None:
    from cfsi_reports.plan import DEFAULT_EPOCH
    from cfsi_reports.renderers import Settings
    from cfsi_reports.theme import DEFAULT_THEME, load_theme
    from cfsi_reports.workers import MAX_WORKERS, Renderer

    settings = Settings(load_theme(DEFAULT_THEME), DEFAULT_EPOCH, frozenset({"docx"}))
    renderer = Renderer(settings, 40, "fr")
    try:
        assert renderer.workers <= min(MAX_WORKERS, os.cpu_count() or 1)
    finally:
        renderer.close(failed=True)
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_a_folder_where_the_manifest_goes_is_named_before_anything_renders(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / ".cfsi-manifest.json").mkdir(parents=True)
    code, text = build("--output", str(out), "--only", "banane")
    assert code == 2, text
    assert ".cfsi-manifest.json: is a folder where the document goes" in text
    assert not (out / "fact-sheets").exists()


def test_a_fifo_in_the_content_folder_never_hangs_a_build(
    content_copy: Path, tmp_path: Path
) -> None:
    os.mkfifo(content_copy / "notes.txt")
    os.mkfifo(content_copy / "photos-fifo.jpg")
    out = tmp_path / "out"
    args = ("--content", str(content_copy), "--output", str(out), "--only", "banane")
    assert build(*args)[0] == 0
    code, text = build(*args)
    assert code == 0 and "1 unchanged" in text
