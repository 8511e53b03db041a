"""What differs between SQLite and PostgreSQL, in one place, so that the rest of the store is
written once in SQLAlchemy Core.

PostgreSQL writers are serialised the way SQLite's are: a transaction takes one
database-wide advisory lock at its first write (or when `take_write_lock` asks for it), held
to its end. The store's read-then-write code (claims replaced, deployments refreshed, deltas
planned) was written for SQLite's single writer; the same lock keeps it free of lost updates
on a shared server, while readers never wait.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, Table, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import Boolean, String, Text

WRITE_LOCK_KEY = 0x637573746F646573  # "custodes": the advisory lock all custodes writers share
_LOCK_SQL = f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})"
_WRITES = ("INSERT", "UPDATE", "DELETE")
_LOCKED = "custodes_write_lock"


def psycopg_url(url: str) -> str:
    """The SQLAlchemy URL for psycopg 3, whichever PostgreSQL spelling the user gave."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    raise ValueError(f"not a PostgreSQL URL: {url}")


def create_postgres_engine(url: str, **kwargs: Any) -> Engine:
    """An engine whose write transactions take the custodes write lock at their first write."""
    engine = create_engine(psycopg_url(url), pool_pre_ping=True, **kwargs)

    @event.listens_for(engine, "before_cursor_execute")
    def _lock_before_write(conn, cursor, statement, _params, _context, _many):  # type: ignore[no-untyped-def]
        if not conn.info.get(_LOCKED) and statement.lstrip()[:6].upper() in _WRITES:
            conn.info[_LOCKED] = True
            cursor.execute(_LOCK_SQL)

    for name in ("commit", "rollback", "rollback_savepoint"):
        event.listen(engine, name, _forget_lock)
    return engine


def _forget_lock(conn: Connection, *_args: Any) -> None:
    # a lock first taken inside a savepoint that rolled back is released with it; taking it
    # again while held costs nothing
    conn.info.pop(_LOCKED, None)


def take_postgres_write_lock(conn: Connection) -> None:
    if not conn.info.get(_LOCKED):
        conn.info[_LOCKED] = True
        conn.exec_driver_sql(_LOCK_SQL)


def is_postgres_retryable(exc: BaseException) -> bool:
    """A deadlock or serialisation failure: the transaction rolled back and may run again."""
    code = getattr(getattr(exc, "orig", None), "sqlstate", None)
    return code in ("40001", "40P01")


def insert_for(conn: Connection, table: Table) -> Any:
    """An INSERT that knows ON CONFLICT on this connection's dialect (both spell it alike)."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


class JsonArrayHas(ColumnElement[bool]):
    """`column` (a JSON array of strings, stored as text) has `value` as one of its elements."""

    inherit_cache = False  # the value is an attribute the cache key does not know
    type = Boolean()

    def __init__(self, column: ColumnElement[Any], value: str) -> None:
        self.column = column
        self.value = value


@compiles(JsonArrayHas)
def _json_array_has_sqlite(element: JsonArrayHas, compiler: SQLCompiler, **kw: Any) -> str:
    from sqlalchemy import exists, func, literal, literal_column, select

    each = func.json_each(element.column).table_valued("value")
    found = exists(select(literal_column("1")).select_from(each).where(each.c.value == literal(element.value)))
    return compiler.process(found, **kw)


@compiles(JsonArrayHas, "postgresql")
def _json_array_has_postgres(element: JsonArrayHas, compiler: SQLCompiler, **kw: Any) -> str:
    from sqlalchemy import String, bindparam, cast, func
    from sqlalchemy.dialects.postgresql import JSONB

    has = cast(element.column, JSONB).op("@>")(func.jsonb_build_array(bindparam(None, element.value, String())))
    return compiler.process(has, **kw)


@compiles(String, "postgresql")
def _unbounded_string(element: String, compiler: Any, **kw: Any) -> str:
    """SQLite never enforced the lengths the schema gives strings (String(32) for a date, a
    title's dataset version): on PostgreSQL they are plain VARCHAR too, so the same data fits
    both."""
    return "TEXT" if isinstance(element, Text) else "VARCHAR"
