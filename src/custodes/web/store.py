"""The web app's read-only view of the database, and the data version behind its ETags.

The server must never change the record it publishes, so SQLite is opened with `mode=ro` and
`PRAGMA query_only=ON` (belt and braces: the second catches a writable handle slipping in).
It does not migrate either: a database from an older custodes is refused with a message
saying which command upgrades it.

The data version is read from the file system, not from SQL: every commit in WAL mode changes
the -wal file's size or mtime, and a checkpoint changes the main file's, so two stat() calls
tell whether anything may have changed, at a cost far below any query.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection

REQUIRED_TABLES = ("documents", "claims", "deployments", "claims_fts")


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

    def __init__(self, path: Path, *, code_token: str = "") -> None:
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
