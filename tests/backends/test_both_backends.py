"""The same features on SQLite and on PostgreSQL (a throwaway server, tests/pgserver.py).

Each `any_db` test runs once per backend; the comparison tests run the real command line on
both and require the same record. Ranking and snippets of full-text search are each backend's
own, so searches are compared by what they find, not by order or excerpt.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, insert, inspect, select, text
from sqlalchemy.exc import DBAPIError

from custodes.index.changes import publish_delta
from custodes.sample import ARTICLES
from custodes.store.asof import as_of
from custodes.store.db import current_revision, head_revision, open_database
from custodes.store.schema import claims, reviews
from custodes.store.watch import add_source, list_sources, record_item, seen_urls
from tests.helpers import ROOT, run_cli
from tests.test_parallel_ingest import corpus_with_duplicates

pytestmark = pytest.mark.backends
TIMES = {"first_seen", "last_seen", "first_reported", "last_reported", "extracted_at", "ingested_at"}


def _open(db: str) -> Engine:
    return open_database(db if db.startswith("postgresql") else Path(db))


def _json(*args: str, db: str) -> Any:
    done = run_cli(*args, db=db)  # type: ignore[arg-type]
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _without_times(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_times(v) for k, v in value.items() if k not in TIMES}
    if isinstance(value, list):
        return [_without_times(v) for v in value]
    return value


def _ingest(db: str) -> None:
    done = run_cli("ingest", str(ARTICLES), db=db)  # type: ignore[arg-type]
    assert done.returncode == 0, done.stderr


def _ids(engine: Engine, table: str) -> list[str]:
    with engine.connect() as conn:
        return [str(r[0]) for r in conn.execute(text(f"SELECT id FROM {table} ORDER BY id"))]


def test_migrations_reach_head_from_empty(any_db: str) -> None:
    engine = _open(any_db)
    assert current_revision(engine) == head_revision()
    inspector = inspect(engine)
    assert "all_deployments" in inspector.get_view_names()
    assert {"documents", "claims", "deployments", "reviews", "watch_sources", "deltas"} <= set(
        inspector.get_table_names())
    if engine.dialect.name == "postgresql":  # full-text search is a GIN index over the same expression
        assert "ix_claims_fts" in {i["name"] for i in inspector.get_indexes("claims")}
        assert "ix_documents_fts" in {i["name"] for i in inspector.get_indexes("documents")}


def test_the_command_line_gives_the_same_record_on_both(tmp_path: Path, pg_url: str) -> None:
    lite = str(tmp_path / "lite.db")
    for db in (lite, pg_url):
        _ingest(db)
    assert _json("stats", "--json", db=pg_url) == _json("stats", "--json", db=lite)
    for country in ("Ecuador", "Kenya"):
        assert (_without_times(_json("country", country, "--json", db=pg_url))
                == _without_times(_json("country", country, "--json", db=lite)))
    assert (_without_times(_json("vendor", "Huawei", "--json", db=pg_url))
            == _without_times(_json("vendor", "Huawei", "--json", db=lite)))
    for query in ("facial recognition", "Huawei cameras", "nosuchwordanywhere"):
        found = [{h["claim_id"] for h in _json("search", query, "--json", db=db)} for db in (lite, pg_url)]
        assert found[0] == found[1]
    assert {d["document_id"] for d in _json("search", "Huawei", "--documents", "--json", db=pg_url)} == {
        d["document_id"] for d in _json("search", "Huawei", "--documents", "--json", db=lite)}
    exported = []
    for db in (lite, pg_url):
        out = tmp_path / f"export-{len(exported)}.jsonl"
        assert run_cli("export", "--format", "jsonl", "--out", str(out), db=db).returncode == 0  # type: ignore[arg-type]
        exported.append([_without_times(json.loads(line)) for line in out.read_text(encoding="utf-8").splitlines()])
    assert exported[0] == exported[1] and len(exported[0]) > 10


def test_search_finds_every_word_and_never_reads_syntax(any_db: str) -> None:
    _ingest(any_db)
    hits = _json("search", "facial recognition", "--json", db=any_db)
    assert hits and all("facial" in h["snippet"].lower() for h in hits)
    assert _json("search", 'facial" OR "x', "--json", db=any_db) == []  # quotes are words, not syntax


def test_a_review_decision_is_kept_and_reviews_refuse_updates(any_db: str) -> None:
    _ingest(any_db)
    engine = _open(any_db)
    with engine.connect() as conn:
        claim_id = conn.execute(select(claims.c.id).order_by(claims.c.id).limit(1)).scalar_one()
    done = run_cli("review", "decide", claim_id, "--reject", "--by", "tester", "--reason", "not stated",
                   db=any_db)  # type: ignore[arg-type]
    assert done.returncode == 0, done.stderr
    with engine.connect() as conn:
        assert conn.execute(select(claims.c.review_state).where(claims.c.id == claim_id)).scalar_one() == "rejected"
    for statement in ("UPDATE reviews SET reviewer = 'someone else'", "DELETE FROM reviews"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    with engine.connect() as conn:
        assert conn.execute(select(reviews.c.reviewer)).scalars().all() == ["tester"]


def test_as_of_reads_the_record_at_a_past_moment(any_db: str) -> None:
    _ingest(any_db)
    engine = _open(any_db)
    with engine.connect() as conn:
        now = conn.execute(text("SELECT count(*) FROM deployments")).scalar_one()
        with as_of(conn, "2000-01-01T00:00:00+00:00"):
            assert conn.execute(text("SELECT count(*) FROM deployments")).scalar_one() == 0
        with as_of(conn, "2999-01-01T00:00:00+00:00"):
            assert conn.execute(text("SELECT count(*) FROM deployments")).scalar_one() == now
        assert conn.execute(text("SELECT count(*) FROM deployments")).scalar_one() == now > 0


def test_watch_sources_and_items_are_stored_and_refreshed(any_engine: Engine) -> None:
    now = "2026-01-01T00:00:00+00:00"
    with any_engine.begin() as conn:
        source = add_source(conn, name="feed", url="https://example.org/feed.xml", kind="feed",
                            every_seconds=3600, lang=None, now=now)
        for outcome in ("failed", "stored"):  # the second call refreshes the same item
            record_item(conn, source_pk=source.pk, url="https://example.org/a", canonical_url=None,
                        document_id=None, outcome=outcome, reason=None, published=None, date_flag=None, now=now)
    with any_engine.connect() as conn:
        assert [s.name for s in list_sources(conn)] == ["feed"]
        assert seen_urls(conn, ["https://example.org/a", "https://example.org/b"]) == {"https://example.org/a"}
        assert conn.execute(text("SELECT outcome FROM watch_items")).scalars().all() == ["stored"]
    with any_engine.begin() as conn, pytest.raises(ValueError):
        add_source(conn, name="feed", url="https://example.org/other.xml", kind="feed", every_seconds=60,
                   lang=None, now=now)


def test_the_change_feed_publishes_every_deployment_once(any_db: str, tmp_path: Path) -> None:
    _ingest(any_db)  # ingest publishes the first delta itself
    engine = _open(any_db)
    with engine.connect() as conn:
        again = publish_delta(conn, trigger="publish", deltas_dir=tmp_path / "deltas")
        versions = conn.execute(text("SELECT version FROM deltas")).scalars().all()
        entries = conn.execute(text("SELECT op, deployment_id FROM delta_entries ORDER BY deployment_id")).all()
    assert versions == [1]
    assert again.status == "no changes"
    assert [e.deployment_id for e in entries] == _ids(engine, "deployments")
    assert {e.op for e in entries} == {"ADD"}


def test_an_alert_delivery_row_is_made_once(any_engine: Engine) -> None:
    from custodes.store.dialect import insert_for
    from custodes.store.schema import alert_deliveries, alerts, deltas

    with any_engine.begin() as conn:
        conn.execute(insert(deltas).values(version=1, created_at="t", trigger="publish", added=0, modified=0,
                                           deleted=0))
        pk = conn.execute(insert(alerts).values(created_at="t", from_version=0)).inserted_primary_key[0]
        for _ in range(2):
            conn.execute(insert_for(conn, alert_deliveries).values(alert_pk=pk, version=1, entries=0, state="pending")
                         .on_conflict_do_nothing(index_elements=["alert_pk", "version"]))
        assert conn.execute(text("SELECT count(*) FROM alert_deliveries")).scalar_one() == 1


def test_two_concurrent_ingests_into_one_server_lose_nothing(tmp_path: Path, pg_url: str) -> None:
    open_database(pg_url)  # migrated once, before the writers start
    first = corpus_with_duplicates(tmp_path / "first.jsonl", 120)
    second = corpus_with_duplicates(tmp_path / "second.jsonl", 120, start=120)
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("CUSTODES_DB", None)
    writers = [subprocess.Popen([sys.executable, "-m", "custodes", "ingest", str(path), "--db", pg_url,
                                 "--workers", "2"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for path in (first, second)]
    for proc in writers:
        _out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    alone = str(tmp_path / "alone.db")
    for path in (first, second):
        assert run_cli("ingest", str(path), db=alone).returncode == 0  # type: ignore[arg-type]
    shared, sequential = open_database(pg_url), open_database(Path(alone))
    for table in ("documents", "claims", "deployments"):
        assert _ids(shared, table) == _ids(sequential, table)
    with shared.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM stale_deployments")).scalar_one() == 0
        assert conn.execute(text(
            "SELECT count(*) FROM claims WHERE deployment_id NOT IN (SELECT id FROM deployments)")).scalar_one() == 0
