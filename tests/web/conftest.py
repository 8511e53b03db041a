"""Fixtures for the web tests: a real database built through the real pipeline, and a real
uvicorn server on a free loopback port.

The database is built once per session: the fixture articles (tests/web/fixtures/articles.jsonl,
written for these tests) go through `custodes ingest` exactly as a user's files would, then the
bundled reference datasets are imported with the real importers. A second copy has the dataset
tables dropped, standing in for a database made before migration 0004.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.helpers import LiveServer, free_port, run_cli  # noqa: F401  (re-exported for tests)

FIXTURES = Path(__file__).parent / "fixtures"
ARTICLES = FIXTURES / "articles.jsonl"
DATASET_TABLES = ("dataset_deployments", "dataset_problems", "dataset_statements", "datasets", "countries",
                  "vendors")


def _import_datasets(db: Path) -> bool:
    """Import every bundled dataset with the real importers; False if they are not available."""
    try:
        from custodes.sources.datasets import dataset_names, get_importer
        from custodes.sources.datasets.runner import run_import
    except ImportError:
        return False
    from custodes.store.db import open_database

    engine = open_database(db)
    try:
        for name in dataset_names():
            run_import(engine, get_importer(name))
    finally:
        engine.dispose()
    return True


@pytest.fixture(scope="session")
def built_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("webdb") / "custodes.db"
    result = run_cli("ingest", str(ARTICLES), db=db)
    assert result.returncode == 0, result.stderr
    _import_datasets(db)
    return db


@pytest.fixture(scope="session")
def datasets_imported(built_db: Path) -> bool:
    with sqlite3.connect(built_db) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        return "datasets" in names and conn.execute("SELECT count(*) FROM datasets").fetchone()[0] > 0


@pytest.fixture(scope="session")
def old_db(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same data without the imported-dataset tables (a database from before migration 0004)."""
    db = tmp_path_factory.mktemp("olddb") / "custodes.db"
    with sqlite3.connect(built_db) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
    with sqlite3.connect(db) as conn:
        conn.execute("DROP VIEW IF EXISTS all_deployments")
        for table in DATASET_TABLES:
            conn.execute(f"DROP TABLE IF EXISTS {table}")
        conn.execute("UPDATE alembic_version SET version_num = '0003'")
    return db


@pytest.fixture(scope="session")
def server(built_db: Path) -> Iterator[LiveServer]:
    with LiveServer(built_db) as live:
        yield live


@pytest.fixture(scope="session")
def old_server(old_db: Path) -> Iterator[LiveServer]:
    with LiveServer(old_db) as live:
        yield live


@pytest.fixture
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30, trust_env=False) as c:
        yield c


@pytest.fixture
def copy_db(built_db: Path, tmp_path: Path) -> Path:
    """A private copy of the built database that a test may change."""
    db = tmp_path / "copy.db"
    with sqlite3.connect(built_db) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
    return db

