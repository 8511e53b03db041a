"""A small real database of claims for the review tests, written through the store's own API."""

from __future__ import annotations

from sqlalchemy import Engine, select

from custodes.store.claims import (
    ClaimRecord,
    MentionRecord,
    refresh_stale_deployments,
    replace_document_claims,
)
from custodes.store.documents import StoredDocument, insert_document
from custodes.store.schema import claims, deployments

TEXT = "Kenya bought cameras from Acme in 2019. Uganda signed with Acme. Zambia uses Bolt sensors."
SPANS = {"KEN": (0, 39), "UGA": (40, 64), "ZMB": (65, 90)}


def add_doc(engine: Engine, doc_id: str, group_id: str | None = None, text: str = TEXT) -> None:
    doc = StoredDocument(id=doc_id, source="t", url=f"https://example.org/{doc_id}", title=doc_id,
                         published="2024-05-01", author=None, site=None, lang="en", content_type="text",
                         text=text, chars=len(text), group_id=group_id or doc_id,
                         ingested_at="2024-05-01T00:00:00+00:00", extra={})
    with engine.begin() as conn:
        insert_document(conn, doc, b"\x00" * 512, 128)


def record(country: str = "KEN", supplier: str | None = "Acme", status: str = "deployed", year: int | None = 2019,
           conf: float = 0.8, evidence: tuple[int, int] | None = None) -> ClaimRecord:
    start, end = evidence or SPANS[country]
    return ClaimRecord(country=country, supplier=supplier, supplier_country=None, tech=["video_surveillance"],
                       year=year, program=None, status=status, confidence=conf,
                       evidence=[(TEXT[start:end], start, end)])


def store(engine: Engine, doc_id: str, records: list[ClaimRecord], now: str) -> None:
    with engine.begin() as conn:
        replace_document_claims(conn, doc_id, records, [MentionRecord("country", "KEN", "Kenya", 0, 5)],
                                extractor_version="x1", reference_version="r1", now=now)
        refresh_stale_deployments(conn, now)


def claim_of(engine: Engine, country: str) -> dict[str, object]:
    with engine.connect() as conn:
        return dict(conn.execute(select(claims).where(claims.c.country == country)).mappings().one())


def deployment_of(engine: Engine, country: str) -> dict[str, object] | None:
    with engine.connect() as conn:
        row = conn.execute(select(deployments).where(deployments.c.country == country)).mappings().first()
    return dict(row) if row else None
