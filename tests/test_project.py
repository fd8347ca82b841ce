"""A tool, not a checkout: `init`, the project file, messages in French, truthful progress.

Each test runs the command line as its user would: in a subprocess, from the project's folder,
with the environment's language; and reads back the documents it wrote.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from cfsi_reports.messages import read_catalogue
from conftest import cli, squash

NBSP = "\u00a0"


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def sheet_text(path: Path) -> str:
    document = docx.Document(io.BytesIO(path.read_bytes()))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project made by `init`, then built from its own folder."""
    where = tmp_path_factory.mktemp("init")
    made = cli("init", "programme", cwd=where)
    assert made.returncode == 0, made.stderr
    root = where / "programme"
    built = cli("build", "--jobs", "1", cwd=root)
    assert built.returncode == 0, built.stderr + built.stdout
    return root


# -- init ---------------------------------------------------------------------------------


def test_init_writes_a_project_that_validates_and_builds(project: Path) -> None:
    files = {p.relative_to(project).as_posix() for p in project.rglob("*") if p.is_file()}
    assert {
        "cfsi.yaml",
        ".gitignore",
        "content/programme.yaml",
        "content/actions/01-exemple.yaml",
    } <= files
    assert (project / "content/photos").is_dir()
    assert "output/" in (project / ".gitignore").read_text(encoding="utf-8").splitlines()
    # The comments speak French to the person who fills the files in.
    assert "# Titre du programme" in (project / "content/programme.yaml").read_text("utf-8")
    checked = cli("validate", cwd=project)
    assert checked.returncode == 0, checked.stderr
    assert "1 action are valid" in checked.stdout or "1 action sont valides" in checked.stdout
    brochure = squash(pdf_text(project / "output/brochure-screen.pdf"))
    assert squash("Mon programme de coopération") in brochure
    assert squash("des jardins partagés pour l'insertion des jeunes") in brochure
    sheet = sheet_text(project / "output/fact-sheets/exemple.docx")
    assert "Mon association" in sheet and "Thiès (Sénégal)" in sheet


def test_init_prints_next_steps(tmp_path: Path) -> None:
    made = cli("init", "p", cwd=tmp_path)
    assert made.returncode == 0
    for step in ("cd p", "cfsi-reports validate", "cfsi-reports build", "cfsi-reports new"):
        assert step in made.stdout


def test_new_then_build_from_a_subfolder_uses_the_project(project: Path, tmp_path: Path) -> None:
    added = cli("new", "maraichage", cwd=project / "content" / "actions")
    assert added.returncode == 0, added.stderr
    assert (project / "content/actions/02-maraichage.yaml").is_file()
    # The new file is to be filled in: validate, from below the project, says so.
    checked = cli("validate", "--strict", cwd=project / "content")
    assert checked.returncode == 1
    assert "02-maraichage.yaml:" in checked.stderr and "cfsi-reports new" in checked.stderr
    (project / "content/actions/02-maraichage.yaml").unlink()


@pytest.mark.parametrize("kind", ["not empty", "a file"])
def test_init_refuses_a_folder_in_use(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "taken"
    if kind == "a file":
        target.write_text("x", encoding="utf-8")
    else:
        target.mkdir()
        (target / "notes.txt").write_text("mine", encoding="utf-8")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    made = cli("init", "taken", cwd=tmp_path)
    assert made.returncode == 2
    assert "taken" in made.stderr and "Traceback" not in made.stderr
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # nothing touched


def test_init_in_an_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    made = cli("init", "empty", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "empty/cfsi.yaml").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left


@pytest.mark.parametrize("name", [None, ".", "../here", "absolute"])
def test_init_fills_the_current_folder_in_place(tmp_path: Path, name: str | None) -> None:
    """`init`, `init .`, `init ../here`, `init /abs/here` from inside an empty folder fill it:
    the same folder (same inode), never removed nor replaced under the user's shell."""
    here = tmp_path / "here"
    here.mkdir()
    inode = here.stat().st_ino
    args = [] if name is None else [str(here) if name == "absolute" else name]
    made = cli("init", *args, cwd=here)
    assert made.returncode == 0, made.stderr
    assert here.stat().st_ino == inode
    assert (here / "cfsi.yaml").is_file() and (here / "content/programme.yaml").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["here"]  # no staging left beside
    assert not [p for p in here.iterdir() if p.name.startswith(".") and p.name != ".gitignore"]
    assert "cd " not in made.stdout  # already there
    checked = cli("validate", cwd=here)
    assert "Traceback" not in checked.stderr and "internal error" not in checked.stderr


def test_init_refuses_the_current_folder_when_not_empty(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    made = cli("init", cwd=tmp_path)
    assert made.returncode == 2 and "Traceback" not in made.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_init_files_point_editors_to_their_schema(tmp_path: Path) -> None:
    from cfsi_reports.scaffold import modeline

    assert cli("init", "p", cwd=tmp_path).returncode == 0
    content = tmp_path / "p/content"
    for path, kind in (("programme.yaml", "programme"), ("actions/01-exemple.yaml", "action")):
        assert (content / path).read_text(encoding="utf-8").splitlines()[0] == modeline(kind)
    for kind in ("programme", "action"):
        assert (content / f"schema/{kind}.schema.json").is_file()


# -- the project file ---------------------------------------------------------------------


def test_build_says_which_project_file_it_used(project: Path) -> None:
    again = cli("build", cwd=project / "content" / "actions")
    assert again.returncode == 0, again.stderr
    assert "project file: " in again.stderr
    assert str(project / "cfsi.yaml") in again.stderr
    assert "0 written, 3 unchanged" in again.stdout  # the project's output, found from below


def test_command_line_overrides_the_project_file(project: Path) -> None:
    built = cli("build", "--output", "elsewhere", "--format", "docx", cwd=project)
    assert built.returncode == 0, built.stderr
    assert (project / "elsewhere/fact-sheets/exemple.docx").is_file()
    assert not (project / "elsewhere/brochure.pdf").exists()


def test_project_file_remembers_the_word_template(project: Path, tmp_path: Path) -> None:
    made = cli("template", "modele.docx", cwd=project)
    assert made.returncode == 0, made.stderr
    template = docx.Document(str(project / "modele.docx"))
    template.styles["Title"].font.size = docx.shared.Pt(31)
    template.save(str(project / "modele.docx"))
    settings = (project / "cfsi.yaml").read_text(encoding="utf-8")
    (project / "cfsi.yaml").write_text(settings + "docx_template: modele.docx\n", encoding="utf-8")
    try:
        built = cli("build", "--format", "docx", cwd=project)  # no option typed
        assert built.returncode == 0, built.stderr
        sheet = docx.Document(str(project / "output/fact-sheets/exemple.docx"))
        assert sheet.styles["Title"].font.size == docx.shared.Pt(31)
    finally:
        (project / "cfsi.yaml").write_text(settings, encoding="utf-8")
        (project / "modele.docx").unlink()


def test_project_file_labels_replace_the_locale_s(project: Path) -> None:
    settings = (project / "cfsi.yaml").read_text(encoding="utf-8")
    (project / "cfsi.yaml").write_text(
        settings + "labels:\n  lead: Porteuse du projet\n", encoding="utf-8"
    )
    try:
        built = cli("build", cwd=project)
        assert built.returncode == 0, built.stderr
        sheet = sheet_text(project / "output/fact-sheets/exemple.docx")
        assert "Porteuse du projet" in sheet and "Porteur du projet" not in sheet
        brochure = squash(pdf_text(project / "output/brochure-screen.pdf"))
        assert squash("Porteuse du projet") in brochure
    finally:
        (project / "cfsi.yaml").write_text(settings, encoding="utf-8")
    built = cli("build", cwd=project)  # without the override, the locale's label is back
    assert "Porteur du projet" in sheet_text(project / "output/fact-sheets/exemple.docx")


def test_unknown_label_is_refused_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "cfsi.yaml").write_text(
        "content: content\nlabels:\n  lead: Porteuse\n  laed: Porteuse\n", encoding="utf-8"
    )
    result = cli("validate", cwd=tmp_path)
    assert result.returncode == 2
    assert "cfsi.yaml:4: labels.laed: unknown label (a typo? the locale has: " in result.stderr


def test_project_file_mistakes_are_all_reported_with_lines(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "cfsi.yaml").write_text(
        "content: content\nouptut: out\npdf_standard: x-9\ntheme: nowhere.yaml\n",
        encoding="utf-8",
    )
    for command in ("build", "validate", "list", "watch"):
        result = cli(command, cwd=tmp_path)
        assert result.returncode == 2, (command, result.stderr)
        err = result.stderr
        assert "cfsi.yaml:2: ouptut: unknown key (a typo? expected one of: content, output" in err
        assert (
            "cfsi.yaml:3: pdf_standard: 'x-9' is not one of auto, none, x-4, a-2b, x-4,a-2b" in err
        )
        assert "cfsi.yaml:4: theme: nowhere.yaml: file not found" in err
        assert "3 problems found" in err and "Traceback" not in err
    assert not (tmp_path / "output").exists() and not (tmp_path / "out").exists()


def test_project_file_syntax_error_is_located(tmp_path: Path) -> None:
    (tmp_path / "cfsi.yaml").write_text("content: [content\n", encoding="utf-8")
    result = cli("validate", cwd=tmp_path)
    assert result.returncode == 2
    assert re.search(r"cfsi\.yaml:\d+: YAML syntax error", result.stderr), result.stderr


def test_no_project_file_and_no_content_is_a_clear_message(tmp_path: Path) -> None:
    result = cli("build", cwd=tmp_path)
    assert result.returncode == 1
    assert "content" in result.stderr and "not found" in result.stderr
    assert "Traceback" not in result.stderr


def test_watch_on_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = cli("watch", "--content", "nowhere", cwd=tmp_path)
    assert result.returncode == 2
    assert "nowhere: content folder not found (nothing to watch)" in result.stderr


# -- messages in the user's language ------------------------------------------------------


def test_messages_follow_lang(tmp_path: Path) -> None:
    (tmp_path / "cfsi.yaml").write_text("contnet: content\n", encoding="utf-8")
    english = cli("validate", cwd=tmp_path, lang="en_GB.UTF-8")
    french = cli("validate", cwd=tmp_path, lang="fr_FR.UTF-8")
    assert english.returncode == french.returncode == 2
    assert "unknown key (a typo?" in english.stderr and "1 problem found." in english.stderr
    assert f"clé inconnue (une faute de frappe{NBSP}? clés possibles{NBSP}:" in french.stderr
    assert "1 problème trouvé." in french.stderr
    assert "cfsi.yaml:1: contnet:" in french.stderr  # the location stays machine-readable


def test_help_speaks_french(tmp_path: Path) -> None:
    french = cli("build", "--help", cwd=tmp_path, lang="fr_FR.UTF-8")
    assert french.returncode == 0
    text = " ".join(french.stdout.split())
    assert "Valide le contenu, puis construit la brochure et les fiches." in text
    assert "Reconstruire tous les documents, même inchangés." in text
    english = cli("build", "--help", cwd=tmp_path)
    assert "Rebuild every document, even unchanged ones." in " ".join(english.stdout.split())


def test_the_project_file_can_ask_for_french(project: Path) -> None:
    settings = (project / "cfsi.yaml").read_text(encoding="utf-8")
    assert "# messages: fr" in settings  # offered, commented: the system's language by default
    try:
        (project / "cfsi.yaml").write_text(settings.replace("# messages: fr", "messages: fr"))
        result = cli("build", cwd=project, lang="C")
        assert result.returncode == 0
        assert f"fichier de projet{NBSP}: cfsi.yaml" in result.stderr
        pattern = rf"output{NBSP}: \d+ écrits?, \d+ inchangés?.* en \d+,\d\d s"
        assert re.search(pattern, result.stdout), result.stdout
        (project / "cfsi.yaml").write_text(settings.replace("# messages: fr", "messages: en"))
        result = cli("build", cwd=project, lang="fr_FR.UTF-8")
        assert "project file: cfsi.yaml" in result.stderr  # the project's choice wins
    finally:
        (project / "cfsi.yaml").write_text(settings, encoding="utf-8")


def test_french_counts_agree_with_their_number(tmp_path: Path) -> None:
    """« ligne 17 indentée », « 2 avertissements »: no « (s) » left for the reader to sort out."""
    assert cli("init", cwd=tmp_path).returncode == 0
    assert cli("new", "maraichage", cwd=tmp_path).returncode == 0  # to be filled: a warning
    action = tmp_path / "content/actions/01-exemple.yaml"
    text = action.read_text(encoding="utf-8")
    action.write_text(text.replace("\n  - Une mairie", "\n\t- Une mairie", 1), encoding="utf-8")
    line = text.splitlines().index("  - Une mairie en France") + 1
    fixed = cli("fix", cwd=tmp_path, lang="fr_FR.UTF-8")
    assert f"ligne {line} indentée avec des espaces" in fixed.stdout, fixed.stdout
    warned = re.search(r"sont valides, avec (\d+) (avertissements?)\.", fixed.stdout)
    assert warned, fixed.stdout
    assert warned[2] == ("avertissement" if warned[1] == "1" else "avertissements")
    assert "(s)" not in fixed.stdout


def test_french_numbers_have_a_decimal_comma(project: Path) -> None:
    checked = cli("preflight", "output/brochure.pdf", cwd=project, lang="fr_FR.UTF-8")
    bleed = [line for line in checked.stdout.splitlines() if "fond perdu" in line]
    assert bleed and re.search(r"\d,\d mm", bleed[0]), checked.stdout
    assert not re.search(r"\d\.\d mm", checked.stdout)


def test_french_catalogue_is_complete_and_well_formed() -> None:
    """Every message of the code has a French translation with the same placeholders."""
    from babel.messages.extract import extract_from_dir

    from cfsi_reports import messages

    source = Path(messages.__file__).parent
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(str(source)):
        found.add(tuple(message) if isinstance(message, tuple | list) else message)
    assert len(found) > 50
    with messages.catalogue_path("fr").open("rb") as handle:
        catalog = read_catalogue(handle, "fr")
    table = messages._lookup(catalog)
    for entry in catalog:  # a translation that loses a placeholder would be dropped: say so
        if entry.id and entry.string and not entry.fuzzy:
            key = tuple(entry.id) if isinstance(entry.id, tuple) else entry.id
            assert key in table, f"placeholders differ: {entry.id!r} -> {entry.string!r}"
    missing = sorted(str(m) for m in found if m not in table)
    assert not missing, f"{len(missing)} messages lack French (`make messages`): {missing[:5]}"
    for french in table.values():
        for text in french if isinstance(french, tuple) else (french,):
            assert not re.search(r" [:;!?]([\s)\]]|$)", str(text)), f"plain space before: {text!r}"
            assert "« " not in str(text) and " »" not in str(text), text


# -- progress ---------------------------------------------------------------------------


def test_progress_counts_documents_done_of_total(project: Path) -> None:
    action = project / "content/actions/01-exemple.yaml"
    text = action.read_text(encoding="utf-8")
    action.write_text(text.replace("budget: 50000", "budget: 50001"), encoding="utf-8")
    try:
        result = cli("build", cwd=project, lang="C")
    finally:
        action.write_text(text, encoding="utf-8")
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("wrote ")]
    assert [line.rsplit(" ", 1)[-1] for line in lines] == ["[1/3]", "[2/3]", "[3/3]"]


def test_progress_bar_on_a_terminal_has_counts_and_no_estimate(tmp_path: Path) -> None:
    pty = pytest.importorskip("pty")
    made = cli("init", "p", cwd=tmp_path)
    assert made.returncode == 0
    master, slave = pty.openpty()
    env = {**os.environ, "LANG": "C.UTF-8", "COLUMNS": "100"}
    process = subprocess.Popen(
        [sys.executable, "-m", "cfsi_reports", "build", "--jobs", "1"],
        cwd=tmp_path / "p",
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    process.wait(timeout=120)
    os.close(master)
    screen = b"".join(chunks).decode("utf-8", "replace")
    assert process.returncode == 0, screen
    assert "building" in screen and "0/3" in screen and "3/3" in screen
    assert not re.search(r"\d+:\d\d:\d\d", screen), "no time estimate"
    assert "eta" not in screen.lower()


def test_python_dash_m_is_the_command_line(tmp_path: Path) -> None:
    result = cli("--version", cwd=tmp_path)
    assert result.returncode == 0 and "cfsi-reports, version" in result.stdout


def test_every_command_and_option_help_is_french_in_french(tmp_path: Path) -> None:
    """A help text written as a docstring or a bare string would stay English in French."""
    from cfsi_reports.cli import main

    english = []
    for name, command in main.commands.items():
        texts = [command.help] + [p.help for p in command.params if getattr(p, "help", None)]
        shown = " ".join(cli(name, "--help", cwd=tmp_path, lang="fr_FR.UTF-8").stdout.split())
        english += [f"{name}: {t}" for t in texts if t and " ".join(t.split())[:40] in shown]
    assert english == []


def test_system_errors_are_said_in_french_too(tmp_path: Path) -> None:
    """The system gives its reasons in English: the commonest come from the catalogue."""
    from conftest import CONTENT

    (tmp_path / "afile").write_text("x", encoding="utf-8")
    said = {}
    for lang in ("fr_FR.UTF-8", "C.UTF-8"):
        done = cli(
            "build", "--content", str(CONTENT), "--output", "afile/out", cwd=tmp_path, lang=lang
        )
        assert done.returncode != 0 and "Traceback" not in done.stderr
        said[lang] = done.stderr
    assert "afile/out\u00a0: une partie du chemin n'est pas un dossier" in said["fr_FR.UTF-8"]
    assert "afile/out: Not a directory" in said["C.UTF-8"]  # the system's own words in English
