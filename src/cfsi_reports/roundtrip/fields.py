"""Map what a sheet shows back to the fields of its action, field by field.

A field counts as unchanged when the sheet shows what the tool renders for the value
it was built from (typography aside): then the built value is kept exactly, quirks
included. Only an edited field gets a new value, read from the sheet's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .. import typography as ty
from ..content.richtext import ListBlock, Para, RichText, Span, parse
from ..i18n import Locale
from ..messages import _, ngettext
from ..present import Presenter
from . import text as tx
from .reader import Block, Line, Picture, SheetText

_FACTS = ("lead", "partners", "locations", "beneficiaries", "duration", "funding")
_SECTIONS = ("project", "expected_results", "activities")
# Kinds of values, for comparing and showing them.
KINDS: dict[str, str] = {
    "title": "text", "regions": "text", "lead": "text", "partners": "list",
    "locations": "list", "beneficiaries.label": "text", "beneficiaries.direct_label": "text",
    "beneficiaries.direct": "list", "beneficiaries.indirect_label": "text",
    "beneficiaries.indirect": "list", "duration_months": "months", "funding.budget": "amount",
    "funding.budget_label": "text", "funding.granted": "amount",
    "funding.granted_label": "text", "project": "rich", "expected_results": "richlist",
    "activities": "richlist", "photo.alt": "text", "photo.credit": "text",
}  # fmt: skip


@dataclass
class Reading:
    """The sheet's values (the built ones where unchanged) and what was noticed."""

    values: dict[str, Any] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # field path -> label people see
    problems: list[str] = field(default_factory=list)  # (label-prefixed) errors
    notes: list[str] = field(default_factory=list)


class FieldReader:
    """Read one sheet against its snapshot, in the content's locale."""

    def __init__(self, locale: Locale, snapshot: dict[str, Any]) -> None:
        self.locale = locale
        self.present = Presenter(locale)
        self.base: dict[str, Any] = dict(snapshot.get("values") or {})
        self.facts = [tuple(f) for f in snapshot.get("facts") or []]
        self.sections = [tuple(s) for s in snapshot.get("sections") or []]
        self.place = snapshot.get("place")
        self.file = snapshot.get("file")
        self.map_alt = snapshot.get("map_alt")
        self.photo_digest = snapshot.get("photo_sha256")
        self.out = Reading()
        sep = locale.format("label_value", label="\x00", value="\x01")
        self._separator = tx.fold(sep.partition("\x01")[0].replace("\x00", ""))

    def label(self, path: str) -> str:
        """Return the label people see for a field path."""
        return self.out.labels.get(path) or self._default_label(path)

    def _default_label(self, path: str) -> str:
        loc = self.locale.labels
        names = {
            "title": loc.get("title") or _("title"),
            "regions": loc.get("regions") or _("place line (regions)"),
            "photo": _("photo"),
            "photo.alt": _("photo › alternative text"),
            "photo.credit": _("photo › credit"),
        }
        return names.get(path, path)

    def read(self, sheet: SheetText) -> Reading:
        out = self.out
        out.notes.extend(sheet.notes)
        self._title(sheet)
        self._photo(sheet)
        self._map(sheet)
        facts = self._match(sheet.facts, self.facts, "key facts", "Fact Label")
        sections = self._match(sheet.sections, self.sections, "sections", "Heading 1")
        if facts is not None:
            for key, heading, block in facts:
                getattr(self, f"_fact_{key}", self._unknown)(key, heading, block)
        if sections is not None:
            for key, heading, block in sections:
                getattr(self, f"_section_{key}", self._unknown)(key, heading, block)
        return out

    # --- structure -------------------------------------------------------------------

    def _match(
        self, found: list[Block], built: list[tuple[str, str]], what: str, style: str
    ) -> list[tuple[str, str, Block]] | None:
        """Pair the blocks read with the ones built; report a broken structure."""
        headings = [h for _, h in built]
        shown = ", ".join(f"« {b.heading.strip()} »" for b in found) or _("none")
        expected = ", ".join(f"« {h} »" for h in headings)
        if len(found) != len(built):
            known = {tx.fold(h) for h in headings}
            extra = [b.heading.strip() for b in found if tx.fold(b.heading) not in known]
            lost = [h for h in headings if tx.fold(h) not in {tx.fold(b.heading) for b in found}]
            detail = []
            if extra:
                detail.append(
                    _(
                        "{items} is not one the tool built (remove it, or move its text into one"
                        " it knows)"
                    ).format(items=", ".join(f"« {e} »" for e in extra))
                )
            if lost:
                detail.append(
                    _(
                        "{items} is missing or lost its paragraph style '{style}' (restore it)"
                    ).format(items=", ".join(f"« {h} »" for h in lost), style=style)
                )
            self.out.problems.append(
                _(
                    "the {what} are broken: expected {n} ({expected}) in the style '{style}',"
                    " found {m} ({shown}){detail}"
                ).format(
                    what=what,
                    n=len(built),
                    expected=expected,
                    style=style,
                    m=len(found),
                    shown=shown,
                    detail=": " + "; ".join(detail) if detail else "",
                )
            )
            return None
        pairs = []
        for (key, heading), block in zip(built, found, strict=True):
            if not tx.same(block.heading, heading):
                elsewhere = [h for h in headings if tx.same(block.heading, h)]
                if elsewhere:
                    self.out.problems.append(
                        _(
                            "the {what} are in another order than built ({shown}; expected"
                            " {expected}): put them back in order"
                        ).format(what=what, shown=shown, expected=expected)
                    )
                    return None
            pairs.append((key, heading, block))
        return pairs

    def _heading_fixed(self, heading: str, block: Block) -> None:
        if not tx.same(block.heading, heading):
            self.out.notes.append(
                _(
                    "the heading « {new} » (built « {old} ») is a label of the tool, set in the"
                    " locale file, and is not imported"
                ).format(new=block.heading.strip(), old=heading)
            )

    def _unknown(self, key: str, heading: str, block: Block) -> None:
        self._heading_fixed(heading, block)  # a part of the layout the import does not map

    # --- title and place -------------------------------------------------------------

    def _title(self, sheet: SheetText) -> None:
        base = self.base
        if sheet.title is None or not sheet.title.text.strip():
            self.out.problems.append(
                _("no title: the paragraph in the style 'Title' is missing (restore it)")
            )
        else:
            self.out.values["title"] = self._text(sheet.title.text, base.get("title"))
        place = sheet.place.text if sheet.place is not None else ""
        if base.get("regions") is not None:
            self.out.values["regions"] = (
                self._text(place, base["regions"]) if place.strip() else None
            )
        elif place.strip() and not tx.same(place, self.place or ""):
            # Without regions the line shows the countries: a text typed there becomes regions.
            self.out.values["regions"] = tx.plain(place, self.locale)
        else:
            self.out.values["regions"] = None

    # --- photo -------------------------------------------------------------------------

    def _photo(self, sheet: SheetText) -> None:
        """Read the photo's alternative text and credit; the picture itself is never imported."""
        if "photo.alt" not in self.base:
            if sheet.pictures or sheet.captions:
                self.out.notes.append(
                    _(
                        "{field}: the credit and alternative text are not read from this sheet:"
                        " it was built by an earlier version (build it again to import them)"
                    ).format(field=self.label("photo"))
                )
            return
        if self.base["photo.alt"] is None:
            if sheet.captions or any(p.alt for p in sheet.pictures):
                self.out.notes.append(
                    _(
                        "{field}: the sheet shows a picture or a caption but the action has no"
                        " photo; neither is imported (a photo is added in {file}, under 'photo:')"
                    ).format(field=self.label("photo"), file=self.file)
                )
            return
        if sheet.pictures:
            self._alt(sheet.pictures)
            shown = sheet.pictures[0].digest
            if self.photo_digest and shown and shown != self.photo_digest:
                self.out.notes.append(
                    _(
                        "{field}: the sheet shows another picture than the one it was built"
                        " with, but import never changes photos: to use it, save it in the"
                        " photos folder and name it under 'photo:' 'file:' in {file}"
                    ).format(field=self.label("photo"), file=self.file)
                )
        else:
            self.out.notes.append(
                _(
                    "{field}: the picture was deleted from the sheet, but import never changes"
                    " photos: {file} keeps its photo and alternative text (remove 'photo:' there"
                    " to drop it)"
                ).format(field=self.label("photo"), file=self.file)
            )
        if sheet.pictures or sheet.captions:
            self._credit(sheet.captions)

    def _map(self, sheet: SheetText) -> None:
        """Say that an edit of the map's alternative text stays in the sheet."""
        shown = [p.alt for p in sheet.drawn if p.alt.strip()]
        if self.map_alt is None or any(tx.same(alt, self.map_alt) for alt in shown):
            return
        for alt in shown:
            self.out.notes.append(
                _(
                    "the map's alternative text « {text} » is not imported: the map and its"
                    " text are made from 'countries:' in {file}"
                ).format(text=alt.strip(), file=self.file)
            )

    def _alt(self, pictures: list[Picture]) -> None:
        where, built = self.label("photo.alt"), self.base["photo.alt"]
        if len(pictures) > 1:
            self.out.notes.append(
                _(
                    "{field}: the sheet has {n} pictures in the style 'Figure': the first one's"
                    " alternative text is read, added pictures are not imported"
                ).format(field=self.label("photo"), n=len(pictures))
            )
        shown = pictures[0].alt
        if not shown.strip():
            self.out.problems.append(
                _(
                    "{field}: is empty, but the photo needs it: screen readers read it in place"
                    " of the picture, and the accessible PDF requires it (type it again: in"
                    " Word, right-click the picture > Edit Alt Text; in LibreOffice, Properties"
                    " > Options > Description); the content keeps « {old} »"
                ).format(field=where, old=built)
            )
            return
        self.out.values["photo.alt"] = self._text(shown, built)

    def _credit(self, captions: list[Line]) -> None:
        # Several Caption paragraphs (Enter pressed inside the credit) make one credit, as
        # several Title paragraphs make one title: the brochure prints it on one line anyway.
        shown = " ".join(" ".join(line.text.split()) for line in captions)
        if len(captions) > 1:
            self.out.notes.append(
                _(
                    "{field}: {n} paragraphs in the style 'Caption' are read as one credit:"
                    " « {text} »"
                ).format(field=self.label("photo.credit"), n=len(captions), text=shown)
            )
        built = self.base.get("photo.credit")
        pattern = self.locale.format("photo_credit", credit="\x00")
        if built is not None and tx.same(shown, pattern.replace("\x00", self.present.text(built))):
            self.out.values["photo.credit"] = built
            return
        # The line shows « Photo : <credit> »: the words around it are the locale's, not read.
        head, _sep, tail = (re.escape(tx.fold(part)) for part in pattern.partition("\x00"))
        loose = [part.replace("\\ ", r"\s*") for part in (head, tail)]
        match = re.fullmatch(rf"{loose[0]}\s*(.*?)\s*{loose[1]}", tx.fold(shown), re.IGNORECASE)
        credit = tx.plain(match.group(1) if match else shown, self.locale)
        self.out.values["photo.credit"] = credit or None

    # --- key facts -------------------------------------------------------------------

    def _fact_lead(self, key: str, heading: str, block: Block) -> None:
        self._heading_fixed(heading, block)
        self.out.labels["lead"] = heading
        texts = [line.text for line in block.lines]
        if len(texts) != 1:
            self._expect_one(heading, texts)
            return
        self.out.values["lead"] = self._text(texts[0], self.base.get("lead"))

    def _fact_partners(self, key: str, heading: str, block: Block) -> None:
        self._list_fact("partners", heading, block)

    def _fact_locations(self, key: str, heading: str, block: Block) -> None:
        self._list_fact("locations", heading, block)

    def _list_fact(self, path: str, heading: str, block: Block) -> None:
        self._heading_fixed(heading, block)
        self.out.labels[path] = heading
        texts = [line.text for line in block.lines]
        if not texts:
            self.out.problems.append(
                _("{field}: is empty (at least one line expected)").format(field=heading)
            )
            return
        self.out.values[path] = self._items(texts, self.base.get(path) or [])

    def _fact_beneficiaries(self, key: str, heading: str, block: Block) -> None:
        base, loc = self.base, self.locale
        self.out.values["beneficiaries.label"] = (
            base.get("beneficiaries.label")
            if tx.same(block.heading, heading)
            else tx.plain(block.heading, loc)
        )
        parts = [p for p in ("direct", "indirect") if base.get(f"beneficiaries.{p}")]
        entries = self._entries(block)
        built = [self._label(base.get(f"beneficiaries.{p}_label"), p) for p in parts]
        for p in ("label", "direct_label", "direct", "indirect_label", "indirect"):
            self.out.labels[f"beneficiaries.{p}"] = heading
        if len(entries) != len(parts):
            self.out.problems.append(
                _(
                    "{field}: expected {n} lines starting with a label ({labels}), found {m}"
                    " (keep one line per label, in the style 'Fact Text' with the label in"
                    " 'Fact Term')"
                ).format(
                    field=heading,
                    n=len(parts),
                    labels=", ".join(f"« {b} »" for b in built),
                    m=len(entries),
                )
            )
            for p in ("direct", "indirect", "direct_label", "indirect_label"):
                self.out.values[f"beneficiaries.{p}"] = base.get(f"beneficiaries.{p}")
            return
        for p in ("direct", "indirect"):
            self.out.values[f"beneficiaries.{p}"] = None
            self.out.values[f"beneficiaries.{p}_label"] = base.get(f"beneficiaries.{p}_label")
        for p, shown, (label, values) in zip(parts, built, entries, strict=True):
            self.out.labels[f"beneficiaries.{p}"] = f"{heading} › {shown}"
            self.out.labels[f"beneficiaries.{p}_label"] = f"{heading} › {shown}"
            if not tx.same(label, shown):
                self.out.values[f"beneficiaries.{p}_label"] = tx.plain(label, loc)
            self.out.values[f"beneficiaries.{p}"] = self._items(
                values, base.get(f"beneficiaries.{p}") or []
            )

    def _fact_duration(self, key: str, heading: str, block: Block) -> None:
        self._heading_fixed(heading, block)
        self.out.labels["duration_months"] = heading
        texts = [line.text for line in block.lines]
        if len(texts) != 1:
            self._expect_one(heading, texts)
            return
        forms = self.locale.formats.get("months", "{n}")
        patterns = list(forms.values()) if isinstance(forms, dict) else [str(forms)]
        try:
            self.out.values["duration_months"] = tx.whole_number(texts[0], patterns)
        except tx.FigureError as exc:
            self.out.problems.append(_("{field}: {message}").format(field=heading, message=exc))

    def _fact_funding(self, key: str, heading: str, block: Block) -> None:
        self._heading_fixed(heading, block)
        base, loc = self.base, self.locale
        entries = self._entries(block)
        built = [
            self._label(base.get("funding.budget_label"), "budget"),
            self._label(base.get("funding.granted_label"), "granted"),
        ]
        for p, shown in zip(("budget", "granted"), built, strict=True):
            self.out.labels[f"funding.{p}"] = f"{heading} › {shown}"
            self.out.labels[f"funding.{p}_label"] = f"{heading} › {shown}"
        given = [e for e in entries if not tx.same(e[0], loc.label("share_granted"))]
        if len(given) == len(entries) == 3:  # the share relabelled: still the computed line
            self.out.notes.append(
                _(
                    "{field}: « {label} » is computed from the budget and the grant, never imported"
                ).format(field=heading, label=given[2][0])
            )
            given = given[:2]
        if not 1 <= len(given) <= 2 or len(entries) - len(given) > 1:
            self.out.problems.append(
                ngettext(
                    "{field}: expected the lines {labels} and the share, found {m} line with"
                    " a label",
                    "{field}: expected the lines {labels} and the share, found {m} lines with"
                    " a label",
                    len(entries),
                ).format(field=heading, labels=", ".join(f"« {b} »" for b in built), m=len(entries))
            )
            return
        # A line whose label was deleted reads as a label that is an amount: say so, never
        # guess which figure it is.
        for label, values in given:
            if not values and tx.is_amount(label):
                named = {p for p, b in zip(("budget", "granted"), built, strict=True)
                         if any(tx.same(e[0], b) for e in given)}  # fmt: skip
                lost = [b for p, b in zip(("budget", "granted"), built, strict=True)
                        if p not in named]  # fmt: skip
                missing = _("{field}: the label is missing before « {value} » (put back {labels})")
                self.out.problems.append(
                    missing.format(
                        field=heading, value=label, labels=", ".join(f"« {b} : »" for b in lost)
                    )
                )
                return
        # Each line goes to the figure its label names; a relabelled line to the one left.
        lines: dict[str, tuple[str, list[str]]] = {}
        for label, values in given:
            named = [
                p
                for p, shown in zip(("budget", "granted"), built, strict=True)
                if tx.same(label, shown)
            ]
            left = [p for p in ("budget", "granted") if p not in lines]
            part = named[0] if named and named[0] not in lines else left[0]
            lines[part] = (label, values)
        for p, shown in zip(("budget", "granted"), built, strict=True):
            where = f"{heading} › {shown}"
            if p not in lines:
                self.out.problems.append(
                    _("{field}: the line is missing (put back « {label} : amount »)").format(
                        field=where, label=shown
                    )
                )
                continue
            label, values = lines[p]
            self.out.values[f"funding.{p}_label"] = (
                base.get(f"funding.{p}_label") if tx.same(label, shown) else tx.plain(label, loc)
            )
            if not values:
                self.out.problems.append(
                    _("{field}: is empty (write the amount, e.g. {example})").format(
                        field=where, example=ty.money(Decimal(str(base.get(f"funding.{p}"))), loc)
                    )
                )
                continue
            if len(values) != 1:
                self._expect_one(where, values)
                continue
            try:
                value = tx.amount(values[0])
            except tx.FigureError as exc:
                self.out.problems.append(_("{field}: {message}").format(field=where, message=exc))
                continue
            built_value = Decimal(str(base.get(f"funding.{p}", "0")))
            self.out.values[f"funding.{p}"] = built_value if value == built_value else value

    def _label(self, custom: str | None, key: str) -> str:
        return self.present.text(custom) if custom else self.locale.label(key)

    def _entries(self, block: Block) -> list[tuple[str, list[str]]]:
        """Group a fact's lines into entries: a labelled line and the lines that follow."""
        lines = block.lines
        labelled = any(line.term is not None for line in lines)
        entries: list[tuple[str, list[str]]] = []
        for line in lines:
            label, value = self._split(line, labelled)
            if label is not None:
                entries.append((label, [value] if value.strip() else []))
            elif entries:
                entries[-1][1].append(line.text)
            else:
                entries.append(("", [line.text]))
        return entries

    def _split(self, line: Line, by_term: bool) -> tuple[str | None, str]:
        if by_term:
            if line.term is None:
                return None, line.text
            label = tx.fold(line.term)
            if self._separator and label.endswith(self._separator):
                label = label[: -len(self._separator)].strip()
            elif self._separator and self._separator in line.term:
                # The whole line retyped in the label's style: the value follows its separator.
                head, _sep, tail = line.term.partition(self._separator)
                return tx.fold(head).strip(), (tail + line.text).strip()
            return label, line.text
        # The label's character style was lost: split at the locale's separator.
        text = tx.fold(line.text)
        if self._separator and f" {self._separator} " in f"{text} ":
            label, _sep, value = text.partition(f" {self._separator}")
            return label.strip(), value.strip()
        return None, line.text

    def _expect_one(self, where: str, texts: list[str]) -> None:
        self.out.problems.append(
            _("{field}: expected one line, found {n}{shown} (put the text on one line)").format(
                field=where,
                n=len(texts),
                shown=": " + " / ".join(f"« {t.strip()} »" for t in texts) if texts else "",
            )
        )

    # --- sections --------------------------------------------------------------------

    def _section_project(self, key: str, heading: str, block: Block) -> None:
        self._heading_fixed(heading, block)
        self.out.labels["project"] = heading
        lines = block.lines
        if not lines:
            self.out.problems.append(_("{field}: is empty").format(field=heading))
            return
        source = self.base.get("project") or ""
        built = _lines_of(self.present.blocks(parse(source)))
        shown = [(line.kind, line.spans) for line in lines]
        if _same_lines(shown, built):
            self.out.values["project"] = source
        else:
            self.out.values["project"] = self._markdown(heading, lines, reuse=self._slices(source))

    def _section_expected_results(self, key: str, heading: str, block: Block) -> None:
        self._rich_list("expected_results", heading, block)

    def _section_activities(self, key: str, heading: str, block: Block) -> None:
        self._rich_list("activities", heading, block)

    def _rich_list(self, path: str, heading: str, block: Block) -> None:
        # The heading's number (Résultat / Résultats) follows the count: never a change.
        self.out.labels[path] = heading
        if not block.lines:
            self.out.problems.append(_("{field}: is empty").format(field=heading))
            return
        sources = list(self.base.get(path) or [])
        rendered = [self.present.blocks(RichText("", (parse(s).as_para,)))[0] for s in sources]
        used: set[int] = set()
        items = []
        for line in block.lines:
            match = next(
                (
                    i
                    for i, para in enumerate(rendered)
                    if i not in used and _same_spans(line.spans, para.spans)
                ),
                None,
            )
            if match is not None:
                used.add(match)
                items.append(sources[match])
            else:
                items.append(self._markdown(heading, [line], single=True))
        self.out.values[path] = items

    def _slices(self, source: str) -> list[tuple[str, tuple[Span, ...], str]]:
        """Return the paragraphs and list items of a text with the source lines of each."""
        out = []
        for kind, para, text in source_slices(source):
            rendered = self.present.blocks(RichText("", (para,)))[0]
            out.append((kind, rendered.spans, text))
        return out

    def _markdown(
        self,
        where: str,
        lines: list[Line],
        single: bool = False,
        reuse: list[tuple[str, tuple[Span, ...], str]] | None = None,
    ) -> str:
        """Write lines back as the rich-text subset; check it reads back the same.

        Paragraphs and items the sheet shows unchanged keep their source text (`reuse`).
        """
        parts: list[str] = []
        previous = None
        number = 0
        used: set[int] = set()
        for line in lines:
            text = _inline(line.spans, self.locale)
            kind = "para" if single else line.kind
            match = next(
                (
                    i
                    for i, (k, spans, _src) in enumerate(reuse or [])
                    if i not in used and k == kind and _same_spans(line.spans, spans)
                ),
                None,
            )
            if match is not None:
                used.add(match)
                text = (reuse or [])[match][2]
                if kind == "number":
                    number = number + 1 if previous == "number" else 1
            elif kind == "number":
                number = number + 1 if previous == "number" else 1
                text = f"{number}. {text}"
            elif kind == "bullet":
                text = f"- {text}"
            if parts:
                tight = kind == previous and kind in ("bullet", "number")
                parts.append("\n" if tight else "\n\n")
            parts.append(text)
            previous = kind
        source = "".join(parts)
        wanted = [tx.fold("".join(s.text for s in line.spans)) for line in lines]
        got = [tx.fold(p.text) for p in _paras(parse(source))]
        if (single and got != [" ".join(wanted)]) or (not single and got != wanted):
            plain_source = "\n\n".join(tx.plain(line.text, self.locale) for line in lines)
            self.out.notes.append(
                _(
                    "{field}: emphasis or list marks that the text subset cannot hold were dropped"
                ).format(field=where)
            )
            return plain_source
        return source

    # --- values ----------------------------------------------------------------------

    def _text(self, shown: str, built: str | None) -> str:
        if built is not None and tx.same(shown, self.present.text(built), built):
            return built
        return tx.plain(shown, self.locale)

    def _items(self, texts: list[str], built: list[str]) -> list[str]:
        rendered = [self.present.text(b) for b in built]
        used: set[int] = set()
        out = []
        for shown in texts:
            match = next(
                (
                    i
                    for i, r in enumerate(rendered)
                    if i not in used and tx.same(shown, r, built[i])
                ),
                None,
            )
            if match is not None:
                used.add(match)
                out.append(built[match])
            else:
                out.append(tx.plain(shown, self.locale))
        return out


def source_slices(source: str) -> list[tuple[str, Para, str]]:
    """Return (kind, paragraph, source lines) for each paragraph and item of a rich text."""
    from markdown_it import MarkdownIt

    from ..content.richtext import _spans

    lines = source.splitlines()
    tokens = MarkdownIt("zero").enable(["list", "emphasis"]).parse(source)
    out: list[tuple[str, Para, str]] = []
    lists: list[str] = []
    item_map: list[int] | None = None
    for token in tokens:
        if token.type in ("bullet_list_open", "ordered_list_open"):
            lists.append("number" if token.type == "ordered_list_open" else "bullet")
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "list_item_open":
            item_map = token.map
        elif token.type == "inline" and token.map:
            if len(lists) > 1:
                return []  # nested lists are flattened on reading: no slice is faithful
            span = item_map if lists and item_map else token.map
            text = "\n".join(lines[span[0] : span[1]]).strip("\n")
            out.append((lists[-1] if lists else "para", Para(_spans(token.children or [])), text))
    return out


def _paras(rich: RichText) -> list[Para]:
    out: list[Para] = []
    for block in rich.blocks:
        out.extend([block] if isinstance(block, Para) else list(block.items))
    return out


def _lines_of(blocks: tuple) -> list[tuple[str, tuple[Span, ...]]]:
    out = []
    for block in blocks:
        if isinstance(block, ListBlock):
            kind = "number" if block.ordered else "bullet"
            out.extend((kind, item.spans) for item in block.items)
        else:
            out.append(("para", block.spans))
    return out


def _same_lines(shown: list, built: list) -> bool:
    return len(shown) == len(built) and all(
        k1 == k2 and _same_spans(s1, s2) for (k1, s1), (k2, s2) in zip(shown, built, strict=True)
    )


def _signature(spans: tuple[Span, ...]) -> tuple[str, tuple[tuple[str, bool, bool], ...]]:
    # The text, typography aside, and which words carry emphasis (emphasised spaces are
    # invisible, so they never count).
    text = tx.fold("".join(s.text for s in spans))
    marked = tuple(
        (tx.fold(s.text), s.bold, s.italic)
        for s in spans
        if (s.bold or s.italic) and s.text.strip()
    )
    return text, marked


def _same_spans(a: tuple[Span, ...], b: tuple[Span, ...]) -> bool:
    return _signature(a) == _signature(b)


def _inline(spans: tuple[Span, ...], locale: Locale) -> str:
    out = []
    for span in spans:
        text = tx.plain_inline(span.text, locale)
        mark = ("**" if span.bold else "") + ("*" if span.italic else "")
        core = text.strip()
        if not mark or not core:
            out.append(text)
            continue
        lead = text[: len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()) :]
        out.append(f"{lead}{mark}{core}{mark[::-1]}{trail}")
    return " ".join("".join(out).split())
