"""Messages the tool speaks to its user, looked up in gettext catalogues.

Every user-facing message goes through `_()`, written in English with named placeholders:
`_("{file}: not found").format(file=path)`; `ngettext()` when a count picks the form. The
catalogues are gettext `.po` files in `catalogues/`, read with Babel at first use (no compiled
`.mo` is committed or needed). The language is French when the project file says
`messages: fr`, or else when the environment does (`LANGUAGE`, `LC_ALL`, `LC_MESSAGES`, `LANG`,
in gettext's order); English otherwise. `make messages` extracts and updates the catalogues.
"""

from __future__ import annotations

import errno
import gettext
import hashlib
import io
import json
import os
import re
import string
from functools import cache
from pathlib import Path
from typing import Any

DOMAIN = "cfsi_reports"
LANGUAGES = ("en", "fr")  # English is the source language: it has no catalogue
PROJECT_FILE = "cfsi.yaml"

_chosen: str | None = None


def _(message: str) -> str:
    """Return `message` in the user's language."""
    table = _table(language())
    return table.get(message, message) if table else message


def N_(message: str) -> str:
    """Mark `message` for the catalogue; `_()` translates it where it is used."""
    return message


# Why an OS call failed, for the commonest errors: the system says it in English only.
_REASONS = {
    errno.ENOENT: N_("no such file or folder"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("operation not permitted"),
    errno.EISDIR: N_("it is a folder"),
    errno.ENOTDIR: N_("part of the path is not a folder"),
    errno.ENOSPC: N_("no space left on the disk"),
    errno.EROFS: N_("the disk is read-only"),
    errno.EEXIST: N_("it exists already"),
    errno.ELOOP: N_("it is a symbolic link, which is not followed"),
    errno.ENAMETOOLONG: N_("the name is too long"),
}


def reason(exc: OSError) -> str:
    """Return why an OS call failed, in the user's language (the system's words in English)."""
    known = _REASONS.get(exc.errno or 0)
    if known is None or language() == "en":
        return exc.strerror or str(exc)
    return _(known)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Return the singular or plural form of a message for `n`, in the user's language."""
    table = _table(language())
    forms = table.get((singular, plural)) if table else None
    if forms:
        index = _plural(language())(n)  # the catalogue's own rule (Plural-Forms)
        return forms[min(index, len(forms) - 1)]  # type: ignore[index]
    return singular if n == 1 else plural


def decimal(value: float, digits: int = 2) -> str:
    """Return a number with the user's decimal mark (a comma in French)."""
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if language() == "fr" else text


class _Number(float):
    """A number that formats (`{x:.1f}`, `{x:g}`) with the user's decimal mark."""

    def __format__(self, spec: str) -> str:
        text = super().__format__(spec)
        return text.replace(".", ",") if language() == "fr" else text


def number(value: float) -> float:
    """Return `value` to pass to a message: `_("{x:.1f} mm").format(x=number(x))` -> 3,0 mm."""
    return _Number(value)


def language() -> str:
    """Return the language of the messages: set, from the project file, or the environment."""
    global _chosen
    if _chosen is None:
        try:
            from_project = _from_project(Path.cwd())
        except OSError:  # the current folder was deleted: the command says so later
            from_project = None
        _chosen = from_project or from_environment(os.environ)
    return _chosen


def set_language(tag: str | None) -> None:
    """Choose the messages' language (`None`: decide again from the project and environment)."""
    global _chosen
    _chosen = normalise(tag) if tag else None


def normalise(tag: str) -> str:
    """Return `fr` for `fr_FR.UTF-8`, `fr-CA` or `fr`; `en` for a language without catalogue."""
    base = re.split(r"[-_.@]", tag.strip(), maxsplit=1)[0].lower()
    return base if base in LANGUAGES else "en"


def from_environment(env: os._Environ[str] | dict[str, str]) -> str:
    """Return the language gettext would pick from the environment."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            first = value.split(":")[0]
            return "en" if first in ("C", "POSIX") or first.startswith("C.") else normalise(first)
    return "en"


def find_project_file(start: Path) -> Path | None:
    """Return the nearest `cfsi.yaml` in `start` or a folder above it."""
    start = start.absolute()
    for folder in (start, *start.parents):
        candidate = folder / PROJECT_FILE
        if candidate.is_file():
            return candidate
    return None


def _from_project(start: Path) -> str | None:
    """Read `messages:` from the project file, if any; a broken file is reported later."""
    path = find_project_file(start)
    if path is None:
        return None
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    found = re.search(r"(?m)^messages:[ \t]*['\"]?([A-Za-z_-]+)", text)
    return normalise(found.group(1)) if found else None


def catalogue_path(lang: str) -> Any:
    """Return the `.po` file of a language, inside the package (a Traversable)."""
    from importlib import resources  # only when a catalogue is read: English needs none

    return resources.files(__package__).joinpath("catalogues", f"{lang}.po")


def untranslated(catalog: Any) -> list[str]:
    """Return the messages of a catalogue that have no usable translation."""
    table = _lookup(catalog)
    return [
        str(m.id)
        for m in catalog
        if m.id and (tuple(m.id) if isinstance(m.id, tuple) else m.id) not in table
    ]


def read_catalogue(source: Any, lang: str) -> Any:
    """Read a `.po` file (a path or a binary file) into a Babel catalogue."""
    from babel.messages.pofile import read_po

    if isinstance(source, str | Path):
        with open(source, "rb") as handle:
            return read_po(handle, locale=lang, domain=DOMAIN)
    return read_po(source, locale=lang, domain=DOMAIN)


@cache
def _table(lang: str) -> dict[object, object]:
    """Read a language's catalogue into a lookup table (empty for English or when unreadable)."""
    if lang == "en":
        return {}
    try:
        data = catalogue_path(lang).read_bytes()
    except OSError:  # a damaged install speaks English rather than failing
        return {}
    cached = _cache_file(lang, data)
    try:  # compiled at first use, then reused while the catalogue is the same
        pairs = json.loads(cached.read_text(encoding="utf-8")) if cached else None
        return {
            tuple(k) if isinstance(k, list) else k: tuple(v) if isinstance(v, list) else v
            for k, v in pairs
        }
    except (OSError, ValueError, TypeError):
        pass
    try:
        table = _lookup(read_catalogue(io.BytesIO(data), lang))
    except ValueError:
        return {}
    if cached:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            temporary = cached.with_suffix(f".tmp-{os.getpid()}")
            temporary.write_text(json.dumps(list(table.items()), ensure_ascii=False), "utf-8")
            temporary.replace(cached)
        except OSError:
            pass  # no cache: read the catalogue each time
    return table


def _cache_file(lang: str, data: bytes) -> Path | None:
    """Where the compiled table of a catalogue is kept (the user's cache folder)."""
    root = os.environ.get("XDG_CACHE_HOME") or (
        str(Path.home() / ".cache") if Path.home() != Path("/") else ""
    )
    if not root:
        return None
    key = hashlib.sha256(data).hexdigest()[:16]
    return Path(root) / "cfsi-reports" / f"messages-{lang}-{key}.json"


def _lookup(catalog: Any) -> dict[object, object]:
    table: dict[object, object] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple):
            forms = tuple(message.string)
            given = _fields(message.id[0]) | _fields(message.id[1])  # both are passed
            if all(forms) and all(_fields(f) <= given for f in forms):
                table[tuple(message.id)] = forms
        elif message.string and _same_fields(message.id, message.string):
            table[message.id] = message.string
    return table


def _fields(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return {"<malformed>"}


def _same_fields(source: str, translation: str) -> bool:
    """A translation must fill the same placeholders, or `.format()` would fail: else English."""
    return _fields(source) == _fields(translation)


@cache
def _plural(lang: str) -> Any:
    """Return the catalogue's plural rule: `n` -> the index of the form."""
    from babel.messages.plurals import get_plural

    return gettext.c2py(get_plural(lang).plural_expr)


if __name__ == "__main__":  # `make messages`: say what is left to translate
    import sys

    po = sys.argv[1]
    catalog = read_catalogue(po, Path(po).stem)
    missing = untranslated(catalog)
    total = sum(1 for m in catalog if m.id)
    print(f"{po}: {total} messages, {len(missing)} without a usable translation")
    for message in missing:
        print(f"  {message}")
