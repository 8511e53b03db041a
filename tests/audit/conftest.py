"""Fixtures for the procurement-audit tests: the fixture inventories, one shared auditor, the real
command line in a subprocess, and a real uvicorn server on 127.0.0.1 serving the app with the
audit router mounted."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from custodes.audit.matcher import Auditor

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "audit"

# `custodes` with the audit commands registered: the same as `python -m custodes` once cli.py calls
# cli_audit.register(app), and already true before (register adds each command once).
_CLI = ("import sys; from custodes.cli import app; from custodes import cli_audit; cli_audit.register(app); "
        "sys.argv[0] = 'custodes'; app()")


def run_audit_cli(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    env.pop("CUSTODES_DB", None)
    return subprocess.run([sys.executable, "-c", _CLI, *args], input=stdin.decode() if stdin else None,
                          capture_output=True, text=True, env=env, cwd=cwd or ROOT, timeout=300)


@pytest.fixture(scope="session")
def auditor() -> Auditor:
    return Auditor()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class AuditServer:
    """uvicorn serving the real app (create_app) on a free loopback port, audit router mounted."""

    def __init__(self, db: Path) -> None:
        from custodes.web import audit_api
        from custodes.web.app import create_app

        app = create_app(db)
        if not any(getattr(r, "path", "") == "/api/v1/audit" for r in app.routes):
            app.include_router(audit_api.router, prefix="/api/v1")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    access_log=False))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> AuditServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def audit_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuditServer]:
    from custodes.store.db import open_database

    db = tmp_path_factory.mktemp("auditdb") / "custodes.db"
    open_database(db).dispose()  # an empty, migrated database: the audit needs none of its data
    with AuditServer(db) as live:
        yield live
