"""Shared test helpers: fixture paths and a fresh migrated database per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from custodes.store.db import open_database

FIXTURES = Path(__file__).parent / "fixtures"
SOURCES = FIXTURES / "sources"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "custodes.db"


@pytest.fixture
def engine(db_path: Path) -> Engine:
    return open_database(db_path)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The PostgreSQL server URL for this session (see tests/pgserver.py)."""
    from tests.pgserver import REQUIRE_PG_ENV, TEST_PG_ENV, NoServer, throwaway_cluster

    if os.environ.get(TEST_PG_ENV):
        yield os.environ[TEST_PG_ENV]
        return
    try:
        with throwaway_cluster() as url:
            yield url
    except NoServer as exc:
        if os.environ.get(REQUIRE_PG_ENV) == "1":
            pytest.fail(f"PostgreSQL is required here ({REQUIRE_PG_ENV}=1): {exc}")
        pytest.skip(f"no PostgreSQL: {exc}")


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A fresh, empty database on the test server, as a postgresql:// URL."""
    from tests.pgserver import fresh_database

    with fresh_database(pg_server) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same test on both backends: a SQLite file path, or a PostgreSQL URL (as a string)."""
    if request.param == "sqlite":
        return str(tmp_path / "custodes.db")
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def any_engine(any_db: str) -> Engine:
    return open_database(any_db if any_db.startswith("postgresql") else Path(any_db))
