"""Property tests: valid content builds with all its text; broken content fails cleanly."""

from __future__ import annotations

import copy
import io
import string
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cfsi_reports.cli import main
from cfsi_reports.content import load_content, richtext
from cfsi_reports.content.richtext import parse
from conftest import squash
from helpers.content import write_content

PROGRAMME = {"title": "Programme d'essai", "intro": "Une introduction & < >."}

# Letters the fonts cover: French, Vietnamese and other Latin-script languages of partners.
LETTERS = (
    string.ascii_letters
    + "àâäçéèêëîïôöùûüÿœæÀÂÇÉÈÊËÎÏÔÙÛÜŒÆ"
    + "ăắằẳẵặâấầẩẫậđêếềểễệôốồổỗộơớờởỡợưứừửữựảãạẻẽẹỉĩịỏõọủũụỷỹỵ"
    + "ñáíóúÑÁÍÓÚãõÃÕ"
    + string.digits
)
MARKS = "&<>«»_'\"()/.,;:!?%€-"
word = st.text(alphabet=LETTERS + MARKS, min_size=1, max_size=12) | st.text(
    alphabet=LETTERS, min_size=60, max_size=80
)
# Plain fields: words joined by spaces (no line-start list markers or emphasis stars).
plain = st.lists(word, min_size=1, max_size=3).map(" ".join).filter(lambda s: s.strip() != "")
# Rich fields may carry emphasis and paragraphs.
emphasis = st.tuples(st.sampled_from(["", "*", "**"]), word).map(lambda t: f"{t[0]}{t[1]}{t[0]}")
rich_para = st.lists(st.one_of(word, emphasis), min_size=1, max_size=20).map(" ".join)
rich = st.lists(rich_para, min_size=1, max_size=3).map("\n\n".join)
items = st.lists(plain, min_size=1, max_size=40)


@st.composite
def action(draw: st.DrawFn) -> dict:
    budget = draw(st.integers(min_value=1, max_value=10_000_000))
    data = {
        "title": draw(plain),
        "lead": draw(plain),
        "partners": draw(items),
        "locations": draw(st.lists(plain, min_size=1, max_size=5)),
        "beneficiaries": {"direct": draw(st.one_of(plain, items))},
        "duration_months": draw(st.integers(min_value=1, max_value=120)),
        "funding": {"budget": budget, "granted": draw(st.integers(0, budget))},
        "project": draw(rich),
        "expected_results": draw(st.lists(rich_para, min_size=1, max_size=10)),
        "activities": draw(st.lists(rich_para, min_size=1, max_size=10)),
    }
    if draw(st.booleans()):
        data["regions"] = draw(plain)
    if draw(st.booleans()):
        data["beneficiaries"]["indirect"] = draw(plain)
    return data


def visible(value: object, rich_text: bool) -> list[str]:
    if isinstance(value, list):
        return [v for item in value for v in visible(item, rich_text)]
    text = str(value)
    return [parse(text).plain] if rich_text else [text]


def expected_strings(data: dict) -> list[str]:
    out = visible(data["title"], False) + visible(data["lead"], False)
    out += visible(data["partners"], False) + visible(data["locations"], False)
    for key in ("direct", "indirect"):
        if key in data["beneficiaries"]:
            out += visible(data["beneficiaries"][key], False)
    if "regions" in data:
        out += visible(data["regions"], False)
    for key in ("project", "expected_results", "activities"):
        out += visible(data[key], True)
    return [line for s in out for line in s.split("\n")]


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    import re

    return (
        "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
    )


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(action(), min_size=1, max_size=3))
def test_any_valid_content_builds_with_all_its_text(tmp_path_factory, actions: list[dict]) -> None:
    from cfsi_reports.checks import check
    from cfsi_reports.docx import FactSheetRenderer
    from cfsi_reports.pdf import render_brochure
    from cfsi_reports.theme import load_theme

    root = write_content(tmp_path_factory.mktemp("prop"), actions, PROGRAMME)
    content = load_content(root)
    theme = load_theme()
    check(content, theme)
    pdf, _ = render_brochure(content, theme, screen=True)
    brochure = squash(pdf_text(pdf))
    sheets = FactSheetRenderer(content, theme)
    for data, model in zip(actions, content.actions, strict=True):
        sheet = squash(docx_text(sheets.render(model)))
        for text in expected_strings(data):
            assert squash(text) in brochure, text
            assert squash(text) in sheet, text


broken = st.sampled_from(
    [
        ("duration_months", "beaucoup"),
        ("duration_months", -3),
        ("funding", {"budget": 10, "granted": 20}),
        ("funding", {"budget": "dix"}),
        ("partners", []),
        ("title", ""),
        ("lead", None),
        ("colour", "rouge"),
        ("countries", ["ZZZ"]),
        ("slug", "Pas un slug"),
        ("project", ["pas", "du texte"]),
    ]
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(action(), st.lists(broken, min_size=1, max_size=4, unique_by=lambda b: b[0]))
def test_any_broken_content_fails_cleanly(tmp_path_factory, base: dict, faults: list) -> None:
    data = dict(base)
    for key, value in faults:
        data[key] = value
    root = write_content(tmp_path_factory.mktemp("bad"), [data], PROGRAMME)
    result = CliRunner().invoke(main, ["validate", "--content", str(root)])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    lines = [line for line in result.output.splitlines() if line.startswith("actions/")]
    fields = {key for key, _ in faults}
    for key in fields:
        assert any(f": {key}" in line for line in lines), (key, result.output)
    for line in lines:
        assert line.split(":")[1].isdigit()  # file:line:


@pytest.mark.parametrize("garbage", [b"\xff\xfe\x00", b"- just\n- a list\n", b"title: [", b"{{{"])
def test_garbage_files_fail_cleanly(tmp_path: Path, garbage: bytes) -> None:
    root = write_content(tmp_path, [], PROGRAMME)
    (root / "actions/01-x.yaml").write_bytes(garbage)
    result = CliRunner().invoke(main, ["validate", "--content", str(root)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "actions/01-x.yaml:" in result.output


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(action(), min_size=1, max_size=2))
def test_any_sheet_imported_unedited_changes_nothing(tmp_path_factory, actions: list[dict]) -> None:
    from cfsi_reports.docx import FactSheetRenderer
    from cfsi_reports.roundtrip.importer import ImportOptions, import_sheets
    from cfsi_reports.theme import load_theme

    root = write_content(tmp_path_factory.mktemp("import"), actions)
    content = load_content(root)
    theme = load_theme()
    renderer = FactSheetRenderer(content, theme)
    sheets = []
    for model in content.actions:
        sheet = root / f"{model.key}.docx"
        sheet.write_bytes(renderer.render(model))
        sheets.append(sheet)
    before = {p: p.read_bytes() for p in (root / "actions").iterdir()}
    results = import_sheets(sheets, content, theme, ImportOptions(write=True))
    for result in results:
        assert not result.problems, result.problems
        assert not result.changes, result.changes
        assert not result.conflicts and not result.written
    assert {p: p.read_bytes() for p in (root / "actions").iterdir()} == before


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(action(), plain, items, st.integers(min_value=1, max_value=10_000_000))
def test_typed_edits_come_back_as_typed(
    tmp_path_factory, data: dict, lead: str, partners: list[str], budget: int
) -> None:
    import docx
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    from cfsi_reports.docx import FactSheetRenderer
    from cfsi_reports.roundtrip.importer import ImportOptions, import_sheets
    from cfsi_reports.theme import load_theme

    data["funding"] = {"budget": budget, "granted": min(data["funding"]["granted"], budget)}
    root = write_content(tmp_path_factory.mktemp("edit"), [data])
    content = load_content(root)
    theme = load_theme()
    sheet = root / "sheet.docx"
    sheet.write_bytes(FactSheetRenderer(content, theme).render(content.actions[0]))
    document = docx.Document(str(sheet))
    cells = [c for row in document.tables[0].rows for c in row.cells]
    labels = [c.paragraphs[0].text for c in cells[0::2]]

    def retype(heading: str, texts: list[str]) -> None:
        cell = cells[2 * labels.index(heading) + 1]
        first = cell.paragraphs[0]._p
        for p in cell.paragraphs[1:]:
            p._p.getparent().remove(p._p)
        for text in reversed(texts[1:]):
            new = copy.deepcopy(first)
            first.addnext(new)
            Paragraph(new, cell).runs[0].text = text
            for extra in Paragraph(new, cell).runs[1:]:
                extra._r.getparent().remove(extra._r)
        Paragraph(first, cell).runs[0].text = texts[0]
        for extra in Paragraph(first, cell).runs[1:]:
            extra._r.getparent().remove(extra._r)

    retype("Porteur du projet", [lead])
    retype("Partenaires principaux", partners)
    funding = cells[2 * labels.index("Financement") + 1].paragraphs[0]
    funding.runs[-1].text = f"{budget:,} €".replace(",", " ")
    assert funding._p.find(qn("w:r")) is not None
    document.save(str(sheet))
    results = import_sheets([sheet], content, theme, ImportOptions(write=True))
    assert not results[0].problems and not results[0].conflicts, results[0]
    action = load_content(root).actions[0]
    assert action.lead == " ".join(lead.split())
    assert action.partners == [" ".join(p.split()) for p in partners]
    assert action.funding.budget == budget


# -- rich text: the quick path agrees with markdown-it ------------------------------------------

PIECES = ["- ", "-", "+ ", "1. ", "2) ", "\n", "\n\n", "\n \n", "\n\n\n", " ", "  ", "\t",
          "mot", "Kayes", "é", "« ", " »", "#", "&amp;", "> ", "\\-", "\u00a0", "\u2009",
          "---", "--", "- - ", "- - -", "*", "_", "x", ";", ":"]  # fmt: skip
WORDS = st.lists(st.sampled_from(["mot", "Kayes", "é"]), min_size=1, max_size=4)
ITEM = WORDS.map(lambda words: "- " + " ".join(words))
BLOCK = st.lists(ITEM | st.just("Un paragraphe ; deux mots."), min_size=1, max_size=4)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_text_split_without_markdown_it_is_split_as_markdown_it_would(text: str) -> None:
    """Paragraphs and simple bullet items skip markdown-it (40 ms to import): same blocks."""
    quick = richtext._plain(text)
    assert quick is None or quick == richtext._markdown(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(BLOCK.map("\n".join), min_size=1, max_size=5).map("\n\n".join))
def test_paragraphs_and_bullet_items_take_the_quick_path(text: str) -> None:
    """The seed's shape (paragraphs, then `- item` lines) never needs markdown-it."""
    lines = text.split("\n\n")
    mixed = any("- " in b and not all(li.startswith("- ") for li in b.split("\n")) for b in lines)
    quick = richtext._plain(text)
    assert (quick is None) == mixed
    assert quick is None or quick == richtext._markdown(text)


# -- typography: a rule skipped for lack of its trigger would have changed nothing ---------------

TYPO_PIECES = ["'", "...", "....", " - ", "\u00a0-\u00a0", "- ", " -", " : ", ":", " ;",
               "\u00a0!", "?", "« ", "«", " »", "»", "4 130", "300 000", "1 2", "12", " 25 mois",
               "49,7 %", " %", "9 OSC", "2 organisations", "\t", "  ", "\u202f", "mot", "é", ",",
               "."]  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(TYPO_PIECES), max_size=25).map("".join))
def test_typography_rules_skipped_without_their_trigger_change_nothing(text: str) -> None:
    """normalise() applies a rule only to a text holding its trigger: as if it applied all."""
    from cfsi_reports.theme import load_theme
    from cfsi_reports.typography import _rules, normalise

    typo = load_theme().locale("fr").typography
    everything = text
    for pattern, repl, _triggers in _rules(typo):
        if repl == "GROUP":
            sep = typo.group_separator
            everything = pattern.sub(
                lambda m, sep=sep: m.group(1) + m.group(2).replace(" ", sep), everything
            )
        else:
            everything = pattern.sub(repl, everything)
    assert normalise(text, typo) == everything


# A theme file's values replaced by anything YAML can hold: every outcome is a theme or a
# ConfigError naming the file, never another exception.
yaml_value = st.recursive(
    st.none()
    | st.sampled_from(["", "x", "9,5", "-1", "0", "1e400", ".nan", "oui", "#00606b", "5 mm"])
    | st.integers(-5, 500).map(str),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from("ab5"), inner),
    max_leaves=6,
)


def _theme_paths() -> list[tuple[str, ...]]:
    from cfsi_reports.content.yamlsafe import parse as parse_yaml
    from cfsi_reports.theme import DEFAULT_THEME

    lines = parse_yaml(DEFAULT_THEME.read_text(encoding="utf-8")).lines
    return sorted({tuple(str(p) for p in path) for path in lines if path})


THEME_PATHS = _theme_paths()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(st.sampled_from(THEME_PATHS), yaml_value), min_size=1, max_size=4))
def test_any_theme_value_is_read_or_refused_with_a_message(
    tmp_path: Path, changes: list[tuple[tuple[str, ...], object]]
) -> None:
    import yaml

    from cfsi_reports.errors import ConfigError
    from cfsi_reports.theme import load_theme

    data: dict = {}
    for path, value in changes:
        here = data
        for key in path[:-1]:
            here = here.setdefault(key, {}) if isinstance(here.get(key, {}), dict) else {}
        here[path[-1]] = value
    theme = tmp_path / f"theme-{abs(hash(repr(changes)))}.yaml"
    theme.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    try:
        load_theme(theme)
    except ConfigError as exc:
        lines = str(exc).splitlines()
        assert lines and all(line.startswith(f"{theme}:") for line in lines), str(exc)
