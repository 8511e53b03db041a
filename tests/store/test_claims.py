import json

from sqlalchemy import Engine, select

from custodes.store.claims import (
    ClaimRecord,
    MentionRecord,
    deployment_id,
    refresh_stale_deployments,
    replace_document_claims,
    stale_document_ids,
)
from custodes.store.documents import StoredDocument, insert_document
from custodes.store.schema import claims, deployments, document_extractions, mentions, stale_deployments

TEXT = "Freedonia bought cameras from Acme. The system opened in 2019."


def add_doc(engine: Engine, doc_id: str, group_id: str, published: str | None) -> None:
    doc = StoredDocument(id=doc_id, source="t", url=f"https://e.org/{doc_id}", title=doc_id,
                         published=published, author=None, site=None, lang="en",
                         content_type="text", text=TEXT, chars=len(TEXT), group_id=group_id,
                         ingested_at="2024-01-01T00:00:00+00:00", extra={})
    with engine.begin() as conn:
        insert_document(conn, doc, b"\x00" * 512, 128)


def record(status: str = "deployed", tech: list[str] | None = None, conf: float = 0.5,
           supplier: str | None = "Acme", year: int | None = None) -> ClaimRecord:
    return ClaimRecord(country="FRE", supplier=supplier, supplier_country="XXX",
                       tech=tech or ["video_surveillance"], year=year, program=None, status=status,
                       confidence=conf, evidence=[("Freedonia bought cameras from Acme.", 0, 35)])


def store(engine: Engine, doc_id: str, records: list[ClaimRecord], version: str = "v1",
          now: str = "2025-01-01T00:00:00+00:00") -> None:
    with engine.begin() as conn:
        replace_document_claims(conn, doc_id, records,
                                [MentionRecord("country", "FRE", "Freedonia", 0, 9)],
                                extractor_version=version, reference_version="r1", now=now)
        refresh_stale_deployments(conn, now)


def test_near_duplicates_count_once_and_strongest_status_wins(engine: Engine) -> None:
    add_doc(engine, "doc-a", "doc-a", "2020-01-01")
    add_doc(engine, "doc-b", "doc-a", "2020-02-01")  # syndicated copy of doc-a
    add_doc(engine, "doc-c", "doc-c", "2021-03-01")
    store(engine, "doc-a", [record("planned", conf=0.5, year=2019)])
    store(engine, "doc-b", [record("planned", conf=0.6)])
    store(engine, "doc-c", [record("deployed", tech=["facial_recognition"], conf=0.5)])
    with engine.connect() as conn:
        [dep] = conn.execute(select(deployments)).mappings().all()
    assert dep["id"] == deployment_id("FRE", "Acme", "XXX", None)
    assert dep["sources"] == 2 and dep["documents"] == 3 and dep["claims"] == 3
    assert dep["status"] == "deployed" and dep["latest_status"] == "deployed"
    assert json.loads(dep["tech"]) == ["facial_recognition", "video_surveillance"]
    assert dep["year"] == 2019
    assert dep["confidence"] == round(1 - (1 - 0.6) * (1 - 0.5), 4)
    assert (dep["first_reported"], dep["last_reported"]) == ("2020-01-01", "2021-03-01")


def test_reextraction_replaces_claims_and_keeps_first_seen(engine: Engine) -> None:
    add_doc(engine, "doc-a", "doc-a", None)
    store(engine, "doc-a", [record()], now="2025-01-01T00:00:00+00:00")
    store(engine, "doc-a", [record()], version="v2", now="2025-06-01T00:00:00+00:00")
    with engine.connect() as conn:
        rows = conn.execute(select(claims)).mappings().all()
        assert len(rows) == 1
        assert rows[0]["first_seen"] == "2025-01-01T00:00:00+00:00"
        assert rows[0]["last_seen"] == "2025-06-01T00:00:00+00:00"
        assert rows[0]["extractor_version"] == "v2"
        assert conn.execute(select(mentions)).all().__len__() == 1
        assert conn.execute(select(document_extractions.c.extractor_version)).scalar() == "v2"


def test_claim_that_disappears_removes_its_deployment(engine: Engine) -> None:
    add_doc(engine, "doc-a", "doc-a", None)
    store(engine, "doc-a", [record(supplier="Acme"), record(supplier="Other")])
    store(engine, "doc-a", [record(supplier="Acme")], version="v2")
    with engine.connect() as conn:
        suppliers = conn.execute(select(deployments.c.supplier)).scalars().all()
    assert suppliers == ["Acme"]


def test_stale_documents(engine: Engine) -> None:
    add_doc(engine, "doc-a", "doc-a", None)
    add_doc(engine, "doc-b", "doc-b", None)
    store(engine, "doc-a", [record()], version="v1")
    with engine.connect() as conn:
        assert stale_document_ids(conn, "v1", "r1") == ["doc-b"]
        assert stale_document_ids(conn, "v2", "r1") == ["doc-a", "doc-b"]
        assert stale_document_ids(conn, "v1", "r1", everything=True) == ["doc-a", "doc-b"]


def test_deployments_wait_in_the_queue_until_refreshed(engine: Engine) -> None:
    """Claims and the queue move together; deployments follow when the run refreshes them."""
    add_doc(engine, "doc-a", "doc-a", None)
    with engine.begin() as conn:
        replace_document_claims(conn, "doc-a", [record()], [], extractor_version="v1",
                                reference_version="r1", now="2025-01-01T00:00:00+00:00")
    with engine.connect() as conn:
        assert conn.execute(select(deployments)).all() == []
        assert len(conn.execute(select(stale_deployments)).all()) == 1
    with engine.begin() as conn:
        assert refresh_stale_deployments(conn, "2025-01-02T00:00:00+00:00") == 1
    with engine.connect() as conn:
        assert len(conn.execute(select(deployments)).all()) == 1
        assert conn.execute(select(stale_deployments)).all() == []


def test_opening_the_database_finishes_a_killed_run(db_path) -> None:  # type: ignore[no-untyped-def]
    from custodes.store.db import open_database

    engine = open_database(db_path)
    add_doc(engine, "doc-a", "doc-a", None)
    with engine.begin() as conn:
        replace_document_claims(conn, "doc-a", [record()], [], extractor_version="v1",
                                reference_version="r1", now="2025-01-01T00:00:00+00:00")
    engine.dispose()
    with open_database(db_path).connect() as conn:
        assert len(conn.execute(select(deployments)).all()) == 1


def test_a_programme_name_adds_to_a_deal_and_does_not_split_it(engine: Engine) -> None:
    add_doc(engine, "doc-a", "doc-a", "2020-01-01")
    add_doc(engine, "doc-c", "doc-c", "2021-03-01")
    named = record()
    named.program = "Safe Freedonia"
    store(engine, "doc-a", [named])
    store(engine, "doc-c", [record()])  # the same deal, its programme unnamed
    with engine.connect() as conn:
        rows = conn.execute(select(deployments)).mappings().all()
    assert len(rows) == 1
    assert rows[0]["program"] == "Safe Freedonia" and rows[0]["sources"] == 2
