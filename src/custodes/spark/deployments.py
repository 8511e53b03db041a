"""Deployments from the claims Spark wrote, aggregated by the store's own function.

`custodes load` recomputes them in the database (through `refresh_stale_deployments`); this is
the same aggregate for whoever reads the Parquet without a database.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from custodes.spark.rows import claim_record
from custodes.store.claims import _claim_values, aggregate_claims, with_hashes
from custodes.store.reviews import apply_review


def stored_claim(row: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    """A claims row as the deployment query reads it from the database: stored values, no
    review yet, and the document's group and dates."""
    values, state, _review = apply_review(with_hashes(_claim_values(claim_record(row))), None)
    return {**values, "document_id": row["document_id"], "review_state": state,
            "group_id": document["group_id"], "published": document["published"],
            "ingested_at": document["ingested_at"]}


def deployment_row(deployment_id: str, claims: Iterable[tuple[dict[str, Any], dict[str, Any]]],
                   now: str) -> dict[str, Any]:
    """One deployment from its (claim, document) pairs, taken in input order as ingest stores them."""
    ordered = sorted(claims, key=lambda pair: (pair[0]["doc_order"], pair[0]["ordinal"]))
    values = aggregate_claims([stored_claim(claim, doc) for claim, doc in ordered])
    return {"id": deployment_id, **values, "first_seen": now, "last_seen": now}
