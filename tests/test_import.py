"""`cfsi-reports import`: edited fact sheets come back into the content, and nothing else does."""

from __future__ import annotations

import copy
import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
import yaml
from click.testing import CliRunner
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from lxml import etree

from cfsi_reports.cli import main
from cfsi_reports.content import load_content
from cfsi_reports.roundtrip import text as tx
from conftest import CONTENT, require_tool, run_tool


def cli(*args: str | Path):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The seed's fact sheets, built once: read-only for the tests."""
    out = tmp_path_factory.mktemp("built")
    result = cli("build", "--content", CONTENT, "--output", out, "--format", "docx", "-j", "1")
    assert result.exit_code == 0, result.output
    return out / "fact-sheets"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the seed content that a test may write to."""
    return Path(shutil.copytree(CONTENT, tmp_path / "content"))


def paragraphs(document) -> list[Paragraph]:
    body = document.element.body
    return [Paragraph(p, document._body) for p in body.iter(qn("w:p"))]


def find(document, text: str) -> Paragraph:
    for p in paragraphs(document):
        if p.text == text:
            return p
    raise AssertionError(f"no paragraph {text!r}")


def set_text(p: Paragraph, text: str) -> None:
    for r in p.runs[1:]:
        r._r.getparent().remove(r._r)
    p.runs[0].text = text


def edit(src: Path, dst: Path, change) -> Path:
    document = docx.Document(str(src))
    change(document)
    document.save(str(dst))
    return dst


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


# --- unedited sheets -----------------------------------------------------------------


def test_every_seed_sheet_imports_unedited_as_no_change(built: Path, content: Path) -> None:
    sheets = sorted(built.glob("*.docx"))
    assert len(sheets) == 9
    result = cli("import", "--content", content, *sheets)
    assert result.exit_code == 0, result.output
    assert result.output.count("no changes") == 9, result.output
    assert "error" not in result.output and "note" not in result.output


def test_an_edited_map_description_is_named_not_imported(
    built: Path, content: Path, tmp_path: Path
) -> None:
    """The map's text is made from the countries: an edit of it is said to stay in the sheet."""
    docpr = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"

    def describe(document) -> None:
        (picture,) = document.element.body.iter(docpr)
        assert picture.get("descr").startswith("Carte : Guatemala")
        picture.set("descr", "Carte de l'Amérique latine")

    sheet = edit(built / "banane.docx", tmp_path / "b.docx", describe)
    target = content / "actions/03-banane.yaml"
    before = target.read_bytes()
    result = cli("import", "--content", content, "--write", sheet)
    assert result.exit_code == 0, result.output
    assert "the map's alternative text « Carte de l'Amérique latine » is not imported" in (
        result.output
    )
    assert "'countries:' in actions/03-banane.yaml" in result.output
    assert target.read_bytes() == before


def test_sheets_resaved_by_libreoffice_import_as_no_change(
    built: Path, content: Path, tmp_path: Path
) -> None:
    soffice = require_tool("soffice")
    run_tool(
        soffice, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
        "--convert-to", "docx", "--outdir", tmp_path / "lo", *sorted(built.glob("*.docx")),
        timeout=300,
    )  # fmt: skip
    resaved = sorted((tmp_path / "lo").glob("*.docx"))
    assert len(resaved) == 9
    # LibreOffice did rewrite them: its own styles are there.
    with zipfile.ZipFile(resaved[0]) as z:
        assert b"Default Paragraph Font" in z.read("word/styles.xml")
    result = cli("import", "--content", content, *resaved)
    assert result.exit_code == 0, result.output
    assert result.output.count("no changes") == 9, result.output


# --- edits come back -----------------------------------------------------------------


def partner_budget_activity_project(document) -> None:
    set_text(find(document, "Banana Link"), "Banana Link Europe")
    budget = next(p for p in paragraphs(document) if p.text.startswith("Budget"))
    budget.runs[-1].text = "99 000 €"
    items = [p for p in paragraphs(document) if p.style.name == "List Bullet"]
    added = copy.deepcopy(items[-1]._p)
    items[-1]._p.addnext(added)
    set_text(Paragraph(added, items[-1]._parent), "Visite d'usines : échanges")
    project = find(
        document, "Le présent projet porte sur deux volets\u00a0:"
    )  # the tool's no-break space before the colon
    for r in project.runs:
        r._r.getparent().remove(r._r)
    project.add_run("Le projet porte sur ")
    project.add_run("trois").bold = True
    project.add_run(" volets :")


@pytest.mark.parametrize("resaved", [False, True], ids=["python-docx", "libreoffice"])
def test_edits_change_exactly_those_fields_and_keep_every_comment(
    built: Path, content: Path, tmp_path: Path, resaved: bool
) -> None:
    sheet = edit(built / "banane.docx", tmp_path / "renvoi partenaire.docx",
                 partner_budget_activity_project)  # fmt: skip
    if resaved:  # edited, then opened and saved again in LibreOffice
        run_tool(
            require_tool("soffice"), f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--headless", "--convert-to", "docx", "--outdir", tmp_path / "lo", sheet,
        )  # fmt: skip
        sheet = tmp_path / "lo" / sheet.name
    target = content / "actions/03-banane.yaml"
    before = lines(target)
    dry = cli("import", "--content", content, sheet)
    assert dry.exit_code == 0, dry.output
    assert "Partenaires principaux : + Banana Link Europe, - Banana Link" in dry.output
    assert "Financement › Budget : 108 548 € → 99 000 €" in dry.output
    assert lines(target) == before  # a dry run writes nothing
    done = cli("import", "--content", content, "--write", sheet)
    assert done.exit_code == 0, done.output
    after = lines(target)
    removed = [x for x in before if x not in after]
    added = [x for x in after if x not in before]
    assert removed == [
        "  - Banana Link",
        "  budget: 108548",
        "  Le présent projet porte sur deux volets :",
    ]
    assert added == [
        "  - Banana Link Europe",
        "  budget: 99000",
        "  Le projet porte sur **trois** volets :",
        '  - "Visite d\'usines : échanges"',
    ]
    action = load_content(content).action("banane")
    assert "Banana Link Europe" in action.partners
    assert str(action.funding.budget) == "99000"
    assert action.activities[-1].plain == "Visite d'usines : échanges"
    # Importing the same sheet again: the content already says it all.
    again = cli("import", "--content", content, sheet)
    assert "no changes" in again.output, again.output


def test_comment_lines_of_the_yaml_survive_a_write(built: Path, content: Path, tmp_path) -> None:
    target = content / "actions/01-echangeons.yaml"
    text = target.read_text(encoding="utf-8").replace(
        "partners:\n", "partners:  # vérifié en mai\n  # le premier est le chef de file\n"
    )
    target.write_text(text, encoding="utf-8")
    sheet = edit(
        built / "echangeons.docx", tmp_path / "e.docx",
        lambda d: set_text(find(d, "Centre Hubertine Auclert"), "Centre Hubertine-Auclert"),
    )  # fmt: skip
    result = cli("import", "--content", content, "--write", sheet)
    assert result.exit_code == 0, result.output
    after = target.read_text(encoding="utf-8")
    comments = [x for x in text.splitlines() if "#" in x]
    assert comments and all(c in after.splitlines() for c in comments)
    assert after == text.replace("Centre Hubertine Auclert", "Centre Hubertine-Auclert")


def test_list_items_typed_with_a_french_colon_stay_as_typed(content: Path, tmp_path: Path) -> None:
    """`- Centre … : Paris` without quotes is text to the tool; a write keeps it so."""
    target = content / "actions/01-echangeons.yaml"
    typed = "  - Centre Hubertine Auclert : Paris  # vérifié"
    text = target.read_text(encoding="utf-8").replace("  - Centre Hubertine Auclert", typed)
    target.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert cli("build", "--content", content, "--output", out, "--format", "docx").exit_code == 0
    lead = load_content(content).action("echangeons").lead
    sheet = edit(
        out / "fact-sheets/echangeons.docx", tmp_path / "e.docx",
        lambda d: set_text(find(d, lead), "Un autre porteur"),
    )  # fmt: skip
    result = cli("import", "--content", content, "--write", sheet)
    assert result.exit_code == 0, result.output
    after = target.read_text(encoding="utf-8")
    assert typed in after.splitlines()  # not rewritten as a mapping, `Centre …: Paris`
    assert after == text.replace(f"lead: {lead}", "lead: Un autre porteur")
    assert "Centre Hubertine Auclert : Paris" in load_content(content).action("echangeons").partners


def _typed_on_their_own_lines(content: Path) -> tuple[Path, str]:
    """An action whose texts with a French colon sit on their own lines, under `lead:` and
    `direct:` and under a bare `-`: YAML makes mappings of them, the tool texts."""
    target = content / "actions/01-echangeons.yaml"
    lead = load_content(content).action("echangeons").lead
    text = target.read_text(encoding="utf-8")
    text = text.replace(f"lead: {lead}", "lead:\n  Radio Djiido : Nouméa")
    text = text.replace("  - Centre Hubertine Auclert", "  -\n    Centre Hubertine Auclert : Paris")
    assert text.count(" : ") >= 2
    target.write_text(text, encoding="utf-8")
    return target, text


def test_texts_with_a_french_colon_on_their_own_lines_stay_as_typed(
    content: Path, tmp_path: Path
) -> None:
    target, text = _typed_on_their_own_lines(content)
    out = tmp_path / "out"
    assert cli("build", "--content", content, "--output", out, "--format", "docx").exit_code == 0
    typed = "Radio Djiido\u00a0: Nouméa"  # as the sheet shows it
    sheet = edit(
        out / "fact-sheets/echangeons.docx", tmp_path / "e.docx",
        lambda d: set_text(find(d, typed), typed + " et Lifou"),
    )  # fmt: skip
    before = load_content(content).action("echangeons")
    result = cli("import", "--content", content, "--write", sheet)
    assert result.exit_code == 0, result.output
    after = target.read_text(encoding="utf-8")
    # The edited text is written anew, quoted; the untouched one stays as typed.
    edited = 'lead: "Radio Djiido : Nouméa et Lifou"'
    assert after == text.replace("lead:\n  Radio Djiido : Nouméa", edited)
    action = load_content(content).action("echangeons")
    assert action.lead == "Radio Djiido : Nouméa et Lifou"
    assert action.partners == before.partners  # `Centre … : Paris` kept its space


def test_an_import_that_would_change_a_field_the_sheet_did_not_writes_nothing(
    content: Path, tmp_path: Path, monkeypatch
) -> None:
    """The last guard: without the quoting above, ruamel would write `Radio Djiido: Nouméa`;
    the import sees the field change and refuses rather than lose the typed space."""
    from cfsi_reports.roundtrip import yamlfile

    target, text = _typed_on_their_own_lines(content)
    out = tmp_path / "out"
    assert cli("build", "--content", content, "--output", out, "--format", "docx").exit_code == 0
    sheet = edit(
        out / "fact-sheets/echangeons.docx", tmp_path / "e.docx",
        lambda d: set_text(find(d, "Centre Hubertine Auclert\u00a0: Paris"), "Centre Hubertine"),
    )  # fmt: skip
    monkeypatch.setattr(yamlfile, "_quote_colon_texts", lambda text: (text, {}))
    result = cli("import", "--content", content, "--write", sheet)
    assert result.exit_code == 1, result.output
    assert "would change this field too" in result.output
    assert target.read_text(encoding="utf-8") == text


def test_the_next_build_shows_the_edits(built: Path, content: Path, tmp_path: Path) -> None:
    sheet = edit(built / "banane.docx", tmp_path / "b.docx", partner_budget_activity_project)
    assert cli("import", "--content", content, "--write", sheet).exit_code == 0
    out = tmp_path / "out"
    result = cli("build", "--content", content, "--output", out, "--format", "pdf", "-j", "1")
    assert result.exit_code == 0, result.output
    text = run_tool(require_tool("pdftotext"), out / "brochure-screen.pdf", "-")
    flat = " ".join(text.split())
    assert "Banana Link Europe" in flat
    assert "Visite d’usines" in flat or "Visite d'usines" in flat
    assert re.search(r"99\s000\s€", flat)


# --- figures -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [("99 000 €", "99000"), ("99\u202f000,50\u00a0€", "99000.50"), ("99000", "99000"),
     ("99000,5", "99000.5"), ("99.000,50 €", "99000.50"), ("1 234 567 euros", "1234567")],
)  # fmt: skip
def test_amounts_are_read_as_french_people_type_them(typed: str, value: str) -> None:
    from decimal import Decimal

    assert tx.amount(typed) == Decimal(value)


@pytest.mark.parametrize("typed", ["environ 99k", "99.000", "99 000 000 00", "", "quatre"])
def test_an_unreadable_figure_is_refused(typed: str) -> None:
    with pytest.raises(tx.FigureError):
        tx.amount(typed)


def test_an_unreadable_budget_is_an_error_naming_the_field(
    built: Path, content: Path, tmp_path: Path
) -> None:
    def vague(document) -> None:
        budget = next(p for p in paragraphs(document) if p.text.startswith("Budget"))
        budget.runs[-1].text = "environ 99k"

    sheet = edit(built / "banane.docx", tmp_path / "b.docx", vague)
    before = (content / "actions/03-banane.yaml").read_bytes()
    result = cli("import", "--content", content, "--write", sheet)
    assert result.exit_code == 1
    assert "Financement › Budget: 'environ 99k' is not an amount" in result.output
    assert (content / "actions/03-banane.yaml").read_bytes() == before


def test_an_erased_budget_line_is_named_and_the_grant_is_not_blamed(
    built: Path, content: Path, tmp_path: Path
) -> None:
    """The funding lines are told apart by their labels, not by their order."""
    said = "Financement › Budget: the line is missing (put back « Budget : amount »)"

    def blank(document) -> None:
        budget = next(p for p in paragraphs(document) if p.text.startswith("Budget"))
        for run in budget.runs:
            run.text = ""

    sheet = edit(built / "banane.docx", tmp_path / "b.docx", blank)
    before = (content / "actions/03-banane.yaml").read_bytes()
    result = cli("import", "--content", content, "--write", sheet)
    assert result.exit_code == 1
    assert said in result.output.replace("\u00a0", " ").replace("\u202f", " "), result.output
    assert "Financement accordé" not in result.output, result.output
    assert (content / "actions/03-banane.yaml").read_bytes() == before


def test_an_edit_that_makes_the_action_invalid_writes_nothing(
    built: Path, content: Path, tmp_path: Path
) -> None:
    def too_much(document) -> None:
        granted = next(p for p in paragraphs(document) if p.text.startswith("Financement acc"))
        granted.runs[-1].text = "500 000 €"

    sheet = edit(built / "banane.docx", tmp_path / "b.docx", too_much)
    before = (content / "actions/03-banane.yaml").read_bytes()
    result = cli("import", "--content", content, "--write", sheet)
    assert result.exit_code == 1, result.output
    assert "Financement › Financement accordé: 500 000 € exceeds the budget" in result.output
    assert "nothing was written" in result.output
    assert (content / "actions/03-banane.yaml").read_bytes() == before


def test_a_funding_line_whose_label_was_deleted_is_named_not_guessed(
    built: Path, content: Path, tmp_path: Path
) -> None:
    def unlabel(document) -> None:
        budget = next(p for p in paragraphs(document) if p.text.startswith("Budget"))
        set_text(budget, "99 000 €")

    sheet = edit(built / "banane.docx", tmp_path / "b.docx", unlabel)
    result = cli("import", "--content", content, sheet)
    assert result.exit_code == 1, result.output
    assert "Financement: the label is missing before « 99 000 € » (put back « Budget : »)" in (
        result.output.replace("\u00a0", " ").replace("\u202f", " ")
    ), result.output


def test_a_dry_run_says_what_write_would_refuse(built: Path, content: Path, tmp_path: Path) -> None:
    """A budget edited under the grant: the dry run fails as --write would, naming the field
    by its label in the sheet, even the one the sheet did not edit."""

    def too_little(document) -> None:
        budget = next(p for p in paragraphs(document) if p.text.startswith("Budget"))
        budget.runs[-1].text = "20 000 €"

    sheet = edit(built / "banane.docx", tmp_path / "b.docx", too_little)
    before = (content / "actions/03-banane.yaml").read_bytes()
    for write in ([], ["--write"]):
        result = cli("import", "--content", content, *write, sheet)
        assert result.exit_code == 1, result.output
        assert "Financement › Financement accordé: 66 440 € exceeds the budget" in (
            result.output.replace("\u00a0", " ").replace("\u202f", " ")
        ), result.output
        assert "funding.granted" not in result.output
        assert "dry run" not in result.output
    assert (content / "actions/03-banane.yaml").read_bytes() == before


def test_a_dry_run_of_several_sheets_sees_the_edits_of_the_earlier_ones(
    built: Path, content: Path, tmp_path: Path
) -> None:
    """Two sheets of one action: the budget lowered in one, the grant raised in the other.
    --write refuses the second against the first; the dry run says the same."""

    def budget(document) -> None:
        line = next(p for p in paragraphs(document) if p.text.startswith("Budget"))
        line.runs[-1].text = "68 000 €"

    def grant(document) -> None:
        line = next(p for p in paragraphs(document) if p.text.startswith("Financement acc"))
        line.runs[-1].text = "70 000 €"

    a = edit(built / "banane.docx", tmp_path / "a.docx", budget)
    b = edit(built / "banane.docx", tmp_path / "b.docx", grant)
    before = (content / "actions/03-banane.yaml").read_bytes()
    dry = cli("import", "--content", content, a, b)
    assert dry.exit_code == 1, dry.output
    said = "70 000 € exceeds the budget of 68 000 €"
    assert said in dry.output.replace("\u00a0", " ").replace("\u202f", " "), dry.output
    assert (content / "actions/03-banane.yaml").read_bytes() == before
    wet = cli("import", "--content", content, "--write", a, b)
    assert wet.exit_code == 1 and said in wet.output.replace("\u00a0", " ").replace("\u202f", " ")


# --- three-way merge -----------------------------------------------------------------


def rename_partner(document) -> None:
    set_text(find(document, "Banana Link"), "Banana Link Europe")


def test_edits_on_both_sides_of_different_fields_are_both_kept(
    built: Path, content: Path, tmp_path: Path
) -> None:
    target = content / "actions/03-banane.yaml"
    target.write_text(
        target.read_text(encoding="utf-8").replace("duration_months: 30", "duration_months: 32"),
        encoding="utf-8",
    )
    sheet = edit(built / "banane.docx", tmp_path / "b.docx", rename_partner)
    result = cli("import", "--content", content, "--write", sheet)
    assert result.exit_code == 0, result.output
    action = load_content(content).action("banane")
    assert action.duration_months == 32 and "Banana Link Europe" in action.partners


def test_the_same_field_edited_on_both_sides_is_a_conflict(
    built: Path, content: Path, tmp_path: Path
) -> None:
    target = content / "actions/03-banane.yaml"
    edited = target.read_text(encoding="utf-8").replace("- Banana Link\n", "- Banana Link UK\n")
    target.write_text(edited, encoding="utf-8")
    sheet = edit(built / "banane.docx", tmp_path / "b.docx", rename_partner)
    result = cli("import", "--content", content, "--write", sheet)
    assert result.exit_code == 1
    assert "conflict: Partenaires principaux: built" in result.output
    assert "Banana Link UK" in result.output and "Banana Link Europe" in result.output
    assert "--take sheet" in result.output
    assert target.read_text(encoding="utf-8") == edited
    kept = cli("import", "--content", content, "--write", "--take", "content", sheet)
    assert kept.exit_code == 0, kept.output
    assert target.read_text(encoding="utf-8") == edited
    taken = cli("import", "--content", content, "--write", "--take", "sheet", sheet)
    assert taken.exit_code == 0, taken.output
    assert "Banana Link Europe" in load_content(content).action("banane").partners


def test_a_sheet_of_another_programme_with_the_same_slug_is_refused(
    built: Path, content: Path, tmp_path: Path
) -> None:
    """Another project's action may share a slug: its sheet must not overwrite this one's."""
    other = Path(shutil.copytree(content, tmp_path / "other"))
    programme = other / "programme.yaml"
    programme.write_text(
        programme.read_text(encoding="utf-8").replace(
            "title: Coopérer autrement", "title: Puits partagés, coopérer autrement"
        ),
        encoding="utf-8",
    )
    action = other / "actions/03-banane.yaml"
    action.write_text(
        re.sub(r"(?m)^title: .*$", "title: Puits partagés au Niger", action.read_text("utf-8")),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    made = cli("build", "--content", other, "--output", out, "--format", "docx", "-j", "1")
    assert made.exit_code == 0, made.output
    sheet = edit(out / "fact-sheets/banane.docx", tmp_path / "niger.docx", rename_partner)
    target = content / "actions/03-banane.yaml"
    before = target.read_bytes()
    for take in ([], ["--take", "sheet"]):
        result = cli("import", "--content", content, "--write", *take, sheet)
        assert result.exit_code == 1, result.output
        assert "another programme" in result.output and "Puits partagés au Niger" in result.output
        assert target.read_bytes() == before
    # The same project renamed since the sheet was built: its sheets still import.
    renamed = content / "programme.yaml"
    renamed.write_text(
        renamed.read_text(encoding="utf-8").replace("title: Coopérer", "title: Agir et coopérer"),
        encoding="utf-8",
    )
    own = edit(built / "banane.docx", tmp_path / "own.docx", rename_partner)
    result = cli("import", "--content", content, "--write", own)
    assert result.exit_code == 0, result.output
    assert "Banana Link Europe" in load_content(content).action("banane").partners


def test_a_sheet_of_another_project_with_the_same_programme_title_is_refused(
    content: Path, tmp_path: Path
) -> None:
    """Two projects made by `init` keep its programme title: the action's own values tell
    them apart (title, lead, partners, places, figures all different)."""
    other = Path(shutil.copytree(content, tmp_path / "other"))
    # Another action, but the same lead and places as banane: still another project's.
    banane = yaml.safe_load((content / "actions/03-banane.yaml").read_text(encoding="utf-8"))
    mine = yaml.safe_load((content / "actions/01-echangeons.yaml").read_text(encoding="utf-8"))
    mine.update(lead=banane["lead"], locations=banane["locations"])
    text = yaml.safe_dump(mine, allow_unicode=True, sort_keys=False)
    (other / "actions/03-banane.yaml").write_text(text + "slug: banane\n", encoding="utf-8")
    out = tmp_path / "out"
    made = cli("build", "--content", other, "--output", out, "--format", "docx", "-j", "1")
    assert made.exit_code == 0, made.output
    target = content / "actions/03-banane.yaml"
    before = target.read_bytes()
    result = cli("import", "--content", content, "--write", out / "fact-sheets/banane.docx")
    assert result.exit_code == 1, result.output
    assert "the sheet seems to be of another project" in result.output
    assert target.read_bytes() == before


def test_a_sheet_of_an_action_much_rewritten_since_still_imports(
    built: Path, content: Path, tmp_path: Path
) -> None:
    """Title, beneficiaries, duration, figures, project and results rewritten in the YAML
    since the sheet was built: the same partners say it is the same action."""
    path = content / "actions/03-banane.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(
        title="Une autre santé au travail",
        regions="Amérique centrale",
        beneficiaries={"direct": "10 000 travailleurs"},
        duration_months=36,
        funding={"budget": 200000, "granted": 100000},
        project="Un autre projet.",
        expected_results=["Un autre résultat."],
    )
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    sheet = edit(built / "banane.docx", tmp_path / "b.docx", rename_partner)
    result = cli("import", "--content", content, "--write", sheet)
    assert "another project" not in result.output, result.output
    assert "Banana Link Europe" in load_content(content).action("banane").partners


# --- tracked changes and comments ----------------------------------------------------


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def track(document) -> None:
    """Tracked changes as Word writes them: a partner replaced, a word of the project deleted."""
    p = find(document, "Banana Link")
    run = p.runs[0]._r
    deleted = etree.SubElement(p._p, qn("w:del"), {qn("w:id"): "1", qn("w:author"): "Ana"})
    run.addprevious(deleted)
    deleted.append(run)
    for t in run.iter(qn("w:t")):
        t.tag = qn("w:delText")
    inserted = etree.SubElement(p._p, qn("w:ins"), {qn("w:id"): "2", qn("w:author"): "Ana"})
    new_run = etree.SubElement(inserted, qn("w:r"))
    etree.SubElement(new_run, qn("w:t")).text = "Banana Link Europe"


def test_tracked_changes_are_refused_with_their_fields(
    built: Path, content: Path, tmp_path: Path
) -> None:
    sheet = edit(built / "banane.docx", tmp_path / "b.docx", track)
    before = (content / "actions/03-banane.yaml").read_bytes()
    result = cli("import", "--content", content, "--write", sheet)
    assert result.exit_code == 1
    assert "tracked changes not yet accepted, in: Partenaires principaux" in result.output
    assert "--accept-changes" in result.output
    assert (content / "actions/03-banane.yaml").read_bytes() == before


def test_accept_changes_imports_the_accepted_text(
    built: Path, content: Path, tmp_path: Path
) -> None:
    sheet = edit(built / "banane.docx", tmp_path / "b.docx", track)
    result = cli("import", "--content", content, "--write", "--accept-changes", sheet)
    assert result.exit_code == 0, result.output
    assert "+ Banana Link Europe, - Banana Link" in result.output
    partners = load_content(content).action("banane").partners
    assert "Banana Link Europe" in partners and "Banana Link" not in partners


def test_comments_are_shown_with_their_field(built: Path, content: Path, tmp_path: Path) -> None:
    def comment(document) -> None:
        p = find(document, "Banana Link")
        document.add_comment(p.runs, text="Nouveau nom depuis 2024 ?", author="Partenaire")

    sheet = edit(built / "banane.docx", tmp_path / "b.docx", comment)
    result = cli("import", "--content", content, sheet)
    assert result.exit_code == 0, result.output
    assert (
        "comment on Partenaires principaux by Partenaire: Nouveau nom depuis 2024 ?"
        in result.output
    )


# --- broken structure ----------------------------------------------------------------


def test_a_deleted_heading_is_named(built: Path, content: Path, tmp_path: Path) -> None:
    def drop(document) -> None:
        heading = find(document, "Principales activités")
        heading._p.getparent().remove(heading._p)

    sheet = edit(built / "banane.docx", tmp_path / "b.docx", drop)
    result = cli("import", "--content", content, "--write", sheet)
    assert result.exit_code == 1
    assert "« Principales activités » is missing or lost its paragraph style 'Heading 1'" in (
        result.output
    )
    assert "nothing written" in result.output


def test_a_heading_pasted_without_its_style_is_named(
    built: Path, content: Path, tmp_path: Path
) -> None:
    def restyle(document) -> None:
        find(document, "Le projet").style = document.styles["Normal"]

    sheet = edit(built / "banane.docx", tmp_path / "b.docx", restyle)
    result = cli("import", "--content", content, sheet)
    assert result.exit_code == 1
    assert "« Le projet » is missing or lost its paragraph style 'Heading 1'" in result.output


def test_an_extra_key_facts_row_is_named(built: Path, content: Path, tmp_path: Path) -> None:
    def extra(document) -> None:
        table = document.tables[0]
        row = copy.deepcopy(table.rows[0]._tr)
        table.rows[-1]._tr.addnext(row)
        texts = list(row.iter(qn("w:t")))
        texts[0].text, texts[1].text = "Contact", "Marie Dupont"

    sheet = edit(built / "banane.docx", tmp_path / "b.docx", extra)
    result = cli("import", "--content", content, sheet)
    assert result.exit_code == 1
    assert "expected 6" in result.output and "found 7" in result.output
    assert "« Contact » is not one the tool built" in result.output


def test_an_unknown_style_in_a_section_is_read_as_a_paragraph_with_a_note(
    built: Path, content: Path, tmp_path: Path
) -> None:
    def quote(document) -> None:
        p = find(document, "Le présent projet porte sur deux volets\u00a0:")
        p.style = document.styles.add_style("Citation Partenaire", 1)

    sheet = edit(built / "banane.docx", tmp_path / "b.docx", quote)
    result = cli("import", "--content", content, sheet)
    assert result.exit_code == 0, result.output
    assert "note: Le projet: the paragraph « Le présent projet" in result.output
    assert "'citation partenaire', read as a plain paragraph" in result.output
    assert "no changes" in result.output


def test_a_document_that_is_not_a_sheet_is_refused(content: Path, tmp_path: Path) -> None:
    plain = tmp_path / "lettre.docx"
    docx.Document().save(str(plain))
    junk = tmp_path / "junk.docx"
    junk.write_bytes(b"not a zip")
    result = cli("import", "--content", content, plain, junk)
    assert result.exit_code == 1
    assert "not a fact sheet built by cfsi-reports" in result.output
    assert "not a Word document (.docx): was it saved in another format" in result.output
    assert "Traceback" not in result.output


# --- templates -----------------------------------------------------------------------


def test_sheets_built_from_a_template_with_other_style_ids_import_as_no_change(
    content: Path, tmp_path: Path
) -> None:
    template = tmp_path / "modele.docx"
    assert cli("template", template).exit_code == 0
    renamed = tmp_path / "modele-ids.docx"
    refs = ("pStyle", "rStyle", "tblStyle", "basedOn", "next", "link")
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(renamed, "w") as dst:
        styles = etree.fromstring(src.read("word/styles.xml"))
        ids = {s.get(qn("w:styleId")): f"Sty{n}" for n, s in enumerate(styles.iter(qn("w:style")))}
        for item in src.infolist():
            data = src.read(item)
            if item.filename.startswith("word/") and item.filename.endswith(".xml"):
                root = etree.fromstring(data)
                for elm in root.iter(qn("w:style")):
                    elm.set(qn("w:styleId"), ids[elm.get(qn("w:styleId"))])
                for elm in root.iter(*(qn(f"w:{r}") for r in refs)):
                    elm.set(qn("w:val"), ids.get(elm.get(qn("w:val")), elm.get(qn("w:val"))))
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
            dst.writestr(item, data)
    out = tmp_path / "out"
    result = cli("build", "--content", content, "--output", out, "--format", "docx",
                 "--docx-template", renamed, "-j", "1")  # fmt: skip
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out / "fact-sheets/banane.docx") as z:
        body = z.read("word/document.xml").decode("utf-8")
    assert 'w:val="FactLabel"' not in body and "Sty" in body  # the ids really differ
    result = cli("import", "--content", content, *sorted((out / "fact-sheets").glob("*.docx")))
    assert result.exit_code == 0, result.output
    assert result.output.count("no changes") == 9, result.output


def test_untouched_paragraphs_of_an_edited_project_keep_their_source(
    content: Path, tmp_path: Path
) -> None:
    target = content / "actions/01-echangeons.yaml"
    text = target.read_text(encoding="utf-8")
    wrapped = (
        "  Les organisations de la société civile (OSC) des deux rives\n"
        "  de la Méditerranée mettent en place un _dispositif_ de formation action."
    )
    text = re.sub(r"  Les organisations de la société civile.*\n", wrapped + "\n", text)
    target.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = cli("build", "--content", content, "--output", out, "--format", "docx", "-j", "1")
    assert result.exit_code == 0, result.output

    def rewrite_first(document) -> None:
        first = next(p for p in paragraphs(document) if p.text.startswith("Le projet E"))
        set_text(first, "Le projet Échangeons réduit les inégalités.")

    sheet = edit(out / "fact-sheets/echangeons.docx", tmp_path / "e.docx", rewrite_first)
    result = cli("import", "--content", content, "--write", sheet)
    assert result.exit_code == 0, result.output
    after = target.read_text(encoding="utf-8")
    assert wrapped in after  # line break and _emphasis_ as typed
    assert "  Le projet Échangeons réduit les inégalités.\n" in after


# --- the build never destroys an edit ------------------------------------------------


def sheet_partners(path: Path) -> list[str]:
    return [p.text for p in paragraphs(docx.Document(str(path)))]


def test_an_edited_sheet_survives_build_and_build_force(content: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ("--content", content, "--output", out, "--format", "docx", "-j", "1")
    assert cli("build", *args).exit_code == 0
    sheets = out / "fact-sheets"
    edit(sheets / "banane.docx", sheets / "banane.docx", rename_partner)
    result = cli("build", *args)
    assert result.exit_code == 0, result.output
    assert "banane.edited-1.docx" in result.output and "cfsi-reports import" in result.output
    assert "Banana Link Europe" in sheet_partners(sheets / "banane.edited-1.docx")
    assert "Banana Link Europe" not in sheet_partners(sheets / "banane.docx")  # rebuilt
    # Edited again, then --force: a second copy, the first one untouched.
    first = (sheets / "banane.edited-1.docx").read_bytes()
    edit(sheets / "banane.docx", sheets / "banane.docx",
         lambda d: set_text(find(d, "Banana Link"), "Banana Link France"))  # fmt: skip
    result = cli("build", *args, "--force")
    assert result.exit_code == 0, result.output
    assert "banane.edited-2.docx" in result.output
    assert (sheets / "banane.edited-1.docx").read_bytes() == first
    assert "Banana Link France" in sheet_partners(sheets / "banane.edited-2.docx")
    # An unedited sheet is simply rebuilt: no copy.
    assert not list(sheets.glob("echangeons.edited-*"))
    # The kept copy imports.
    imported = cli("import", "--content", content, sheets / "banane.edited-1.docx")
    assert "+ Banana Link Europe, - Banana Link" in imported.output, imported.output
    # And the next build leaves the copies alone.
    again = cli("build", *args)
    assert again.exit_code == 0 and "kept" not in again.output
    assert len(list(sheets.glob("banane.edited-*.docx"))) == 2


def test_the_edited_sheet_of_a_removed_action_is_kept(content: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ("--content", content, "--output", out, "--format", "docx", "-j", "1")
    assert cli("build", *args).exit_code == 0
    sheets = out / "fact-sheets"
    edit(sheets / "banane.docx", sheets / "banane.docx", rename_partner)
    (content / "actions/03-banane.yaml").unlink()
    (content / "actions/01-echangeons.yaml").unlink()  # unedited: its sheet goes
    result = cli("build", *args)
    assert result.exit_code == 0, result.output
    assert not (sheets / "echangeons.docx").exists()
    assert "Banana Link Europe" in sheet_partners(sheets / "banane.docx")
    assert "kept fact-sheets/banane.docx: edited since it was built" in result.output
    assert "cfsi-reports import" in result.output
    # Once the action is back, its new sheet does not overwrite the edited one either.
    shutil.copy(CONTENT / "actions/03-banane.yaml", content / "actions/03-banane.yaml")
    result = cli("build", *args)
    assert result.exit_code == 0, result.output
    assert "Banana Link Europe" in sheet_partners(sheets / "banane.edited-1.docx")


# --- where import finds the content ----------------------------------------------------


@pytest.mark.parametrize("project_file", [True, False], ids=["cfsi.yaml", "./content"])
def test_import_without_content_uses_the_project_file_or_content(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, project_file: bool
) -> None:
    folder = tmp_path / ("texts" if project_file else "content")
    shutil.copytree(CONTENT, folder)
    if project_file:
        (tmp_path / "cfsi.yaml").write_text("content: texts\n", encoding="utf-8")
    (tmp_path / "deep").mkdir()
    monkeypatch.chdir(tmp_path if not project_file else tmp_path / "deep")
    sheet = edit(built / "banane.docx", tmp_path / "banane.docx", rename_partner)
    result = cli("import", sheet, "--write")
    assert result.exit_code == 0, result.output
    assert "Banana Link Europe" in (folder / "actions/03-banane.yaml").read_text("utf-8")


def test_import_warns_only_about_the_actions_it_imports(
    built: Path, content: Path, tmp_path: Path
) -> None:
    made = cli("new", "maraichage", "--content", content)
    assert made.exit_code == 0, made.output
    assert "still the example" in cli("validate", "--content", content).output
    result = cli("import", "--content", content, built / "banane.docx")
    assert result.exit_code == 0, result.output
    assert "no changes" in result.output
    assert "still the example" not in result.output and "maraichage" not in result.output


def test_a_key_fact_line_retyped_in_the_label_style_keeps_its_field(
    built: Path, content: Path, tmp_path: Path
) -> None:
    def retype(document) -> None:  # Word carries the label's style over the whole line
        budget = next(p for p in paragraphs(document) if p.text.startswith("Budget"))
        set_text(budget, "Budget : 99 000 €")

    sheet = edit(built / "banane.docx", tmp_path / "banane.docx", retype)
    assert next(p for p in paragraphs(docx.Document(str(sheet))) if p.text.startswith("Budget"))
    result = cli("import", "--content", content, sheet)
    assert result.exit_code == 0, result.output
    assert "Financement › Budget : 108 548 € → 99 000 €" in result.output
    assert "Financement accordé" not in result.output


def test_a_key_fact_value_erased_is_named_by_its_own_label(
    built: Path, content: Path, tmp_path: Path
) -> None:
    def erase(document) -> None:
        budget = next(p for p in paragraphs(document) if p.text.startswith("Budget"))
        set_text(budget, "Budget :")

    result = cli(
        "import", "--content", content, edit(built / "banane.docx", tmp_path / "b.docx", erase)
    )
    assert result.exit_code == 1, result.output
    assert "Financement › Budget: is empty (write the amount, e.g. 108" in result.output
    assert "Financement accordé" not in result.output


def test_a_sheet_whose_edits_were_imported_is_rebuilt_without_a_copy(
    content: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    args = ("--content", content, "--output", out, "--format", "docx", "-j", "1")
    assert cli("build", *args).exit_code == 0
    sheets = out / "fact-sheets"
    edit(sheets / "banane.docx", sheets / "banane.docx", rename_partner)
    written = cli("import", "--content", content, "--write", sheets / "banane.docx")
    assert written.exit_code == 0 and "updated" in written.output, written.output
    result = cli("build", *args)
    assert result.exit_code == 0, result.output
    assert not list(sheets.glob("*.edited-*")), result.output
    assert "kept" not in result.output and "cfsi-reports import" not in result.output
    assert "Banana Link Europe" in sheet_partners(sheets / "banane.docx")  # rebuilt, with it
    # The next edit, not imported, is kept aside as ever.
    edit(sheets / "banane.docx", sheets / "banane.docx",
         lambda d: set_text(find(d, "Banana Link Europe"), "Banana Link France"))  # fmt: skip
    result = cli("build", *args)
    assert "banane.edited-1.docx" in result.output, result.output
