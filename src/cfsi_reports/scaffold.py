"""`cfsi-reports new SLUG`: a new action file with every field, commented in French."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .content import yamlsafe
from .content.loader import file_slug
from .content.model import FIELD_NAMES, MAX_SLUG, SLUG
from .content.repair import figures, repair
from .errors import UsageError
from .messages import _, reason
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


def new_action(
    content_dir: Path, slug: str, language: str = "fr", *, explicit_slug: bool = False
) -> Path:
    """Write `actions/NN-slug.yaml` with the next free number; return its path.

    The file validates as written: optional fields are commented out, and the slug
    comes from the file name unless `explicit_slug` (a copied file then keeps working).
    """
    if not SLUG.match(slug) or len(slug) > MAX_SLUG:
        made = file_slug(Path(slug))[:MAX_SLUG].strip("-")  # « Échanges Maroc »: echanges-maroc
        raise UsageError(
            _(
                "{slug!r} is not a valid slug (lowercase letters, digits and hyphens,"
                " e.g. {example})"
            ).format(slug=slug, example=made if SLUG.match(made) else "maraichage")
        )
    actions = content_dir / "actions"
    if not content_dir.is_dir():
        raise UsageError(_("content folder {folder} not found").format(folder=content_dir))
    existing = sorted(actions.glob("*.y*ml")) if actions.is_dir() else []
    numbers = [int(m.group(1)) for p in existing if (m := re.match(r"^(\d+)", p.name))]
    for path in existing:
        if _declared_slug(path) == slug or file_slug(path) == slug:
            raise UsageError(
                _("an action with the slug {slug!r} already exists: {path}").format(
                    slug=slug, path=path
                )
            )
    number = max(numbers, default=0) + 1
    width = max(2, len(str(number)))
    target = actions / f"{number:0{width}d}-{slug}.yaml"
    write_atomic(target, action_template(slug, language, explicit_slug).encode("utf-8"))
    if not (content_dir / SCHEMA_DIR).is_dir():
        write_schemas(content_dir)  # the file's first line points editors to them
    return target


def action_template(slug: str, language: str = "fr", explicit_slug: bool = False) -> str:
    """Return the text of a new action file."""
    template = TEMPLATES / f"action.{language.split('-')[0]}.yaml"
    if not template.is_file():
        template = TEMPLATES / "action.fr.yaml"
    slug_line = f"slug: {slug}" if explicit_slug else f"# slug: {slug}"
    return (
        template.read_text(encoding="utf-8")
        .replace("{slug_line}", slug_line)
        .replace("{slug}", slug)
    )


# The schemas live in the content folder, so that `$schema=` paths are relative and work
# on any computer the folder is copied to.
SCHEMA_DIR = "schema"


def modeline(kind: str) -> str:
    """Return the first line of a content file that points editors to its schema."""
    where = f"{SCHEMA_DIR}/{kind}.schema.json"
    return f"# yaml-language-server: $schema={'../' if kind == 'action' else ''}{where}"


def write_schemas(content_dir: Path) -> list[Path]:
    """Write the JSON Schemas of the programme and action files into the content folder."""
    from .content.schema import SCHEMAS, schema_text

    if not content_dir.is_dir():
        raise UsageError(_("content folder {folder} not found").format(folder=content_dir))
    written = []
    for kind in SCHEMAS:
        path = content_dir / SCHEMA_DIR / f"{kind}.schema.json"
        path.parent.mkdir(exist_ok=True)
        write_atomic(path, schema_text(kind).encode("utf-8"))
        written.append(path)
    return written


@dataclass(frozen=True)
class Fixed:
    """What `fix` changed in one file."""

    file: str
    quoted: list[int]
    tabs: list[int]
    spaced: list[int]
    figures: list[int]  # `24 mois`, `85 000 €` written as numbers alone
    requoted: list[int]  # `title: "Mon titre` closed, `'L'école'` in double quotes


def fix_content(content_dir: Path) -> list[Fixed]:
    """Quote values with ': ', untab indentation, space `key:value`, write `24 mois` as 24,
    in every file, in place."""
    if not content_dir.is_dir():
        raise UsageError(_("content folder {folder} not found").format(folder=content_dir))
    actions = content_dir / "actions"
    files = [content_dir / "programme.yaml"]
    if actions.is_dir():
        files += sorted(p for p in actions.glob("*.y*ml") if not p.name.startswith("."))
    changed: list[Fixed] = []
    for path in files:
        try:
            raw = path.read_bytes()
            text = raw.decode("utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue  # validation names the file and what is wrong with it
        result = repair(text, FIELD_NAMES)
        fixed, numbers = figures(result.text)
        if fixed == text:
            continue
        bom = "\ufeff" if raw.startswith(b"\xef\xbb\xbf") else ""
        write_atomic(path, (bom + fixed).encode("utf-8"))
        name = path.relative_to(content_dir).as_posix()
        changed.append(
            Fixed(name, result.quoted, result.tabs, result.spaced, numbers, result.mended)
        )
    return changed


# The files of a new project, in the package: (where in the package, where in the project).
SKELETON = (
    ("cfsi.yaml", "cfsi.yaml"),
    ("content/programme.yaml", "content/programme.yaml"),
    ("content/actions/01-exemple.yaml", "content/actions/01-exemple.yaml"),
    ("gitignore", ".gitignore"),
)


def init_project(folder: Path) -> list[Path]:
    """Write a new project in `folder` (new or empty); return the files written.

    The files are written in a temporary folder, then renamed into place: an interrupted
    `init` leaves nothing half-written. An existing empty folder (`.`, the current one by any
    name) is filled in place, never removed nor replaced: a shell may be standing in it.
    """
    import shutil
    import tempfile

    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise UsageError(_("{folder} exists and is not a folder").format(folder=folder))
    if folder.is_dir() and any(folder.iterdir()):
        raise UsageError(
            _(
                "{folder} already exists and is not empty (name a new folder, or an empty one)"
            ).format(folder=folder)
        )
    existing = folder.is_dir()
    where = folder if existing else folder.absolute().parent
    if not where.is_dir():
        raise UsageError(_("{parent}: folder not found").format(parent=where))
    try:
        staging = Path(tempfile.mkdtemp(prefix=".cfsi-init.tmp-", dir=where))
    except OSError as exc:
        raise UsageError(
            _("cannot write in {parent} ({reason})").format(parent=where, reason=reason(exc))
        ) from None
    try:
        _write_skeleton(staging)
        if existing:
            for entry in sorted(staging.iterdir()):
                entry.rename(folder / entry.name)
            staging.rmdir()
        else:
            staging.chmod(0o777 & ~_umask())
            staging.rename(folder)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise UsageError(
            _("cannot create {folder} ({reason})").format(folder=folder, reason=reason(exc))
        ) from None
    schemas = [f"content/{SCHEMA_DIR}/{kind}.schema.json" for kind in ("programme", "action")]
    return [folder / target for _source, target in SKELETON] + [folder / s for s in schemas]


def _write_skeleton(staging: Path) -> None:
    """Write the example project in `staging`; its content files start with their modeline."""
    from importlib import resources

    skeleton = resources.files(__package__).joinpath("init")
    for source, target in SKELETON:
        path = staging / target
        path.parent.mkdir(parents=True, exist_ok=True)
        data = skeleton.joinpath(source).read_bytes()
        kind = {"content/programme.yaml": "programme"}.get(target)
        if kind is None and target.startswith("content/actions/"):
            kind = "action"
        if kind is not None:
            data = modeline(kind).encode("utf-8") + b"\n" + data
        path.write_bytes(data)
    (staging / "content" / "photos").mkdir()
    write_schemas(staging / "content")


def _umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask
