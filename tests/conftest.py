"""Shared test helpers: fixture paths and a fresh migrated database per test."""

from __future__ import annotations

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
