"""What changed: one deployment's versions and the decisions behind them, and every deployment
added, changed or removed since a moment (read from `custodes.store.history`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from custodes.store.history import versions_at, versions_of
from custodes.store.reviews import Review, reviews_of
from custodes.store.schema import claim_history, claims, deployment_history

# Fields that move without the assertion changing, left out of change lists.
_BOOKKEEPING = ("first_seen", "last_seen")


def changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, tuple[Any, Any]]:
    """Field -> (old, new) for every field that differs."""
    a, b = before or {}, after or {}
    return {k: (a.get(k), b.get(k)) for k in sorted(set(a) | set(b))
            if k not in _BOOKKEEPING and a.get(k) != b.get(k)}


@dataclass
class Version:
    valid_from: str
    valid_to: str | None
    values: dict[str, Any]
    changes: dict[str, tuple[Any, Any]]


@dataclass
class DeploymentHistory:
    deployment_id: str
    versions: list[Version] = field(default_factory=list)
    decisions: list[Review] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"deployment_id": self.deployment_id,
                "versions": [{**asdict(v), "changes": {k: list(c) for k, c in v.changes.items()}}
                             for v in self.versions],
                "decisions": [asdict(d) for d in self.decisions]}


def _claims_ever_in(conn: Connection, deployment_id: str) -> set[str]:
    """Claims that count, or once counted, towards the deployment (an edit can move a claim)."""
    out = set(conn.execute(select(claims.c.id).where(claims.c.deployment_id == deployment_id)).scalars())
    needle = f'"deployment_id": "{deployment_id}"'
    out.update(conn.execute(select(claim_history.c.claim_id)
                            .where(claim_history.c.data.contains(needle, autoescape=True))).scalars())
    return out


def deployment_history_of(conn: Connection, deployment_id: str) -> DeploymentHistory:
    report = DeploymentHistory(deployment_id)
    previous: dict[str, Any] | None = None
    for valid_from, valid_to, values in versions_of(conn, deployment_history, "deployment_id", deployment_id):
        report.versions.append(Version(valid_from, valid_to, values, changes(previous, values) if previous else {}))
        previous = values
    report.decisions = reviews_of(conn, _claims_ever_in(conn, deployment_id))
    return report


@dataclass
class DiffItem:
    deployment_id: str
    country: str
    supplier: str | None
    supplier_country: str | None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)


@dataclass
class Diff:
    since: str
    added: list[DiffItem] = field(default_factory=list)
    changed: list[DiffItem] = field(default_factory=list)
    removed: list[DiffItem] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        def items(xs: list[DiffItem]) -> list[dict[str, Any]]:
            return [{**asdict(x), "changes": {k: list(c) for k, c in x.changes.items()}} for x in xs]

        return {"since": self.since, "added": items(self.added), "changed": items(self.changed),
                "removed": items(self.removed)}


def _item(values: dict[str, Any], diff: dict[str, tuple[Any, Any]] | None = None) -> DiffItem:
    return DiffItem(values["id"], values["country"], values.get("supplier"), values.get("supplier_country"),
                    diff or {})


def diff_since(conn: Connection, moment: str) -> Diff:
    """Deployments asserted now against those asserted at `moment`."""
    then = {v["id"]: v for v in versions_at(conn, deployment_history, moment)}
    now = {json_values["id"]: json_values for json_values in _current(conn)}
    out = Diff(moment)
    for ident in sorted(now.keys() - then.keys()):
        out.added.append(_item(now[ident]))
    for ident in sorted(then.keys() - now.keys()):
        out.removed.append(_item(then[ident]))
    for ident in sorted(now.keys() & then.keys()):
        diff = changes(then[ident], now[ident])
        if diff:
            out.changed.append(_item(now[ident], diff))
    return out


def _current(conn: Connection) -> list[dict[str, Any]]:
    import json

    rows = conn.execute(select(deployment_history.c.data).where(deployment_history.c.valid_to.is_(None)))
    return [json.loads(r[0]) for r in rows]
