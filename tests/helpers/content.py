"""One builder of content folders for the tests: a minimal valid action, written as YAML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

PROGRAMME: dict[str, Any] = {
    "title": "Programme d'essai",
    "publisher": "CFSI",
    "intro": "Introduction.",
}


def action(title: str, **fields: Any) -> dict[str, Any]:
    """Return the fields of a valid action with only the required ones, `fields` over them."""
    data: dict[str, Any] = {
        "title": title,
        "lead": "Porteur du test",
        "partners": ["Partenaire unique"],
        "locations": ["Lieu unique"],
        "beneficiaries": {"direct": "12 personnes"},
        "duration_months": 12,
        "funding": {"budget": 12000, "granted": 6000},
        "project": "Un projet court.",
        "expected_results": ["Un résultat."],
        "activities": ["Une activité."],
    }
    data.update(fields)
    return data


def dump(data: Any) -> str:
    """Return data as YAML the way a person writes it: keys in order, long lines kept."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)


def write_content(
    root: Path, actions: list[dict[str, Any]], programme: dict[str, Any] | None = None
) -> Path:
    """Write `programme.yaml` and `actions/NN-action-N.yaml` under `root` (replacing any)."""
    (root / "actions").mkdir(parents=True, exist_ok=True)
    for old in (root / "actions").glob("*.yaml"):
        old.unlink()
    (root / "programme.yaml").write_text(dump(programme or PROGRAMME), encoding="utf-8")
    for i, data in enumerate(actions, 1):
        (root / "actions" / f"{i:02d}-action-{i}.yaml").write_text(dump(data), encoding="utf-8")
    return root
