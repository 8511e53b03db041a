"""A small corpus for the change-feed tests, built through the real pipeline: JSON Lines articles
written here, ingested and extracted exactly as `custodes ingest` does it."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Engine, insert, select

from custodes.analyse import after_run, after_store
from custodes.ingest import Ingestor
from custodes.sources import plan_inputs
from custodes.store.claims import refresh_stale_deployments, replace_document_claims
from custodes.store.schema import documents, watch_items, watch_sources

COUNTRIES = ("Kenya", "Ecuador", "Pakistan", "Serbia", "Uganda", "Bolivia", "Zambia", "Zimbabwe", "Egypt",
             "Nigeria")
VENDORS = ("Huawei", "Hikvision")
NOW = "2025-03-01T00:00:00+00:00"


def article(n: int, country: str, vendor: str, year: int = 2019) -> dict[str, str]:
    return {"id": f"a{n}", "url": f"https://news.example.org/{n}", "title": f"{country} buys cameras",
            "date": f"2024-01-{1 + n % 28:02d}",
            "text": f"The police of {country} installed {vendor} surveillance cameras in {year}."}


def twenty_articles() -> list[dict[str, str]]:
    """Twenty articles, each stating a deployment of its own (10 countries x 2 vendors)."""
    return [article(i, c, v) for i, (c, v) in enumerate((c, v) for v in VENDORS for c in COUNTRIES)]


def ingest(engine: Engine, folder: Path, rows: list[dict[str, str]], name: str = "batch") -> None:
    path = folder / f"{name}.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    summary = Ingestor(engine, max_bytes=1_000_000, after_store=after_store, after_run=after_run).run(
        plan_inputs([str(path)]), lambda _event: None)
    assert not summary.failed


def document_ids(engine: Engine, urls: list[str]) -> list[str]:
    with engine.connect() as conn:
        found = dict(conn.execute(select(documents.c.url, documents.c.id).where(documents.c.url.in_(urls))).all())
    return [found[u] for u in urls]


def watch(engine: Engine, name: str, doc_ids: list[str]) -> int:
    """A watched source whose items became these documents; returns its pk."""
    with engine.begin() as conn:
        pk = int(conn.execute(insert(watch_sources).values(
            name=name, url=f"https://{name}.example.org/feed", kind="feed", every_seconds=3600,
            added_at=NOW)).inserted_primary_key[0])
        conn.execute(insert(watch_items), [
            {"source_pk": pk, "url": f"https://{name}.example.org/item/{i}", "document_id": d,
             "outcome": "stored", "first_seen": NOW} for i, d in enumerate(doc_ids)])
    return pk


def truncate(engine: Engine, doc_ids: list[str]) -> None:
    """What a truncated upstream leaves: the documents fetched again state nothing, so their
    claims are replaced by none and the deployments they alone carried vanish."""
    with engine.begin() as conn:
        for doc_id in doc_ids:
            replace_document_claims(conn, doc_id, [], [], extractor_version="test", reference_version="test",
                                    now=NOW)
        refresh_stale_deployments(conn, NOW)
