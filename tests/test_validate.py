"""`validate` and `list`: every mistake located, all at once, no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cfsi_reports.cli import main


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_seed_is_valid() -> None:
    code, out = run("validate", "--content", "content")
    assert code == 0, out
    assert "9 actions" in out


def test_granted_above_budget_is_located(content_copy: Path) -> None:
    path = content_copy / "actions/03-banane.yaml"
    edit(path, "granted: 66440", "granted: 190000.5")
    code, out = run("validate", "--content", str(content_copy))
    assert code == 1
    line = line_of(path, "granted:")
    assert (
        f"actions/03-banane.yaml:{line}: funding.granted: 190\u00a0000,50 € exceeds the budget of"
        " 108\u00a0548 €"
    ).replace("\u00a0", " ") in out


def test_a_rule_between_fields_is_checked_beside_the_group_s_other_mistakes(
    content_copy: Path,
) -> None:
    """The budget and the grant read well: their rule holds whatever else is wrong beside."""
    path = content_copy / "actions/03-banane.yaml"
    edit(path, "granted: 66440", "granted: 190000\n  grant_label: Subvention")
    # A field given wrong is reported as such, not as missing for the rule.
    other = content_copy / "actions/06-energie-konseguela.yaml"
    text = other.read_text(encoding="utf-8")
    start = text.index("beneficiaries:\n")
    end = text.index("\n", text.index("\nduration_months:") - 1)
    other.write_text(text[:start] + "beneficiaries:\n  direct:\n    - [a, b]" + text[end:])
    code, out = run("validate", "--content", str(content_copy))
    assert code == 1
    assert "funding.granted: 190 000 € exceeds the budget" in out.replace("\u00a0", " ")
    assert "funding.grant_label: unknown field: did you mean 'granted_label'?" in out
    assert "beneficiaries.direct[1]: expected text" in out
    assert "at least one of the two" not in out


@pytest.mark.parametrize(
    ("old", "new", "field", "words"),
    [
        ("lead: Batik International\n", "", "lead", "missing"),
        ("duration_months: 25", "duration_months: vingt-cinq", "duration_months", "whole number"),
        ("duration_months: 25", "duration_months: 25\ndurée: 3", "durée", "unknown field"),
        ("budget: 98525", "budget: 98 525 €", "funding.budget", "not an amount"),
        ("countries: [EG, MA, TN, FR]", "countries: [EG, XX]", "countries[2]", "ISO 3166"),
        ("partners:\n", "partners: []\nold_partners:\n", "partners", "at least one"),
    ],
)
def test_each_mistake_names_file_line_and_field(
    content_copy: Path, old: str, new: str, field: str, words: str
) -> None:
    path = content_copy / "actions/01-echangeons.yaml"
    edit(path, old, new)
    code, out = run("validate", "--content", str(content_copy))
    assert code == 1
    lines = [line for line in out.splitlines() if f": {field}: " in line]
    assert lines, out
    assert lines[0].startswith("actions/01-echangeons.yaml:")
    assert words in lines[0]


def test_syntax_error_is_located(content_copy: Path) -> None:
    path = content_copy / "actions/02-jeunes-entreprendre.yaml"
    edit(path, "lead: Cap Solidarités", "lead: Cap: Solidarités")
    code, out = run("validate", "--content", str(content_copy))
    assert code == 1
    line = line_of(path, "lead: Cap: Solidarités")
    assert f"actions/02-jeunes-entreprendre.yaml:{line}: lead: a text containing ': '" in out
    assert "cfsi-reports fix" in out
    assert "quotes" in out


@pytest.mark.parametrize(
    ("quote", "said"),
    [
        ('"', 'the text opened with " on this line is never closed'),
        # l'industrie: the apostrophe closes the text, YAML stumbles on the next word.
        ("'", "the text in ' quotes ends at the ' before 'industrie': to keep a ' inside"),
    ],
)
def test_a_quote_never_closed_is_named_where_it_opens(
    content_copy: Path, quote: str, said: str
) -> None:
    """YAML runs a quoted text on over the lines below: the mistake is where it opens."""
    path = content_copy / "actions/03-banane.yaml"
    edit(path, "title: La santé", f"title: {quote}La santé")
    edit(path, "  - Banana Link\n", '  - Banana Link\n  - "Banana Link : UK"\n')
    edit(path, "granted: 66440", "granted: 66440 euros")
    (content_copy / "actions/04-jeunes-ruraux-guinee.yaml").write_text(
        "title: Test\nlead: 'CGT\n", encoding="utf-8"
    )
    edit(content_copy / "actions/05-formation-insertion-tchad.yaml", "[TD, FR]", '["TD, FR]')
    code, out = run("validate", "--content", str(content_copy))
    assert code == 1
    line = line_of(path, "title:")
    assert f"actions/03-banane.yaml:{line}: title: {said}" in out, out
    # The quote mended to read on: the file's other mistakes are said in the same run.
    assert f"actions/03-banane.yaml:{line_of(path, 'granted:')}: funding.granted:" in out, out
    assert "actions/04-jeunes-ruraux-guinee.yaml:2: lead: the text opened with '" in out, out
    assert "actions/05-formation-insertion-tchad.yaml:4: countries: the text opened with" in out
    assert "YAML syntax error" not in out
    # `fix` mends what it says it does; the quote in brackets stays to the writer.
    code, out = run("fix", "--content", str(content_copy))
    assert "mended the quotes of the text on line 2" in out, out
    mended = path.read_text(encoding="utf-8").splitlines()[line - 1]
    assert mended in (
        'title: "La santé et la sécurité au travail dans l\'industrie de la banane"',
    ), mended
    assert "(`cfsi-reports fix` does it)" not in out.split("countries:")[1].split("\n")[0]


def test_every_broken_file_is_reported_in_one_run(content_copy: Path) -> None:
    edit(content_copy / "actions/01-echangeons.yaml", "duration_months: 25", "duration_months: -1")
    edit(content_copy / "actions/05-formation-insertion-tchad.yaml", "title:", "titre:")
    edit(content_copy / "programme.yaml", "title:", "tittle:")
    (content_copy / "actions/10-copie.yaml").write_text(
        (content_copy / "actions/09-paniers-paysans.yaml").read_text(encoding="utf-8")
        + "slug: paniers-paysans\n",
        encoding="utf-8",
    )
    code, out = run("validate", "--content", str(content_copy))
    assert code == 1
    assert "actions/01-echangeons.yaml:" in out and "duration_months" in out
    assert "actions/05-formation-insertion-tchad.yaml:" in out and "titre: unknown field" in out
    assert "programme.yaml:" in out and "tittle: unknown field" in out
    assert "actions/10-copie.yaml:" in out and "also the slug of actions/09" in out
    assert "problems found" in out


def test_a_slug_given_twice_is_reported_with_the_other_mistakes_of_its_files(
    content_copy: Path,
) -> None:
    """A file that does not read well still claims its slug: its duplicate is said at once."""
    first = content_copy / "actions/01-echangeons.yaml"
    edit(first, "duration_months: 25", "duration_months: 25 mois")
    (content_copy / "actions/10-copie.yaml").write_text(
        (content_copy / "actions/02-jeunes-entreprendre.yaml").read_text(encoding="utf-8")
        + "slug: echangeons\n",
        encoding="utf-8",
    )
    (content_copy / "actions/11-autre.yaml").write_text(
        (content_copy / "actions/09-paniers-paysans.yaml")
        .read_text(encoding="utf-8")
        .replace("duration_months: ", "duration_months: -")
        + "slug: paniers-paysans\n",
        encoding="utf-8",
    )
    code, out = run("validate", "--content", str(content_copy))
    assert code == 1
    assert "actions/01-echangeons.yaml:" in out and "duration_months" in out
    assert "10-copie.yaml" in out and "also the slug of actions/01-echangeons.yaml" in out
    assert "11-autre.yaml" in out and "also the slug of actions/09-paniers-paysans.yaml" in out
    assert out.count("also the slug") == 2, out


def test_a_key_given_twice_leaves_the_file_s_other_mistakes_said(content_copy: Path) -> None:
    """The second `lead:` is refused, the first read on: the slug given twice, the amount
    and the duration of the same file are said in the same run."""
    copy = content_copy / "actions/10-copie.yaml"
    copy.write_text(
        (content_copy / "actions/01-echangeons.yaml")
        .read_text(encoding="utf-8")
        .replace("duration_months: 25", "duration_months: -1")
        + "lead: Quelqu'un d'autre\nslug: echangeons\n",
        encoding="utf-8",
    )
    code, out = run("validate", "--content", str(content_copy))
    assert code == 1
    lead = line_of(copy, "lead: Quelqu")
    assert f"actions/10-copie.yaml:{lead}: lead: this key is given twice: already on line" in out
    assert "actions/10-copie.yaml:" in out and "duration_months" in out
    assert "also the slug of actions/01-echangeons.yaml" in out, out


def test_beneficiaries_need_direct_or_indirect(content_copy: Path) -> None:
    path = content_copy / "actions/04-jeunes-ruraux-guinee.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("beneficiaries:")
    end = text.index("duration_months:")
    path.write_text(text[:start] + "beneficiaries: {}\n" + text[end:], encoding="utf-8")
    code, out = run("validate", "--content", str(content_copy))
    assert code == 1
    assert "beneficiaries: give 'direct' or 'indirect'" in out


def test_list_shows_totals_computed_from_the_data() -> None:
    code, out = run("list", "--content", "content")
    assert code == 0, out
    assert "1 336 449" in out.replace("\u202f", " ").replace("\u00a0", " ")
    assert "17 countries: France and 16 others" in out
    assert out.index("echangeons") < out.index("paniers-paysans")


def test_help_on_every_command() -> None:
    for command in ([], ["validate"], ["list"], ["build"], ["new"], ["template"]):
        code, out = run(*command, "--help")
        assert code == 0 and "Usage:" in out


def test_new_writes_a_file_validate_accepts_once_filled(content_copy: Path) -> None:
    code, out = run("new", "maraichage", "--content", str(content_copy))
    assert code == 0, out
    path = content_copy / "actions/10-maraichage.yaml"
    text = path.read_text(encoding="utf-8")
    assert "Porteur du projet" in text  # commented in French
    assert "\nslug:" not in text and "# slug: maraichage" in text
    code, out = run("validate", "--content", str(content_copy))
    assert code == 0, out  # valid as written; what is left to fill in is a warning
    assert "actions/10-maraichage.yaml:" in out and "warning: still the example" in out
    filled = (
        text.replace("# regions: Mali / France", "regions: Bénin / France")
        .replace("À compléter : titre de l'action", "Maraîchage solidaire")
        .replace("# countries: [ML, FR]", "countries: [BJ, FR]")
        .replace("À compléter : porteur du projet", "Une association")
        .replace("À compléter : partenaire", "Un partenaire")
        .replace("À compléter : lieu", "Cotonou")
        .replace("À compléter : bénéficiaires directs", "40 familles")
        # The example figures stay: a real action may last 12 months for 10 000 €.
        .replace("À compléter : présentation du projet.", "Un projet de maraîchage.")
        .replace("À compléter : résultat attendu", "des légumes")
        .replace("À compléter : activité", "planter")
    )
    path.write_text(filled, encoding="utf-8")
    code, out = run("validate", "--strict", "--content", str(content_copy))
    assert code == 0, out
    assert "warning:" not in out
    code, out = run("new", "maraichage", "--content", str(content_copy))
    assert code == 2 and "already exists" in out


def test_no_traceback_from_the_real_command(content_copy: Path) -> None:
    (content_copy / "actions/01-echangeons.yaml").write_bytes(b"title: [unclosed\n\x00")
    done = subprocess.run(
        [sys.executable, "-m", "cfsi_reports.cli", "validate", "--content", str(content_copy)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert "actions/01-echangeons.yaml:" in done.stderr


def test_template_command_writes_a_template_build_accepts(tmp_path: Path) -> None:
    target = tmp_path / "modele.docx"
    code, out = run("template", str(target))
    assert code == 0, out
    code, out = run(
        "build",
        "--output",
        str(tmp_path / "out"),
        "--only",
        "banane",
        "--docx-template",
        str(target),
    )
    assert code == 0, out
    assert (tmp_path / "out/fact-sheets/banane.docx").stat().st_size > 0


def test_a_bug_is_one_line_not_a_traceback(monkeypatch, capsys) -> None:
    from cfsi_reports import cli

    def broken(**options: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.delenv("CFSI_DEBUG", raising=False)
    monkeypatch.setattr(cli, "main", broken)
    try:
        cli.run()
    except SystemExit as exc:
        assert exc.code == 3
    err = capsys.readouterr().err
    assert err.startswith("internal error: ZeroDivisionError: division by zero")
    assert "Traceback" not in err


def test_new_knows_the_slug_a_file_name_gives(content_copy: Path) -> None:
    (content_copy / "actions/03-banane.yaml").rename(content_copy / "actions/03-Banane.yaml")
    code, out = run("new", "banane", "--content", str(content_copy))
    assert code == 2 and "already exists" in out


def test_a_broken_theme_is_a_usage_error_naming_every_setting(tmp_path: Path) -> None:
    theme = tmp_path / "theme.yaml"
    theme.write_text(
        "page:\n"
        "  bleed: 3\n"  # line 2: the unit is part of the name (bleed_mm)
        "  margins: {top_mm: -4}\n"
        "styles:\n"
        "  body: {size_pt: big, colour: teal}\n"  # line 5
        "  intro: {base: prose}\n",
        encoding="utf-8",
    )
    for command in (["validate"], ["build", "--output", str(tmp_path / "out")]):
        code, out = run(*command, "--theme", str(theme))
        assert code == 2, out
        assert f"{theme}:2: page.bleed: unknown setting: did you mean 'bleed_mm'?" in out
        assert f"{theme}:3: page.margins.top_mm: must be at least 0" in out
        assert f"{theme}:5: styles.body.size_pt: 'big': expected a number" in out
        assert "Traceback" not in out
    assert not (tmp_path / "out").exists()


def test_a_value_is_quoted_the_language_s_way(content_copy: Path, tmp_path: Path) -> None:
    """English quotes it as Python would, French between guillemets, a space before the colon."""
    from conftest import cli

    edit(
        content_copy / "actions/03-banane.yaml",
        "duration_months: 30",
        "duration_months: 30\norder: 2.5",
    )
    said = {}
    for lang in ("C.UTF-8", "fr_FR.UTF-8"):
        done = cli("validate", "--content", str(content_copy), cwd=tmp_path, lang=lang)
        assert done.returncode == 1, done.stderr
        said[lang] = done.stdout + done.stderr
    assert "order: '2.5': expected a whole number" in said["C.UTF-8"]
    assert "order: «\u00a02.5\u00a0»\u00a0: un nombre entier est attendu" in said["fr_FR.UTF-8"]


def test_an_empty_action_file_is_said_to_be_empty(content_copy: Path) -> None:
    (content_copy / "actions/10-vide.yaml").write_text("# à remplir\n", encoding="utf-8")
    code, out = run("validate", "--content", str(content_copy))
    assert code == 1
    assert "actions/10-vide.yaml:1: the file is empty (`cfsi-reports new` writes one" in out


def test_new_with_a_title_instead_of_a_slug_suggests_the_slug(content_copy: Path) -> None:
    code, out = run("new", "Échanges Maroc", "--content", str(content_copy))
    assert code == 2
    assert "'Échanges Maroc' is not a valid slug" in out and "e.g. echanges-maroc)" in out
