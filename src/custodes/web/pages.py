"""Server-rendered pages: map, country, vendor, search, explorer, downloads, sources, API reference.

Every page works without JavaScript (maps are SVG links, forms are GET forms); the one static
script only adds map tooltips and submits selects on change. Page handlers reuse the API's
query functions so a page and its JSON twin always agree.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.engine import Connection

from custodes.index.profiles import country_summaries, deployments_for
from custodes.index.queries import (
    CursorError,
    DeploymentFilter,
    SearchHit,
    count_by_country,
    database_stats,
    facets,
    page_deployments,
    search_claims,
    vendor_summaries,
)
from custodes.web import context, exports
from custodes.web.api import deployment_filter, get_conn, get_store
from custodes.web.lookup import category_labels, registry_entry, resolve_country, resolve_vendor, vendor_key
from custodes.web.maps import world_map
from custodes.web.render import MARK_CLOSE, MARK_OPEN, render
from custodes.web.store import ReadOnlyStore

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
Conn = Annotated[Connection, Depends(get_conn)]
Store = Annotated[ReadOnlyStore, Depends(get_store)]
FILTER_FIELDS = ("country", "supplier", "supplier_country", "category", "status", "year_from", "year_to",
                 "min_confidence", "reviewed_only")


def _map_filter(by: str) -> tuple[DeploymentFilter, str]:
    """The home map's `by` choice: '' (all), 'category:ID' or 'supplier_country:ISO3'."""
    kind, _, value = by.partition(":")
    if kind == "category" and value in category_labels():
        return DeploymentFilter(category=value), f"{category_labels()[value]} deployments"
    if kind == "supplier_country" and value:
        code, name = resolve_country(value, status=422, param="by")
        return DeploymentFilter(supplier_country=code), f"deployments by suppliers from {name}"
    if by:
        raise HTTPException(422, detail=[{"loc": ["query", "by"], "msg": f"unknown map choice '{by}'",
                                          "type": "value_error"}])
    return DeploymentFilter(), "deployments"


@router.get("/")
def home(request: Request, conn: Conn, by: Annotated[str, Query(max_length=64)] = "",
         reviewed_only: bool = False) -> HTMLResponse:
    flt, title = _map_filter(by)
    if reviewed_only:
        flt, title = replace(flt, reviewed_only=True), f"reviewed {title}"
    counts = count_by_country(conn, flt)
    rows = country_summaries(conn)
    return render(request, "home.html", map=world_map(counts), map_title=title, by=by, counts=counts,
                  reviewed_only=reviewed_only,
                  facets=facets(conn), stats=database_stats(conn), countries=rows)


@router.get("/countries")
def countries_page(request: Request, conn: Conn) -> HTMLResponse:
    return render(request, "countries.html", countries=country_summaries(conn))


@router.get("/countries/{iso3}")
def country_page(request: Request, iso3: str, conn: Conn, store: Store) -> Any:
    code, name = resolve_country(iso3)
    if code != iso3:
        return RedirectResponse(f"/countries/{code}", status_code=301)
    views = deployments_for(conn, country=code)
    ctx = context.country_context(conn, store.tables, code)
    suppliers = sorted({v.supplier for v in views if v.supplier})
    return render(request, "country.html", iso3=code, name=name, deployments=views, ctx=ctx,
                  bri_imported=context.dataset_imported(conn, store.tables, context.BRI_DATASET),
                  suppliers=suppliers, sources=len({e.document_id for v in views for e in v.evidence}))


@router.get("/vendors")
def vendors_page(request: Request, conn: Conn, store: Store) -> HTMLResponse:
    restricted = context.restricted_vendors(conn, store.tables)
    rows = [(v, restricted.get(v.id.lower(), restricted.get(v.name.lower(), False if restricted else None)))
            for v in vendor_summaries(conn, key=vendor_key)]
    return render(request, "vendors.html", vendors=rows)


@router.get("/vendors/{vendor_id}")
def vendor_page(request: Request, vendor_id: str, conn: Conn, store: Store) -> Any:
    profile = resolve_vendor(conn, store.tables, vendor_id)
    if profile.id != vendor_id:
        return RedirectResponse(f"/vendors/{profile.id}", status_code=301)
    counts = {c["iso3"]: c["deployments"] for c in profile.countries}
    listed = frozenset(c["iso3"] for c in profile.supplied) | frozenset(
        d["country"] for d in profile.ctx.dataset_deployments)
    parent = registry_entry(profile.parent) if profile.parent else None
    return render(request, "vendor.html", vendor=profile, ctx=profile.ctx, parent=parent,
                  map=world_map(counts, link_all=False, secondary=listed,
                                secondary_label="listed by an imported dataset only"))


@router.get("/search")
def search_page(request: Request, conn: Conn,
                q: Annotated[str, Query(max_length=200)] = "",
                offset: Annotated[int, Query(ge=0, le=10_000)] = 0) -> HTMLResponse:
    hits: list[SearchHit] = []
    total = 0
    if q.strip():
        hits, total = search_claims(conn, q, limit=20, offset=offset, marks=(MARK_OPEN, MARK_CLOSE))
    return render(request, "search.html", q=q, hits=hits, total=total, offset=offset, limit=20)


@router.get("/deployments")
def explorer(request: Request, conn: Conn, cursor: Annotated[str | None, Query(max_length=200)] = None,
             limit: Annotated[int, Query(ge=1, le=200)] = 50) -> HTMLResponse:
    params = {k: v for k, v in request.query_params.items() if k in FILTER_FIELDS and v.strip()}
    flt = _page_filter(params)
    try:
        page = page_deployments(conn, flt, cursor=cursor, limit=limit, evidence=False)
    except CursorError as exc:
        raise HTTPException(422, detail=str(exc)) from exc
    query = "&".join(f"{k}={_q(v)}" for k, v in params.items())
    return render(request, "explorer.html", page=page, params=params, query=query, facets=facets(conn),
                  limit=limit, first_page=cursor is None)


def _q(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


def _page_filter(params: dict[str, str]) -> DeploymentFilter:
    """Form values (strings, empty ones dropped) through the API's own validation."""
    def number(name: str, kind: type) -> Any:
        raw = params.get(name)
        if raw is None:
            return None
        try:
            return kind(raw)
        except ValueError:
            raise HTTPException(422, detail=[{"loc": ["query", name], "msg": f"'{raw}' is not a number",
                                              "type": "value_error"}]) from None

    year_from, year_to = number("year_from", int), number("year_to", int)
    min_conf = number("min_confidence", float)
    if min_conf is not None and not 0 <= min_conf <= 1:
        raise HTTPException(422, detail=[{"loc": ["query", "min_confidence"], "msg": "must be between 0 and 1",
                                          "type": "value_error"}])
    return deployment_filter(country=params.get("country"), supplier=params.get("supplier"),
                             supplier_country=params.get("supplier_country"), category=params.get("category"),
                             status=params.get("status"), year_from=year_from, year_to=year_to,
                             min_confidence=min_conf,
                             reviewed_only=params.get("reviewed_only", "").lower() in ("1", "true", "on", "yes"))


@router.get("/downloads")
def downloads(request: Request, conn: Conn) -> HTMLResponse:
    return render(request, "downloads.html", stats=database_stats(conn), formats=list(exports.MEDIA_TYPES))


@router.get("/sources")
def sources_page(request: Request, conn: Conn, store: Store) -> HTMLResponse:
    from custodes.store.watch import source_health_rows

    rows = source_health_rows(conn) if store.has_table("watch_sources") else []
    return render(request, "sources.html", sources=rows)


@router.get("/api")
def api_reference(request: Request) -> HTMLResponse:
    """A readable rendering of the OpenAPI document (Swagger UI would need a CDN)."""
    spec = request.app.openapi()
    endpoints = []
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            endpoints.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                              "description": op.get("description", ""),
                              "parameters": [p for p in op.get("parameters", []) if p.get("in") == "query"]})
    return render(request, "api.html", endpoints=endpoints, version=spec["info"]["version"])


@router.get("/favicon.ico")
def favicon() -> RedirectResponse:
    return RedirectResponse("/static/favicon.svg", status_code=301)

