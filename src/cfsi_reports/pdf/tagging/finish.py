"""Write the structure tree, tagged-PDF catalog entries and metadata into a ReportLab PDF."""

from __future__ import annotations

import hashlib
import re
import zlib
from collections import defaultdict
from collections.abc import Iterator, Sequence
from io import BytesIO
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from .streams import mend_object_streams
from .tree import STANDARD_ROLES, AnnotMark, StructElement, StructTree, TaggingError
from .xmp import DocMeta, build_xmp, docinfo_entries, keywords_tuple

_GENERATE = pikepdf.ObjectStreamMode.generate
_DISABLE = pikepdf.ObjectStreamMode.disable
_FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


class UnembeddedFontError(TaggingError):
    """Raised when a font is not embedded (e.g. ReportLab's default Helvetica)."""


def _save(pdf: pikepdf.Pdf, *, object_streams: bool = True, version: str | None = None) -> bytes:
    out = BytesIO()
    pdf.save(
        out,
        deterministic_id=True,
        fix_metadata_version=False,  # our XMP packet is final; do not let qpdf rewrite it
        # Streams are written as they are: qpdf would otherwise decode the ASCIIHex layer
        # _fix_cr_streams adds and compress the data again, ending with the same CR.
        stream_decode_level=pikepdf.StreamDecodeLevel.none,
        object_stream_mode=_GENERATE if object_streams else _DISABLE,
        min_version=version or "1.7",
        force_version=version,
    )
    return out.getvalue()


def _is_content(obj: pikepdf.Stream, contents: set[tuple[int, int]]) -> bool:
    return obj.objgen in contents or obj.get("/Subtype") == Name.Form


def _only_flate(obj: pikepdf.Stream) -> bool:
    filters = obj.get("/Filter")
    if isinstance(filters, Array):
        filters = filters[0] if len(filters) == 1 else None
    return filters == Name.FlateDecode


def _fix_cr_streams(pdf: pikepdf.Pdf) -> int:
    """Change every stream whose data ends with CR so that it does not; return how many.

    Flate data ends with the Adler-32 of the content, so one stream in 256 ends with CR.
    Streams qpdf would compress at save time are compressed here first, so that every
    stream's final bytes are known. A content stream then ending with CR gets a trailing
    newline (the same drawing, another checksum); any other stream an ASCIIHex layer.
    """
    contents = set()
    for page in pdf.pages:
        value = page.obj.get("/Contents")
        for item in value if isinstance(value, Array) else [value] if value is not None else []:
            contents.add(item.objgen)
    count = 0
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream) or obj.get("/Type") == Name.Metadata:
            continue  # XMP metadata stays uncompressed text (PDF/A)
        if "/Filter" not in obj:
            obj.write(zlib.compress(obj.read_bytes()), filter=Name.FlateDecode)
        if not obj.read_raw_bytes().endswith(b"\r"):
            continue
        count += 1
        if _is_content(obj, contents) and _only_flate(obj):
            data = obj.read_bytes()
            while True:
                data += b"\n"
                packed = zlib.compress(data)
                if not packed.endswith(b"\r"):
                    break
            obj.write(packed, filter=Name.FlateDecode)
            continue
        filters = obj.get("/Filter")
        filters = list(filters) if isinstance(filters, Array) else [filters] if filters else []
        parms = obj.get("/DecodeParms")
        parms = list(parms) if isinstance(parms, Array) else [parms] * len(filters)
        obj.write(
            obj.read_raw_bytes().hex().encode() + b">",
            filter=Array([Name.ASCIIHexDecode, *filters]),
            decode_parms=Array([None, *parms]) if any(p is not None for p in parms) else None,
        )
    return count


def _direct_dictionaries(pdf: pikepdf.Pdf) -> Iterator[tuple[Dictionary, str]]:
    """Yield (holder, key) of direct dictionaries, in a fixed order: catalog, then pages."""
    holders = [pdf.Root] + [page.obj for page in pdf.pages]
    for holder in holders:
        for key in sorted(holder.keys()):
            value = holder[key]
            if isinstance(value, Dictionary) and not value.is_indirect:
                yield holder, key


def _renumber(pdf: pikepdf.Pdf) -> bool:
    """Make one more direct dictionary indirect; False if none is left.

    Every object after it gets a new number, so the object and xref streams qpdf
    generates hold other data; the document means the same.
    """
    for holder, key in _direct_dictionaries(pdf):
        holder[key] = pdf.make_indirect(holder[key])
        return True
    return False


MAX_RENUMBERING = 12


def save_deterministic(pdf: pikepdf.Pdf, *, version: str | None = None) -> bytes:
    """Save `pdf` to bytes that depend only on its content (no time, no random /ID).

    `version` forces the header's PDF version (PDF/X-4 files say 1.6); by default 1.7.
    """
    # Stream data ending with CR before qpdf's LF looks like a CRLF end-of-line, so
    # validators (veraPDF, page) then count one byte less than /Length: avoid that shape.
    _fix_cr_streams(pdf)
    # What is left is an object or xref stream qpdf generates (1 chance in 256 each): mend
    # the object streams in the file (streams.py); failing that, number the objects
    # differently and save again, which keeps the compressed object streams.
    data = _mended(_save(pdf, version=version))
    for _ in range(MAX_RENUMBERING):
        if b"\r\nendstream" not in data or not _renumber(pdf):
            break
        data = _mended(_save(pdf, version=version))
    if b"\r\nendstream" in data:
        data = _save(pdf, object_streams=False, version=version)
    return data


def _mended(data: bytes) -> bytes:
    if b"\r\nendstream" not in data:
        return data
    return mend_object_streams(data) or data


def _text(value: str) -> String:
    """Return a PDF text string (PDFDocEncoding or UTF-16BE, as pikepdf chooses)."""
    return String(value)


def _attr_value(value: Any) -> Any:
    """Convert an attribute value: '/Name' strings become names, sequences arrays."""
    if isinstance(value, str):
        return Name(value) if value.startswith("/") else _text(value)
    if isinstance(value, list | tuple):
        return Array([_attr_value(v) for v in value])
    return value


class _Writer:
    """Turn a StructTree and its recorded marks into PDF objects in an open pikepdf.Pdf."""

    def __init__(self, pdf: pikepdf.Pdf, tree: StructTree) -> None:
        self.pdf = pdf
        self.tree = tree
        self.pages = [p.obj for p in pdf.pages]
        self.content: dict[StructElement, list[tuple[int, int]]] = defaultdict(list)
        self.objrs: dict[StructElement, list[AnnotMark]] = defaultdict(list)
        # Link elements made here for annotations; kept out of the caller's tree.
        self.extra: dict[StructElement, list[StructElement]] = defaultdict(list)
        self.parents: dict[int, Any] = {}
        self.page_nums: dict[int, list[Any]] = {}
        self.next_key = len(self.pages)

    def collect(self) -> None:
        """Index the recorded marked content and annotations by element."""
        root = self.tree.root
        for page, elements in enumerate(self.tree.pages):
            for mcid, element in enumerate(elements):
                if element.top() is not root:
                    raise TaggingError(f"{element!r} was drawn but is not in the tree")
                self.content[element].append((page, mcid))
            self.page_nums[page] = [None] * len(elements)
        marked = set()
        for mark in self.tree.annots:
            owner = mark.element if mark.element is not None else root
            if self._role(owner) != "Link":
                link = StructElement("Link")
                self.extra[owner].append(link)
                owner = link
            self.objrs[owner].append(mark)
            marked.add((mark.page, mark.index))
        # Annotations drawn without going through the canvas link methods: tag them too.
        for page, obj in enumerate(self.pages):
            for index, annot in enumerate(obj.get("/Annots", ())):
                if (page, index) in marked or annot.get("/Subtype") == Name.Popup:
                    continue
                role = "Link" if annot.get("/Subtype") == Name.Link else "Annot"
                element = StructElement(role)
                self.extra[root].append(element)
                text = str(annot.get("/Contents", "")) or str(annot.get("/Subtype", "Annot"))[1:]
                self.objrs[element].append(AnnotMark(page, index, element, text))

    def _role(self, element: StructElement) -> str:
        """Return the standard role an element maps to."""
        role = element.role
        seen = set()
        while role not in STANDARD_ROLES and role in self.tree.role_map and role not in seen:
            seen.add(role)
            role = self.tree.role_map[role]
        return role

    def _children(self, element: StructElement) -> list[StructElement]:
        return element.children + self.extra.get(element, [])

    def _live(self, element: StructElement, memo: dict[StructElement, bool]) -> bool:
        """Return True if the element or a descendant holds content or an annotation."""
        if element not in memo:
            own = bool(self.content.get(element) or self.objrs.get(element))
            kids = [self._live(k, memo) for k in self._children(element)]
            memo[element] = own or any(kids)
        return memo[element]

    def write(self, element: StructElement, parent: Any, memo: dict[StructElement, bool]) -> Any:
        """Write `element` and its kept descendants; return its indirect dictionary."""
        if self._role(element) not in STANDARD_ROLES:
            raise TaggingError(
                f"role {element.role!r} is not a standard structure type; "
                "map it with StructTree(role_map={...})"
            )
        d = self.pdf.make_indirect(
            Dictionary(Type=Name.StructElem, S=Name("/" + element.role), P=parent)
        )
        mcrs = self.content.get(element, [])
        annots = self.objrs.get(element, [])
        box = self.tree.boxes.get(element)
        first_page = mcrs[0][0] if mcrs else annots[0].page if annots else None
        if first_page is None and box is not None:
            first_page = box.page
        if first_page is not None:
            d.Pg = self.pages[first_page]
        kids: list[Any] = []
        for page, mcid in mcrs:
            if page == first_page:
                kids.append(mcid)
            else:
                kids.append(Dictionary(Type=Name.MCR, Pg=self.pages[page], MCID=mcid))
            self.page_nums[page][mcid] = d
        for mark in annots:
            kids.append(self._objr(mark, element, d))
        for child in self._children(element):
            if self._live(child, memo) or child.keep_empty:
                kids.append(self.write(child, d, memo))
        if kids:
            d.K = kids[0] if len(kids) == 1 else Array(kids)
        for key, value in (
            ("/Alt", element.alt),
            ("/ActualText", element.actual_text),
            ("/Lang", element.lang),
            ("/T", element.title),
            ("/E", element.expansion),
        ):
            if value:
                d[key] = _text(value)
        self._attributes(d, element, box)
        return d

    def _attributes(self, d: Any, element: StructElement, box: Any) -> None:
        """Write the element's attribute dictionaries, with the Layout BBox of figures."""
        owners = {owner: dict(values) for owner, values in element.attributes.items()}
        if box is not None and self._role(element) in {"Figure", "Formula", "Table"}:
            owners.setdefault("Layout", {})["BBox"] = [round(v, 2) for v in box.box]
        dicts = []
        for owner, values in owners.items():
            attrs = Dictionary(O=Name("/" + owner))
            for key, value in values.items():
                if value is not None:
                    attrs["/" + key] = _attr_value(value)
            dicts.append(attrs)
        if dicts:
            d.A = dicts[0] if len(dicts) == 1 else Array(dicts)

    def _objr(self, mark: AnnotMark, element: StructElement, d: Any) -> Any:
        """Bind a link annotation to its element: OBJR, /StructParent and /Contents."""
        annots = self.pages[mark.page].get("/Annots")
        if annots is None or mark.index >= len(annots):
            raise TaggingError(f"annotation {mark.index} of page {mark.page + 1} is missing")
        annot = annots[mark.index]
        if annot.get("/Subtype") != Name.Link:
            raise TaggingError(
                f"annotation {mark.index} of page {mark.page + 1} is not the link recorded "
                "there: ReportLab's annotation order changed (reportlab is pinned to 5.1.*)"
            )
        if not annot.is_indirect:  # /StructParent needs an object the OBJR can point at
            annot = self.pdf.make_indirect(annot)
            annots[mark.index] = annot
        key = self.next_key
        self.next_key += 1
        annot.StructParent = key
        if not str(annot.get("/Contents", "")):
            annot.Contents = _text(mark.contents or element.alt or "Link")
        annot.F = int(annot.get("/F", 0)) | 4  # Print: PDF/A wants printable annotations
        self.parents[key] = d
        return Dictionary(Type=Name.OBJR, Obj=annot, Pg=self.pages[mark.page])

    def finish_tree(self) -> None:
        """Write StructTreeRoot, the ParentTree, RoleMap and the pages' entries."""
        self.collect()
        root_dict = self.pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        memo: dict[StructElement, bool] = {}
        document = self.write(self.tree.root, root_dict, memo)
        root_dict.K = Array([document])
        nums: list[Any] = []
        for page, refs in sorted(self.page_nums.items()):
            if refs:
                if any(r is None for r in refs):
                    raise TaggingError(f"page {page + 1} has an MCID bound to no element")
                nums += [page, self.pdf.make_indirect(Array(refs))]
                self.pages[page].StructParents = page
        for key, ref in sorted(self.parents.items()):
            nums += [key, ref]
        root_dict.ParentTree = self.pdf.make_indirect(Dictionary(Nums=Array(nums)))
        root_dict.ParentTreeNextKey = self.next_key
        custom = {e.role for e in self.tree.root.iter()} - STANDARD_ROLES
        custom &= set(self.tree.role_map)  # unmapped ones were refused if they were written
        if custom:
            root_dict.RoleMap = Dictionary(
                {"/" + r: Name("/" + self.tree.role_map[r]) for r in sorted(custom)}
            )
        for obj in self.pages:
            if obj.get("/Annots"):
                obj.Tabs = Name.S
        self.pdf.Root.StructTreeRoot = root_dict


def drop_empty_transitions(pdf: pikepdf.Pdf) -> None:
    """Remove the empty /Trans dictionary ReportLab writes on every page."""
    for page in pdf.pages:
        trans = page.obj.get("/Trans")
        if isinstance(trans, Dictionary) and not trans.keys():
            del page.obj.Trans


def check_fonts_embedded(pdf: pikepdf.Pdf) -> None:
    """Raise UnembeddedFontError if a font used by a page or form has no font program."""
    missing: set[str] = set()
    seen: set[tuple[int, int]] = set()

    def visit(resources: Any) -> None:
        if not isinstance(resources, Dictionary):
            return
        for font in (resources.get("/Font") or Dictionary()).values():
            descendants = font.get("/DescendantFonts")
            target = descendants[0] if descendants else font
            if target.get("/Subtype") == Name.Type3:
                continue
            desc = target.get("/FontDescriptor")
            if desc is None or not any(k in desc for k in _FONT_FILES):
                missing.add(str(font.get("/BaseFont", "?")))
        for xobj in (resources.get("/XObject") or Dictionary()).values():
            if xobj.get("/Subtype") == Name.Form and xobj.objgen not in seen:
                seen.add(xobj.objgen)
                visit(xobj.get("/Resources"))

    for page in pdf.pages:
        visit(page.obj.get("/Resources"))
    if missing:
        raise UnembeddedFontError(
            f"fonts not embedded: {', '.join(sorted(missing))}; register TTFonts and pass "
            "initialFontName=<a TTF font> to the doc template (ReportLab defaults to Helvetica)"
        )


_SUBSET = re.compile(r"^/([A-Z]{6})\+(.+)$")


def _page_fonts(pdf: pikepdf.Pdf) -> Iterator[Any]:
    """Yield each font dictionary of the pages and their forms once, in page order."""
    seen: set[tuple[int, int]] = set()

    def visit(resources: Any) -> Iterator[Any]:
        if not isinstance(resources, Dictionary):
            return
        for font in (resources.get("/Font") or Dictionary()).values():
            if font.objgen not in seen or not font.is_indirect:
                seen.add(font.objgen)
                yield font
        for xobj in (resources.get("/XObject") or Dictionary()).values():
            if xobj.get("/Subtype") == Name.Form and xobj.objgen not in seen:
                seen.add(xobj.objgen)
                yield from visit(xobj.get("/Resources"))

    for page in pdf.pages:
        yield from visit(page.obj.get("/Resources"))


def _tag(digest: bytes) -> str:
    """Return six capital letters from a digest (26**6 tags)."""
    value = int.from_bytes(digest[:8], "big")
    letters = []
    for _ in range(6):
        value, r = divmod(value, 26)
        letters.append(chr(65 + r))
    return "".join(letters)


def unique_subset_tags(pdf: pikepdf.Pdf) -> int:
    """Give each font subset its own tag, derived from its font program; return how many.

    ReportLab tags every subset AAAAAA+, which some preflight profiles flag (PDF 1.7,
    9.6.4: different subsets should have different tags). The tag is a hash of the
    subset's name and program, so the same document keeps the same tags.
    """
    used: dict[str, tuple[int, int]] = {}
    count = 0
    for font in _page_fonts(pdf):
        match = _SUBSET.match(str(font.get("/BaseFont", "")))
        descendants = font.get("/DescendantFonts")
        target = descendants[0] if descendants else font
        desc = target.get("/FontDescriptor")
        program = next((desc[k] for k in _FONT_FILES if k in desc), None) if desc else None
        if match is None or program is None:
            continue
        salt = 0
        while True:
            digest = hashlib.sha256(
                match.group(2).encode() + program.read_raw_bytes() + bytes([salt])
            ).digest()
            tag = _tag(digest)
            if used.setdefault(tag, program.objgen) == program.objgen:
                break
            salt += 1  # two subsets hashing to one tag: take the next
        name = Name(f"/{tag}+{match.group(2)}")
        for holder in {id(d): d for d in (font, target)}.values():
            holder.BaseFont = name
        desc.FontName = name
        count += 1
    return count


def clean_to_unicode(pdf: pikepdf.Pdf) -> None:
    """Drop ToUnicode entries mapping unused codes to U+0000 (PDF/UA-1 7.21.7)."""
    seen: set[tuple[int, int]] = set()
    pair = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
    for page in pdf.pages:
        fonts = (page.obj.get("/Resources") or Dictionary()).get("/Font") or Dictionary()
        for font in fonts.values():
            cmap = font.get("/ToUnicode")
            if not isinstance(cmap, pikepdf.Stream) or cmap.objgen in seen:
                continue
            seen.add(cmap.objgen)
            data = cmap.read_bytes()
            if b"beginbfrange" in data or b"beginbfchar" not in data:
                continue  # not the plain bfchar map ReportLab writes: leave it alone
            head, _, rest = data.partition(b"beginbfchar")
            head = head[: head.rfind(b"\n") + 1]
            tail = rest[rest.rfind(b"endbfchar") + len(b"endbfchar") :]
            pairs = [
                (src, dst)
                for src, dst in pair.findall(rest[: rest.rfind(b"endbfchar")])
                if dst.upper() not in {b"0000", b"FEFF", b"FFFE"}
            ]
            if len(pairs) == len(pair.findall(rest)):
                continue
            blocks = []
            for i in range(0, len(pairs), 100):  # at most 100 entries per block
                chunk = pairs[i : i + 100]
                lines = b"\n".join(b"<%s> <%s>" % p for p in chunk)
                blocks.append(b"%d beginbfchar\n%s\nendbfchar" % (len(chunk), lines))
            cmap.write(head + b"\n".join(blocks) + tail)


def write_metadata(pdf: pikepdf.Pdf, meta: DocMeta, *, pdfua: bool = True) -> None:
    """Write the XMP packet and an Info dictionary agreeing with it."""
    pdf.Root.Metadata = pdf.make_stream(
        build_xmp(meta, pdfua=pdfua), Type=Name.Metadata, Subtype=Name.XML
    )
    info = pdf.make_indirect(Dictionary())
    for key, value in docinfo_entries(meta).items():
        info[key] = _text(value)
    pdf.trailer.Info = info


def finish(
    pdf_bytes: bytes,
    tree: StructTree,
    *,
    title: str,
    lang: str,
    epoch: int,
    author: str | None = None,
    subject: str | None = None,
    keywords: str | Sequence[str] | None = None,
    creator: str | None = None,
    producer: str | None = None,
) -> bytes:
    """Return `pdf_bytes` (built with tree.canvasmaker) as a tagged PDF/UA-1 document."""
    meta = DocMeta(
        title=title, lang=lang, epoch=int(epoch), author=author, subject=subject,
        keywords=keywords_tuple(keywords), creator=creator, producer=producer,
    )  # fmt: skip
    with pikepdf.open(BytesIO(pdf_bytes)) as pdf:
        if len(pdf.pages) != len(tree.pages):
            raise TaggingError(
                f"the PDF has {len(pdf.pages)} pages but the tree recorded {len(tree.pages)}: "
                "pass the bytes of the last build made with canvasmaker=tree.canvasmaker"
            )
        check_fonts_embedded(pdf)
        unique_subset_tags(pdf)
        clean_to_unicode(pdf)
        _Writer(pdf, tree).finish_tree()
        drop_empty_transitions(pdf)
        root = pdf.Root
        root.MarkInfo = Dictionary(Marked=True)
        root.Lang = _text(lang)
        prefs = root.get("/ViewerPreferences")
        prefs = Dictionary(prefs) if isinstance(prefs, Dictionary) else Dictionary()
        prefs.DisplayDocTitle = True
        root.ViewerPreferences = prefs
        write_metadata(pdf, meta)
        return save_deterministic(pdf)
