"""The brochure's pages: cover, introduction, contents, overview, actions, back cover.

`Brochure` turns the programme view into page templates and a story. Every label and
value comes from the view or the locale; every size, colour and font from the theme.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    DocIf,
    FrameBreak,
    Indenter,
    KeepInFrame,
    NextPageTemplate,
    PageBreak,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import _listWrapOn
from reportlab.platypus.frames import Frame

from ..i18n import Locale
from ..present import ActionView, Fact, ProgrammeView
from ..theme import MM, Theme
from . import chart, images
from .columns import LazySpread
from .document import MirroredTemplate
from .factory import Factory
from .flowables import OutlineEntry, TocEntry, fill, markup, pdf_text
from .furniture import Furniture, Motif
from .geometry import Geometry
from .styles import Styles
from .tagging import StructTree


class Brochure:
    """Page templates and story of one brochure, for print or for screen."""

    def __init__(
        self,
        view: ProgrammeView,
        theme: Theme,
        locale: Locale,
        *,
        screen: bool,
        tree: StructTree | None = None,
    ) -> None:
        self.view, self.theme, self.loc = view, theme, locale
        self.screen = screen
        self.g = Geometry.from_theme(theme, screen=screen)
        self.styles = Styles(theme, screen=screen, language=locale.tag)
        self.furniture = Furniture(self.g, self.styles, marks=not screen)
        self.make = Factory(
            self.styles,
            lambda n: locale.format("list_number", n=n),
            theme.page.bullet,
            theme.page.bullet_gap_em,
            tree,
        )
        self.templates: list[MirroredTemplate] = []
        self.story: list[Any] = []

    # -- helpers --------------------------------------------------------------------------------

    def _frame(self, id: str, x: float, y: float, w: float, h: float) -> Frame:
        """Return a frame in trim coordinates (laid out for a recto), without padding."""
        s = self.g.slug
        return Frame(
            s + x, s + y, w, h, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id=id
        )

    def _template(self, id: str, frames: list[Frame], on_page: Any, **kw: Any) -> None:
        self.templates.append(MirroredTemplate(id, frames, on_page, self.g, **kw))

    def _start(self, template: str) -> None:
        """Begin a new page with `template` (the very first page needs no break)."""
        if self.story:
            self.story += [NextPageTemplate(template), PageBreak()]

    def _bottom(self, flowables: list[Any], width: float, height: float) -> list[Any]:
        """Return flowables that sit at the bottom of a frame, shrunk if they cannot fit."""
        h = _listWrapOn(flowables, width, None)[1]
        if h <= height - 1:
            return [Spacer(width, height - h - 1), *flowables]
        return [KeepInFrame(width, height - 1, flowables, mode="shrink")]

    def _pattern(self, key: str) -> str:
        """Return a locale format unfilled, to fill with markup (see flowables.fill)."""
        if key not in self.loc.formats:
            self.loc.format(key)  # raises the ConfigError naming the missing format
        return str(self.loc.formats[key])

    @property
    def _programme(self) -> str:
        return self.view.title

    def _outline(self, key: str, label: str) -> tuple[OutlineEntry, ...]:
        return (OutlineEntry(key, label, 0),)

    # -- pages ----------------------------------------------------------------------------------

    def build(self) -> tuple[list[MirroredTemplate], list[Any]]:
        """Return the page templates and the story."""
        self.cover()
        self.introduction()
        self.contents()
        self.overview()
        for action in self.view.actions:
            self.action(action)
        self.back()
        return self.templates, self.story

    def cover(self) -> None:
        g, v, make = self.g, self.view, self.make
        field = g.height * g.cover_band
        rule = self.theme.page.cover_rule_mm * MM
        width = g.text_width()
        title_h = field - g.top - self.theme.page.band_padding_mm * MM
        below = g.height - field - rule
        pub_h = below - g.bottom - self.theme.page.band_padding_mm * MM
        with make.section("cover", v.title):
            title = [make.para(v.title, "cover_title", "H1", balance=True)]
            if v.subtitle:
                title.append(make.para(v.subtitle, "cover_subtitle"))
            publisher = []
            if v.publisher:
                publisher = [
                    make.para(self.loc.label("published_by"), "cover_label"),
                    make.para(v.publisher, "cover_publisher"),
                ]
        title_bottom = below + rule + self.theme.page.band_padding_mm * MM
        self._template(
            "cover",
            [
                self._frame("cover-title", g.inside, title_bottom, width, title_h),
                self._frame("cover-publisher", g.inside, g.bottom, width, pub_h),
            ],
            self.furniture.cover(rule, self._motif(title, title_bottom)),
        )
        self.story += self._bottom(title, width, title_h)
        self.story.append(FrameBreak())
        if publisher:
            self.story += self._bottom(publisher, width, pub_h)

    def _motif(self, title: list[Any], title_bottom: float) -> Motif | None:
        """Return the cover's bars (one per action, by budget) over the title, if room."""
        spec, g = self.theme.page.cover_motif, self.g
        budgets = [a.budget for a in self.view.actions]
        if not budgets or not max(budgets):
            return None
        top = g.height - g.top
        bottom = (
            title_bottom
            + _listWrapOn(title, g.text_width(), None)[1]
            + self.theme.page.band_top_mm * MM
        )
        if top - bottom < len(budgets) * (self.theme.page.cover_motif.bar_mm * MM):
            return None
        most = max(budgets)
        return Motif(
            lengths=tuple(float(b / most) for b in budgets),
            inner=tuple(float(a.granted / most) for a in self.view.actions),
            top=top,
            bottom=bottom,
            width=g.width * spec.width_fraction,
            bar=self.theme.page.cover_motif.bar_mm * MM,
            pitch=self.theme.page.cover_motif.pitch_mm * MM,
            colour=spec.colour,
            inner_colour=spec.inner_colour,
        )

    def _inner(self, id: str, section: str) -> None:
        g = self.g
        self._template(
            id,
            [self._frame(id, g.inside, g.bottom, g.text_width(), g.text_height)],
            self.furniture.inner(self._programme, section),
        )

    def introduction(self) -> None:
        label = self.loc.label("introduction")
        self._inner("introduction", label)
        self._start("introduction")
        make = self.make
        with make.section("introduction", label):
            self.story.append(
                make.para(label, "heading1", "H1", outline=self._outline("introduction", label))
            )
            blocks = list(self.view.intro)
            lead = []
            if blocks and not hasattr(blocks[0], "items"):
                lead = [make.rich(blocks.pop(0), "lead_in")]
            self.story += lead
            # The body takes the measure and the place of an action's main column.
            indent = self.g.side_width + self.g.side_gap
            self.story.append(Indenter(left=indent))
            self.story += make.blocks(blocks, "intro", "bullet")
            self.story.append(Indenter(left=-indent))

    def contents(self) -> None:
        label = self.loc.label("contents")
        self._inner("contents", label)
        self._start("contents")
        make, loc = self.make, self.loc
        with make.section("contents", label):
            # The heading stands before the TOC: a TOC holds only TOCI, TOC and Caption.
            self.story.append(
                make.para(label, "toc_title", "H1", outline=self._outline("contents", label))
            )
            with make.group("TOC"):
                self.story.append(self._toc_entry(None, loc.label("introduction"), "introduction"))
                self.story.append(self._toc_entry(None, loc.label("overview"), "overview"))
                if self.view.actions:
                    # The group label and its entries: TOCI (P, TOC (TOCI...)).
                    with make.group("TOCI"):
                        self.story.append(make.para(loc.label("actions_section"), "toc_group"))
                        with make.group("TOC"):
                            for a in self.view.actions:
                                number, key = str(a.number), f"action-{a.number}"
                                self.story.append(self._toc_entry(number, a.title, key))

    def _toc_entry(self, number: str | None, title: str, key: str) -> TocEntry:
        # The page number is a placeholder of the same height, filled in after the layout.
        return self.make.toc_entry(
            number,
            title,
            "0",
            key,
            styles=("toc_number", "toc_entry", "toc_page"),
            number_width=self.theme.page.toc.number_width_mm * MM,
            page_width=self.theme.page.toc.page_width_mm * MM,
            rule=(
                self.styles.colour(self.theme.page.toc.rule_colour),
                self.theme.page.toc.rule_width_pt,
            ),
        )

    def overview(self) -> None:
        label = self.loc.label("overview")
        self._inner("overview", label)
        self._start("overview")
        make, loc, v = self.make, self.loc, self.view
        with make.section("overview", label):
            self.story.append(
                make.para(label, "heading1", "H1", outline=self._outline("overview", label))
            )
            self.story.append(self._figures())
            if v.country_names:
                names = loc.format("list_join").join(v.country_names)
                text = fill(
                    self._pattern("label_value"),
                    label=f"<b>{markup(loc.label('countries'))}</b>",
                    value=markup(names),
                )
                self.story.append(make.para(text, "overview_countries", raw=True))
            if v.actions:
                self.story.append(make.para(loc.label("chart_title"), "heading2", "H2"))
                legend = (loc.label("chart_budget"), loc.label("chart_granted"))
                bars = chart.BarChart(
                    chart.rows(v.actions, loc), legend, self.styles, self.theme.chart
                )
                alt = chart.alt_text(v.actions, loc)
                self.story.append(make.figure(bars, alt, splits=True))

    def _figures(self) -> Table:
        make, spec = self.make, self.theme.page.overview
        cols, gap = spec.columns, self.theme.page.overview.gap_mm * MM
        col_w = (self.g.text_width() - gap * (cols - 1)) / cols
        # One size for every figure, shrunk if needed so the widest stays on one line.
        fs = self.styles["overview_figure"]
        widest = max(
            (stringWidth(pdf_text(f.value), fs.fontName, fs.fontSize) for f in self.view.figures),
            default=0.0,
        )
        room = col_w * spec.fill_fraction
        ratio = min(1.0, room / widest) if widest else 1.0
        self.styles.derived(
            "overview_figure-fit",
            "overview_figure",
            fontSize=fs.fontSize * ratio,
            leading=fs.leading * ratio,
        )
        cells = []
        for f in self.view.figures:
            cell = [make.para(f.value, "overview_figure-fit"), make.para(f.label, "overview_label")]
            if f.note:
                cell.append(make.para(f.note, "overview_note"))
            cells.append(cell)
        rows = [cells[i : i + cols] for i in range(0, len(cells), cols)]
        # Gap columns between the figures, so each figure has its own rule above it.
        grid = [
            [x for c, cell in enumerate(row) for x in ((cell,) if c == 0 else ("", cell))]
            for row in rows
        ]
        width = 2 * cols - 1
        for row in grid:
            row += [""] * (width - len(row))
        rule = self.styles.colour(spec.rule_colour)
        style = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            (
                "FONTNAME",
                (0, 0),
                (-1, -1),
                self.styles.font(),
            ),  # not ReportLab's default, unembedded font
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), self.theme.page.overview.rule_space_mm * MM),
            ("BOTTOMPADDING", (0, 0), (-1, -1), gap),
        ]
        for r, row in enumerate(rows):
            for c in range(len(row)):
                style.append(("LINEABOVE", (2 * c, r), (2 * c, r), spec.rule_width_pt, rule))
        widths = [col_w if i % 2 == 0 else gap for i in range(width)]
        table = Table(grid, colWidths=widths, hAlign="LEFT", style=TableStyle(style))
        table.spaceAfter = self.theme.page.overview.space_after_mm * MM
        table.role = "Div"  # a layout grid: its paragraphs carry the structure, not a Table
        return table

    # -- actions --------------------------------------------------------------------------------

    def _band_head(self, a: ActionView) -> list[Any]:
        """Return the flowables of an action's band: the kicker line and the title (H1)."""
        make, loc = self.make, self.loc
        key = f"action-{a.number}"
        outline = [OutlineEntry(key, a.title, 1)]
        if a.number == 1:
            outline.insert(0, OutlineEntry("actions", loc.label("actions_section"), 0))
        number = markup(loc.label("action_number").format(n=a.number))
        ns = self.styles.text("action_number")
        font = self.styles.font(ns.family, ns.bold, ns.italic)
        number = f'<font name="{font}" size="{ns.size_pt}">{number}</font>'
        if a.place:
            number = fill(self._pattern("action_kicker"), number=number, regions=markup(a.place))
        return [
            make.para(number, "action_regions", raw=True),
            make.para(a.title, "action_title", "H1", outline=outline, balance=True),
        ]

    def _band(self, head: list[Any]) -> float:
        """Return the height of the band that holds `head` under the band's top space."""
        need = _listWrapOn(head, self.g.text_width(), None)[1] + 1
        return self.theme.page.band_top_mm * MM + need + self.theme.page.band_padding_mm * MM

    @cached_property
    def _band_needs(self) -> dict[int, float]:
        """Return the band height each action's title needs, by action number."""
        with self.make.untagged():
            return {a.number: self._band(self._band_head(a)) for a in self.view.actions}

    @cached_property
    def _uniform_band(self) -> float:
        """Return the band height every action shares, so the pages keep one rhythm."""
        needs = self._band_needs.values()
        usual = [n for n in needs if n <= self.theme.page.band_uniform_max_mm * MM]
        return max([self.g.band_height, *usual])

    def action(self, a: ActionView) -> None:
        g, make, loc = self.g, self.make, self.loc
        key = f"action-{a.number}"
        width = g.text_width()
        pad = self.theme.page.band_padding_mm * MM
        with make.section(key, a.title):
            head = self._band_head(a)
            # One band height for all; an unusually long title grows its own band, up to a
            # limit, beyond which it shrinks to fit.
            band = max(self._uniform_band, self._band_needs[a.number])
            band = min(band, g.height * self.theme.page.band_max_fraction)
            top = self.theme.page.band_top_mm * MM
            inner_h = band - top - pad
            first = [
                self._frame(f"{key}-band", g.inside, g.height - band + pad, width, inner_h),
                self._frame(f"{key}-body", g.inside, g.bottom, width, g.height - band - g.bottom),
            ]
            strip = self.theme.page.strip_height_mm * MM
            running = loc.format(
                "running_continued",
                number=loc.label("action_number").format(n=a.number),
                title=a.title,
            )
            nxt = [self._frame(f"{key}-next", g.inside, g.bottom, width, g.text_height)]
            self._template(
                key,
                first,
                self.furniture.action_first(self._programme, band),
                autoNextPageTemplate=f"{key}-next",
            )
            self._template(
                f"{key}-next", nxt, self.furniture.action_next(self._programme, running, strip)
            )
            self._start(key)
            self.story += self._bottom(head, width, inner_h)
            self.story.append(FrameBreak())
            resume = make.capture()

            def columns(a: ActionView = a) -> tuple[list[Any], list[Any]]:
                with resume():
                    return self._sidebar(a), self._main(a)

            self.story.append(
                LazySpread(
                    columns,
                    side_width=g.side_width,
                    gap=g.side_gap,
                    padding=g.side_padding,
                    inset=self.theme.page.sidebar.inset_mm * MM,
                )
            )

    def _sidebar(self, a: ActionView) -> list[Any]:
        out: list[Any] = []
        for fact in a.facts:
            out.append(self.make.para(fact.heading, "sidebar_heading", "H2"))
            out += self._entries(fact)
        return out

    def _entries(self, fact: Fact) -> list[Any]:
        make = self.make
        figure = fact.key in self.theme.page.sidebar.figure_facts
        fs = self.styles.text("sidebar_figure")
        font = self.styles.font(fs.family, fs.bold, fs.italic)
        colour = self.styles.colour.markup(fs.colour)

        def value(text: str) -> str:
            if not figure:
                return markup(text)
            return f'<font name="{font}" size="{fs.size_pt}" color="{colour}">{markup(text)}</font>'

        style = "sidebar_figure_line" if figure else "sidebar_text"
        out: list[Any] = []
        for entry in fact.entries:
            values = list(entry.values)
            if entry.label:
                first = fill(
                    self._pattern("label_value"),
                    label=markup(entry.label),
                    value=value(values.pop(0)),
                )
                out.append(make.para(first, style, raw=True))
            out += [make.para(value(v), style, raw=True) for v in values]
        return out

    def _main(self, a: ActionView) -> list[Any]:
        make = self.make
        out: list[Any] = []
        if a.photo is not None:
            spec = self.theme.page.photo
            width, max_height, _ppi = images.photo_box(self.theme, screen=self.screen)
            image = images.photo(
                a.photo.data,
                width,
                max_height,
                dpi=spec.screen_dpi if self.screen else spec.dpi,
                cmyk=not self.screen,
            )
            image.spaceAfter = 0
            image.keepWithNext = int(bool(a.photo.credit))  # the credit stays under it
            fig = make.figure(image, a.photo.alt)
            if a.photo.credit:
                out += [fig, make.para(a.photo.credit, "caption", "Caption")]
            else:
                out.append(fig)
        for section in a.sections:
            out.append(make.para(section.heading, "heading2", "H2"))
            out += make.blocks(section.blocks, "body", "bullet")
        return out

    # -- back cover -----------------------------------------------------------------------------

    def back(self) -> None:
        g, make, v = self.g, self.make, self.view
        self._template(
            "blank",
            [self._frame("blank", g.inside, g.bottom, g.text_width(), g.text_height)],
            self.furniture.blank(),
        )
        # The back cover is the last page of a whole number of sheets: for print, the page
        # count is a multiple of `page_multiple` (4 for a saddle-stitched brochure), blank
        # pages coming before the back cover; on screen, no blank page. Each DocIf adds a
        # blank page while the back cover would not be last, decided during the layout.
        # (A page that holds nothing is not emitted, hence the tiny spacer.)
        multiple = 1 if self.screen else self.theme.page.page_multiple
        for _ in range(multiple - 1):
            blank = [NextPageTemplate("blank"), PageBreak(), Spacer(1, 1)]
            self.story.append(DocIf(f"(doc.page + 1) % {multiple} != 0", blank))
        width, height = g.text_width(), g.text_height
        self._template(
            "back", [self._frame("back", g.inside, g.bottom, width, height)], self.furniture.back()
        )
        self._start("back")
        with make.section("back", v.title):
            block = [make.para(v.title, "back_title", balance=True)]
            if v.subtitle:
                block.append(make.para(v.subtitle, "back_text"))
            if v.publisher:
                block.append(make.para(self.loc.label("published_by"), "back_label"))
                block.append(make.para(v.publisher, "back_text"))
            block[0].page_key = "back"
            self.story += self._bottom(block, width, height)
