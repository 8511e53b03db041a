"""The review queue: claims in the order a decision about them matters most.

Low confidence first, in bands of 0.1 (0.30 to 0.39 is one band, so that the next keys decide
within a band), then claims that alone carry their deployment (rejecting one removes a deployment), then claims of
deployments many sources repeat (an error there is repeated the most), then lowest confidence.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, and_, case, cast, func, select
from sqlalchemy.engine import Connection

from custodes.store.reviews import CHANGED, REVIEW_STATES, UNREVIEWED
from custodes.store.schema import claims, deployments, documents

TO_DO = (UNREVIEWED, CHANGED)


@dataclass
class QueueItem:
    claim_id: str
    deployment_id: str
    review_state: str
    confidence: float
    country: str
    supplier: str | None
    supplier_country: str | None
    tech: list[str]
    status: str
    year: int | None
    program: str | None
    evidence: str
    evidence_start: int
    evidence_end: int
    document_id: str
    title: str | None
    url: str | None
    deployment_claims: int
    sources: int

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def review_queue(conn: Connection, *, states: tuple[str, ...] = TO_DO, country: str | None = None,
                 vendor_id: str | None = None, supplier: str | None = None, limit: int | None = None
                 ) -> list[QueueItem]:
    """Claims in the given review states, most consequential first."""
    for s in states:
        if s not in REVIEW_STATES:
            raise ValueError(f"--status {s!r}: one of {', '.join(REVIEW_STATES)}")
    c, d = claims.c, deployments.c
    alone = case((func.coalesce(d.claims, 0) <= 1, 0), else_=1)
    query = (
        select(c.id, c.deployment_id, c.review_state, c.confidence, c.country, c.supplier, c.supplier_country,
               c.tech, c.status, c.year, c.program, c.evidence_text, c.evidence_start, c.evidence_end,
               c.document_id, documents.c.title, documents.c.url,
               func.coalesce(d.claims, 0).label("dep_claims"), func.coalesce(d.sources, 0).label("dep_sources"))
        .join(documents, documents.c.id == c.document_id)
        .outerjoin(deployments, d.id == c.deployment_id)
        .where(c.review_state.in_(states))
        .order_by(cast(c.confidence * 10, Integer), alone, func.coalesce(d.sources, 0).desc(), c.confidence, c.id)
    )
    conds = []
    if country:
        conds.append(c.country == country)
    if vendor_id:
        conds.append(c.vendor_id == vendor_id)
    elif supplier:
        conds.append(func.lower(c.supplier) == supplier.lower())
    if conds:
        query = query.where(and_(*conds))
    if limit:
        query = query.limit(limit)
    return [
        QueueItem(r.id, r.deployment_id, r.review_state, r.confidence, r.country, r.supplier, r.supplier_country,
                  json.loads(r.tech), r.status, r.year, r.program, r.evidence_text, r.evidence_start,
                  r.evidence_end, r.document_id, r.title, r.url, r.dep_claims, r.dep_sources)
        for r in conn.execute(query)
    ]
