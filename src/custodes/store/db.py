"""Opening the database: SQLite in WAL mode by default, always migrated to the newest schema."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def create_sqlite_engine(path: Path) -> Engine:
    """WAL lets readers (the web app, datasette) work while an ingest writes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(sqlite_url(path))

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    return engine


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
        command.upgrade(alembic_config(conn), revision)


def open_database(path: Path, *, migrate: bool = True) -> Engine:
    """The one way the application opens its store.

    It also finishes what a killed run left: deployments queued for recomputation.
    """
    from custodes.store.claims import refresh_stale_deployments

    engine = create_sqlite_engine(path)
    if migrate:
        if current_revision(engine) != head_revision():
            upgrade(engine)
        with engine.begin() as conn:
            refresh_stale_deployments(conn, datetime.now(UTC).isoformat(timespec="seconds"))
    return engine
