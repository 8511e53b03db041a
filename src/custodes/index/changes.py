"""The change feed: each run that changes the record publishes a numbered delta of deployments.

A delta compares the deployments that count now (the set `custodes export` writes, each as the
record `export` writes) with the record as the previous delta left it (`published_deployments`):
`ADD` a new id, `MOD` an id whose content hash differs, `DEL` an id no longer there. Consumers
(alerts, mirrors, the Atom feed) replay deltas in version order and get the export.

The shrink guard stops a run that would make the record shrink suspiciously, the usual sign of a
truncated upstream or a broken extractor rather than of the world changing: when more than
`threshold` (10%) of the published deployments, or of those backed by one watched source, would
be removed, nothing is published and the plan says why. A person can look and `--force` it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.engine import Connection

from custodes.config import is_database_url
from custodes.index.delta_files import write_delta_files
from custodes.index.profiles import iter_deployments
from custodes.store.db import take_write_lock
from custodes.store.dialect import JsonArrayHas
from custodes.store.reviews import COUNTED
from custodes.store.schema import (
    claims,
    delta_entries,
    deltas,
    published_deployments,
    watch_items,
    watch_sources,
)

__all__ = [
    "SHRINK_THRESHOLD", "ChangeEntry", "DeltaPlan", "PlannedEntry", "PublishResult", "changes_since",
    "default_deltas_dir", "delta_versions", "latest_delta", "plan_delta", "publish_delta", "record_hash",
    "write_delta_files",
]

SHRINK_THRESHOLD = 0.10
DELTAS_ENV_VAR = "CUSTODES_DELTAS"
ADD, MOD, DEL = "ADD", "MOD", "DEL"
_CHUNK = 500  # ids per IN (...) list

# Left out of the content hash: fields that move without what custodes asserts changing (see
# docs/IDS.md; changing these lists changes every hash, so it is a migration).
UNHASHED_FIELDS = ("first_seen", "last_seen", "country_name", "confidence")
UNHASHED_EVIDENCE_FIELDS = ("confidence", "tech_confidence", "status_confidence", "extractor_version")


def record_hash(record: dict[str, Any]) -> str:
    """SHA-256 of the record's canonical JSON, bookkeeping and confidences left out, evidence in
    claim-id order (its display order follows confidence)."""
    body = {k: v for k, v in record.items() if k not in UNHASHED_FIELDS}
    if isinstance(body.get("evidence"), list):
        body["evidence"] = sorted(
            ({k: v for k, v in e.items() if k not in UNHASHED_EVIDENCE_FIELDS} for e in body["evidence"]),
            key=lambda e: str(e.get("claim_id") or ""))
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def default_deltas_dir(db_path: Path | str) -> Path:
    """`$CUSTODES_DELTAS`, else a `deltas/` folder next to the database file (in the current
    folder for a PostgreSQL URL)."""
    env = os.environ.get(DELTAS_ENV_VAR)
    if env:
        return Path(env)
    return Path.cwd() / "deltas" if is_database_url(db_path) else Path(db_path).resolve().parent / "deltas"


@dataclass
class PlannedEntry:
    op: str
    deployment_id: str
    content_hash: str | None
    record: dict[str, Any] | None
    country: str | None
    vendor_id: str | None
    supplier: str | None
    tech: str | None  # JSON list, as deployments store it


@dataclass
class DeltaPlan:
    """What publishing now would write, and whether the shrink guard allows it."""

    entries: list[PlannedEntry]
    published: int  # deployments in the last published record
    current: int  # deployments that count now
    blocked_reasons: list[str] = field(default_factory=list)
    # the state published_deployments takes if this plan is published: id -> (hash, source pks)
    state: dict[str, tuple[str, list[int]]] = field(default_factory=dict, repr=False)

    def count(self, op: str) -> int:
        return sum(e.op == op for e in self.entries)

    @property
    def added(self) -> int:
        return self.count(ADD)

    @property
    def modified(self) -> int:
        return self.count(MOD)

    @property
    def deleted(self) -> int:
        return self.count(DEL)

    @property
    def empty(self) -> bool:
        return not self.entries

    @property
    def blocked(self) -> bool:
        return bool(self.blocked_reasons)

    @property
    def blocked_reason(self) -> str | None:
        return "; ".join(self.blocked_reasons) or None


@dataclass
class PublishResult:
    status: str  # published | no changes | blocked
    plan: DeltaPlan
    version: int | None = None
    forced: bool = False
    files: list[Path] = field(default_factory=list)  # version files (re)written by this call

    @property
    def blocked_reason(self) -> str | None:
        return self.plan.blocked_reason if self.status == "blocked" else None

    def message(self) -> str:
        """One line for the command line."""
        if self.status == "published":
            p = self.plan
            forced = " (forced past the shrink guard)" if self.forced else ""
            return (f"published delta {self.version}: {p.added} added, {p.modified} changed, "
                    f"{p.deleted} removed{forced}")
        if self.status == "blocked":
            return f"no delta published: the shrink guard stopped it: {self.blocked_reason}"
        return "no changes: no delta published"


def _current_records(conn: Connection) -> Iterator[dict[str, Any]]:
    """Every deployment that counts, as `custodes export --format jsonl` writes it."""
    for view in iter_deployments(conn, batch=2000):
        yield view.to_dict()


def _source_pks_of_deployments(conn: Connection) -> dict[str, list[int]]:
    """Deployment id -> the watched sources whose items became documents with a counted claim."""
    query = (select(claims.c.deployment_id, watch_items.c.source_pk)
             .join(watch_items, watch_items.c.document_id == claims.c.document_id)
             .where(COUNTED).distinct())
    out: dict[str, set[int]] = {}
    for dep, pk in conn.execute(query):
        out.setdefault(dep, set()).add(int(pk))
    return {dep: sorted(pks) for dep, pks in out.items()}


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


def _last_published_fields(conn: Connection, ids: Sequence[str]) -> dict[str, tuple[Any, ...]]:
    """For removed deployments: country, vendor id, supplier and tech of their last ADD/MOD, so a
    DEL can be filtered like the entry that announced the deployment."""
    e = delta_entries.c
    out: dict[str, tuple[Any, ...]] = {}
    for part in _chunks(ids):
        latest = (select(func.max(e.pk)).where(e.deployment_id.in_(part), e.op != DEL)
                  .group_by(e.deployment_id).scalar_subquery())
        for row in conn.execute(select(e.deployment_id, e.country, e.vendor_id, e.supplier, e.tech)
                                .where(e.pk.in_(latest))):
            out[row[0]] = tuple(row[1:])
    return out


def _ratio_blocks(removed: int, published: int, threshold: float) -> bool:
    """More than `threshold` of `published`, applied literally: with under 10 published
    deployments any removal blocks (1 of 9 is 11%)."""
    return published > 0 and removed / published > threshold


def _percent(removed: int, published: int) -> str:
    return f"{100 * removed / published:.0f}%"


def _shrink_reasons(conn: Connection, published: dict[str, tuple[str, list[int]]], removed: set[str],
                    threshold: float) -> list[str]:
    reasons = []
    limit = f"{100 * threshold:g}%"
    if _ratio_blocks(len(removed), len(published), threshold):
        reasons.append(f"it would remove {len(removed)} of {len(published)} published deployments "
                       f"({_percent(len(removed), len(published))}, more than {limit})")
    per_source: dict[int, list[int]] = {}  # pk -> [published, removed]
    for dep, (_hash, pks) in published.items():
        for pk in pks:
            counts = per_source.setdefault(pk, [0, 0])
            counts[0] += 1
            counts[1] += dep in removed
    blocked = {pk: c for pk, c in per_source.items() if _ratio_blocks(c[1], c[0], threshold)}
    if blocked:
        names = dict(conn.execute(select(watch_sources.c.pk, watch_sources.c.name)
                                  .where(watch_sources.c.pk.in_(list(blocked)))).all())
        for pk, (n_published, n_removed) in sorted(blocked.items()):
            name = names.get(pk, f"#{pk} (no longer watched)")
            reasons.append(f"it would remove {n_removed} of the {n_published} published deployments of "
                           f"watched source '{name}' ({_percent(n_removed, n_published)}, more than {limit})")
    return reasons


def plan_delta(conn: Connection, *, threshold: float = SHRINK_THRESHOLD) -> DeltaPlan:
    """The delta publishing now would write; reads only (three bulk queries and the export's)."""
    published: dict[str, tuple[str, list[int]]] = {
        row[0]: (row[1], json.loads(row[2] or "[]"))
        for row in conn.execute(select(published_deployments.c.deployment_id,
                                       published_deployments.c.content_hash, published_deployments.c.source_pks))}
    sources = _source_pks_of_deployments(conn)
    entries: list[PlannedEntry] = []
    state: dict[str, tuple[str, list[int]]] = {}
    for record in _current_records(conn):
        ident = record["id"]
        digest = record_hash(record)
        state[ident] = (digest, sources.get(ident, []))
        before = published.get(ident)
        if before is None or before[0] != digest:
            entries.append(PlannedEntry(ADD if before is None else MOD, ident, digest, record, record["country"],
                                        record.get("vendor_id"), record.get("supplier"),
                                        json.dumps(record["tech"])))
    removed = sorted(published.keys() - state.keys())
    last = _last_published_fields(conn, removed)
    for ident in removed:
        country, vendor_id, supplier, tech = last.get(ident, (None, None, None, None))
        entries.append(PlannedEntry(DEL, ident, None, None, country, vendor_id, supplier, tech))
    plan = DeltaPlan(entries, len(published), len(state), state=state)
    plan.blocked_reasons = _shrink_reasons(conn, published, set(removed), threshold)
    if not plan.entries:
        plan.blocked_reasons = []
    return plan


def _sources_changed(conn: Connection, state: dict[str, tuple[str, list[int]]]) -> list[str]:
    """Published deployments whose hash stays but whose watched sources moved (an item linked to a
    document already stored): their source list is brought up to date with the next delta."""
    rows = conn.execute(select(published_deployments.c.deployment_id, published_deployments.c.content_hash,
                               published_deployments.c.source_pks))
    return [r[0] for r in rows if r[0] in state and state[r[0]][0] == r[1]
            and state[r[0]][1] != json.loads(r[2] or "[]")]


def _write_delta(conn: Connection, plan: DeltaPlan, trigger: str, forced: bool, now: str) -> int:
    version = int(conn.execute(select(func.coalesce(func.max(deltas.c.version), 0))).scalar_one()) + 1
    conn.execute(insert(deltas), {"version": version, "created_at": now, "trigger": trigger, "added": plan.added,
                                  "modified": plan.modified, "deleted": plan.deleted, "forced": forced})
    conn.execute(insert(delta_entries), [
        {"version": version, "op": e.op, "deployment_id": e.deployment_id, "content_hash": e.content_hash,
         "record": json.dumps(e.record, ensure_ascii=False) if e.record is not None else None,
         "country": e.country, "vendor_id": e.vendor_id, "supplier": e.supplier, "tech": e.tech}
        for e in plan.entries])
    p = published_deployments.c
    written = [e.deployment_id for e in plan.entries]
    for part in _chunks(written):
        conn.execute(delete(published_deployments).where(p.deployment_id.in_(part)))
    fresh = [{"deployment_id": e.deployment_id, "content_hash": e.content_hash,
              "source_pks": json.dumps(plan.state[e.deployment_id][1]), "version": version}
             for e in plan.entries if e.op != DEL]
    if fresh:
        conn.execute(insert(published_deployments), fresh)
    moved = _sources_changed(conn, plan.state)
    if moved:
        conn.execute(update(published_deployments).where(p.deployment_id == bindparam("dep"))
                     .values(source_pks=bindparam("pks")),
                     [{"dep": d, "pks": json.dumps(plan.state[d][1])} for d in moved])
    return version


def publish_delta(conn: Connection, *, trigger: str, force: bool = False, deltas_dir: Path | None = None,
                  now: str | None = None, threshold: float = SHRINK_THRESHOLD) -> PublishResult:
    """Plan and, unless empty or stopped by the shrink guard (and not `force`), publish the next
    delta in one transaction of its own; then write the files it derives (`deltas_dir`), which
    also repairs any version file a crash left unwritten."""
    from custodes.analyse import now_iso

    if conn.in_transaction():
        raise ValueError("publish_delta commits a transaction of its own: commit or roll back the "
                         "connection's open transaction first")
    with conn.begin():
        take_write_lock(conn)  # before reading, so the plan and its write see the same record
        plan = plan_delta(conn, threshold=threshold)
        if plan.empty:
            result = PublishResult("no changes", plan)
        elif plan.blocked and not force:
            result = PublishResult("blocked", plan)
        else:
            version = _write_delta(conn, plan, trigger, plan.blocked, now or now_iso())
            result = PublishResult("published", plan, version, forced=plan.blocked)
    if deltas_dir is not None:
        try:
            result.files = write_delta_files(conn, deltas_dir)
        finally:
            conn.rollback()  # it only read: leave the connection as it came, with no transaction open
    return result


@dataclass
class DeltaVersion:
    version: int
    created_at: str
    trigger: str
    added: int
    modified: int
    deleted: int
    forced: bool


def delta_versions(conn: Connection, *, since: int = 0, until: int | None = None) -> list[DeltaVersion]:
    """Published deltas after `since` (and up to `until`), oldest first."""
    query = select(deltas).where(deltas.c.version > since)
    if until is not None:
        query = query.where(deltas.c.version <= until)
    return [DeltaVersion(r.version, r.created_at, r.trigger, r.added, r.modified, r.deleted, bool(r.forced))
            for r in conn.execute(query.order_by(deltas.c.version))]


def latest_delta(conn: Connection) -> DeltaVersion | None:
    newest = conn.execute(select(func.max(deltas.c.version))).scalar_one()
    found = delta_versions(conn, since=newest - 1, until=newest) if newest else []
    return found[0] if found else None


@dataclass
class ChangeEntry:
    pk: int
    version: int
    created_at: str
    op: str
    deployment_id: str
    content_hash: str | None
    country: str | None
    vendor_id: str | None
    supplier: str | None
    tech: list[str]
    record: dict[str, Any] | None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def vendor_condition(vendor: str) -> ColumnElement[bool]:
    """Entries of a vendor named by registry id, name or alias (whatever spelling the documents
    used, through the registry id), or of a supplier the registry does not know, by name."""
    from custodes.resolve.vendors import VendorRegistry

    registry = VendorRegistry.default()
    known = registry.get(vendor.strip().lower()) or registry.resolve(vendor)
    e = delta_entries.c
    if known is None:
        return func.lower(e.supplier) == vendor.strip().lower()
    return or_(e.vendor_id == known.id, func.lower(e.supplier) == known.name.lower())


def tech_condition(tech: str) -> ColumnElement[bool]:
    return JsonArrayHas(delta_entries.c.tech, tech)


def changes_since(conn: Connection, since: int, *, country: str | None = None, vendor: str | None = None,
                  tech: str | None = None, until: int | None = None, after: tuple[int, int] | None = None,
                  limit: int = 100, newest_first: bool = False) -> list[ChangeEntry]:
    """Delta entries after version `since` (up to `until`) matching every filter, in (version, entry) order (or
    the reverse); `after` is the (version, pk) of the last entry of the previous page.

    `country` is an ISO3 code; `vendor` a registry id, name or alias, or a supplier name; `tech`
    a category id. A DEL carries the country, supplier and tech of the record it removes."""
    e = delta_entries.c
    conds: list[ColumnElement[bool]] = [e.version > since]
    if until is not None:
        conds.append(e.version <= until)
    if country:
        conds.append(e.country == country.upper())
    if vendor:
        conds.append(vendor_condition(vendor))
    if tech:
        conds.append(tech_condition(tech))
    if after is not None:
        key = tuple_(e.version, e.pk)
        conds.append(key < tuple_(*after) if newest_first else key > tuple_(*after))
    order = (e.version.desc(), e.pk.desc()) if newest_first else (e.version, e.pk)
    query = (select(delta_entries, deltas.c.created_at).join(deltas, deltas.c.version == e.version)
             .where(and_(*conds)).order_by(*order).limit(limit))
    return [ChangeEntry(r.pk, r.version, r.created_at, r.op, r.deployment_id, r.content_hash, r.country,
                        r.vendor_id, r.supplier, json.loads(r.tech) if r.tech else [],
                        json.loads(r.record) if r.record else None)
            for r in conn.execute(query)]
