"""The country index of AI surveillance, in the shape of Carnegie's AIGS, from any source.

Per country: the four AIGS categories present, supplier countries (China, US, others), BRI
membership, regime type, number of suppliers and of independent sources; and a summary that
counts countries per category, with Chinese or US technology, Chinese technology among BRI
members, and per regime type. Computed from the AIGS 2022 statements the summary reproduces
the workbook's published figures, which is what makes the same computation trustworthy on the
deployments extracted from documents.

The computation is pure functions over plain rows (`rows_from_*`, `merge_rows`, `summarise`);
`load_index` at the bottom is the only part that reads the database.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import Any

SOURCES = ("aigs2022", "extracted", "all")
AIGS_DATASET = "aigs-2022"


@dataclass(frozen=True)
class IndexConfig:
    """Category labels, regime types and supplier-country codes (aigs-2022/mapping.yaml)."""

    categories: Mapping[str, str]  # category id -> index label
    regime_types: Sequence[str]
    china: str
    us: str
    main_sheet: str

    @property
    def labels(self) -> list[str]:
        return list(self.categories.values())


@cache
def index_config() -> IndexConfig:
    from custodes.sources.datasets.base import dataset_dir, load_yaml

    mapping = load_yaml(dataset_dir(AIGS_DATASET) / "mapping.yaml")
    idx = mapping["index"]
    return IndexConfig(dict(idx["categories"]), tuple(idx["regime_types"]), idx["china"], idx["us"],
                       mapping["sheets"]["main"]["name"])


@dataclass
class CountryRow:
    """One country of the index; `sources` counts independent sources (a dataset counts once)."""

    iso3: str
    name: str
    categories: list[str] = field(default_factory=list)
    china: bool = False
    us: bool = False
    other_supplier_countries: list[str] = field(default_factory=list)
    bri_member: bool | None = None
    regime_type: str | None = None
    suppliers: list[str] = field(default_factory=list)
    sources: int = 0
    datasets: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["supplier_count"] = len(self.suppliers)
        return data


@dataclass
class IndexSummary:
    countries: int
    categories: dict[str, int]
    chinese_technology: int
    us_technology: int
    bri_members: int
    chinese_technology_bri_members: int
    regime_types: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def summarise(rows: Iterable[CountryRow], config: IndexConfig | None = None) -> IndexSummary:
    """Counts over the countries with at least one AI surveillance category."""
    config = config or index_config()
    present = [r for r in rows if r.categories]
    return IndexSummary(
        countries=len(present),
        categories={label: sum(1 for r in present if label in r.categories) for label in config.labels},
        chinese_technology=sum(1 for r in present if r.china),
        us_technology=sum(1 for r in present if r.us),
        bri_members=sum(1 for r in present if r.bri_member),
        chinese_technology_bri_members=sum(1 for r in present if r.china and r.bri_member),
        regime_types={code: sum(1 for r in present if r.regime_type == code) for code in config.regime_types},
    )


# ---------------------------------------------------------------------- from AIGS statements


def rows_from_aigs(statements: Iterable[Mapping[str, Any]], name_of: Callable[[str], str],
                   config: IndexConfig | None = None) -> list[CountryRow]:
    """Index rows from current AIGS statements of the main sheet (origin `...:AIGS 2022!Rn`).

    A country is in the index when the main sheet has a row for it; the workbook's own columns
    give its BRI membership, regime type and China/US technology flags.
    """
    from custodes.store.datasets import parse_origin

    config = config or index_config()
    rows: dict[str, CountryRow] = {}
    main = [st for st in statements
            if st["subject_type"] == "country" and (parse_origin(st["origin"]) or ("", "", "", 0))[2]
            == config.main_sheet]
    for st in main:
        if st["property"] == "country_name":
            rows.setdefault(st["subject"], CountryRow(st["subject"], name_of(st["subject"]), sources=1,
                                                      datasets=[str(st["dataset"])]))
    for st in main:
        row = rows.get(st["subject"])
        if row is None:
            continue
        prop, value = st["property"], st["value"]
        if prop == "category" and value in config.categories:
            _add(row.categories, config.categories[value])
        elif prop == "china_tech":
            row.china = value == "yes"
        elif prop == "us_tech":
            row.us = value == "yes"
        elif prop == "bri_member":
            row.bri_member = value == "yes"
        elif prop == "regime_type":
            row.regime_type = value
        elif prop == "other_supplier_country" and value:
            _add(row.other_supplier_countries, value)
        elif prop == "deployment" and value:
            _add(row.suppliers, value)
    return _sorted(rows.values(), config)


# ---------------------------------------------------------------------- from deployments


@dataclass(frozen=True)
class Reference:
    """BRI membership and regime type of a country from the reference datasets."""

    bri_member: bool | None
    regime_type: str | None


def rows_from_deployments(deployments: Iterable[Mapping[str, Any]],
                          source_groups: Mapping[str, Iterable[str]], name_of: Callable[[str], str],
                          config: IndexConfig | None = None) -> list[CountryRow]:
    """Index rows from deployments (extracted, or projected from datasets).

    Only deployments in one of the four AIGS categories count, so the index measures the same
    thing as the workbook. `source_groups` maps a deployment id to its independent sources
    (near-duplicate groups of its documents, or the dataset's name). BRI membership and regime
    type come from `apply_reference`.
    """
    config = config or index_config()
    rows: dict[str, CountryRow] = {}
    sources: dict[str, set[str]] = {}
    for dep in deployments:
        tech = dep["tech"]
        categories = json.loads(tech) if isinstance(tech, str) else list(tech)
        labels = [config.categories[c] for c in categories if c in config.categories]
        if not labels:
            continue
        iso3 = dep["country"]
        row = rows.get(iso3)
        if row is None:
            row = rows[iso3] = CountryRow(iso3, name_of(iso3))
        for label in labels:
            _add(row.categories, label)
        supplier_country = dep.get("supplier_country")
        if supplier_country == config.china:
            row.china = True
        elif supplier_country == config.us:
            row.us = True
        elif supplier_country:
            _add(row.other_supplier_countries, supplier_country)
        if dep.get("supplier"):
            _add(row.suppliers, dep["supplier"])
        if dep.get("dataset"):
            _add(row.datasets, dep["dataset"])
        sources.setdefault(iso3, set()).update(source_groups.get(dep["id"], ()))
    for iso3, row in rows.items():
        row.sources = len(sources.get(iso3, ()))
    return _sorted(rows.values(), config)


def apply_reference(rows: Iterable[CountryRow], reference: Mapping[str, Reference], *,
                    bri_loaded: bool, regime_loaded: bool) -> list[CountryRow]:
    """Set BRI membership and regime type from the reference tables (GFDC, Regimes of the World).

    The GFDC table lists members only, so once it is imported a country missing from it is not
    a member. A table never imported leaves the row's own value (None, or the AIGS column's).
    """
    out = []
    for row in rows:
        ref = reference.get(row.iso3)
        if bri_loaded:
            row.bri_member = bool(ref and ref.bri_member)
        if regime_loaded and ref and ref.regime_type:
            row.regime_type = ref.regime_type
        out.append(row)
    return out


def merge_rows(*parts: Iterable[CountryRow], config: IndexConfig | None = None) -> list[CountryRow]:
    """One row per country from several sources: sets are united, sources added (a dataset
    counts once); BRI membership and regime type are taken from the first part that knows them.
    """
    config = config or index_config()
    merged: dict[str, CountryRow] = {}
    for part in parts:
        for row in part:
            into = merged.get(row.iso3)
            if into is None:
                merged[row.iso3] = CountryRow(**{**asdict(row)})
                continue
            for label in row.categories:
                _add(into.categories, label)
            for code in row.other_supplier_countries:
                _add(into.other_supplier_countries, code)
            for name in row.suppliers:
                _add(into.suppliers, name)
            new_datasets = [d for d in row.datasets if d not in into.datasets]
            into.sources += row.sources - (len(row.datasets) - len(new_datasets))
            for d in new_datasets:
                into.datasets.append(d)
            into.china = into.china or row.china
            into.us = into.us or row.us
            if into.bri_member is None:
                into.bri_member = row.bri_member
            if into.regime_type is None:
                into.regime_type = row.regime_type
    return _sorted(merged.values(), config)


def _add(items: list[str], value: str) -> None:
    if value not in items:
        items.append(value)


def _sorted(rows: Iterable[CountryRow], config: IndexConfig) -> list[CountryRow]:
    order = {label: i for i, label in enumerate(config.labels)}
    out = []
    for row in rows:
        row.categories.sort(key=lambda label: order.get(label, len(order)))
        row.other_supplier_countries.sort()
        row.suppliers.sort(key=str.casefold)
        row.datasets.sort()
        out.append(row)
    return sorted(out, key=lambda r: r.name)


# ---------------------------------------------------------------------- the database side


def load_index(conn: Any, source: str) -> tuple[list[CountryRow], IndexSummary]:
    """Rows and summary for `source` in SOURCES, read from the store."""
    if source not in SOURCES:
        raise ValueError(f"source must be one of {', '.join(SOURCES)}, not {source!r}")
    from sqlalchemy import select

    from custodes.index.profiles import country_name
    from custodes.store.datasets import countries, current_statements, dataset_deployments, list_imports
    from custodes.store.reviews import COUNTED
    from custodes.store.schema import claims, deployments, documents

    config = index_config()
    parts: list[list[CountryRow]] = []
    if source in ("extracted", "all"):
        groups: dict[str, set[str]] = {}
        for dep_id, group in conn.execute(
                select(claims.c.deployment_id, documents.c.group_id)
                .join(documents, documents.c.id == claims.c.document_id).where(COUNTED)):
            groups.setdefault(dep_id, set()).add(group)
        extracted = [dict(r) for r in conn.execute(select(deployments)).mappings()]
        parts.append(rows_from_deployments(extracted, groups, country_name, config))
    if source == "all":
        projected = [dict(r) for r in conn.execute(select(dataset_deployments)).mappings()]
        parts.append(rows_from_deployments(projected, {d["id"]: {d["dataset"]} for d in projected},
                                           country_name, config))
    if source in ("aigs2022", "all"):
        parts.append(rows_from_aigs(current_statements(conn, dataset=AIGS_DATASET), country_name, config))
    rows = merge_rows(*parts, config=config)
    if source != "aigs2022":
        # The workbook's own BRI and regime columns describe 2021/2022; the other sources are
        # joined to the current reference tables instead.
        reference = {r.iso3: Reference(r.bri_member, r.regime_type) for r in conn.execute(select(countries))}
        imported = {i["name"] for i in list_imports(conn) if not i["superseded"]}
        rows = apply_reference(rows, reference, bri_loaded="bri-countries" in imported,
                               regime_loaded="regime-type" in imported)
    return rows, summarise(rows, config)
