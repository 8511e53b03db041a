"""Runs the extractor over stored documents and stores what it finds as claims.

Kept apart from `extract/` (pure text in, records out) and `store/` (rows in, rows out), so
that either side can change without the other knowing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from custodes.extract import EXTRACTOR_VERSION, extract
from custodes.extract.model import Deployment
from custodes.ingest import Analysis
from custodes.resolve.countries import Gazetteer
from custodes.resolve.vendors import VendorRegistry
from custodes.store.claims import (
    ClaimRecord,
    MentionRecord,
    refresh_stale_deployments,
    replace_document_claims,
    stale_document_ids,
)
from custodes.store.documents import StoredDocument, get_document


@cache
def reference_version() -> str:
    """Hash of the reference data the extractor reads (registry, gazetteer, taxonomy, cues, the
    language packs and the scorer model): a change re-extracts affected claims."""
    digest = hashlib.sha256()
    data = resources.files("custodes") / "data"
    for name, entry in _reference_files(data, ""):
        digest.update(name.encode())
        digest.update(entry.read_bytes())
    return digest.hexdigest()[:12]


_REFERENCE_DIRS = ("lang", "model")  # data/datasets holds imported datasets, not extraction data


def _reference_files(folder: Traversable, prefix: str) -> list[tuple[str, Traversable]]:
    out: list[tuple[str, Traversable]] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        name = prefix + entry.name
        if entry.is_dir():
            if prefix or entry.name in _REFERENCE_DIRS:
                out += _reference_files(entry, name + "/")
        elif entry.name.endswith((".yaml", ".yml", ".json")):
            out.append((name, entry))
    return out


def registry_vendor_id(dep: Deployment) -> str | None:
    """The vendor registry's id for the supplier, whatever spelling the document used."""
    vendor_id = dep.extra.get("vendor_id")
    if vendor_id:
        return str(vendor_id)
    if dep.supplier:
        vendor = VendorRegistry.default().resolve(dep.supplier)
        return vendor.id if vendor else None
    return None


def to_claim_record(dep: Deployment) -> ClaimRecord:
    fin = dep.financing
    return ClaimRecord(
        vendor_id=registry_vendor_id(dep),
        country=dep.country, supplier=dep.supplier, supplier_country=dep.supplier_country,
        tech=list(dep.tech), year=dep.year, program=dep.program, status=dep.status,
        confidence=dep.confidence, evidence=[(e.text, e.start, e.end) for e in dep.evidence],
        lender=fin.lender if fin else None, amount=fin.amount if fin else None,
        currency=fin.currency if fin else None, loan=fin.loan if fin else None,
        financing_evidence=fin.evidence.text if fin and fin.evidence else None,
        tech_confidence=dict(dep.tech_confidence) or None, status_confidence=dep.status_confidence,
    )


def find_mentions(text: str) -> list[MentionRecord]:
    """Countries and vendors named in the text, for browsing and later re-linking."""
    found = [MentionRecord("country", m.iso3, m.surface, m.start, m.end)
             for m in Gazetteer.default().find(text)]
    found += [MentionRecord("vendor", m.vendor.name, m.surface, m.start, m.end)
              for m in VendorRegistry.default().find(text)]
    return sorted(found, key=lambda m: (m.start, m.kind))


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Extraction:
    """What the extractor found in one text: plain data, so a worker process can send it back."""

    records: list[ClaimRecord]
    mentions: list[MentionRecord]


def compute_extraction(text: str, extra: dict[str, object]) -> Extraction:
    """The costly, pure half of extraction: no database. A watched page's earlier version that a
    newer one superseded states nothing any more: it keeps its text (what the page once said)
    but no claims, whatever the extractor would find."""
    superseded = bool(extra.get("superseded_by"))
    records = [] if superseded else [to_claim_record(dep) for dep in extract(text)]
    return Extraction(records, find_mentions(text))


def store_extraction(conn: Connection, doc: StoredDocument, extraction: Extraction) -> int:
    """Replace the document's claims with an extraction; the caller owns the transaction.
    Returns the number of claims the document now has."""
    replace_document_claims(
        conn, doc.id, extraction.records, extraction.mentions, extractor_version=EXTRACTOR_VERSION,
        reference_version=reference_version(), now=now_iso())
    return len(extraction.records)


def warm_up_extraction() -> None:
    """Load the vocabularies, the gazetteer and the model once, before the first document."""
    extract("")
    Gazetteer.default()
    VendorRegistry.default()
    reference_version()


EXTRACTION = Analysis(compute=compute_extraction, store=store_extraction, warm_up=warm_up_extraction)


def extract_document(conn: Connection, doc: StoredDocument) -> int:
    """Extract one stored document and replace its claims; the caller owns the transaction."""
    return store_extraction(conn, doc, compute_extraction(doc.text, doc.extra))


def after_store(conn: Connection, doc: StoredDocument) -> None:
    """Ingest hook: extraction runs in the document's own transaction."""
    extract_document(conn, doc)


def after_run(conn: Connection) -> None:
    """Ingest hook: recompute, once, every deployment the run's claims touched."""
    with conn.begin():
        refresh_stale_deployments(conn, now_iso())


def documents_to_extract(engine: Engine, everything: bool) -> list[str]:
    with engine.connect() as conn:
        return stale_document_ids(conn, EXTRACTOR_VERSION, reference_version(), everything)


def extract_stored(engine: Engine, document_ids: Iterable[str],
                   on_done: Callable[[str, int], None] | None = None) -> int:
    """Re-extract documents one transaction each; returns the number of claims written."""
    total = 0
    with engine.connect() as conn:
        for doc_id in document_ids:
            with conn.begin():
                doc = get_document(conn, doc_id)
                if doc is None:
                    continue
                written = extract_document(conn, doc)
            total += written
            if on_done is not None:
                on_done(doc_id, written)
        after_run(conn)
    return total
