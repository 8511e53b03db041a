"""Claims (what one document states) and deployments (what all documents state together).

A claim is replaced, never duplicated, when a document is extracted again: its id depends only
on the document and the deployment key, so an unchanged claim keeps its `first_seen`.
Deployments are recomputed from their claims: a document's transaction queues the deployments
it touched in `stale_deployments`, and `refresh_stale_deployments` recomputes each queued one
once, at the end of a run (or when the next command opens a database a killed run left behind).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.engine import Connection

from custodes.extract.model import supplier_key as extract_supplier_key
from custodes.ids import stable_id
from custodes.store.db import take_write_lock
from custodes.store.history import record_claims, record_deployments
from custodes.store.reviews import (
    ACCEPTED,
    EDITED,
    REJECTED,
    apply_review,
    evidence_hash,
    extracted_output,
    latest_reviews,
    output_hash,
)
from custodes.store.schema import (
    claims,
    deployments,
    document_extractions,
    documents,
    mentions,
    stale_deployments,
)

# Strength of what a status says about the equipment: in use beats ended beats intended.
STATUS_STRENGTH = {"deployed": 3, "cancelled": 2, "planned": 1, "unknown": 0}
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class MentionRecord:
    kind: str  # country | vendor | company | technology
    value: str
    surface: str
    start: int
    end: int


@dataclass
class ClaimRecord:
    """One deployment stated by one document, ready to store."""

    country: str
    supplier: str | None
    supplier_country: str | None
    tech: list[str]
    year: int | None
    program: str | None
    status: str
    confidence: float
    evidence: list[tuple[str, int, int]]
    lender: str | None = None
    amount: float | None = None
    currency: str | None = None
    loan: bool | None = None
    financing_evidence: str | None = None
    vendor_id: str | None = None
    tech_confidence: dict[str, float] | None = None  # category -> probability
    status_confidence: float | None = None


def supplier_key(supplier: str | None, supplier_country: str | None, vendor_id: str | None = None) -> str:
    """Registry vendor, else the named supplier, else the supplier country (the guidelines' key),
    as the extractor keys them (`custodes.extract.model.supplier_key`)."""
    kind, value = extract_supplier_key(supplier, vendor_id, supplier_country)
    return f"{kind}:{value}"


def programme_key(program: str | None) -> str:
    return _NON_ALNUM.sub("", program.casefold()) if program else ""


def deployment_id(country: str, supplier: str | None, supplier_country: str | None,
                  vendor_id: str | None = None) -> str:
    """`dep-` id over (country, registry vendor or supplier or supplier country): one deal,
    whether or not a source names its programme (since migration 0007)."""
    return stable_id("dep", country, supplier_key(supplier, supplier_country, vendor_id))


def claim_id(document_id: str, record: ClaimRecord) -> str:
    """`clm-` id over (document, country, supplier or supplier country)."""
    return stable_id("clm", document_id, record.country,
                     supplier_key(record.supplier, record.supplier_country, record.vendor_id))


# Statements built once: building a statement per row cost more than running it.
_OLD_CLAIMS = select(claims.c.id, claims.c.deployment_id, claims.c.first_seen).where(
    claims.c.document_id == bindparam("doc"))
_DELETE_CLAIMS = delete(claims).where(claims.c.document_id == bindparam("doc"))
_DELETE_MENTIONS = delete(mentions).where(mentions.c.document_id == bindparam("doc"))
_DELETE_EXTRACTION = delete(document_extractions).where(document_extractions.c.document_id == bindparam("doc"))
_QUEUED = select(stale_deployments.c.deployment_id).where(
    stale_deployments.c.deployment_id.in_(bindparam("ids", expanding=True)))
_CLAIMS_OF_DEPLOYMENT = (
    select(claims, documents.c.group_id, documents.c.published, documents.c.ingested_at)
    .join(documents, documents.c.id == claims.c.document_id)
    .where(claims.c.deployment_id == bindparam("dep")))
_DEPLOYMENT_FIRST_SEEN = select(deployments.c.first_seen).where(deployments.c.id == bindparam("dep"))
_DELETE_DEPLOYMENT = delete(deployments).where(deployments.c.id == bindparam("dep"))
_UPDATE_DEPLOYMENT = update(deployments).where(deployments.c.id == bindparam("dep_id"))


def replace_document_claims(conn: Connection, document_id: str, records: Sequence[ClaimRecord],
                            found: Sequence[MentionRecord], *, extractor_version: str,
                            reference_version: str, now: str) -> set[str]:
    """Store a document's extraction; returns the deployment ids whose claims changed.

    A claim a person decided on keeps that decision while its evidence and extracted output are
    unchanged (`custodes.store.reviews`). The caller owns the transaction, so claims, mentions,
    history and the deployment queue move together.
    """
    take_write_lock(conn)  # the old claims read here must be the ones replaced
    old = {row.id: row for row in conn.execute(_OLD_CLAIMS, {"doc": document_id})}
    affected = {row.deployment_id for row in old.values()}
    conn.execute(_DELETE_CLAIMS, {"doc": document_id})
    conn.execute(_DELETE_MENTIONS, {"doc": document_id})
    extracted: dict[str, dict[str, Any]] = {}
    for record in records:
        cid = claim_id(document_id, record)
        if cid not in extracted:
            extracted[cid] = with_hashes(_claim_values(record))
    decisions = latest_reviews(conn, extracted)
    rows: dict[str, dict[str, Any]] = {}
    for cid, values in extracted.items():
        counted, state, review_id = apply_review(values, decisions.get(cid))
        dep = deployment_id(counted["country"], counted["supplier"], counted["supplier_country"], counted["vendor_id"])
        affected.add(dep)
        rows[cid] = {"id": cid, "document_id": document_id, "deployment_id": dep, **counted,
                     "review_state": state, "review_id": review_id,
                     "extractor_version": extractor_version, "reference_version": reference_version,
                     "first_seen": old[cid].first_seen if cid in old else now, "last_seen": now}
    if rows:
        conn.execute(insert(claims), list(rows.values()))
    record_claims(conn, {**dict.fromkeys(old), **rows}, now)
    if found:
        conn.execute(insert(mentions), [
            {"document_id": document_id, "kind": m.kind, "value": m.value, "surface": m.surface,
             "start": m.start, "end": m.end} for m in found])
    conn.execute(_DELETE_EXTRACTION, {"doc": document_id})
    conn.execute(insert(document_extractions), {
        "document_id": document_id, "extractor_version": extractor_version,
        "reference_version": reference_version, "extracted_at": now, "claims": len(rows),
        "mentions": len(found)})
    queue_stale_deployments(conn, affected)
    return affected


def with_hashes(values: dict[str, Any]) -> dict[str, Any]:
    """Claim values with the extractor's own output and the hashes a decision is checked against."""
    output = extracted_output(values)
    return {**values, "extracted": json.dumps(output, sort_keys=True, ensure_ascii=False),
            "output_hash": output_hash(output), "evidence_hash": evidence_hash(values)}


def queue_stale_deployments(conn: Connection, deployment_ids: Iterable[str]) -> None:
    """Record, in the caller's transaction, that these deployments need recomputing."""
    ids = sorted(set(deployment_ids))
    if not ids:
        return
    queued = set(conn.execute(_QUEUED, {"ids": ids}).scalars())
    fresh = [{"deployment_id": d} for d in ids if d not in queued]
    if fresh:
        conn.execute(insert(stale_deployments), fresh)


def refresh_stale_deployments(conn: Connection, now: str) -> int:
    """Recompute every queued deployment once and take it off the queue; the caller owns the
    transaction.

    The write lock is taken before the queue and the claims are read, so a writer in another
    process cannot add a claim (or queue a deployment) between this read and the queue's emptying.
    """
    take_write_lock(conn)
    queued = list(conn.execute(select(stale_deployments.c.deployment_id)).scalars())
    if queued:
        refresh_deployments(conn, queued, now)
        conn.execute(delete(stale_deployments))  # the lock held since the read: nothing new queued
    return len(queued)


def _claim_values(record: ClaimRecord) -> dict[str, Any]:
    first = record.evidence[0]
    return {
        "country": record.country, "supplier": record.supplier,
        "supplier_country": record.supplier_country, "vendor_id": record.vendor_id,
        "tech": json.dumps(sorted(set(record.tech))),
        "year": record.year, "program": record.program, "status": record.status,
        "confidence": round(record.confidence, 4),
        "evidence_text": " ".join(text for text, _s, _e in record.evidence),
        "evidence_start": first[1], "evidence_end": record.evidence[-1][2],
        "evidence_spans": json.dumps([[s, e] for _t, s, e in record.evidence]),
        "lender": record.lender, "amount": record.amount, "currency": record.currency,
        "loan": record.loan, "financing_evidence": record.financing_evidence,
        "tech_confidence": json.dumps(dict(sorted(record.tech_confidence.items())))
        if record.tech_confidence else None,
        "status_confidence": record.status_confidence,
    }


def refresh_deployments(conn: Connection, deployment_ids: Iterable[str], now: str) -> None:
    """Recompute each deployment from the claims that count (a rejected claim does not); one
    with none left is removed. Each change is kept in the deployment's history."""
    versions: dict[str, dict[str, Any] | None] = {}
    for dep in deployment_ids:
        rows = [r for r in conn.execute(_CLAIMS_OF_DEPLOYMENT, {"dep": dep}).mappings().all()
                if r["review_state"] != REJECTED]
        existing = conn.execute(_DEPLOYMENT_FIRST_SEEN, {"dep": dep}).first()
        if not rows:
            if existing is not None:
                conn.execute(_DELETE_DEPLOYMENT, {"dep": dep})
            versions[dep] = None
            continue
        values = aggregate_claims(rows)
        if existing is None:
            conn.execute(insert(deployments), {"id": dep, **values, "first_seen": now, "last_seen": now})
        else:
            conn.execute(_UPDATE_DEPLOYMENT, {"dep_id": dep, **values, "last_seen": now})
        versions[dep] = {"id": dep, **values, "first_seen": existing[0] if existing is not None else now}
    record_deployments(conn, versions, now)


def aggregate_claims(rows: Sequence[Any]) -> dict[str, Any]:
    """One deployment from its claims: near-duplicate groups count once as sources."""
    def reported(row: Any) -> str:
        return str(row["published"] or row["ingested_at"][:10])

    by_date = sorted(rows, key=reported)
    best_per_group: dict[str, float] = {}
    for row in rows:
        best_per_group[row["group_id"]] = max(best_per_group.get(row["group_id"], 0.0), row["confidence"])
    doubt = 1.0
    for conf in best_per_group.values():
        doubt *= 1.0 - conf
    tech = sorted({t for row in rows for t in json.loads(row["tech"])})
    years = sorted(row["year"] for row in rows if row["year"])
    financed = next((row for row in by_date if row["lender"] or row["amount"]), None)
    known = [row for row in by_date if row["status"] != "unknown"]
    head = rows[0]
    reviewed = sum(row["review_state"] in (ACCEPTED, EDITED) for row in rows)
    return {
        "country": head["country"], "supplier": _most_common(row["supplier"] for row in rows),
        "supplier_country": _most_common(row["supplier_country"] for row in rows),
        "vendor_id": _most_common(row["vendor_id"] for row in rows),
        "program": _most_common(row["program"] for row in rows),
        "tech": json.dumps(tech),
        "status": max((row["status"] for row in rows), key=lambda s: STATUS_STRENGTH.get(s, 0)),
        "latest_status": known[-1]["status"] if known else "unknown",
        "year": years[0] if years else None,
        "confidence": round(1.0 - doubt, 4),
        "claims": len(rows), "documents": len({row["document_id"] for row in rows}),
        "sources": len(best_per_group),
        "lender": financed["lender"] if financed else None,
        "amount": financed["amount"] if financed else None,
        "currency": financed["currency"] if financed else None,
        "first_reported": reported(by_date[0]), "last_reported": reported(by_date[-1]),
        "reviewed": "fully" if reviewed == len(rows) else "partly" if reviewed else "none",
        "accepted_claims": reviewed,
    }


def _most_common(values: Iterable[str | None]) -> str | None:
    counts: dict[str, int] = {}
    for value in values:
        if value:
            counts[value] = counts.get(value, 0) + 1
    return max(counts, key=lambda v: counts[v]) if counts else None


def stale_document_ids(conn: Connection, extractor_version: str, reference_version: str,
                       everything: bool = False) -> list[str]:
    """Documents never extracted, or extracted by another extractor or reference data."""
    query = select(documents.c.id).outerjoin(
        document_extractions, document_extractions.c.document_id == documents.c.id)
    if not everything:
        query = query.where(
            (document_extractions.c.document_id.is_(None))
            | (document_extractions.c.extractor_version != extractor_version)
            | (document_extractions.c.reference_version != reference_version))
    return list(conn.execute(query.order_by(documents.c.pk)).scalars())


def count_rows(conn: Connection) -> dict[str, int]:
    return {
        name: int(conn.execute(select(func.count()).select_from(table)).scalar_one())
        for name, table in (("claims", claims), ("deployments", deployments), ("mentions", mentions))
    }
