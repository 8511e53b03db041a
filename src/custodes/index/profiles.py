"""Read-side queries: country and vendor profiles, evidence search, export rows.

Shared by the command line and the web app, so both show the same facts the same way.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select, text
from sqlalchemy.engine import Connection

from custodes.resolve.countries import Gazetteer
from custodes.store.reviews import COUNTED, REVIEWED
from custodes.store.schema import claims, deployments, documents
from custodes.store.search import claims_fulltext


def country_name(iso3: str) -> str:
    try:
        return Gazetteer.default().name(iso3)
    except KeyError:
        return iso3


@dataclass
class CountrySummary:
    iso3: str
    name: str
    deployments: int
    suppliers: list[str]
    supplier_countries: list[str]
    categories: list[str]
    sources: int


def country_summaries(conn: Connection) -> list[CountrySummary]:
    """One row per recipient country with at least one deployment, most deployments first."""
    per_country: dict[str, CountrySummary] = {}
    for row in conn.execute(select(deployments)).mappings():
        summary = per_country.setdefault(
            row["country"], CountrySummary(row["country"], country_name(row["country"]), 0, [], [], [], 0))
        summary.deployments += 1
        if row["supplier"] and row["supplier"] not in summary.suppliers:
            summary.suppliers.append(row["supplier"])
        if row["supplier_country"] and row["supplier_country"] not in summary.supplier_countries:
            summary.supplier_countries.append(row["supplier_country"])
        for cat in json.loads(row["tech"]):
            if cat not in summary.categories:
                summary.categories.append(cat)
    sources: dict[str, int] = {
        row[0]: int(row[1]) for row in conn.execute(
            select(claims.c.country, func.count(documents.c.group_id.distinct()))
            .join(documents, documents.c.id == claims.c.document_id).where(COUNTED).group_by(claims.c.country))
    }
    for iso3, summary in per_country.items():
        summary.sources = int(sources.get(iso3, 0))
        summary.suppliers.sort()
        summary.supplier_countries.sort()
        summary.categories.sort()
    return sorted(per_country.values(), key=lambda s: (-s.deployments, s.name))


@dataclass
class EvidenceItem:
    claim_id: str
    document_id: str
    title: str | None
    url: str | None
    source: str
    published: str | None
    text: str
    start: int
    end: int
    spans: list[list[int]]
    status: str
    year: int | None
    confidence: float
    extractor_version: str
    # given the pair: the probability of each stated category, and of the stated status
    tech_confidence: dict[str, float] | None = None
    status_confidence: float | None = None
    review_state: str = "unreviewed"  # unreviewed | changed | accepted | edited


@dataclass
class DeploymentView:
    id: str
    country: str
    country_name: str
    supplier: str | None
    supplier_country: str | None
    vendor_id: str | None
    program: str | None
    tech: list[str]
    status: str
    latest_status: str
    year: int | None
    confidence: float
    sources: int
    documents: int
    lender: str | None
    amount: float | None
    currency: str | None
    first_reported: str | None
    last_reported: str | None
    reviewed: str = "none"  # none | partly | fully: how many of its claims a person accepted or edited
    accepted_claims: int = 0
    evidence: list[EvidenceItem] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["evidence"] = [dict(e.__dict__) for e in self.evidence]
        return data


def _view(row: Any) -> DeploymentView:
    return DeploymentView(
        id=row["id"], country=row["country"], country_name=country_name(row["country"]),
        supplier=row["supplier"], supplier_country=row["supplier_country"], vendor_id=row["vendor_id"],
        program=row["program"],
        tech=json.loads(row["tech"]), status=row["status"], latest_status=row["latest_status"],
        year=row["year"], confidence=row["confidence"], sources=row["sources"],
        documents=row["documents"], lender=row["lender"], amount=row["amount"],
        currency=row["currency"], first_reported=row["first_reported"],
        last_reported=row["last_reported"], reviewed=row["reviewed"], accepted_claims=row["accepted_claims"])


def _attach_evidence(conn: Connection, views: list[DeploymentView]) -> None:
    by_id = {v.id: v for v in views}
    if not by_id:
        return
    query = (
        select(claims.c.id, claims.c.deployment_id, claims.c.document_id, claims.c.evidence_text,
               claims.c.evidence_start, claims.c.evidence_end, claims.c.evidence_spans, claims.c.status, claims.c.year,
               claims.c.confidence, claims.c.tech_confidence, claims.c.status_confidence, claims.c.review_state,
               claims.c.extractor_version, documents.c.title, documents.c.url,
               documents.c.source, documents.c.published)
        .join(documents, documents.c.id == claims.c.document_id)
        .where(claims.c.deployment_id.in_(list(by_id)), COUNTED)
        .order_by(documents.c.published.desc(), claims.c.confidence.desc())
    )
    for row in conn.execute(query).mappings():
        by_id[row["deployment_id"]].evidence.append(EvidenceItem(
            claim_id=row["id"], document_id=row["document_id"], title=row["title"], url=row["url"],
            source=row["source"], published=row["published"], text=row["evidence_text"],
            start=row["evidence_start"], end=row["evidence_end"], spans=json.loads(row["evidence_spans"]),
            status=row["status"],
            year=row["year"], confidence=row["confidence"],
            extractor_version=row["extractor_version"],
            tech_confidence=json.loads(row["tech_confidence"]) if row["tech_confidence"] else None,
            status_confidence=row["status_confidence"], review_state=row["review_state"]))


def deployments_for(conn: Connection, *, country: str | None = None, supplier: str | None = None,
                    vendor_id: str | None = None, reviewed_only: bool = False) -> list[DeploymentView]:
    """Deployments with their evidence, strongest evidence first.

    A registry vendor is found by its id whatever spelling the documents used, or by name.
    `reviewed_only` keeps deployments with at least one claim a person accepted or edited.
    """
    query = select(deployments)
    if reviewed_only:
        query = query.where(REVIEWED)
    if country:
        query = query.where(deployments.c.country == country)
    if supplier and vendor_id:
        query = query.where(or_(deployments.c.vendor_id == vendor_id,
                                func.lower(deployments.c.supplier) == supplier.lower()))
    elif supplier:
        query = query.where(func.lower(deployments.c.supplier) == supplier.lower())
    query = query.order_by(deployments.c.sources.desc(), deployments.c.confidence.desc(),
                           deployments.c.country)
    views = [_view(row) for row in conn.execute(query).mappings()]
    _attach_evidence(conn, views)
    return views


def iter_deployments(conn: Connection, batch: int = 500, reviewed_only: bool = False) -> Iterator[DeploymentView]:
    """Every deployment with its evidence, in id order, a batch at a time (no row cap)."""
    last = ""
    while True:
        query = select(deployments).where(deployments.c.id > last)
        if reviewed_only:
            query = query.where(REVIEWED)
        rows = conn.execute(query.order_by(deployments.c.id).limit(batch)).mappings().all()
        if not rows:
            return
        views = [_view(row) for row in rows]
        _attach_evidence(conn, views)
        yield from views
        last = rows[-1]["id"]


@dataclass
class EvidenceHit:
    claim_id: str
    document_id: str
    country: str
    supplier: str | None
    snippet: str
    title: str | None
    url: str | None


def search_evidence(conn: Connection, query: str, limit: int = 20) -> list[EvidenceHit]:
    """Full-text search over evidence sentences (`custodes.store.search`), best match first."""
    ft = claims_fulltext(conn)
    snippet = ft.snippet("'['", "']'", 16)
    sql = text(
        f"SELECT c.id, c.document_id, c.country, c.supplier, {snippet} AS snip, d.title, d.url "
        f"FROM {ft.source} "
        "JOIN documents d ON d.id = c.document_id "
        f"WHERE {ft.condition} AND c.review_state != 'rejected' ORDER BY {ft.order} LIMIT :limit")
    return [EvidenceHit(*row) for row in conn.execute(sql, {"q": ft.param(query), "limit": limit})]
