"""Watched sources, the items they listed, and each source's health.

Health lives on the source row so that `sources list`, the web page and the watcher read one
truth; counters are updated in the same transaction as the run's outcome for that source, so a
killed watcher never leaves a source half-updated. "Silent" is derived, not stored: a source
that has yielded items before and then yields none for `SILENT_AFTER_RUNS` consecutive runs is
silent — the failure Media Cloud users meet, a feed that stops without an error.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from custodes.store.schema import watch_items, watch_sources

KINDS = ("feed", "sitemap", "page")
SILENT_AFTER_RUNS = 3
RATE_WINDOW_DAYS = 7


class SourceExists(ValueError):
    """A source with this name or URL is already watched."""


@dataclass
class WatchedSource:
    pk: int
    name: str
    url: str
    kind: str
    every_seconds: int
    lang: str | None
    added_at: str
    etag: str | None = None
    last_modified: str | None = None
    last_checked: str | None = None
    last_success: str | None = None
    last_error: str | None = None
    last_error_at: str | None = None
    consecutive_failures: int = 0
    empty_runs: int = 0
    items_total: int = 0
    last_item_at: str | None = None

    @property
    def silent(self) -> bool:
        return self.items_total > 0 and self.empty_runs >= SILENT_AFTER_RUNS

    def due(self, now: datetime) -> bool:
        if self.last_checked is None:
            return True
        return datetime.fromisoformat(self.last_checked) + timedelta(seconds=self.every_seconds) <= now

    def next_due(self) -> str | None:
        if self.last_checked is None:
            return None
        moment = datetime.fromisoformat(self.last_checked) + timedelta(seconds=self.every_seconds)
        return moment.isoformat(timespec="seconds")

    @property
    def health(self) -> str:
        """One word for tables: new, ok, failing, silent."""
        if self.last_checked is None:
            return "new"
        if self.consecutive_failures:
            return "failing"
        if self.silent:
            return "silent"
        return "ok"


def add_source(conn: Connection, *, name: str, url: str, kind: str, every_seconds: int,
               lang: str | None, now: str) -> WatchedSource:
    if kind not in KINDS:
        raise ValueError(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    try:
        with conn.begin_nested():
            key = conn.execute(insert(watch_sources).values(
                name=name, url=url, kind=kind, every_seconds=every_seconds, lang=lang, added_at=now,
            )).inserted_primary_key
            assert key is not None
            pk = key[0]
    except IntegrityError as exc:
        raise SourceExists(f"a source named {name!r} or with URL {url} is already watched") from exc
    source = get_source(conn, str(pk))
    assert source is not None
    return source


def list_sources(conn: Connection) -> list[WatchedSource]:
    rows = conn.execute(select(watch_sources).order_by(watch_sources.c.name)).mappings()
    return [WatchedSource(**dict(row)) for row in rows]


def get_source(conn: Connection, key: str) -> WatchedSource | None:
    """By pk, name or URL."""
    cond = or_(watch_sources.c.name == key, watch_sources.c.url == key)
    if key.isdigit():
        cond = or_(cond, watch_sources.c.pk == int(key))
    row = conn.execute(select(watch_sources).where(cond)).mappings().first()
    return WatchedSource(**dict(row)) if row else None


def remove_source(conn: Connection, pk: int) -> None:
    """The source and its seen-item list go; documents it brought in stay (they are evidence)."""
    conn.execute(delete(watch_items).where(watch_items.c.source_pk == pk))
    conn.execute(delete(watch_sources).where(watch_sources.c.pk == pk))


def record_success(conn: Connection, source: WatchedSource, *, now: str, new_items: int,
                   etag: str | None, last_modified: str | None) -> None:
    values: dict[str, object] = {
        "last_checked": now, "last_success": now, "consecutive_failures": 0,
        "etag": etag, "last_modified": last_modified,
        "items_total": watch_sources.c.items_total + new_items,
        "empty_runs": 0 if new_items else watch_sources.c.empty_runs + 1,
    }
    if new_items:
        values["last_item_at"] = now
    conn.execute(update(watch_sources).where(watch_sources.c.pk == source.pk).values(**values))


def record_failure(conn: Connection, source: WatchedSource, *, now: str, error: str) -> None:
    """A failed run counts as a failure, not as an empty run: a broken feed is failing, not silent."""
    conn.execute(update(watch_sources).where(watch_sources.c.pk == source.pk).values(
        last_checked=now, last_error=error, last_error_at=now,
        consecutive_failures=watch_sources.c.consecutive_failures + 1,
    ))


def seen_urls(conn: Connection, urls: Iterable[str]) -> set[str]:
    """Which of these URLs any source already listed (as its URL or as its canonical URL)."""
    wanted = list(dict.fromkeys(urls))
    found: set[str] = set()
    for i in range(0, len(wanted), 500):
        chunk = wanted[i:i + 500]
        found.update(conn.execute(select(watch_items.c.url).where(watch_items.c.url.in_(chunk))).scalars())
        found.update(u for u in conn.execute(select(watch_items.c.canonical_url)
                                             .where(watch_items.c.canonical_url.in_(chunk))).scalars() if u)
    return found


def record_item(conn: Connection, *, source_pk: int, url: str, canonical_url: str | None,
                document_id: str | None, outcome: str, reason: str | None, published: str | None,
                date_flag: str | None, now: str) -> None:
    """Insert or refresh the item (a page source lists its own URL on every run)."""
    values = {"canonical_url": canonical_url, "document_id": document_id, "outcome": outcome,
              "reason": reason, "published": published, "date_flag": date_flag}
    done = conn.execute(update(watch_items).where(watch_items.c.url == url).values(**values)).rowcount
    if not done:
        conn.execute(insert(watch_items).values(source_pk=source_pk, url=url, first_seen=now, **values))


def previous_document(conn: Connection, url: str) -> str | None:
    """The document a page source's URL last became."""
    return conn.execute(select(watch_items.c.document_id).where(watch_items.c.url == url)).scalar_one_or_none()


def items_per_day(conn: Connection, now: datetime) -> dict[int, float]:
    """New items per day over the last week (or since the source was added, if later)."""
    since = now - timedelta(days=RATE_WINDOW_DAYS)
    counts: dict[int, int] = {int(pk): int(n) for pk, n in conn.execute(
        select(watch_items.c.source_pk, func.count())
        .where(watch_items.c.first_seen >= since.isoformat(timespec="seconds"))
        .group_by(watch_items.c.source_pk))}
    out: dict[int, float] = {}
    for source in list_sources(conn):
        added = datetime.fromisoformat(source.added_at)
        days = max((now - max(added, since)).total_seconds() / 86400, 1.0)
        out[source.pk] = round(counts.get(source.pk, 0) / days, 2)
    return out


def source_health_rows(conn: Connection) -> list[dict[str, Any]]:
    """Each source with its health, as `sources list --json`, the API and the web page show it."""
    now = utc_now()
    rates = items_per_day(conn, now)
    out = []
    for s in list_sources(conn):
        out.append({
            "id": s.pk, "name": s.name, "url": s.url, "kind": s.kind, "every_seconds": s.every_seconds,
            "lang": s.lang, "health": s.health, "silent": s.silent, "last_checked": s.last_checked,
            "last_success": s.last_success, "last_error": s.last_error, "last_error_at": s.last_error_at,
            "consecutive_failures": s.consecutive_failures, "runs_without_items": s.empty_runs,
            "items_total": s.items_total, "items_per_day": rates.get(s.pk, 0.0), "last_item_at": s.last_item_at,
            "next_due": s.next_due(),
        })
    return out


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
