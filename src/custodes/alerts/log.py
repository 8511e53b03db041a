"""The delivery log: one row per (alert, delta version), read for listings and reset for retries."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection

from custodes.alerts.subscriptions import get_alert
from custodes.store.schema import alert_deliveries, alerts

STATES = ("pending", "delivered", "failed")


@dataclass(frozen=True)
class LogRow:
    """What happened to one delta version for one alert."""

    alert: int
    target: str
    version: int
    entries: int
    state: str
    attempts: int
    last_attempt_at: str | None
    last_error: str | None
    delivered_at: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class AlertStats:
    """Per-alert counts of the log, for `alerts list`."""

    delivered: int = 0
    failed: int = 0
    pending: int = 0
    last_delivered_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def delivery_log(conn: Connection, alert_id: str | int | None = None) -> list[LogRow]:
    """The log, newest version first; one alert's only when an id is given."""
    target = func.coalesce(alerts.c.webhook, alerts.c.file_path, "")
    query = (select(alert_deliveries, target.label("target"))
             .join(alerts, alerts.c.pk == alert_deliveries.c.alert_pk)
             .order_by(alert_deliveries.c.version.desc(), alert_deliveries.c.alert_pk))
    if alert_id is not None:
        query = query.where(alert_deliveries.c.alert_pk == get_alert(conn, alert_id).pk)
    return [LogRow(alert=r["alert_pk"], target=r["target"], version=r["version"], entries=r["entries"],
                   state=r["state"], attempts=r["attempts"], last_attempt_at=r["last_attempt_at"],
                   last_error=r["last_error"], delivered_at=r["delivered_at"])
            for r in conn.execute(query).mappings()]


def alert_stats(conn: Connection) -> dict[int, AlertStats]:
    """Delivered, failed and pending versions and the last delivery time, per alert id."""
    query = (select(alert_deliveries.c.alert_pk, alert_deliveries.c.state, func.count(),
                    func.max(alert_deliveries.c.delivered_at))
             .group_by(alert_deliveries.c.alert_pk, alert_deliveries.c.state))
    counts: dict[int, dict[str, Any]] = {}
    for pk, state, count, last in conn.execute(query):
        entry = counts.setdefault(int(pk), {"last_delivered_at": None})
        entry[state] = int(count)
        if state == "delivered":
            entry["last_delivered_at"] = last
    return {pk: AlertStats(**{k: v for k, v in c.items() if k in ("last_delivered_at", *STATES)})
            for pk, c in counts.items()}


def retry_failed(conn: Connection, alert_id: str | int) -> int:
    """Make an alert's failed deliveries pending again with a fresh set of attempts; how many."""
    alert = get_alert(conn, alert_id)
    result = conn.execute(update(alert_deliveries)
                          .where(alert_deliveries.c.alert_pk == alert.pk, alert_deliveries.c.state == "failed")
                          .values(state="pending", attempts=0))
    return int(result.rowcount)
