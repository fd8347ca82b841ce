"""The JSON Schema of the content files, generated from the content model.

An editor with a YAML extension reads it (`# yaml-language-server: $schema=…` at the
top of a file) to complete keys and flag mistakes while typing. It checks what JSON
Schema can express: known keys, required fields, types, country codes, slugs.
"""

from __future__ import annotations

import json
from typing import Any

from .model import Action, Programme, _country_codes

SCHEMAS = {"programme": Programme, "action": Action}
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def json_schema(kind: str) -> dict[str, Any]:
    """Return the JSON Schema of a programme or an action file."""
    schema = SCHEMAS[kind].model_json_schema(mode="validation")
    if kind == "action":
        countries = schema["properties"]["countries"]["anyOf"][0]["items"]
        codes = sorted(_country_codes())
        countries["enum"] = codes + [code.lower() for code in codes]  # the loader takes both
    return {"$schema": DIALECT, **schema}


def schema_text(kind: str) -> str:
    """Return the schema as the file `cfsi-reports schema` writes (same bytes every run)."""
    return json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n"
