"""The brochure's pages: cover, introduction, contents, overview, actions, back cover.

`Brochure` turns the programme view into page templates and a story. Every label and
value comes from the view or the locale; every size, colour and font from the theme.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    FrameBreak,
    KeepInFrame,
    NextPageTemplate,
    PageBreak,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import _listWrapOn
from reportlab.platypus.frames import Frame

from .. import glossary, maps, typography
from ..i18n import Locale
from ..present import ActionView, Fact, ProgrammeView, collation_key
from ..theme import MM, Theme
from . import chart, images
from .columns import LazySpread, Spread
from .document import MirroredTemplate
from .factory import Factory
from .flowables import OutlineEntry, PageIf, TocEntry, fill, markup, pdf_text
from .furniture import Furniture, Motif
from .geometry import Geometry
from .maps import MapFlowable
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
        self.map_layouts: dict[Any, Any] = {}  # the same countries at the same size: laid out once
        self.g = Geometry.from_theme(theme, screen=screen)
        self.styles = Styles(
            theme,
            screen=screen,
            language=locale.tag,
            exceptions=locale.typography.no_hyphenation,
            foreign=locale.typography.foreign_patterns,
        )
        self.furniture = Furniture(
            self.g, self.styles, marks=not screen, cover_rule=theme.page.cover_rule_mm * MM
        )
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

    def _tie(self, title: str) -> str:
        """Return a display title whose lines never end on an article or a preposition."""
        return typography.tie_title(title, self.loc.typography)

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
        self.back_matter()
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
            title = [make.para(self._tie(v.title), "cover_title", "H1", balance=True)]
            if v.subtitle:
                title.append(make.para(v.subtitle, "cover_subtitle"))
            lower = self._cover_lower(width, pub_h)
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
        if lower:
            self.story += self._bottom(lower, width, pub_h)

    def _cover_lower(self, width: float, height: float) -> list[Any]:
        """Return the cover's lower part: the cover picture (or, without one, the map of the
        programme's countries), then publisher, date and logo."""
        ident = self.view.identity
        if ident is None or not ident.publisher:
            return []
        with self.make.untagged():  # measured first, made after what it follows
            below = _listWrapOn([self._publisher(width)], width, None)[1]
        room = height - below - self.theme.page.band_padding_mm * MM
        out: list[Any] = []
        if ident.cover is not None and room > self.theme.page.identity.picture_min_mm * MM:
            picture = self._picture(ident.cover, width, room)
            out += picture if isinstance(picture, list) else [picture]
        elif ident.cover is None:  # no picture: the programme's countries fill the white
            codes = {c for a in self.view.actions for c in a.codes}
            out += self._map(sorted(codes, key=self._collate), "cover", room)
        return [*out, self._publisher(width)]

    def _publisher(self, width: float) -> Table:
        """Return the cover's publisher, date and logo (or wordmark), side by side."""
        make, ident = self.make, self.view.identity
        assert ident is not None and ident.publisher
        name = ident.publisher_name or ident.publisher
        left = [
            make.para(ident.published_by or "", "cover_label"),
            make.para(name, "cover_publisher"),
        ]
        if ident.date:
            left.append(make.para(ident.date, "cover_date"))
        mark_w = width * self.theme.page.identity.logo_width_fraction
        # Without a logo, a wordmark that only repeats the name beside it is left out.
        repeats = ident.logo is None and (ident.wordmark or "").casefold() == name.casefold()
        mark = (
            ""
            if repeats
            else self._mark(mark_w, self.theme.page.identity.logo_height_mm * MM, "wordmark")
        )
        grid = Table(
            [[left, mark]],
            colWidths=[width - mark_w, mark_w],
            hAlign="LEFT",
            style=TableStyle(
                [
                    *self._plain_grid(),
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                    ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                ]
            ),
        )
        grid.role = "Div"
        return grid

    def _plain_grid(self) -> list[Any]:
        return [
            ("FONTNAME", (0, 0), (-1, -1), self.styles.font()),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ]

    def _picture(self, photo: Any, width: float, height: float) -> Any:
        """Return a picture (PhotoView) as a Figure, with its credit under it if any."""
        make = self.make
        caption = make.para(photo.credit, "caption", "Caption") if photo.credit else None
        if caption is not None:
            height -= _listWrapOn([caption], width, None)[1] + 2
        image = self._image(photo.data, width, height)
        image.keepWithNext = int(caption is not None)
        fig = make.figure(image, photo.alt)
        return [fig, caption] if caption is not None else fig

    def _image(self, source: bytes, width: float, height: float) -> Any:
        spec = self.theme.page.photo
        return images.photo(
            source,
            width,
            height,
            dpi=spec.screen_dpi if self.screen else spec.dpi,
            cmyk=not self.screen,
        )

    def _mark(self, width: float, height: float, style: str) -> Any:
        """Return the publisher's logo as a Figure, or its name set as a wordmark."""
        ident = self.view.identity
        assert ident is not None and ident.publisher
        if ident.logo is not None:
            image = self._image(ident.logo, width, height)
            image.hAlign = "RIGHT"
            return self.make.figure(image, ident.publisher)
        if not ident.wordmark:
            return ""
        # One line, shrunk if needed to the room it has.
        ts = self.styles.text(style)
        font = self.styles.font(ts.family, ts.bold, ts.italic)
        text = pdf_text(ident.wordmark)
        wide = stringWidth(text, font, ts.size_pt) + ts.tracking_pt * len(text)
        ratio = min(1.0, 0.96 * width / wide) if wide else 1.0
        self.styles.derived(
            f"{style}-fit", style, fontSize=ts.size_pt * ratio, leading=ts.leading_pt * ratio
        )
        return self.make.para(ident.wordmark, f"{style}-fit")

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
        # The chart's scale: one budget dwarfing the others does not flatten them.
        brk = self.theme.chart.scale_break
        most = chart.scale_top(budgets, brk.ratio, brk.headroom)
        return Motif(
            lengths=tuple(min(1.0, float(b / most)) for b in budgets),
            inner=tuple(min(1.0, float(a.granted / most)) for a in self.view.actions),
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
            # The body takes the measure and the place of an action's main column; the
            # programme's key figures stand in the sidebar's place, beside it.
            self.story.append(
                Spread(
                    self._key_figures(),
                    make.blocks(blocks, "intro", "bullet"),
                    side_width=self.g.side_width,
                    gap=self.g.side_gap,
                    padding=0,
                    inset=0,
                )
            )

    def _key_figures(self) -> list[Any]:
        """Return the key figures the theme puts beside the introduction, each under a rule."""
        make, spec = self.make, self.theme.page.intro_figures
        wanted = list(spec.figures)
        figures = sorted(
            (f for f in self.view.figures if f.key in wanted), key=lambda f: wanted.index(f.key)
        )
        rule = self.styles.colour(spec.rule_colour)
        out: list[Any] = []
        for f in figures:
            cell = [make.para(f.value, "intro_figure"), make.para(f.label, "overview_label")]
            if f.note:
                cell.append(make.para(f.note, "overview_note"))
            table = Table(
                [[cell]],
                colWidths=[self.g.side_width],
                hAlign="LEFT",
                style=TableStyle(
                    [
                        *self._plain_grid(),
                        (
                            "TOPPADDING",
                            (0, 0),
                            (-1, -1),
                            self.theme.page.overview.rule_space_mm * MM,
                        ),
                        ("LINEABOVE", (0, 0), (-1, 0), spec.rule_width_pt, rule),
                    ]
                ),
            )
            table.role = "Div"
            table.spaceAfter = spec.space_mm * MM
            out.append(table)
        return out

    def contents(self) -> None:
        label = self.loc.label("contents")
        self._inner("contents", label)
        self._start("contents")
        make, loc = self.make, self.loc
        start = len(self.story)
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
                if self.view.partners or self.view.glossary:
                    with make.group("TOCI"):
                        self.story.append(make.para(loc.label("back_matter"), "toc_group"))
                        with make.group("TOC"):
                            for key, title in self._annexes():
                                self.story.append(self._toc_entry(None, title, key))
        self._spread_out(self.story[start:])

    def _spread_out(self, page: list[Any]) -> None:
        """Share a one-page contents' free height among its entries: no half-empty page.

        Each entry's space grows by at most `toc.spread` times its own, so a short
        contents stays a list, not a few lines scattered over the page.
        """
        g = self.g
        height = _listWrapOn(page, g.text_width(), None)[1]
        entries = [f for f in page if isinstance(f, TocEntry)]
        free = g.text_height - height - self.styles["toc_entry"].leading
        if free <= 0 or not entries:
            return
        most = self.styles["toc_entry"].leading * self.theme.page.toc.spread_fraction
        extra = min(free / len(entries), most)
        for entry in entries:
            entry.extra = extra

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
            codes = tuple(c for a in v.actions for c in a.codes)
            self.story += self._map(sorted(set(codes), key=self._collate), "overview")
            if v.actions:
                legend = (loc.label("chart_budget"), loc.label("chart_granted"))
                bars = chart.BarChart(
                    chart.rows(v.actions, loc), legend, self.styles, self.theme.chart
                )
                title = make.para(loc.label("chart_title"), "heading2", "H2")
                # The chart and its heading start a page rather than split after a map
                # (measured as small as its bars may shrink; it then grows into the room).
                with make.untagged():
                    head = make.para(loc.label("chart_title"), "heading2")
                small = chart.BarChart(
                    chart.rows(v.actions, loc), legend, self.styles, self.theme.chart, grows=False
                )
                small.bar, small.bar_gap, small.group_gap = (
                    d * self.theme.chart.shrink_min for d in small._base
                )
                need = _listWrapOn([head, small], self.g.text_width(), None)[1]
                self.story.append(CondPageBreak(min(need, self.g.text_height)))
                self.story.append(title)
                alt = chart.alt_text(v.actions, loc)
                self.story.append(make.figure(bars, alt, splits=True))

    def _collate(self, code: str) -> tuple[str, str]:
        return collation_key(typography.country_name(code, self.loc))

    def _map(self, codes: Any, kind: str, room: float | None = None) -> list[Any]:
        """Return a map figure highlighting `codes` (none when off in the theme, no codes,
        or less `room` in height than the map's least)."""
        spec = maps.MapSpec.from_theme(self.theme.maps)
        codes = tuple(codes)
        box = getattr(self.theme.maps, kind)
        most = box.max_height_mm if room is None else min(box.max_height_mm, room / MM)
        if not spec.enabled or not codes or most < box.min_height_mm:
            return []
        name = lambda code: typography.country_name(code, self.loc)  # noqa: E731
        flowable = MapFlowable(
            codes, self.styles, spec, (most, box.min_height_mm), name, self.map_layouts
        )
        if box.legend:  # what the rings of the small countries are
            flowable.legend = self.loc.label("map_ring_legend")
        alt = maps.alt_text(codes, self.loc)
        # In a sidebar, the space of its text: the next heading's own space keeps it apart.
        after = {"overview": "overview_countries", "action": "sidebar_text"}.get(kind)
        flowable.spaceAfter = (
            self.styles[after].spaceAfter if after else self.theme.page.band_padding_mm * MM
        )
        return [self.make.figure(flowable, alt)]

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
            make.para(self._tie(a.title), "action_title", "H1", outline=outline, balance=True),
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
            # « Action 3 · title (suite) »: the furniture shortens the title only.
            before, _, after = self._pattern("running_continued").partition("{title}")
            number = loc.label("action_number").format(n=a.number)
            running = (before.format(number=number), a.title, after.format(number=number))
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
                    tint=self.styles.colour("tint"),
                )
            )

    def _sidebar(self, a: ActionView) -> list[Any]:
        out: list[Any] = []
        whole = self.theme.page.sidebar.figure_facts
        for fact in a.facts:
            out.append(self.make.para(fact.heading, "sidebar_heading", "H2"))
            entries = self._entries(fact)
            # A fact of figures goes to a page whole (« Part financée » never alone); in a
            # list, the last line never goes to the next page alone.
            for entry in entries[:-1] if fact.key in whole else entries[-2:-1]:
                entry.keepWithNext = 1
            out += entries
            if fact.key == "locations":
                out += self._map(a.codes, "action")
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

    # -- back matter ----------------------------------------------------------------------------

    def _annexes(self) -> list[tuple[str, str]]:
        """Return the back matter's pages: key and title."""
        out = []
        if self.view.partners:
            out.append(("partners", self.loc.label("partners_title")))
        if self.view.glossary:
            out.append(("glossary", self.loc.label("glossary_title")))
        return out

    def back_matter(self) -> None:
        """Add the partners and the glossary, then, in print, notes pages up to the multiple.

        The print file's page count is a multiple of `page_multiple` (4 for saddle
        stitching): the pages that make it up are notes pages, decided during the layout,
        never blank ones.
        """
        section = self.loc.label("back_matter")
        if self._annexes():
            self._inner("annex", section)
        for key, title in self._annexes():
            self._start("annex")
            make = self.make
            with make.section(key, title):
                self.story.append(
                    make.para(title, "heading1", "H1", outline=self._outline(key, title))
                )
                self.story += self._partners() if key == "partners" else self._glossary()
        if self.screen:
            return
        g = self.g
        self._template(
            "notes",
            [self._frame("notes", g.inside, g.bottom, g.text_width(), g.text_height)],
            self.furniture.notes(
                self._programme, section, self.loc.label("notes_title"), self.theme.page.annex
            ),
        )
        # The heading and lines are drawn by the page (artifacts: a page to write on, no
        # content to read out); a page holding nothing is not emitted, hence the spacer.
        multiple = self.theme.page.page_multiple
        for _ in range(multiple - 1):
            page = [NextPageTemplate("notes"), PageBreak(), Spacer(1, 1)]
            self.story.append(PageIf(lambda n: (n + 1) % multiple != 0, page))

    def _partners(self) -> list[Any]:
        make, loc, v = self.make, self.loc, self.view
        out: list[Any] = [
            make.para(
                loc.label("partners_count", v.partner_count).format(
                    n=typography.number(v.partner_count, loc)
                ),
                "lead_in",
            )
        ]
        rows = []
        for group in v.partners:
            head = [
                make.para(loc.label("action_number").format(n=group.number), "annex_number"),
                make.para(self._tie(group.title), "annex_title"),
            ]
            lead = fill(
                self._pattern("label_value"),
                label=f"<b>{markup(loc.label('lead'))}</b>",
                value=markup(group.lead),
            )
            body = [make.para(lead, "annex_text", raw=True)]
            body += [make.para(p, "annex_text") for p in group.partners]
            rows.append([head, "", body])
        return out + self._grid(rows, space=self.theme.page.annex.group_space_mm * MM)

    def _glossary(self) -> list[Any]:
        make = self.make
        rows = [
            [[make.para(term, "annex_term")], "", [make.para(glossary.display(text), "annex_text")]]
            for term, text in self.view.glossary
        ]
        return self._grid(rows, left=self.theme.page.annex.term_width_mm * MM)

    def _grid(
        self, rows: list[list[Any]], *, left: float = 0, space: float | None = None
    ) -> list[Any]:
        """Return two-column rows: a heading on the left, its text at the main column.

        Each row is a Spread, so a row longer than a page continues on the next one.
        """
        g = self.g
        if space is None:
            space = self.theme.page.annex.row_space_mm * MM
        out: list[Any] = []
        for head, _, body in rows:
            out.append(
                Spread(
                    head, body, side_width=left or g.side_width, gap=g.side_gap, padding=0, inset=0
                )
            )
            out.append(Spacer(1, space))
        return out[:-1]

    # -- back cover -----------------------------------------------------------------------------

    def back(self) -> None:
        """The back cover: title and publisher on the colour field; contacts, supporters,
        credits and legal notice on a paper panel at the foot."""
        g, make, v, _loc = self.g, self.make, self.view, self.loc
        ident = v.identity
        width, height = g.text_width(), g.text_height
        pad = self.theme.page.band_padding_mm * MM
        with make.section("back", v.title):
            block = [make.para(self._tie(v.title), "back_title", balance=True)]
            if v.subtitle:
                block.append(make.para(v.subtitle, "back_text"))
            if ident is not None and ident.publisher:
                block.append(make.para(ident.published_by or "", "back_label"))
                block.append(make.para(ident.publisher_name or ident.publisher, "back_text"))
                block += [make.para(line, "back_contact") for line in ident.contacts]
            block[0].page_key = "back"
            foot = self._back_foot(width) if ident is not None else []
        foot_h = _listWrapOn(foot, width, None)[1] + 2 * pad if foot else 0.0
        panel = foot_h + g.bottom - pad if foot else 0.0
        frames = [self._frame("back", g.inside, g.bottom + panel, width, height - panel)]
        if foot:
            frames.append(self._frame("back-foot", g.inside, g.bottom, width, foot_h - pad))
        self._template("back", frames, self.furniture.back(panel))
        self._start("back")
        self.story += self._bottom(block, width, height - panel - pad)
        if foot:
            self.story.append(FrameBreak())
            self.story += self._bottom(foot, width, foot_h - pad)

    def _back_foot(self, width: float) -> list[Any]:
        """Return the paper panel's content: supporters and their logos, credits, legal."""
        make, ident = self.make, self.view.identity
        assert ident is not None
        out: list[Any] = []
        mark_w = width * self.theme.page.identity.logo_width_fraction
        room = width - mark_w if ident.publisher else width
        if ident.supporters:
            out.append(make.para(ident.supporters_label, "back_foot_label"))
            h = self.theme.page.identity.supporter_height_mm * MM
            w = self.theme.page.identity.supporter_width_mm * MM
            gap = self.theme.page.identity.supporter_gap_mm * MM
            per_row = max(1, int((room + gap) // (w + gap)))
            cells = []
            for sup in ident.supporters:
                if sup.logo is not None:
                    cells.append(make.figure(self._image(sup.logo, w, h), sup.name))
                else:
                    cells.append(make.para(sup.name, "back_foot_name"))
            rows = [cells[i : i + per_row] for i in range(0, len(cells), per_row)]
            rows = [r + [""] * (per_row - len(r)) for r in rows]
            grid = Table(
                rows,
                colWidths=[w + gap] * per_row,
                hAlign="LEFT",
                style=TableStyle(
                    [
                        *self._plain_grid(),
                        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                        ("RIGHTPADDING", (0, 0), (-1, -1), gap),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), gap / 2),
                    ]
                ),
            )
            grid.role = "Div"
            out.append(grid)
        lines = [*ident.credits, *ident.legal]
        if lines:
            out += [make.para(line, "back_foot_text") for line in lines]
        if not ident.publisher:
            return out
        # The publisher's logo or wordmark closes the panel, at the right, as on the cover.
        mark = self._mark(mark_w, self.theme.page.identity.logo_height_mm * MM, "wordmark")
        grid = Table(
            [[out or "", mark]],
            colWidths=[room, mark_w],
            hAlign="LEFT",
            style=TableStyle([*self._plain_grid(), ("VALIGN", (0, 0), (-1, -1), "BOTTOM")]),
        )
        grid.role = "Div"
        return [grid]
