"""Fixtures for the procurement-audit tests: the fixture inventories, one shared auditor, the real
command line in a subprocess, and a real uvicorn server on 127.0.0.1 serving the app with the
audit router mounted."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from custodes.audit.matcher import Auditor
from tests.helpers import LiveServer

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "audit"



def run_audit_cli(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    env.pop("CUSTODES_DB", None)
    return subprocess.run([sys.executable, "-m", "custodes", *args], input=stdin.decode() if stdin else None,
                          capture_output=True, text=True, env=env, cwd=cwd or ROOT, timeout=300)


@pytest.fixture(scope="session")
def auditor() -> Auditor:
    return Auditor()


@pytest.fixture(scope="session")
def audit_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    from custodes.store.db import open_database

    db = tmp_path_factory.mktemp("auditdb") / "custodes.db"
    open_database(db).dispose()  # an empty, migrated database: the audit needs none of its data
    with LiveServer(db) as live:
        yield live
