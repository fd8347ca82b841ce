"""What both renderers show: labels, formatted figures and typeset text, from the model.

The brochure and the fact sheet read these views, so a label, an amount format
or a spacing rule exists in exactly one place.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from . import geo, glossary
from . import typography as ty
from .content.model import Action, Content, name_key
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
    codes: tuple[str, ...]  # ISO codes of `countries`, for the maps
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
class Supporter:
    """A partner or funder of the back cover: its name, and its logo when there is one."""

    name: str
    logo: bytes | None


@dataclass(frozen=True)
class Identity:
    """Who publishes, when, how to reach them: what the covers and properties show."""

    publisher: str | None  # the name as given
    published_by: str | None  # « Une publication du »
    publisher_name: str | None  # the name after it (« Secours… » once « Le » is contracted)
    wordmark: str | None  # set in type when there is no logo: the acronym, or else the name
    logo: bytes | None
    date: str | None
    cover: PhotoView | None
    supporters_label: str
    supporters: tuple[Supporter, ...]
    contacts: tuple[str, ...]
    credits: tuple[str, ...]
    legal: tuple[str, ...]
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class PartnerGroup:
    """The partners of one action, in the back matter."""

    number: int
    title: str
    lead: str
    partners: tuple[str, ...]


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
    identity: Identity | None = None
    partners: tuple[PartnerGroup, ...] = ()
    partner_count: int = 0
    glossary: tuple[tuple[str, str], ...] = ()


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
            codes=tuple(action.countries or ()),
            place=regions or self._place(action.countries or ()) or None,
            lead=text(action.lead),
            facts=facts,
            sections=sections,
            photo=photo,
            budget=money.budget,
            granted=money.granted,
        )

    def _place(self, codes: Sequence[str]) -> str:
        """Return the line of an action without regions: « Guinée / France », the countries
        abroad, then the home country's places, the way the seed's regions are typed."""
        loc = self.locale
        join = loc.format("list_join").join
        abroad = [ty.country_name(c, loc) for c in codes if geo.sovereign(c) != loc.home]
        home = [ty.country_name(c, loc) for c in codes if geo.sovereign(c) == loc.home]
        if abroad and home and "place_home" in loc.formats:  # optional in a locale file
            return loc.format("place_home", abroad=join(abroad), home=join(home))
        return join(abroad + home)

    def programme(self, content: Content) -> ProgrammeView:
        """Return the view of the whole programme, overview figures included."""
        loc = self.locale
        prog = content.programme
        totals = content.totals
        # Overseas parts are their country: « France (Guadeloupe, Martinique) », counted once.
        names = sorted(
            (
                loc.format(
                    "map_part",
                    country=ty.country_name(country, loc),
                    parts=loc.format("list_join").join(ty.country_name(p, loc) for p in parts),
                )
                if parts
                else ty.country_name(country, loc)
                for country, parts in geo.grouped(totals.places)
            ),
            key=collation_key,
        )
        countries = set(totals.countries)
        # The programme speaks of "France and 16 countries": count the others, note France.
        home = loc.home is not None and loc.home in countries
        others = len(countries) - (1 if home else 0)
        figures = (
            Figure("actions", str(totals.actions), loc.label("overview_actions", totals.actions)),
            Figure(
                "partners",
                ty.number(totals.partners, loc),
                loc.label("overview_partners", totals.partners),
            ),  # distinct partners: see distinct_partners
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
            identity=self.identity(content),
            partners=tuple(
                PartnerGroup(
                    i,
                    self.text(a.title),
                    self.text(a.lead),
                    tuple(self.text(p) for p in a.partners),
                )
                for i, a in enumerate(content.actions, 1)
            ),
            partner_count=totals.partners,
            glossary=tuple(
                (term, self.text(meaning)) for term, meaning in glossary.of_content(content).entries
            ),
        )

    def display_title(self, value: str) -> str:
        """Return a typeset title as a heading shows it: no line ends on « de » or « la »."""
        return ty.tie_title(value, self._typo)

    def identity(self, content: Content) -> Identity:
        """Return the publisher's identity as the covers show it."""
        prog, loc, text = content.programme, self.locale, self.text
        of, name = publisher_of(prog.publisher, prog.publisher_of, loc)
        cover = None
        if prog.cover is not None and prog.picture("cover") is not None:
            credit = prog.cover.credit
            cover = PhotoView(
                prog.picture("cover"),  # type: ignore[arg-type]
                text(prog.cover.alt),
                loc.format("photo_credit", credit=text(credit)) if credit else None,
            )
        contacts: list[str] = []
        if prog.contacts is not None:
            c = prog.contacts
            contacts += [text(line) for line in c.address or ()]
            contacts += [v for v in (c.phone and text(c.phone), c.email, c.website) if v]
        keywords = tuple(prog.keywords or ()) or _keywords(prog.title, prog.publisher, content, loc)
        return Identity(
            publisher=text(prog.publisher) if prog.publisher else None,
            published_by=loc.format("published_by", of=of).rstrip() if prog.publisher else None,
            publisher_name=text(name) if name else None,
            wordmark=_wordmark(prog.publisher) if prog.publisher else None,
            logo=prog.picture("logo"),
            date=text(prog.date) if prog.date else None,
            cover=cover,
            supporters_label=text(prog.supporters_label or loc.label("supporters")),
            supporters=tuple(
                Supporter(text(s.name), prog.picture(f"supporters.{i}.logo"))
                for i, s in enumerate(prog.supporters or ())
            ),
            contacts=tuple(contacts),
            credits=tuple(map(text, prog.credits or ())),
            legal=tuple(map(text, prog.legal or ())),
            keywords=keywords,
        )


_PARENS = re.compile(r"\(([^()]*)\)\s*$")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


def distinct_partners(actions: Sequence[Action]) -> list[str]:
    """Return the programme's partners, each once, as first written, in order of appearance.

    Two spellings of one organisation (case, accents, punctuation) are one partner:
    the same rule (`name_key`) counts them in the overview and finds them for `validate`.
    """
    seen: dict[str, str] = {}
    for action in actions:
        for name in action.partners:
            seen.setdefault(name_key(name), name)
    return list(seen.values())


def publisher_of(publisher: str | None, given: str | None, locale: Locale) -> tuple[str, str]:
    """Return the words between « Une publication » and the name, and the name after them.

    « Comité Français… » takes « du », « Fondation X » « de la », « Association X »
    « de l’ », « Le Secours X » « du Secours X », any other name « de » (the locale's
    grammar); `publisher_of:` in programme.yaml says it when the rule cannot.
    """
    if not publisher:
        return "", ""
    if given:
        return given.strip() + ("" if given.endswith(("'", "\u2019")) else " "), publisher
    grammar = locale.grammar
    of = dict(grammar.get("of", {}))
    if not of:
        return "", publisher
    head, _, rest = publisher.partition(" ")
    articles = {str(k).lower(): v for k, v in dict(grammar.get("articles", {})).items()}
    elided = re.match(r"^([lL]['\u2019])(.+)$", publisher)
    if elided and elided.group(1).lower() in articles:
        return str(of[articles[elided.group(1).lower()]]), elided.group(2)
    if head.lower() in articles and rest:
        return str(of[articles[head.lower()]]), rest
    noun = head.lower()
    known = [*grammar.get("masculine", ()), *grammar.get("feminine", ())]
    if noun in grammar.get("vowel_nouns", ()) or (
        noun in known and noun[:1] in str(grammar.get("vowel_start", ""))
    ):
        return str(of["vowel"]), publisher
    for gender in ("masculine", "feminine"):
        if noun in grammar.get(gender, ()):
            return str(of[gender]), publisher
    return str(of["default"]), publisher


def _wordmark(publisher: str, longest: int = 24) -> str | None:
    """Return the publisher's short name: the acronym in parentheses, or a short name."""
    acronym = _PARENS.search(publisher)
    if acronym and glossary.ACRONYM.fullmatch(acronym.group(1).strip()):
        return acronym.group(1).strip()
    return publisher if len(publisher) <= longest else None


def _keywords(
    title: str, publisher: str | None, content: Content, locale: Locale
) -> tuple[str, ...]:
    """Return document keywords from the content: the programme, its publisher, countries."""
    words = [title]
    if publisher:
        words.append(_wordmark(publisher) or publisher)
    codes = sorted({c for a in content.actions for c in (a.countries or ())})
    words += sorted((ty.country_name(c, locale) for c in codes), key=collation_key)
    return tuple(dict.fromkeys(words))


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
