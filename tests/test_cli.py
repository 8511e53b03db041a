import json
import sqlite3
from pathlib import Path

from tests.conftest import SOURCES
from tests.helpers import run_cli


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip().startswith("custodes 0.")


def test_every_command_has_help_with_an_example() -> None:
    for command in ("ingest", "documents", "show", "stats"):
        result = run_cli(command, "--help")
        assert result.returncode == 0, command
        assert "Example:" in result.stdout, command


def test_ingest_reports_bad_inputs_and_exits_1(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    result = run_cli("ingest", str(SOURCES / "plain.txt"), str(SOURCES / "bad_lines.jsonl"),
                     str(SOURCES / "empty.txt"), str(tmp_path / "nope.txt"), db=db)
    assert result.returncode == 1
    assert "bad_lines.jsonl:2: malformed JSON" in result.stderr
    assert "empty.txt: empty file" in result.stderr
    assert "nope.txt: no such file or folder" in result.stderr
    assert "ingest summary" in result.stdout
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM documents").fetchone() == (3,)


def test_ingest_ok_exits_0_and_documents_show_stats(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    result = run_cli("ingest", str(SOURCES / "plain.txt"), str(SOURCES / "article.html"),
                     "--log-json", db=db)
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert [e["event"] for e in events] == ["stored", "stored", "summary"]
    listed = run_cli("documents", "--json", db=db)
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert {r["title"] for r in rows} == {"Ministry opens video command centre",
                                          "Port city signs deal for camera network"}
    shown = run_cli("show", events[0]["document_id"][:10], db=db)
    assert shown.returncode == 0
    assert "two hundred cameras" in shown.stdout
    hits = json.loads(run_cli("search", "six hundred", "--documents", "--json", db=db).stdout)
    assert [h["document_id"] for h in hits] == [events[1]["document_id"]]
    assert "[six] [hundred]" in hits[0]["snippet"]
    stats = json.loads(run_cli("stats", "--json", db=db).stdout)
    assert stats["documents"] == 2 and stats["by_type"] == {"html": 1, "text": 1}


def test_show_unknown_id_fails_clearly(tmp_path: Path) -> None:
    result = run_cli("show", "doc-nothere", db=tmp_path / "c.db")
    assert result.returncode == 1
    assert "no document with id 'doc-nothere'" in result.stderr


def test_stdin_and_env_database(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "CUSTODES_DB": str(tmp_path / "env.db")}
    proc = subprocess.run([sys.executable, "-m", "custodes", "ingest", "-"],
                          input="Cameras were bought for the harbour.", text=True,
                          capture_output=True, env=env)
    assert proc.returncode == 0, proc.stderr
    con = sqlite3.connect(tmp_path / "env.db")
    assert con.execute("SELECT source FROM documents").fetchall() == [("<stdin>",)]
