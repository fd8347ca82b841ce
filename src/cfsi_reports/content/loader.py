"""Read a content folder into the model, collecting every problem of every file."""

from __future__ import annotations

import difflib
import errno
import io
import os
import re
import stat
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from ..errors import ContentError, Problem, field_name
from ..messages import _, number, reason
from ..records import Mistake, Record, declared, read, record_at, record_in
from . import yamlsafe
from .model import FIELD_NAMES, SLUG, Action, Content, Programme
from .repair import repair

MAX_FILE_BYTES = 1_000_000
MAX_TOTAL_BYTES = 4_000_000  # all content files together (the seed's are 36 KB)
MAX_ACTIONS = 5_000
MAX_PHOTO_BYTES = 30_000_000
MAX_PHOTO_PIXELS = 60_000_000
PHOTO_FORMATS = {"JPEG", "PNG"}

M = TypeVar("M", bound=Record)
_PREFIX = re.compile(r"^(\d+)[-_. ]*(.*)$")


def load_content(root: Path, overrides: Mapping[str, str] | None = None) -> Content:
    """Load and validate `root`; raise ContentError listing every problem.

    `overrides` gives the text of some files (by their path in `root`) instead of what is
    on disk: `import` without --write checks each sheet against the edits before it."""
    root = Path(root)
    if not root.is_dir():
        raise ContentError([Problem(str(root), 0, "", _("content folder not found"))])
    base = root.resolve()
    problems: list[Problem] = []
    overrides = overrides or {}
    programme = _load(base, base / "programme.yaml", Programme, problems, None, overrides)

    actions_dir = base / "actions"
    files = (
        sorted(p for p in actions_dir.glob("*.y*ml") if not p.name.startswith("."))
        if actions_dir.is_dir()
        else []
    )
    if not files:
        problems.append(
            Problem("actions/", 0, "", _("no action files (expected actions/NN-name.yaml)"))
        )
    if len(files) > MAX_ACTIONS:
        problems.append(
            Problem(
                "actions/",
                0,
                "",
                _("{n} action files (at most {most})").format(n=len(files), most=MAX_ACTIONS),
            )
        )
        files = []
    # Files over the limit of one file are reported as such, not counted here.
    total = sum(s for p in files if (s := _size(p)) <= MAX_FILE_BYTES)
    if total > MAX_TOTAL_BYTES:
        problems.append(
            Problem(
                "actions/",
                0,
                "",
                _(
                    "the action files add up to {size:.1f} MB (at most {most:.0f} MB together)"
                ).format(size=number(total / 1e6), most=MAX_TOTAL_BYTES / 1e6),
            )
        )
        files = []
    claims: dict[str, tuple[str, int, bool]] = {}  # files that did not read well: their slug
    loaded = (_load(base, f, Action, problems, claims, overrides) for f in files)
    actions = [a for a in loaded if a is not None]
    actions = _defaults(actions, problems, claims)
    for action in actions:
        _check_photo(base, action, problems)
    if programme is not None:
        _check_pictures(base, programme, problems)
    if problems:
        raise ContentError(problems)
    assert programme is not None
    actions.sort(key=lambda a: (a.order, a.file))
    return Content(root=base, programme=programme, actions=tuple(actions))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _load(
    base: Path,
    path: Path,
    model: type[M],
    problems: list[Problem],
    claims: dict[str, tuple[str, int, bool]] | None = None,
    overrides: Mapping[str, str] | None = None,
) -> M | None:
    """Read one file; when it does not read well, record in `claims` the slug it still
    claims, so that a slug given twice is reported with the file's other mistakes."""
    rel = path.relative_to(base).as_posix()
    located = _parse(base, path, rel, problems, overrides or {})
    if located is None:
        return None
    if located.data is None:
        how = _("`cfsi-reports new` writes one to fill in") if model is Action else ""
        problems.append(
            Problem(rel, 1, "", _("the file is empty{how}").format(how=f" ({how})" if how else ""))
        )
        return None
    if not isinstance(located.data, dict):
        problems.append(
            Problem(rel, 1, "", _("expected fields such as 'title: ...' at the top level"))
        )
        return None
    obj, found = read(model, located.data)
    if obj is None:
        problems += _explain(rel, located, model, found.mistakes)
        slug = located.data.get("slug", file_slug(path))
        if claims is not None and isinstance(slug, str) and SLUG.match(slug):
            claims[rel] = (slug, located.line_of(("slug",)), "slug" in located.data)
        return None
    obj._file = rel  # type: ignore[attr-defined]
    obj._lines = located.lines  # type: ignore[attr-defined]
    return obj


def _parse(
    base: Path, path: Path, rel: str, problems: list[Problem], overrides: Mapping[str, str]
) -> yamlsafe.Located | None:
    if rel in overrides:
        return _check_text(rel, overrides[rel], problems)
    if not path.exists():
        problems.append(Problem(rel, 0, "", _("file not found")))
        return None
    real = path.resolve()
    if not real.is_relative_to(base):
        problems.append(Problem(rel, 0, "", _("is a link to a file outside the content folder")))
        return None
    if not real.is_file():
        problems.append(Problem(rel, 0, "", _("is not a regular file")))
        return None
    size = real.stat().st_size
    if size > MAX_FILE_BYTES:
        problems.append(
            Problem(
                rel,
                0,
                "",
                _("is {size:.1f} MB (content files are at most 1 MB)").format(
                    size=number(size / 1e6)
                ),
            )
        )
        return None
    try:
        raw = read_inside(base, real, MAX_FILE_BYTES)
    except OSError as exc:
        problems.append(
            Problem(rel, 0, "", _("cannot be read ({reason})").format(reason=reason(exc)))
        )
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
                _("is not UTF-8 (byte 0x{byte:02X}); save the file as UTF-8").format(
                    byte=raw[exc.start]
                ),
            )
        )
        return None
    return _check_text(rel, text, problems)


def _check_text(rel: str, text: str, problems: list[Problem]) -> yamlsafe.Located | None:
    fixed = repair(text, FIELD_NAMES)
    if fixed.tabs:
        problems.append(
            _on_lines(
                rel,
                fixed.text,
                fixed.tabs,
                _("indented with tabs: tabs cannot indent YAML, use spaces"),
                _("`cfsi-reports fix` replaces them"),
            )
        )
    if fixed.quoted:
        problems.append(
            _on_lines(
                rel,
                fixed.text,
                fixed.quoted,
                _(
                    "a text containing ': ' must be put in quotes for YAML,"
                    ' e.g. "Atelier : échanges"'
                ),
                _("`cfsi-reports fix` adds the quotes"),
            )
        )
    if fixed.spaced:
        problems.append(
            _on_lines(
                rel,
                fixed.text,
                fixed.spaced,
                _(
                    "a space is missing between a field name and its value,"
                    " e.g. 'title: Échangeons'"
                ),
                _("`cfsi-reports fix` adds it"),
            )
        )
    for exc in [*fixed.requoted, *(fixed.located.twice if fixed.located else ())]:
        problems.append(Problem(rel, exc.line, field_name(exc.path), exc.message))
    if fixed.error is not None:
        exc = fixed.error
        problems.append(Problem(rel, exc.line, field_name(exc.path), exc.message))
        return None
    return fixed.located


def _on_lines(rel: str, text: str, lines: list[int], message: str, hint: str) -> Problem:
    """One problem for a mistake repeated on several lines, naming all of them."""
    fields = {field_name(yamlsafe.path_at(text, line)) for line in lines}
    name = fields.pop() if len(fields) == 1 else ""
    where = _("lines {lines}; ").format(lines=spans(lines)) if len(lines) > 1 else ""
    return Problem(rel, lines[0], name, f"{message} ({where}{hint})")


def spans(numbers: list[int]) -> str:
    """Write 3, 4, 5, 9 as `3-5, 9`."""
    out: list[str] = []
    ordered = sorted(set(numbers))
    start = prev = ordered[0]
    for n in [*ordered[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        out.append(str(start) if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(out)


_MESSAGES = {
    "missing": _("is missing (required)"),
    "string_type": _("expected text"),
    "list_type": _("expected a list (one '- ' item per line)"),
    "dict_type": _("expected fields (key: value lines)"),
    "too_short": _("is empty (at least one item expected)"),
    "too_long": _("has {actual_length} items (at most {max_length})"),
    "int_parsing": _("expected a whole number"),
    "greater_than": _("must be greater than {gt}"),
    "less_than_equal": _("must be at most {le}"),
}


# Keys written in French, or the way the brochure labels them, and the field they mean.
_FRENCH_KEYS = {
    "titre": "title", "sous_titre": "subtitle", "editeur": "publisher", "langue": "language",
    "introduction": "intro", "region": "regions", "pays": "countries", "porteur": "lead",
    "porteur_du_projet": "lead", "partenaires": "partners", "partenaire": "partners",
    "lieux": "locations", "lieu": "locations", "localisation": "locations",
    "localisations": "locations", "beneficiaires": "beneficiaries", "duree": "duration_months",
    "duree_mois": "duration_months", "duration": "duration_months", "mois": "duration_months",
    "financement": "funding", "subvention": "granted", "montant_accorde": "granted",
    "accorde": "granted", "projet": "project", "le_projet": "project",
    "resultats": "expected_results", "resultats_attendus": "expected_results",
    "results": "expected_results", "activites": "activities",
    "principales_activites": "activities", "fichier": "file", "legende": "credit",
    "texte_alternatif": "alt", "ordre": "order", "directs": "direct", "indirects": "indirect",
}  # fmt: skip


def did_you_mean(key: str, known: list[str]) -> str | None:
    """Return the field a misspelt or French key most likely means, if one is close."""
    plain = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode()
    plain = re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")
    alias = _FRENCH_KEYS.get(plain)
    if alias in known:
        return alias
    close = difflib.get_close_matches(plain, known, n=1, cutoff=0.7)
    return close[0] if close else None


def _explain(
    rel: str, located: yamlsafe.Located, model: type[Record], mistakes: list[Mistake]
) -> list[Problem]:
    """Turn the mistakes a reading found into one message per mistake."""
    meant: set[tuple[Any, ...]] = set()
    moved: set[tuple[Any, ...]] = set()
    found: list[tuple[tuple[Any, ...], str]] = []
    missing: set[tuple[Any, ...]] = set()
    for loc, kind, context in mistakes:
        if kind == "extra_forbidden":
            parent, key = loc[:-1], str(loc[-1])
            known = _fields_at(model, parent)
            guess = did_you_mean(key, known)
            home = None if guess else _belongs_in(model, parent, key)
            if guess:
                meant.add((*parent, guess))
                text = _("unknown field: did you mean '{field}'?").format(field=guess)
            elif home:
                moved.add((*parent, home))
                text = _(
                    "'{key}' belongs inside '{home}': indent it under '{home}:' like the"
                    " other fields of '{home}'"
                ).format(key=key, home=home)
            else:
                text = _("unknown field (expected one of: {known})").format(known=", ".join(known))
            found.append((loc, text))
            continue
        if kind == "missing":
            missing.add(loc)
        found.append((loc, message(kind, context, model, loc)))
    # The key a typo meant is not missing too; the fields of a group whose keys were
    # indented too little are reported once, as that.
    kept = [
        (loc, text)
        for loc, text in found
        if not (loc in meant and loc in missing) and not any(loc[: len(m)] == m for m in moved)
    ]
    return _grouped(rel, located, kept)


def _belongs_in(model: type[Record], parent: tuple[Any, ...], key: str) -> str | None:
    """Return the sub-group of `parent` that has a field `key` (a key indented too little)."""
    current = record_at(model, parent)
    for name, (note, _default) in declared(current).items() if current else ():
        inner = record_in(note)
        if inner is not None and key in declared(inner):
            return name
    return None


def _grouped(
    rel: str, located: yamlsafe.Located, found: list[tuple[tuple[Any, ...], str]]
) -> list[Problem]:
    """Report a mistake repeated on several items of a list once, with its lines."""
    groups: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
    for loc, text in found:
        shape = tuple(None if isinstance(part, int) else part for part in loc)
        groups.setdefault((shape, text), []).append(loc)
    out: list[Problem] = []
    for (shape, text), locs in groups.items():
        lines = [located.line_of(loc) for loc in locs]
        if len(locs) == 1 or None not in shape:
            out += [
                Problem(rel, ln, field_name(loc), text) for loc, ln in zip(locs, lines, strict=True)
            ]
            continue
        at = shape.index(None)
        items = spans([loc[at] + 1 for loc in locs])
        name = field_name(shape[:at]) + f"[{items}]" + field_name(locs[0][at + 1 :])
        detail = _("the same on lines {lines}").format(lines=spans(lines))
        out.append(Problem(rel, min(lines), name, f"{text} ({detail})"))
    return out


def message(kind: str, context: dict[str, Any], model: type[Record], loc: tuple[Any, ...]) -> str:
    """Return the message of a mistake a reading found in a content file."""
    given = context.get("input")
    if kind == "value_error":
        return str(context["message"])
    if kind == "extra_forbidden":  # _explain says more (did you mean...?)
        known = ", ".join(_fields_at(model, loc[:-1]))
        return _("unknown field (expected one of: {known})").format(known=known)
    if kind == "dict_type":
        fields = _fields_at(model, loc)
        if fields:
            return _(
                "expected fields on the lines under it, indented, such as {first}: ..."
                " (its fields: {fields})"
            ).format(first=fields[0], fields=", ".join(fields))
    text = _MESSAGES[kind].format(**context)
    if kind in ("int_parsing", "string_type") and given is not None:
        text = _("{given!r}: {message}").format(given=given, message=text)
    return text


def _fields_at(model: type[Record], loc: tuple[Any, ...]) -> list[str]:
    current = record_at(model, loc)
    return list(declared(current)) if current else []


# Latin letters that do not decompose into an ASCII letter and accents.
_LATIN = str.maketrans(
    {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "ø": "o", "Ø": "O", "ł": "l",
     "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH", "ı": "i"}
)  # fmt: skip


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_LATIN))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def foreign_letters(text: str) -> list[str]:
    """Return the letters and digits of `text` that have no ASCII spelling (Cyrillic, say)."""
    return [ch for ch in dict.fromkeys(_ascii(text)) if not ch.isascii() and ch.isalnum()]


def _slugify(text: str) -> str:
    ascii_text = _ascii(text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def file_slug(path: Path) -> str:
    """Return the slug a file name gives: `02-Maraîchage.yaml` gives `maraichage`."""
    match = _PREFIX.match(path.stem)
    return _slugify(match.group(2) if match and match.group(2) else path.stem)


def _defaults(
    actions: list[Action], problems: list[Problem], claims: dict[str, tuple[str, int, bool]]
) -> list[Action]:
    """Fill slug and order from the file name, then check slugs are unique (among the files
    that read well and the slugs the others claim, in the order of the files)."""
    out: list[Action] = []
    seen: dict[str, str] = {}  # slug -> the first file that has it
    entries = sorted([(a.file, a) for a in actions] + list(claims.items()), key=lambda e: e[0])
    for file, action in entries:
        if isinstance(action, tuple):
            slug, line, given = action
            if slug in seen:
                problems.append(_twice(file, line, slug, seen[slug], given))
            seen.setdefault(slug, file)
            continue
        match = _PREFIX.match(Path(action.file).stem)
        prefix = int(match.group(1)) if match else None
        updates: dict[str, Any] = {}
        if action.slug is None:
            foreign = foreign_letters(Path(action.file).stem)
            if foreign:
                names = ", ".join(
                    f"{ch!r} (U+{ord(ch):04X} {unicodedata.name(ch, '?')})" for ch in foreign[:3]
                )
                problems.append(
                    Problem(
                        action.file,
                        1,
                        "slug",
                        _(
                            "the file name has letters a slug cannot spell: {letters} (rename"
                            " the file with Latin letters, or add 'slug: ...')"
                        ).format(letters=names),
                    )
                )
                continue
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
            action = action.replace(**updates)
        other = seen.get(action.key)
        if other is not None:
            problems.append(
                _twice(file, action.line("slug"), action.key, other, "slug" not in updates)
            )
            continue
        seen[action.key] = file
        out.append(action)
    return out


def _twice(file: str, line: int, slug: str, other: str, given: bool) -> Problem:
    """The problem of a file whose slug (`given` in it, or from its name) another file has."""
    how = (
        _("if this file is a copy, delete its 'slug:' line: the slug then comes from the file name")
        if given
        else _("rename one of the files")
    )
    return Problem(
        file,
        line,
        "slug",
        _("{slug!r} is also the slug of {other} (slugs must be unique: {how})").format(
            slug=slug, other=other, how=how
        ),
    )


def _check_photo(base: Path, action: Action, problems: list[Problem]) -> None:
    """Read the photo once, check those bytes: the documents print exactly them."""
    if action.photo is None:
        return
    where = (action.file, action.line("photo", "file"), "photo.file")
    found = _check_image(base, action.photo.file, where, problems)
    if found is not None:
        action._photo_path, action._photo_bytes = found


def _check_pictures(base: Path, programme: Programme, problems: list[Problem]) -> None:
    """Check the programme's logo, cover picture and supporters' logos; keep their paths."""
    wanted: list[tuple[str, tuple[str | int, ...], str]] = []
    if programme.logo:
        wanted.append(("logo", ("logo",), programme.logo))
    if programme.cover is not None:
        wanted.append(("cover", ("cover", "file"), programme.cover.file))
    for i, supporter in enumerate(programme.supporters or ()):
        if supporter.logo:
            wanted.append((f"supporters.{i}.logo", ("supporters", i, "logo"), supporter.logo))
    for key, path, name in wanted:
        where = (programme._file, programme.line(*path), field_name(path))
        found = _check_image(base, name, where, problems)
        if found is not None:
            programme._pictures[key] = found[1]


def _check_image(
    base: Path, name: str, where: tuple[str, int, str], problems: list[Problem]
) -> tuple[Path, bytes] | None:
    """Return the path and bytes of a JPEG or PNG file inside `base`, or None with a problem."""
    candidate = (base / name).resolve()
    if Path(name).is_absolute() or not candidate.is_relative_to(base):
        problems.append(
            Problem(*where, _("{name!r} is outside the content folder").format(name=name))
        )
        return None
    data = _read_photo(base, candidate, name, problems, where)
    if data is None:
        return None
    from PIL import Image, UnidentifiedImageError

    kind, pixels = None, 0
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, pixels = image.format, image.width * image.height
            image.verify()
        if pixels <= MAX_PHOTO_PIXELS:
            # verify() reads no pixel data: decode it (JPEG at 1/8 scale) to find truncation.
            with Image.open(io.BytesIO(data)) as image:
                image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
                image.load()
    except Image.DecompressionBombError:
        pixels = MAX_PHOTO_PIXELS + 1
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        message = _("{name!r} is not a readable image ({reason})")
        problems.append(Problem(*where, message.format(name=name, reason=exc)))
        return None
    if pixels > MAX_PHOTO_PIXELS:
        message = _("{name!r} has too many pixels (at most 60 megapixels)")
        problems.append(Problem(*where, message.format(name=name)))
    elif kind not in PHOTO_FORMATS:
        message = _("{name!r} is {kind}, expected a JPEG or PNG photo")
        problems.append(Problem(*where, message.format(name=name, kind=kind)))
    else:
        return candidate, data
    return None


def _read_photo(
    base: Path, path: Path, name: str, problems: list[Problem], where: tuple[str, int, str]
) -> bytes | None:
    """Return the photo's bytes, or None with the problem added."""
    try:
        return read_inside(base, path, MAX_PHOTO_BYTES)
    except FileNotFoundError:
        message = _("{name!r} not found (relative to the content folder)")
    except OSError as exc:
        message = {
            errno.EINVAL: _("{name!r} is not a regular file (expected a photo)"),
            errno.EXDEV: _("{name!r} is outside the content folder"),
            errno.EFBIG: _("{name!r} is larger than 30 MB"),
        }.get(exc.errno or 0, _("{name!r} cannot be read ({reason})"))
        problems.append(Problem(*where, message.format(name=name, reason=reason(exc))))
        return None
    problems.append(Problem(*where, message.format(name=name)))
    return None


def read_inside(base: Path, path: Path, limit: int) -> bytes:
    """Return the bytes of the regular file `path`, read once, never through a link.

    A file swapped meanwhile for a link (to a file outside `base`), a FIFO or a device is
    refused (OSError: ELOOP, EXDEV, EINVAL), as is one over `limit` bytes (EFBIG).
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC
    fd = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        proc = Path(f"/proc/self/fd/{fd}")
        real = Path(os.readlink(proc)) if proc.parent.is_dir() else path
        if not real.is_relative_to(base):
            raise OSError(errno.EXDEV, "outside the content folder")
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(limit + 1)
        if len(data) > limit:
            raise OSError(errno.EFBIG, f"larger than {limit} bytes")
        return data
    finally:
        os.close(fd)
