"""People's decisions on claims, and how they carry over when a document is extracted again.

A decision is a statement about one claim as the extractor stated it: it records the hash of
the claim's evidence and of its extracted output. The decision holds while both hashes are
unchanged; once re-extraction changes either, the claim goes back to the queue as `changed`
(its values are the new extraction's, the old decision stays in `reviews`, where nothing is
ever updated or deleted). The latest decision about a claim supersedes the earlier ones.

The output hash covers what the claim asserts (country, supplier side, technologies, year,
programme, status, financing), not the extractor's confidence in it: a retrained model changes
every confidence and should not undo every review.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection

from custodes.store.schema import claims, deployments, reviews

ACCEPT, REJECT, EDIT = "accept", "reject", "edit"
DECISIONS = (ACCEPT, REJECT, EDIT)
UNREVIEWED, ACCEPTED, REJECTED, EDITED, CHANGED = "unreviewed", "accepted", "rejected", "edited", "changed"
REVIEW_STATES = (UNREVIEWED, CHANGED, ACCEPTED, REJECTED, EDITED)
_STATE_OF = {ACCEPT: ACCEPTED, REJECT: REJECTED, EDIT: EDITED}
# Claims that count: a claim a person rejected is kept, with its decision, but asserts nothing.
COUNTED = claims.c.review_state != REJECTED
# Deployments with at least one claim a person accepted or edited.
REVIEWED = deployments.c.accepted_claims > 0

# What a claim asserts; the fields a reviewer may edit are these less the registry id, which
# follows the supplier.
OUTPUT_FIELDS = ("country", "supplier", "supplier_country", "vendor_id", "tech", "year", "program", "status",
                 "lender", "amount", "currency", "loan")
EDITABLE_FIELDS = tuple(f for f in OUTPUT_FIELDS if f != "vendor_id")


def extracted_output(values: Mapping[str, Any]) -> dict[str, Any]:
    """The claim's assertion as stored values (tech as its JSON text, as in `claims`)."""
    return {f: values.get(f) for f in OUTPUT_FIELDS}


def _digest(data: object) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def output_hash(extracted: Mapping[str, Any]) -> str:
    return _digest(dict(extracted))


def evidence_hash(values: Mapping[str, Any]) -> str:
    """Over the evidence text and its offsets: the same words at other places are other evidence."""
    return _digest([values.get("evidence_text"), values.get("evidence_spans")])


@dataclass(frozen=True)
class Review:
    pk: int
    claim_id: str
    decision: str
    edits: dict[str, Any]
    reviewer: str
    reason: str | None
    decided_at: str
    evidence_hash: str
    output_hash: str


def _review(row: Any) -> Review:
    return Review(row.pk, row.claim_id, row.decision, json.loads(row.edits) if row.edits else {},
                  row.reviewer, row.reason, row.decided_at, row.evidence_hash, row.output_hash)


def latest_reviews(conn: Connection, claim_ids: Iterable[str]) -> dict[str, Review]:
    """The decision that currently stands for each claim that has one."""
    ids = sorted(set(claim_ids))
    if not ids:
        return {}
    latest = (select(func.max(reviews.c.pk)).where(reviews.c.claim_id.in_(ids))
              .group_by(reviews.c.claim_id).scalar_subquery())
    rows = conn.execute(select(reviews).where(reviews.c.pk.in_(latest)))
    return {r.claim_id: _review(r) for r in rows}


def reviews_of(conn: Connection, claim_ids: Iterable[str]) -> list[Review]:
    """Every decision about these claims, oldest first."""
    ids = sorted(set(claim_ids))
    if not ids:
        return []
    rows = conn.execute(select(reviews).where(reviews.c.claim_id.in_(ids)).order_by(reviews.c.pk))
    return [_review(r) for r in rows]


def apply_review(values: dict[str, Any], review: Review | None) -> tuple[dict[str, Any], str, int | None]:
    """The values that count for a claim, its review state and the review behind it, given the
    claim's extracted `values` (with their hashes) and the latest decision about it."""
    if review is None:
        return values, UNREVIEWED, None
    if (review.evidence_hash, review.output_hash) != (values["evidence_hash"], values["output_hash"]):
        return values, CHANGED, review.pk
    out = dict(values)
    if review.decision == EDIT:
        out.update(stored_edits(review.edits))
    return out, _STATE_OF[review.decision], review.pk


def stored_edits(edits: Mapping[str, Any]) -> dict[str, Any]:
    """Edited fields as `claims` stores them: tech as JSON text, the registry id re-resolved
    when the supplier changes."""
    out = dict(edits)
    if "tech" in out:
        out["tech"] = json.dumps(sorted(set(out["tech"])))
    if "supplier" in out:
        from custodes.resolve.vendors import VendorRegistry

        vendor = VendorRegistry.default().resolve(out["supplier"]) if out["supplier"] else None
        out["vendor_id"] = vendor.id if vendor else None
    return out


def insert_review(conn: Connection, claim: Mapping[str, Any], decision: str, edits: Mapping[str, Any],
                  reviewer: str, reason: str | None, now: str) -> int:
    """Append one decision about a stored claim; returns its id."""
    result = conn.execute(insert(reviews).values(
        claim_id=claim["id"], decision=decision, edits=json.dumps(dict(edits), sort_keys=True) if edits else None,
        reviewer=reviewer, reason=reason, decided_at=now, evidence_hash=claim["evidence_hash"],
        output_hash=claim["output_hash"], extracted=claim["extracted"],
        extractor_version=claim["extractor_version"], reference_version=claim["reference_version"]))
    pk = result.inserted_primary_key
    assert pk is not None
    return int(pk[0])
