"""Running an import: read a dataset file, store its statements, report its problems.

The runner owns everything importers share: the decision that a re-import of the same file is a
no-op, the refusal to overwrite a version with a different file, origins and ids of statements,
dropping statements of rejected rows, and rebuilding the derived reference tables.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.engine import Connection

from custodes.sources.datasets.base import DatasetImporter, RowProblem, Statement, dataset_dir
from custodes.store.datasets import (
    BRI_PROPERTY,
    REGIME_PROPERTY,
    DatasetRecord,
    StatementRow,
    current_statements,
    dataset_problems,
    encode_detail,
    find_import,
    make_origin,
    replace_reference_tables,
    statement_id,
    store_import,
)

# Which dataset feeds which column of the `countries` reference table.
BRI_DATASET = "bri-countries"
REGIME_DATASET = "regime-type"
RESTRICTED_DATASET = "restricted-vendors"
OEM_DATASET = "oem-brands"


class VersionConflict(Exception):
    """The file differs from the one already imported under the same dataset version."""


@dataclass
class ImportReport:
    """What one import did; `problems` are the rows and cells that need a reader's attention."""

    name: str
    version: str
    file: str
    status: str  # imported | unchanged
    rows: int = 0
    statements: int = 0
    rejected: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if p.severity == "warning")

    def to_dict(self) -> dict[str, Any]:
        return {"dataset": self.name, "version": self.version, "file": self.file, "status": self.status,
                "rows": self.rows, "statements": self.statements, "rejected": self.rejected,
                "warnings": self.warnings, **self.counts,
                "problems": [{"where": p.where(), "severity": p.severity, "kind": p.kind,
                              "message": p.message} for p in self.problems]}


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def effective_importer_version(importer: DatasetImporter) -> str:
    """Importer code version plus a fingerprint of the data it reads besides the file.

    The mapping, the metadata, the vendor registry and the gazetteer all change what an import
    produces, so a change to any of them makes a re-import do work instead of being skipped.
    """
    digest = hashlib.sha256()
    folder = dataset_dir(importer.name)
    for path in (folder / "mapping.yaml", folder / "metadata.yaml", folder.parent.parent / "vendors.yaml",
                 folder.parent.parent / "countries.yaml"):
        if path.exists():
            digest.update(path.read_bytes())
    return f"{importer.importer_version}.{digest.hexdigest()[:8]}"


def run_import(engine: Engine, importer: DatasetImporter, path: Path | None = None, *,
               version: str | None = None, force: bool = False,
               on_total: Callable[[int], None] | None = None,
               on_rows: Callable[[int], None] | None = None, now: str | None = None) -> ImportReport:
    """Import one dataset file; a re-import of the same file and importer changes nothing."""
    from custodes.sources.datasets.base import sha256_file

    path = path or importer.default_path()
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    version = version or importer.version
    sha = sha256_file(path)
    imp_version = effective_importer_version(importer)
    with engine.connect() as conn:
        existing = find_import(conn, importer.name, version)
        if existing is not None and existing["sha256"] != sha:
            raise VersionConflict(
                f"{path.name} differs from the file imported as {importer.name}@{version} "
                f"({existing['file']}, sha256 {existing['sha256'][:12]}…); import it with --version NEW")
        if (existing is not None and not force and not existing["superseded"]
                and existing["importer_version"] == imp_version):
            return _unchanged(conn, importer, existing)

    total = importer.count_rows(path)
    if on_total:
        on_total(total)
    statements: list[Statement] = []
    problems: list[RowProblem] = []
    for item in importer.read(path, on_rows):
        if isinstance(item, RowProblem):
            problems.append(item)
        else:
            statements.append(item)
    rejected = {(p.sheet, p.row) for p in problems if p.severity == "error"}
    rows: dict[str, StatementRow] = {}
    for st in statements:
        if (st.sheet, st.row) in rejected:
            continue
        origin = make_origin(importer.name, version, st.sheet, st.row)
        sid = statement_id(importer.name, version, origin, st.subject_type, st.subject, st.property, st.value)
        rows.setdefault(sid, StatementRow(sid, origin, st.subject_type, st.subject, st.property, st.value,
                                          st.raw_value, st.as_of, encode_detail(st.detail), st.note))
    meta = importer.metadata
    record = DatasetRecord(
        name=importer.name, version=version, title=meta.title, publisher=meta.publisher, url=meta.url,
        licence=meta.licence, data_date=meta.data_date, citation=meta.citation, file=path.name, sha256=sha,
        importer_version=imp_version, rows=total, statements=len(rows),
        rejected=len(rejected), warnings=sum(1 for p in problems if p.severity == "warning"))
    stamp = now or now_iso()
    with engine.begin() as conn:
        counts = store_import(conn, record, list(rows.values()), (_problem_row(p) for p in problems),
                              importer_version=imp_version, now=stamp)
        rebuild_reference_tables(conn)
    return ImportReport(importer.name, version, path.name, "imported", record.rows, len(rows),
                        len(rejected), problems, counts)


def _problem_row(p: RowProblem) -> dict[str, Any]:
    return {"file": p.file, "sheet": p.sheet, "row": p.row, "cell": p.cell, "severity": p.severity,
            "kind": p.kind, "message": p.message}


def _unchanged(conn: Connection, importer: DatasetImporter, existing: Mapping[str, Any]) -> ImportReport:
    """The stored import, re-reported: its problems still stand, so they are shown again."""
    stored = conn.execute(select(dataset_problems).where(
        (dataset_problems.c.dataset == existing["name"])
        & (dataset_problems.c.dataset_version == existing["version"])).order_by(dataset_problems.c.pk)).mappings()
    problems = [RowProblem(r["file"], r["sheet"], r["row"], r["cell"], r["severity"], r["kind"], r["message"])
                for r in stored]
    return ImportReport(importer.name, existing["version"], existing["file"], "unchanged", existing["rows"],
                        existing["statements"], existing["rejected"], problems,
                        {"new": 0, "kept": existing["statements"], "retired": 0, "superseded": 0})


def rebuild_reference_tables(conn: Connection) -> None:
    """`countries` (BRI, regime) and `vendors` (registry + restrictions, OEM brands) from statements."""
    from custodes.resolve.countries import Gazetteer
    from custodes.resolve.vendors import VendorRegistry

    gazetteer = Gazetteer.default()
    by_country: dict[str, dict[str, Any]] = {}

    def entry(iso3: str) -> dict[str, Any]:
        try:
            name = gazetteer.name(iso3)
        except KeyError:
            name = iso3
        return by_country.setdefault(iso3, {
            "iso3": iso3, "name": name, "bri_member": None, "bri_mou": None, "bri_exit": None,
            "bri_origin": None, "regime_type": None, "regime_year": None, "regime_origin": None})

    for st in current_statements(conn, dataset=BRI_DATASET, subject_type="country", prop=BRI_PROPERTY):
        row = entry(st["subject"])
        row.update(bri_member=st["value"] == "yes", bri_mou=st["detail"].get("mou"),
                   bri_exit=st["detail"].get("exit"), bri_origin=st["origin"])
    for st in current_statements(conn, dataset=REGIME_DATASET, subject_type="country", prop=REGIME_PROPERTY):
        row = entry(st["subject"])
        row.update(regime_type=st["value"], regime_year=int(st["as_of"]) if st["as_of"] else None,
                   regime_origin=st["origin"])
    restricted: dict[str, int] = {}
    for st in current_statements(conn, dataset=RESTRICTED_DATASET, subject_type="vendor", prop="restricted"):
        if st["detail"].get("active"):
            restricted[st["subject"]] = restricted.get(st["subject"], 0) + 1
    oem: dict[str, int] = {}
    for st in current_statements(conn, dataset=OEM_DATASET, subject_type="vendor", prop="oem_brand"):
        oem[st["subject"]] = oem.get(st["subject"], 0) + 1
    vendor_rows = [{"id": v.id, "name": v.name, "country": v.country, "parent": v.parent,
                    "restricted_active": restricted.get(v.id, 0), "oem_brands": oem.get(v.id, 0)}
                   for v in VendorRegistry.default().all()]
    replace_reference_tables(conn, sorted(by_country.values(), key=lambda r: r["iso3"]), vendor_rows)
