"""What a fact sheet carries about itself: its action and the values it was built from.

The build writes one custom XML part into each sheet: the action's slug and content
file, the headings of its key facts and sections, and the field values as they were in
the content (the merge base of `cfsi-reports import`). Custom XML parts survive a
re-save by LibreOffice and Word, where content controls lose their tags and document
variables are dropped; Word renames the parts (item1...N), so they are found by the
namespace of their root element, never by name.
"""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from lxml import etree

from ..content.model import Action
from ..present import ActionView

NAMESPACE = "urn:cfsi-reports:fact-sheet"
VERSION = 1
_ROOT = f"{{{NAMESPACE}}}sheet"
_DS = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"
_PROPS_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXmlProps"
_PROPS_CT = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"


def base_values(action: Action) -> dict[str, Any]:
    """Return the field values of an action as the import compares them (JSON-ready)."""
    ben = action.beneficiaries
    money = action.funding
    photo = action.photo
    return {
        "title": action.title,
        "regions": action.regions,
        "lead": action.lead,
        "partners": list(action.partners),
        "locations": list(action.locations),
        "beneficiaries.label": ben.label,
        "beneficiaries.direct_label": ben.direct_label,
        "beneficiaries.direct": list(ben.direct) if ben.direct else None,
        "beneficiaries.indirect_label": ben.indirect_label,
        "beneficiaries.indirect": list(ben.indirect) if ben.indirect else None,
        "duration_months": action.duration_months,
        "funding.budget": _amount(money.budget),
        "funding.budget_label": money.budget_label,
        "funding.granted": _amount(money.granted),
        "funding.granted_label": money.granted_label,
        "project": action.project.source,
        "expected_results": [r.source for r in action.expected_results],
        "activities": [r.source for r in action.activities],
        # None when the action has no photo; absent from sheets built before they were read.
        "photo.alt": photo.alt if photo is not None else None,
        "photo.credit": photo.credit if photo is not None else None,
    }


def _amount(value: Decimal) -> str:
    return str(value)


def snapshot(action: Action, view: ActionView) -> dict[str, Any]:
    """Return what a sheet records about itself."""
    return {
        "version": VERSION,
        "slug": action.key,
        "file": action.file,
        "facts": [[fact.key, fact.heading] for fact in view.facts],
        "sections": [[section.key, section.heading] for section in view.sections],
        "place": view.place,
        "values": base_values(action),
    }


def embed(document: Any, data: dict[str, Any]) -> None:
    """Add the snapshot to an open python-docx document as a custom XML part."""
    package = document.part.package
    root = etree.Element(_ROOT, nsmap={"cfsi": NAMESPACE})
    root.set("version", str(VERSION))
    root.text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    item = Part(PackURI("/customXml/item1.xml"), "application/xml", _xml(root), package)
    # A stable item id: the same action gives the same bytes.
    item_id = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{NAMESPACE}:{data['slug']}")).upper() + "}"
    props_root = etree.Element(f"{{{_DS}}}datastoreItem", nsmap={"ds": _DS})
    props_root.set(f"{{{_DS}}}itemID", item_id)
    refs = etree.SubElement(props_root, f"{{{_DS}}}schemaRefs")
    etree.SubElement(refs, f"{{{_DS}}}schemaRef").set(f"{{{_DS}}}uri", NAMESPACE)
    props = Part(PackURI("/customXml/itemProps1.xml"), _PROPS_CT, _xml(props_root), package)
    item.relate_to(props, _PROPS_RT)
    document.part.relate_to(item, RT.CUSTOM_XML)


def _xml(root: etree._Element) -> bytes:
    return etree.tostring(root, encoding="UTF-8", standalone=True)


def find(parts: dict[str, bytes]) -> dict[str, Any] | None:
    """Return the snapshot among the package's parts (name -> bytes), or None."""
    for name, data in sorted(parts.items()):
        if not name.lower().startswith("customxml/") or "props" in name.lower():
            continue
        try:
            root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False))
        except etree.XMLSyntaxError:
            continue
        if root.tag != _ROOT or not root.text:
            continue
        try:
            value = json.loads(root.text)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None
    return None
