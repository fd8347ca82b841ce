"""Typed artifacts: running heads and folios are pagination, marks are Page, bands are Layout."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pikepdf
import pytest

from cfsi_reports.content.model import Content
from cfsi_reports.pdf import render_brochure
from cfsi_reports.theme import Theme

TYPES = {"/Pagination", "/Layout", "/Page", "/Background"}
PAINT = {"f", "F", "f*", "B", "B*", "b", "b*", "S", "s", "sh", "Do"}
SHOW = {"Tj", "TJ", "'", '"'}


@dataclass
class Artifacts:
    """What each page paints inside artifacts, by (Type, Subtype)."""

    paints: Counter = field(default_factory=Counter)
    texts: list[tuple[tuple[str, str], bytes]] = field(default_factory=list)
    untyped: int = 0


def _shown(operands: Any) -> bytes:
    parts = []
    for value in operands:
        if isinstance(value, pikepdf.String):
            parts.append(bytes(value))
        elif isinstance(value, pikepdf.Array):
            parts += [bytes(v) for v in value if isinstance(v, pikepdf.String)]
    return b"".join(parts)


def _scan(holder: Any, found: Artifacts, stack: list[tuple[str, str] | None]) -> None:
    for operands, operator in pikepdf.parse_content_stream(holder):
        op = str(operator)
        if op in ("BMC", "BDC"):
            if str(operands[0]) != "/Artifact":
                stack.append(None)
                continue
            props = operands[1] if op == "BDC" else pikepdf.Dictionary()
            kind = str(props.get("/Type", ""))
            if kind not in TYPES:
                found.untyped += 1
            stack.append((kind, str(props.get("/Subtype", ""))))
        elif op == "EMC" and stack:
            stack.pop()
        elif op in PAINT or op in SHOW:
            artifact = next((s for s in reversed(stack) if s is not None), None)
            if artifact is None:
                continue
            found.paints[artifact] += 1
            if op in SHOW:
                found.texts.append((artifact, _shown(operands)))


def _pages(data: bytes) -> list[Artifacts]:
    pages = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            found = Artifacts()
            _scan(page, found, [])
            pages.append(found)
    return pages


@pytest.fixture(scope="module", params=["print", "screen"])
def edition(request: pytest.FixtureRequest, seed_content: Content, theme: Theme) -> Any:
    data, _pages_count = render_brochure(seed_content, theme, screen=request.param == "screen")
    return request.param, _pages(data)


def test_every_artifact_is_typed(edition: Any) -> None:
    _kind, pages = edition
    assert [p.untyped for p in pages] == [0] * len(pages)


def test_text_in_artifacts_is_only_pagination(edition: Any) -> None:
    _kind, pages = edition
    for number, page in enumerate(pages, 1):
        for (kind, subtype), text in page.texts:
            assert kind == "/Pagination" and subtype in ("/Header", "/Footer", ""), (number, text)
            assert len(text) <= 90, f"page {number}: prose in an artifact? {text!r}"


def test_heads_folios_bands_and_marks_have_their_types(edition: Any) -> None:
    kind, pages = edition
    folios = [n for n, p in enumerate(pages, 1) if p.paints[("/Pagination", "/Footer")]]
    heads = [n for n, p in enumerate(pages, 1) if p.paints[("/Pagination", "/Header")]]
    # From the contents page to the last action page; not the covers nor the blank pages.
    assert folios == list(range(2, 2 + len(folios))) and len(folios) >= len(pages) - 4
    assert heads == folios
    assert pages[0].paints[("/Layout", "")] and pages[-1].paints[("/Layout", "")]  # fields
    marks = [p.paints[("/Page", "")] for p in pages]
    if kind == "print":
        assert all(m == 8 for m in marks), marks  # eight crop-mark strokes on every page
    else:
        assert not any(marks)
