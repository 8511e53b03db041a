"""`custodes import` and `custodes index` run as a user would, in a subprocess.

The commands live in custodes.cli_datasets; the runner script below registers them on the main
app the way cli.py does, so these tests do not depend on that one line being there.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.sources.datasets.conftest import DATASETS

ROOT = Path(__file__).resolve().parents[3]
RUNNER = ("import sys; from custodes.cli import app; from custodes.cli_datasets import register; "
          "register(app); sys.exit(app())")


def run(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    env.pop("CUSTODES_DB", None)
    return subprocess.run([sys.executable, "-c", RUNNER, *args, "--db", str(db)], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=300)


def test_help_has_examples(tmp_path: Path) -> None:
    for command in ("import", "index"):
        result = subprocess.run([sys.executable, "-c", RUNNER, command, "--help"], capture_output=True, text=True,
                                cwd=ROOT, env={**os.environ, "COLUMNS": "200"})
        assert result.returncode == 0 and "Example:" in result.stdout, result.stderr


def test_import_all_is_idempotent_and_index_reproduces_aigs(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    first = run("import", "--all", db=db)
    assert first.returncode == 0, first.stderr
    assert "A97" in first.stderr and "UnitElectoral Democracy States of AmeriClosed Autocracy" in first.stderr
    assert "X40:AF40" in first.stderr and "'Mult'" in first.stderr
    again = run("import", "--all", "--json", db=db)
    assert again.returncode == 0
    reports = [json.loads(line) for line in again.stdout.splitlines()]
    assert [r["status"] for r in reports] == ["unchanged"] * 6
    assert {r["dataset"]: r["new"] for r in reports} == dict.fromkeys(
        ("bri-countries", "regime-type", "restricted-vendors", "oem-brands", "aigs-2022", "aiddata-gcdf3"), 0)
    index = run("index", "--source", "aigs2022", "--json", db=db)
    assert index.returncode == 0, index.stderr
    summary = json.loads(index.stdout)["summary"]
    assert summary["countries"] == 97 and summary["chinese_technology_bri_members"] == 53
    csv_out = run("index", "--source", "aigs2022", "--csv", db=db)
    lines = csv_out.stdout.splitlines()
    assert lines[0].startswith("iso3,name,categories") and len(lines) == 98


def test_bad_rows_are_reported_and_exit_1(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    result = run("import", "aiddata-gcdf3", str(DATASETS / "gcdf3_mini.csv"), db=db)
    assert result.returncode == 1
    assert "gcdf3_mini.csv, row 5: commitment_year '20x5' is not a year; row rejected" in result.stderr
    assert "gcdf3_mini.csv, row 6: 18 fields where the header has 19; row rejected" in result.stderr
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM dataset_statements WHERE property = 'project'").fetchone() == (5,)
    assert con.execute("SELECT rejected FROM datasets").fetchone() == (2,)
    xlsx = run("import", "aigs2022", str(DATASETS / "aigs_mini.xlsx"), "--version", "test-1", db=db)
    assert xlsx.returncode == 1
    assert "aigs_mini.xlsx, sheet 'AIGS 2022', row 7, cell A7: country 'Freedonia'" in xlsx.stderr


def test_supersession_from_the_command_line(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    run("import", "aigs-2022", str(DATASETS / "aigs_mini.xlsx"), "--version", "v4", db=db)
    clash = run("import", "aigs-2022", str(DATASETS / "aigs_mini_v5.xlsx"), db=db)
    assert clash.returncode == 2 and "--version" in clash.stderr
    newer = run("import", "aigs-2022", str(DATASETS / "aigs_mini_v5.xlsx"), "--version", "v5", "--json", db=db)
    report = json.loads(newer.stdout)
    assert report["status"] == "imported" and report["superseded"] > 0
    con = sqlite3.connect(db)
    assert con.execute("SELECT version, superseded FROM datasets ORDER BY version").fetchall() == [("v4", 1), ("v5", 0)]


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    assert run("import", db=db).returncode == 2
    unknown = run("import", "aigs2019", db=db)
    assert unknown.returncode == 2 and "unknown dataset" in unknown.stderr
    missing = run("import", "bri-countries", str(tmp_path / "nope.csv"), db=db)
    assert missing.returncode == 2 and "no such file" in missing.stderr
    assert run("index", "--source", "nope", db=db).returncode == 2
