"""Sitemaps: `urlset` (with lastmod, and Google News' publication date and title) and `sitemapindex`.

Elements are matched by local name, so a sitemap that gets the namespace slightly wrong (common)
is still read. The protocol allows an RSS or Atom feed to serve as a sitemap; such a document is
read as the feed it is.
"""

from __future__ import annotations

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
        news = _child(entry, "news")
        builder.add(
            position, _child_text(entry, "loc"),
            title=_child_text(news, "title") if news is not None else None,
            dates=(_child_text(news, "publication_date") if news is not None else None,
                   _child_text(entry, "lastmod")),
        )
        if builder.full:
            break
    return builder.listing


def _read_index(root: etree._Element, *, url: str, now: datetime) -> Listing:
    builder = ListingBuilder("sitemap_index", url=url, now=now)
    for position, entry in enumerate(_children(root, "sitemap"), start=1):
        builder.add_child(position, _child_text(entry, "loc"))
        if builder.full:
            break
    return builder.listing


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if isinstance(child.tag, str) and etree.QName(child).localname == name]


def _child(element: etree._Element, name: str) -> etree._Element | None:
    found = _children(element, name)
    return found[0] if found else None


def _child_text(element: etree._Element | None, name: str) -> str | None:
    if element is None:
        return None
    child = _child(element, name)
    if child is None or child.text is None:
        return None
    return child.text.strip() or None
