"""`build`: formats, --only, incremental skips, atomic writes, exit codes, interruptions."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pikepdf
import pypdf
import pytest
from click.testing import CliRunner

from cfsi_reports import workers
from cfsi_reports.cli import main
from cfsi_reports.theme import DEFAULTS_DIR

SLUGS = [
    "echangeons",
    "jeunes-entreprendre",
    "banane",
    "jeunes-ruraux-guinee",
    "formation-insertion-tchad",
    "energie-konseguela",
    "migrants-ess",
    "droit-femmes-migrantes",
    "paniers-paysans",
]


def build(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["build", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".cfsi-")  # not the manifest or the lock
    }


@pytest.fixture(scope="module")
def seed_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seed") / "output"
    code, text = build("--content", "content", "--output", str(out), "--jobs", "2")
    assert code == 0, text
    return out


def test_full_build_writes_every_document(seed_build: Path) -> None:
    names = set(snapshot(seed_build))
    expected = {"brochure.pdf", "brochure-screen.pdf"} | {f"fact-sheets/{s}.docx" for s in SLUGS}
    assert names == expected
    with pikepdf.open(seed_build / "brochure.pdf") as pdf:
        assert len(pdf.pages) >= 12
    for slug in SLUGS:
        with zipfile.ZipFile(seed_build / f"fact-sheets/{slug}.docx") as z:
            assert "word/document.xml" in z.namelist()


def test_two_builds_give_identical_bytes(seed_build: Path, tmp_path: Path) -> None:
    code, text = build("--content", "content", "--output", str(tmp_path / "again"), "--jobs", "1")
    assert code == 0, text
    assert snapshot(tmp_path / "again") == snapshot(seed_build)


def test_noop_rebuild_skips_everything(content_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build("--content", str(content_copy), "--output", str(out))[0] == 0
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*.*") if p.is_file()}
    code, text = build("--content", str(content_copy), "--output", str(out))
    assert code == 0
    assert "0 written, 11 unchanged" in text
    assert {p: p.stat().st_mtime_ns for p in before} == before
    # One action changes: only its sheet and the brochure are rebuilt.
    path = content_copy / "actions/03-banane.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("30", "31", 1), encoding="utf-8")
    code, text = build("--content", str(content_copy), "--output", str(out))
    assert code == 0, text
    assert "3 written, 8 unchanged" in text
    assert "wrote fact-sheets/banane.docx" in text and "wrote brochure.pdf" in text
    code, text = build("--content", str(content_copy), "--output", str(out), "--force")
    assert "11 written, 0 unchanged" in text


def test_an_upgraded_requirement_rebuilds_everything(
    content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The installed versions come from the .dist-info folders' names, as pip names them."""
    from importlib import metadata

    from cfsi_reports import plan

    found = plan._distributions()
    for dist in ("reportlab", "python-docx", "PyYAML", "click"):
        assert found[plan._normal(dist)][0] == metadata.version(dist)
    out = tmp_path / "out"
    assert build("--content", str(content_copy), "--output", str(out))[0] == 0
    # A newer ReportLab earlier on the path (what an upgrade amounts to): nothing is current.
    newer = tmp_path / "site"
    (newer / f"reportlab-{found['reportlab'][0]}.post1.dist-info").mkdir(parents=True)
    monkeypatch.syspath_prepend(str(newer))
    code, text = build("--content", str(content_copy), "--output", str(out))
    assert code == 0, text
    assert "11 written, 0 unchanged" in text


def test_only_builds_those_sheets(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, text = build("--output", str(out), "--only", "banane", "--only", "echangeons")
    assert code == 0, text
    assert set(snapshot(out)) == {"fact-sheets/banane.docx", "fact-sheets/echangeons.docx"}
    code, text = build("--output", str(out), "--only", "banane", "--format", "pdf")
    assert code == 0, text
    assert {"brochure.pdf", "brochure-screen.pdf"} <= set(snapshot(out))


def test_unknown_slug_lists_the_known_ones(tmp_path: Path) -> None:
    code, text = build("--output", str(tmp_path / "out"), "--only", "bananes")
    assert code == 2
    assert "unknown action slug(s): bananes" in text and "banane" in text
    assert not (tmp_path / "out").exists()


def test_format_pdf_writes_only_the_brochures(tmp_path: Path) -> None:
    code, text = build("--output", str(tmp_path / "out"), "--format", "pdf")
    assert code == 0, text
    assert set(snapshot(tmp_path / "out")) == {"brochure.pdf", "brochure-screen.pdf"}


def test_invalid_content_writes_nothing(
    content_copy: Path, seed_build: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    shutil.copytree(seed_build, out)
    before = snapshot(out)
    path = content_copy / "actions/01-echangeons.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("granted: 64040", "granted: 1e9"))
    code, text = build("--content", str(content_copy), "--output", str(out), "--force")
    assert code == 1
    assert "funding.granted" in text and "nothing was written" in text
    assert snapshot(out) == before


def test_render_failure_names_the_document_and_keeps_earlier_outputs(
    seed_build: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    shutil.copytree(seed_build, out)
    before = snapshot(out)
    real = workers.bytes_of

    def failing(job, state):
        if job.slug == "banane":
            raise RuntimeError("engine exploded")
        return real(job, state)

    monkeypatch.setattr(workers, "bytes_of", failing)
    code, text = build("--output", str(out), "--force", "--jobs", "1", "--format", "docx")
    assert code == 3
    assert "fact-sheets/banane.docx: RuntimeError: engine exploded" in text
    assert "Traceback" not in text
    assert snapshot(out) == before  # same content: rewritten sheets are byte-identical
    assert not [p for p in out.rglob("*.tmp-*")]


def test_stale_temporary_files_are_cleaned(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "fact-sheets").mkdir(parents=True)
    stale = [out / ".brochure.pdf.tmp-1-abcd", out / "fact-sheets/.banane.docx.tmp-2-ef01"]
    for path in stale:
        path.write_bytes(b"partial")
    code, _ = build("--output", str(out), "--only", "banane")
    assert code == 0
    assert not any(p.exists() for p in stale)


def test_removed_action_loses_its_sheet(content_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build("--content", str(content_copy), "--output", str(out), "--format", "docx")[0] == 0
    (content_copy / "actions/09-paniers-paysans.yaml").unlink()
    assert build("--content", str(content_copy), "--output", str(out), "--format", "docx")[0] == 0
    assert not (out / "fact-sheets/paniers-paysans.docx").exists()
    assert (out / "fact-sheets/banane.docx").exists()


def test_quiet_prints_nothing_and_lines_otherwise(tmp_path: Path) -> None:
    code, text = build("--output", str(tmp_path / "a"), "--only", "banane", "--quiet")
    assert code == 0 and text == ""
    code, text = build("--output", str(tmp_path / "b"), "--only", "banane")
    assert "wrote fact-sheets/banane.docx" in text and "1 written" in text


def test_source_date_epoch_reaches_the_documents(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert build("--output", str(tmp_path / "a"), "--only", "banane")[0] == 0
    with zipfile.ZipFile(tmp_path / "a/fact-sheets/banane.docx") as z:
        core = z.read("docProps/core.xml").decode()
        assert "2023-11-14T22:13:20Z" in core
        assert all(info.date_time[:3] == (2023, 11, 14) for info in z.infolist())


def _change_every_action(content: Path, mark: str) -> None:
    for path in (content / "actions").glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("lead: ", f"lead: {mark} ", 1), encoding="utf-8")


def _start_build(content: Path, out: Path, jobs: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-m", "cfsi_reports.cli", "build", "--content", str(content)]
    return subprocess.Popen(
        [*cmd, "--output", str(out), "--jobs", str(jobs)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )


def _first_written(process: subprocess.Popen) -> bytes:
    """Return the first `wrote` line of a build (after the project file and the plan)."""
    assert process.stdout is not None
    line = process.stdout.readline()
    while line and not line.startswith(b"wrote "):
        line = process.stdout.readline()
    return line


def _children(pid: int) -> set[int]:
    """Every live descendant of `pid`, read from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if fields[0] != "Z":
                    parents[int(entry.name)] = int(fields[1])
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        for child, ppid in parents.items():
            if ppid == parent and child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _whole(out: Path, names: list[str]) -> None:
    for name in names:  # every file is whole: the old version or a complete new one
        data = (out / name).read_bytes()
        if name.endswith(".docx"):
            assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
        else:
            with pikepdf.open(io.BytesIO(data)) as pdf:
                assert len(pdf.pages) > 0


def test_killed_build_leaves_documents_whole(content_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build("--content", str(content_copy), "--output", str(out))[0] == 0
    before = snapshot(out)
    # Change every action so every document would change, then kill the build part-way.
    _change_every_action(content_copy, "Nouveau")
    process = _start_build(content_copy, out, jobs=1)
    assert process.stdout is not None
    first = _first_written(process)  # one document rendered: kill the whole group now
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    process.stdout.close()
    assert first.startswith(b"wrote ")
    after = {k: v for k, v in snapshot(out).items() if ".tmp-" not in k}
    assert set(after) == set(before)  # no document lost, no partial file under its name
    _whole(out, list(after))
    # The next build finishes the job and removes any temporary file the kill left.
    code, text = build("--content", str(content_copy), "--output", str(out))
    assert code == 0, text
    assert not [p for p in out.rglob("*") if ".tmp-" in p.name]
    assert all(v != before[k] for k, v in snapshot(out).items())


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGHUP])
def test_killing_the_main_process_leaves_no_worker_and_no_late_write(
    content_copy: Path, tmp_path: Path, sig: signal.Signals
) -> None:
    """Kill only the main process of a build of B: its workers go with it, and a build of A
    run meanwhile is what stays in the folder."""
    out = tmp_path / "out"
    content_b = tmp_path / "content-b"
    shutil.copytree(content_copy, content_b)
    _change_every_action(content_b, "Contenu-B")
    assert build("--content", str(content_copy), "--output", str(out))[0] == 0
    process = _start_build(content_b, out, jobs=2)
    assert process.stdout is not None
    first = _first_written(process)  # the workers are busy rendering
    workers = _children(process.pid)
    os.kill(process.pid, sig)  # the main process only, as a closed terminal or `kill` would
    process.wait(timeout=30)
    process.stdout.close()
    assert first.startswith(b"wrote "), first
    assert workers  # there were workers to kill
    deadline = time.monotonic() + 20
    while any(_alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [p for p in workers if _alive(p)]  # no process outlives its build
    # Content A, built now, stays: nothing of B lands afterwards.
    code, text = build("--content", str(content_copy), "--output", str(out), "--force")
    assert code == 0, text
    settled = snapshot(out)
    time.sleep(1.0)
    assert snapshot(out) == settled
    assert not [p for p in out.rglob("*") if ".tmp-" in p.name]
    brochure = "".join(page.extract_text() for page in pypdf.PdfReader(out / "brochure.pdf").pages)
    assert "Contenu-B" not in brochure
    for sheet in (out / "fact-sheets").glob("*.docx"):
        with zipfile.ZipFile(sheet) as z:
            assert b"Contenu-B" not in z.read("word/document.xml")


def test_switching_settings_and_back_rebuilds(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "out"
    assert build("--output", str(out), "--only", "banane")[0] == 0
    first = snapshot(out)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    code, text = build("--output", str(out), "--only", "banane")
    assert "1 written" in text and snapshot(out) != first
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    code, text = build("--output", str(out), "--only", "banane")
    assert code == 0 and "1 written" in text  # not "unchanged": the file was rewritten since
    assert snapshot(out) == first


def test_a_crafted_or_broken_manifest_is_ignored(tmp_path: Path) -> None:
    import json

    out = tmp_path / "out"
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    assert build("--output", str(out), "--format", "docx")[0] == 0
    manifest = out / ".cfsi-manifest.json"
    data = json.loads(manifest.read_text())
    data["documents"]["fact-sheets/../../victim.txt"] = {"sha256": "x", "size": 1}
    manifest.write_text(json.dumps(data))
    assert build("--output", str(out), "--format", "docx", "--force")[0] == 0
    assert victim.read_text() == "keep me"
    manifest.write_text('{"requests": [], "documents": []}')
    code, text = build("--output", str(out), "--format", "docx")
    assert code == 0, text


def test_editing_the_locale_rebuilds(tmp_path: Path) -> None:
    styles = tmp_path / "styles"
    shutil.copytree(DEFAULTS_DIR, styles)
    out = tmp_path / "out"
    theme = str(styles / "theme.yaml")
    assert build("--output", str(out), "--only", "banane", "--theme", theme)[0] == 0
    locale = styles / "locale" / "fr.yaml"
    locale.write_text(locale.read_text(encoding="utf-8").replace("Porteur du projet", "Porteur"))
    code, text = build("--output", str(out), "--only", "banane", "--theme", theme)
    assert code == 0 and "1 written" in text


def test_source_date_epoch_out_of_range_is_a_usage_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1000000000000")
    code, text = build("--output", str(tmp_path / "out"), "--only", "banane")
    assert code == 2 and "SOURCE_DATE_EPOCH" in text


def test_a_failure_in_a_worker_names_its_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = workers.bytes_of

    def failing(job, state):
        if job.kind == "screen":
            raise RuntimeError("engine exploded")
        return real(job, state)

    # Workers are forked after this: they inherit the failing renderer.
    monkeypatch.setattr(workers, "bytes_of", failing)
    code, text = build("--output", str(tmp_path / "out"), "--jobs", "2", "--format", "pdf")
    assert code == 3, text
    assert "brochure-screen.pdf: RuntimeError: engine exploded" in text
    assert "BrokenProcessPool" not in text


def test_two_builds_never_write_the_same_folder_at_once(tmp_path: Path) -> None:
    import fcntl

    out = tmp_path / "out"
    out.mkdir()
    with open(out / ".cfsi-lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        code, text = build("--output", str(out), "--only", "banane")
    assert code == 2 and "another build is writing" in text
    assert not (out / "fact-sheets").exists()
    assert build("--output", str(out), "--only", "banane")[0] == 0


def test_the_quick_digest_finds_the_locale_folder_the_theme_names(tmp_path: Path) -> None:
    """The no-op path reads `locale_dir:` without the theme's checks (and the built-in
    theme's not at all): it must find the folder the build reads the words from."""
    from cfsi_reports import plan
    from cfsi_reports.theme import DEFAULT_THEME, load_theme

    builtin = DEFAULT_THEME.resolve()
    assert plan._locale_dir([builtin]) == load_theme(DEFAULT_THEME).locale_dir
    (tmp_path / "words").mkdir()
    mine = tmp_path / "theme.yaml"
    mine.write_text("locale_dir: words\n", encoding="utf-8")
    assert plan._locale_dir([builtin, mine]) == load_theme(mine).locale_dir == tmp_path / "words"


def test_a_failed_build_exits_once_its_pool_has_stopped() -> None:
    """After a failure the warming workers are killed; the pool's manager thread must be done
    before the process exits, or Python 3.11's exit hook may write into the pipe it closed
    (a traceback on one failed build in 40)."""
    script = (
        "from cfsi_reports.renderers import Settings\n"
        "from cfsi_reports.theme import DEFAULT_THEME, load_theme\n"
        "from cfsi_reports.workers import Renderer\n"
        "settings = Settings(load_theme(DEFAULT_THEME), 0, frozenset({'pdf', 'docx'}),"
        " None, None, None)\n"
        "renderer = Renderer(settings, 2, 'fr')\n"
        "assert renderer.pool is not None, 'two workers expected'\n"
        "manager = renderer.pool._executor_manager_thread\n"
        "renderer.close(failed=True)\n"
        "print(manager.is_alive())\n"
    )
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
        assert done.stdout.strip() == "False"
