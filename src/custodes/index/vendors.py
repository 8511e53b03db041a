"""A vendor's profile: home country, restrictions, OEM brands, and the countries it supplied.

Every country supplied carries where each statement comes from: an extracted claim (with its
document and evidence sentence) or a dataset statement (with its origin, e.g.
`aigs-2022@v4:AIGS 2022!R12`), so a reader can weigh "AIGS 2022 says" against "these articles say".
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.engine import Connection

from custodes.resolve.vendors import Vendor, VendorRegistry
from custodes.store.datasets import current_statements, dataset_deployments, dataset_statements
from custodes.store.reviews import COUNTED
from custodes.store.schema import claims, documents

RESTRICTED_DATASET = "restricted-vendors"
OEM_DATASET = "oem-brands"


@dataclass
class Restriction:
    """One listing of the vendor by a government; `active` is explicit, with its basis."""

    list: str
    list_id: str | None
    jurisdiction: str
    date: str
    active: bool
    active_basis: str
    listed_as: str
    citation_url: str
    second_citation_url: str | None
    scope: str | None
    origin: str


@dataclass
class OemBrand:
    """A brand reported to sell this vendor's products (or, in `sells_for`, the reverse)."""

    brand: str
    manufacturer: str
    attribution: str  # named | either (the source did not say which of several makers)
    evidence_strength: str
    evidence_basis: str | None
    relationship: str | None
    source_url: str
    source_date: str | None
    origin: str


@dataclass
class SupplySource:
    """Where one statement that the vendor supplied a country comes from."""

    kind: str  # document | dataset
    categories: list[str]
    categories_scope: str  # supplier: stated for this supplier; country: stated for the country only
    status: str
    year: int | None
    via: str | None = None  # the subsidiary named, when it is not the vendor itself
    claim_id: str | None = None
    document_id: str | None = None
    title: str | None = None
    url: str | None = None
    evidence: str | None = None
    dataset: str | None = None
    origin: str | None = None
    note: str | None = None


@dataclass
class CountrySupplied:
    iso3: str
    name: str
    categories: list[str] = field(default_factory=list)
    sources: list[SupplySource] = field(default_factory=list)


@dataclass
class VendorProfile:
    id: str
    name: str
    country: str | None
    parent: str | None
    subsidiaries: list[str]
    aliases: list[str]
    restrictions: list[Restriction]
    oem_brands: list[OemBrand]
    sells_for: list[OemBrand]
    countries: list[CountrySupplied]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def vendor_profile_by_name(conn: Connection, name: str) -> VendorProfile | None:
    """Profile of the vendor a name resolves to in the registry, or None."""
    vendor = VendorRegistry.default().resolve(name)
    return vendor_profile(conn, vendor) if vendor else None


def vendor_profile(conn: Connection, vendor: Vendor, *, include_subsidiaries: bool = True) -> VendorProfile:
    """Everything the store knows about `vendor`; subsidiaries' deployments are marked `via`."""
    registry = VendorRegistry.default()
    family = {vendor.id: vendor}
    if include_subsidiaries:
        for sid in vendor.subsidiaries:
            sub = registry.get(sid)
            if sub is not None:
                family[sub.id] = sub
    countries: dict[str, CountrySupplied] = {}
    for vid, member in family.items():
        via = None if vid == vendor.id else member.name
        for iso3, source in [*_claim_sources(conn, member, via), *_dataset_sources(conn, member, via)]:
            _country(countries, iso3).sources.append(source)
    for item in countries.values():
        item.categories = sorted({c for s in item.sources if s.categories_scope == "supplier" for c in s.categories})
    return VendorProfile(
        id=vendor.id, name=vendor.name, country=vendor.country, parent=vendor.parent,
        subsidiaries=list(vendor.subsidiaries), aliases=list(vendor.aliases),
        restrictions=_restrictions(conn, vendor), oem_brands=_oem(conn, vendor, as_maker=True),
        sells_for=_oem(conn, vendor, as_maker=False),
        countries=sorted(countries.values(), key=lambda c: (-len(c.sources), c.name)))


def _country(countries: dict[str, CountrySupplied], iso3: str) -> CountrySupplied:
    if iso3 not in countries:
        from custodes.index.profiles import country_name

        countries[iso3] = CountrySupplied(iso3, country_name(iso3))
    return countries[iso3]


def _claim_sources(conn: Connection, vendor: Vendor, via: str | None) -> list[tuple[str, SupplySource]]:
    query = (select(claims.c.id, claims.c.country, claims.c.tech, claims.c.status, claims.c.year,
                    claims.c.evidence_text, claims.c.document_id, documents.c.title, documents.c.url)
             .join(documents, documents.c.id == claims.c.document_id)
             .where(or_(claims.c.vendor_id == vendor.id, func.lower(claims.c.supplier) == vendor.name.lower()), COUNTED)
             .order_by(claims.c.country, documents.c.published))
    return [(row.country, SupplySource(
        kind="document", categories=json.loads(row.tech), categories_scope="supplier", status=row.status,
        year=row.year, via=via, claim_id=row.id, document_id=row.document_id, title=row.title, url=row.url,
        evidence=row.evidence_text)) for row in conn.execute(query)]


def _dataset_sources(conn: Connection, vendor: Vendor, via: str | None) -> list[tuple[str, SupplySource]]:
    query = (select(dataset_deployments, dataset_statements.c.detail, dataset_statements.c.note)
             .join(dataset_statements, dataset_statements.c.id == dataset_deployments.c.statement_id)
             .where(dataset_deployments.c.supplier_id == vendor.id)
             .order_by(dataset_deployments.c.country, dataset_deployments.c.origin))
    out = []
    for row in conn.execute(query).mappings():
        tech = json.loads(row["tech"])
        detail = json.loads(row["detail"] or "{}")
        scope = "supplier"
        if not tech and detail.get("country_categories"):
            tech, scope = list(detail["country_categories"]), "country"
        out.append((row["country"], SupplySource(
            kind="dataset", categories=tech, categories_scope=scope, status=row["status"], year=row["year"],
            via=via, title=row["title"], dataset=row["dataset"], origin=row["origin"], note=row["note"],
            url=detail.get("url"))))
    return out


def _restrictions(conn: Connection, vendor: Vendor) -> list[Restriction]:
    out = []
    for st in current_statements(conn, dataset=RESTRICTED_DATASET, subject_type="vendor", subject=vendor.id,
                                 prop="restricted"):
        d = st["detail"]
        out.append(Restriction(
            list=d.get("list", st["value"]), list_id=d.get("list_id"), jurisdiction=d.get("jurisdiction", ""),
            date=d.get("date", st["as_of"] or ""), active=bool(d.get("active")),
            active_basis=d.get("active_basis", ""), listed_as=d.get("vendor_as_listed", ""),
            citation_url=d.get("citation_url", ""), second_citation_url=d.get("second_citation_url"),
            scope=d.get("scope"), origin=st["origin"]))
    return sorted(out, key=lambda r: (r.date, r.list))


def _oem(conn: Connection, vendor: Vendor, *, as_maker: bool) -> list[OemBrand]:
    out = []
    for st in current_statements(conn, dataset=OEM_DATASET, subject_type="vendor", prop="oem_brand"):
        d = st["detail"]
        if as_maker and st["subject"] != vendor.id:
            continue
        if not as_maker and d.get("brand_vendor_id") != vendor.id:
            continue
        maker = VendorRegistry.default().get(st["subject"])
        out.append(OemBrand(
            brand=str(st["value"]), manufacturer=maker.name if maker else st["subject"],
            attribution=d.get("attribution", "named"), evidence_strength=d.get("evidence_strength", ""),
            evidence_basis=d.get("evidence_basis"), relationship=d.get("relationship"),
            source_url=d.get("source_url", ""), source_date=d.get("source_date"), origin=st["origin"]))
    strength = {"strong": 0, "moderate": 1, "weak": 2}
    return sorted(out, key=lambda o: (strength.get(o.evidence_strength, 3), o.brand.casefold()))
