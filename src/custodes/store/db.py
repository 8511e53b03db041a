"""Opening the database: SQLite in WAL mode by default, or a PostgreSQL server given by URL;
always migrated to the newest schema."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError

from custodes.config import DbTarget, is_database_url
from custodes.store.dialect import create_postgres_engine, is_postgres_retryable, take_postgres_write_lock

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
BUSY_TIMEOUT_MS = 10_000
LOCKED_ATTEMPTS = 6  # with the busy timeout, a writer waits about a minute before it gives up
T = TypeVar("T")


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def create_sqlite_engine(path: Path) -> Engine:
    """WAL lets readers (the web app, datasette) work while an ingest writes.

    Write transactions begin IMMEDIATE: the write lock is taken when the transaction starts,
    where SQLite's busy timeout makes a second writer wait. A DEFERRED transaction that read
    first and then writes would instead fail at once ("database is locked") when another
    writer got in between, as waiting cannot make its snapshot current.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(sqlite_url(path))

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()
        # the driver begins a transaction before the first INSERT/UPDATE/DELETE: make it IMMEDIATE
        dbapi_conn.isolation_level = "IMMEDIATE"

    return engine


def take_write_lock(conn: Connection) -> None:
    """Begin the write transaction now, so what this transaction reads next is what it writes
    over: no other writer can commit in between. The caller owns the transaction."""
    if conn.dialect.name == "postgresql":
        take_postgres_write_lock(conn)
        return
    dbapi = conn.connection.dbapi_connection
    if dbapi is not None and not getattr(dbapi, "in_transaction", True):
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def is_locked(exc: BaseException) -> bool:
    """SQLite's answer when another writer held the lock for longer than the busy timeout (or
    PostgreSQL's when it rolled a transaction back to break a deadlock)."""
    text = str(getattr(exc, "orig", exc))
    return isinstance(exc, OperationalError) and ("database is locked" in text or "database is busy" in text
                                                  or is_postgres_retryable(exc))


def retry_when_locked(unit: Callable[[], T], *, attempts: int = LOCKED_ATTEMPTS, pause: float = 0.2) -> T:
    """Run a unit of work (one transaction) again while another writer keeps the database locked.

    A unit that failed this way wrote nothing (its transaction rolled back), so running it again
    is safe; only the last attempt's error reaches the caller.
    """
    for attempt in range(1, attempts + 1):
        try:
            return unit()
        except OperationalError as exc:
            if attempt == attempts or not is_locked(exc):
                raise
            time.sleep(pause * attempt)
    raise AssertionError("unreachable")


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision`; a database from an older version upgrades in place."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            take_write_lock(conn)  # two processes opening a new database: one migrates, the other waits
        command.upgrade(alembic_config(conn), revision)


def create_store_engine(target: DbTarget) -> Engine:
    """SQLite for a file path, PostgreSQL (psycopg 3) for a postgresql:// URL."""
    if is_database_url(target):
        return create_postgres_engine(str(target))
    return create_sqlite_engine(Path(target))


def open_database(path: DbTarget, *, migrate: bool = True) -> Engine:
    """The one way the application opens its store: a SQLite file or a PostgreSQL URL.

    It also finishes what a killed run left: deployments queued for recomputation.
    """
    from custodes.store.claims import refresh_stale_deployments

    engine = create_store_engine(path)
    if migrate:
        if current_revision(engine) != head_revision():
            upgrade(engine)
        with engine.begin() as conn:
            refresh_stale_deployments(conn, datetime.now(UTC).isoformat(timespec="seconds"))
    return engine
