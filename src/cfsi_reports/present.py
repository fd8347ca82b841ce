"""What both renderers show: labels, formatted figures and typeset text, from the model.

The brochure and the fact sheet read these views, so a label, an amount format
or a spacing rule exists in exactly one place.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from . import typography as ty
from .content.model import Action, Content
from .content.richtext import Block, ListBlock, Para, RichText, Span
from .i18n import Locale


@dataclass(frozen=True)
class Entry:
    """One line group of a key fact: an optional label and its values."""

    label: str | None
    values: tuple[str, ...]


@dataclass(frozen=True)
class Fact:
    """A key fact of the sidebar: a heading and its entries."""

    key: str
    heading: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Section:
    """A titled part of the main column."""

    key: str
    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class PhotoView:
    """A photo ready to place."""

    data: bytes  # the file's bytes, read once when the content was checked
    alt: str
    credit: str | None


@dataclass(frozen=True)
class ActionView:
    """An action as readers see it."""

    number: int
    slug: str
    title: str
    regions: str | None
    countries: tuple[str, ...]
    place: str | None  # the line above the title: the regions, or else the countries
    lead: str
    facts: tuple[Fact, ...]
    sections: tuple[Section, ...]
    photo: PhotoView | None
    budget: Decimal
    granted: Decimal


@dataclass(frozen=True)
class Figure:
    """A headline figure of the overview: `9` and `actions pilotes`."""

    key: str
    value: str
    label: str
    note: str | None = None


@dataclass(frozen=True)
class ProgrammeView:
    """The programme and its overview, computed from the data."""

    title: str
    subtitle: str | None
    publisher: str | None
    language: str
    intro: tuple[Block, ...]
    figures: tuple[Figure, ...]
    country_names: tuple[str, ...]
    actions: tuple[ActionView, ...]


class Presenter:
    """Turns the model into views in one locale."""

    def __init__(self, locale: Locale) -> None:
        self.locale = locale
        self._typo = locale.typography

    def text(self, value: str) -> str:
        """Apply the typographic rules to plain text."""
        return ty.normalise(value, self._typo)

    def blocks(self, rich: RichText) -> tuple[Block, ...]:
        """Apply the typographic rules to rich text, span by span."""
        return tuple(self._block(b) for b in rich.blocks)

    def _para(self, para: Para) -> Para:
        return Para(tuple(Span(self.text(s.text), s.bold, s.italic) for s in para.spans))

    def _block(self, block: Block) -> Block:
        if isinstance(block, Para):
            return self._para(block)
        return ListBlock(tuple(self._para(p) for p in block.items), block.ordered, block.start)

    def _items(self, items: list[RichText]) -> tuple[Block, ...]:
        paras = tuple(self._para(item.as_para) for item in items)
        return (paras[0],) if len(paras) == 1 else (ListBlock(paras),)

    def action(self, action: Action, number: int) -> ActionView:
        """Return the view of one action."""
        loc = self.locale
        text = self.text
        ben = action.beneficiaries
        ben_entries = []
        if ben.direct:
            ben_entries.append(
                Entry(text(ben.direct_label or loc.label("direct")), tuple(map(text, ben.direct)))
            )
        if ben.indirect:
            ben_entries.append(
                Entry(
                    text(ben.indirect_label or loc.label("indirect")),
                    tuple(map(text, ben.indirect)),
                )
            )
        money = action.funding
        facts = (
            Fact("lead", loc.label("lead"), (Entry(None, (text(action.lead),)),)),
            Fact(
                "partners", loc.label("partners"), (Entry(None, tuple(map(text, action.partners))),)
            ),
            Fact(
                "locations",
                loc.label("locations"),
                (Entry(None, tuple(map(text, action.locations))),),
            ),
            Fact(
                "beneficiaries", text(ben.label or loc.label("beneficiaries")), tuple(ben_entries)
            ),
            Fact(
                "duration",
                loc.label("duration"),
                (Entry(None, (ty.months(action.duration_months, loc),)),),
            ),
            Fact(
                "funding",
                loc.label("funding"),
                (
                    Entry(
                        text(money.budget_label or loc.label("budget")),
                        (ty.money(money.budget, loc),),
                    ),
                    Entry(
                        text(money.granted_label or loc.label("granted")),
                        (ty.money(money.granted, loc),),
                    ),
                    Entry(loc.label("share_granted"), (ty.percent(money.share, loc),)),
                ),
            ),
        )
        sections = (
            Section("project", loc.label("project"), self.blocks(action.project)),
            Section(
                "expected_results",
                loc.label("expected_results", len(action.expected_results)),
                self._items(action.expected_results),
            ),
            Section(
                "activities",
                loc.label("activities", len(action.activities)),
                self._items(action.activities),
            ),
        )
        photo = None
        if action.photo is not None and action.photo_bytes is not None:
            credit = action.photo.credit
            photo = PhotoView(
                action.photo_bytes,
                text(action.photo.alt),
                loc.format("photo_credit", credit=text(credit)) if credit else None,
            )
        regions = text(action.regions) if action.regions else None
        countries = tuple(ty.country_name(c, loc) for c in action.countries or ())
        return ActionView(
            number=number,
            slug=action.key,
            title=text(action.title),
            regions=regions,
            countries=countries,
            place=regions or loc.format("list_join").join(countries) or None,
            lead=text(action.lead),
            facts=facts,
            sections=sections,
            photo=photo,
            budget=money.budget,
            granted=money.granted,
        )

    def programme(self, content: Content) -> ProgrammeView:
        """Return the view of the whole programme, overview figures included."""
        loc = self.locale
        prog = content.programme
        totals = content.totals
        names = sorted((ty.country_name(c, loc) for c in totals.countries), key=collation_key)
        # The programme speaks of "France and 16 countries": count the others, note France.
        home = loc.home is not None and loc.home in totals.countries
        others = len(totals.countries) - (1 if home else 0)
        figures = (
            Figure("actions", str(totals.actions), loc.label("overview_actions", totals.actions)),
            Figure(
                "partners",
                ty.number(totals.partners, loc),
                loc.label("overview_partners", totals.partners),
            ),
            Figure(
                "countries",
                ty.number(others, loc),
                loc.label("overview_countries", others),
                loc.label("overview_countries_note") if home else None,
            ),
            Figure("budget", ty.money(totals.budget, loc), loc.label("overview_budget")),
            Figure("granted", ty.money(totals.granted, loc), loc.label("overview_granted")),
            Figure("share", ty.percent(totals.share, loc), loc.label("overview_share")),
        )
        return ProgrammeView(
            title=self.text(prog.title),
            subtitle=self.text(prog.subtitle) if prog.subtitle else None,
            publisher=self.text(prog.publisher) if prog.publisher else None,
            language=loc.tag,
            intro=self.blocks(prog.intro),
            figures=figures,
            country_names=tuple(names),
            actions=tuple(self.action(a, i) for i, a in enumerate(content.actions, 1)),
        )


def no_widow(title: str, longest: int = 12) -> str:
    """Tie a title's short last word to the one before, so it never stands alone on a line."""
    head, space, last = title.rpartition(" ")
    if not space or len(last) > longest or " " not in head.strip():
        return title
    return f"{head}\u00a0{last}"


def collation_key(name: str) -> tuple[str, str]:
    # Égypte sorts with E, as a French reader expects.
    stripped = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return (stripped, name)
