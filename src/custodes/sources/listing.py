"""What a watched source lists now: the one entry point the watcher calls on fetched bytes.

Pure functions over bytes: fetching, robots.txt and the database are the watcher's business, so
every format can be tested on a file and a hostile document can do no more than be refused.
"""

from __future__ import annotations

from datetime import UTC, datetime

import htmldate
import lxml.html
from lxml import etree

from custodes.sources.dates import check_date
from custodes.sources.encoding import decode_bytes
from custodes.sources.feeds import parse_feed
from custodes.sources.listed import ListedItem, Listing, ListingBuilder, ListingError
from custodes.sources.sitemaps import parse_sitemap
from custodes.sources.urls import is_http_url, normalise_url

KINDS = ("feed", "sitemap", "page")

# htmldate drops dates outside 1995..today by itself; widened so check_date can say why a page's
# date was not trusted instead of the page silently having none.
_HTMLDATE_MIN = "1900-01-01"
_HTMLDATE_MAX = "2199-12-31"

__all__ = [
    "KINDS", "ListedItem", "Listing", "ListingError", "check_date", "item_keys", "normalise_url",
    "page_metadata", "parse_listing",
]


def parse_listing(body: bytes, *, url: str, kind: str, content_type: str | None = None,
                  now: datetime | None = None) -> Listing:
    """The items a source of the declared `kind` lists; raises ListingError when it cannot be read."""
    now = now or datetime.now(UTC)
    if kind == "feed":
        return parse_feed(body, url=url, content_type=content_type, now=now)
    if kind == "sitemap":
        return parse_sitemap(body, url=url, content_type=content_type, now=now)
    if kind == "page":
        return _parse_page(body, url=url, now=now)
    raise ValueError(f"unknown source kind {kind!r}; expected one of {', '.join(KINDS)}")


def page_metadata(html: str, *, url: str, now: datetime) -> tuple[str | None, str | None, str | None]:
    """(canonical URL, published date, date flag) of a fetched article page.

    The canonical URL lets the watcher recognise an article it already read under another
    address; the date comes from the page's own metadata (htmldate) and is checked like a feed's.
    """
    tree = _html_tree(html)
    canonical = _canonical(tree, url) if tree is not None else None
    try:
        # no extensive search: a year in the article's text ("installed in 2019") is not its date
        found = htmldate.find_date(html, original_date=True, extensive_search=False,
                                   outputformat="%Y-%m-%d", url=url,
                                   min_date=_HTMLDATE_MIN, max_date=_HTMLDATE_MAX)
    except (ValueError, TypeError):
        found = None
    published, flag = check_date(found, now=now)
    return canonical, published, flag


def item_keys(item: ListedItem) -> list[str]:
    """Keys under which the item may already be known: its URL, and its guid when that is a URL."""
    keys = [normalise_url(item.url)]
    if item.guid and is_http_url(item.guid):
        guid = normalise_url(item.guid)
        if guid not in keys:
            keys.append(guid)
    return keys


def _parse_page(body: bytes, *, url: str, now: datetime) -> Listing:
    html, _ = decode_bytes(body)
    tree = _html_tree(html)
    if tree is None:
        raise ListingError(url, "not a readable HTML page")
    canonical, published, flag = page_metadata(html, url=url, now=now)
    builder = ListingBuilder("page", url=url, now=now)
    title = _page_title(tree)
    builder.listing.title = title
    builder.add(1, canonical or url, title=title)
    if builder.listing.items:
        item = builder.listing.items[0]
        item.published, item.date_flag = published, flag
    return builder.listing


def _html_tree(html: str) -> lxml.html.HtmlElement | None:
    if not html.strip():
        return None
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None


def _canonical(tree: lxml.html.HtmlElement, url: str) -> str | None:
    candidates: list[str] = []
    for link in tree.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        if "canonical" in rels and link.get("href"):
            candidates.append(link.get("href", ""))
    for meta in tree.iter("meta"):
        if (meta.get("property") or meta.get("name") or "").lower() == "og:url" and meta.get("content"):
            candidates.append(meta.get("content", ""))
    for candidate in candidates:
        resolved = normalise_url(candidate, url)
        if is_http_url(resolved):
            return resolved
    return None


def _page_title(tree: lxml.html.HtmlElement) -> str | None:
    for meta in tree.iter("meta"):
        if (meta.get("property") or "").lower() == "og:title" and meta.get("content"):
            return " ".join(meta.get("content", "").split()) or None
    title = tree.find(".//title")
    if title is not None and title.text_content():
        return " ".join(title.text_content().split()) or None
    return None

