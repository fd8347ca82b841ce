"""`cfsi-reports import`: read edited fact sheets, merge their edits into the content.

For each sheet: open it, find its action by the slug it carries, read its fields,
then merge three ways: the values the sheet was built from (the base, inside the
sheet), the values in the content file now, and the values in the sheet. An edit on
one side only is kept; the same field edited on both sides differently is a conflict.
With `write`, the action's file is changed in place (only the changed values) after
the result has been validated; nothing is written when anything is wrong.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from lxml import etree

from .. import typography as ty
from ..content.model import Action, Content
from ..content.richtext import parse
from ..errors import ContentError, field_name
from ..i18n import Locale
from ..messages import _
from ..output import write_atomic
from ..theme import Theme
from . import revisions, yamlfile
from .fields import KINDS, FieldReader
from .package import SheetFileError, open_sheet, w
from .reader import read
from .snapshot import VERSION, base_values
from .text import plain


@dataclass(frozen=True)
class Change:
    """A field the sheet changed: its label and its value before and after, as shown."""

    path: str
    label: str
    before: Any
    after: Any
    kind: str


@dataclass(frozen=True)
class Conflict:
    """A field changed both in the sheet and in the content file, differently."""

    path: str
    label: str
    built: Any
    content: Any
    sheet: Any
    kind: str


@dataclass
class SheetResult:
    """What the import of one sheet found and did."""

    sheet: Path
    file: str | None = None  # the action's content file, relative to the content folder
    slug: str | None = None
    changes: list[Change] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    kept: list[Conflict] = field(default_factory=list)  # conflicts --take content settled
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    comments: list[tuple[str, str, str]] = field(default_factory=list)  # field, author, text
    accepted: int = 0  # paragraphs whose tracked changes were accepted
    written: bool = False
    drafted: bool = False  # a dry run's edits that --write would write

    @property
    def failed(self) -> bool:
        return bool(self.problems) or bool(self.conflicts)


@dataclass(frozen=True)
class ImportOptions:
    """What the user asked for."""

    write: bool = False
    take: str | None = None  # "sheet" or "content": who wins a conflict
    accept_changes: bool = False


def import_sheets(
    sheets: list[Path], content: Content, theme: Theme, options: ImportOptions
) -> list[SheetResult]:
    """Import each sheet in turn (a later sheet sees what an earlier one wrote; without
    --write, what it would have written: the dry run fails where --write would)."""
    from ..content import load_content

    locale = theme.locale(content.programme.language)
    results = []
    drafts: dict[str, str] = {}  # the dry run's files as --write would have left them
    for sheet in sheets:
        result = SheetResult(Path(sheet))
        _import_one(result, content, theme, locale, options, drafts)
        results.append(result)
        if result.written or result.drafted:
            content = load_content(content.root, drafts)
    return results


def _import_one(
    result: SheetResult,
    content: Content,
    theme: Theme,
    locale: Locale,
    options: ImportOptions,
    drafts: dict[str, str],
) -> None:
    try:
        package = open_sheet(result.sheet)
    except SheetFileError as exc:
        result.problems.append(str(exc))
        return
    snap = package.snapshot
    if snap is None:
        result.problems.append(
            _(
                "not a fact sheet built by cfsi-reports (it carries no sheet data; edit a sheet"
                " from output/fact-sheets/ built by this version)"
            )
        )
        return
    if snap.get("version") != VERSION or not isinstance(snap.get("values"), dict):
        result.problems.append(
            _("the sheet data is of another version ({version}); build the sheet again").format(
                version=snap.get("version")
            )
        )
        return
    slug = str(snap.get("slug"))
    result.slug = slug
    try:
        action = content.action(slug)
    except KeyError:
        result.problems.append(
            _(
                "the sheet is of the action '{slug}' (built from {file}), which is not in {root}"
                " (renamed or removed? set 'slug: {slug}' in its file)"
            ).format(slug=slug, file=snap.get("file"), root=content.root)
        )
        return
    now = base_values(action)
    foreign = _other_project(snap, content, action, now)
    if foreign is not None:  # its edits would overwrite this action's
        result.problems.append(foreign)
        return
    result.file = action.file
    fields = FieldReader(locale, snap)
    labels = {"before": _("before the title"), "place": fields.label("regions"),
              "title": fields.label("title"), "photo": fields.label("photo")}  # fmt: skip
    pending = revisions.revised_paragraphs(package.body)
    if pending and not options.accept_changes:
        owners = read(package, labels).owner
        where = list(dict.fromkeys(owners.get(p, labels["before"]) for p in pending))
        result.problems.append(
            _(
                "the sheet has tracked changes not yet accepted, in: {fields} (accept or reject"
                " them in Word, or import the text as if all were accepted with"
                " --accept-changes)"
            ).format(fields=", ".join(where))
        )
        return
    if pending:
        revisions.accept_all(package.body)
        result.accepted = len(pending)
    sheet = read(package, labels)
    result.comments = _comments(package, sheet.owner, labels["before"])
    reading = fields.read(sheet)
    result.notes.extend(reading.notes)
    result.problems.extend(reading.problems)
    if reading.problems:
        return
    _merge(result, fields, snap["values"], now, reading.values, locale, options)
    if result.failed or not result.changes:
        return
    _write(result, content, theme, action, fields, None if options.write else drafts)


def _other_project(
    snap: dict[str, Any], content: Content, action: Action, now: dict[str, Any]
) -> str | None:
    """Say why a sheet is of another project whose action has the same slug, or None.

    Both its programme's title and its action's differ (not this action renamed); or other
    partners, and at most a third of its values the action's (title, lead, places, figures,
    texts): two projects made by `init` share the programme's default title, while an action
    rewritten since in part keeps more than that, or its partners.
    """
    built, made_for, title = snap["values"], snap.get("programme"), snap["values"].get("title")
    slug, here = action.key, action.title
    if isinstance(made_for, str) and made_for != content.programme.title and title != here:
        return _(
            "the sheet is of another programme: it was built for {title!r} of {programme!r};"
            " here '{slug}' is {here!r} (import it in its own project's folder)"
        ).format(title=title, programme=made_for, slug=slug, here=here)
    compared = [k for k in now if built.get(k) is not None or now[k] is not None]
    alike = sum(built.get(k) == now.get(k) for k in compared)
    if built.get("partners") != now["partners"] and 3 * alike <= len(compared):
        return _(
            "the sheet seems to be of another project: it was built for {title!r}, whose"
            " partners and most values are not those of '{slug}' here ({here!r}); import"
            " it in its own project's folder"
        ).format(title=title, slug=slug, here=here)
    return None


# --- merge ---------------------------------------------------------------------------


def _merge(
    result: SheetResult,
    fields: FieldReader,
    base: dict[str, Any],
    current: dict[str, Any],
    sheet: dict[str, Any],
    locale: Locale,
    options: ImportOptions,
) -> None:
    for path, kind in KINDS.items():
        if path not in sheet:
            continue
        ours, built, now = sheet[path], base.get(path), current.get(path)
        if _equal(ours, built, kind) or _equal(ours, now, kind):
            continue  # the sheet did not change it, or the content already says the same
        label = fields.label(path)
        if not _equal(now, built, kind):
            conflict = Conflict(path, label, built, now, ours, kind)
            if options.take == "content":
                result.kept.append(conflict)
                continue
            if options.take != "sheet":
                result.conflicts.append(conflict)
                continue
        result.changes.append(Change(path, label, now, ours, kind))


def _equal(a: Any, b: Any, kind: str) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if kind == "amount":
        return Decimal(str(a)) == Decimal(str(b))
    if kind == "rich":
        return parse(str(a)).blocks == parse(str(b)).blocks
    if kind == "richlist":
        return [parse(str(x)).as_para for x in a] == [parse(str(x)).as_para for x in b]
    if kind == "list":
        return [" ".join(str(x).split()) for x in a] == [" ".join(str(x).split()) for x in b]
    if kind == "text":
        return " ".join(str(a).split()) == " ".join(str(b).split())
    return a == b


# --- write ---------------------------------------------------------------------------


def _write(
    result: SheetResult,
    content: Content,
    theme: Theme,
    action: Action,
    fields: FieldReader,
    drafts: dict[str, str] | None,
) -> None:
    """Change the action's file in place, checked as `validate` would; a dry run keeps the
    new text in `drafts` instead, so it says what --write would refuse."""
    path = content.root / action.file
    try:
        text = (drafts or {}).get(action.file) or path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        result.problems.append(_("{file}: cannot be read ({error})").format(file=path, error=exc))
        return
    changes = {c.path: _yaml_value(c) for c in result.changes}
    try:
        new_text = yamlfile.update(text, changes)
    except yamlfile.YamlWriteError as exc:
        result.problems.append(
            _("{file}: cannot be changed in place ({error})").format(file=action.file, error=exc)
        )
        return
    problems = _validate(content, theme, action, new_text, fields, changes)
    if problems:
        result.problems.extend(problems)
        return
    if drafts is None:
        write_atomic(path, new_text.encode("utf-8"))
        result.written = True
    else:
        drafts[action.file] = new_text
        result.drafted = True


def _yaml_value(change: Change) -> Any:
    value = change.after
    if change.kind == "amount":
        return Decimal(str(value))
    return value


def _validate(
    content: Content,
    theme: Theme,
    action: Action,
    text: str,
    fields: FieldReader,
    changes: dict[str, Any],
) -> list[str]:
    """Load the changed file as `validate` would; name the edit behind each problem."""
    from ..checks import check
    from ..content import yamlsafe
    from ..content.loader import message
    from ..content.model import Action as ActionModel
    from ..records import read as read_record

    def blame(loc: tuple[Any, ...]) -> str:
        dotted = ".".join(str(p) for p in loc if not isinstance(p, int))
        for path in sorted(changes, key=len, reverse=True):
            if dotted.startswith(path) or path.startswith(dotted):
                return fields.label(path)
        return fields.label(dotted) if dotted in KINDS else field_name(loc)

    try:
        located = yamlsafe.parse(text)
    except yamlsafe.YamlError as exc:  # pragma: no cover - ruamel wrote it
        return [
            _("{file}: the changed file would not read ({error})").format(
                file=action.file, error=exc.message
            )
        ]
    data = located.data
    # Other fields of the action (slug, order) come from the file name as the loader does.
    data_full = dict(data) if isinstance(data, dict) else {}
    data_full.setdefault("slug", action.slug)
    data_full.setdefault("order", action.order)
    new, found = read_record(ActionModel, data_full)
    if new is None:
        out = []
        for loc, kind, context in found.mistakes:
            out.append(
                _(
                    "{field}: {message} (this edit of the sheet makes {file} invalid; nothing was"
                    " written)"
                ).format(
                    field=blame(loc),
                    message=message(kind, context, ActionModel, loc),
                    file=action.file,
                )
            )
        return out
    new._file, new._lines = action._file, located.lines  # type: ignore[attr-defined]
    new._photo_path = action._photo_path  # type: ignore[attr-defined]
    # What was written must read back as what was meant (YAML 1.1 and 1.2 differ).
    back = base_values(new)
    for path, value in changes.items():
        if not _equal(back.get(path), value, KINDS[path]):
            return [
                _(
                    "{field}: the value would not read back as typed in the sheet (please"
                    " edit {file} by hand)"
                ).format(field=fields.label(path), file=action.file)
            ]
    # Nor may anything else change on the way: a field the sheet did not edit reads as before.
    besides = _changed_besides(action.dump(), new.dump(), changes)
    if besides:
        return [
            _(
                "{field}: writing the sheet's edits would change this field too, which the"
                " sheet did not edit (nothing was written; please edit {file} by hand)"
            ).format(field=fields.label(path) if path in KINDS else path, file=action.file)
            for path in besides
        ]
    others = tuple(new if a.key == action.key else a for a in content.actions)
    try:
        check(Content(content.root, content.programme, others), theme)
    except ContentError as exc:
        return [
            _("{field}: {message} (nothing was written)").format(
                field=blame(tuple(p.field.split("."))) if p.field else action.file,
                message=p.message,
            )
            for p in exc.problems
        ]
    return []


def _changed_besides(old: dict, new: dict, changes: dict[str, Any], prefix: str = "") -> list[str]:
    """Return the dotted paths outside `changes` whose values differ between two dumps."""
    out = []
    for key in sorted(set(old) | set(new)):
        path = prefix + key
        if path in changes:
            continue
        a, b = old.get(key), new.get(key)
        inside = any(c.startswith(path + ".") for c in changes)
        if inside and isinstance(a, dict) and isinstance(b, dict):
            out += _changed_besides(a, b, changes, path + ".")
        elif a != b:
            out.append(path)
    return out


# --- comments ------------------------------------------------------------------------


def _comments(package: Any, owner: dict, before: str) -> list[tuple[str, str, str]]:
    if not package.comments:
        return []
    anchors: dict[str, str] = {}
    for tag in ("commentRangeStart", "commentReference"):
        for elm in package.body.iter(w(tag)):
            comment_id = elm.get(w("id"), "")
            if comment_id in anchors:
                continue
            paragraph = _paragraph(elm)
            anchors[comment_id] = owner.get(paragraph, before) if paragraph is not None else before
    out = []
    for comment_id, (author, text) in package.comments.items():
        out.append((anchors.get(comment_id, before), author, text))
    return out


def _paragraph(elm: etree._Element) -> etree._Element | None:
    for node in (elm, *elm.iterancestors()):
        if node.tag == w("p"):
            return node
    following = elm.getnext()
    while following is not None and following.tag != w("p"):
        following = following.getnext()
    return following


# --- showing values ------------------------------------------------------------------


def describe(change: Change | Conflict, locale: Locale) -> list[str]:
    """Return the words for a change: `+ Banana Link Europe, - Banana Link` or `a → b`."""
    if isinstance(change, Change):
        before, after, kind = change.before, change.after, change.kind
    else:
        sides = [change.built, change.content, change.sheet]
        if change.kind in ("list", "richlist") and all(sides):
            # Only the items that differ: the ones all three share say nothing.
            shared = set(sides[0]) & set(sides[1]) & set(sides[2])
            trimmed = [[x for x in side if x not in shared] for side in sides]
            if any(trimmed):
                return [" / ".join(f"« {_clip(_one_line(x), 60)} »" for x in t) or _("(none)")
                        for t in trimmed]  # fmt: skip
        return [show(side, change.kind, locale) for side in sides]
    if kind in ("list", "richlist"):
        a = [_one_line(x) for x in before or []]
        b = [_one_line(x) for x in after or []]
        parts = []
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b).get_opcodes():
            if tag == "equal":
                continue
            parts += [f"+ {x}" for x in b[j1:j2]]
            parts += [f"- {x}" for x in a[i1:i2]]
        return parts
    if kind == "rich":
        a = [_one_line(p.text) for p in _blocks(before)]
        b = [_one_line(p.text) for p in _blocks(after)]
        parts = []
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b).get_opcodes():
            if tag != "equal":
                parts += [f"+ {_clip(x)}" for x in b[j1:j2]]
                parts += [f"- {_clip(x)}" for x in a[i1:i2]]
        return parts
    return [f"{show(before, kind, locale)} → {show(after, kind, locale)}"]


def show(value: Any, kind: str, locale: Locale) -> str:
    """Return a value as people read it: amounts and durations formatted, texts quoted."""
    if value is None:
        return _("(none)")
    if kind == "amount":
        return ty.money(Decimal(str(value)), locale).replace("\u00a0", " ").replace("\u202f", " ")
    if kind == "months":
        return ty.months(int(value), locale).replace("\u00a0", " ")
    if kind in ("list", "richlist"):
        return " / ".join(_clip(_one_line(x), 40) for x in value)
    if kind == "rich":
        return _clip(" / ".join(p.text for p in _blocks(value)), 80)
    return f"« {value} »"


def _blocks(source: Any) -> list:
    if not source:
        return []
    rich = parse(str(source))
    out = []
    for block in rich.blocks:
        out.extend([block] if hasattr(block, "spans") else list(block.items))
    return out


def _one_line(value: Any) -> str:
    return " ".join(str(value).split())


def _clip(text: str, width: int = 70) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


__all__ = ["Change", "Conflict", "ImportOptions", "SheetResult", "describe", "import_sheets",
           "plain", "show"]  # fmt: skip
