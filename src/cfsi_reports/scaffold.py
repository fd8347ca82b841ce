"""`cfsi-reports new SLUG`: a new action file with every field, commented in French."""

from __future__ import annotations

import re
from pathlib import Path

from .content import yamlsafe
from .content.loader import file_slug
from .content.model import MAX_SLUG, SLUG
from .errors import UsageError
from .output import write_atomic
from .theme import DEFAULTS_DIR

# The action template of each language, commented for the people who fill it in.
TEMPLATES = DEFAULTS_DIR / "templates"


def _declared_slug(path: Path) -> str | None:
    """Return the `slug:` an action file declares, read as the loader reads it."""
    try:
        data = yamlsafe.parse(path.read_text(encoding="utf-8-sig")).data
    except (OSError, UnicodeDecodeError, yamlsafe.YamlError):
        return None
    return data.get("slug") if isinstance(data, dict) else None


def new_action(content_dir: Path, slug: str, language: str = "fr") -> Path:
    """Write `actions/NN-slug.yaml` with the next free number; return its path."""
    if not SLUG.match(slug) or len(slug) > MAX_SLUG:
        raise UsageError(
            f"{slug!r} is not a valid slug (lowercase letters, digits and hyphens, e.g. maraichage)"
        )
    actions = content_dir / "actions"
    if not content_dir.is_dir():
        raise UsageError(f"content folder {content_dir} not found")
    existing = sorted(actions.glob("*.y*ml")) if actions.is_dir() else []
    numbers = [int(m.group(1)) for p in existing if (m := re.match(r"^(\d+)", p.name))]
    for path in existing:
        if _declared_slug(path) == slug or file_slug(path) == slug:
            raise UsageError(f"an action with the slug {slug!r} already exists: {path}")
    number = max(numbers, default=0) + 1
    width = max(2, len(str(number)))
    target = actions / f"{number:0{width}d}-{slug}.yaml"
    template = TEMPLATES / f"action.{language.split('-')[0]}.yaml"
    if not template.is_file():
        template = TEMPLATES / "action.fr.yaml"
    text = template.read_text(encoding="utf-8").replace("{slug}", slug)
    write_atomic(target, text.encode("utf-8"))
    return target
