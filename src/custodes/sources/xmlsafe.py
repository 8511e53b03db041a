"""Reading XML that came from the internet without letting it expand, fetch or read files.

Entity declarations are what billion-laughs and external-entity attacks are made of, and no
feed or sitemap needs them, so a document that declares any is refused before a parser sees it.
Compressed sitemaps (`sitemap.xml.gz`) are unpacked with a ceiling so a small gzip bomb cannot
become gigabytes in memory.
"""

from __future__ import annotations

import re
import zlib

from lxml import etree

MAX_XML_BYTES = 50 * 1024 * 1024  # the sitemap protocol's uncompressed limit
_GZIP_MAGIC = b"\x1f\x8b"
_DOCTYPE = re.compile(r"<!DOCTYPE", re.IGNORECASE)
_ENTITY = re.compile(r"<!ENTITY", re.IGNORECASE)
_ELEMENT_START = re.compile(r"<[A-Za-z_]")


class UnsafeXML(ValueError):
    """The document is refused; the message says why."""


def maybe_gunzip(body: bytes, limit: int | None = None) -> bytes:
    """The body itself, or its gzip content when it is gzip-compressed (refused past `limit`)."""
    if not body.startswith(_GZIP_MAGIC):
        return body
    limit = MAX_XML_BYTES if limit is None else limit
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise UnsafeXML(f"broken gzip data: {exc}") from exc
    if len(data) > limit:
        raise UnsafeXML(f"uncompressed document is larger than {limit:,} bytes")
    return data


def refuse_entity_declarations(body: bytes) -> None:
    """Raise UnsafeXML when the document's DOCTYPE declares entities.

    Only the prologue (before the root element) is looked at, so an article about XML that
    quotes `<!ENTITY` in its text is not refused.
    """
    head = _decode_for_markup(body)
    doctype = _DOCTYPE.search(head)
    if doctype is None:
        return
    before = head[: doctype.start()]
    if _ELEMENT_START.search(_strip_comments(before)):
        return  # the DOCTYPE text is inside the document, not its prologue
    root = _ELEMENT_START.search(head, doctype.end())
    prologue = head[doctype.start(): root.start() if root else len(head)]
    if _ENTITY.search(prologue):
        raise UnsafeXML("the document's DOCTYPE declares entities; refused (entity expansion is not allowed)")


def safe_parser() -> etree.XMLParser:
    """An lxml parser that never loads a DTD, substitutes an entity or touches the network."""
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                           dtd_validation=False, remove_comments=True, remove_pis=True)


def parse_xml(body: bytes) -> etree._Element:
    """The root element of a checked document; raises UnsafeXML or etree.XMLSyntaxError."""
    refuse_entity_declarations(body)
    root = etree.fromstring(body, parser=safe_parser())
    if root is None:
        raise etree.XMLSyntaxError("empty document", None, 0, 0)  # type: ignore[call-arg]
    docinfo = root.getroottree().docinfo
    dtd = docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise UnsafeXML("the document's DOCTYPE declares entities; refused (entity expansion is not allowed)")
    return root


def _decode_for_markup(body: bytes) -> str:
    """Enough of a decoding to find markup: UTF-16/32 by their byte order marks, else Latin-1."""
    if body.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return body.decode("utf-32", errors="replace")
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):
        return body.decode("utf-16", errors="replace")
    if body[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
        return body.decode("utf-16-le" if body[0:1] == b"<" else "utf-16-be", errors="replace")
    return body.decode("latin-1")


def _strip_comments(text: str) -> str:
    return re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
