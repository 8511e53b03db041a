"""Reading the database as it stood at a past moment.

`as_of(conn, moment)` shadows `deployments` and `claims` on one connection with temporary
tables of the versions asserted at that moment (`custodes.store.history`). SQLite and
PostgreSQL both resolve an unqualified table name to a temporary table first, so every read
query of the index, the exports and the API answers "as of" without a line of its own. Only
reads belong inside the block; the shadows are dropped when it ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Column, MetaData, Table, insert, text
from sqlalchemy.engine import Connection

from custodes.store.history import versions_at
from custodes.store.schema import claim_history, claims, deployment_history, deployments


def _shadow(source: Table, metadata: MetaData) -> Table:
    columns = [Column(c.name, c.type, primary_key=c.primary_key) for c in source.columns]
    return Table(source.name, metadata, *columns, prefixes=["TEMPORARY"])


@contextmanager
def _temp_writes(conn: Connection) -> Iterator[None]:
    """The web app's SQLite handles are `query_only`, which refuses temporary tables too; the
    file itself is opened read-only (`mode=ro`), so lifting the pragma for the temporary
    schema's DDL cannot touch the published data."""
    guarded = conn.dialect.name == "sqlite" and bool(conn.exec_driver_sql("PRAGMA query_only").scalar())
    if guarded:
        conn.exec_driver_sql("PRAGMA query_only=OFF")
    try:
        yield
    finally:
        if guarded:
            conn.exec_driver_sql("PRAGMA query_only=ON")


@contextmanager
def as_of(conn: Connection, moment: str) -> Iterator[None]:
    """Within the block, `deployments` and `claims` are what custodes asserted at `moment`."""
    metadata = MetaData()
    shadows = [(_shadow(deployments, metadata), deployment_history), (_shadow(claims, metadata), claim_history)]
    temp = "temp." if conn.dialect.name == "sqlite" else "pg_temp."
    with _temp_writes(conn):
        for table, history in shadows:
            conn.execute(text(f"DROP TABLE IF EXISTS {temp}{table.name}"))  # left by a broken connection
            table.create(conn)
            rows: list[dict[str, Any]] = versions_at(conn, history, moment)
            names = set(table.c.keys())
            if rows:
                conn.execute(insert(table), [{k: v for k, v in r.items() if k in names} for r in rows])
    try:
        yield
    finally:
        with _temp_writes(conn):
            for table, _ in shadows:
                conn.execute(text(f"DROP TABLE IF EXISTS {temp}{table.name}"))
