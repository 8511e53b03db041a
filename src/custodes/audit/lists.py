"""Restriction listings and OEM (relabel) links, read from the bundled datasets.

The audit reads the same files, through the same importers, as `custodes import`, so a verdict
rests on exactly the statements (and origins) a vendor profile shows, without needing a database:
a compliance officer can audit an inventory on a fresh install.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

from custodes.audit.rules import AuditRules, default_rules
from custodes.resolve._matcher import lookup_key
from custodes.resolve.vendors import VendorRegistry
from custodes.sources.datasets.base import DatasetImporter, Statement
from custodes.store.datasets import make_origin


@dataclass(frozen=True)
class Listing:
    """One listing of a company on a restriction list, as the compiled source states it."""

    subject: str  # vendor id, or the name as listed when the registry does not know it
    list: str
    list_id: str | None
    jurisdiction: str
    date: str
    date_meaning: str | None
    active: bool
    active_basis: str
    listed_as: str
    scope: str | None
    note: str | None
    citation_url: str
    second_citation_url: str | None
    origin: str


@dataclass(frozen=True)
class OemLink:
    """A source's statement that `brand` sells products made by `maker`, with its own strength."""

    brand: str  # as the source writes it
    brand_vendor_id: str | None
    maker_id: str
    maker: str
    attribution: str  # named | either (the source did not say which of several makers)
    relationship: str | None
    evidence_strength: str  # strong | moderate | weak, as the source compilation rates it
    evidence_basis: str | None
    source_url: str
    source_date: str | None
    note: str | None
    origin: str


@dataclass(frozen=True)
class DatasetRef:
    """Which dataset version a report's verdicts rest on."""

    name: str
    version: str
    title: str
    url: str


@dataclass
class ReferenceData:
    """Listings by subject, OEM links by brand, ready for per-value lookups."""

    listings: dict[str, tuple[Listing, ...]]
    unregistered: dict[str, str]  # lookup_key(name as listed) -> subject, for names not in the registry
    oem_by_brand: dict[str, tuple[OemLink, ...]]  # lookup_key(brand) -> links
    oem_by_vendor: dict[str, tuple[OemLink, ...]]  # registry id of the brand -> links
    oem_brand_names: tuple[str, ...]  # each brand a source names, split ("FLIR / Lorex" -> FLIR, Lorex)
    datasets: tuple[DatasetRef, ...]
    list_ids: tuple[str, ...] = field(default_factory=tuple)  # every list id present, in date order

    def restricted_to(self, list_ids: Iterable[str] | None) -> ReferenceData:
        """The same data keeping only listings on `list_ids` (None: all)."""
        if list_ids is None:
            return self
        keep = set(list_ids)
        listings = {s: kept for s, items in self.listings.items()
                    if (kept := tuple(i for i in items if (i.list_id or i.list) in keep))}
        return replace(self, listings=listings,
                       unregistered={k: s for k, s in self.unregistered.items() if s in listings})


def _statements(importer: DatasetImporter) -> list[Statement]:
    path = importer.default_path()
    return [item for item in importer.read(path) if isinstance(item, Statement)]


def _origin(importer: DatasetImporter, st: Statement) -> str:
    return make_origin(importer.name, importer.version, st.sheet, st.row)


def _listing(st: Statement, origin: str, rules: AuditRules) -> Listing:
    d: dict[str, Any] = dict(st.detail or {})
    list_id = d.get("list_id")
    return Listing(
        subject=st.subject, list=str(d.get("list") or st.value), list_id=list_id,
        jurisdiction=str(d.get("jurisdiction") or ""), date=str(d.get("date") or st.as_of or ""),
        date_meaning=rules.list_date_meaning.get(list_id) if list_id else None,
        active=bool(d.get("active")), active_basis=str(d.get("active_basis") or ""),
        listed_as=str(d.get("vendor_as_listed") or st.subject), scope=d.get("scope"), note=d.get("note"),
        citation_url=str(d.get("citation_url") or ""), second_citation_url=d.get("second_citation_url"),
        origin=origin)


def _oem(st: Statement, origin: str, registry: VendorRegistry) -> OemLink:
    d: dict[str, Any] = dict(st.detail or {})
    maker = registry.get(st.subject)
    return OemLink(
        brand=str(d.get("brand") or st.value), brand_vendor_id=d.get("brand_vendor_id"), maker_id=st.subject,
        maker=maker.name if maker else st.subject, attribution=str(d.get("attribution") or "named"),
        relationship=d.get("relationship"), evidence_strength=str(d.get("evidence_strength") or ""),
        evidence_basis=d.get("evidence_basis"), source_url=str(d.get("source_url") or ""),
        source_date=d.get("source_date"), note=d.get("note"), origin=origin)


def split_brand(brand: str, separators: Iterable[str]) -> list[str]:
    """ "FLIR / Lorex" -> ["FLIR", "Lorex"]: a source cell naming several brands."""
    parts = [brand]
    for sep in separators:
        parts = [p for part in parts for p in part.split(sep)]
    return [p.strip() for p in parts if p.strip()]


def build_reference(restricted: DatasetImporter, oem: DatasetImporter, rules: AuditRules,
                    registry: VendorRegistry) -> ReferenceData:
    """Read both datasets with their importers and index them for the matcher."""
    listings: dict[str, list[Listing]] = {}
    for st in _statements(restricted):
        if st.property == "restricted":
            listings.setdefault(st.subject, []).append(_listing(st, _origin(restricted, st), rules))
    unregistered = {lookup_key(s): s for s in listings if registry.get(s) is None}
    by_brand: dict[str, list[OemLink]] = {}
    by_vendor: dict[str, list[OemLink]] = {}
    names: dict[str, str] = {}
    for st in _statements(oem):
        if st.property != "oem_brand":
            continue
        link = _oem(st, _origin(oem, st), registry)
        for part in split_brand(link.brand, rules.oem_brand_separators):
            by_brand.setdefault(lookup_key(part), []).append(link)
            names.setdefault(lookup_key(part), part)
        if link.brand_vendor_id:
            by_vendor.setdefault(link.brand_vendor_id, []).append(link)
    all_items = sorted((i for items in listings.values() for i in items), key=lambda i: i.date)
    list_ids = tuple(dict.fromkeys(i.list_id or i.list for i in all_items))
    datasets = tuple(DatasetRef(imp.name, imp.version, imp.metadata.title, imp.metadata.url)
                     for imp in (restricted, oem))
    return ReferenceData(
        listings={s: tuple(sorted(v, key=lambda i: (i.date, i.list))) for s, v in listings.items()},
        unregistered=unregistered, oem_by_brand={k: tuple(v) for k, v in by_brand.items()},
        oem_by_vendor={k: tuple(v) for k, v in by_vendor.items()}, oem_brand_names=tuple(sorted(names.values())),
        datasets=datasets, list_ids=list_ids)


@cache
def default_reference() -> ReferenceData:
    """The bundled datasets, read once per process."""
    from custodes.sources.datasets.oem_brands import OemBrandsImporter
    from custodes.sources.datasets.restricted_vendors import RestrictedVendorsImporter

    return build_reference(RestrictedVendorsImporter(), OemBrandsImporter(), default_rules(),
                           VendorRegistry.default())
