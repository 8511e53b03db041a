"""Which delta entries an alert wants: every filter it has must match, the others are free.

The delta writer copies country, vendor id and categories onto every entry, a DEL's from the
record as last published, so a deletion matches the alerts its record matched and no entry
needs its JSON parsed to be matched.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.engine import Connection

from custodes.alerts.subscriptions import Alert
from custodes.store.schema import alert_deliveries, delta_entries


@dataclass(frozen=True)
class Entry:
    """One delta entry as an alert receives it."""

    version: int
    op: str
    deployment_id: str
    content_hash: str | None
    record: dict[str, Any] | None
    country: str | None
    vendor_id: str | None
    tech: frozenset[str]

    def payload(self) -> dict[str, Any]:
        return {"op": self.op, "id": self.deployment_id, "hash": self.content_hash, "record": self.record}


def parse_tech(value: str | None) -> frozenset[str]:
    """Category ids of an entry: deployments store a JSON list; a ';' or ',' list is read too."""
    if not value:
        return frozenset()
    text = value.strip()
    if text.startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError:
            items = text.strip("[]").split(",")
        return frozenset(str(i).strip().strip('"') for i in items if str(i).strip())
    return frozenset(t.strip() for t in text.replace(";", ",").split(",") if t.strip())


def matches(alert: Alert, entry: Entry) -> bool:
    """True when every filter the alert has agrees with the entry (tech by category membership)."""
    if alert.country and entry.country != alert.country:
        return False
    if alert.vendor_id and entry.vendor_id != alert.vendor_id:
        return False
    return not (alert.tech and alert.tech not in entry.tech)


def _entry(row: Any) -> Entry:
    return Entry(version=row["version"], op=row["op"], deployment_id=row["deployment_id"],
                 content_hash=row["content_hash"], record=json.loads(row["record"]) if row["record"] else None,
                 country=row["country"], vendor_id=row["vendor_id"], tech=parse_tech(row["tech"]))


def entries_due(conn: Connection, alert: Alert) -> dict[int, list[Entry]]:
    """Matching entries of every version after the alert's start that is not delivered or failed,
    by version, oldest first; a pending version (an earlier run's unfinished delivery) is included."""
    settled = (select(alert_deliveries.c.version)
               .where(alert_deliveries.c.alert_pk == alert.pk, alert_deliveries.c.state.in_(("delivered", "failed"))))
    conditions = [delta_entries.c.version > alert.from_version, delta_entries.c.version.not_in(settled)]
    if alert.country:
        conditions.append(delta_entries.c.country == alert.country)
    if alert.vendor_id:
        conditions.append(delta_entries.c.vendor_id == alert.vendor_id)
    query = select(delta_entries).where(and_(*conditions)).order_by(delta_entries.c.version, delta_entries.c.pk)
    out: dict[int, list[Entry]] = {}
    for row in conn.execute(query).mappings():
        entry = _entry(row)
        if matches(alert, entry):
            out.setdefault(entry.version, []).append(entry)
    return out
