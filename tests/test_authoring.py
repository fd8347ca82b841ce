"""Content written the French way: unquoted colons, tabs, `54.000`, typos, copied files.

Each test writes a content set as a French writer would, runs the command line and
reads the messages as that writer would read them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cfsi_reports.cli import main
from cfsi_reports.content import load_content
from conftest import cli

ROOT = Path(__file__).resolve().parents[1]

PROGRAMME = """\
title: Coopérer autrement
intro: |
  Le programme réunit des associations de France et d'ailleurs.
"""

ACTION = """\
# Action : ateliers d'échanges
title: "Ateliers d'échanges"
countries: [ML, FR]
lead: Banana Link
partners:
  - Mairie de Bamako
locations:
  - Bamako
beneficiaries:
  direct: 120 jeunes
duration_months: 24
funding:
  budget: 80000
  granted: 40000
project: |
  Un projet d'échanges.
expected_results:
  - Des pratiques partagées
activities:
  - Des ateliers
"""


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def content_set(tmp_path: Path, *actions: str) -> Path:
    root = tmp_path / "contenu"
    (root / "actions").mkdir(parents=True)
    (root / "programme.yaml").write_text(PROGRAMME, encoding="utf-8")
    for number, text in enumerate(actions, 1):
        (root / "actions" / f"{number:02d}-action-{number}.yaml").write_text(text, encoding="utf-8")
    return root


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_list_items_with_a_french_colon_read_as_written(tmp_path: Path) -> None:
    action = ACTION.replace(
        "activities:\n  - Des ateliers\n",
        "activities:\n  - Atelier n°1 : échanges de pratiques   # le premier\n"
        "  - Mairie: service jeunesse\n  - Bilan :\n",
    ).replace("  - Bamako\n", "  - Métropole de Lyon : Lyon 7e\n")
    root = content_set(tmp_path, action)
    code, out = run("validate", "--content", str(root))
    assert code == 0, out
    loaded = load_content(root).actions[0]
    texts = [item.source for item in loaded.activities]
    assert texts == ["Atelier n°1 : échanges de pratiques", "Mairie: service jeunesse", "Bilan :"]
    assert loaded.locations == ["Métropole de Lyon : Lyon 7e"]


def test_a_value_on_its_own_line_with_a_colon_reads_as_written(tmp_path: Path) -> None:
    action = ACTION.replace(
        'title: "Ateliers d\'échanges"', "title:\n  Échangeons : pour l'insertion"
    ).replace("  direct: 120 jeunes", "  direct:\n    Jeunes : 120")
    root = content_set(tmp_path, action)
    code, out = run("validate", "--content", str(root))
    assert code == 0, out
    loaded = load_content(root).actions[0]
    assert loaded.title == "Échangeons : pour l'insertion"
    assert loaded.beneficiaries.direct == ["Jeunes : 120"]


def test_a_real_mapping_stays_a_mapping(tmp_path: Path) -> None:
    # One pair where a group of fields belongs: still fields, so `alt` is missing.
    action = ACTION + "photo:\n  file: photos/x.jpg\n"
    root = content_set(tmp_path, action)
    code, out = run("validate", "--content", str(root))
    assert code == 1
    assert "photo.alt: is missing" in out


def test_unreadable_colons_are_all_reported_then_fixed_in_place(tmp_path: Path) -> None:
    action = (
        ACTION.replace('title: "Ateliers d\'échanges"', "title: Ateliers d'échanges : pratiques")
        .replace("  - Des ateliers\n", "  - Bilan : un guide : diffusion   # commentaire\n")
        .replace("  granted: 40000", "\tgranted: 40000")
    )
    root = content_set(tmp_path, action)
    path = root / "actions/01-action-1.yaml"
    code, out = run("validate", "--content", str(root))
    assert code == 1
    title, bilan = line_of(path, "title:"), line_of(path, "- Bilan")
    # One message for the colons, naming both lines and the command that repairs them.
    assert f"actions/01-action-1.yaml:{title}: a text containing ': ' must be put in quotes" in out
    assert f"(lines {title}, {bilan}; " in out and "`cfsi-reports fix`" in out
    assert "tabs cannot indent YAML" in out
    before = path.read_text(encoding="utf-8").splitlines()

    code, out = run("fix", "--content", str(root))
    assert code == 0, out
    assert f"actions/01-action-1.yaml: put in quotes the texts on lines {title}, {bilan}" in out
    assert "programme and 1 action are valid" in out
    after = path.read_text(encoding="utf-8").splitlines()
    assert len(after) == len(before)
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [
        ("title: Ateliers d'échanges : pratiques", 'title: "Ateliers d\'échanges : pratiques"'),
        ("\tgranted: 40000", "  granted: 40000"),
        (
            "  - Bilan : un guide : diffusion   # commentaire",
            '  - "Bilan : un guide : diffusion"   # commentaire',
        ),
    ]
    loaded = load_content(root).actions[0]
    assert loaded.title == "Ateliers d'échanges : pratiques"
    assert loaded.activities[0].source == "Bilan : un guide : diffusion"
    code, out = run("fix", "--content", str(root))
    assert "nothing to fix" in out


def test_fix_quotes_a_text_over_several_lines(tmp_path: Path) -> None:
    action = ACTION.replace(
        "  - Des ateliers\n", "  - Atelier n°1 : échanges\n    entre les partenaires\n"
    ).replace('title: "Ateliers d\'échanges"', "title: Ateliers\n  d'échanges : pratiques")
    root = content_set(tmp_path, action)
    code, out = run("fix", "--content", str(root))
    assert code == 0, out
    loaded = load_content(root).actions[0]
    assert loaded.title == "Ateliers d'échanges : pratiques"
    assert loaded.activities[0].source == "Atelier n°1 : échanges entre les partenaires"


def test_an_indentation_mistake_is_named(tmp_path: Path) -> None:
    root = content_set(tmp_path, ACTION.replace("  granted: 40000", "    granted: 40000"))
    code, out = run("validate", "--content", str(root))
    assert code == 1
    line = line_of(root / "actions/01-action-1.yaml", "granted:")
    assert (
        f"actions/01-action-1.yaml:{line}: funding.granted: indentation mistake: 'granted:' is"
        " indented more than the field above it" in out
    )
    assert "quotes" not in out
    code, out = run("fix", "--content", str(root))
    assert code == 1 and "nothing to fix" in out and "indentation mistake" in out


def test_a_key_indented_too_little_belongs_to_its_group(tmp_path: Path) -> None:
    root = content_set(
        tmp_path,
        ACTION.replace("  budget: 80000\n  granted: 40000", "budget: 80000\ngranted: 40000"),
    )
    code, out = run("validate", "--content", str(root))
    assert code == 1
    assert "budget: 'budget' belongs inside 'funding'" in out
    assert "granted: 'granted' belongs inside 'funding'" in out
    assert "funding: expected" not in out  # one message per mistake


def test_a_misspelt_key_gets_did_you_mean_and_nothing_else(tmp_path: Path) -> None:
    action = ACTION.replace("partners:", "partenaires:").replace("duration_months:", "duree:")
    root = content_set(tmp_path, action)
    code, out = run("validate", "--content", str(root))
    assert code == 1
    assert "partenaires: unknown field: did you mean 'partners'?" in out
    assert "duree: unknown field: did you mean 'duration_months'?" in out
    assert "is missing" not in out
    assert out.count("\n") == 3  # two messages and the count
    nested = content_set(
        tmp_path / "b", ACTION.replace("budget:", "budjet:").replace("granted:", "subvention:")
    )
    code, out = run("validate", "--content", str(nested))
    assert "funding.budjet: unknown field: did you mean 'budget'?" in out
    assert "funding.subvention: unknown field: did you mean 'granted'?" in out
    assert "is missing" not in out


def test_a_mistake_repeated_on_a_list_is_reported_once(tmp_path: Path) -> None:
    items = "".join(f"  - [Atelier {n}, échanges]\n" for n in range(1, 29))
    root = content_set(tmp_path, ACTION.replace("  - Des ateliers\n", items))
    code, out = run("validate", "--content", str(root))
    assert code == 1
    first = line_of(root / "actions/01-action-1.yaml", "Atelier 1,")
    problems = [line for line in out.splitlines() if "activities" in line]
    assert len(problems) == 1, out
    assert problems[0].startswith(f"actions/01-action-1.yaml:{first}: activities[1-28]: ")
    assert f"(the same on lines {first}-{first + 27})" in problems[0]


@pytest.mark.parametrize(
    ("written", "plain"),
    [("54.000", "54000"), ("54,000", "54000"), ("1.250.000", "1250000"), ("54.125", "54125")],
)
def test_a_thousands_separator_is_never_misread(tmp_path: Path, written: str, plain: str) -> None:
    root = content_set(tmp_path, ACTION.replace("granted: 40000", f"granted: {written}"))
    code, out = run("validate", "--content", str(root))
    assert code == 1
    line = line_of(root / "actions/01-action-1.yaml", "granted:")
    assert (
        f"actions/01-action-1.yaml:{line}: funding.granted: '{written}' is not an amount: it looks"
        f" like a number with a thousands separator, write {plain}" in out
    )


def test_cents_and_durations_as_written(tmp_path: Path) -> None:
    action = ACTION.replace("granted: 40000", "granted: 40000,50").replace(
        "duration_months: 24", "duration_months: 1.000"
    )
    root = content_set(tmp_path, action)
    code, out = run("validate", "--content", str(root))
    assert code == 1
    assert "'40000,50' is not an amount: write the decimal point as a dot, 40000.50" in out
    assert "'1.000' is not a whole number of months: it looks like a number with a thousands" in out
    fine = content_set(tmp_path / "b", ACTION.replace("granted: 40000", "granted: 40000.50"))
    assert run("validate", "--content", str(fine))[0] == 0
    # Months are whole: 24,5 is not told to become 24.5, which would be refused in turn.
    half = content_set(
        tmp_path / "c", ACTION.replace("duration_months: 24", "duration_months: 24,5 mois")
    )
    code, out = run("validate", "--content", str(half))
    assert "'24,5 mois': expected a whole number of months, e.g. 24" in out, out


def test_warnings_are_printed_and_fail_only_with_strict(tmp_path: Path) -> None:
    second = (
        ACTION.replace("countries: [ML, FR]\n", "")
        .replace("lead: Banana Link", "lead: BANANA link")
        .replace("Ateliers d'échanges", "Forêts")
    )
    root = content_set(tmp_path, ACTION, second)
    code, out = run("validate", "--content", str(root))
    assert code == 0, out
    assert (
        "actions/02-action-2.yaml:2: countries: warning: no countries: the overview's count of"
        " countries and the maps leave this action out" in out
    )
    line = line_of(root / "actions/02-action-2.yaml", "lead:")
    assert (
        f"actions/02-action-2.yaml:{line}: lead: warning: 'BANANA link' is also spelt"
        " 'Banana Link' (actions/01-action-1.yaml:4)" in out
    )
    code, out = run("validate", "--strict", "--content", str(root))
    assert code == 1 and "2 warnings, which --strict turns into errors" in out


def test_totals_count_distinct_partners_and_countries(tmp_path: Path) -> None:
    second = ACTION.replace("Mairie de Bamako", "mairie de  Bamako").replace(
        "countries: [ML, FR]", "countries: [SN, FR]"
    )
    root = content_set(tmp_path, ACTION, second)
    totals = load_content(root).totals
    assert totals.partners == 1
    assert totals.countries == ("FR", "ML", "SN")
    code, out = run("list", "--content", str(root))
    assert code == 0, out
    assert "1 partner " in out
    assert "3 countries: France and 2 others (Mali, Sénégal)" in out
    assert out.count("France") == 1


def test_small_photo_is_a_warning_for_print(tmp_path: Path) -> None:
    from PIL import Image

    root = content_set(tmp_path, ACTION + "photo:\n  file: photos/petite.jpg\n  alt: Un atelier\n")
    (root / "photos").mkdir()
    Image.new("RGB", (240, 160), "olive").save(root / "photos/petite.jpg")
    code, out = run("validate", "--content", str(root))
    assert code == 0, out
    line = line_of(root / "actions/01-action-1.yaml", "file:")
    assert (
        f"actions/01-action-1.yaml:{line}: photo.file: warning: 'photos/petite.jpg' is 240 × 160"
        in out
    )
    assert "under the 250 ppi print needs" in out
    Image.new("RGB", (2400, 1600), "olive").save(root / "photos/petite.jpg")
    code, out = run("validate", "--strict", "--content", str(root))
    assert code == 0 and "warning:" not in out


def test_build_prints_warnings_and_strict_writes_nothing(tmp_path: Path) -> None:
    root = content_set(tmp_path, ACTION.replace("countries: [ML, FR]\n", ""))
    out_dir = tmp_path / "sortie"
    code, out = run(
        "build", "--strict", "--content", str(root), "--output", str(out_dir), "--format", "docx"
    )
    assert code == 1 and "warning: no countries" in out and "nothing was written" in out
    assert not list(out_dir.rglob("*.docx"))
    args = (
        "build",
        "--content",
        str(root),
        "--output",
        str(out_dir),
        "--format",
        "docx",
        "-j",
        "1",
    )
    code, out = run(*args)
    assert code == 0 and "warning: no countries" in out
    assert (out_dir / "fact-sheets/action-1.docx").is_file()
    code, out = run(*args)  # nothing to do: the warnings are still true, and said
    assert code == 0 and "warning: no countries" in out and "0 written" in out


def test_new_file_validates_as_is_and_survives_a_copy(tmp_path: Path) -> None:
    root = content_set(tmp_path, ACTION)
    code, out = run("new", "forets-mali", "--content", str(root))
    assert code == 0, out
    path = root / "actions/02-forets-mali.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/action.schema.json\n")
    assert (root / "schema/action.schema.json").is_file()
    code, out = run("validate", "--content", str(root))
    assert code == 0, out
    shutil.copy(path, root / "actions/03-forets-senegal.yaml")
    code, out = run("validate", "--content", str(root))
    assert code == 0 and "3 actions are valid" in out, out
    code, out = run("new", "savanes", "--slug", "--content", str(root))
    assert code == 0, out
    assert "\nslug: savanes\n" in (root / "actions/04-savanes.yaml").read_text(encoding="utf-8")


def test_schema_accepts_the_seed_and_rejects_what_it_can_express(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    root = tmp_path / "content"
    shutil.copytree(ROOT / "content", root)
    code, out = run("schema", "--content", str(root))
    assert code == 0, out
    schemas = {
        kind: json.loads((root / f"schema/{kind}.schema.json").read_text(encoding="utf-8"))
        for kind in ("programme", "action")
    }
    for schema in schemas.values():
        jsonschema.Draft202012Validator.check_schema(schema)
    # An editor reads YAML 1.2 and sees numbers as numbers: so does this test.
    programme = yaml.safe_load((root / "programme.yaml").read_text(encoding="utf-8"))
    jsonschema.validate(programme, schemas["programme"])
    action_schema = jsonschema.Draft202012Validator(schemas["action"])
    seed = sorted((root / "actions").glob("*.yaml"))
    for path in seed:
        errors = list(action_schema.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8"))))
        assert not errors, (path.name, errors[0].message)
    good = yaml.safe_load(seed[0].read_text(encoding="utf-8"))
    mistakes = {
        "partenaires": {**good, "partenaires": ["x"]},
        "missing lead": {k: v for k, v in good.items() if k != "lead"},
        "country XX": {**good, "countries": ["XX"]},
        "months as text": {**good, "duration_months": "vingt"},
        "no partners": {**good, "partners": []},
        "bad slug": {**good, "slug": "Forêts Mali"},
        "amount with euro sign": {**good, "funding": {"budget": "98 525 €", "granted": 1}},
        "funding key typo": {**good, "funding": {"budget": 1, "granted": 1, "subvention": 1}},
    }
    for name, data in mistakes.items():
        assert list(action_schema.iter_errors(data)), name


def test_new_writes_the_schema_line_and_the_schema_matches_the_model(tmp_path: Path) -> None:
    from cfsi_reports.content.schema import schema_text

    root = content_set(tmp_path, ACTION)
    run("new", "forets", "--content", str(root))
    written = (root / "schema/action.schema.json").read_text(encoding="utf-8")
    assert written == schema_text("action")
    assert '"partners"' in written and '"additionalProperties": false' in written


def test_a_missing_space_after_a_field_name_is_named_and_fixed(tmp_path: Path) -> None:
    action = ACTION.replace("lead: Banana Link", "lead:Banana Link").replace(
        "duration_months: 24", "duration_months:24"
    )
    root = content_set(tmp_path, action)
    path = root / "actions/01-action-1.yaml"
    lead, months = line_of(path, "lead:"), line_of(path, "duration_months:")
    code, out = run("validate", "--content", str(root))
    assert code == 1
    assert (
        f"actions/01-action-1.yaml:{lead}: a space is missing between a field name and its value,"
        f" e.g. 'title: Échangeons' (lines {lead}, {months}; `cfsi-reports fix` adds it)" in out
    )
    code, out = run("fix", "--content", str(root))
    assert code == 0, out
    assert path.read_text(encoding="utf-8") == ACTION


def test_a_list_item_indented_more_is_not_joined_to_the_one_above(tmp_path: Path) -> None:
    root = content_set(tmp_path, ACTION.replace("  - Des ateliers\n", "  - a\n   - b\n"))
    code, out = run("validate", "--content", str(root))
    assert code == 1
    line = line_of(root / "actions/01-action-1.yaml", "   - b")
    assert f"actions/01-action-1.yaml:{line}: activities[1]: indentation mistake: this '- '" in out


def test_a_field_indented_like_list_items_is_an_indentation_mistake(tmp_path: Path) -> None:
    root = content_set(tmp_path, ACTION.replace("locations:", "  locations:"))
    code, out = run("validate", "--content", str(root))
    assert code == 1
    assert "indentation mistake: 'locations:' is indented more than the field above it" in out


def test_countries_by_name_get_their_code_and_a_plain_line_is_a_list(tmp_path: Path) -> None:
    root = content_set(tmp_path, ACTION.replace("countries: [ML, FR]", "countries: Mali, Sénégal"))
    code, out = run("validate", "--content", str(root))
    assert code == 1
    assert (
        "countries[1]: 'Mali' is not an ISO 3166-1 alpha-2 country code (did you mean ML?)" in out
    )
    assert (
        "countries[2]: 'Sénégal' is not an ISO 3166-1 alpha-2 country code (did you mean SN?)"
        in out
    )
    fine = content_set(
        tmp_path / "b", ACTION.replace("countries: [ML, FR]", "countries: ML, SN FR")
    )
    code, out = run("validate", "--content", str(fine))
    assert code == 0, out
    assert load_content(fine).actions[0].countries == ["ML", "SN", "FR"]


def test_a_group_written_as_one_line_names_its_fields(tmp_path: Path) -> None:
    action = ACTION.replace("beneficiaries:\n  direct: 120 jeunes", "beneficiaries: 120 jeunes")
    root = content_set(tmp_path, action)
    code, out = run("validate", "--content", str(root))
    assert code == 1
    assert (
        "beneficiaries: expected fields on the lines under it, indented, such as direct: ..."
        " (its fields: direct, indirect" in out
    )


def test_a_copied_action_file_validates_and_is_pointed_out(tmp_path: Path) -> None:
    root = content_set(tmp_path, ACTION)
    shutil.copy(root / "actions/01-action-1.yaml", root / "actions/02-action-1 - Copie.yaml")
    code, out = run("validate", "--content", str(root))
    assert code == 0, out
    assert "title: warning: the same title as actions/01-action-1.yaml" in out


def test_a_french_writer_reads_the_messages_in_french(tmp_path: Path) -> None:

    action = ACTION.replace(
        'title: "Ateliers d\'échanges"', "title: Ateliers d'échanges : pratiques"
    ).replace("granted: 40000", "granted: 54.000")
    root = content_set(
        tmp_path,
        action,
        ACTION.replace("countries: [ML, FR]\n", "").replace("Ateliers d'échanges", "Forêts"),
    )
    done = cli("validate", "--content", str(root), cwd=tmp_path, lang="fr_FR.UTF-8")
    assert done.returncode == 1
    said = done.stderr.replace("\u00a0", " ").replace("\u202f", " ")  # French spacing
    assert "un texte qui contient « : » se met entre guillemets" in said
    assert "`cfsi-reports fix` ajoute les guillemets" in said
    assert "« 54.000 » n'est pas un montant" in said
    cli("fix", "--content", str(root), cwd=tmp_path, lang="fr_FR.UTF-8")
    path = root / "actions/01-action-1.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("54.000", "54000"), encoding="utf-8")
    done = cli("validate", "--content", str(root), cwd=tmp_path, lang="fr_FR.UTF-8")
    assert done.returncode == 0, done.stderr
    said = done.stderr.replace("\u00a0", " ").replace("\u202f", " ")
    assert "countries: avertissement : aucun pays" in said


def test_fix_writes_figures_typed_with_their_unit_as_numbers_and_leaves_ambiguous_ones(
    tmp_path: Path,
) -> None:
    """`24 mois` and `85 000 €` can mean one number; `54.000` (54 or 54 000?) stays to ask."""
    action = (
        ACTION.replace("duration_months: 24", "duration_months: 24 mois  # deux ans")
        .replace("budget: 80000", 'budget: "85\u202f000,50 €"')
        .replace("granted: 40000", "granted: 40.000")
    )
    assert action != ACTION
    root = content_set(tmp_path, action)
    path = root / "actions/01-action-1.yaml"
    months, budget = line_of(path, "duration_months:"), line_of(path, "budget:")
    code, out = run("fix", "--content", str(root))
    assert code == 1
    assert f"wrote the figures on lines {months}, {budget} as numbers alone" in out
    text = path.read_text(encoding="utf-8")
    assert "duration_months: 24  # deux ans\n" in text and "budget: 85000.50\n" in text
    assert "granted: 40.000\n" in text
    assert "funding.granted: '40.000' is not an amount: it looks like a number with a" in out


def test_fix_mends_quotes_around_comments_and_over_several_lines(tmp_path: Path) -> None:
    """The comment after a value stays a comment; a text over two lines is closed where it
    ends; nothing else in the file moves."""
    action = (
        ACTION.replace('title: "Ateliers d\'échanges"', "title: 'L'école des jeunes' # provisoire")
        .replace("  - Mairie de Bamako\n", '  - "Mairie de Bamako   # la mairie\n')
        .replace("lead: Banana Link", 'lead: "Banana Link\n  Europe')
    )
    root = content_set(tmp_path, action)
    path = root / "actions/01-action-1.yaml"
    lead = line_of(path, 'lead: "Banana')
    code, out = run("validate", "--content", str(root))
    assert code == 1
    assert f':{lead}: lead: the text opened with " on this line is never closed: end it' in out
    assert f"where it ends, on line {lead + 1}" in out
    before = path.read_text(encoding="utf-8").splitlines()
    code, out = run("fix", "--content", str(root))
    assert code == 0, out
    after = path.read_text(encoding="utf-8").splitlines()
    changed = {n for n, (a, b) in enumerate(zip(before, after, strict=True), 1) if a != b}
    assert changed == {2, lead + 1, line_of(path, "Mairie")}
    assert 'title: "L\'école des jeunes" # provisoire' in after
    assert '  - "Mairie de Bamako"   # la mairie' in after
    assert '  Europe"' in after
    data = load_content(root).action("action-1")
    assert data.title == "L'école des jeunes" and "Mairie de Bamako" in data.partners


def test_a_single_glued_field_is_named_by_its_own_name(tmp_path: Path) -> None:
    root = content_set(tmp_path, ACTION.replace("lead: Banana Link", "lead:Banana Link"))
    lead = line_of(root / "actions/01-action-1.yaml", "lead:")
    code, out = run("validate", "--content", str(root))
    assert code == 1
    assert f"actions/01-action-1.yaml:{lead}: lead: a space is missing" in out, out


@pytest.mark.parametrize(
    ("typed", "mended"),
    [
        # A comment after the text stays a comment, even with quotes inside it.
        ("lead: 'Réseau d'entraide  # porteur", "lead: \"Réseau d'entraide\"  # porteur"),
        ('lead: "Atelier : échanges  # le "grand" titre',
         'lead: "Atelier : échanges"  # le "grand" titre'),
        # « #2 » is text, not a comment.
        ('lead: "Jardins #2 de Thiès', 'lead: "Jardins #2 de Thiès"'),
        # Closed a line too late, over the next field: the stray quote goes.
        ('lead: "Jardins de Thiès\nregions: Sénégal / France"',
         'lead: "Jardins de Thiès"\nregions: Sénégal / France'),
        # Two paragraphs: closed after the second.
        ('lead: "Un projet\n  qui continue.\n\n  Second paragraphe.',
         'lead: "Un projet\n  qui continue.\n\n  Second paragraphe."'),
        # Where the text ends is a guess: left to the writer.
        ("lead: 'L'école' des champs", "lead: 'L'école' des champs"),
    ],
)  # fmt: skip
def test_fix_mends_a_quote_only_where_its_meaning_is_sure(
    tmp_path: Path, typed: str, mended: str
) -> None:
    root = content_set(tmp_path, ACTION.replace("lead: Banana Link", typed))
    path = root / "actions/01-action-1.yaml"
    code, out = run("validate", "--content", str(root))
    assert code == 1 and ": lead: " in out, out
    run("fix", "--content", str(root))
    assert path.read_text(encoding="utf-8") == ACTION.replace("lead: Banana Link", mended)
    if typed != mended:
        assert run("validate", "--content", str(root))[0] == 0
