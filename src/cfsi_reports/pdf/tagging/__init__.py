"""Tagged, accessible PDF (PDF/UA-1) from ReportLab platypus, and PDF/A-2b after it.

A small library with this one face: it imports nothing of the application, and its errors
(TaggingError, UnembeddedFontError, IccProfileNotFound) are its own.

How it fits together:

1. Build a StructTree (root element Document) in reading order: Sect groups, and
   tag-aware flowables (TaggedParagraph, TaggedFigure, or tag_flowable(any_flowable)),
   each bound to one element. The tree knows no flowable or canvas class.
2. Build the document with ``canvasmaker=canvasmaker(tree)``: the TaggedCanvas marks all
   painting as /Artifact, except what tagged flowables draw, which becomes marked content
   with an MCID recorded for their element (a split paragraph gets one MCID per page).
   Page furniture drawn in onPage stays artifact (``with artifact(canvas, "Pagination"):``
   adds the artifact type). Link annotations are recorded with the element they belong to.
3. ``finish(pdf_bytes, tree, ...)`` writes the StructTreeRoot, ParentTree, /StructParents,
   link OBJRs, /MarkInfo, /Lang, /ViewerPreferences and XMP metadata (pdfuaid:part 1),
   deterministically. apply(pdf, variant(name), icc) then writes a PDF standard (PDF/X-4,
   PDF/A-2b...: the rows of VARIANTS) with its CMYK output intent.

Paragraphs draw the hyphens ReportLab adds at line ends as U+00AD (SoftHyphens, one pass per
paragraph); a list is an L element of ListItem flowables whose label and body the caller
binds to Lbl and LBody elements.

Example::

    tree = StructTree(lang="fr-FR")
    story = []
    with tree.group("Sect", title="Le programme"):
        heading = TaggedParagraph("Le programme", h1, role="H1", parent=tree.current)
        story += [heading, TaggedParagraph(text, body, parent=tree.current)]
        story.append(TaggedFigure(drawing, alt="Carte des 16 pays", parent=tree.current))
    doc = Doc(buf, invariant=1, enforceColorSpace="cmyk", initialFontName=font)
    doc.build(story, canvasmaker=canvasmaker(tree))
    pdf = finish(buf.getvalue(), tree, title="...", lang="fr-FR", epoch=epoch)

Use a new StructTree for each layout attempt that rebuilds the story; each canvas
(each multiBuild pass) resets what the tree recorded, so finish() sees the last build.
"""

from __future__ import annotations

from .canvas import TaggedCanvas, artifact, canvasmaker
from .finish import UnembeddedFontError, check_fonts_embedded, finish
from .flowables import (
    ListItem,
    SoftHyphens,
    TaggedFigure,
    TaggedMixin,
    TaggedParagraph,
    link_texts,
    tag_flowable,
    tagged_class,
)
from .hyphen import SHY, hyphen_added, soften_line_end_hyphens
from .pdfa import IccProfileNotFound, find_cmyk_icc, icc_info, profile_problem
from .standards import AUTO, VARIANTS, Variant, apply, variant
from .tree import STANDARD_ROLES, StructElement, StructTree, TaggingError
from .xmp import DocMeta, build_xmp

__all__ = [
    "AUTO",
    "SHY",
    "STANDARD_ROLES",
    "VARIANTS",
    "DocMeta",
    "IccProfileNotFound",
    "ListItem",
    "SoftHyphens",
    "StructElement",
    "StructTree",
    "TaggedCanvas",
    "TaggedFigure",
    "TaggedMixin",
    "TaggedParagraph",
    "TaggingError",
    "UnembeddedFontError",
    "Variant",
    "apply",
    "artifact",
    "build_xmp",
    "canvasmaker",
    "check_fonts_embedded",
    "find_cmyk_icc",
    "finish",
    "hyphen_added",
    "icc_info",
    "link_texts",
    "profile_problem",
    "soften_line_end_hyphens",
    "tag_flowable",
    "tagged_class",
    "variant",
]
