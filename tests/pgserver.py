"""A PostgreSQL server for the tests: `$CUSTODES_TEST_PG` if set, else a throwaway cluster
started from Debian's binaries for the test session, else none (the PostgreSQL tests skip,
unless CUSTODES_REQUIRE_PG=1, as in CI, makes that a failure).

Each test gets a database of its own, made from template0 with the C collation so that text
sorts byte-wise, as SQLite sorts it.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.helpers import free_port

TEST_PG_ENV = "CUSTODES_TEST_PG"
REQUIRE_PG_ENV = "CUSTODES_REQUIRE_PG"


class NoServer(RuntimeError):
    """No PostgreSQL to test against here."""


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


def _as_server_user(cmd: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: root runs them as the `postgres` user."""
    if os.geteuid() != 0:
        return cmd
    if shutil.which("runuser") is None:
        raise NoServer("running as root without runuser: cannot start PostgreSQL as another user")
    return ["runuser", "-u", "postgres", "--", *cmd]


@contextmanager
def throwaway_cluster() -> Iterator[str]:
    """A cluster in a temporary folder on a free loopback port, stopped and removed at the end."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        raise NoServer("no PostgreSQL binaries under /usr/lib/postgresql (apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="custodes-pg-"))
    data = root / "data"
    try:
        if os.geteuid() == 0:
            shutil.chown(root, "postgres")
        subprocess.run(_as_server_user([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                                        "-E", "UTF8", "--locale=C"]), check=True, capture_output=True)
        port = free_port()
        options = (f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
                   "-c full_page_writes=off -c max_connections=200")
        subprocess.run(_as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"),
                                        "-o", options, "-w", "start"]), check=True, capture_output=True)
        try:
            yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
        finally:
            subprocess.run(_as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                           capture_output=True)
    except subprocess.CalledProcessError as exc:
        raise NoServer(f"could not start PostgreSQL: {exc.stderr.decode(errors='replace')[-500:]}") from exc
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _with_database(url: str, name: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


@contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the server (dropped afterwards); yields its URL."""
    from sqlalchemy import create_engine, text

    from custodes.store.dialect import psycopg_url

    name = f"custodes_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(psycopg_url(server_url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' "
                              "LC_COLLATE 'C' LC_CTYPE 'C'"))
        yield _with_database(server_url, name)
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    finally:
        admin.dispose()
