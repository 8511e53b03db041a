"""The record commands on a database built by `custodes demo` from the bundled sample corpus."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from custodes.sample import ARTICLES
from tests.helpers import run_cli


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    result = run_cli("demo", db=db)
    assert result.returncode == 0, result.stderr
    assert "countries with deployments" in result.stdout
    return db


def test_countries_lists_suppliers_and_sources(demo_db: Path) -> None:
    rows = {r["iso3"]: r for r in json.loads(run_cli("countries", "--json", db=demo_db).stdout)}
    assert "Huawei" in rows["ECU"]["suppliers"]
    assert rows["ECU"]["sources"] >= 1
    assert "facial_recognition" in rows["ZWE"]["categories"]


def test_country_profile_by_name_has_evidence_with_offsets_and_urls(demo_db: Path) -> None:
    result = run_cli("country", "Ecuador", "--json", db=demo_db)
    assert result.returncode == 0, result.stderr
    profile = json.loads(result.stdout)
    assert profile["iso3"] == "ECU"
    texts = {json.loads(line)["id"]: json.loads(line)["text"]
             for line in ARTICLES.read_text().splitlines()}
    con = sqlite3.connect(demo_db)
    for dep in profile["deployments"]:
        assert dep["evidence"], dep
        for ev in dep["evidence"]:
            stored = con.execute("SELECT text FROM documents WHERE id = ?", (ev["document_id"],)).fetchone()[0]
            quoted = " ".join(stored[start:end] for start, end in ev["spans"])
            assert quoted == ev["text"]
            assert (ev["start"], ev["end"]) == (ev["spans"][0][0], ev["spans"][-1][1])
    assert any("ECU-911" in t or "ECU 911" in t for t in texts.values())
    human = run_cli("country", "ECU", db=demo_db).stdout
    assert "Ecuador" in human and "“" in human


def test_vendor_profile_resolves_legal_name(demo_db: Path) -> None:
    result = run_cli("vendor", "Huawei Technologies Co., Ltd.", "--json", db=demo_db)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["vendor"]["name"] == "Huawei"
    assert {"KEN", "PAK"} <= {d["country"] for d in data["deployments"]}


def test_unknown_country_and_vendor_fail_clearly(demo_db: Path) -> None:
    bad = run_cli("country", "Atlantis", db=demo_db)
    assert bad.returncode == 2 and "unknown country 'Atlantis'" in bad.stderr
    bad = run_cli("vendor", "Nonexistent Widgets", db=demo_db)
    assert bad.returncode == 2 and "Nonexistent Widgets" in bad.stderr


def test_search_over_evidence(demo_db: Path) -> None:
    hits = json.loads(run_cli("search", "safe city", "--json", db=demo_db).stdout)
    assert hits and all("[" in h["snippet"] for h in hits)
    # FTS syntax in user input is quoted, not interpreted
    assert run_cli("search", 'NEAR( "', db=demo_db).returncode == 0


def test_exports_agree(demo_db: Path, tmp_path: Path) -> None:
    deployments = int(sqlite3.connect(demo_db).execute("SELECT count(*) FROM deployments").fetchone()[0])
    claims = int(sqlite3.connect(demo_db).execute("SELECT count(*) FROM claims").fetchone()[0])
    jsonl = run_cli("export", "--format", "jsonl", db=demo_db).stdout.splitlines()
    assert len(jsonl) == deployments
    assert all(json.loads(line)["evidence"] for line in jsonl)
    rows = list(csv.DictReader(io.StringIO(run_cli("export", "--format", "csv", db=demo_db).stdout)))
    assert len(rows) == claims and rows[0]["evidence"]
    out = tmp_path / "d.parquet"
    assert run_cli("export", "--format", "parquet", "--out", str(out), db=demo_db).returncode == 0
    assert pq.read_table(out).num_rows == claims
    assert run_cli("export", "--format", "xml", db=demo_db).returncode == 2


def test_every_claim_says_how_sure_it_is_of_its_technologies_and_status(demo_db: Path) -> None:
    con = sqlite3.connect(demo_db)
    stored = con.execute("SELECT tech, tech_confidence, status_confidence FROM claims").fetchall()
    assert stored
    for tech, tech_confidence, status_confidence in stored:
        probabilities = json.loads(tech_confidence)
        assert set(probabilities) == set(json.loads(tech))
        assert all(0 < p < 1 for p in probabilities.values()) and 0 < status_confidence < 1
    rows = list(csv.DictReader(io.StringIO(run_cli("export", "--format", "csv", db=demo_db).stdout)))
    # a deployment's technologies are those of all its claims; each claim's are among them
    assert rows and all(set(json.loads(r["claim_tech_confidence"])) <= set(r["tech"].split(";")) for r in rows)
    assert all(0 < float(r["claim_status_confidence"]) < 1 for r in rows)
    profile = json.loads(run_cli("country", "ECU", "--json", db=demo_db).stdout)
    evidence = [ev for dep in profile["deployments"] for ev in dep["evidence"]]
    assert evidence and all(set(ev["tech_confidence"]) and ev["status_confidence"] for ev in evidence)


def test_reextraction_replaces_and_never_duplicates(demo_db: Path) -> None:
    con = sqlite3.connect(demo_db)
    before = con.execute("SELECT count(*), group_concat(id) FROM claims").fetchone()
    result = run_cli("extract", "--all", db=demo_db)
    assert result.returncode == 0 and "extracted 18 document(s)" in result.stdout
    assert con.execute("SELECT count(*), group_concat(id) FROM claims").fetchone() == before
    assert "extracted 0 document(s)" in run_cli("extract", db=demo_db).stdout


def test_eval_scores_and_writes_predictions(tmp_path: Path) -> None:
    out = tmp_path / "pred.jsonl"
    result = run_cli("eval", str(ARTICLES), "--json", "--predictions-out", str(out))
    assert result.returncode == 0, result.stderr
    scores = json.loads(result.stdout)
    assert scores["documents"] == 18 and 0 < scores["pair"]["f1"] <= 1
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(lines) == 18 and {"id", "deployments"} <= set(lines[0])
    assert run_cli("eval", str(tmp_path / "none.jsonl")).returncode == 2
