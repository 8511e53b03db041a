"""Killing an ingest mid-run must leave a consistent database holding every reported document."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.helpers import synthetic_corpus


def test_sigkill_during_ingest_leaves_consistent_database(tmp_path: Path) -> None:
    corpus = synthetic_corpus(tmp_path / "big.jsonl", 4000)
    db = tmp_path / "k.db"
    env = {**os.environ}
    env.pop("CUSTODES_DB", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "custodes", "ingest", str(corpus), "--db", str(db), "--log-json"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
    )
    reported: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        event = json.loads(line)
        if event["event"] == "stored":
            reported.append(event["document_id"])
        if len(reported) >= 300:
            break
    import psutil

    workers = psutil.Process(proc.pid).children(recursive=True)
    assert workers or (os.cpu_count() or 1) == 1, "ingest uses a worker per core"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert alive == [], "worker processes outlived the killed ingest"

    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    stored = {row[0] for row in con.execute("SELECT id FROM documents")}
    assert set(reported) <= stored
    assert len(stored) < 4000, "the kill came too late to test anything"
    # every stored document is whole: its signature and its full-text entry are there too
    assert con.execute("SELECT count(*) FROM minhash_signatures").fetchone() == (len(stored),)
    assert con.execute("SELECT count(*) FROM documents_fts").fetchone() == (len(stored),)
    con.execute("INSERT INTO documents_fts(documents_fts) VALUES ('integrity-check')")
    con.close()
    # the next command finishes the killed run's work: every claim's deployment exists
    from custodes.store.db import open_database

    with open_database(db).connect() as conn:
        orphans = conn.exec_driver_sql(
            "SELECT count(*) FROM claims WHERE deployment_id NOT IN (SELECT id FROM deployments)").scalar()
        queued = conn.exec_driver_sql("SELECT count(*) FROM stale_deployments").scalar()
        claims = conn.exec_driver_sql("SELECT count(*) FROM claims").scalar()
    assert claims and claims >= len(reported), "the corpus states a deployment in every document"
    assert (orphans, queued) == (0, 0)
