"""Read a content folder into the model, collecting every problem of every file."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import ContentError, Problem, field_name
from . import yamlsafe
from .model import SLUG, Action, Content, Programme

MAX_FILE_BYTES = 1_000_000
MAX_ACTIONS = 5_000
MAX_PHOTO_BYTES = 30_000_000
MAX_PHOTO_PIXELS = 60_000_000
PHOTO_FORMATS = {"JPEG", "PNG"}

M = TypeVar("M", bound=BaseModel)
_PREFIX = re.compile(r"^(\d+)[-_. ]*(.*)$")


def load_content(root: Path) -> Content:
    """Load and validate `root`; raise ContentError listing every problem."""
    root = Path(root)
    if not root.is_dir():
        raise ContentError([Problem(str(root), 0, "", "content folder not found")])
    base = root.resolve()
    problems: list[Problem] = []
    programme = _load(base, base / "programme.yaml", Programme, problems)

    actions_dir = base / "actions"
    files = (
        sorted(p for p in actions_dir.glob("*.y*ml") if not p.name.startswith("."))
        if actions_dir.is_dir()
        else []
    )
    if not files:
        problems.append(
            Problem("actions/", 0, "", "no action files (expected actions/NN-name.yaml)")
        )
    if len(files) > MAX_ACTIONS:
        problems.append(
            Problem("actions/", 0, "", f"{len(files)} action files (at most {MAX_ACTIONS})")
        )
        files = []
    actions = [a for f in files if (a := _load(base, f, Action, problems)) is not None]
    actions = _defaults(actions, problems)
    for action in actions:
        _check_photo(base, action, problems)
    if problems:
        raise ContentError(problems)
    assert programme is not None
    actions.sort(key=lambda a: (a.order, a.file))
    return Content(root=base, programme=programme, actions=tuple(actions))


def _load(base: Path, path: Path, model: type[M], problems: list[Problem]) -> M | None:
    rel = path.relative_to(base).as_posix()
    located = _parse(base, path, rel, problems)
    if located is None:
        return None
    if not isinstance(located.data, dict):
        problems.append(
            Problem(rel, 1, "", "expected fields such as 'title: ...' at the top level")
        )
        return None
    try:
        obj = model.model_validate(located.data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            problems.append(
                Problem(rel, located.line_of(loc), field_name(loc), _message(err, model, loc))
            )
        return None
    obj._file = rel  # type: ignore[attr-defined]
    obj._lines = located.lines  # type: ignore[attr-defined]
    return obj


def _parse(base: Path, path: Path, rel: str, problems: list[Problem]) -> yamlsafe.Located | None:
    if not path.exists():
        problems.append(Problem(rel, 0, "", "file not found"))
        return None
    real = path.resolve()
    if not real.is_relative_to(base):
        problems.append(Problem(rel, 0, "", "is a link to a file outside the content folder"))
        return None
    if not real.is_file():
        problems.append(Problem(rel, 0, "", "is not a regular file"))
        return None
    size = real.stat().st_size
    if size > MAX_FILE_BYTES:
        problems.append(
            Problem(rel, 0, "", f"is {size / 1e6:.1f} MB (content files are at most 1 MB)")
        )
        return None
    try:
        raw = real.read_bytes()
    except OSError as exc:
        problems.append(Problem(rel, 0, "", f"cannot be read ({exc.strerror})"))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(
            Problem(
                rel,
                line,
                "",
                f"is not UTF-8 (byte 0x{raw[exc.start]:02X}); save the file as UTF-8",
            )
        )
        return None
    try:
        return yamlsafe.parse(text)
    except yamlsafe.YamlError as exc:
        problems.append(Problem(rel, exc.line, field_name(exc.path), exc.message))
        return None


_MESSAGES = {
    "missing": "is missing (required)",
    "string_type": "expected text",
    "list_type": "expected a list (one '- ' item per line)",
    "model_type": "expected fields (key: value lines)",
    "model_attributes_type": "expected fields (key: value lines)",
    "dict_type": "expected fields (key: value lines)",
    "too_short": "is empty (at least one item expected)",
    "int_parsing": "expected a whole number",
    "int_type": "expected a whole number",
    "int_from_float": "expected a whole number",
    "greater_than": "must be greater than {gt}",
    "less_than_equal": "must be at most {le}",
}


def _message(err: dict[str, Any], model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    kind = err["type"]
    given = err.get("input")
    if kind == "extra_forbidden":
        known = ", ".join(_fields_at(model, loc[:-1]))
        return f"unknown field (a typo? expected one of: {known})"
    if kind == "value_error":
        return str(err["msg"]).removeprefix("Value error, ")
    template = _MESSAGES.get(kind)
    if template is None:
        return str(err["msg"])
    text = template.format(**(err.get("ctx") or {}))
    if kind in ("int_parsing", "int_type", "int_from_float", "string_type") and given is not None:
        text = f"{given!r}: {text}"
    return text


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    current: Any = model
    for part in loc:
        if isinstance(part, int) or not hasattr(current, "model_fields"):
            continue
        info = current.model_fields.get(part)
        if info is None:
            break
        current = _model_in(info.annotation)
    return list(getattr(current, "model_fields", {}))


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def file_slug(path: Path) -> str:
    """Return the slug a file name gives: `02-Maraîchage.yaml` gives `maraichage`."""
    match = _PREFIX.match(path.stem)
    return _slugify(match.group(2) if match and match.group(2) else path.stem)


def _defaults(actions: list[Action], problems: list[Problem]) -> list[Action]:
    """Fill slug and order from the file name, then check slugs are unique."""
    out: list[Action] = []
    seen: dict[str, Action] = {}
    for action in actions:
        match = _PREFIX.match(Path(action.file).stem)
        prefix = int(match.group(1)) if match else None
        updates: dict[str, Any] = {}
        if action.slug is None:
            slug = file_slug(Path(action.file))
            if not SLUG.match(slug):
                problems.append(
                    Problem(action.file, 1, "slug", "the file name gives no slug (add 'slug: ...')")
                )
                continue
            updates["slug"] = slug
        if action.order is None:
            updates["order"] = prefix if prefix is not None else 0
        if updates:
            copy = action.model_copy(update=updates)
            copy._file, copy._lines = action._file, action._lines
            action = copy
        other = seen.get(action.key)
        if other is not None:
            problems.append(
                Problem(
                    action.file,
                    action.line("slug"),
                    "slug",
                    f"{action.key!r} is also the slug of {other.file} (slugs must be unique)",
                )
            )
            continue
        seen[action.key] = action
        out.append(action)
    return out


def _check_photo(base: Path, action: Action, problems: list[Problem]) -> None:
    if action.photo is None:
        return
    where = (action.file, action.line("photo", "file"), "photo.file")
    name = action.photo.file
    candidate = (base / name).resolve()
    if Path(name).is_absolute() or not candidate.is_relative_to(base):
        problems.append(Problem(*where, f"{name!r} is outside the content folder"))
        return
    if not candidate.is_file():
        problems.append(Problem(*where, f"{name!r} not found (relative to the content folder)"))
        return
    size = candidate.stat().st_size
    if size > MAX_PHOTO_BYTES:
        problems.append(Problem(*where, f"{name!r} is {size / 1e6:.0f} MB (at most 30 MB)"))
        return
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(candidate) as image:
            kind, pixels = image.format, image.width * image.height
            image.verify()
        if pixels <= MAX_PHOTO_PIXELS:
            # verify() reads no pixel data: decode it (JPEG at 1/8 scale) to find truncation.
            with Image.open(candidate) as image:
                image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
                image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        problems.append(Problem(*where, f"{name!r} is not a readable image ({exc})"))
        return
    except Image.DecompressionBombError:
        kind, pixels = None, MAX_PHOTO_PIXELS + 1
    if kind not in PHOTO_FORMATS:
        problems.append(Problem(*where, f"{name!r} is {kind}, expected a JPEG or PNG photo"))
    elif pixels > MAX_PHOTO_PIXELS:
        problems.append(Problem(*where, f"{name!r} has too many pixels (at most 60 megapixels)"))
    else:
        action._photo_path = candidate
