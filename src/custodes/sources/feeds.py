"""Feeds: RSS 0.9x/1.0/2.0 and Atom through feedparser, JSON Feed 1.0/1.1 read directly.

feedparser is lenient by design: a feed with a stray ampersand still yields its entries, with
`bozo` set. Those entries are kept and the fault becomes a warning; only a document that yields
nothing is an error.
"""

from __future__ import annotations

import io
import json
import time
from datetime import datetime
from typing import Any

import feedparser
import lxml.html
from feedparser.exceptions import ThingsNobodyCaresAboutButMe
from lxml import etree

from custodes.sources.listed import Listing, ListingBuilder, ListingError
from custodes.sources.xmlsafe import UnsafeXML, maybe_gunzip, refuse_entity_declarations

JSONFEED_VERSION_PREFIX = "https://jsonfeed.org/version/"
_JSON_TYPES = ("application/feed+json", "application/json", "+json")


def looks_like_json(body: bytes, content_type: str | None) -> bool:
    """JSON Feed is told apart by its content type or by starting with `{`."""
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    if kind.endswith(_JSON_TYPES) or kind == "text/json":
        return True
    return body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def parse_feed(body: bytes, *, url: str, content_type: str | None, now: datetime) -> Listing:
    """Items of an RSS, Atom or JSON feed; raises ListingError when nothing can be read."""
    try:
        body = maybe_gunzip(body)
    except UnsafeXML as exc:
        raise ListingError(url, str(exc)) from exc
    if looks_like_json(body, content_type):
        return parse_json_feed(body, url=url, now=now)
    return parse_xml_feed(body, url=url, content_type=content_type, now=now)


def parse_xml_feed(body: bytes, *, url: str, content_type: str | None, now: datetime) -> Listing:
    try:
        refuse_entity_declarations(body)
    except UnsafeXML as exc:
        raise ListingError(url, str(exc)) from exc
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    # A stream, never bytes: feedparser tries `open()` on a bytes argument as a file name.
    parsed = feedparser.parse(io.BytesIO(body), response_headers=headers, resolve_relative_uris=True,
                              sanitize_html=True)
    entries = parsed.get("entries") or []
    reason = _bozo_reason(parsed)
    if not entries:
        if reason is not None:
            raise ListingError(url, f"not a readable feed: {reason}")
        if not parsed.get("version"):
            raise ListingError(url, "not an RSS, Atom or JSON feed")
    builder = ListingBuilder("feed", url=url, now=now)
    builder.listing.title = _text(parsed.get("feed", {}).get("title"))
    if entries and reason is not None:
        count = f"{len(entries)} item{'s' if len(entries) != 1 else ''}"
        builder.warn(f"feed is not well-formed ({reason}); {count} read anyway")
    for position, entry in enumerate(entries, start=1):
        builder.add(
            position, _entry_link(entry),
            title=entry.get("title"),
            dates=_entry_dates(entry),
            summary=_plain(entry.get("summary")),
            guid=entry.get("id"),
        )
        if builder.full:
            break
    return builder.listing


def parse_json_feed(body: bytes, *, url: str, now: datetime) -> Listing:
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ListingError(url, f"not readable JSON: {exc}") from exc
    version = data.get("version") if isinstance(data, dict) else None
    if not isinstance(version, str) or not version.startswith(JSONFEED_VERSION_PREFIX):
        raise ListingError(url, f"JSON without a JSON Feed version (expected '{JSONFEED_VERSION_PREFIX}1.1')")
    items = data.get("items")
    if not isinstance(items, list):
        raise ListingError(url, "JSON Feed without an 'items' list")
    builder = ListingBuilder("feed", url=url, now=now)
    builder.listing.title = _text(data.get("title"))
    for position, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            builder.warn(f"item {position}: not an object, skipped")
            continue
        builder.add(
            position, _str(item.get("url")) or _str(item.get("external_url")),
            title=_str(item.get("title")),
            dates=(_str(item.get("date_published")), _str(item.get("date_modified"))),
            summary=_str(item.get("summary")) or _plain(_str(item.get("content_text"))),
            guid=_str(item.get("id")),
        )
        if builder.full:
            break
    return builder.listing


def _entry_dates(entry: Any) -> tuple[str | time.struct_time | None, ...]:
    """Published before updated; the raw text first, feedparser's parsed struct as the fallback.

    `updated` is read through dict.get: feedparser's own lookup maps a missing `updated` to
    `published` with a deprecation warning.
    """
    return (entry.get("published"), entry.get("published_parsed"),
            dict.get(entry, "updated"), dict.get(entry, "updated_parsed"))


def _entry_link(entry: Any) -> str | None:
    link = entry.get("link")
    if link:
        return str(link)
    for candidate in entry.get("links") or ():
        if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
            return str(candidate["href"])
    return None


def _bozo_reason(parsed: Any) -> str | None:
    if not parsed.get("bozo"):
        return None
    exc = parsed.get("bozo_exception")
    if isinstance(exc, ThingsNobodyCaresAboutButMe):
        return None  # a wrong encoding declaration or content type, which feedparser copes with
    message = str(exc) if exc is not None else "unknown error"
    return f"{type(exc).__name__}: {message}" if exc is not None else message


def _plain(value: object) -> str | None:
    """Summary text without its markup (feeds put HTML in summaries)."""
    text = _str(value)
    if not text:
        return None
    if "<" not in text:
        return text
    try:
        return lxml.html.fragment_fromstring(text, create_parent="div").text_content()
    except (etree.ParserError, ValueError):
        return text


def _text(value: object) -> str | None:
    text = _str(value)
    if not text:
        return None
    return " ".join(text.split()) or None


def _str(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, (str, int, float)):
        return str(value)
    return None
