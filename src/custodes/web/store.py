"""The web app's read-only view of the database, and the data version behind its ETags.

The server must never change the record it publishes, so SQLite is opened with `mode=ro` and
`PRAGMA query_only=ON` (belt and braces: the second catches a writable handle slipping in).
It does not migrate either: a database from an older custodes is refused with a message
saying which command upgrades it.

The data version is read from the file system, not from SQL: every commit in WAL mode changes
the -wal file's size or mtime, and a checkpoint changes the main file's, so two stat() calls
tell whether anything may have changed, at a cost far below any query.

A PostgreSQL URL is served too: the tables are listed through SQLAlchemy's inspector, and the
data version is the server's WAL position, which moves with every committed write. Serve it
under a role that may only SELECT (and make temporary tables, which `--as-of` reads use).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import Connection

from custodes.config import is_database_url
from custodes.store.dialect import create_postgres_engine

REQUIRED_TABLES = ("documents", "claims", "deployments", "claims_fts")
POSTGRES_REQUIRED_TABLES = ("documents", "claims", "deployments")  # search is a GIN index there


class StoreError(RuntimeError):
    """The database cannot be served (missing, unreadable, or not at the current schema)."""


@dataclass(frozen=True)
class DataVersion:
    token: str
    last_modified: datetime

    @property
    def etag(self) -> str:
        return f'W/"{self.token}"'


def readonly_engine(path: Path) -> Engine:
    """An engine whose every connection is read-only at the SQLite level."""
    url = f"sqlite:///file:{quote(str(path))}?mode=ro&uri=true"
    engine = create_engine(url, pool_size=8, max_overflow=16)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA query_only=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    return engine


class ReadOnlyStore:
    """One database file served read-only; cheap to ask for its current data version."""

    def __init__(self, path: Path | str, *, code_token: str = "") -> None:
        self.url = str(path) if is_database_url(path) else None
        self.path = Path(path).resolve() if self.url is None else Path(".")
        self._code_token = code_token
        if self.url is not None:
            self._open_server(self.url)
            return
        self.path = Path(path).resolve()
        if not self.path.is_file():
            raise StoreError(f"no database at {self.path}; create one with `custodes demo --db {self.path}` "
                             "or `custodes ingest FILES --db PATH`")
        self.engine = readonly_engine(self.path)
        self._code_token = code_token
        self.tables = self._tables()
        missing = [t for t in REQUIRED_TABLES if t not in self.tables]
        if missing:
            raise StoreError(f"{self.path} lacks table(s) {', '.join(missing)}: it is not at the current schema. "
                             f"Upgrade it once with `custodes stats --db {self.path}`.")

    def _open_server(self, url: str) -> None:
        self.engine = create_postgres_engine(url, pool_size=8, max_overflow=16)
        try:
            inspector = inspect(self.engine)
            self.tables = frozenset([*inspector.get_table_names(), *inspector.get_view_names()])
        except Exception as exc:
            raise StoreError(f"cannot read {url} as a custodes database: {exc}") from exc
        missing = [t for t in POSTGRES_REQUIRED_TABLES if t not in self.tables]
        if missing:
            raise StoreError(f"{url} lacks table(s) {', '.join(missing)}: it is not at the current schema. "
                             f"Upgrade it once with `custodes stats --db URL`.")
        self._server_seen: tuple[str, datetime] | None = None

    def _server_version(self) -> DataVersion:
        with self.engine.connect() as conn:
            lsn = str(conn.execute(text("SELECT pg_current_wal_lsn()::text")).scalar_one())
        if self._server_seen is None or self._server_seen[0] != lsn:
            self._server_seen = (lsn, datetime.now(UTC).replace(microsecond=0))
        token = hashlib.blake2b(f"{self._code_token}|{lsn}".encode(), digest_size=10).hexdigest()
        return DataVersion(token, self._server_seen[1])

    def _tables(self) -> frozenset[str]:
        try:
            with self.engine.connect() as conn:
                names = conn.execute(text("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"))
                return frozenset(str(n) for n in names.scalars())
        except Exception as exc:  # sqlite3 raises several kinds for "not a database"
            raise StoreError(f"cannot read {self.path} as a custodes database: {exc}") from exc

    def has_table(self, name: str) -> bool:
        return name in self.tables

    def connect(self) -> Connection:
        return self.engine.connect()

    def version(self) -> DataVersion:
        """Changes whenever a write may have changed the data (or the app's own code changed)."""
        if self.url is not None:
            return self._server_version()
        parts = [self._code_token]
        newest = 0
        for suffix in ("", "-wal"):
            try:
                st = os.stat(f"{self.path}{suffix}")
            except FileNotFoundError:
                parts.append("-")
                continue
            parts.append(f"{st.st_mtime_ns}:{st.st_size}")
            newest = max(newest, st.st_mtime_ns)
        token = hashlib.blake2b("|".join(parts).encode(), digest_size=10).hexdigest()
        modified = datetime.fromtimestamp(newest // 1_000_000_000, tz=UTC)
        return DataVersion(token, modified)
