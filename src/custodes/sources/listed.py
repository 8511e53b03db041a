"""What a watched source lists, whatever its format: the shared shape of feeds, sitemaps and pages.

The rules every format shares (a link is required, a URL appears once, dates are checked, a
listing is capped) live in `ListingBuilder`, so the format readers only say where things are.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime

from custodes.sources.dates import FLAG_UNPARSED, check_date
from custodes.sources.urls import is_normalised_http_url, normalise_url

MAX_ITEMS = 50_000  # the sitemap protocol's own limit; no real feed comes near it


@dataclass
class ListedItem:
    """One article a listing points at; `url` is absolute and normalised."""

    url: str
    title: str | None = None
    published: str | None = None
    date_flag: str | None = None
    summary: str | None = None
    guid: str | None = None


@dataclass
class Listing:
    """A parsed feed, sitemap or page; `children` are the next sitemaps of a sitemap index."""

    kind: str
    items: list[ListedItem] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    title: str | None = None
    warnings: list[str] = field(default_factory=list)


class ListingError(Exception):
    """A listing that cannot be read at all; the message names the URL and why."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class ListingBuilder:
    """Collects items under the shared rules and records why any were left out."""

    def __init__(self, kind: str, *, url: str, now: datetime, max_items: int = MAX_ITEMS):
        self.listing = Listing(kind=kind)
        self.base = url
        self.now = now
        self.max_items = max_items
        self._seen: set[str] = set()
        self._children_seen: set[str] = set()
        self._capped = False

    @property
    def full(self) -> bool:
        return self._capped

    def add(self, position: int, link: str | None, *, title: str | None = None,
            dates: tuple[str | time.struct_time | None, ...] = (), summary: str | None = None,
            guid: str | None = None) -> None:
        """Add the item at `position` (1-based, as a reader would count) unless it must be left out.

        `dates` are candidates in order of preference: the first that parses is used; if none
        parses, the item carries the first one's flag.
        """
        if not link or not link.strip():
            self.listing.warnings.append(f"item {position}: no link, skipped")
            return
        url = normalise_url(link, self.base)
        if not is_normalised_http_url(url):
            self.listing.warnings.append(f"item {position}: link {link.strip()!r} is not an http(s) URL, skipped")
            return
        if url in self._seen:
            return
        if not self._room():
            return
        self._seen.add(url)
        published, flag = self._pick_date(dates)
        self.listing.items.append(ListedItem(url=url, title=_clean(title), published=published, date_flag=flag,
                                             summary=_clean(summary), guid=_clean(guid)))

    def add_child(self, position: int, link: str | None) -> None:
        """Add a child sitemap of a sitemap index."""
        if not link or not link.strip():
            self.listing.warnings.append(f"sitemap {position}: no loc, skipped")
            return
        url = normalise_url(link, self.base)
        if not is_normalised_http_url(url):
            self.listing.warnings.append(f"sitemap {position}: loc {link.strip()!r} is not an http(s) URL, skipped")
            return
        if url in self._children_seen or not self._room():
            return
        self._children_seen.add(url)
        self.listing.children.append(url)

    def warn(self, message: str) -> None:
        self.listing.warnings.append(message)

    def _room(self) -> bool:
        if len(self.listing.items) + len(self.listing.children) < self.max_items:
            return True
        if not self._capped:
            self._capped = True
            self.listing.warnings.append(f"more than {self.max_items} entries; the rest were not read")
        return False

    def _pick_date(self, dates: tuple[str | time.struct_time | None, ...]) -> tuple[str | None, str | None]:
        first_flag: str | None = None
        for candidate in dates:
            if candidate is None:
                continue
            value, flag = check_date(candidate, now=self.now)
            if value is not None:
                return value, None
            if flag is not None and first_flag is None:
                first_flag = flag
            if flag != FLAG_UNPARSED:
                # a readable date that is implausible is the listing's answer; do not
                # fall back to a second date and trust that instead
                return None, flag
        return None, first_flag


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None
