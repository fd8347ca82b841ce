"""Tagged, accessible PDF (PDF/UA-1) from ReportLab platypus, without leaving ReportLab.

How it fits together:

1. Build a StructTree (root element Document) in reading order: Sect groups, and
   tag-aware flowables (TaggedParagraph, TaggedFigure, TaggedTable, TaggedList,
   TaggedTableOfContents, or tag_flowable(any_flowable)) each bound to one element.
2. Build the document with ``canvasmaker=tree.canvasmaker``: the TaggedCanvas marks all
   painting as /Artifact, except what tagged flowables draw, which becomes marked content
   with an MCID recorded for their element (a split paragraph gets one MCID per page).
   Page furniture drawn in onPage stays artifact (``with canvas.artifact("Pagination"):``
   adds the artifact type). Link annotations are recorded with the element they belong to.
3. ``finish(pdf_bytes, tree, ...)`` writes the StructTreeRoot, ParentTree, /StructParents,
   link OBJRs, /MarkInfo, /Lang, /ViewerPreferences and XMP metadata (pdfuaid:part 1),
   deterministically. pdfa.make_pdfa2b() then adds a CMYK output intent for PDF/A-2b.

Example::

    tree = StructTree(lang="fr-FR")
    story = []
    with tree.group("Sect", title="Sommaire"):
        story += [tree.paragraph("Sommaire", h1, role="H1"), tree.toc(levelStyles=[body])]
    with tree.group("Sect", title="Le programme"):
        heading = tree.paragraph("Le programme", h1, role="H1")
        heading.key = "programme"  # afterFlowable: bookmarkPage(key) + notify("TOCEntry")
        story += [heading, tree.paragraph(text, body)]
        story.append(tree.bullet_list([Paragraph("Un", body), Paragraph("Deux", body)]))
        story.append(tree.table(rows, repeatRows=1, style=[("FONT", (0, 0), (-1, -1), font)]))
        story.append(tree.figure(drawing, alt="Carte des 16 pays du programme"))
    doc = Doc(buf, invariant=1, enforceColorSpace="cmyk", initialFontName=font)
    doc.multiBuild(story, canvasmaker=tree.canvasmaker)
    pdf = finish(buf.getvalue(), tree, title="...", lang="fr-FR", epoch=epoch)

Use a new StructTree for each layout attempt that rebuilds the story; each canvas
(each multiBuild pass) resets what the tree recorded, so finish() sees the last build.
"""

from __future__ import annotations

from .canvas import TaggedCanvas, artifact
from .finish import UnembeddedFontError, check_fonts_embedded, finish
from .flowables import (
    TaggedFigure,
    TaggedMixin,
    TaggedParagraph,
    link_texts,
    tag_flowable,
    tagged_class,
)
from .hyphen import SHY, soften_line_end_hyphens
from .tables import TaggedList, TaggedTable, TaggedTableOfContents
from .tree import STANDARD_ROLES, StructElement, StructTree, TaggingError
from .xmp import DocMeta, build_xmp

__all__ = [
    "SHY",
    "STANDARD_ROLES",
    "DocMeta",
    "StructElement",
    "StructTree",
    "TaggedCanvas",
    "TaggedFigure",
    "TaggedList",
    "TaggedMixin",
    "TaggedParagraph",
    "TaggedTable",
    "TaggedTableOfContents",
    "TaggingError",
    "UnembeddedFontError",
    "artifact",
    "build_xmp",
    "check_fonts_embedded",
    "finish",
    "link_texts",
    "soften_line_end_hyphens",
    "tag_flowable",
    "tagged_class",
]
