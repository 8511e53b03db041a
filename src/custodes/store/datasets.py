"""Tables and writes for imported datasets (created by migration 0004).

An import stores a dataset version's statements beside the claims extracted from documents.
Re-importing the same file changes nothing; importing a new version makes the old version's
statements non-current (`current` false) without deleting them, so history stays queryable.
Derived tables (`dataset_deployments`, `countries`, `vendors`) are rebuilt from the current
statements after every import, the way `deployments` is recomputed from claims.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection

from custodes.ids import stable_id

metadata = MetaData()

datasets = Table(
    "datasets", metadata,
    Column("pk", Integer, primary_key=True),
    Column("name", String(64), nullable=False),
    Column("version", String(64), nullable=False),
    Column("title", Text, nullable=False),
    Column("publisher", Text),
    Column("url", Text),
    Column("licence", Text),
    Column("data_date", String(32)),
    Column("citation", Text),
    Column("file", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("importer_version", String(32), nullable=False),
    Column("first_imported_at", String(32), nullable=False),
    Column("imported_at", String(32), nullable=False),
    Column("rows", Integer, nullable=False),
    Column("statements", Integer, nullable=False),
    Column("rejected", Integer, nullable=False),
    Column("warnings", Integer, nullable=False),
    Column("superseded", Boolean, nullable=False),
)

dataset_statements = Table(
    "dataset_statements", metadata,
    Column("pk", Integer, primary_key=True),
    Column("id", String(32), nullable=False, unique=True),
    Column("dataset", String(64), nullable=False),
    Column("dataset_version", String(64), nullable=False),
    Column("origin", Text, nullable=False),
    Column("subject_type", String(16), nullable=False),
    Column("subject", Text, nullable=False),
    Column("property", String(64), nullable=False),
    Column("value", Text),
    Column("raw_value", Text),
    Column("as_of", String(32)),
    Column("detail", Text),
    Column("note", Text),
    Column("importer_version", String(32), nullable=False),
    Column("first_seen", String(32), nullable=False),
    Column("last_seen", String(32), nullable=False),
    Column("current", Boolean, nullable=False),
)

dataset_problems = Table(
    "dataset_problems", metadata,
    Column("pk", Integer, primary_key=True),
    Column("dataset", String(64), nullable=False),
    Column("dataset_version", String(64), nullable=False),
    Column("file", Text, nullable=False),
    Column("sheet", Text),
    Column("row", Integer),
    Column("cell", String(32)),
    Column("severity", String(16), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("message", Text, nullable=False),
)

dataset_deployments = Table(
    "dataset_deployments", metadata,
    Column("id", String(32), primary_key=True),
    Column("statement_id", String(32), nullable=False),
    Column("dataset", String(64), nullable=False),
    Column("dataset_version", String(64), nullable=False),
    Column("origin", Text, nullable=False),
    Column("country", String(3), nullable=False),
    Column("supplier", Text),
    Column("supplier_id", Text),
    Column("supplier_country", String(3)),
    Column("program", Text),
    Column("title", Text),
    Column("tech", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("year", Integer),
    Column("lender", Text),
    Column("lender_country", String(3)),
    Column("amount", Float),
    Column("currency", String(8)),
    Column("first_seen", String(32), nullable=False),
    Column("last_seen", String(32), nullable=False),
)

countries = Table(
    "countries", metadata,
    Column("iso3", String(3), primary_key=True),
    Column("name", Text, nullable=False),
    Column("bri_member", Boolean),
    Column("bri_mou", String(32)),
    Column("bri_exit", String(32)),
    Column("bri_origin", Text),
    Column("regime_type", String(2)),
    Column("regime_year", Integer),
    Column("regime_origin", Text),
)

vendors = Table(
    "vendors", metadata,
    Column("id", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("country", String(3)),
    Column("parent", Text),
    Column("restricted_active", Integer, nullable=False),
    Column("oem_brands", Integer, nullable=False),
)

# Statement properties the derived tables read. An importer that states a deployment writes
# property `deployment` with the fields of DEPLOYMENT_FIELDS in `detail`.
DEPLOYMENT = "deployment"
DEPLOYMENT_FIELDS = ("country", "supplier", "supplier_id", "supplier_country", "program", "title",
                     "tech", "status", "year", "lender", "lender_country", "amount", "currency")
BRI_PROPERTY = "bri_member"
REGIME_PROPERTY = "regime_type"


@dataclass(frozen=True)
class StatementRow:
    """A statement ready to store: the importer's statement plus its dataset and origin."""

    id: str
    origin: str
    subject_type: str
    subject: str
    property: str
    value: str | None
    raw_value: str | None
    as_of: str | None
    detail: str | None
    note: str | None


def statement_id(dataset: str, version: str, origin: str, subject_type: str, subject: str,
                 prop: str, value: str | None) -> str:
    """`dst-` id over (dataset, version, origin, subject type, subject, property, value)."""
    return stable_id("dst", dataset, version, origin, subject_type, subject, prop, value)


def make_origin(dataset: str, version: str, sheet: str, row: int) -> str:
    """`aigs-2022@v4:AIGS 2022!R12`: dataset, version, sheet (or file) and row."""
    return f"{dataset}@{version}:{sheet}!R{row}"


_ORIGIN = re.compile(r"^(?P<dataset>[^@]+)@(?P<version>[^:]+):(?P<sheet>.+)!R(?P<row>\d+)$")


def parse_origin(origin: str) -> tuple[str, str, str, int] | None:
    """(dataset, version, sheet, row) of an origin made by `make_origin`, else None."""
    m = _ORIGIN.match(origin)
    if m is None:
        return None
    return m["dataset"], m["version"], m["sheet"], int(m["row"])


def encode_detail(detail: Mapping[str, Any] | None) -> str | None:
    if not detail:
        return None
    return json.dumps(dict(detail), ensure_ascii=False, sort_keys=True, default=str)


@dataclass(frozen=True)
class DatasetRecord:
    """What the `datasets` row of an import says."""

    name: str
    version: str
    title: str
    publisher: str
    url: str
    licence: str
    data_date: str
    citation: str
    file: str
    sha256: str
    importer_version: str
    rows: int
    statements: int
    rejected: int
    warnings: int


def find_import(conn: Connection, name: str, version: str) -> Mapping[str, Any] | None:
    row = conn.execute(select(datasets).where(
        and_(datasets.c.name == name, datasets.c.version == version))).mappings().first()
    return dict(row) if row else None


def store_import(conn: Connection, record: DatasetRecord, rows: Sequence[StatementRow],
                 problems: Iterable[Mapping[str, Any]], *, importer_version: str,
                 now: str) -> dict[str, int]:
    """Write one import; returns counts of new, kept and retired statements.

    The caller owns the transaction. Statements of this version that the import no longer
    produces, and all statements of other versions, become non-current; nothing is deleted.
    """
    name, version = record.name, record.version
    old = {r.id: r.first_seen for r in conn.execute(
        select(dataset_statements.c.id, dataset_statements.c.first_seen)
        .where(and_(dataset_statements.c.dataset == name, dataset_statements.c.dataset_version == version)))}
    new_rows = []
    kept = 0
    for row in rows:
        values = {
            "origin": row.origin, "subject_type": row.subject_type, "subject": row.subject,
            "property": row.property, "value": row.value, "raw_value": row.raw_value,
            "as_of": row.as_of, "detail": row.detail, "note": row.note,
            "importer_version": importer_version, "last_seen": now, "current": True,
        }
        if row.id in old:
            kept += 1
            conn.execute(update(dataset_statements).where(dataset_statements.c.id == row.id).values(**values))
        else:
            new_rows.append({"id": row.id, "dataset": name, "dataset_version": version,
                             "first_seen": now, **values})
    if new_rows:
        conn.execute(insert(dataset_statements), new_rows)
    produced = {row.id for row in rows}
    gone = [sid for sid in old if sid not in produced]
    for start in range(0, len(gone), 500):
        conn.execute(update(dataset_statements).where(dataset_statements.c.id.in_(gone[start:start + 500]))
                     .values(current=False))
    superseded = conn.execute(update(dataset_statements).where(and_(
        dataset_statements.c.dataset == name, dataset_statements.c.dataset_version != version,
        dataset_statements.c.current.is_(True))).values(current=False)).rowcount
    conn.execute(update(datasets).where(and_(datasets.c.name == name, datasets.c.version != version))
                 .values(superseded=True))
    existing = find_import(conn, name, version)
    values = {k: getattr(record, k) for k in record.__dataclass_fields__}
    values.update(imported_at=now, superseded=False)
    if existing is None:
        conn.execute(insert(datasets).values(**values, first_imported_at=now))
    else:
        conn.execute(update(datasets).where(datasets.c.pk == existing["pk"]).values(**values))
    conn.execute(delete(dataset_problems).where(and_(
        dataset_problems.c.dataset == name, dataset_problems.c.dataset_version == version)))
    problem_rows = [{"dataset": name, "dataset_version": version, **p} for p in problems]
    if problem_rows:
        conn.execute(insert(dataset_problems), problem_rows)
    rebuild_dataset_deployments(conn, name, now)
    return {"new": len(new_rows), "kept": kept, "retired": len(gone), "superseded": superseded}


def rebuild_dataset_deployments(conn: Connection, dataset: str, now: str) -> None:
    """`dataset_deployments` of one dataset from its current `deployment` statements."""
    old_first = dict(conn.execute(
        select(dataset_deployments.c.id, dataset_deployments.c.first_seen)
        .where(dataset_deployments.c.dataset == dataset)).all())
    conn.execute(delete(dataset_deployments).where(dataset_deployments.c.dataset == dataset))
    rows = []
    for st in conn.execute(select(dataset_statements).where(and_(
            dataset_statements.c.dataset == dataset, dataset_statements.c.current.is_(True),
            dataset_statements.c.property == DEPLOYMENT))).mappings():
        detail = json.loads(st["detail"] or "{}")
        if not detail.get("country"):
            continue
        dep_id = stable_id("ddp", dataset, st["subject_type"], st["subject"], detail.get("supplier_id")
                           or detail.get("supplier"), detail.get("title"))
        fields = {f: detail.get(f) for f in DEPLOYMENT_FIELDS}
        fields["tech"] = json.dumps(sorted(detail.get("tech") or []))
        fields["status"] = detail.get("status") or "unknown"
        rows.append({"id": dep_id, "statement_id": st["id"], "dataset": dataset,
                     "dataset_version": st["dataset_version"], "origin": st["origin"], **fields,
                     "first_seen": old_first.get(dep_id, st["first_seen"]), "last_seen": now})
    unique = {r["id"]: r for r in rows}
    if unique:
        conn.execute(insert(dataset_deployments), list(unique.values()))


def current_statements(conn: Connection, *, dataset: str | None = None, subject_type: str | None = None,
                       subject: str | None = None, prop: str | None = None,
                       props: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Current statements as dicts with `detail` decoded, in origin order."""
    query = select(dataset_statements).where(dataset_statements.c.current.is_(True))
    if dataset:
        query = query.where(dataset_statements.c.dataset == dataset)
    if subject_type:
        query = query.where(dataset_statements.c.subject_type == subject_type)
    if subject:
        query = query.where(dataset_statements.c.subject == subject)
    if prop:
        query = query.where(dataset_statements.c.property == prop)
    if props:
        query = query.where(dataset_statements.c.property.in_(list(props)))
    out = []
    for row in conn.execute(query.order_by(dataset_statements.c.pk)).mappings():
        item = dict(row)
        item["detail"] = json.loads(row["detail"]) if row["detail"] else {}
        out.append(item)
    return out


def replace_reference_tables(conn: Connection, country_rows: Iterable[Mapping[str, Any]],
                             vendor_rows: Iterable[Mapping[str, Any]]) -> None:
    """Swap in freshly derived `countries` and `vendors` rows (caller owns the transaction)."""
    conn.execute(delete(countries))
    conn.execute(delete(vendors))
    c_rows = list(country_rows)
    v_rows = list(vendor_rows)
    if c_rows:
        conn.execute(insert(countries), c_rows)
    if v_rows:
        conn.execute(insert(vendors), v_rows)


def list_imports(conn: Connection) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(select(datasets).order_by(datasets.c.name, datasets.c.pk)).mappings()]


def count_statements(conn: Connection, dataset: str | None = None, *, current_only: bool = True) -> int:
    query = select(func.count()).select_from(dataset_statements)
    if current_only:
        query = query.where(dataset_statements.c.current.is_(True))
    if dataset:
        query = query.where(dataset_statements.c.dataset == dataset)
    return int(conn.execute(query).scalar_one())
