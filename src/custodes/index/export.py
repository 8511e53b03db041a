"""Exports of deployments with their evidence.

JSON Lines nests the evidence under each deployment. CSV and Parquet are flat: one row per
(deployment, evidence) pair, deployment fields repeated, so nothing is lost in a spreadsheet.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from custodes.index.profiles import DeploymentView

FORMATS = ("csv", "jsonl", "parquet")
FLAT_COLUMNS = (
    "deployment_id", "country", "country_name", "supplier", "supplier_country", "program", "tech",
    "status", "latest_status", "year", "confidence", "sources", "documents", "reviewed", "accepted_claims",
    "lender", "amount",
    "currency", "first_reported", "last_reported", "claim_id", "document_id", "document_title",
    "document_url", "document_source", "published", "evidence", "evidence_start", "evidence_end",
    "evidence_spans", "claim_status", "claim_year", "claim_confidence", "claim_tech_confidence",
    "claim_status_confidence", "claim_review_state", "extractor_version",
)


def flat_rows(views: Iterable[DeploymentView]) -> Iterator[dict[str, Any]]:
    for v in views:
        base = {
            "deployment_id": v.id, "country": v.country, "country_name": v.country_name,
            "supplier": v.supplier, "supplier_country": v.supplier_country, "program": v.program,
            "tech": ";".join(v.tech), "status": v.status, "latest_status": v.latest_status,
            "year": v.year, "confidence": v.confidence, "sources": v.sources,
            "documents": v.documents, "reviewed": v.reviewed, "accepted_claims": v.accepted_claims,
            "lender": v.lender, "amount": v.amount,
            "currency": v.currency, "first_reported": v.first_reported,
            "last_reported": v.last_reported,
        }
        for e in v.evidence:
            yield {**base, "claim_id": e.claim_id, "document_id": e.document_id,
                   "document_title": e.title, "document_url": e.url, "document_source": e.source,
                   "published": e.published, "evidence": e.text, "evidence_start": e.start,
                   "evidence_end": e.end, "evidence_spans": json.dumps(e.spans),
                   "claim_status": e.status, "claim_year": e.year,
                   "claim_confidence": e.confidence,
                   "claim_tech_confidence": json.dumps(e.tech_confidence) if e.tech_confidence else None,
                   "claim_status_confidence": e.status_confidence, "claim_review_state": e.review_state,
                   "extractor_version": e.extractor_version}


def write_csv(views: Iterable[DeploymentView], out: IO[str]) -> int:
    writer = csv.DictWriter(out, fieldnames=FLAT_COLUMNS)
    writer.writeheader()
    count = 0
    for row in flat_rows(views):
        writer.writerow(row)
        count += 1
    return count


def write_jsonl(views: Iterable[DeploymentView], out: IO[str]) -> int:
    count = 0
    for v in views:
        out.write(json.dumps(v.to_dict(), ensure_ascii=False) + "\n")
        count += 1
    return count


def write_parquet(views: Iterable[DeploymentView], path: Path, batch: int = 5000) -> int:
    """Written in row groups, so memory stays flat however many deployments there are."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([
        (name, pa.float64() if name in ("confidence", "amount", "claim_confidence", "claim_status_confidence")
         else pa.int64() if name in ("year", "sources", "documents", "accepted_claims", "evidence_start",
                                     "evidence_end", "claim_year")
         else pa.string())
        for name in FLAT_COLUMNS
    ])
    count = 0
    with pq.ParquetWriter(str(path), schema) as writer:
        buffer: list[dict[str, Any]] = []
        for row in flat_rows(views):
            buffer.append(row)
            if len(buffer) >= batch:
                writer.write_table(pa.Table.from_pylist(buffer, schema=schema))
                count += len(buffer)
                buffer = []
        if buffer or count == 0:
            writer.write_table(pa.Table.from_pylist(buffer, schema=schema))
            count += len(buffer)
    return count
