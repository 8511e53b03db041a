"""Parallel ingest stores exactly what one process stores; concurrent writers wait, not fail."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from custodes.analyse import EXTRACTION, after_run
from custodes.config import DEFAULT_MAX_BYTES
from custodes.ingest import SMALL_INPUT, Analysis, IngestEvent, Ingestor, _document_estimate
from custodes.sources import plan_inputs
from custodes.store.db import open_database
from tests.helpers import ROOT, synthetic_corpus

TIMESTAMPS = {"ingested_at", "first_seen", "last_seen", "extracted_at", "pk"}


def corpus_with_duplicates(path: Path, n: int, start: int = 0) -> Path:
    """n documents of the synthetic corpus from `start` on, plus near-duplicates of some of them
    and one exact copy."""
    lines = synthetic_corpus(path, start + n).read_text(encoding="utf-8").splitlines()
    docs = [json.loads(line) for line in lines[start:]]
    copies = [{"id": f"nd{i}", "text": docs[i]["text"].replace("installed", "deployed") + " Syndicated."}
              for i in range(0, n, 9)]
    exact = [{"id": "again", "text": docs[3]["text"]}]
    mixed = docs[: n // 2] + copies + docs[n // 2:] + exact
    path.write_text("".join(json.dumps(d) + "\n" for d in mixed), encoding="utf-8")
    return path


def ingest(db: Path, corpus: Path, workers: int) -> list[IngestEvent]:
    engine = open_database(db)
    events: list[IngestEvent] = []
    Ingestor(engine, max_bytes=DEFAULT_MAX_BYTES, analysis=EXTRACTION, after_run=after_run).run(
        plan_inputs([str(corpus)]), events.append, workers=workers)
    return events


def rows(engine: Engine, table: str, order: str) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        result = conn.exec_driver_sql(f"SELECT * FROM {table} ORDER BY {order}").mappings().all()
    return [{k: v for k, v in row.items() if k not in TIMESTAMPS} for row in result]


def test_two_workers_store_exactly_what_one_stores(tmp_path: Path) -> None:
    corpus = corpus_with_duplicates(tmp_path / "c.jsonl", 150)
    assert _document_estimate(plan_inputs([str(corpus)])) >= SMALL_INPUT  # the pool is used
    one = ingest(tmp_path / "one.db", corpus, workers=1)
    two = ingest(tmp_path / "two.db", corpus, workers=2)
    assert [e.to_dict() for e in one] == [e.to_dict() for e in two]  # same events, same order
    kinds = [e.kind for e in one]
    assert kinds.count("near_duplicate") == 17 and kinds.count("unchanged") == 1
    a, b = open_database(tmp_path / "one.db"), open_database(tmp_path / "two.db")
    for table, order in (("documents", "pk"), ("minhash_signatures", "document_id"),
                         ("claims", "id"), ("deployments", "id"),
                         ("mentions", "document_id, start, kind, value"),
                         ("document_extractions", "document_id")):
        left, right = rows(a, table, order), rows(b, table, order)
        assert left, table
        assert left == right, table
    groups = {r["group_id"] for r in rows(a, "documents", "pk")}
    assert len(groups) == 150  # each near-duplicate joined its original's group


def test_an_unchanged_input_costs_no_extraction(tmp_path: Path) -> None:
    corpus = corpus_with_duplicates(tmp_path / "c.jsonl", 60)
    ingest(tmp_path / "x.db", corpus, workers=2)
    again = ingest(tmp_path / "x.db", corpus, workers=2)
    assert {e.kind for e in again} == {"unchanged"}


READER = """
import sys, time
from pathlib import Path
from custodes.store.db import open_database
engine = open_database(Path(sys.argv[1]), migrate=False)
stop = Path(sys.argv[2])
reads = 0
while not stop.exists():
    with engine.connect() as conn:
        conn.exec_driver_sql("SELECT count(*) FROM documents").scalar()
        conn.exec_driver_sql("SELECT count(*) FROM claims c JOIN documents d ON d.id = c.document_id").scalar()
        conn.exec_driver_sql("SELECT * FROM deployments ORDER BY confidence DESC LIMIT 20").all()
    reads += 1
    time.sleep(0.01)
print(reads)
"""


def test_two_concurrent_ingests_and_a_reader(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    open_database(db)  # migrated once, before the writers start
    first = corpus_with_duplicates(tmp_path / "first.jsonl", 300)
    second = corpus_with_duplicates(tmp_path / "second.jsonl", 300, start=300)  # no near-duplicates of first
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("CUSTODES_DB", None)
    stop = tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(db), str(stop)], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    writers = [subprocess.Popen([sys.executable, "-m", "custodes", "ingest", str(path), "--db", str(db),
                                 "--workers", "2", "--log-json"], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for path in (first, second)]
    outputs = [w.communicate(timeout=600) for w in writers]
    time.sleep(0.2)
    stop.touch()
    reads, reader_err = reader.communicate(timeout=60)
    for proc, (out, err) in zip(writers, outputs, strict=True):
        assert proc.returncode == 0, err
        assert "locked" not in err and "locked" not in out
    assert reader.returncode == 0, reader_err
    assert int(reads) > 10
    # the same inputs ingested one after the other, for comparison
    alone = tmp_path / "alone.db"
    ingest(alone, first, workers=1)
    ingest(alone, second, workers=1)
    shared, sequential = open_database(db), open_database(alone)
    assert len(rows(shared, "documents", "id")) == 2 * (300 + 34)
    assert rows(shared, "claims", "id") == rows(sequential, "claims", "id")
    assert rows(shared, "deployments", "id") == rows(sequential, "deployments", "id")
    with shared.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM stale_deployments").scalar() == 0
        assert conn.exec_driver_sql(
            "SELECT count(*) FROM claims WHERE deployment_id NOT IN (SELECT id FROM deployments)").scalar() == 0


def _count_words(text: str, extra: dict[str, Any]) -> int:
    return len(text.split())


def _store_or_refuse(conn: Any, doc: Any, words: int) -> None:
    if "refuse-me" in doc.text:  # after the document's row was written in this batch
        raise ValueError("refused by the test")


REFUSING = Analysis(compute=_count_words, store=_store_or_refuse)


def test_a_document_failing_mid_batch_leaves_nothing_and_the_rest_is_stored(tmp_path: Path) -> None:
    corpus = corpus_with_duplicates(tmp_path / "c.jsonl", 80)
    lines = corpus.read_text(encoding="utf-8").splitlines()
    lines.insert(5, json.dumps({"id": "bad", "text": "This one says refuse-me and is long enough to keep."}))
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for workers in (1, 2):
        engine = open_database(tmp_path / f"{workers}.db")
        events: list[IngestEvent] = []
        Ingestor(engine, max_bytes=DEFAULT_MAX_BYTES, analysis=REFUSING).run(
            plan_inputs([str(corpus)]), events.append, workers=workers)
        failed = [e for e in events if e.kind == "failed"]
        assert [(e.locator.rsplit(":", 1)[-1], e.reason) for e in failed] == [
            ("6", "could not store: refused by the test")]
        with engine.connect() as conn:
            stored = conn.exec_driver_sql("SELECT count(*) FROM documents").scalar()
            refused = conn.exec_driver_sql("SELECT count(*) FROM documents WHERE text LIKE '%refuse-me%'").scalar()
            signatures = conn.exec_driver_sql("SELECT count(*) FROM minhash_signatures").scalar()
        assert (stored, refused, signatures) == (80 + 9, 0, 80 + 9)
