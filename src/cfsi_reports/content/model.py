"""The one content model: a programme and its pilot actions, read by every renderer."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from .. import geo
from ..errors import line_of
from ..messages import _
from ..records import After, Before, Items, Range, Record, Schema, declared
from .richtext import ListBlock, RichText, parse
from .yamlsafe import ColonText

_WS = re.compile(r"[ \t\r\n]+")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
MAX_SLUG = 80
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ACRONYM = re.compile(r"^[A-Z][A-Z0-9&]*[A-Z0-9]$")
# Limits that keep every valid content set quick to lay out (time linear in its size) and
# printable: the longest seed title has 117 characters, the longest seed text 1 848, the
# longest word 25. Past them a message says what to shorten.
MAX_TEXT = 300  # characters in a one-line field
MAX_RICH = 20_000  # characters in a rich-text field
MAX_BLOCKS = 200  # paragraphs and list items in a rich-text field
MAX_ITEMS = 200  # items of a list field (partners, locations, activities...)
MAX_WORD = 200  # characters between two spaces, a long web address (no-break spaces tie)
_BREAKS = re.compile(r"[^\S\u00a0\u2007\u202f]+")


def _too_large() -> str:  # one message, two places
    return _("{text} is implausibly large (expected less than 10^12 euros)")


def _check_size(value: str, most: int) -> None:
    if len(value) > most:
        raise ValueError(
            _("is {n} characters long (at most {most}: shorten it)").format(n=len(value), most=most)
        )
    longest = max(_BREAKS.split(value), key=len, default="")
    if len(longest) > MAX_WORD:
        raise ValueError(
            _(
                "has a word of {n} characters ({start!r}...; at most {most}: put spaces in it)"
            ).format(n=len(longest), start=longest[:24], most=MAX_WORD)
        )


def _as_written(value: Any) -> Any:
    """Read `Atelier n°1 : échanges`, which YAML made a mapping, as the text it is."""
    return value.source if isinstance(value, ColonText) else value


def _text(value: Any) -> str:
    value = _as_written(value)
    if not isinstance(value, str):
        raise ValueError(_("expected text"))
    value = _WS.sub(" ", value).strip()
    if not value:
        raise ValueError(_("is empty (expected text)"))
    _check_size(value, MAX_TEXT)
    return value


def _rich(value: Any) -> RichText:
    if isinstance(value, RichText):
        return value
    value = _as_written(value)
    if not isinstance(value, str):
        raise ValueError(_("expected text (Markdown: paragraphs, '- ' lists, *italic*, **bold**)"))
    _check_size(value, MAX_RICH)
    rich = parse(value)
    blocks = sum(len(b.items) if isinstance(b, ListBlock) else 1 for b in rich.blocks)
    if blocks > MAX_BLOCKS:
        raise ValueError(
            _("has {n} paragraphs and list items (at most {most})").format(
                n=blocks, most=MAX_BLOCKS
            )
        )
    if not rich.blocks:
        raise ValueError("is empty (expected text)")
    return rich


def _slug(value: Any) -> str:
    if not isinstance(value, str) or not SLUG.match(value) or len(value) > MAX_SLUG:
        raise ValueError(
            _(
                "{value!r} is not a valid slug (expected lowercase letters, digits and hyphens,"
                " at most {most} characters, e.g. 'maraichage')"
            ).format(value=value, most=MAX_SLUG)
        )
    return value


@cache
def _codes_by_name() -> dict[str, str]:
    """Map country names, French and English, to their codes: `Sénégal` gives SN."""
    from babel import Locale as BabelLocale

    names: dict[str, str] = {}
    for language in ("en", "fr"):
        for code, name in BabelLocale.parse(language).territories.items():
            if code in geo.country_codes():
                names.setdefault(name_key(name), code)
    return names


def _country(value: Any) -> str:
    if not isinstance(value, str) or value.upper() not in geo.country_codes():
        code = _codes_by_name().get(name_key(value)) if isinstance(value, str) else None
        hint = _(" (did you mean {code}?)").format(code=code) if code else _(" (e.g. ML, FR)")
        raise ValueError(
            _("{given!r} is not an ISO 3166-1 alpha-2 country code{hint}").format(
                given=value, hint=hint
            )
        )
    return value.upper()


def _country_list(value: Any) -> Any:
    """Take `countries: ML, FR` (no brackets) as the list it can only mean."""
    value = _as_written(value)
    if isinstance(value, str):
        parts = [part.strip() for part in re.split(r"[,;/]+", value) if part.strip()]
        return [code for part in parts for code in _codes_or_name(part)]
    return value


def _codes_or_name(part: str) -> list[str]:
    return part.split() if re.fullmatch(r"[A-Za-z]{2}(?:\s+[A-Za-z]{2})*", part) else [part]


# `54.000`, `54,000`, `1.250.000`: a dot or a comma before exactly three digits, as many
# people write thousands. Read from the text in the file (YAML would make 54.0 of the first).
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*(?:(?!\1)[.,]\d{1,2})?$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d{1,2}$")
_DECORATION = re.compile(r"[\s\u00a0\u202f\u2009]|€|(?i:euros?|eur)$|(?i:mois)$")


def _figure_mistake(text: str) -> str | None:
    """Explain a figure written the way people write it on paper, or return None."""
    bare = _DECORATION.sub("", text)
    if _THOUSANDS.match(bare):
        digits = re.sub(r"[.,](\d{3})", r"\1", bare).replace(",", ".")
        return _(
            "it looks like a number with a thousands separator, write {plain}"
            " (digits only, no separator)"
        ).format(plain=digits)
    if _DECIMAL_COMMA.match(bare):
        return _("write the decimal point as a dot, {plain}").format(plain=bare.replace(",", "."))
    if bare != text and re.fullmatch(r"[+-]?\d+(?:\.\d{1,2})?", bare):
        return _("write the number alone, {plain}").format(plain=bare)
    return None


def _amount(value: Any) -> Decimal:
    text = str(value).strip() if value is not None else ""
    mistake = _figure_mistake(text)
    if mistake:
        raise ValueError(
            _("{given!r} is not an amount: {mistake}; cents go after a dot, e.g. 75500.50").format(
                given=text, mistake=mistake
            )
        )
    try:
        amount = Decimal(text)
    except ArithmeticError:
        raise ValueError(
            _(
                "{text!r} is not an amount (expected euros as a number, e.g. 98525 or 75500.50)"
            ).format(text=text)
        ) from None
    if not amount.is_finite():
        raise ValueError(
            _("{text!r} is not an amount (expected a finite number of euros)").format(text=text)
        )
    if amount and amount.adjusted() >= 12:  # before quantize(), which 10^28 overflows
        raise ValueError(_too_large().format(text=text))
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(
            _("{text} has more than two decimals (expected euros and cents)").format(text=text)
        )
    if amount > Decimal("1e12"):
        raise ValueError(_too_large().format(text=text))
    return amount


def _months(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    text = value.strip()
    if re.fullmatch(r"\d+", text):
        return int(text)
    mistake = _figure_mistake(text)
    if mistake and not re.search(r"\d[.,]\d{1,2}\D*$", text):  # 24,5 mois: not a decimal to write
        raise ValueError(
            _("{given!r} is not a whole number of months: {mistake}").format(
                given=text, mistake=mistake
            )
        )
    raise ValueError(_("{given!r}: expected a whole number of months, e.g. 24").format(given=text))


def message_amount(value: Decimal) -> str:
    """Format an amount for an error message, the French way: `75 500,50 €`."""
    whole = value == value.to_integral_value()
    text = f"{value:,.0f}" if whole else f"{value:,.2f}"
    return text.replace(",", " ").replace(".", ",") + " €"


# The JSON Schema of each type (`cfsi-reports schema`) says what an editor can check.
_TEXT_SCHEMA = {"type": "string", "pattern": r"\S"}
_AMOUNT_SCHEMA = {
    "anyOf": [
        {"type": "number", "minimum": 0},
        {"type": "string", "pattern": r"^\d+(\.\d{1,2})?$"},
    ]
}

Text = Annotated[str, Before(_text), Schema(_TEXT_SCHEMA)]
Rich = Annotated[RichText, Before(_rich), Schema(_TEXT_SCHEMA)]
Country = Annotated[str, Before(_country), Schema({"type": "string"})]
Slug = Annotated[
    str,
    Before(_slug),
    Schema({"type": "string", "pattern": SLUG.pattern, "maxLength": MAX_SLUG}),
]
Amount = Annotated[Decimal, Before(_amount), Schema(_AMOUNT_SCHEMA)]
TextList = Annotated[list[Text], Items(1, MAX_ITEMS)]


def _one_or_many(value: Any) -> Any:
    value = _as_written(value)
    return [value] if isinstance(value, str) else value


TextOrList = Annotated[
    list[Text],
    Before(_one_or_many),
    Items(1, MAX_ITEMS),
    Schema({"anyOf": [_TEXT_SCHEMA, {"type": "array", "items": _TEXT_SCHEMA, "minItems": 1}]}),
]


def _email(value: str) -> str:
    if not EMAIL.match(value):
        raise ValueError(f"{value!r} is not an e-mail address (e.g. contact@example.org)")
    return value


def _glossary(value: Any) -> Any:
    if not isinstance(value, dict):
        raise ValueError("expected acronyms and their meaning, one per line (OSC: organisations …)")
    out = {}
    for key, meaning in value.items():
        if not isinstance(key, str) or not ACRONYM.match(key):
            raise ValueError(
                f"{key!r} is not an acronym (expected capitals and digits, e.g. OSC, ZAE)"
            )
        out[key] = _text(meaning)
    return out


# Every record is frozen, and a key it does not declare is a mistake: a typo must not
# silently drop content (records.py).
class Picture(Record):
    """A picture of the programme (cover photo), with its alternative text and credit."""

    file: Text
    alt: Text
    credit: Text | None = None


class Supporter(Record):
    """A partner or funder shown on the back cover: its name, and its logo if there is one."""

    name: Text
    logo: Text | None = None


class Contacts(Record):
    """How to reach the publisher."""

    address: TextOrList | None = None
    website: Text | None = None
    email: Annotated[Text, After(_email)] | None = None
    phone: Text | None = None


class Programme(Record):
    """The programme: cover, introduction, publisher identity and the language of the content."""

    title: Text
    subtitle: Text | None = None
    publisher: Text | None = None
    language: Annotated[str, After(lambda v: _language(v))] = "fr"
    intro: Rich
    # Identity (all optional): the cover and the back cover show what is given.
    publisher_of: Text | None = None  # « du », « de la »: when the locale's rule cannot tell
    logo: Text | None = None  # the publisher's logo (PNG or JPEG), relative to content/
    date: Text | None = None  # « 2017 », « juin 2017 » (YAML's values all come as text)
    cover: Picture | None = None
    supporters_label: Text | None = None  # replaces « Avec le soutien de »
    supporters: Annotated[list[Supporter], Items(1, MAX_ITEMS)] | None = None
    contacts: Contacts | None = None
    credits: TextOrList | None = None  # « Conception : … », « Photos : … »
    legal: TextOrList | None = None  # printer, « Dépôt légal : … », ISBN
    keywords: TextOrList | None = None  # document keywords (PDF, Word properties)
    glossary: Annotated[dict[str, str], Before(_glossary)] | None = None

    def __init__(self, **fields: Any) -> None:
        super().__init__(**fields)
        self._file = "programme.yaml"
        self._lines: dict[tuple[str | int, ...], int] = {}
        self._pictures: dict[str, bytes] = {}  # checked picture files

    def line(self, *path: str | int) -> int:
        """Return the line of a field in programme.yaml."""
        return line_of(self._lines, tuple(path))

    def picture(self, field: str) -> bytes | None:
        """Return the bytes of a checked picture field (`logo`, `supporters.0.logo`)."""
        return self._pictures.get(field)

    def pictures(self) -> dict[str, bytes]:
        """Return every checked picture, by field: read once, printed as read."""
        return dict(self._pictures)


def _language(value: str) -> str:
    if not LANGUAGE.match(value):
        raise ValueError(
            _("{value!r} is not a BCP 47 language tag (e.g. fr, fr-FR)").format(value=value)
        )
    return value


class Beneficiaries(Record):
    """Who the action reaches, directly and indirectly."""

    direct: TextOrList | None = None
    indirect: TextOrList | None = None
    label: Text | None = None
    direct_label: Text | None = None
    indirect_label: Text | None = None

    @classmethod
    def rules(cls, values: dict[str, Any]) -> Iterator[tuple[str | None, str]]:
        if values.keys() >= {"direct", "indirect"} and not (values["direct"] or values["indirect"]):
            yield None, _("give 'direct' or 'indirect' (at least one of the two)")


def _positive(value: Decimal) -> Decimal:
    if value <= 0:
        raise ValueError(
            _("{amount} is not positive (expected a budget > 0)").format(
                amount=message_amount(value)
            )
        )
    return value


def _not_negative(value: Decimal) -> Decimal:
    if value < 0:
        raise ValueError(
            _("{amount} is negative (expected 0 or more)").format(amount=message_amount(value))
        )
    return value


class Funding(Record):
    """Budget and grant in euros."""

    budget: Annotated[Amount, After(_positive)]
    granted: Annotated[Amount, After(_not_negative)]
    budget_label: Text | None = None
    granted_label: Text | None = None

    @classmethod
    def rules(cls, values: dict[str, Any]) -> Iterator[tuple[str | None, str]]:
        granted, budget = values.get("granted"), values.get("budget")
        if granted is not None and budget is not None and granted > budget:
            yield (
                "granted",
                _("{amount} exceeds the budget of {budget}").format(
                    amount=message_amount(granted), budget=message_amount(budget)
                ),
            )

    @property
    def share(self) -> Decimal:
        """Return the share of the budget that is granted (0 to 1)."""
        return self.granted / self.budget


class Photo(Record):
    """An illustration of the action, with its alternative text and credit."""

    file: Text
    alt: Text
    credit: Text | None = None


class Action(Record):
    """One pilot action."""

    title: Text
    regions: Text | None = None
    countries: (
        Annotated[
            list[Country],
            Before(_country_list),
            Items(1, MAX_ITEMS),
            After(lambda codes: list(dict.fromkeys(codes))),  # each country once
        ]
        | None
    ) = None
    lead: Text
    partners: TextList
    locations: TextList
    beneficiaries: Beneficiaries
    duration_months: Annotated[int, Before(_months), Range(gt=0, le=1200)]
    funding: Funding
    project: Rich
    expected_results: Annotated[list[Rich], Items(1, MAX_ITEMS)]
    activities: Annotated[list[Rich], Items(1, MAX_ITEMS)]
    slug: Slug | None = None
    order: int | None = None
    photo: Photo | None = None

    def __init__(self, **fields: Any) -> None:
        super().__init__(**fields)
        self._file = ""
        self._lines: dict[tuple[str | int, ...], int] = {}
        self._photo_path: Path | None = None
        self._photo_bytes: bytes | None = None

    @property
    def file(self) -> str:
        """Return the content file, relative to the content folder."""
        return self._file

    @property
    def key(self) -> str:
        """Return the slug (always set once loaded)."""
        assert self.slug is not None
        return self.slug

    @property
    def photo_path(self) -> Path | None:
        """Return the checked absolute path of the photo, if any."""
        return self._photo_path

    @property
    def photo_bytes(self) -> bytes | None:
        """Return the photo's bytes as validated: the documents print these, never reread."""
        return self._photo_bytes

    def line(self, *path: str | int) -> int:
        """Return the line of a field in the content file."""
        return line_of(self._lines, tuple(path))


def name_key(name: str) -> str:
    """Return what two spellings of one organisation share: « Banana link », « BANANA Link ».

    Accents, case, hyphens and punctuation are ignored: « Ile-de-France » is « Île de France ».
    The overview counts distinct partners with it, and the warnings find names spelt two ways.
    """
    plain = "".join(
        ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch)
    )
    return " ".join(re.sub(r"[^\w]+", " ", plain.casefold()).split())


@dataclass(frozen=True)
class Totals:
    """Figures computed from the actions, never typed in."""

    actions: int
    partners: int
    countries: tuple[str, ...]  # overseas parts counted with their country (GP is FR)
    places: tuple[str, ...]  # every code as written, parts included (the maps show them)
    budget: Decimal
    granted: Decimal

    @property
    def share(self) -> Decimal:
        return self.granted / self.budget if self.budget else Decimal(0)


@dataclass(frozen=True)
class Content:
    """A validated content set: the programme and its actions in order."""

    root: Path
    programme: Programme
    actions: tuple[Action, ...]

    def action(self, slug: str) -> Action:
        """Return the action with this slug."""
        for action in self.actions:
            if action.slug == slug:
                return action
        raise KeyError(slug)

    @property
    def totals(self) -> Totals:
        places = sorted({c for a in self.actions for c in (a.countries or ())})
        return Totals(
            actions=len(self.actions),
            partners=len({name_key(p) for a in self.actions for p in a.partners}),
            countries=tuple(sorted({geo.sovereign(c) for c in places})),
            places=tuple(places),
            budget=sum((a.funding.budget for a in self.actions), Decimal(0)),
            granted=sum((a.funding.granted for a in self.actions), Decimal(0)),
        )


def _field_names(*models: type[Record]) -> frozenset[str]:
    return frozenset(name for model in models for name in declared(model))


# Every key a content file may hold: a syntax error on a line starting with one of them is
# an indentation mistake, not a text to put in quotes.
FIELD_NAMES = _field_names(
    Programme, Action, Beneficiaries, Funding, Photo, Picture, Supporter, Contacts
)


# -- every text of a model, for the checks that read them all ---------------------------------


def texts(model: Record, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Yield (field path, text) for every text of a model, rich text as its source."""
    for name in declared(type(model)):
        yield from _walk(getattr(model, name), (*path, name))


def _walk(value: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, RichText):
        yield path, value.source
    elif isinstance(value, Record):
        yield from texts(value, path)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, (*path, key))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _walk(item, (*path, i))
