"""One input document to the rows Spark writes: what `custodes ingest` would store for it.

Pure and picklable, so a Spark partition runs exactly the code the single-machine ingest runs
(`custodes.ingest.prepare`, `build_stored_document`, `custodes.analyse.compute_extraction`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from custodes.analyse import EXTRACTION, Extraction, reference_version
from custodes.extract import EXTRACTOR_VERSION
from custodes.ids import document_id, normalise_text
from custodes.ingest import build_stored_document, prepare
from custodes.resolve.near_duplicates import NUM_PERM
from custodes.sources import ReadFailure, ReadResult
from custodes.store.claims import ClaimRecord, MentionRecord, claim_id, deployment_id

DOCUMENT_FIELDS = ("id", "source", "url", "title", "published", "author", "site", "lang",
                   "content_type", "text", "chars", "group_id", "ingested_at", "extra")


@dataclass
class PreparedRow:
    """A document ready to write, or (`failure` set) why an input is not one."""

    order: int
    locator: str
    document: dict[str, Any] | None = None
    claims: list[dict[str, Any]] = field(default_factory=list)
    mentions: list[dict[str, Any]] = field(default_factory=list)
    failure: str | None = None

    @property
    def document_id(self) -> str:
        assert self.document is not None
        return str(self.document["id"])


def prepare_row(order: int, result: ReadResult) -> PreparedRow:
    """The reader's result for one input to its rows; a failure is kept with its reason, as
    `custodes ingest` reports it."""
    if isinstance(result, ReadFailure):
        return PreparedRow(order, result.locator, failure=result.reason)
    text = normalise_text(result.text)
    if not text:
        return PreparedRow(order, result.locator, failure="no text after normalisation")
    doc_id = document_id(text)
    try:
        prepared = prepare(text, result.lang, result.extra, EXTRACTION)
    except Exception as exc:  # one bad document must not stop the partition
        return PreparedRow(order, result.locator, failure=f"could not store: {exc}")
    stored = build_stored_document(result, text, doc_id, doc_id, prepared.lang)
    document = {name: getattr(stored, name) for name in DOCUMENT_FIELDS}
    document["extra"] = json.dumps(stored.extra, ensure_ascii=False, default=str) if stored.extra else None
    document.update(order=order, locator=result.locator, signature=prepared.signature, num_perm=NUM_PERM,
                    extractor_version=EXTRACTOR_VERSION, reference_version=reference_version())
    extraction: Extraction = prepared.analysed
    return PreparedRow(order, result.locator, document, claim_rows(order, doc_id, extraction.records),
                       mention_rows(order, doc_id, extraction.mentions))


def claim_rows(order: int, doc_id: str, records: list[ClaimRecord]) -> list[dict[str, Any]]:
    """The claims `replace_document_claims` would store: the first record of each claim id."""
    out: dict[str, dict[str, Any]] = {}
    for record in records:
        cid = claim_id(doc_id, record)
        if cid in out:
            continue
        out[cid] = {
            "doc_order": order, "document_id": doc_id, "id": cid, "ordinal": len(out),
            "deployment_id": deployment_id(record.country, record.supplier, record.supplier_country,
                                           record.vendor_id),
            "country": record.country, "supplier": record.supplier,
            "supplier_country": record.supplier_country, "vendor_id": record.vendor_id,
            "tech": list(record.tech), "year": record.year, "program": record.program,
            "status": record.status, "confidence": float(record.confidence),
            "evidence": [{"text": t, "start": s, "end": e} for t, s, e in record.evidence],
            "lender": record.lender, "amount": None if record.amount is None else float(record.amount),
            "currency": record.currency, "loan": record.loan, "financing_evidence": record.financing_evidence,
            "tech_confidence": json.dumps(record.tech_confidence) if record.tech_confidence else None,
            "status_confidence": record.status_confidence,
        }
    return list(out.values())


def mention_rows(order: int, doc_id: str, found: list[MentionRecord]) -> list[dict[str, Any]]:
    return [{"doc_order": order, "document_id": doc_id, "ordinal": i, "kind": m.kind, "value": m.value,
             "surface": m.surface, "start": m.start, "end": m.end} for i, m in enumerate(found)]


def claim_record(row: dict[str, Any]) -> ClaimRecord:
    """A claims row (as written, or read back from Parquet) as the store takes it."""
    tech_confidence = row.get("tech_confidence")
    return ClaimRecord(
        country=row["country"], supplier=row["supplier"], supplier_country=row["supplier_country"],
        tech=list(row["tech"] or []), year=row["year"], program=row["program"], status=row["status"],
        confidence=row["confidence"],
        evidence=[(e["text"], int(e["start"]), int(e["end"])) for e in row["evidence"]],
        lender=row["lender"], amount=row["amount"], currency=row["currency"], loan=row["loan"],
        financing_evidence=row["financing_evidence"], vendor_id=row["vendor_id"],
        tech_confidence=json.loads(tech_confidence) if tech_confidence else None,
        status_confidence=row["status_confidence"],
    )


def mention_record(row: dict[str, Any]) -> MentionRecord:
    return MentionRecord(row["kind"], row["value"], row["surface"], int(row["start"]), int(row["end"]))
