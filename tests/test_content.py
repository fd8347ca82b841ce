"""The content model and the seed transcription."""

from __future__ import annotations

import runpy
from decimal import Decimal
from pathlib import Path

from cfsi_reports.content import Content
from cfsi_reports.content.richtext import ListBlock, Para, parse
from cfsi_reports.present import Presenter
from conftest import missing_lines, seed_lines, squash
from helpers.lines import plain_lines

ROOT = Path(__file__).resolve().parents[1]


def test_seed_has_nine_actions_in_source_order(seed_content: Content) -> None:
    titles = [a.title for a in seed_content.actions]
    assert len(titles) == 9
    assert titles[0].startswith("Échangeons")
    assert titles[-1] == "Des paniers paysans de Comasagua au jardin solidaire de Montauban"
    assert [a.order for a in seed_content.actions] == list(range(1, 10))
    assert seed_content.actions[0].key == "echangeons"


def test_every_seed_line_is_in_the_content(seed_content: Content, presenter: Presenter) -> None:
    view = presenter.programme(seed_content)
    lines = [view.title]
    lines += [p.text for p in view.intro if isinstance(p, Para)]
    for action in view.actions:
        lines += plain_lines(action, presenter.locale)
    corpus = "\n".join(lines)
    # A leading "- " is a list marker, which the renderers draw; the content holds the item.
    wanted = [line.removeprefix("- ") for line in seed_lines()]
    assert missing_lines(wanted, corpus) == []


def test_seed_lines_follow_the_order_of_actions(
    seed_content: Content, presenter: Presenter
) -> None:
    view = presenter.programme(seed_content)
    corpus = squash(
        "\n".join(line for a in view.actions for line in plain_lines(a, presenter.locale))
    )
    positions = [corpus.find(squash(a.title)) for a in view.actions]
    assert positions == sorted(positions) and -1 not in positions


def test_totals_agree_with_the_introduction(seed_content: Content) -> None:
    totals = seed_content.totals
    # "en France et dans 16 pays d'Amérique latine, d'Asie et d'Afrique"
    assert "FR" in totals.countries
    assert len(totals.countries) - 1 == 16
    assert totals.actions == 9
    assert totals.budget == sum(a.funding.budget for a in seed_content.actions)
    assert seed_content.action("echangeons").funding.budget == Decimal(98525)
    assert seed_content.action("echangeons").funding.granted == Decimal(64040)


def test_labels_and_amounts_come_out_french(seed_content: Content, presenter: Presenter) -> None:
    view = presenter.action(seed_content.actions[0], 1)
    facts = {f.key: f for f in view.facts}
    funding = facts["funding"].entries
    assert funding[0].values == ("98\u202f525\u00a0€",)
    assert funding[2].values == ("65\u00a0%",)
    assert facts["beneficiaries"].heading == "Nombre de personnes concernées"
    assert facts["beneficiaries"].entries[0].label == "Directement"
    assert view.sections[1].heading == "Résultats attendus"
    single = presenter.action(seed_content.action("jeunes-entreprendre"), 2)
    assert single.sections[1].heading == "Résultat attendu"


def test_rich_text_keeps_markup_characters_as_text() -> None:
    rich = parse("Un & deux < trois > quatre « cinq » <b>six</b> # sept &amp; huit")
    assert rich.plain == "Un & deux < trois > quatre « cinq » <b>six</b> # sept &amp; huit"


def test_rich_text_paragraphs_lists_and_emphasis() -> None:
    rich = parse("Premier *mot* et **gras**.\n\n- un ;\n- deux\n  suite\n\nFin.")
    first, lst, last = rich.blocks
    assert isinstance(first, Para) and isinstance(lst, ListBlock) and isinstance(last, Para)
    assert [(s.text, s.bold, s.italic) for s in first.spans] == [
        ("Premier ", False, False),
        ("mot", False, True),
        (" et ", False, False),
        ("gras", True, False),
        (".", False, False),
    ]
    assert [i.text for i in lst.items] == ["un ;", "deux suite"]


def test_typography_binds_numbers_units_and_punctuation(presenter: Presenter) -> None:
    text = presenter.text("Directs : 13 600 travailleurs «futurs jardiniers » 49,7 % ; 25 mois ?")
    assert text == (
        "Directs\u00a0: 13\u202f600\u00a0travailleurs «\u00a0futurs jardiniers\u00a0» 49,7\u00a0%"
        "\u202f; 25\u00a0mois\u202f?"
    )
    assert presenter.text("http://example.org 10:30") == "http://example.org 10:30"
    # A number keeps the word it counts: no line ends on « 2 » before « organisations ».
    assert presenter.text("9 OSC, 2 organisations") == "9\u00a0OSC, 2\u00a0organisations"


def test_a_short_last_word_of_a_title_is_tied() -> None:
    from cfsi_reports.present import no_widow

    assert no_widow("Des paniers paysans au jardin de Montauban") == (
        "Des paniers paysans au jardin de\u00a0Montauban"
    )
    assert no_widow("Titre") == "Titre"
    assert no_widow("Deux mots") == "Deux mots"  # nothing to gain on two words


def test_plural_labels_follow_the_language_rule(presenter: Presenter) -> None:
    loc = presenter.locale
    assert loc.label("expected_results", 0) == "Résultat attendu"  # French: 0 is singular
    assert loc.label("expected_results", 1) == "Résultat attendu"
    assert loc.label("expected_results", 2) == "Résultats attendus"


def test_country_codes_are_every_two_letter_territory_of_cldr() -> None:
    """The derived list (data/country-codes.txt) is CLDR's, as Babel has it installed."""
    from babel import Locale

    from cfsi_reports.geo import COUNTRY_CODES, country_codes

    script = runpy.run_path(str(ROOT / "scripts" / "derive_country_codes.py"))
    assert COUNTRY_CODES.read_text(encoding="ascii") == script["derive"](), (
        "run python scripts/derive_country_codes.py"
    )
    groupings = {"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"}
    named = {c for c in Locale.parse("en").territories if len(c) == 2 and c.isalpha()}
    assert country_codes() == named - groupings
    assert {"GP", "MQ", "GF", "RE", "YT", "NC", "PF", "ML", "FR"} <= country_codes()
