"""Turning what a URL names (a country code, a vendor id) into what the database stores.

Shared by the API and the pages so that both accept and refuse the same identifiers with the
same messages.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from fastapi import HTTPException
from sqlalchemy.engine import Connection

from custodes.index.profiles import DeploymentView, country_name, deployments_for
from custodes.index.queries import slugify, supplier_names
from custodes.resolve.countries import Gazetteer
from custodes.web import context


@cache
def known_categories() -> tuple[str, ...]:
    from custodes.extract.cues import category_ids

    return tuple(category_ids())


@cache
def category_labels() -> dict[str, str]:
    from custodes.extract.cues import taxonomy

    return {cid: cat.label for cid, cat in taxonomy().items()}


@cache
def _iso3_codes() -> frozenset[str]:
    return frozenset(Gazetteer.default().all_iso3())


def resolve_country(value: str, *, status: int = 404, param: str | None = None) -> tuple[str, str]:
    """(ISO3, display name) for an ISO3 code in any case; HTTPException otherwise.

    A name is not accepted (URLs stay canonical) but the error suggests the code for it.
    """
    code = value.strip().upper()
    if len(code) == 3 and code in _iso3_codes():
        return code, country_name(code)
    guess = Gazetteer.default().resolve(value)
    hint = (f"; did you mean {guess} ({country_name(guess)})?" if guess
            else "; use an ISO 3166-1 alpha-3 code such as ECU")
    message = f"unknown country '{value}'{hint}"
    if param is None:
        raise HTTPException(status, detail=message)
    raise HTTPException(status, detail=[{"loc": ["query", param], "msg": message, "type": "value_error"}])


@cache
def _registry() -> Any:
    """The vendor registry, or None if it cannot be loaded (the pages then use stored names only)."""
    try:
        from custodes.resolve.vendors import VendorRegistry

        return VendorRegistry.default()
    except Exception:  # a broken or missing registry must not take the vendor pages down
        return None


def registry_entry(name: str) -> Any:
    """The registry's vendor for an id, name or alias, or None."""
    registry = _registry()
    if registry is None or not name.strip():
        return None
    return registry.get(name.strip().lower()) or registry.resolve(name)


@lru_cache(maxsize=4096)
def vendor_key(name: str) -> str:
    """The URL id of a supplier: its registry id when the registry knows it, else a slug."""
    known = registry_entry(name)
    return str(known.id) if known is not None else slugify(name)


def website_url(value: str | None) -> str | None:
    """The registry stores bare domains ('huawei.com'); link them over https."""
    if value and re.fullmatch(r"[A-Za-z0-9.-]+\.[A-Za-z]{2,}(/\S*)?", value.strip()):
        return "https://" + value.strip()
    return value


@dataclass
class VendorProfile:
    """What the vendor page and /api/v1/vendors/{id} show.

    Restrictions, OEM brands and the per-country sources come from `custodes.index.vendors`
    (the same profile `custodes vendor` prints) when the registry knows the vendor and the
    dataset tables exist; otherwise they stay empty and `restricted` stays unknown (None).
    """

    id: str
    name: str
    home_country: str | None
    parent: str | None
    aliases: list[str]
    website: str | None
    deployments: list[DeploymentView]
    ctx: context.VendorContext
    countries: list[dict[str, Any]] = field(default_factory=list)
    restricted: bool | None = None
    restrictions: list[dict[str, Any]] = field(default_factory=list)
    oem_brands: list[dict[str, Any]] = field(default_factory=list)
    brand_of: list[dict[str, Any]] = field(default_factory=list)
    supplied: list[dict[str, Any]] = field(default_factory=list)
    subsidiaries: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "home_country": self.home_country, "parent": self.parent,
            "subsidiaries": self.subsidiaries, "aliases": self.aliases, "website": self.website,
            "restricted": self.restricted, "restrictions": self.restrictions, "oem_brands": self.oem_brands,
            "brand_of": self.brand_of, "statements": [s.__dict__ for s in self.ctx.statements],
            "countries": self.countries, "supplied": self.supplied,
            "deployments": [v.to_dict() for v in self.deployments],
            "dataset_deployments": self.ctx.dataset_deployments,
            "datasets": [d.__dict__ for d in self.ctx.datasets],
        }


def _dataset_profile(conn: Connection, tables: frozenset[str], known: Any) -> Any:
    """`custodes.index.vendors.vendor_profile`, or None where it cannot run (no dataset tables)."""
    if known is None or not {"dataset_statements", "dataset_deployments"} <= tables:
        return None
    try:
        from custodes.index.vendors import vendor_profile
    except ImportError:
        return None
    return vendor_profile(conn, known)


def resolve_vendor(conn: Connection, tables: frozenset[str], vendor_id: str) -> VendorProfile:
    """A vendor by URL id, registry id, name or alias, or imported vendors-table id; else 404."""
    wanted = vendor_id.strip().lower()
    stored = next((n for n in supplier_names(conn) if vendor_key(n) == wanted or n.lower() == wanted), None)
    known = registry_entry(stored or vendor_id)
    row = context.vendor_row(conn, tables, [vendor_id] + ([known.id] if known is not None else []))
    name = stored or (known.name if known is not None else None) or (row["name"] if row else None)
    if name is None:
        raise HTTPException(404, detail=f"unknown vendor '{vendor_id}'; see /api/v1/vendors for the ids")
    views = deployments_for(conn, supplier=name)
    keys = [vendor_key(name), name, vendor_id] + ([known.id, known.name] if known is not None else [])
    ctx = context.vendor_context(conn, tables, [k for k in dict.fromkeys(keys) if k])
    counts = Counter(v.country for v in views)
    home = (known.country if known is not None else None) or ctx.country or \
        next((v.supplier_country for v in views if v.supplier_country), None)
    profile = VendorProfile(
        id=vendor_key(name), name=name, home_country=home,
        parent=(known.parent if known is not None else None) or ctx.parent,
        aliases=sorted(known.aliases) if known is not None else [],
        website=website_url(known.website) if known is not None else None,
        deployments=views, ctx=ctx, restricted=ctx.restricted,
        countries=[{"iso3": c, "name": country_name(c), "deployments": n}
                   for c, n in sorted(counts.items(), key=lambda kv: (-kv[1], country_name(kv[0])))])
    full = _dataset_profile(conn, tables, known)
    if full is not None:
        data = full.to_dict()
        profile.restrictions = data["restrictions"]
        profile.oem_brands = data["oem_brands"]
        profile.brand_of = data["sells_for"]
        profile.supplied = data["countries"]
        profile.subsidiaries = data["subsidiaries"]
        if context.restricted_lists_imported(conn, tables):
            profile.restricted = any(r["active"] for r in profile.restrictions)
    return profile
