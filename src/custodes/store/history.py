"""Every version of every claim and deployment, with the interval custodes asserted it in.

A version is the row's values (less `last_seen`, which moves on every run without the assertion
changing). Writing a version closes the open one (`valid_to` = now) unless the values are the
same; removing a row closes its version. "What did custodes assert at time T" is then the
versions with valid_from <= T < valid_to (or valid_to NULL). Timestamps are the ISO-8601 UTC
strings the store writes everywhere, so they compare as text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, and_, insert, select, update
from sqlalchemy.engine import Connection

from custodes.store.schema import claim_history, deployment_history

_VOLATILE = ("pk", "last_seen")


def _data(values: Mapping[str, Any]) -> str:
    return json.dumps({k: v for k, v in values.items() if k not in _VOLATILE}, sort_keys=True, ensure_ascii=False)


def _record(conn: Connection, table: Table, key: str, current: Mapping[str, Mapping[str, Any] | None],
            now: str) -> None:
    if not current:
        return
    col = table.c[key]
    ids = sorted(current)
    open_rows = {r[0]: (r[1], r[2]) for r in conn.execute(
        select(col, table.c.pk, table.c.data).where(and_(col.in_(ids), table.c.valid_to.is_(None))))}
    closes: list[int] = []
    opens: list[dict[str, Any]] = []
    for ident in ids:
        values = current[ident]
        before = open_rows.get(ident)
        data = _data(values) if values is not None else None
        if before is not None and before[1] == data:
            continue
        if before is not None:
            closes.append(before[0])
        if data is not None:
            opens.append({key: ident, "valid_from": now, "valid_to": None, "data": data})
    if closes:
        conn.execute(update(table).where(table.c.pk.in_(closes)).values(valid_to=now))
    if opens:
        conn.execute(insert(table), opens)


def record_claims(conn: Connection, current: Mapping[str, Mapping[str, Any] | None], now: str) -> None:
    """Claims by id as they now stand (None: removed)."""
    _record(conn, claim_history, "claim_id", current, now)


def record_deployments(conn: Connection, current: Mapping[str, Mapping[str, Any] | None], now: str) -> None:
    """Deployments by id as they now stand (None: removed)."""
    _record(conn, deployment_history, "deployment_id", current, now)


def parse_as_of(value: str) -> str:
    """An ISO date (the state at the end of that day, UTC) or date-time (naive = UTC) as the
    store's timestamp text; ValueError names what was wrong."""
    text = value.strip()
    try:
        if len(text) == 10:
            moment = datetime.combine(date.fromisoformat(text) + timedelta(days=1), datetime.min.time(), UTC)
            moment -= timedelta(seconds=1)
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except ValueError as exc:
        raise ValueError(f"--as-of {value!r}: not an ISO date (2026-05-01) or UTC date-time "
                         "(2026-05-01T12:00:00Z)") from exc
    return moment.isoformat(timespec="seconds")


def versions_at(conn: Connection, table: Table, moment: str) -> list[dict[str, Any]]:
    """The values of every row asserted at `moment`."""
    rows = conn.execute(select(table.c.data).where(and_(
        table.c.valid_from <= moment, (table.c.valid_to.is_(None)) | (table.c.valid_to > moment))))
    return [json.loads(r[0]) for r in rows]


def versions_of(conn: Connection, table: Table, key: str, ident: str) -> list[tuple[str, str | None, dict[str, Any]]]:
    """Every version of one row: (valid_from, valid_to, values), oldest first."""
    rows = conn.execute(select(table.c.valid_from, table.c.valid_to, table.c.data)
                        .where(table.c[key] == ident).order_by(table.c.pk))
    return [(r[0], r[1], json.loads(r[2])) for r in rows]
