"""What imported datasets say about a country or a vendor (AIGS 2022, BRI, regime type,
restricted lists, OEM brands), read straight from the tables of migration 0004.

Dataset statements are shown beside document evidence, never merged into it: a row of a
spreadsheet is a different kind of source from a sentence in a report, and readers must be
able to tell which is which. Every function here degrades to "nothing imported" when the
tables are missing (a database from before migration 0004) or empty (no import was run), so
the app serves any database the extractor produced.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from custodes.index.profiles import country_name

REGIME_LABELS = {"CA": "closed autocracy", "EA": "electoral autocracy", "ED": "electoral democracy",
                 "LD": "liberal democracy", "0": "closed autocracy", "1": "electoral autocracy",
                 "2": "electoral democracy", "3": "liberal democracy"}
INDEX_PREFIX = "aigs"  # datasets whose name starts with this make up the /index endpoint
RESTRICTED_DATASET = "restricted-vendors"
BRI_DATASET = "bri-countries"
# Readable names for the AIGS fields, in the order a reader wants them; others follow by name.
INDEX_LABELS = {
    "aigs_listed": "Listed as using AI surveillance",
    "category": "Technologies recorded",
    "deployment": "Companies named",
    "china_tech": "Uses Chinese technology",
    "us_tech": "Uses US technology",
    "other_supplier_country": "Other supplier countries",
    "aigs_region": "Region",
    "bri_member": "Belt and Road member (per the index)",
    "china_odi_rank": "China outward investment rank (EIU)",
    "regime_type": "V-Dem regime type",
    "vdem_electoral_democracy_index": "V-Dem electoral democracy index",
    "vdem_liberal_democracy_index": "V-Dem liberal democracy index",
    "digital_repression_index": "Digital repression index (Feldstein)",
    "freedom_on_the_net_status": "Freedom on the Net status",
    "freedom_on_the_net_score": "Freedom on the Net score",
    "military_expenditure": "Military expenditure (USD millions)",
    "military_expenditure_rank": "Military expenditure rank",
    "vdem_v2smgovsmmon": "Government social media monitoring (V-Dem)",
    "vdem_v2smgovsmcenprc": "Government social media censorship (V-Dem)",
    "vdem_v2smgovfilprc": "Government internet filtering (V-Dem)",
    "vdem_v2smgovshut": "Government internet shutdowns (V-Dem)",
    "vdem_v2smgovsm": "Government social media shutdowns (V-Dem)",
    "vdem_v2smarrest": "Arrests for online content (V-Dem)",
    "vdem_v2smgovdom": "Government disinformation (V-Dem)",
    "vdem_v2smpardom": "Party disinformation (V-Dem)",
}
_SKIP_INDEX = frozenset({"country_name", "supplier_placeholder"})


def _has(tables: frozenset[str], *names: str) -> bool:
    return all(n in tables for n in names)


@dataclass
class Statement:
    dataset: str
    dataset_version: str
    property: str
    value: str | None
    raw_value: str | None
    as_of: str | None
    detail: dict[str, Any] | None
    note: str | None
    origin: str
    subject: str = ""

    @classmethod
    def from_row(cls, row: Any) -> Statement:
        values = list(row)
        values[6] = _json_object(values[6])
        return cls(*values)


def _json_object(raw: str | None) -> dict[str, Any] | None:
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return {"text": raw}
    return value if isinstance(value, dict) else {"value": value}


@dataclass
class Dataset:
    name: str
    version: str
    title: str
    publisher: str | None
    url: str | None
    licence: str | None
    data_date: str | None
    citation: str | None


def pivot_index(statements: Iterable[Statement]) -> dict[str, Any]:
    """AIGS statements of one country as {field: value}; a field stated with several distinct
    values (technologies, companies) becomes a list. Ordered as INDEX_LABELS, then by name."""
    values: dict[str, list[Any]] = {}
    for st in statements:
        if st.property in _SKIP_INDEX or st.value is None:
            continue
        seen = values.setdefault(st.property, [])
        if st.value not in seen:
            seen.append(st.value)
    order = {name: i for i, name in enumerate(INDEX_LABELS)}
    return {k: (v[0] if len(v) == 1 else v)
            for k, v in sorted(values.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))}


def index_label(name: str) -> str:
    return INDEX_LABELS.get(name, name.replace("_", " "))


def index_value(value: Any, name: str) -> str:
    """An AIGS value as a reader wants it: category labels, regime names, 3 decimals at most."""
    text_value = str(value)
    if name == "category":
        from custodes.web.lookup import category_labels

        return category_labels().get(text_value, text_value)
    if name == "regime_type" and text_value.upper() in REGIME_LABELS:
        return f"{REGIME_LABELS[text_value.upper()]} ({text_value})"
    if re.fullmatch(r"-?\d+\.\d{4,}", text_value):
        return f"{float(text_value):.3f}"
    return text_value


def _statements(conn: Connection, tables: frozenset[str], subject_type: str,
                subjects: Iterable[str]) -> list[Statement]:
    wanted = sorted({s for s in subjects if s})
    if not wanted or not _has(tables, "dataset_statements"):
        return []
    marks = ", ".join(f":s{i}" for i in range(len(wanted)))
    sql = text(
        "SELECT dataset, dataset_version, property, value, raw_value, as_of, detail, note, origin, subject "
        "FROM dataset_statements WHERE subject_type = :t AND current AND subject IN (" + marks + ") "
        "ORDER BY dataset, property, as_of, pk")
    params: dict[str, Any] = {"t": subject_type, **{f"s{i}": s for i, s in enumerate(wanted)}}
    return [Statement.from_row(row) for row in conn.execute(sql, params)]


def datasets(conn: Connection, tables: frozenset[str], names: Iterable[str] | None = None) -> list[Dataset]:
    """Current (not superseded) imported datasets, optionally only those named."""
    if not _has(tables, "datasets"):
        return []
    rows = conn.execute(text(
        "SELECT name, version, title, publisher, url, licence, data_date, citation FROM datasets "
        "WHERE NOT superseded ORDER BY name, version")).all()
    keep = None if names is None else set(names)
    return [Dataset(*row) for row in rows if keep is None or row[0] in keep]


def _dataset_deployments(conn: Connection, tables: frozenset[str], column: str,
                         values: Iterable[str]) -> list[dict[str, Any]]:
    wanted = sorted({v for v in values if v})
    if not wanted or not _has(tables, "dataset_deployments"):
        return []
    marks = ", ".join(f":v{i}" for i in range(len(wanted)))
    assert column in ("country", "supplier_id", "supplier")
    match = f"lower(d.{column}) IN ({marks})" if column == "supplier" else f"d.{column} IN ({marks})"
    params = {f"v{i}": (v.lower() if column == "supplier" else v) for i, v in enumerate(wanted)}
    join = _has(tables, "dataset_statements")
    sql = text(
        "SELECT d.id, d.dataset, d.dataset_version, d.origin, d.country, d.supplier, d.supplier_id, "
        "d.supplier_country, d.program, d.title, d.tech, d.status, d.year, d.lender, d.amount, d.currency, "
        + ("s.detail AS detail " if join else "NULL AS detail ")
        + "FROM dataset_deployments d "
        + ("LEFT JOIN dataset_statements s ON s.id = d.statement_id " if join else "")
        + f"WHERE {match} ORDER BY d.dataset, d.year, d.supplier, d.title")
    out = []
    for row in conn.execute(sql, params).mappings():
        item = dict(row)
        item["tech"] = _json_list(item["tech"])
        item["country_name"] = country_name(item["country"])
        detail = _json_object(item.pop("detail")) or {}
        url = detail.get("url")
        item["url"] = url if isinstance(url, str) else None
        out.append(item)
    return out


def _json_list(raw: str | None) -> list[str]:
    if not raw:
        return []
    try:
        value = json.loads(raw)
    except ValueError:
        return [raw]
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


@dataclass
class CountryContext:
    bri: dict[str, Any] | None = None
    regime: dict[str, Any] | None = None
    index: dict[str, Any] = field(default_factory=dict)
    statements: list[Statement] = field(default_factory=list)
    dataset_deployments: list[dict[str, Any]] = field(default_factory=list)
    datasets: list[Dataset] = field(default_factory=list)


def country_context(conn: Connection, tables: frozenset[str], iso3: str) -> CountryContext:
    ctx = CountryContext()
    if _has(tables, "countries"):
        row = conn.execute(text(
            "SELECT bri_member, bri_mou, bri_exit, bri_origin, regime_type, regime_year, regime_origin "
            "FROM countries WHERE iso3 = :c"), {"c": iso3}).mappings().first()
        if row is not None:
            if row["bri_member"] is not None or row["bri_origin"]:
                ctx.bri = {"member": None if row["bri_member"] is None else bool(row["bri_member"]),
                           "mou": row["bri_mou"], "exit": row["bri_exit"], "origin": row["bri_origin"]}
            if row["regime_type"] is not None:
                code = str(row["regime_type"]).upper()
                ctx.regime = {"type": code, "label": REGIME_LABELS.get(code, code),
                              "year": row["regime_year"], "origin": row["regime_origin"]}
    ctx.statements = _statements(conn, tables, "country", [iso3])
    ctx.index = pivot_index(st for st in ctx.statements if st.dataset.lower().startswith(INDEX_PREFIX))
    ctx.dataset_deployments = _dataset_deployments(conn, tables, "country", [iso3])
    used = {s.dataset for s in ctx.statements} | {d["dataset"] for d in ctx.dataset_deployments}
    ctx.datasets = datasets(conn, tables, used)
    return ctx


@dataclass
class VendorContext:
    id: str | None = None
    name: str | None = None
    country: str | None = None
    parent: str | None = None
    restricted: bool | None = None
    statements: list[Statement] = field(default_factory=list)
    dataset_deployments: list[dict[str, Any]] = field(default_factory=list)
    datasets: list[Dataset] = field(default_factory=list)


def vendor_row(conn: Connection, tables: frozenset[str], keys: Iterable[str]) -> dict[str, Any] | None:
    """The imported vendors-table row whose id or name matches one of `keys` (case-insensitive)."""
    if not _has(tables, "vendors"):
        return None
    for key in keys:
        if not key:
            continue
        row = conn.execute(text(
            "SELECT id, name, country, parent, restricted_active, oem_brands FROM vendors "
            "WHERE lower(id) = :k OR lower(name) = :k ORDER BY id = :k DESC LIMIT 1"),
            {"k": key.lower()}).mappings().first()
        if row is not None:
            return dict(row)
    return None


def vendor_context(conn: Connection, tables: frozenset[str], keys: list[str]) -> VendorContext:
    """Raw dataset statements and listed deployments about a vendor identified by any of `keys`
    (URL id, registry id, names), and whether it is restricted. The structured restrictions and
    OEM brands come from `custodes.index.vendors` (see `lookup.resolve_vendor`)."""
    ctx = VendorContext()
    row = vendor_row(conn, tables, keys)
    subjects = list(keys)
    lists_imported = restricted_lists_imported(conn, tables)
    if row is not None:
        ctx.id, ctx.name, ctx.country, ctx.parent = row["id"], row["name"], row["country"], row["parent"]
        if lists_imported:
            ctx.restricted = bool(row["restricted_active"])
        subjects.append(row["id"])
    ctx.statements = _statements(conn, tables, "vendor", subjects)
    if lists_imported and ctx.restricted is None:
        ctx.restricted = any((st.detail or {}).get("active", True) for st in ctx.statements
                             if st.property == "restricted")
    by_id = _dataset_deployments(conn, tables, "supplier_id", [ctx.id] if ctx.id else [])
    by_name = _dataset_deployments(conn, tables, "supplier", [k for k in keys if k])
    seen: set[str] = set()
    for item in by_id + by_name:
        if item["id"] not in seen:
            seen.add(item["id"])
            ctx.dataset_deployments.append(item)
    used = {s.dataset for s in ctx.statements} | {d["dataset"] for d in ctx.dataset_deployments}
    ctx.datasets = datasets(conn, tables, used)
    return ctx


def dataset_imported(conn: Connection, tables: frozenset[str], name: str) -> bool:
    """Whether a current version of the dataset `name` was imported."""
    if not _has(tables, "datasets"):
        return False
    found = conn.execute(text("SELECT 1 FROM datasets WHERE name = :n AND NOT superseded LIMIT 1"),
                         {"n": name}).first()
    return found is not None


def restricted_lists_imported(conn: Connection, tables: frozenset[str]) -> bool:
    """Whether "on no restricted list" can be said at all: only after the lists were imported."""
    return dataset_imported(conn, tables, RESTRICTED_DATASET)


def restricted_vendors(conn: Connection, tables: frozenset[str]) -> dict[str, bool]:
    """Lower-cased vendor id and name -> on an active restricted list, for the vendor list."""
    if not _has(tables, "vendors") or not restricted_lists_imported(conn, tables):
        return {}
    out: dict[str, bool] = {}
    for vid, name, active in conn.execute(text("SELECT id, name, restricted_active FROM vendors")):
        out[str(vid).lower()] = bool(active)
        out[str(name).lower()] = bool(active)
    return out


def index_rows(conn: Connection, tables: frozenset[str], source: str = "aigs2022") -> dict[str, Any]:
    """The country index in the AIGS shape, from `custodes.index.aigs.load_index` (the same rows
    and summary as `custodes index`): source aigs2022 (the workbook), extracted (deployments
    found in documents) or all. Empty when the dataset tables or the index module are missing."""
    empty: dict[str, Any] = {"source": source, "datasets": [], "total": 0, "summary": None, "countries": []}
    needed = {"dataset_statements", "countries", "datasets", "dataset_deployments"}
    if not needed <= tables:
        return empty
    try:
        from custodes.index.aigs import AIGS_DATASET, load_index
    except ImportError:
        return empty
    rows, summary = load_index(conn, source)
    used = {AIGS_DATASET} if source in ("aigs2022", "all") else set()
    if source != "aigs2022":
        used |= {"bri-countries", "regime-type"} | {d for r in rows for d in r.datasets}
    return {"source": source, "datasets": datasets(conn, tables, used), "total": len(rows),
            "summary": summary.to_dict(), "countries": [r.to_dict() for r in rows]}


def _name_or(iso3: str, fallback: str) -> str:
    name = country_name(iso3)
    return fallback if name == iso3 else name
