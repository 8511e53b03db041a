"""REST API, mounted under /api/v1. Read-only; JSON everywhere except the bulk exports.

Errors are JSON objects `{"status", "message", "details"}` (see `app.py`): 404 for an unknown
country or vendor, 422 for a bad parameter, with the parameter named in the message.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy.engine import Connection

from custodes.index.profiles import country_summaries, deployments_for
from custodes.index.queries import (
    MAX_PAGE,
    STATUSES,
    CursorError,
    DeploymentFilter,
    database_stats,
    page_deployments,
    search_claims,
    vendor_summaries,
)
from custodes.store.asof import as_of as shadowed
from custodes.store.history import parse_as_of
from custodes.web import context, exports
from custodes.web.lookup import known_categories, resolve_country, resolve_vendor, vendor_key
from custodes.web.models import (
    CountriesOut,
    CountryDetailOut,
    DeploymentPageOut,
    ErrorOut,
    IndexOut,
    SearchOut,
    SourcesOut,
    StatsOut,
    VendorDetailOut,
    VendorsOut,
)
from custodes.web.store import ReadOnlyStore

ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "Unknown country or vendor."},
    422: {"model": ErrorOut, "description": "A parameter is missing or malformed."},
}
router = APIRouter(responses={422: ERRORS[422]})


async def get_store(request: Request) -> ReadOnlyStore:
    """Async on purpose, like get_conn: a sync dependency costs a trip to the thread pool."""
    store: ReadOnlyStore = request.app.state.store
    return store


async def get_conn(
    store: Annotated[ReadOnlyStore, Depends(get_store)],
    as_of: Annotated[str | None, Query(
        description="Answer as custodes asserted it at this ISO date (end of day, UTC) or UTC date-time.",
        max_length=40)] = None,
) -> AsyncIterator[Connection]:
    """A pooled read-only connection for one request. Checking it out and back in takes
    microseconds, so it happens on the event loop; the queries run in the endpoint's thread.
    With `as_of`, the connection reads the record as it stood then (`custodes.store.asof`)."""
    moment = None
    if as_of:
        try:
            moment = parse_as_of(as_of)
        except ValueError as exc:
            raise bad_parameter("as_of", str(exc).replace("--as-of", "as_of")) from exc
    conn = store.connect()
    try:
        if moment is None:
            yield conn
        else:
            with shadowed(conn, moment):
                yield conn
    finally:
        conn.close()


Conn = Annotated[Connection, Depends(get_conn)]
Store = Annotated[ReadOnlyStore, Depends(get_store)]


def bad_parameter(name: str, message: str) -> HTTPException:
    return HTTPException(422, detail=[{"loc": ["query", name], "msg": message, "type": "value_error"}])


@router.get("/countries", response_model=CountriesOut, summary="Recipient countries with counts")
def list_countries(conn: Conn) -> dict[str, Any]:
    """Every country with at least one deployment, most deployments first."""
    rows = country_summaries(conn)
    return {"total": len(rows), "countries": [r.__dict__ for r in rows]}


@router.get("/countries/{iso3}", response_model=CountryDetailOut, responses={404: ERRORS[404]},
            summary="One country: deployments with evidence, dataset statements, index fields")
def get_country(iso3: str, conn: Conn, store: Store) -> dict[str, Any]:
    """Everything recorded about one recipient country, by ISO 3166-1 alpha-3 code (e.g. ECU)."""
    code, name = resolve_country(iso3)
    ctx = context.country_context(conn, store.tables, code)
    return {
        "iso3": code, "name": name,
        "deployments": [v.to_dict() for v in deployments_for(conn, country=code)],
        "bri": ctx.bri, "regime": ctx.regime, "index": ctx.index,
        "statements": [s.__dict__ for s in ctx.statements],
        "dataset_deployments": ctx.dataset_deployments,
        "datasets": [d.__dict__ for d in ctx.datasets],
    }


@router.get("/vendors", response_model=VendorsOut, summary="Suppliers named by deployments")
def list_vendors(conn: Conn, store: Store) -> dict[str, Any]:
    """Every supplier at least one deployment names, with the countries it supplied."""
    restricted = context.restricted_vendors(conn, store.tables)
    rows = []
    for v in vendor_summaries(conn, key=vendor_key):
        flag = restricted.get(v.id.lower(), restricted.get(v.name.lower(), False if restricted else None))
        rows.append({**v.__dict__, "restricted": flag})
    return {"total": len(rows), "vendors": rows}


@router.get("/vendors/{vendor_id}", response_model=VendorDetailOut, responses={404: ERRORS[404]},
            summary="One vendor: restricted-list status, OEM brands, countries supplied")
def get_vendor(vendor_id: str, conn: Conn, store: Store) -> dict[str, Any]:
    """A vendor by the `id` of /vendors (a slug such as `hikvision`) or by a known name or alias."""
    return resolve_vendor(conn, store.tables, vendor_id).to_dict()


def deployment_filter(
    country: Annotated[str | None, Query(description="Recipient ISO3 code, e.g. ECU.")] = None,
    supplier: Annotated[str | None, Query(description="Supplier name (case-insensitive).")] = None,
    supplier_country: Annotated[str | None, Query(description="Supplier's home country, ISO3.")] = None,
    category: Annotated[str | None, Query(description="Technology category id, e.g. facial_recognition.")] = None,
    status: Annotated[str | None, Query(description="deployed, planned, cancelled or unknown.")] = None,
    year_from: Annotated[int | None, Query(ge=1900, le=2100, description="Earliest year (inclusive).")] = None,
    year_to: Annotated[int | None, Query(ge=1900, le=2100, description="Latest year (inclusive).")] = None,
    min_confidence: Annotated[float | None, Query(ge=0, le=1, description="Lowest confidence, 0..1.")] = None,
    reviewed_only: Annotated[bool, Query(
        description="Only deployments with at least one claim a person accepted or edited.")] = False,
) -> DeploymentFilter:
    """The filters shared by /deployments, the explorer page and the map; validated here once."""
    if country:
        country = resolve_country(country, status=422, param="country")[0]
    if supplier_country:
        supplier_country = resolve_country(supplier_country, status=422, param="supplier_country")[0]
    if category and category not in known_categories():
        raise bad_parameter("category", f"unknown category '{category}'; one of {', '.join(known_categories())}")
    if status and status not in STATUSES:
        raise bad_parameter("status", f"unknown status '{status}'; one of {', '.join(STATUSES)}")
    if year_from is not None and year_to is not None and year_from > year_to:
        raise bad_parameter("year_from", "year_from is after year_to")
    return DeploymentFilter(country=country or None, supplier=supplier or None,
                            supplier_country=supplier_country or None, category=category or None,
                            status=status or None, year_from=year_from, year_to=year_to,
                            min_confidence=min_confidence, reviewed_only=reviewed_only)


Filters = Annotated[DeploymentFilter, Depends(deployment_filter)]


@router.get("/deployments", response_model=DeploymentPageOut, summary="Filtered deployments, cursor-paginated")
def list_deployments(
    conn: Conn, flt: Filters,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page.")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page size.")] = 50,
    evidence: Annotated[bool, Query(description="Include evidence quotes.")] = True,
) -> dict[str, Any]:
    """Deployments matching every given filter, in stable id order."""
    try:
        page = page_deployments(conn, flt, cursor=cursor, limit=limit, evidence=evidence)
    except CursorError as exc:
        raise bad_parameter("cursor", str(exc)) from exc
    return {"total": page.total, "limit": limit, "next_cursor": page.next_cursor,
            "items": [v.to_dict() for v in page.items]}


@router.get("/search", response_model=SearchOut, summary="Full-text search over evidence")
def search(
    conn: Conn,
    q: Annotated[str, Query(min_length=1, max_length=200, description="Words to find (all must occur).")],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> dict[str, Any]:
    """Evidence sentences containing every word of `q`, best match first."""
    if not q.strip():
        raise bad_parameter("q", "the query is empty")
    hits, total = search_claims(conn, q, limit=limit, offset=offset)
    return {"query": q, "total": total, "offset": offset, "hits": [h.__dict__ for h in hits]}


@router.get("/index", response_model=IndexOut, summary="Country index in the shape of the AI Global Surveillance index")
def index(conn: Conn, store: Store,
          source: Annotated[Literal["aigs2022", "extracted", "all"], Query(
              description="aigs2022: the AIGS 2022 workbook; extracted: deployments found in documents; "
                          "all: both plus the deployments other datasets list.")] = "aigs2022") -> dict[str, Any]:
    """Per country: AIGS categories, Chinese/US/other supplier countries, BRI membership, regime type,
    suppliers and independent sources, with a summary; the same computation as `custodes index`.
    Empty when no dataset was imported into this database."""
    data = context.index_rows(conn, store.tables, source)
    return {**data, "datasets": [d.__dict__ for d in data["datasets"]]}


@router.get("/stats", response_model=StatsOut, summary="What the record holds")
def stats(conn: Conn, store: Store) -> dict[str, Any]:
    """Totals, breakdowns by status, category and supplier country, imported datasets."""
    return {**database_stats(conn), "datasets": [d.__dict__ for d in context.datasets(conn, store.tables)],
            "data_version": store.version().token}


@router.get("/sources", response_model=SourcesOut, summary="Watched sources and their health")
def sources(conn: Conn, store: Store) -> dict[str, Any]:
    """Every feed, sitemap and page `custodes watch` polls: last success, last error, failures in
    a row, new items per day, and whether a source that used to yield items has gone silent."""
    from custodes.store.watch import source_health_rows

    return {"sources": source_health_rows(conn) if store.has_table("watch_sources") else []}


@router.get("/export/deployments.{fmt}", summary="Bulk export of every deployment (streamed)",
            response_class=StreamingResponse,
            responses={200: {"content": {t: {} for t in exports.MEDIA_TYPES.values()},
                             "description": "The whole record, streamed with no row cap."},
                       404: ERRORS[404]})
def export(fmt: str, store: Store, flt: Filters) -> StreamingResponse:
    """csv, jsonl, parquet or geojson; the deployments filters apply.

    CSV and Parquet have one row per (deployment, evidence sentence); JSON Lines nests evidence
    under each deployment; GeoJSON has one Point feature per deployment at its country's
    representative point (see /downloads for how it is computed).
    """
    if fmt not in exports.MEDIA_TYPES:
        raise HTTPException(404, detail=f"no export format '{fmt}'; use one of {', '.join(exports.MEDIA_TYPES)}")
    body = exports.stream(store, fmt, flt)
    return StreamingResponse(body, media_type=exports.MEDIA_TYPES[fmt], headers={
        "content-disposition": f'attachment; filename="custodes-deployments.{fmt}"'})
