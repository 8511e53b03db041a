"""Helpers for index tests: a stored document with extracted claims, written the real way."""

from __future__ import annotations

from sqlalchemy import Engine, insert

from custodes.store.claims import ClaimRecord, refresh_stale_deployments, replace_document_claims
from custodes.store.schema import documents


def store_claims(engine: Engine, doc_id: str, group: str, records: list[ClaimRecord],
                 title: str = "A report") -> None:
    """One document (in near-duplicate group `group`) stating `records`."""
    text = " ".join(e[0] for r in records for e in r.evidence) or "text"
    with engine.begin() as conn:
        conn.execute(insert(documents).values(
            id=doc_id, source=f"{doc_id}.txt", url=f"https://example.org/{doc_id}", title=title,
            content_type="text", text=text, chars=len(text), group_id=group,
            ingested_at="2025-01-01T00:00:00+00:00", published="2024-06-01"))
        replace_document_claims(conn, doc_id, records, [], extractor_version="test", reference_version="test",
                                now="2025-01-01T00:00:00+00:00")
        refresh_stale_deployments(conn, "2025-01-01T00:00:00+00:00")


def claim(country: str, supplier: str | None, supplier_country: str | None, tech: list[str],
          sentence: str = "The ministry installed the system.") -> ClaimRecord:
    return ClaimRecord(country=country, supplier=supplier, supplier_country=supplier_country, tech=tech, year=2020,
                       program=None, status="deployed", confidence=0.8, evidence=[(sentence, 0, len(sentence))])
