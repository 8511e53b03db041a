"""Conditional requests, read-only access, degraded databases, exports without a row cap."""

from __future__ import annotations

import io
import json
import sqlite3
import time
from pathlib import Path

import httpx
import pytest
import typer
from typer.testing import CliRunner

from custodes.web.store import ReadOnlyStore, StoreError
from tests.web.conftest import LiveServer


def test_etag_and_last_modified_then_304(client: httpx.Client) -> None:
    first = client.get("/api/v1/countries")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert etag.startswith('W/"') and modified.endswith("GMT")
    again = client.get("/api/v1/countries", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    since = client.get("/countries/ECU", headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    stale = client.get("/api/v1/countries", headers={"If-None-Match": 'W/"something-else"'})
    assert stale.status_code == 200


def test_errors_carry_no_validators(client: httpx.Client) -> None:
    r = client.get("/api/v1/countries/XYZ")
    assert r.status_code == 404 and "etag" not in r.headers


def test_etag_changes_when_the_data_changes(copy_db: Path) -> None:
    with LiveServer(copy_db) as live, httpx.Client(base_url=live.url, trust_env=False) as c:
        before = c.get("/api/v1/stats")
        time.sleep(0.01)
        with sqlite3.connect(copy_db) as conn:  # a concurrent ingest, as far as the server can tell
            conn.execute("UPDATE deployments SET year = 2018 WHERE country = 'ECU'")
        after = c.get("/api/v1/stats", headers={"If-None-Match": before.headers["etag"]})
        assert after.status_code == 200
        assert after.headers["etag"] != before.headers["etag"]
        assert c.get("/api/v1/countries/ECU").json()["deployments"][0]["year"] == 2018


def test_store_is_read_only(built_db: Path) -> None:
    store = ReadOnlyStore(built_db)
    with store.connect() as conn, pytest.raises(Exception, match="readonly|read-only|query_only"):
        conn.exec_driver_sql("DELETE FROM deployments")
    with sqlite3.connect(built_db) as conn:
        assert conn.execute("SELECT count(*) FROM deployments").fetchone()[0] == 4


def test_missing_or_foreign_database_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no database"):
        ReadOnlyStore(tmp_path / "absent.db")
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(StoreError, match="custodes stats"):
        ReadOnlyStore(other)


def test_database_without_dataset_tables_still_serves(old_server: LiveServer) -> None:
    with httpx.Client(base_url=old_server.url, trust_env=False) as c:
        body = c.get("/api/v1/countries/ECU").json()
        assert body["deployments"] and body["bri"] is None and body["regime"] is None
        assert body["index"] == {} and body["statements"] == [] and body["datasets"] == []
        vendor = c.get("/api/v1/vendors/hikvision").json()
        assert vendor["restricted"] is None and vendor["oem_brands"] == []
        assert c.get("/api/v1/index").json()["total"] == 0
        assert c.get("/api/v1/vendors").json()["vendors"][0]["restricted"] is None
        for page in ("/", "/countries/ECU", "/vendors/hikvision", "/vendors"):
            r = c.get(page)
            assert r.status_code == 200, page
        assert "not imported" in c.get("/countries/ECU").text


def test_export_has_no_row_cap(copy_db: Path) -> None:
    """More deployments than two keyset batches (500 each) all come out, in every format."""
    with sqlite3.connect(copy_db) as conn:
        conn.row_factory = sqlite3.Row
        dep = dict(conn.execute("SELECT * FROM deployments WHERE country = 'KEN'").fetchone())
        claim = dict(conn.execute("SELECT * FROM claims WHERE country = 'KEN'").fetchone())
        claim.pop("pk")
        deps, claims = [], []
        for i in range(1234):
            deps.append({**dep, "id": f"dep-synthetic-{i:05d}"})
            claims.append({**claim, "id": f"clm-synthetic-{i:05d}", "deployment_id": f"dep-synthetic-{i:05d}"})
        for table, rows in (("deployments", deps), ("claims", claims)):
            cols = list(rows[0])
            conn.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(':' + c for c in cols)})",
                             rows)
    with LiveServer(copy_db) as live, httpx.Client(base_url=live.url, trust_env=False, timeout=60) as c:
        lines = c.get("/api/v1/export/deployments.jsonl").text.splitlines()
        assert len(lines) == 1238 == len({json.loads(line)["id"] for line in lines})
        assert len(c.get("/api/v1/export/deployments.geojson").json()["features"]) == 1238
        csv_lines = c.get("/api/v1/export/deployments.csv?country=KEN").text.splitlines()
        assert len(csv_lines) == 1 + 1235
        import pyarrow.parquet as pq

        table = pq.read_table(io.BytesIO(c.get("/api/v1/export/deployments.parquet").content))
        assert table.num_rows == 1238
        page = c.get("/api/v1/deployments?limit=500&country=KEN").json()
        assert page["total"] == 1235 and len(page["items"]) == 500 and page["next_cursor"]


def test_serve_command_help_has_an_example() -> None:
    from custodes.cli_web import register

    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """custodes"""

    register(app)
    result = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert result.exit_code == 0
    assert "--port" in result.output and "--host" in result.output and "--db" in result.output
    assert "custodes serve --db" in result.output


def test_serve_command_refuses_a_missing_database(tmp_path: Path) -> None:
    from custodes.cli_web import register

    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """custodes"""

    register(app)
    result = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2
