"""The change feed over HTTP: GET /api/v1/changes (JSON, paged) and GET /feeds/deployments.atom.

Both read `deltas` / `delta_entries` (see `custodes.index.changes`) and take the same filters:
`country` (ISO3 code or name), `vendor` (registry id, name or alias, or a supplier name) and
`tech` (category id). A database from before migration 0011 has no deltas: both answer empty.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.engine import Connection

from custodes.index.changes import ChangeEntry, changes_since, delta_versions, latest_delta
from custodes.index.profiles import country_name
from custodes.resolve.countries import Gazetteer
from custodes.store.schema import delta_entries
from custodes.web.api import ERRORS, Store, bad_parameter, get_store
from custodes.web.lookup import category_labels, known_categories, registry_entry, resolve_country, vendor_key
from custodes.web.store import ReadOnlyStore

ATOM = "http://www.w3.org/2005/Atom"
ATOM_MEDIA_TYPE = "application/atom+xml"
FEED_SIZE = 100
FEED_QUOTES = 5  # evidence sentences quoted in an entry
MAX_PAGE = 1000
api_router = APIRouter(responses={422: ERRORS[422]})
feeds_router = APIRouter()


class DeltaVersionOut(BaseModel):
    version: int = Field(description="Counts up from 1; never reused.")
    created_at: str = Field(description="When the delta was published (UTC).")
    trigger: str = Field(description="What published it: ingest, extract, review, publish or watch.")
    added: int
    modified: int
    deleted: int
    forced: bool = Field(description="Published with --force past the shrink guard.")


class ChangeEntryOut(BaseModel):
    pk: int = Field(description="The entry's position in the feed; with `version` it orders the entries.")
    version: int
    created_at: str
    op: str = Field(description="ADD (new deployment), MOD (its record changed) or DEL (removed).")
    deployment_id: str
    content_hash: str | None = Field(description="SHA-256 of the record (docs/IDS.md); null for DEL.")
    country: str | None
    vendor_id: str | None = Field(description="Vendor registry id, when the registry knows the supplier.")
    supplier: str | None
    tech: list[str]
    record: dict[str, Any] | None = Field(
        description="ADD and MOD: the whole deployment, as /deployments and the exports give it; DEL: null.")


class ChangesOut(BaseModel):
    latest: int = Field(description="The newest published version (0: none yet).")
    versions: list[DeltaVersionOut] = Field(description="The versions this page covers.")
    entries: list[ChangeEntryOut] = Field(description="Matching entries in (version, pk) order.")
    next: str | None = Field(description="Pass as `cursor` for the next page; null on the last one.")


async def get_feed_conn(store: Annotated[ReadOnlyStore, Depends(get_store)]) -> AsyncIterator[Connection]:
    """A read-only connection without `as_of` (a delta is itself a moment of the record); async
    for the reason `api.get_conn` is."""
    conn = store.connect()
    try:
        yield conn
    finally:
        conn.close()


Conn = Annotated[Connection, Depends(get_feed_conn)]


@dataclass(frozen=True)
class ChangeFilter:
    country: str | None = None
    vendor: str | None = None
    tech: str | None = None


def _country(value: str) -> str:
    code = value.strip().upper()
    guess = Gazetteer.default().resolve(value)
    if len(code) != 3 and guess:
        return guess
    return resolve_country(value, status=422, param="country")[0]


def _vendor(conn: Connection, store: ReadOnlyStore, value: str) -> str:
    """A vendor the registry knows, or a supplier some delta names (by name or its URL id)."""
    if registry_entry(value) is not None or not store.has_table("delta_entries"):
        return value
    wanted = value.strip().lower()
    names = conn.execute(select(delta_entries.c.supplier).where(delta_entries.c.supplier.is_not(None))
                         .distinct()).scalars()
    found = next((n for n in names if n.lower() == wanted or vendor_key(n) == wanted), None)
    if found is None:
        raise bad_parameter("vendor", f"unknown vendor '{value}'; see /api/v1/vendors for the ids")
    return str(found)


def change_filter(
    conn: Conn, store: Store,
    country: Annotated[str | None, Query(description="Recipient country: ISO3 code (KEN) or name (Kenya).",
                                         max_length=80)] = None,
    vendor: Annotated[str | None, Query(description="Vendor registry id, name or alias (hikvision, Hik-Vision), "
                                                    "or a supplier name.", max_length=200)] = None,
    tech: Annotated[str | None, Query(description="Technology category id, e.g. facial_recognition.")] = None,
) -> ChangeFilter:
    if tech and tech not in known_categories():
        raise bad_parameter("tech", f"unknown category '{tech}'; one of {', '.join(known_categories())}")
    return ChangeFilter(_country(country) if country else None, _vendor(conn, store, vendor) if vendor else None,
                        tech or None)


Filter = Annotated[ChangeFilter, Depends(change_filter)]


def _cursor(value: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{1,12})\.(\d{1,18})", value.strip())
    if match is None:
        raise bad_parameter("cursor", f"not a cursor this server issued: '{value}'")
    return int(match[1]), int(match[2])


@api_router.get("/changes", response_model=ChangesOut, summary="The change feed: deltas after a version")
def list_changes(
    conn: Conn, store: Store, flt: Filter,
    since: Annotated[int, Query(ge=0, description="Entries of deltas after this version (0: from the start).")] = 0,
    cursor: Annotated[str | None, Query(description="`next` of the previous page.", max_length=40)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Most entries in one page.")] = 100,
) -> dict[str, Any]:
    """ADD and MOD entries carry the whole deployment record, DEL entries the id (with the
    country, supplier and tech of the record removed, so filters match them). Replaying every
    entry in order from version 0 gives the current record."""
    after = _cursor(cursor) if cursor else None
    if not store.has_table("deltas"):
        return {"latest": 0, "versions": [], "entries": [], "next": None}
    entries = changes_since(conn, since, country=flt.country, vendor=flt.vendor, tech=flt.tech, after=after,
                            limit=limit + 1)
    more = len(entries) > limit
    entries = entries[:limit]
    every = delta_versions(conn, since=since)
    first = max(since, after[0] - 1) if after else since
    last = entries[-1].version if more else None
    shown = [v for v in every if v.version > first and (last is None or v.version <= last)]
    return {"latest": every[-1].version if every else since, "versions": [v.__dict__ for v in shown],
            "entries": [e.to_dict() for e in entries],
            "next": f"{entries[-1].version}.{entries[-1].pk}" if more else None}


def _who(supplier: str | None, record: dict[str, Any] | None) -> str:
    if supplier:
        return supplier
    home = (record or {}).get("supplier_country")
    return f"unnamed supplier from {home}" if home else "unnamed supplier"


def entry_title(e: ChangeEntry) -> str:
    """'ADD: Kenya — Huawei (cctv, facial_recognition)'."""
    where = country_name(e.country) if e.country else "unknown country"
    return f"{e.op}: {where} — {_who(e.supplier, e.record)} ({', '.join(e.tech) or 'no category'})"


def entry_summary(e: ChangeEntry) -> str:
    """A plain-text summary of the record and its evidence sentences (newest documents first)."""
    if e.record is None:
        return (f"Removed from the record: no claim that counts states this deployment any more. It was "
                f"{_who(e.supplier, None)} in {country_name(e.country) if e.country else 'an unknown country'}.")
    r = e.record
    labels = category_labels()
    facts = [", ".join(labels.get(t, t) for t in r.get("tech", [])), str(r.get("status"))]
    if r.get("year"):
        facts.append(f"since {r['year']}")
    if r.get("program"):
        facts.append(f"programme {r['program']}")
    lead = "New deployment" if e.op == "ADD" else "Changed deployment"
    text = (f"{lead}: {r.get('country_name') or r.get('country')} ← {_who(r.get('supplier'), r)}. "
            f"{'; '.join(facts)}. {r.get('sources', 0)} independent source(s), confidence "
            f"{float(r.get('confidence') or 0):.2f}.")
    quotes = []
    for item in (r.get("evidence") or [])[:FEED_QUOTES]:
        where = " — ".join(str(x) for x in (item.get("title"), item.get("url")) if x)
        quotes.append(f"“{item.get('text')}”" + (f" ({where})" if where else ""))
    if quotes:
        text += " Evidence: " + "; ".join(quotes)
    return text


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        node.text = text
    return node


def atom_feed(entries: list[ChangeEntry], *, feed_id: str, title: str, self_url: str, site: str,
              updated: str) -> bytes:
    """An Atom 1.0 document (RFC 4287), one <entry> per delta entry."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "id", feed_id)
    _sub(feed, "title", title)
    _sub(feed, "updated", updated)
    _sub(feed, "link", rel="self", href=self_url, type=ATOM_MEDIA_TYPE)
    _sub(feed, "link", rel="alternate", href=site, type="text/html")
    _sub(_sub(feed, "author"), "name", "custodes")
    _sub(feed, "generator", "custodes")
    for e in entries:
        node = _sub(feed, "entry")
        _sub(node, "id", f"urn:custodes:delta:{e.version}:{e.deployment_id}:{e.op}")
        _sub(node, "title", entry_title(e))
        _sub(node, "updated", e.created_at)
        _sub(node, "published", e.created_at)
        if e.country:
            _sub(node, "link", rel="alternate", type="text/html",
                 href=f"{site}countries/{e.country}#d-{e.deployment_id}")
        for tech in e.tech:
            _sub(node, "category", term=tech)
        _sub(node, "content", entry_summary(e), type="text")
    return bytes(ET.tostring(feed, encoding="utf-8", xml_declaration=True))


@feeds_router.get(
    "/feeds/deployments.atom", response_class=Response, summary="The change feed as Atom 1.0",
    responses={200: {"content": {ATOM_MEDIA_TYPE: {}}, "description": "An Atom feed, newest first."},
               422: ERRORS[422]})
def deployments_feed(request: Request, conn: Conn, store: Store, flt: Filter) -> Response:
    """The newest 100 delta entries matching the filters, one Atom entry each, with a link to the
    deployment on its country page and the record's strongest evidence sentence."""
    entries = (changes_since(conn, 0, country=flt.country, vendor=flt.vendor, tech=flt.tech, limit=FEED_SIZE,
                             newest_first=True) if store.has_table("deltas") else [])
    latest = latest_delta(conn) if store.has_table("deltas") else None
    updated = latest.created_at if latest else store.version().last_modified.isoformat()
    wanted = [f"{k}={v}" for k, v in (("country", flt.country), ("vendor", flt.vendor), ("tech", flt.tech)) if v]
    site = str(request.base_url)
    body = atom_feed(entries, feed_id="urn:custodes:feed:deployments" + (":" + "&".join(wanted) if wanted else ""),
                     title="custodes: changes to deployments" + (f" ({', '.join(wanted)})" if wanted else ""),
                     self_url=str(request.url), site=site, updated=updated)
    return Response(body, media_type=ATOM_MEDIA_TYPE)
