"""Sitemaps: `urlset` (with lastmod, and Google News' publication date and title) and `sitemapindex`.

Elements are matched by local name, so a sitemap that gets the namespace slightly wrong (common)
is still read. The protocol allows an RSS or Atom feed to serve as a sitemap; such a document is
read as the feed it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from lxml import etree

from custodes.sources.feeds import parse_xml_feed
from custodes.sources.listed import Listing, ListingBuilder, ListingError
from custodes.sources.xmlsafe import UnsafeXML, maybe_gunzip, parse_xml

_FEED_ROOTS = {"rss", "feed", "RDF"}


def parse_sitemap(body: bytes, *, url: str, content_type: str | None, now: datetime) -> Listing:
    """Pages of a urlset, or the child sitemaps of an index; raises ListingError when unreadable."""
    try:
        body = maybe_gunzip(body)
        root = parse_xml(body)
    except UnsafeXML as exc:
        raise ListingError(url, str(exc)) from exc
    except etree.XMLSyntaxError as exc:
        raise ListingError(url, f"not well-formed XML: {exc}") from exc
    name = etree.QName(root).localname
    if name == "urlset":
        return _read_urlset(root, url=url, now=now)
    if name == "sitemapindex":
        return _read_index(root, url=url, now=now)
    if name in _FEED_ROOTS:
        return parse_xml_feed(body, url=url, content_type=content_type, now=now)
    raise ListingError(url, f"not a sitemap: the root element is <{name}>, not <urlset> or <sitemapindex>")


def _read_urlset(root: etree._Element, *, url: str, now: datetime) -> Listing:
    builder = ListingBuilder("sitemap", url=url, now=now)
    for position, entry in enumerate(_children(root, "url"), start=1):
        fields = _by_name(entry)
        news = _by_name(fields["news"]) if "news" in fields else {}
        builder.add(
            position, _text(fields.get("loc")),
            title=_text(news.get("title")),
            dates=(_text(news.get("publication_date")), _text(fields.get("lastmod"))),
        )
        if builder.full:
            break
    return builder.listing


def _read_index(root: etree._Element, *, url: str, now: datetime) -> Listing:
    builder = ListingBuilder("sitemap_index", url=url, now=now)
    for position, entry in enumerate(_children(root, "sitemap"), start=1):
        builder.add_child(position, _text(_by_name(entry).get("loc")))
        if builder.full:
            break
    return builder.listing


def _local(tag: object) -> str | None:
    return tag.rpartition("}")[2] if isinstance(tag, str) else None  # comments and PIs have no name


def _children(element: etree._Element, name: str) -> Iterator[etree._Element]:
    return (child for child in element if _local(child.tag) == name)


def _by_name(element: etree._Element) -> dict[str, etree._Element]:
    """An element's children by local name; the first of a name wins."""
    found: dict[str, etree._Element] = {}
    for child in element:
        local = _local(child.tag)
        if local is not None and local not in found:
            found[local] = child
    return found


def _text(element: etree._Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return element.text.strip() or None
