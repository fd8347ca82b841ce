"""XMP metadata packet and document information agreeing with it, from fixed dates."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape as _escape


def escape(text: str) -> str:
    """Escape &, < and > for XML text (xml.sax.saxutils would import urllib, http and ssl)."""
    return _escape(text, quote=False)


NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
}


@dataclass(frozen=True)
class DocMeta:
    """Document metadata written both to the Info dictionary and to XMP."""

    title: str
    lang: str | None
    epoch: int
    author: str | None = None
    subject: str | None = None
    keywords: tuple[str, ...] = ()
    creator: str | None = None
    producer: str | None = None

    @property
    def when(self) -> dt.datetime:
        """Return the creation and modification time (UTC) of the given epoch."""
        return dt.datetime.fromtimestamp(self.epoch, tz=dt.UTC)

    @property
    def keywords_text(self) -> str:
        """Return the keywords as one comma-separated string (pdf:Keywords, /Keywords)."""
        return ", ".join(self.keywords)


def keywords_tuple(keywords: str | Sequence[str] | None) -> tuple[str, ...]:
    """Normalise keywords given as one comma-separated string or as a sequence."""
    if keywords is None:
        return ()
    if isinstance(keywords, str):
        keywords = keywords.split(",")
    return tuple(k.strip() for k in keywords if k.strip())


def pdf_date(when: dt.datetime) -> str:
    """Return a PDF date string (D:YYYYMMDDHHmmSS+00'00') in UTC."""
    return when.astimezone(dt.UTC).strftime("D:%Y%m%d%H%M%S+00'00'")


def xmp_date(when: dt.datetime) -> str:
    """Return an XMP date (ISO 8601 with an explicit +00:00 zone)."""
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _alt(tag: str, text: str) -> str:
    return f'<{tag}><rdf:Alt><rdf:li xml:lang="x-default">{escape(text)}</rdf:li></rdf:Alt></{tag}>'


def _list(tag: str, kind: str, items: Sequence[str]) -> str:
    lis = "".join(f"<rdf:li>{escape(i)}</rdf:li>" for i in items)
    return f"<{tag}><rdf:{kind}>{lis}</rdf:{kind}></{tag}>"


def _simple(tag: str, text: str) -> str:
    return f"<{tag}>{escape(text)}</{tag}>"


def build_xmp(meta: DocMeta, *, pdfa_part: int | None = None, pdfua: bool = True) -> bytes:
    """Return the XMP packet: Dublin Core, XMP basic, PDF, PDF/UA (and PDF/A) properties."""
    date = xmp_date(meta.when)
    props = ["<dc:format>application/pdf</dc:format>", _alt("dc:title", meta.title)]
    if meta.author:
        props.append(_list("dc:creator", "Seq", [meta.author]))
    if meta.subject:
        props.append(_alt("dc:description", meta.subject))
    if meta.keywords:
        props.append(_list("dc:subject", "Bag", list(meta.keywords)))
    if meta.lang:
        props.append(_list("dc:language", "Bag", [meta.lang]))
    if meta.keywords:
        props.append(_simple("pdf:Keywords", meta.keywords_text))
    if meta.producer:
        props.append(_simple("pdf:Producer", meta.producer))
    if meta.creator:
        props.append(_simple("xmp:CreatorTool", meta.creator))
    props += [
        _simple("xmp:CreateDate", date),
        _simple("xmp:ModifyDate", date),
        _simple("xmp:MetadataDate", date),
    ]
    prefixes = ["dc", "xmp", "pdf"]
    if pdfua:
        props.append("<pdfuaid:part>1</pdfuaid:part>")
        prefixes.append("pdfuaid")
    if pdfa_part is not None:
        props += [
            f"<pdfaid:part>{pdfa_part}</pdfaid:part>",
            "<pdfaid:conformance>B</pdfaid:conformance>",
        ]
        prefixes.append("pdfaid")
    xmlns = "".join(f'\n    xmlns:{p}="{NS[p]}"' for p in prefixes)
    body = "\n   ".join(props)
    packet = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        f'<x:xmpmeta xmlns:x="{NS["x"]}">\n'
        f' <rdf:RDF xmlns:rdf="{NS["rdf"]}">\n'
        f'  <rdf:Description rdf:about=""{xmlns}>\n'
        f"   {body}\n"
        "  </rdf:Description>\n"
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    )
    return packet.encode("utf-8")


def docinfo_entries(meta: DocMeta) -> dict[str, str]:
    """Return the Info dictionary entries that agree with build_xmp(meta)."""
    date = pdf_date(meta.when)
    info = {"/Title": meta.title, "/CreationDate": date, "/ModDate": date}
    for key, value in (
        ("/Author", meta.author),
        ("/Subject", meta.subject),
        ("/Keywords", meta.keywords_text),
        ("/Creator", meta.creator),
        ("/Producer", meta.producer),
    ):
        if value:
            info[key] = value
    return info


_PDF_DATE = re.compile(r"D:(\d{14})(?:(Z)|([+-])(\d{2})'?(\d{2})?'?)?")


def meta_from_docinfo(info: Mapping[str, str], lang: str | None) -> DocMeta:
    """Return DocMeta from Info entries (as ReportLab writes them) for an untagged PDF."""
    match = _PDF_DATE.match(info.get("/CreationDate", ""))
    epoch = 0
    if match:
        when = dt.datetime.strptime(match.group(1), "%Y%m%d%H%M%S").replace(tzinfo=dt.UTC)
        if match.group(3):
            offset = dt.timedelta(hours=int(match.group(4)), minutes=int(match.group(5) or 0))
            when -= offset if match.group(3) == "+" else -offset
        epoch = int(when.timestamp())
    return DocMeta(
        title=info.get("/Title") or "Untitled",
        lang=lang,
        epoch=epoch,
        author=info.get("/Author") or None,
        subject=info.get("/Subject") or None,
        keywords=keywords_tuple(info.get("/Keywords")),
        creator=info.get("/Creator") or None,
        producer=info.get("/Producer") or None,
    )


@dataclass(frozen=True)
class Schema:
    """An XMP schema PDF/A does not predefine, as an extension schema describes it."""

    title: str
    uri: str
    prefix: str
    properties: tuple[tuple[str, str, str], ...]  # name, value type, description


def extension(*schemas: Schema) -> str:
    """Return the rdf:Description declaring `schemas` (PDF/A-2, ISO 19005-2, 6.6.2.3.3)."""
    items = "".join(
        '     <rdf:li rdf:parseType="Resource">\n'
        f"      <pdfaSchema:schema>{s.title}</pdfaSchema:schema>\n"
        f"      <pdfaSchema:namespaceURI>{s.uri}</pdfaSchema:namespaceURI>\n"
        f"      <pdfaSchema:prefix>{s.prefix}</pdfaSchema:prefix>\n"
        "      <pdfaSchema:property>\n"
        "       <rdf:Seq>\n"
        + "".join(
            '        <rdf:li rdf:parseType="Resource">\n'
            f"         <pdfaProperty:name>{name}</pdfaProperty:name>\n"
            f"         <pdfaProperty:valueType>{kind}</pdfaProperty:valueType>\n"
            "         <pdfaProperty:category>internal</pdfaProperty:category>\n"
            f"         <pdfaProperty:description>{about}</pdfaProperty:description>\n"
            "        </rdf:li>\n"
            for name, kind, about in s.properties
        )
        + "       </rdf:Seq>\n"
        "      </pdfaSchema:property>\n"
        "     </rdf:li>\n"
        for s in schemas
    )
    return (
        '  <rdf:Description rdf:about=""\n'
        '    xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"\n'
        '    xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"\n'
        '    xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">\n'
        "   <pdfaExtension:schemas>\n"
        "    <rdf:Bag>\n"
        f"{items}"
        "    </rdf:Bag>\n"
        "   </pdfaExtension:schemas>\n"
        "  </rdf:Description>\n"
    )
