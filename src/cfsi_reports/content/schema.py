"""The JSON Schema of the content files, generated from the content model.

An editor with a YAML extension reads it (`# yaml-language-server: $schema=…` at the
top of a file) to complete keys and flag mistakes while typing. It checks what JSON
Schema can express: known keys, required fields, types, country codes, slugs.
"""

from __future__ import annotations

import json
from typing import Any

from .. import geo
from ..messages import _
from ..records import json_schema as record_schema
from .model import Action, Programme

SCHEMAS = {"programme": Programme, "action": Action}
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _descriptions() -> dict[str, str]:
    """What an editor shows on hovering a key (in the user's language, through `_()`)."""
    return {
        "title": _("Title (text)"),
        "subtitle": _("Subtitle under the title (optional)"),
        "publisher": _("Publisher named on the cover (optional)"),
        "language": _("Language of the content, e.g. fr (optional)"),
        "intro": _("Introduction (rich text: paragraphs, '- ' lists, *italic*, **bold**)"),
        "regions": _("Line above the title, e.g. Mali / France (optional)"),
        "countries": _(
            "Countries, ISO two-letter codes, e.g. [ML, FR] (optional, but counted"
            " in the overview and shown on the maps only when given)"
        ),
        "lead": _("Lead organisation"),
        "partners": _("Main partners, one per line"),
        "locations": _("Places, one per line"),
        "beneficiaries": _("Beneficiaries: direct and/or indirect"),
        "duration_months": _("Duration in months (whole number)"),
        "funding": _("Budget and grant in euros: digits only, cents after a dot (98525, 75500.50)"),
        "budget": _("Total budget in euros (digits only, no thousands separator)"),
        "granted": _("Amount granted in euros (digits only, at most the budget)"),
        "project": _("The project (rich text)"),
        "expected_results": _("Expected results, one per item (rich text)"),
        "activities": _("Main activities, one per item (rich text)"),
        "slug": _("Name of the fact sheet file (optional, default from the file name)"),
        "order": _("Position in the brochure (optional, default from the file name)"),
        "photo": _("Photo (optional): file, alternative text, credit"),
        "file": _("Photo file, relative to the content folder"),
        "alt": _("What the photo shows, read aloud to blind readers"),
        "credit": _("Photo credit (optional)"),
        # The publisher's identity, on the covers (all optional).
        "publisher_of": _(
            "Words between « Une publication » and the publisher's name (du, de la, de l'),"
            " when the rule cannot tell"
        ),
        "logo": _("Logo file, PNG or JPEG, relative to the content folder (optional)"),
        "date": _("Date of publication shown on the cover, e.g. 2017 or juin 2017 (optional)"),
        "cover": _("Cover picture (optional): file, alternative text, credit"),
        "supporters_label": _("Replaces « Avec le soutien de » on the back cover (optional)"),
        "supporters": _("Partners and funders on the back cover: name, and logo file (optional)"),
        "name": _("Name of the organisation"),
        "contacts": _("Publisher's contacts on the back cover: address, website, email, phone"),
        "address": _("Postal address: one line, or a list of lines"),
        "website": _("Website, e.g. www.example.org"),
        "email": _("E-mail address"),
        "phone": _("Phone number"),
        "credits": _("Credits on the back cover: design, photos (text or lines)"),
        "legal": _("Legal notice on the back cover: printer, dépôt légal, ISBN (text or lines)"),
        "keywords": _("Keywords of the documents (optional; default: title, publisher, countries)"),
        "glossary": _("Acronyms and their meaning, one per line (OSC: organisations …)"),
    }


def json_schema(kind: str) -> dict[str, Any]:
    """Return the JSON Schema of a programme or an action file."""
    schema = record_schema(SCHEMAS[kind])
    if kind == "action":
        countries = schema["properties"]["countries"]["anyOf"][0]["items"]
        codes = sorted(geo.country_codes())
        countries["enum"] = codes + [code.lower() for code in codes]  # the loader takes both
    described = _descriptions()
    for part in [schema, *schema.get("$defs", {}).values()]:
        for name, prop in part.get("properties", {}).items():
            if name in described:
                prop["description"] = described[name]
    return {"$schema": DIALECT, **schema}


def schema_text(kind: str) -> str:
    """Return the schema as the file `cfsi-reports schema` writes (same bytes every run)."""
    return json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n"
