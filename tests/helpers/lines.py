"""The lines of text an action view should put in every document, in reading order."""

from __future__ import annotations

from cfsi_reports.content.richtext import Para
from cfsi_reports.i18n import Locale
from cfsi_reports.present import ActionView


def plain_lines(view: ActionView, locale: Locale) -> list[str]:
    """Return every line of text of an action view, in reading order ."""
    lines = [view.place] if view.place else []
    lines.append(view.title)
    for fact in view.facts:
        lines.append(fact.heading)
        for entry in fact.entries:
            values = list(entry.values)
            if entry.label:
                values[0] = locale.format("label_value", label=entry.label, value=values[0])
            lines.extend(values)
    for section in view.sections:
        lines.append(section.heading)
        for block in section.blocks:
            paras = [block] if isinstance(block, Para) else list(block.items)
            lines.extend(p.text for p in paras)
    return lines
