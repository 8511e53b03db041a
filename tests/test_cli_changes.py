"""`custodes changes`, the delta published by ingest and review, and `custodes diff --since VERSION`,
through the real command line."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.helpers import run_cli

ARTICLES = [
    {"id": "c1", "title": "Kenya cameras", "date": "2024-02-01",
     "text": "The police of Kenya installed Huawei surveillance cameras in 2019."},
    {"id": "c2", "title": "Ecuador cameras", "date": "2024-02-02",
     "text": "The police of Ecuador installed Hikvision surveillance cameras in 2018."},
    {"id": "c3", "title": "Zambia cameras", "date": "2024-02-03",
     "text": "The police of Zambia installed Dahua surveillance cameras in 2020."},
]


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    path = tmp_path / "articles.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    return path


def test_ingest_publishes_a_delta_next_to_the_database(tmp_path: Path, articles: Path) -> None:
    db = tmp_path / "db" / "custodes.db"
    first = run_cli("ingest", str(articles), db=db)
    assert first.returncode == 0, first.stderr
    assert "published delta 1: 3 added, 0 changed, 0 removed" in first.stdout
    index = json.loads((db.parent / "deltas" / "index.json").read_text(encoding="utf-8"))
    assert [(v["version"], v["added"], v["file"]) for v in index["versions"]] == [(1, 3, "000001.jsonl")]
    lines = (db.parent / "deltas" / "000001.jsonl").read_text(encoding="utf-8").splitlines()
    assert sorted(json.loads(x)["record"]["country"] for x in lines) == ["ECU", "KEN", "ZMB"]

    again = run_cli("ingest", str(articles), db=db)
    assert again.returncode == 0 and "no changes: no delta published" in again.stdout

    logged = run_cli("ingest", str(articles), "--log-json", db=db)  # stdout stays one JSON object a line
    assert logged.returncode == 0
    assert [json.loads(x)["event"] for x in logged.stdout.splitlines()][-1] == "summary"
    assert "no changes" in logged.stderr


def test_changes_list_show_and_diff_since_a_version(tmp_path: Path, articles: Path) -> None:
    db = tmp_path / "custodes.db"
    assert run_cli("ingest", str(articles), db=db).returncode == 0
    listed = run_cli("changes", "list", "--json", db=db)
    assert listed.returncode == 0, listed.stderr
    (version,) = json.loads(listed.stdout)
    assert (version["version"], version["added"], version["trigger"], version["forced"]) == (1, 3, "ingest", False)
    assert "ingest" in run_cli("changes", "list", db=db).stdout

    shown = run_cli("changes", "show", "1", "--json", db=db)
    assert shown.returncode == 0
    assert shown.stdout == (db.parent / "deltas" / "000001.jsonl").read_text(encoding="utf-8")
    text = run_cli("changes", "show", "1", db=db).stdout
    assert "delta 1" in text and text.count("ADD v1") == 3
    missing = run_cli("changes", "show", "7", db=db)
    assert missing.returncode == 2 and "no delta version 7" in missing.stderr

    diff = run_cli("diff", "--since", "0", db=db)
    assert diff.returncode == 0, diff.stderr
    assert "since delta 0 (to 1): 3 added, 0 changed, 0 removed" in diff.stdout
    assert diff.stdout.count("ADD v1 dep-") == 3 and "KEN Huawei" in diff.stdout
    as_json = json.loads(run_cli("diff", "--since", "0", "--json", db=db).stdout)
    assert [e["op"] for e in as_json["entries"]] == ["ADD"] * 3
    assert json.loads(run_cli("diff", "--since", "1", "--json", db=db).stdout)["entries"] == []
    by_date = run_cli("diff", "--since", "2000-01-01", "--json", db=db)  # a date keeps its meaning
    assert by_date.returncode == 0 and len(json.loads(by_date.stdout)["added"]) == 3


def _lose_claims(db: Path, country: str) -> None:
    """What a truncated upstream does: the documents stating a country's deployments say nothing any more."""
    with sqlite3.connect(db) as conn:
        deps = [r[0] for r in conn.execute("SELECT DISTINCT deployment_id FROM claims WHERE country = ?", (country,))]
        conn.execute("DELETE FROM claims WHERE country = ?", (country,))
        conn.executemany("INSERT OR IGNORE INTO stale_deployments (deployment_id) VALUES (?)", [(d,) for d in deps])


def test_a_reviewers_rejection_is_published_past_the_shrink_guard(tmp_path: Path, articles: Path) -> None:
    db = tmp_path / "custodes.db"
    assert run_cli("ingest", str(articles), db=db).returncode == 0
    with sqlite3.connect(db) as conn:
        (claim_id,) = conn.execute("SELECT id FROM claims WHERE country = 'ZMB'").fetchone()
    decided = run_cli("review", "decide", claim_id, "--reject", "--by", "tester", db=db)
    assert decided.returncode == 0, decided.stderr
    assert "published delta 2: 0 added, 0 changed, 1 removed (forced past the shrink guard)" in decided.stdout


def test_a_blocked_delta_exits_3_and_force_publishes_it(tmp_path: Path, articles: Path) -> None:
    db = tmp_path / "custodes.db"
    assert run_cli("ingest", str(articles), db=db).returncode == 0
    _lose_claims(db, "ZMB")
    blocked = run_cli("changes", "publish", db=db)
    assert blocked.returncode == 3
    assert "it would remove 1 of 3 published deployments (33%, more than 10%)" in blocked.stderr
    assert json.loads(run_cli("changes", "list", "--json", db=db).stdout)[-1]["version"] == 1

    other = tmp_path / "elsewhere"
    forced = run_cli("changes", "publish", "--force", "--deltas", str(other), db=db)
    assert forced.returncode == 0, forced.stderr
    assert "published delta 2: 0 added, 0 changed, 1 removed (forced past the shrink guard)" in forced.stdout
    assert sorted(p.name for p in other.iterdir()) == ["000001.jsonl", "000002.jsonl", "index.json"]
    (line,) = (other / "000002.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["op"] == "DEL" and "record" not in json.loads(line)
    diff = run_cli("diff", "--since", "1", db=db).stdout
    assert "0 added, 0 changed, 1 removed" in diff and "DEL v2" in diff and "ZMB" in diff


@pytest.mark.parametrize("command", [("changes", "publish"), ("changes", "list"), ("changes", "show")])
def test_every_changes_command_has_an_example(command: tuple[str, ...]) -> None:
    result = run_cli(*command, "--help")
    assert result.returncode == 0 and "Example:" in result.stdout
