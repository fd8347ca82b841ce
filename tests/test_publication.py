"""From a database export to a publication: identity, back matter, typography (issue 15).

Three content sets: the seed (publisher without a logo: a wordmark), an unseen one with
every identity field (logo, supporters, cover picture, contacts, credits, legal notice),
and a bare one without any.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from cfsi_reports.content import Content, load_content
from cfsi_reports.content.model import name_key
from cfsi_reports.content.richtext import ListBlock
from cfsi_reports.content.richtext import Para as RichPara
from cfsi_reports.pdf import render_brochure
from cfsi_reports.pdf.flowables import Para, spans_markup
from cfsi_reports.pdf.pages import Brochure
from cfsi_reports.pdf.styles import hyphenator
from cfsi_reports.present import Presenter, distinct_partners, publisher_of
from cfsi_reports.theme import DEFAULT_THEME, MM, Theme
from cfsi_reports.typography import normalise, tie_title
from conftest import CONTENT, require_tool, run_tool, squash

EPOCH = 1_700_000_000
NBSP = "\u00a0"


@dataclass(frozen=True)
class Doc:
    path: Path
    pages: int
    content: Content

    def page_texts(self) -> list[str]:
        text = run_tool(require_tool("pdftotext"), "-enc", "UTF-8", self.path, "-")
        return text.split("\f")[: self.pages]


def _render(content: Content, theme: Theme, folder: Path, *, screen: bool) -> Doc:
    data, pages = render_brochure(content, theme, screen=screen, epoch=EPOCH)
    path = folder / ("screen.pdf" if screen else "print.pdf")
    path.write_bytes(data)
    return Doc(path, pages, content)


def _picture(path: Path, size: tuple[int, int], colour: str, mode: str = "RGB") -> None:
    from PIL import Image, ImageDraw

    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new(mode, size, colour)
    ImageDraw.Draw(image).rectangle(
        (size[0] // 8, size[1] // 4, size[0] // 2, size[1] // 2), "#888"
    )
    image.save(path)


FULL = {
    "publisher": "Terres Solidaires",
    "logo": "images/logo.png",
    "date": 2024,
    "cover": {"file": "images/couverture.jpg", "alt": "Un marché à Kindia", "credit": "J. Martin"},
    "supporters": [
        {"name": "Agence de l'eau du Nord", "logo": "images/agence.png"},
        {"name": "Fondation des Rizières", "logo": "images/fondation.jpg"},
        {"name": "Ville de Lilleport"},
    ],
    "contacts": {
        "address": ["12 rue des Essais", "59000 Lilleport"],
        "website": "www.terres-solidaires.example",
        "email": "contact@terres-solidaires.example",
    },
    "credits": ["Conception graphique : atelier Papier Sud", "Photos : J. Martin"],
    "legal": ["Imprimé par l'Imprimerie du Nord sur papier recyclé", "Dépôt légal : juin 2024"],
    "keywords": ["riziculture", "coopération"],
    "glossary": {"ONAPE": "Office national pour la promotion de l'emploi"},
}


@pytest.fixture(scope="module")
def full(tmp_path_factory: Any) -> Path:
    """The seed's actions under another publisher with every identity field."""
    root = tmp_path_factory.mktemp("full") / "content"
    shutil.copytree(CONTENT, root)
    programme = yaml.safe_load((root / "programme.yaml").read_text(encoding="utf-8"))
    programme.update(FULL)
    (root / "programme.yaml").write_text(
        yaml.safe_dump(programme, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    _picture(root / "images" / "logo.png", (600, 240), "#1b6f3a")
    _picture(root / "images" / "couverture.jpg", (1600, 900), "#c89a3c")
    _picture(root / "images" / "agence.png", (400, 200), "#2255aa", "RGBA")
    _picture(root / "images" / "fondation.jpg", (300, 300), "#aa3322")
    return root


@pytest.fixture(scope="module")
def bare(tmp_path_factory: Any) -> Path:
    """Three actions, a title and an introduction: no publisher, no identity at all."""
    root = tmp_path_factory.mktemp("bare") / "content"
    (root / "actions").mkdir(parents=True)
    dump = lambda data: yaml.safe_dump(data, allow_unicode=True, sort_keys=False)  # noqa: E731
    (root / "programme.yaml").write_text(
        dump({"title": "Jardins partagés du quartier", "intro": "Deux actions de voisinage."}),
        encoding="utf-8",
    )
    for i in (1, 2, 3):
        action = {
            "title": f"Jardin numéro {i}",
            "lead": "Association des Voisins",
            "partners": ["Ville de Lilleport", "Amis des jardins"],
            "locations": ["Lilleport"],
            "beneficiaries": {"direct": "40 familles"},
            "duration_months": 12,
            "funding": {"budget": 10000 * i, "granted": 5000},
            "project": "Un jardin cultivé par les habitants du quartier.",
            "expected_results": ["Des légumes pour tous."],
            "activities": ["Des ateliers le samedi."],
        }
        (root / "actions" / f"0{i}-jardin-{i}.yaml").write_text(dump(action), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def seed_docs(seed_content: Content, theme: Theme, tmp_path_factory: Any) -> dict[str, Doc]:
    folder = tmp_path_factory.mktemp("seed")
    return {
        kind: _render(seed_content, theme, folder, screen=kind == "screen")
        for kind in ("print", "screen")
    }


@pytest.fixture(scope="module")
def full_doc(full: Path, theme: Theme, tmp_path: Any = None) -> Doc:
    folder = full.parent
    return _render(load_content(full), theme, folder, screen=False)


@pytest.fixture(scope="module")
def bare_doc(bare: Path, theme: Theme) -> Doc:
    return _render(load_content(bare), theme, bare.parent, screen=False)


# -- no blank pages ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["seed", "full", "bare"])
def test_print_file_pads_with_back_matter_not_blank_pages(
    name: str, seed_docs: dict[str, Doc], full_doc: Doc, bare_doc: Doc, theme: Theme
) -> None:
    doc = {"seed": seed_docs["print"], "full": full_doc, "bare": bare_doc}[name]
    assert doc.pages % theme.page.page_multiple == 0
    texts = doc.page_texts()
    assert len(texts) == doc.pages
    empty = [n for n, text in enumerate(texts, 1) if not text.strip()]
    assert len(empty) <= 1, empty
    loc = theme.locale("fr")
    # The back matter comes after the actions and before the back cover.
    partners = [n for n, t in enumerate(texts, 1) if loc.label("partners_title") in t]
    assert partners and partners[-1] > 4


def test_seed_back_matter_fills_the_last_sheet(seed_docs: dict[str, Doc], theme: Theme) -> None:
    loc = theme.locale("fr")
    for doc in seed_docs.values():
        texts = doc.page_texts()
        # partners, glossary, back cover: the seed's print file needs no notes page
        assert loc.label("partners_title") in texts[-3]
        assert loc.label("glossary_title") in texts[-2]
    assert seed_docs["print"].pages == seed_docs["screen"].pages == 16


def test_notes_pages_make_up_the_multiple(bare_doc: Doc, theme: Theme) -> None:
    texts = bare_doc.page_texts()
    notes = [n for n, t in enumerate(texts, 1) if theme.locale("fr").label("notes_title") in t]
    assert notes, "the bare brochure needs notes pages to reach a multiple of 4"
    assert notes == list(range(len(texts) - len(notes), len(texts)))  # just before the back


# -- partners ---------------------------------------------------------------------------------


def test_one_partner_whatever_its_spelling() -> None:
    assert name_key("Mission Egalité  de la Région") == name_key("mission égalité de la région")
    assert name_key("APES (Acteurs Pour une Economie Solidaire),") == name_key(
        "APES (Acteurs pour une économie solidaire)"
    )
    assert name_key("Banana Link") != name_key("Banana Split")


def test_overview_counts_distinct_partners(seed_content: Content) -> None:
    first, second = seed_content.actions[:2]
    doubled = second.replace(partners=[*second.partners, "Banana Link", first.partners[0].upper()])
    actions = (first, doubled)
    names = distinct_partners(actions)
    # « CENTRE HUBERTINE AUCLERT » is the first action's partner again; Banana Link is new.
    assert len(names) == len(first.partners) + len(second.partners) + 1
    content = Content(seed_content.root, seed_content.programme, actions)
    assert content.totals.partners == len(names)


def test_partners_page_lists_every_partner_with_the_count(
    seed_docs: dict[str, Doc], seed_content: Content, theme: Theme, presenter: Presenter
) -> None:
    loc = theme.locale("fr")
    page = seed_docs["screen"].page_texts()[-3]
    count = len(distinct_partners(seed_content.actions))
    assert squash(loc.label("partners_count", count).format(n=count)) in squash(page)
    for action in seed_content.actions:
        for name in (action.lead, *action.partners):
            assert squash(presenter.text(name)) in squash(page), name
    overview = seed_docs["screen"].page_texts()[3]
    figures = overview.split(loc.label("overview_budget"))[0]  # the first row of figures
    assert (
        re.search(rf"^{count}$", figures, re.M) and loc.label("overview_partners", count) in figures
    )


# -- glossary ---------------------------------------------------------------------------------


def test_glossary_collects_what_the_text_defines(seed_docs: dict[str, Doc]) -> None:
    page = seed_docs["print"].page_texts()[-2]
    for term, meaning in (
        ("OSC", "Organisations de la société civile"),  # the source's words, initial capitalised
        ("ESS", "Économie sociale et solidaire"),
        ("FIP", "Formation et Insertion Professionnelle"),  # not « et de l’Insertion »
        ("ZAE", "Zone d’Activités Electrifiée"),
        ("COLSIBA", "Coordinadora Latinoamericana de Sindicatos Bananeros"),
        ("AMEDD", "Association Maliennne d’Eveil au Développement Durable"),
        ("INDECOSA", "Association des Consommateurs de la CGT"),  # from programme.yaml
    ):
        assert re.search(rf"{term}\s+{re.escape(meaning)}", page), term


def test_glossary_trims_the_running_texts_function_words() -> None:
    from cfsi_reports.glossary import defined

    found = defined(
        [
            "les acteurs de la Formation et de l'Insertion Professionnelle (FIP) au Tchad",
            "de l'économie sociale et solidaire (ESS)",
            "des Maisons Familiales Rurales (MFR)",
        ]
    )
    assert found == {
        "FIP": "Formation et Insertion Professionnelle",
        "ESS": "économie sociale et solidaire",  # the case is the source's; the page capitalises
        "MFR": "Maisons Familiales Rurales",
    }


def test_seed_glossary_meanings_start_with_a_capital(seed_docs: dict[str, Doc]) -> None:
    page = seed_docs["print"].page_texts()[-2]
    meanings = re.findall(r"^[A-Z][A-Z0-9]+\n+(\S)", page, re.M)
    assert len(meanings) >= 10 and all(m.isupper() for m in meanings), meanings


def test_partner_groups_are_spaced_below_their_taller_column(
    seed_docs: dict[str, Doc], theme: Theme
) -> None:
    """Each « Action N » starts a clear space below everything of the group above it."""
    path = seed_docs["print"].path
    index = [i for i, t in enumerate(seed_docs["print"].page_texts()) if "Action 9" in t][-1]
    html = run_tool(require_tool("pdftotext"), "-bbox", "-f", index + 1, "-l", index + 1, path, "-")
    words = [
        (float(a), float(b), w)
        for a, b, w in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', html)
    ]
    tops = [top for top, _, w in words if w == "Action"]
    assert len(tops) == 9
    need = theme.style("annex_text").leading_pt  # a blank line's worth, whichever column is taller
    for top in tops[1:]:
        above = max(bottom for t, bottom, _ in words if bottom <= top + 0.5 and t < top - 1)
        assert top - above >= need, (top, above)


def _contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    def lum(c: tuple[float, ...]) -> float:
        lin = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_back_cover_contacts_are_legible(theme: Theme) -> None:
    style = theme.style("back_contact")
    field = theme.colour("primary").rgb_floats  # the back cover's colour field
    assert _contrast(theme.colour(style.colour).rgb_floats, field) >= 4.5
    assert style.size_pt >= 9.5


def test_cover_without_logo_names_the_publisher_once(tmp_path: Path, theme: Theme) -> None:
    done = _cli("init", tmp_path / "proj", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    content = load_content(tmp_path / "proj" / "content")
    publisher = content.programme.publisher
    assert publisher and content.programme.logo is None
    cover = _render(content, theme, tmp_path, screen=False).page_texts()[0]
    assert cover.count(publisher) == 1, cover


def test_glossary_in_programme_corrects_and_completes(full_doc: Doc) -> None:
    page = full_doc.page_texts()[-2]
    assert "ONAPE" in page and "Office national pour la promotion de l’emploi" in page


def _cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cfsi_reports.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def test_validate_notes_acronyms_defined_nowhere(full: Path, tmp_path: Path) -> None:
    done = _cli("validate", "--content", CONTENT, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    notes = [line for line in done.stdout.splitlines() if "note:" in line]
    assert any(
        line.startswith("actions/05-formation-insertion-tchad.yaml:") and "ONAPE" in line
        for line in notes
    ), done.stdout
    assert not any(re.search(r"\b(OSC|ZAE|CGT)\b", line) for line in notes)  # defined
    done = _cli("validate", "--content", full, cwd=tmp_path)
    assert done.returncode == 0 and "ONAPE" not in done.stdout  # the glossary defines it


# -- identity ---------------------------------------------------------------------------------


def test_publisher_wording_follows_the_name(theme: Theme) -> None:
    loc = theme.locale("fr")
    cases = {
        "Comité Français pour la Solidarité Internationale (CFSI)": ("du ", None),
        "Terres Solidaires": ("de ", None),
        "Fondation Abbé Pierre": ("de la ", None),
        "Association des Voisins": ("de l’", None),
        "Le Secours Populaire": ("du ", "Secours Populaire"),
        "La Guilde": ("de la ", "Guilde"),
        "L'Institut du Monde": ("de l’", "Institut du Monde"),
    }
    for name, (of, rest) in cases.items():
        assert publisher_of(name, None, loc) == (of, rest or name), name
    assert publisher_of("Électriciens sans frontières", "d’", loc)[0] == "d’"


def test_seed_cover_sets_the_publisher_as_a_wordmark(
    seed_docs: dict[str, Doc], theme: Theme
) -> None:
    cover = seed_docs["print"].page_texts()[0]
    assert "Une publication du" in cover
    assert "Comité Français pour la Solidarité Internationale (CFSI)" in cover
    assert re.search(r"^CFSI$", cover, re.M)  # the wordmark, set in type, no logo invented
    back = seed_docs["print"].page_texts()[-1]
    assert "32 rue Le Peletier" in back and "www.cfsi.asso.fr" in back


def test_a_cover_without_picture_shows_the_programme_s_countries(
    seed_content: Content, full: Path, theme: Theme, presenter: Presenter
) -> None:
    """The seed gives no cover picture: its cover's white half holds the map of the
    programme's countries, as the overview's; a cover picture takes that place instead."""
    from cfsi_reports.pdf.maps import MapFlowable

    def lower(content: Content) -> list[Any]:
        brochure = Brochure(presenter.programme(content), theme, presenter.locale, screen=True)
        return brochure._cover_lower(brochure.g.text_width(), 120 * 72 / 25.4)

    (drawn,) = [f for f in lower(seed_content) if isinstance(f, MapFlowable)]
    codes = {c for a in seed_content.actions for c in a.countries or ()}
    assert set(drawn.codes) == codes
    assert not [f for f in lower(load_content(full)) if isinstance(f, MapFlowable)]


def test_full_identity_on_the_covers(full_doc: Doc, theme: Theme) -> None:
    texts = full_doc.page_texts()
    cover, back = texts[0], texts[-1]
    assert "Une publication de" in cover and "Terres Solidaires" in cover and "2024" in cover
    assert (
        "Photo : J. Martin" in squash(cover)
        or "Photo\u00a0: J. Martin" in cover
        or (squash("Photo : J. Martin") in squash(cover))
    )
    for line in (
        "12 rue des Essais",
        "contact@terres-solidaires.example",
        "www.terres-solidaires.example",
        "Avec le soutien de",
        "Ville de Lilleport",  # no logo: its name
        "Conception graphique",
        "Dépôt légal",
    ):
        assert squash(line) in squash(back), line
    listing = run_tool(require_tool("pdfimages"), "-list", full_doc.path)
    pages = [int(row.split()[0]) for row in listing.splitlines()[2:]]
    assert pages.count(1) == 2  # the cover picture and the logo
    assert pages.count(full_doc.pages) == 3  # the two supporters with a logo, and the logo


def test_full_identity_keywords_and_alt_texts(full_doc: Doc) -> None:
    import pikepdf

    with pikepdf.open(full_doc.path) as pdf:
        assert str(pdf.docinfo["/Keywords"]) == "riziculture, coopération"
        alts = set()
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == "/Figure":
                alts.add(str(obj.get("/Alt", "")))
    assert {"Terres Solidaires", "Un marché à Kindia", "Agence de l’eau du Nord"} <= alts


def test_nothing_of_the_cfsi_in_theme_or_locale(bare_doc: Doc) -> None:
    for path in (DEFAULT_THEME, DEFAULT_THEME.parent / "locale" / "fr.yaml"):
        assert "CFSI" not in path.read_text(encoding="utf-8"), path
    text = "".join(bare_doc.page_texts())
    assert "CFSI" not in text and "Une publication" not in text
    import pikepdf

    with pikepdf.open(bare_doc.path) as pdf:
        assert "CFSI" not in str(pdf.docinfo.get("/Keywords", ""))


# -- typography -------------------------------------------------------------------------------


def test_typesetter_characters(theme: Theme) -> None:
    typo = theme.locale("fr").typography
    assert normalise("l'eau... d'abord", typo) == "l’eau… d’abord"
    assert normalise("les populations - notamment", typo) == f"les populations{NBSP}– notamment"
    assert normalise("- un élément", typo) == "- un élément"  # a list mark stays
    assert normalise("Midi-Pyrénées et auto- ou", typo) == "Midi-Pyrénées et auto- ou"
    assert normalise("Attendez....", typo) == "Attendez...."  # not three dots: left alone


def test_extracted_text_shows_typographic_characters(seed_docs: dict[str, Doc]) -> None:
    for doc in seed_docs.values():
        text = "".join(doc.page_texts())
        assert "’" in text and "…" in text and " – " in text.replace(NBSP, " ")
        assert "'" not in text


def test_titles_never_end_a_line_on_a_small_word(theme: Theme) -> None:
    typo = theme.locale("fr").typography
    tied = tie_title("Coopérer autrement en acteurs de changement", typo)
    assert tied == f"Coopérer autrement en{NBSP}acteurs de{NBSP}changement"


def test_an_action_without_regions_names_its_countries_as_the_others_do(
    seed_content: Content, presenter: Presenter
) -> None:
    """« Tchad / France » is typed; an action without regions: « Guinée / France », not
    « Guinée, France » beside it (the countries abroad, then the home country's places)."""
    places = {a.key: presenter.action(a, n).place for n, a in enumerate(seed_content.actions, 1)}
    assert places["jeunes-ruraux-guinee"] == "Guinée / France"
    assert places["formation-insertion-tchad"] == "Tchad / France"  # as typed
    guinea = seed_content.action("jeunes-ruraux-guinee")
    assert guinea.regions is None and guinea.countries == ["GN", "FR"]
    alone = guinea.replace(countries=["FR", "GP", "MQ"])
    assert presenter.action(alone, 1).place == "France, Guadeloupe, Martinique"


def test_country_names_are_the_locale_file_s_where_it_spells_them(
    seed_content: Content, theme: Theme, presenter: Presenter, tmp_path: Path
) -> None:
    """The seed's texts write « Vietnam »; CLDR « Viêt Nam »: the locale file decides."""
    from cfsi_reports import i18n
    from cfsi_reports import typography as ty

    women = seed_content.action("droit-femmes-migrantes")
    assert "VN" in (women.countries or [])
    view = presenter.action(women, 8)
    assert "Vietnam" in view.countries and "Viêt Nam" not in view.countries
    locale = theme.locale("fr")
    assert ty.country_name("ML", locale) == "Mali"  # the others stay CLDR's
    mine = yaml.safe_load(locale.path.read_text(encoding="utf-8"))
    mine["country_names"] = {"ml": "République du Mali"}
    (tmp_path / "fr.yaml").write_text(yaml.safe_dump(mine, allow_unicode=True), encoding="utf-8")
    other = i18n.load(tmp_path / "fr.yaml")
    assert ty.country_name("ML", other) == "République du Mali"
    assert ty.country_name("VN", other) == "Viêt Nam"
    from cfsi_reports.errors import ConfigError

    for wrong in (["VN"], {"VN": None}):
        mine["country_names"] = wrong
        bad = tmp_path / "bad" / f"{len(str(wrong))}" / "fr.yaml"
        bad.parent.mkdir(parents=True)
        bad.write_text(yaml.safe_dump(mine, allow_unicode=True), encoding="utf-8")
        with pytest.raises(ConfigError, match="country_names: expected one « code: name »"):
            i18n.load(bad)


def test_hyphenation_rules(theme: Theme) -> None:
    breaks = hyphenator("fr_FR", frozenset({"leadership"}))
    for word in ("l’intercommunalité", "d’établissement", "professionnelle"):
        for head, tail in breaks(word):
            stem = re.split("[’']", head)[-1]
            assert len(stem) >= 3 and len(tail) >= 3, (head, tail)
    assert not list(breaks("Méditerranée")) and not list(breaks("COLSIBA"))
    assert not list(breaks("leadership"))
    assert list(breaks("professionnelle"))


def test_foreign_words_break_as_with_all_their_patterns(theme: Theme) -> None:
    """The foreign patterns are read only where they can apply (en_US whole: 110 ms a
    process): the locale's foreign words, with punctuation around them, break the same."""
    import pyphen

    from cfsi_reports.pdf.styles import patterns

    typo = theme.locale("fr").typography
    more = "accountability stakeholders sustainability governance ownership outreach reporting"
    words = frozenset(typo.no_hyphenation) | frozenset(more.split())
    subset = patterns(typo.foreign_patterns, words)
    whole = pyphen.Pyphen(lang=typo.foreign_patterns, left=3, right=3)
    assert len(subset.hd.patterns) < len(whole.hd.patterns) / 20
    for word in sorted(words):
        for before in ("", "(", "«\u00a0", "'", '"', "["):
            for after in ("", ")", ",", ".", "\u00a0»", "),", "’", ":", "-"):
                typed = before + word + after
                assert list(subset.iterate(typed)) == list(whole.iterate(typed)), typed
    breaks = hyphenator("fr_FR", frozenset(typo.no_hyphenation), typo.foreign_patterns)
    assert ("(empower", "ment)") in list(breaks("(empowerment)"))


def test_no_paragraph_ends_on_a_piece_of_a_word(
    seed_content: Content, theme: Theme, presenter: Presenter
) -> None:
    view = presenter.programme(seed_content)
    brochure = Brochure(view, theme, presenter.locale, screen=True)
    width = brochure.g.text_width() - brochure.g.side_width - brochure.g.side_gap
    hyphenated = 0
    for action in view.actions:
        for section in action.sections:
            for block in section.blocks:
                items = [block] if isinstance(block, RichPara) else list(block.items)
                indent = 5 * MM if isinstance(block, ListBlock) else 0
                for item in items:
                    para = Para(spans_markup(item.spans), brochure.styles["body"])
                    para.wrap(width - indent, 10_000)
                    lines = para.blPara.lines
                    ends = [
                        type((ln[1] if isinstance(ln, tuple) else ln.words)[-1]).__name__
                        for ln in lines
                        if (ln[1] if isinstance(ln, tuple) else ln.words)
                    ]
                    hyphenated += sum(e.endswith("HY") for e in ends)
                    assert not (len(ends) >= 2 and ends[-2].endswith("HY")), item.text
    assert hyphenated >= 10  # the rule refuses some breaks, not hyphenation itself


# -- continuation pages -----------------------------------------------------------------------


def test_running_head_of_a_continuation_keeps_suite_and_whole_words(
    seed_content: Content, theme: Theme, tmp_path: Path
) -> None:
    long = "Une action au titre très long " + " ".join(f"mot{n}" for n in range(40))
    action = seed_content.actions[0].replace(
        title=long, partners=[f"Partenaire numéro {n}" for n in range(90)]
    )
    content = Content(seed_content.root, seed_content.programme, (action,))
    doc = _render(content, theme, tmp_path, screen=True)
    texts = doc.page_texts()
    suite = [t for t in texts if "(suite)" in t]
    assert suite, "the action runs over several pages"
    for text in suite:
        head = next(line for line in text.splitlines() if "(suite)" in line)
        assert head.rstrip().endswith("… (suite)"), head
        kept = head.split("Action 1 · ")[1].removesuffix("… (suite)").split(" ")
        assert all(word in long.split(" ") for word in kept), head  # no word cut


def test_sidebar_tint_is_as_deep_as_its_content(theme: Theme) -> None:
    from io import BytesIO

    from reportlab.pdfgen.canvas import Canvas

    from cfsi_reports.pdf.columns import Spread
    from cfsi_reports.pdf.styles import Styles

    styles = Styles(theme, screen=True, language="fr-FR")
    tint = styles.colour("tint")

    panels: list[float] = []

    class Recorder(Canvas):
        def rect(self, x: float, y: float, w: float, h: float, *a: Any, **k: Any) -> None:
            if self._fillColorObj == tint:
                panels.append(h)
            super().rect(x, y, w, h, *a, **k)

    def para(n: int) -> Para:
        return Para(f"Fait numéro {n} de la colonne", styles["sidebar_text"])

    side = [para(n) for n in range(5)]
    main = [Para("Texte principal " * 400, styles["body"])]
    spread = Spread(side, main, side_width=150, gap=20, padding=10, inset=12, tint=tint)
    first, *rest = spread.split(480, 600)
    canvas = Recorder(BytesIO())
    first.drawOn(canvas, 0, 0)
    (depth,) = panels
    side_h = sum(p.wrap(130, 600)[1] + p.getSpaceAfter() for p in side)
    assert 12 + 10 + side_h - 5 < depth < 12 + 10 + side_h + 5  # not the frame's 600
    panels.clear()
    rest[0].wrap(480, 600)
    rest[0].split(480, 600)[0].drawOn(canvas, 0, 0)
    assert panels == []  # the sidebar said all: no empty tinted column


# -- chart ------------------------------------------------------------------------------------


def test_chart_keeps_the_other_bars_readable(
    seed_content: Content, theme: Theme, presenter: Presenter
) -> None:
    from reportlab.graphics.shapes import Rect

    from cfsi_reports.pdf import chart
    from cfsi_reports.pdf.styles import Styles

    view = presenter.programme(seed_content)
    styles = Styles(theme, screen=True, language="fr-FR")
    bars = chart.BarChart(
        chart.rows(view.actions, presenter.locale), ("B", "G"), styles, theme.chart
    )
    bars.wrap(480, 2000)
    budget = styles.colour(theme.chart.colours.budget)
    widths = sorted(
        (r.width for r in bars.drawing().contents if isinstance(r, Rect) and r.fillColor == budget),
        reverse=True,
    )
    widths = widths[:-1]  # the legend's swatch
    assert len(widths) == len(view.actions)
    # 526 561 € is five times the next budget: the others keep most of the scale ...
    assert widths[1] > 0.7 * widths[0]
    # ... and stay in proportion with each other.
    budgets = sorted((a.budget for a in view.actions), reverse=True)
    assert abs(widths[1] / widths[-1] - float(budgets[1] / budgets[-1])) < 0.01
    top = chart.scale_top([Decimal(v) for v in (100, 90, 80)], 2.5, 1.15)
    assert top == 100  # no break without an outlier


def test_a_shrunk_chart_widens_its_titles_column_rather_than_cut_a_title(
    seed_content: Content, theme: Theme, presenter: Presenter
) -> None:
    """Under the overview's map the seed's chart shrinks to two lines a title: the eighth
    action's had ended « …politiques et économiques… »; the column widens instead."""
    from reportlab.graphics.shapes import String

    from cfsi_reports.pdf import chart
    from cfsi_reports.pdf.styles import Styles

    view = presenter.programme(seed_content)
    styles = Styles(theme, screen=True, language="fr-FR")
    rows = chart.rows(view.actions, presenter.locale)
    natural = chart.BarChart(rows, ("B", "G"), styles, theme.chart, grows=False)
    height = natural.wrap(480, 2000)[1]
    bars = chart.BarChart(rows, ("B", "G"), styles, theme.chart)
    bars.wrap(480, height * 0.66)  # shrunk, as below the map
    drawing = bars.drawing()
    texts = [t.text for t in drawing.contents if isinstance(t, String)]
    assert not [t for t in texts if t.endswith("…")]
    # The legend stands in the middle of its band, not a shrunk gap over the first bar.
    from reportlab.graphics.shapes import Rect

    rects = [r for r in drawing.contents if isinstance(r, Rect)]
    swatch = max(rects, key=lambda r: r.y)  # the legend's first swatch, the highest
    first_bar = max((r for r in rects if r.height > swatch.height), key=lambda r: r.y + r.height)
    assert swatch.y - (first_bar.y + first_bar.height) > 6
    label = " ".join(texts)
    for r in rows:
        assert " ".join(r.title.split()) in label.replace("\u00a0", " "), r.title


def test_a_short_chart_fills_its_page(
    seed_content: Content, theme: Theme, presenter: Presenter
) -> None:
    from cfsi_reports.pdf import chart
    from cfsi_reports.pdf.styles import Styles

    view = presenter.programme(seed_content)
    styles = Styles(theme, screen=True, language="fr-FR")
    rows = chart.rows(view.actions, presenter.locale)
    few = chart.BarChart(rows[:3], ("B", "G"), styles, theme.chart)
    natural = chart.BarChart(rows[:3], ("B", "G"), styles, theme.chart, grows=False)
    h0 = natural.wrap(480, 500)[1]
    h = few.wrap(480, 500)[1]
    assert 1.5 * h0 < h <= min(500, theme.chart.grow_max * h0)  # grown, within the page
    from reportlab.platypus.flowables import _listWrapOn

    assert _listWrapOn([few], 480, None)[1] == h0  # measured unbounded: its natural size
    every = chart.BarChart(rows, ("B", "G"), styles, theme.chart)
    assert every.wrap(480, 200)[1] > 200 and len(every.split(480, 200)) == 2  # never shrunk


def test_fact_sheets_share_the_typography(seed_content: Content, theme: Theme) -> None:
    import io
    import zipfile

    from cfsi_reports.docx.sheet import FactSheetRenderer

    renderer = FactSheetRenderer(seed_content, theme)
    data = renderer.render(seed_content.actions[0])
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        body = z.read("word/document.xml").decode()
        settings = z.read("word/settings.xml").decode()
        core = z.read("docProps/core.xml").decode()
    assert "’" in body and "'" not in re.sub(r"<[^>]+>", "", body)
    assert f"pour{NBSP}l’insertion" in body  # the title never ends a line on « pour »
    assert "<w:doNotHyphenateCaps/>" in settings and 'consecutiveHyphenLimit w:val="2"' in settings
    assert "solidarité internationale" in core and "CFSI" in core  # the seed's own keywords
