"""Where custodes keeps its data, and the limits that protect it from bad input."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DB_FILENAME = "custodes.db"
DB_ENV_VAR = "CUSTODES_DB"
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DB_URL_SCHEMES = ("postgresql://", "postgresql+psycopg://", "postgres://")

DbTarget = Path | str  # a SQLite file, or a PostgreSQL URL (a str only when it is a URL)


def is_database_url(target: str | Path | None) -> bool:
    """A PostgreSQL server rather than a SQLite file: the URL schemes custodes accepts."""
    return isinstance(target, str) and target.startswith(DB_URL_SCHEMES)


def resolve_db_path(explicit: str | Path | None = None) -> DbTarget:
    """`--db` wins, then `$CUSTODES_DB`, then `./custodes.db`; a PostgreSQL URL stays a string."""
    chosen: str | Path | None = explicit or os.environ.get(DB_ENV_VAR) or None
    if chosen is None:
        return Path.cwd() / DEFAULT_DB_FILENAME
    return chosen if is_database_url(chosen) else Path(chosen)
