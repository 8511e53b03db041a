"""Filtered, paginated and aggregated read queries for the web app and its REST API.

`profiles.py` answers "everything about one country or vendor"; this module answers the
questions a browser asks: a page of deployments matching several filters at once, counts per
country for a map, the list of suppliers, the database's totals. Pagination is keyset-based
(an opaque cursor carrying the last deployment id), so page N costs the same as page 1 and
rows inserted by a concurrent ingest never shift a page.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select, text
from sqlalchemy.engine import Connection

from custodes.index.profiles import DeploymentView, _attach_evidence, _view, country_name
from custodes.store.dialect import JsonArrayHas
from custodes.store.schema import claims, deployments, documents
from custodes.store.search import claims_fulltext

STATUSES = ("deployed", "planned", "cancelled", "unknown")
MAX_PAGE = 500


class CursorError(ValueError):
    """A pagination cursor that this server did not issue."""


@dataclass(frozen=True)
class DeploymentFilter:
    """The filters shared by the deployments API, the explorer page and the map."""

    country: str | None = None
    supplier: str | None = None
    supplier_country: str | None = None
    category: str | None = None
    status: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    min_confidence: float | None = None
    reviewed_only: bool = False  # only deployments with a claim a person accepted or edited

    def conditions(self) -> list[ColumnElement[bool]]:
        d = deployments.c
        out: list[ColumnElement[bool]] = []
        if self.country:
            out.append(d.country == self.country.upper())
        if self.supplier:
            out.append(func.lower(d.supplier) == self.supplier.lower())
        if self.supplier_country:
            out.append(d.supplier_country == self.supplier_country.upper())
        if self.category:
            out.append(JsonArrayHas(d.tech, self.category))  # whole category ids only
        if self.status:
            out.append(d.status == self.status)
        if self.year_from is not None:
            out.append(d.year >= self.year_from)
        if self.year_to is not None:
            out.append(d.year <= self.year_to)
        if self.min_confidence is not None:
            out.append(d.confidence >= self.min_confidence)
        if self.reviewed_only:
            out.append(d.accepted_claims > 0)
        return out

    def where(self, query: Select[Any]) -> Select[Any]:
        conds = self.conditions()
        return query.where(and_(*conds)) if conds else query


def encode_cursor(last_id: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": last_id}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    """The deployment id a cursor points after; CursorError when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        after = json.loads(raw)["after"]
    except (binascii.Error, ValueError, KeyError, TypeError) as exc:
        raise CursorError("cursor is not valid; use the next_cursor value of a previous page") from exc
    if not isinstance(after, str):
        raise CursorError("cursor is not valid; use the next_cursor value of a previous page")
    return after


@dataclass
class DeploymentPage:
    items: list[DeploymentView]
    total: int
    next_cursor: str | None


def page_deployments(conn: Connection, flt: DeploymentFilter, *, cursor: str | None = None,
                     limit: int = 50, evidence: bool = True) -> DeploymentPage:
    """One page of matching deployments in id order; `next_cursor` is None on the last page."""
    limit = max(1, min(limit, MAX_PAGE))
    query = flt.where(select(deployments))
    if cursor:
        query = query.where(deployments.c.id > decode_cursor(cursor))
    rows = conn.execute(query.order_by(deployments.c.id).limit(limit + 1)).mappings().all()
    views = [_view(row) for row in rows[:limit]]
    if evidence:
        _attach_evidence(conn, views)
    total = conn.execute(flt.where(select(func.count()).select_from(deployments))).scalar_one()
    next_cursor = encode_cursor(views[-1].id) if len(rows) > limit and views else None
    return DeploymentPage(views, int(total), next_cursor)


def count_by_country(conn: Connection, flt: DeploymentFilter | None = None) -> dict[str, int]:
    """Deployments per recipient country (ISO3 -> count): what the choropleth colours."""
    query = select(deployments.c.country, func.count()).group_by(deployments.c.country)
    if flt is not None:
        query = flt.where(query)
    return {iso3: int(n) for iso3, n in conn.execute(query)}


def slugify(name: str) -> str:
    """URL id of a supplier the vendor registry does not know, in the registry's id style:
    'Build Technology Converge' -> 'build_technology_converge'."""
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    return slug or "vendor"


@dataclass
class VendorSummary:
    id: str
    name: str
    supplier_country: str | None
    deployments: int
    countries: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)


def vendor_summaries(conn: Connection, key: Callable[[str], str] = slugify) -> list[VendorSummary]:
    """Every supplier named by at least one deployment, most deployments first; `key` makes ids."""
    by_name: dict[str, VendorSummary] = {}
    query = select(deployments.c.supplier, deployments.c.supplier_country, deployments.c.country,
                   deployments.c.tech).where(deployments.c.supplier.is_not(None))
    for supplier, home, country, tech in conn.execute(query):
        summary = by_name.setdefault(supplier, VendorSummary(key(supplier), supplier, home, 0))
        summary.deployments += 1
        summary.supplier_country = summary.supplier_country or home
        if country not in summary.countries:
            summary.countries.append(country)
        for cat in json.loads(tech):
            if cat not in summary.categories:
                summary.categories.append(cat)
    for summary in by_name.values():
        summary.countries.sort()
        summary.categories.sort()
    return sorted(by_name.values(), key=lambda v: (-v.deployments, v.name.lower()))


def supplier_names(conn: Connection) -> list[str]:
    """Every distinct supplier name deployments use."""
    query = select(deployments.c.supplier).where(deployments.c.supplier.is_not(None)).distinct()
    return [str(n) for n in conn.execute(query).scalars()]


@dataclass
class Facets:
    """Values present in the data, offered as choices in the explorer and the map selector."""

    countries: list[tuple[str, str]]
    suppliers: list[str]
    supplier_countries: list[tuple[str, str]]
    categories: list[str]
    statuses: list[str]
    year_min: int | None
    year_max: int | None


def facets(conn: Connection) -> Facets:
    d = deployments.c
    countries = sorted(((c, country_name(c)) for c in conn.execute(select(d.country).distinct()).scalars()),
                       key=lambda p: p[1])
    suppliers = sorted(conn.execute(select(d.supplier).where(d.supplier.is_not(None)).distinct()).scalars(),
                       key=str.lower)
    homes = sorted(((c, country_name(c)) for c in conn.execute(
        select(d.supplier_country).where(d.supplier_country.is_not(None)).distinct()).scalars()),
        key=lambda p: p[1])
    cats: set[str] = set()
    for tech in conn.execute(select(d.tech).distinct()).scalars():
        cats.update(json.loads(tech))
    statuses = [s for s in STATUSES if s in set(conn.execute(select(d.status).distinct()).scalars())]
    year_min, year_max = conn.execute(select(func.min(d.year), func.max(d.year))).one()
    return Facets(countries, suppliers, homes, sorted(cats), statuses, year_min, year_max)


def database_stats(conn: Connection) -> dict[str, Any]:
    """Totals and breakdowns describing what the record holds."""
    d = deployments.c
    by_status = {s: int(n) for s, n in conn.execute(select(d.status, func.count()).group_by(d.status))}
    by_category: dict[str, int] = {}
    for tech in conn.execute(select(d.tech)).scalars():
        for cat in json.loads(tech):
            by_category[cat] = by_category.get(cat, 0) + 1
    by_home = {c: int(n) for c, n in conn.execute(
        select(d.supplier_country, func.count()).where(d.supplier_country.is_not(None))
        .group_by(d.supplier_country))}
    return {
        "documents": int(conn.execute(select(func.count()).select_from(documents)).scalar_one()),
        "sources": int(conn.execute(select(func.count(documents.c.group_id.distinct()))).scalar_one()),
        "claims": int(conn.execute(select(func.count()).select_from(claims)).scalar_one()),
        "deployments": int(conn.execute(select(func.count()).select_from(deployments)).scalar_one()),
        "countries": int(conn.execute(select(func.count(d.country.distinct()))).scalar_one()),
        "suppliers": int(conn.execute(select(func.count(d.supplier.distinct()))).scalar_one()),
        "by_status": dict(sorted(by_status.items())),
        "by_category": dict(sorted(by_category.items(), key=lambda kv: (-kv[1], kv[0]))),
        "by_supplier_country": dict(sorted(by_home.items(), key=lambda kv: (-kv[1], kv[0]))),
        "last_seen": conn.execute(select(func.max(d.last_seen))).scalar_one(),
    }


@dataclass
class SearchHit:
    claim_id: str
    deployment_id: str
    document_id: str
    country: str
    country_name: str
    supplier: str | None
    evidence: str
    snippet: str
    title: str | None
    url: str | None
    published: str | None


def search_claims(conn: Connection, query: str, *, limit: int = 20, offset: int = 0,
                  marks: tuple[str, str] = ("[", "]")) -> tuple[list[SearchHit], int]:
    """FTS5 over evidence sentences, best match first, with the total number of matches.

    `marks` wrap the matched words in the snippet: the API uses brackets (as the CLI does);
    the web page uses control characters that cannot occur in escaped HTML, then turns them
    into <mark> after escaping everything else.
    """
    ft = claims_fulltext(conn)
    params = {"q": ft.param(query), "limit": limit, "offset": offset, "open": marks[0], "close": marks[1]}
    sql = text(
        "SELECT c.id, c.deployment_id, c.document_id, c.country, c.supplier, c.evidence_text, "
        f"{ft.snippet(':open', ':close', 24)} AS snip, d.title, d.url, d.published "
        f"FROM {ft.source} "
        "JOIN documents d ON d.id = c.document_id "
        f"WHERE {ft.condition} AND c.review_state != 'rejected' ORDER BY {ft.order} LIMIT :limit OFFSET :offset")
    hits = [SearchHit(row[0], row[1], row[2], row[3], country_name(row[3]), row[4], row[5], row[6],
                      row[7], row[8], row[9])
            for row in conn.execute(sql, params)]
    total = conn.execute(text(f"SELECT count(*) FROM {ft.source} "
                              f"WHERE {ft.condition} AND c.review_state != 'rejected'"),
                         {"q": params["q"]}).scalar_one()
    return hits, int(total)
