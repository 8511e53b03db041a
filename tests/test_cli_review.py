"""The review, history and diff commands, and --as-of / --reviewed-only, run as a user would."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest

from tests.helpers import run_cli


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("review") / "demo.db"
    assert run_cli("demo", db=db).returncode == 0
    return db


def _queue(db: Path, *args: str) -> list[dict[str, object]]:
    result = run_cli("review", "list", "--json", *args, db=db)
    assert result.returncode == 0, result.stderr
    return list(json.loads(result.stdout))


def test_decide_history_diff_and_as_of(demo_db: Path) -> None:
    con = sqlite3.connect(demo_db)
    before = con.execute("SELECT max(valid_from) FROM deployment_history").fetchone()[0]
    queue = _queue(demo_db)
    assert queue and [q["confidence"] for q in queue][:1] == [min(q["confidence"] for q in queue)]  # type: ignore[type-var]
    first, second = queue[0], queue[1]
    result = run_cli("review", "decide", str(first["claim_id"]), "--reject", "--by", "alice",
                     "--reason", "not a deployment", db=demo_db)
    assert result.returncode == 0, result.stderr
    result = run_cli("review", "decide", str(second["claim_id"]), "--edit", "status=cancelled", "--edit", "year=2020",
                     "--by", "bob", db=demo_db)
    assert result.returncode == 0, result.stderr
    assert {q["claim_id"] for q in _queue(demo_db, "--status", "rejected")} == {first["claim_id"]}
    assert str(first["claim_id"]) not in {q["claim_id"] for q in _queue(demo_db)}

    history = json.loads(run_cli("history", str(second["deployment_id"]), "--json", db=demo_db).stdout)
    assert history["versions"][-1]["values"]["status"] == "cancelled"
    assert [d["reviewer"] for d in history["decisions"]] == ["bob"]

    diff = json.loads(run_cli("diff", "--since", before, "--json", db=demo_db).stdout)
    changed = {c["deployment_id"] for c in diff["changed"]} | {r["deployment_id"] for r in diff["removed"]}
    assert str(second["deployment_id"]) in changed

    # as of the moment before the decisions, the edited deployment still had its extracted status
    then = [json.loads(line) for line in run_cli("export", "--format", "jsonl", "--as-of", before,
                                                 db=demo_db).stdout.splitlines()]
    now = [json.loads(line) for line in run_cli("export", "--format", "jsonl", db=demo_db).stdout.splitlines()]
    then_status = {d["id"]: d["status"] for d in then}
    now_status = {d["id"]: d["status"] for d in now}
    assert now_status[str(second["deployment_id"])] == "cancelled"
    assert then_status[str(second["deployment_id"])] == second["status"]
    assert run_cli("export", "--as-of", "1999-01-01", db=demo_db).stdout.count("\n") == 1  # the header only

    reviewed = [json.loads(line) for line in run_cli("export", "--format", "jsonl", "--reviewed-only",
                                                     db=demo_db).stdout.splitlines()]
    assert [d["id"] for d in reviewed] == [second["deployment_id"]]
    assert reviewed[0]["reviewed"] in ("partly", "fully") and reviewed[0]["accepted_claims"] == 1
    rows = list(csv.DictReader(io.StringIO(run_cli("export", db=demo_db).stdout)))
    assert {"reviewed", "accepted_claims", "claim_review_state"} <= set(rows[0])

    countries_then = json.loads(run_cli("countries", "--json", "--as-of", before, db=demo_db).stdout)
    assert countries_then and run_cli("index", "--source", "extracted", "--as-of", before,
                                      db=demo_db).returncode == 0

    # decisions survive re-extraction of unchanged documents
    assert run_cli("extract", "--all", db=demo_db).returncode == 0
    states = dict(con.execute("SELECT id, review_state FROM claims WHERE review_state != 'unreviewed'").fetchall())
    assert states == {first["claim_id"]: "rejected", second["claim_id"]: "edited"}

    log = run_cli("review", "export", db=demo_db).stdout
    assert [r["decision"] for r in csv.DictReader(io.StringIO(log))] == ["reject", "edit"]


def test_bad_review_commands_fail_clearly(demo_db: Path, tmp_path: Path) -> None:
    claim = str(_queue(demo_db)[0]["claim_id"])
    cases = [
        (("review", "decide", claim, "--accept", "--reject", "--by", "a"), "exactly one of"),
        (("review", "decide", "clm-nope", "--accept", "--by", "a"), "clm-nope: no such claim"),
        (("review", "decide", claim, "--edit", "tech=teleportation", "--by", "a"), "unknown category"),
        (("review", "list", "--status", "pending"), "--status 'pending'"),
        (("countries", "--as-of", "soon"), "not an ISO date"),
        (("diff", "--since", "soon"), "--since 'soon'"),
        (("history", "dep-0000000000000000"), "no such deployment"),
    ]
    for args, message in cases:
        result = run_cli(*args, db=demo_db)
        assert result.returncode == 2, (args, result.stdout)
        assert message in " ".join(result.stderr.split()), (args, result.stderr)
    bad = tmp_path / "d.csv"
    bad.write_text(f"claim_id,decision,reviewer\n{claim},accept,carol\nclm-x,accept,carol\n", encoding="utf-8")
    result = run_cli("review", "import", str(bad), db=demo_db)
    assert result.returncode == 1 and f"{bad}:3: clm-x: no such claim" in " ".join(result.stderr.split())
    assert "recorded 1 decision(s), refused 1" in result.stdout
