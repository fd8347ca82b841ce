"""The layout of one fact sheet: named styles only, the look comes from the template."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path

from docx.document import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part
from docx.oxml.shape import CT_Inline
from docx.shared import Mm, Twips
from lxml import etree

from .. import maps, photos
from .. import typography as ty
from ..content.model import Action, Content
from ..content.richtext import Block, Para
from ..errors import ConfigError, RenderError
from ..i18n import Locale
from ..messages import _
from ..present import ActionView, Entry, Fact, Presenter, Section, no_widow
from ..roundtrip import snapshot
from ..theme import Theme
from . import mapemf, oxml
from .oxml import paragraph, run
from .package import write
from .prepare import PreparedTemplate
from .template import template_bytes

_STORIES = (CT.WML_DOCUMENT_MAIN, CT.WML_HEADER, CT.WML_FOOTER)
_LABEL, _VALUE = "\x00", "\x01"  # placeholders: XML cannot hold them, so no text contains them


class FactSheetRenderer:
    """Render the Word fact sheet of each action, from a template prepared once."""

    def __init__(
        self, content: Content, theme: Theme, *, template: Path | None = None, epoch: int = 0
    ) -> None:
        self._locale = theme.locale(content.programme.language)
        self._present = Presenter(self._locale)
        self._theme = theme
        self._epoch = epoch
        self._numbers = {action.key: n for n, action in enumerate(content.actions, 1)}
        programme = content.programme
        self._programme_title = programme.title
        self._programme = self._present.text(programme.title)
        self._publisher = self._present.text(programme.publisher) if programme.publisher else ""
        self._keywords = ", ".join(self._present.identity(content).keywords)
        self._logo = programme.picture("logo")
        if template is None:
            data, source = template_bytes(theme, self._locale), "default template"
        else:
            try:
                data, source = Path(template).read_bytes(), str(template)
            except OSError as exc:
                raise ConfigError(
                    _("{template}: cannot read the Word template ({error})").format(
                        template=template, error=exc
                    )
                ) from None
        self._template = PreparedTemplate(data, source, theme, self._locale)
        self._ids = self._template.style_ids
        self._label_width = min(oxml.mm(theme.docx.label_column_mm), self._template.text_width // 2)

    def render(self, action: Action) -> bytes:
        """Return the .docx of one action: same inputs and epoch, same bytes."""
        try:
            number = self._numbers[action.key]
        except KeyError:
            raise RenderError(f"{action.key}.docx", "the action is not in the content") from None
        view = self._present.action(action, number)
        document = self._template.open()
        body: list[etree._Element] = []
        if view.place:
            kicker = view.place
            body.append(self._para("Subtitle", kicker))
        # Word does not balance lines: keep a short last word with the one before.
        body.append(self._para("Title", no_widow(self._present.display_title(view.title))))
        located = self._map(document, view)
        body.append(self._facts(view.facts, located))
        placed = None  # the photo's image as placed: import says if a sheet shows another
        if view.photo is not None:
            paras, placed = self._photo(document, view)
            body.extend(paras)
        for section in view.sections:
            body.extend(self._section(document, section))
        page_setup = document.element.body.find(oxml.qn("w:sectPr"))
        for element in body:
            page_setup.addprevious(element)
        self._header(document, view)
        self._properties(document, view)
        # What `cfsi-reports import` needs to read the sheet back: its action, the base values.
        record = snapshot.snapshot(action, view)
        record["programme"] = self._programme_title  # a sheet of another project is refused
        if located is not None:  # its alternative text is made, not imported: a note if edited
            record["map_alt"] = maps.alt_text(view.codes, self._locale)
        if placed is not None:
            record["photo_sha256"] = hashlib.sha256(placed).hexdigest()
        snapshot.embed(document, record)
        oxml.renumber_drawings(
            part.element
            for part in document.part.package.iter_parts()
            if part.content_type in _STORIES
        )
        return write(document, self._epoch)

    # Building blocks ----------------------------------------------------------------------

    def _para(self, style: str, text: str) -> etree._Element:
        return paragraph(self._ids[style], [run(text)])

    def _rich(self, style: str, para: Para, num: tuple[int, int] | None = None):
        runs = [run(span.text, self._span_style(span.bold, span.italic)) for span in para.spans]
        return paragraph(self._ids[style], runs, num)

    def _span_style(self, bold: bool, italic: bool) -> str | None:
        if bold and italic:
            return self._ids["Strong Italic"]
        if bold or italic:
            return self._ids["Strong" if bold else "Emphasis"]
        return None

    def _facts(self, facts: tuple[Fact, ...], map_cell: tuple[int, etree._Element] | None):
        rows = []
        for fact in facts:
            values: list[etree._Element] = []
            for entry in fact.entries:
                values.extend(self._entry(entry))
            rows.append([[self._para("Fact Label", fact.heading)], values])
        widths = [self._label_width, self._template.text_width - self._label_width]
        if map_cell is None:
            return oxml.table(self._ids[self._template.table_style], widths, rows)
        # The locator map beside the key facts: a column of its own, one cell down the table.
        width, picture = map_cell
        widths = [widths[0], widths[1] - width, width]
        for i, row in enumerate(rows):
            row.append([picture] if i == 0 else [])
        return oxml.table(self._ids[self._template.table_style], widths, rows, merged=2)

    def _map(self, document: Document, view: ActionView) -> tuple[int, etree._Element] | None:
        """Return the map column's width (twips) and the paragraph holding the map picture."""
        spec = maps.MapSpec.from_theme(self._theme.maps)
        if not spec.enabled or not view.codes:
            return None
        pad = 2 * self._theme.docx.cell_padding_mm
        width = min(
            self._theme.maps.docx.width_mm, self._template.text_width / oxml.mm(1) / 2 - pad
        )
        size, data = _map_picture(view.codes, width, self._theme, self._locale)
        # python-docx reads no EMF header: the picture part is added as it is.
        package = document.part.package
        name = package.next_partname("/word/media/image%d.emf")
        rel_id = document.part.relate_to(Part(name, CT.X_EMF, data, package), RT.IMAGE)
        cx, cy = int(Mm(size[0])), int(Mm(size[1]))
        # The same alternative text as the brochure's map: « Carte : Mali et France ».
        picture = _picture(rel_id, name.filename, cx, cy, maps.alt_text(view.codes, self._locale))
        return oxml.mm(width + pad), paragraph(self._ids["Fact Text"], [picture])

    def _entry(self, entry: Entry) -> list[etree._Element]:
        values = list(entry.values)
        paras = []
        if entry.label is not None and values:
            # "Budget : 98 525 €" reads as one line; the locale decides the separator.
            pattern = self._locale.format("label_value", label=_LABEL, value=_VALUE)
            term, _, tail = pattern.partition(_VALUE)
            runs = [run(term.replace(_LABEL, entry.label), self._ids["Fact Term"])]
            runs += [run(text) for text in (values.pop(0), tail) if text]
            paras.append(paragraph(self._ids["Fact Text"], runs))
        paras.extend(self._para("Fact Text", value) for value in values)
        return paras

    def _section(self, document: Document, section: Section) -> list[etree._Element]:
        paras = [self._para("Heading 1", section.heading)]
        for block in section.blocks:
            paras.extend(self._block(document, block))
        return paras

    def _block(self, document: Document, block: Block) -> list[etree._Element]:
        if isinstance(block, Para):
            return [self._rich("Normal", block)]
        if not block.ordered:
            # The style carries the list: Enter in Word or LibreOffice continues it.
            return [self._rich("List Bullet", item) for item in block.items]
        # Each numbered list restarts at its own start: a new w:num of the same definition.
        numbering = document.part.numbering_part.element
        num_id = 1 + max(int(n.get(oxml.qn("w:numId"))) for n in numbering.iter(oxml.qn("w:num")))
        instance = oxml.numbering_instance(num_id, self._template.number_definition, block.start)
        oxml.insert_before(numbering, instance, ("numIdMacAtCleanup",))
        return [self._rich("List Number", item, (num_id, 0)) for item in block.items]

    def _photo(self, document: Document, view: ActionView) -> tuple[list[etree._Element], bytes]:
        photo = view.photo
        assert photo is not None
        box = self._theme.docx.photo
        # Within the text column: the page's text width less the Figure style's indent.
        width = min(Mm(box.max_width_mm), Twips(self._template.text_width))
        height = Mm(box.max_height_mm)
        w_px, h_px = photos.pixel_size(photo.data)
        scale = min(width / w_px, height / h_px)
        cx, cy = int(w_px * scale), int(h_px * scale)
        # A camera's 24 megapixels would make every sheet heavy: resample to the placed size.
        dpi = box.dpi
        max_px = (max(1, round(cx / 914400 * dpi)), max(1, round(cy / 914400 * dpi)))
        data = photos.prepare(photo.data, max_px, cmyk=False)
        rel_id, image = document.part.get_or_add_image(io.BytesIO(data))
        # Drawing ids are numbered once the whole document is built (renumber_drawings).
        # The alternative text Word shows and reads out.
        paras = [
            paragraph(self._ids["Figure"], [_picture(rel_id, image.filename, cx, cy, photo.alt)])
        ]
        if photo.credit:
            paras.append(self._para("Caption", photo.credit))
        return paras, data

    # Header, footer and properties --------------------------------------------------------

    def _header(self, document: Document, view: ActionView) -> None:
        header = document.sections[0].header.part.element
        number = self._locale.label("action_number").format(n=view.number)
        runs = [run(self._programme), oxml.right_tab(), run(number)]
        header.append(paragraph(self._ids["Header"], runs))
        # Who publishes, its logo first: the same style, so one rule closes both lines.
        identity = [self._header_logo(document)] if self._logo is not None else []
        if self._publisher:
            identity += [run(" "), run(self._publisher)] if identity else [run(self._publisher)]
        if identity:
            header.append(paragraph(self._ids["Header"], identity))

    def _header_logo(self, document: Document) -> etree._Element:
        """Return a run holding the publisher's logo, as tall as the theme says."""
        assert self._logo is not None
        part = document.sections[0].header.part
        rel_id, image = part.get_or_add_image(io.BytesIO(self._logo))
        w_px, h_px = photos.pixel_size(self._logo)
        cy = int(Mm(self._theme.docx.header_logo_height_mm))
        cx = int(cy * w_px / h_px)
        return _picture(rel_id, image.filename, cx, cy, self._publisher or self._programme)

    def _properties(self, document: Document, view: ActionView) -> None:
        properties = document.core_properties
        properties.title = _property(view.title)
        properties.subject = _property(self._programme)
        properties.author = _property(self._publisher)
        properties.last_modified_by = _property(self._publisher)
        properties.language = self._locale.tag
        properties.keywords = _property(self._keywords)
        properties.revision = 1
        when = dt.datetime.fromtimestamp(self._epoch, dt.UTC).replace(tzinfo=None)
        properties.created = when
        properties.modified = when


_PICTURES: dict[tuple[object, ...], tuple[tuple[float, float], bytes]] = {}


def _map_picture(
    codes: tuple[str, ...], width: float, theme: Theme, locale: Locale
) -> tuple[tuple[float, float], bytes]:
    """Return the size (mm) and EMF of a map; actions in the same countries share it."""
    # The inset labels are the only words: country names, which depend on the Babel locale.
    key = (codes, width, theme, locale.babel)
    if key not in _PICTURES:
        if len(_PICTURES) >= 256:  # a long content set of many country sets: bounded memory
            _PICTURES.clear()
        box = theme.maps.docx
        layout = maps.layout(
            codes,
            width,
            box.max_height_mm,
            box.min_height_mm,
            maps.MapSpec.from_theme(theme.maps),
            lambda code: ty.country_name(code, locale),
        )
        size = (layout.width, layout.height)
        _PICTURES[key] = size, mapemf.emf(layout, theme)
    return _PICTURES[key]


def _picture(rel_id: str, filename: str, cx: int, cy: int, alt: str) -> etree._Element:
    """Return a run holding an inline picture with its alternative text.

    Its distances from the text are written as zero: LibreOffice reads absent ones as
    Word's default for floating pictures (3.2 mm), which pushed the map past its cell.
    """
    inline = CT_Inline.new_pic_inline(0, rel_id, filename, cx, cy)
    for side in ("distT", "distB", "distL", "distR"):
        inline.set(side, "0")
    inline.docPr.set("descr", alt)
    return oxml.el("w:r", None, oxml.el("w:drawing", None, inline))


def _property(text: str | None) -> str | None:
    """Fit a core property in the 255 characters the format allows (the body keeps it whole)."""
    if text is None or len(text) <= 255:
        return text
    return text[:254] + "…"
