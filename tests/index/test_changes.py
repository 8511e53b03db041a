"""The change feed: deltas found by content hash, the shrink guard, and the files derived from them."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from custodes.index.changes import (
    changes_since,
    delta_versions,
    plan_delta,
    publish_delta,
    record_hash,
    write_delta_files,
)
from custodes.index.profiles import iter_deployments
from custodes.review.decisions import decide
from custodes.store.claims import refresh_deployments
from custodes.store.schema import claims, delta_entries, deltas, deployments, published_deployments
from tests.index.changes_corpus import article, document_ids, ingest, truncate, twenty_articles, watch


def publish(engine: Engine, tmp_path: Path, **options: object):  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return publish_delta(conn, trigger="test", deltas_dir=tmp_path / "deltas", **options)  # type: ignore[arg-type]


def count(engine: Engine, table) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def exported(engine: Engine) -> dict[str, dict]:  # type: ignore[type-arg]
    with engine.connect() as conn:
        return {v.id: v.to_dict() for v in iter_deployments(conn)}


@pytest.fixture
def corpus(engine: Engine, tmp_path: Path) -> Engine:
    ingest(engine, tmp_path, twenty_articles())
    assert count(engine, deployments) == 20
    return engine


def test_first_publish_adds_every_exported_deployment_with_its_export_record(corpus: Engine, tmp_path: Path) -> None:
    result = publish(corpus, tmp_path, now="2025-03-02T10:00:00+00:00")
    assert result.status == "published" and result.version == 1
    assert (result.plan.added, result.plan.modified, result.plan.deleted) == (20, 0, 0)
    records = exported(corpus)
    with corpus.connect() as conn:
        entries = changes_since(conn, 0, limit=1000)
        assert {e.deployment_id for e in entries} == set(records)
        for e in entries:
            assert e.op == "ADD" and e.record == records[e.deployment_id]
            assert e.content_hash == record_hash(records[e.deployment_id])
            assert e.created_at == "2025-03-02T10:00:00+00:00"
        published = dict(conn.execute(select(published_deployments.c.deployment_id,
                                              published_deployments.c.content_hash)).all())
    assert published == {i: record_hash(r) for i, r in records.items()}


def test_an_unchanged_run_writes_nothing(corpus: Engine, tmp_path: Path) -> None:
    publish(corpus, tmp_path)
    ingest(corpus, tmp_path, twenty_articles(), name="again")  # the same articles: unchanged
    with corpus.begin() as conn:  # every deployment recomputed later: only last_seen moves
        refresh_deployments(conn, list(conn.execute(select(deployments.c.id)).scalars()),
                            "2030-01-01T00:00:00+00:00")
    files = sorted(p.name for p in (tmp_path / "deltas").iterdir())
    result = publish(corpus, tmp_path)
    assert result.status == "no changes" and result.version is None and result.message().startswith("no changes")
    assert count(corpus, deltas) == 1 and count(corpus, delta_entries) == 20
    assert sorted(p.name for p in (tmp_path / "deltas").iterdir()) == files


def test_new_evidence_is_a_mod_and_a_new_deal_an_add(corpus: Engine, tmp_path: Path) -> None:
    publish(corpus, tmp_path)
    before = exported(corpus)
    more = [{**article(40, "Kenya", "Huawei"), "text": "Kenya's interior ministry said Huawei installed "
             "surveillance cameras in Nairobi in 2019."},
            article(41, "Ghana", "Hikvision")]
    ingest(corpus, tmp_path, more, name="more")
    result = publish(corpus, tmp_path)
    assert result.status == "published" and result.version == 2
    with corpus.connect() as conn:
        entries = changes_since(conn, 1)
    ops = {(e.op, e.country, e.supplier) for e in entries}
    assert ops == {("MOD", "KEN", "Huawei"), ("ADD", "GHA", "Hikvision")}
    mod = next(e for e in entries if e.op == "MOD")
    assert mod.record is not None and len(mod.record["evidence"]) == 2
    assert mod.content_hash != record_hash(before[mod.deployment_id])


def test_a_rejected_claim_removes_its_deployment_as_a_del_filtered_like_its_add(
        corpus: Engine, tmp_path: Path) -> None:
    publish(corpus, tmp_path)
    with corpus.begin() as conn:
        claim_id, dep = conn.execute(select(claims.c.id, claims.c.deployment_id)
                                     .where(claims.c.country == "SRB", claims.c.supplier == "Hikvision")).one()
        decide(conn, claim_id, "reject", {}, "tester", "not a deployment", "2025-03-03T00:00:00+00:00")
    result = publish(corpus, tmp_path)  # 1 of 20 removed: 5%, under the guard
    assert result.status == "published" and result.plan.deleted == 1
    with corpus.connect() as conn:
        (entry,) = changes_since(conn, 1)
        assert (entry.op, entry.deployment_id, entry.record, entry.content_hash) == ("DEL", dep, None, None)
        assert (entry.country, entry.supplier, entry.tech) == ("SRB", "Hikvision", ["video_surveillance"])
        assert [e.deployment_id for e in changes_since(conn, 1, country="SRB", vendor="Hangzhou Hikvision")] == [dep]
        assert conn.execute(select(published_deployments).where(
            published_deployments.c.deployment_id == dep)).first() is None
    line = json.loads((tmp_path / "deltas" / "000002.jsonl").read_text(encoding="utf-8"))
    assert line == {"op": "DEL", "id": dep, "hash": None}


def test_the_hash_ignores_bookkeeping_and_confidence_but_not_what_is_asserted(corpus: Engine) -> None:
    record = next(iter(exported(corpus).values()))
    moved = {**record, "first_seen": "2030-01-01", "last_seen": "2031-01-01", "confidence": 0.1,
             "country_name": "Renamed", "evidence": [{**e, "confidence": 0.2, "extractor_version": "9.9",
                                                      "tech_confidence": {"x": 1.0}, "status_confidence": 0.3}
                                                     for e in reversed(record["evidence"])]}
    assert record_hash(moved) == record_hash(record)
    for key, value in (("status", "planned"), ("year", 1999), ("supplier", "Someone else"), ("tech", ["x"])):
        assert record_hash({**record, key: value}) != record_hash(record), key
    changed_quote = {**record, "evidence": [{**record["evidence"][0], "text": "Another sentence."}]}
    assert record_hash(changed_quote) != record_hash(record)
    expected = hashlib.sha256(json.dumps(
        {k: v for k, v in {**record, "evidence": [{k: v for k, v in e.items() if k not in (
            "confidence", "tech_confidence", "status_confidence", "extractor_version")} for e in record["evidence"]]
         }.items() if k not in ("confidence", "country_name")},
        sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()).hexdigest()
    assert record_hash(record) == expected  # the recipe docs/IDS.md states


def test_the_shrink_guard_stops_a_run_that_removes_more_than_a_tenth_of_the_record(
        corpus: Engine, tmp_path: Path) -> None:
    publish(corpus, tmp_path)
    index_before = (tmp_path / "deltas" / "index.json").read_bytes()
    truncate(corpus, document_ids(corpus, [f"https://news.example.org/{n}" for n in (0, 1, 2)]))
    assert count(corpus, deployments) == 17
    result = publish(corpus, tmp_path)
    assert result.status == "blocked" and result.version is None
    assert result.blocked_reason == ("it would remove 3 of 20 published deployments (15%, more than 10%)")
    assert count(corpus, deltas) == 1 and count(corpus, published_deployments) == 20
    assert (tmp_path / "deltas" / "index.json").read_bytes() == index_before
    assert not (tmp_path / "deltas" / "000002.jsonl").exists()
    with corpus.connect() as conn:
        assert plan_delta(conn, threshold=0.2).blocked is False  # the threshold is a parameter

    forced = publish(corpus, tmp_path, force=True)
    assert forced.status == "published" and forced.forced and forced.plan.deleted == 3
    assert "forced" in forced.message()
    with corpus.connect() as conn:
        assert delta_versions(conn)[-1].forced is True
    assert count(corpus, published_deployments) == 17


def test_a_truncated_upstream_trips_the_guard_of_its_watched_source(corpus: Engine, tmp_path: Path) -> None:
    wire = document_ids(corpus, [f"https://news.example.org/{n}" for n in range(5)])
    other = document_ids(corpus, [f"https://news.example.org/{n}" for n in range(5, 15)])
    wire_pk = watch(corpus, "kenya-wire", wire)
    watch(corpus, "big-wire", other)
    assert publish(corpus, tmp_path).version == 1
    with corpus.connect() as conn:
        sources = {json.dumps(json.loads(s)) for s in conn.execute(select(published_deployments.c.source_pks))
                   .scalars()}
    assert json.dumps([wire_pk]) in sources

    truncate(corpus, wire[:2])  # the feed came back with two of its items' pages emptied
    result = publish(corpus, tmp_path)  # 2 of 20 overall is 10%, not more: only the source's guard trips
    assert result.status == "blocked"
    assert result.blocked_reason == ("it would remove 2 of the 5 published deployments of watched source "
                                     "'kenya-wire' (40%, more than 10%)")
    assert count(corpus, deltas) == 1 and not (tmp_path / "deltas" / "000002.jsonl").exists()

    forced = publish(corpus, tmp_path, force=True)
    assert forced.status == "published" and forced.plan.deleted == 2
    assert len((tmp_path / "deltas" / "000002.jsonl").read_text(encoding="utf-8").splitlines()) == 2


def test_files_match_the_database_and_a_missing_one_is_rewritten(corpus: Engine, tmp_path: Path) -> None:
    with corpus.connect() as conn:  # a crash between commit and files: the delta exists, its file not
        assert publish_delta(conn, trigger="test").version == 1
    ingest(corpus, tmp_path, [article(50, "Ghana", "Huawei")], name="more")
    result = publish(corpus, tmp_path)
    folder = tmp_path / "deltas"
    assert result.version == 2 and [p.name for p in result.files] == ["000001.jsonl", "000002.jsonl"]
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    assert index["latest"] == 2 and [v["version"] for v in index["versions"]] == [1, 2]
    with corpus.connect() as conn:
        for listed in index["versions"]:
            data = (folder / listed["file"]).read_bytes()
            assert listed["sha256"] == hashlib.sha256(data).hexdigest()
            lines = [json.loads(line) for line in data.decode().splitlines()]
            entries = changes_since(conn, listed["version"] - 1, until=listed["version"], limit=1000)
            assert lines == [{"op": e.op, "id": e.deployment_id, "hash": e.content_hash, "record": e.record}
                             for e in entries]
            assert (listed["added"], listed["modified"], listed["deleted"]) == (
                sum(e.op == "ADD" for e in entries), sum(e.op == "MOD" for e in entries), 0)

        original = (folder / "000001.jsonl").read_bytes()
        (folder / "000001.jsonl").unlink()
        assert write_delta_files(conn, folder) == [folder / "000001.jsonl"]
        assert (folder / "000001.jsonl").read_bytes() == original
        assert write_delta_files(conn, folder) == []  # nothing missing: nothing written


def test_changes_since_filters_and_pages_in_version_order(corpus: Engine, tmp_path: Path) -> None:
    publish(corpus, tmp_path)
    ingest(corpus, tmp_path, [{**article(60, "Kenya", "Hikvision"), "text": "Kenya's national police service "
                               "deployed a facial recognition system supplied by Hikvision in 2021."}], name="fr")
    publish(corpus, tmp_path)
    with corpus.connect() as conn:
        assert {e.supplier for e in changes_since(conn, 0, vendor="hikvision", limit=100)} == {"Hikvision"}
        assert len(changes_since(conn, 0, vendor="Hik-Vision", limit=100)) == 11
        assert {e.country for e in changes_since(conn, 0, country="ken")} == {"KEN"}
        (fr,) = changes_since(conn, 0, tech="facial_recognition")
        assert (fr.version, fr.op, fr.country) == (2, "MOD", "KEN")
        assert changes_since(conn, 0, vendor="Nobody Ltd") == []
        everything = changes_since(conn, 0, limit=100)
        assert [(e.version, e.pk) for e in everything] == sorted((e.version, e.pk) for e in everything)
        pages, after = [], None
        while True:
            page = changes_since(conn, 0, after=after, limit=7)
            if not page:
                break
            pages += page
            after = (page[-1].version, page[-1].pk)
        assert [e.pk for e in pages] == [e.pk for e in everything]
        newest = changes_since(conn, 0, newest_first=True, limit=3)
        assert [e.pk for e in newest] == [e.pk for e in reversed(everything)][:3]
