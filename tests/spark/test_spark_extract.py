"""`custodes spark extract` in local[2] mode, then `custodes load`, stores exactly what
`custodes ingest --workers 1` stores from the same input: documents and their near-duplicate
groups, signatures, claims, mentions and deployments (timestamps aside).

Real Spark, real Java: the tests skip when PySpark or java is missing, unless
CUSTODES_REQUIRE_SPARK=1 (set in CI) makes that a failure.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from custodes.spark.load import load_output
from custodes.store.db import open_database
from tests.helpers import ROOT, run_cli
from tests.test_parallel_ingest import corpus_with_duplicates, rows

TABLES = (("documents", "pk"), ("minhash_signatures", "document_id"), ("claims", "id"),
          ("deployments", "id"), ("mentions", "document_id, start, kind, value"),
          ("document_extractions", "document_id"))
TIMESTAMPS = {"first_seen", "last_seen"}


def _require_spark() -> None:
    missing = []
    try:
        import pyspark  # noqa: F401
    except ImportError:
        missing.append("pyspark (pip install 'custodes[spark]')")
    if shutil.which("java") is None:
        missing.append("java (apt-get install default-jre-headless)")
    if missing:
        if os.environ.get("CUSTODES_REQUIRE_SPARK") == "1":
            pytest.fail(f"not installed: {', '.join(missing)}")
        pytest.skip(f"not installed: {', '.join(missing)}")


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    _require_spark()
    from custodes.spark.session import create_session

    session = create_session("local[2]")
    try:
        yield session
    finally:
        session.stop()


def mixed_corpus(path: Path) -> Path:
    """The parallel-ingest corpus (near-duplicates, an exact copy) with the sample articles
    (several countries and suppliers), a malformed line and a line with no text."""
    corpus = corpus_with_duplicates(path, 150).read_text(encoding="utf-8").splitlines()
    sample = (ROOT / "src" / "custodes" / "sample" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    lines = corpus[:40] + [s for s in sample if s.strip()] + ["{not json", json.dumps({"text": "  "})] + corpus[40:]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def assert_same_database(a: Path, b: Path, ignore: frozenset[str] = frozenset()) -> None:
    left_db, right_db = open_database(a), open_database(b)
    for table, order in TABLES:
        left = [{k: v for k, v in r.items() if k not in ignore} for r in rows(left_db, table, order)]
        right = [{k: v for k, v in r.items() if k not in ignore} for r in rows(right_db, table, order)]
        assert left, table
        assert left == right, table


def parquet_rows(folder: Path) -> list[dict[str, Any]]:
    return [row for part in sorted(folder.glob("*.parquet")) for row in pq.read_table(part).to_pylist()]


def test_spark_extract_and_load_equal_a_single_machine_ingest(tmp_path: Path) -> None:
    _require_spark()
    corpus = mixed_corpus(tmp_path / "corpus.jsonl")
    ingested = run_cli("ingest", str(corpus), "--workers", "1", "--log-json", db=tmp_path / "a.db")
    events = [json.loads(line) for line in ingested.stdout.splitlines() if line.startswith("{")]
    kinds = [e["event"] for e in events]
    assert kinds.count("near_duplicate") == 17 and kinds.count("unchanged") == 1 and kinds.count("failed") == 2
    out = tmp_path / "out"
    extracted = run_cli("spark", "extract", str(corpus), "--out", str(out), "--master", "local[2]")
    assert extracted.returncode == 1, extracted.stderr  # the two bad lines, as ingest exits
    assert "│    " in extracted.stdout and "17 │" in extracted.stdout
    loaded = run_cli("load", str(out), db=tmp_path / "b.db")
    assert loaded.returncode == 0, loaded.stderr
    assert_same_database(tmp_path / "a.db", tmp_path / "b.db")

    failures = parquet_rows(out / "failures")
    failed = [e for e in events if e["event"] == "failed"]
    assert [(f["locator"], f["reason"]) for f in failures] == [(e["locator"], e["reason"]) for e in failed]
    stored = rows(open_database(tmp_path / "a.db"), "deployments", "id")
    written = sorted(parquet_rows(out / "deployments"), key=lambda r: r["id"])
    assert len({r["country"] for r in stored}) > 5
    assert [{k: v for k, v in r.items() if k not in TIMESTAMPS} for r in written] == \
           [{k: v for k, v in r.items() if k not in TIMESTAMPS} for r in stored]

    again = run_cli("load", str(out), db=tmp_path / "b.db")
    assert again.returncode == 0 and "loaded 0 documents" in again.stdout, again.stdout
    assert_same_database(tmp_path / "a.db", tmp_path / "b.db")


def test_parquet_input_equals_its_json_lines(tmp_path: Path, spark: Any) -> None:
    from custodes.spark.job import run_extract

    docs = [json.loads(line) for line in corpus_with_duplicates(tmp_path / "c.jsonl", 30).read_text().splitlines()]
    for i, doc in enumerate(docs):
        doc.update(title=f"Report {i}", date="2021-03-04", url=f"https://example.org/{i}", desk="world")
    (tmp_path / "c.jsonl").write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    pq.write_table(pa.Table.from_pylist(docs), tmp_path / "c.parquet", row_group_size=7)
    run_cli("ingest", str(tmp_path / "c.jsonl"), "--workers", "1", db=tmp_path / "a.db")
    summary = run_extract(spark, [str(tmp_path / "c.parquet")], str(tmp_path / "out"))
    assert (summary.stored, summary.near_duplicate, summary.unchanged) == (30, 4, 1)
    load_output(open_database(tmp_path / "b.db"), tmp_path / "out")
    assert_same_database(tmp_path / "a.db", tmp_path / "b.db", ignore=frozenset({"source"}))
    first = rows(open_database(tmp_path / "b.db"), "documents", "pk")[0]
    assert first["source"] == str(tmp_path / "c.parquet") and '"desk": "world"' in first["extra"]


def test_text_files_equal_the_text_reader(tmp_path: Path, spark: Any) -> None:
    from custodes.spark.job import run_extract

    folder = tmp_path / "docs"
    (folder / "b").mkdir(parents=True)
    texts = [json.loads(line)["text"] for line in
             corpus_with_duplicates(tmp_path / "c.jsonl", 12).read_text().splitlines()]
    for i, text in enumerate(texts):
        name = folder / ("b" if i % 2 else "") / f"{i:02d}.{'md' if i % 3 else 'txt'}"
        name.write_text(f"---\ntitle: Note {i}\ndate: 2020-01-0{i % 9 + 1}\n---\n{text}\n" if i % 3 else text,
                        encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / ".hidden.txt").write_text("Hidden. " * 20, encoding="utf-8")
    (folder / "notes.csv").write_text("a,b\n", encoding="utf-8")
    run_cli("ingest", str(folder), "--workers", "1", db=tmp_path / "a.db")
    summary = run_extract(spark, [str(folder)], str(tmp_path / "out"), input_format="text")
    assert (summary.failed, summary.skipped, summary.near_duplicate, summary.unchanged) == (1, 1, 2, 1)
    load_output(open_database(tmp_path / "b.db"), tmp_path / "out")
    assert_same_database(tmp_path / "a.db", tmp_path / "b.db")
