"""Where custodes keeps its data, and the limits that protect it from bad input."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DB_FILENAME = "custodes.db"
DB_ENV_VAR = "CUSTODES_DB"
DEFAULT_MAX_BYTES = 50 * 1024 * 1024


def resolve_db_path(explicit: str | Path | None = None) -> Path:
    """`--db` wins, then `$CUSTODES_DB`, then `./custodes.db`."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(DB_ENV_VAR)
    if env:
        return Path(env)
    return Path.cwd() / DEFAULT_DB_FILENAME
