"""The watcher: poll due sources, fetch each new item once, store and extract it.

One run visits every due source. Its listing is fetched with the validators of the last run,
so an unchanged feed costs one 304; items already seen (by URL or canonical URL) are never
fetched again and identical text is recognised by its id. Item pages are fetched in a thread
pool (the fetcher enforces per-host limits) while this thread alone writes, one document per
transaction, so a killed watcher leaves every stored document whole and at worst re-fetches
the item it was reading.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from custodes.analyse import extract_document
from custodes.ingest import IngestEvent, Ingestor
from custodes.sources.base import InputError, SourceDocument
from custodes.sources.fetch import Fetcher, FetchError, FetchResult
from custodes.sources.html import document_from_html
from custodes.sources.listing import (
    ListedItem,
    Listing,
    ListingError,
    item_keys,
    page_metadata,
    parse_listing,
)
from custodes.sources.pdf import document_from_pdf
from custodes.sources.text import document_from_text
from custodes.store.documents import get_document, mark_superseded
from custodes.store.watch import (
    WatchedSource,
    list_sources,
    previous_document,
    record_failure,
    record_item,
    record_success,
    seen_urls,
    utc_now,
)

MAX_CHILD_SITEMAPS = 50
MAX_ITEMS_PER_RUN = 1000  # per source; the rest waits for the next run (they stay unseen)
FETCH_WINDOW = 32  # item fetches in flight at once, so memory stays bounded on huge listings

# Fetch failures worth retrying on a later run; any other failure marks the item seen.
TRANSIENT = frozenset({"timeout", "network", "http_error", "rate_limited", "unresolvable"})


@dataclass
class SourceRun:
    """What one run did for one source."""

    source: str
    listed: int = 0
    new: int = 0
    stored: int = 0
    unchanged: int = 0
    failed: int = 0
    not_modified: bool = False
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class WatchRun:
    sources: list[SourceRun] = field(default_factory=list)
    stopped: bool = False

    @property
    def stored(self) -> int:
        return sum(s.stored for s in self.sources)

    @property
    def changed_deployments(self) -> bool:
        """Whether this round can have changed deployments (a new document or a superseded page)."""
        return any(s.stored for s in self.sources)

    @property
    def failed_sources(self) -> int:
        return sum(1 for s in self.sources if s.error)


ProgressSink = Callable[[SourceRun, WatchedSource], None]


@dataclass
class _Fetched:
    item: ListedItem
    result: FetchResult | None
    error: FetchError | None


class Watcher:
    """One database, one fetcher; `run_due` may be called again and again by the loop."""

    def __init__(self, engine: Engine, fetcher: Fetcher, ingestor: Ingestor, *,
                 stop: threading.Event | None = None, threads: int = 8):
        self.engine = engine
        self.fetcher = fetcher
        self.ingestor = ingestor
        self.stop = stop or threading.Event()
        self.threads = threads

    def due_sources(self, now: datetime, names: list[str] | None = None, every: bool = False) -> list[WatchedSource]:
        with self.engine.connect() as conn:
            sources = list_sources(conn)
        if names:
            sources = [s for s in sources if s.name in names or str(s.pk) in names]
        return [s for s in sources if every or s.due(now)]

    def run_due(self, *, names: list[str] | None = None, every: bool = False,
                on_source: ProgressSink | None = None) -> WatchRun:
        run = WatchRun()
        with self.engine.connect() as conn:
            for source in self.due_sources(utc_now(), names, every):
                if self.stop.is_set():
                    run.stopped = True
                    break
                outcome = self.watch_source(conn, source)
                run.sources.append(outcome)
                if on_source is not None:
                    on_source(outcome, source)
            if self.ingestor.after_run is not None:
                self.ingestor.after_run(conn)
        run.stopped = run.stopped or self.stop.is_set()
        return run

    def watch_source(self, conn: Connection, source: WatchedSource) -> SourceRun:
        outcome = SourceRun(source.name)
        now = utc_now()
        stamp = now.isoformat(timespec="seconds")
        try:
            head = self.fetcher.fetch(source.url, etag=source.etag, last_modified=source.last_modified)
            if head.not_modified:
                outcome.not_modified = True
                with conn.begin():
                    record_success(conn, source, now=stamp, new_items=0, etag=head.etag or source.etag,
                                   last_modified=head.last_modified or source.last_modified)
                return outcome
            listing = self._listing(head, source, now, outcome)
        except (FetchError, ListingError) as exc:
            outcome.error = str(exc)
            with conn.begin():
                record_failure(conn, source, now=stamp, error=outcome.error)
            return outcome
        outcome.listed = len(listing.items)
        if source.kind == "page":
            new_items = self._store_page(conn, source, head, listing, now, outcome)
        else:
            new_items = self._store_items(conn, source, listing.items, now, outcome)
        with conn.begin():
            record_success(conn, source, now=stamp, new_items=new_items, etag=head.etag,
                           last_modified=head.last_modified)
        return outcome

    def _listing(self, head: FetchResult, source: WatchedSource, now: datetime, outcome: SourceRun) -> Listing:
        listing = parse_listing(head.body, url=head.final_url, kind=source.kind,
                                content_type=head.content_type, now=now)
        outcome.warnings += listing.warnings
        for child_url in listing.children[:MAX_CHILD_SITEMAPS]:
            if self.stop.is_set():
                break
            try:
                child = self.fetcher.fetch(child_url)
                sub = parse_listing(child.body, url=child.final_url, kind="sitemap",
                                    content_type=child.content_type, now=now)
            except (FetchError, ListingError) as exc:
                outcome.warnings.append(f"child sitemap {child_url}: {exc}")
                continue
            listing.items += sub.items
            outcome.warnings += sub.warnings
        if len(listing.children) > MAX_CHILD_SITEMAPS:
            outcome.warnings.append(f"{len(listing.children) - MAX_CHILD_SITEMAPS} child sitemaps left for later")
        return listing

    def _store_page(self, conn: Connection, source: WatchedSource, head: FetchResult, listing: Listing,
                    now: datetime, outcome: SourceRun) -> int:
        """A page source is its own one item: a changed text is a new document."""
        item = listing.items[0] if listing.items else ListedItem(url=head.final_url)
        item = ListedItem(url=source.url, title=item.title, published=item.published, date_flag=item.date_flag)
        with conn.begin():
            previous = previous_document(conn, source.url)
        event = self._store(conn, source, _Fetched(item, head, None), now, outcome)
        if event is None or event.kind not in ("stored", "near_duplicate"):
            return 0
        if previous and event.document_id and previous != event.document_id:
            self._supersede(conn, previous, event.document_id)
        return 1

    def _supersede(self, conn: Connection, old_id: str, new_id: str) -> None:
        """The page changed: what it says now replaces what it said before (a truncated page
        therefore removes deployments, which the change feed's shrink guard then catches)."""
        with conn.begin():
            doc = get_document(conn, old_id)
            if doc is None:
                return
            mark_superseded(conn, old_id, new_id)
            doc.extra["superseded_by"] = new_id
            extract_document(conn, doc)

    def _store_items(self, conn: Connection, source: WatchedSource, items: list[ListedItem], now: datetime,
                     outcome: SourceRun) -> int:
        fresh = _unseen(conn, items)
        if len(fresh) > MAX_ITEMS_PER_RUN:
            outcome.warnings.append(f"{len(fresh) - MAX_ITEMS_PER_RUN} new items left for the next run")
            fresh = fresh[:MAX_ITEMS_PER_RUN]
        outcome.new = len(fresh)
        for fetched in self._fetch_all(fresh):
            if self.stop.is_set():
                break
            self._store(conn, source, fetched, now, outcome)
        return len(fresh)

    def _fetch_all(self, items: list[ListedItem]) -> Iterator[_Fetched]:
        """Fetch in a bounded window, yielding in listing order; stops submitting once asked to stop."""
        with ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="custodes-fetch") as pool:
            window: list[tuple[ListedItem, Future[FetchResult]]] = []
            queue = iter(items)
            for item in queue:
                window.append((item, pool.submit(self.fetcher.fetch, item.url)))
                if len(window) >= FETCH_WINDOW:
                    break
            while window:
                item, future = window.pop(0)
                try:
                    yield _Fetched(item, future.result(), None)
                except FetchError as exc:
                    yield _Fetched(item, None, exc)
                if self.stop.is_set():
                    for _item, pending in window:
                        pending.cancel()
                    return
                nxt = next(queue, None)
                if nxt is not None:
                    window.append((nxt, pool.submit(self.fetcher.fetch, nxt.url)))

    def _store(self, conn: Connection, source: WatchedSource, fetched: _Fetched, now: datetime,
               outcome: SourceRun) -> IngestEvent | None:
        item = fetched.item
        stamp = now.isoformat(timespec="seconds")
        if fetched.error is not None:
            outcome.failed += 1
            if fetched.error.kind not in TRANSIENT:  # a permanent refusal: do not ask again
                with conn.begin():
                    record_item(conn, source_pk=source.pk, url=item.url, canonical_url=None, document_id=None,
                                outcome="failed", reason=str(fetched.error), published=item.published,
                                date_flag=item.date_flag, now=stamp)
            else:
                outcome.warnings.append(str(fetched.error))
            return None
        assert fetched.result is not None
        try:
            doc, canonical, date_flag = read_fetched(fetched.result, item, source, now)
        except InputError as exc:
            outcome.failed += 1
            with conn.begin():
                record_item(conn, source_pk=source.pk, url=item.url, canonical_url=None, document_id=None,
                            outcome="failed", reason=str(exc), published=item.published,
                            date_flag=item.date_flag, now=stamp)
            return None
        event = self.ingestor.store_one(conn, doc)
        if event.kind == "failed":
            outcome.failed += 1
        elif event.kind == "unchanged":
            outcome.unchanged += 1
        else:
            outcome.stored += 1
        with conn.begin():
            record_item(conn, source_pk=source.pk, url=item.url, canonical_url=canonical,
                        document_id=event.document_id, outcome=event.kind, reason=event.reason,
                        published=doc.published, date_flag=date_flag, now=stamp)
        return event


def _unseen(conn: Connection, items: list[ListedItem]) -> list[ListedItem]:
    keys = {key for item in items for key in item_keys(item)}
    with conn.begin():  # a short read transaction: each stored item then gets its own
        seen = seen_urls(conn, keys)
    out: list[ListedItem] = []
    taken: set[str] = set()
    for item in items:
        keys_of = item_keys(item)
        if any(k in seen or k in taken for k in keys_of):
            continue
        taken.update(keys_of)
        out.append(item)
    return out


def read_fetched(result: FetchResult, item: ListedItem, source: WatchedSource,
                 now: datetime) -> tuple[SourceDocument, str | None, str | None]:
    """Turn a fetched item into a document; returns it with its canonical URL and date flag.

    The listing's date is preferred when it was trusted; otherwise the page's own. A date that
    fails the check is kept out of `published` and recorded as a flag, never trusted.
    """
    locator = result.final_url
    label = f"watch:{source.name}"
    canonical: str | None = None
    page_date: str | None = None
    page_flag: str | None = None
    if result.content_type == "application/pdf":
        doc = document_from_pdf(result.body, locator=locator, size=len(result.body), source=label)
        doc.published = None  # a PDF's creation date is not the publication date
    elif result.content_type in (None, "text/html", "application/xhtml+xml"):
        html = result.body.decode(result.charset or "utf-8", errors="replace")
        doc = document_from_html(html, source=label, locator=locator, size=len(result.body),
                                 url=result.final_url)
        canonical, page_date, page_flag = page_metadata(html, url=result.final_url, now=now)
    elif result.content_type == "text/plain":
        doc = document_from_text(result.body.decode(result.charset or "utf-8", errors="replace"),
                                 source=label, locator=locator, size=len(result.body))
    else:
        raise InputError(f"{result.final_url}: content type {result.content_type} is not an article")
    doc.url = canonical or result.final_url
    doc.title = doc.title or item.title
    if item.published and not item.date_flag:
        doc.published, flag = item.published, None
    else:
        doc.published, flag = page_date, page_flag or item.date_flag
    if flag:
        doc.extra["date_flag"] = flag
    if source.lang and not doc.lang:
        doc.lang = source.lang
    doc.extra["watch_source"] = source.name
    if result.final_url != item.url:
        doc.extra["listed_url"] = item.url
    return doc, canonical if canonical and canonical != item.url else None, flag
