"""Decisions on a real SQLite database: accept, reject, edit, supersede, survive or not survive
re-extraction, and never be rewritten."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DatabaseError

from custodes.review.decisions import ReviewError, decide, parse_assignments, parse_edits
from custodes.store.claims import deployment_id
from custodes.store.schema import reviews
from tests.review.helpers import add_doc, claim_of, deployment_of, record, store

T0, T1, T2, T3 = ("2025-01-01T00:00:00+00:00", "2025-02-01T00:00:00+00:00", "2025-03-01T00:00:00+00:00",
                  "2025-04-01T00:00:00+00:00")


@pytest.fixture
def stored(engine: Engine) -> Engine:
    add_doc(engine, "doc-a")
    store(engine, "doc-a", [record("KEN"), record("UGA", status="planned", year=None)], T0)
    return engine


def _decide(engine: Engine, country: str, decision: str, edits: dict[str, str] | None = None,
            now: str = T1, by: str = "alice") -> int:
    with engine.begin() as conn:
        return decide(conn, str(claim_of(engine, country)["id"]), decision, parse_edits(edits or {}), by,
                      "checked", now)


def test_reject_removes_the_deployment_and_keeps_the_claim_and_decision(stored: Engine) -> None:
    _decide(stored, "UGA", "reject")
    assert deployment_of(stored, "UGA") is None
    assert claim_of(stored, "UGA")["review_state"] == "rejected"
    with stored.connect() as conn:
        [row] = conn.execute(select(reviews)).mappings().all()
    assert (row["decision"], row["reviewer"], row["reason"]) == ("reject", "alice", "checked")
    assert row["extractor_version"] == "x1" and row["evidence_hash"] == claim_of(stored, "UGA")["evidence_hash"]


def test_accept_marks_the_deployment_reviewed(stored: Engine) -> None:
    assert deployment_of(stored, "KEN")["reviewed"] == "none"  # type: ignore[index]
    _decide(stored, "KEN", "accept")
    dep = deployment_of(stored, "KEN")
    assert dep is not None and (dep["reviewed"], dep["accepted_claims"]) == ("fully", 1)


def test_an_edit_counts_as_edited_and_a_later_accept_supersedes_it(stored: Engine) -> None:
    _decide(stored, "KEN", "edit", {"status": "planned", "year": "2018", "tech": "smart_city;facial_recognition"})
    claim = claim_of(stored, "KEN")
    assert (claim["status"], claim["year"], claim["review_state"]) == ("planned", 2018, "edited")
    assert json.loads(str(claim["tech"])) == ["facial_recognition", "smart_city"]
    assert json.loads(str(claim["extracted"]))["status"] == "deployed"  # the extractor's own output is kept
    dep = deployment_of(stored, "KEN")
    assert dep is not None and (dep["status"], dep["year"], dep["reviewed"]) == ("planned", 2018, "fully")
    _decide(stored, "KEN", "accept", now=T2)
    claim = claim_of(stored, "KEN")
    assert (claim["status"], claim["year"], claim["review_state"]) == ("deployed", 2019, "accepted")


def test_editing_the_country_moves_the_claim_to_another_deployment(stored: Engine) -> None:
    _decide(stored, "KEN", "edit", {"country": "Tanzania"})
    assert deployment_of(stored, "KEN") is None
    moved = deployment_of(stored, "TZA")
    assert moved is not None and moved["id"] == deployment_id("TZA", "Acme", None, None)


def test_a_decision_survives_re_extraction_with_the_same_evidence_and_output(stored: Engine) -> None:
    _decide(stored, "UGA", "reject")
    _decide(stored, "KEN", "edit", {"year": "2017"})
    store(stored, "doc-a", [record("KEN"), record("UGA", status="planned", year=None)], T2)
    assert claim_of(stored, "UGA")["review_state"] == "rejected" and deployment_of(stored, "UGA") is None
    ken = claim_of(stored, "KEN")
    assert (ken["review_state"], ken["year"]) == ("edited", 2017)


def test_changed_output_or_evidence_returns_the_claim_to_the_queue(stored: Engine) -> None:
    _decide(stored, "UGA", "reject")
    _decide(stored, "KEN", "accept")
    # the extractor now reads another year for Kenya, and other evidence offsets for Uganda
    store(stored, "doc-a", [record("KEN", year=2020), record("UGA", status="planned", year=None, evidence=(40, 58))],
          T2)
    ken, uga = claim_of(stored, "KEN"), claim_of(stored, "UGA")
    assert ken["review_state"] == uga["review_state"] == "changed"
    assert ken["year"] == 2020  # the new extraction counts, not the old decision
    assert deployment_of(stored, "UGA") is not None  # nor does the old rejection silently drop it
    assert deployment_of(stored, "KEN")["reviewed"] == "none"  # type: ignore[index]


def test_a_confidence_change_alone_does_not_undo_a_review(stored: Engine) -> None:
    _decide(stored, "KEN", "accept")
    store(stored, "doc-a", [record("KEN", conf=0.55), record("UGA", status="planned", year=None)], T2)
    assert claim_of(stored, "KEN")["review_state"] == "accepted"


def test_reviews_are_append_only(stored: Engine) -> None:
    _decide(stored, "KEN", "accept")
    with pytest.raises(DatabaseError, match="append-only"), stored.begin() as conn:
        conn.execute(text("UPDATE reviews SET decision = 'reject'"))
    with pytest.raises(DatabaseError, match="append-only"), stored.begin() as conn:
        conn.execute(text("DELETE FROM reviews"))
    with stored.connect() as conn:
        assert conn.execute(select(reviews.c.decision)).scalars().all() == ["accept"]


@pytest.mark.parametrize(("decision", "edits", "by", "message"), [
    ("approve", {}, "a", "decision: 'approve'"),
    ("edit", {}, "a", "at least one FIELD=VALUE"),
    ("accept", {"status": "planned"}, "a", "takes no edited fields"),
    ("accept", {}, " ", "reviewer"),
])
def test_bad_decisions_are_refused_and_write_nothing(stored: Engine, decision: str, edits: dict[str, str],
                                                     by: str, message: str) -> None:
    with pytest.raises(ReviewError, match=message):
        _decide(stored, "KEN", decision, edits, by=by)
    with stored.connect() as conn:
        assert conn.execute(select(reviews)).first() is None
    assert claim_of(stored, "KEN")["review_state"] == "unreviewed"


@pytest.mark.parametrize(("field", "value", "message"), [
    ("colour", "red", "colour: not an editable field"),
    ("country", "Atlantis", "country: unknown country"),
    ("tech", "mind_reading", "tech: unknown category 'mind_reading'"),
    ("status", "maybe", "status: 'maybe'"),
    ("year", "19x9", "year: '19x9'"),
    ("amount", "lots", "amount: 'lots'"),
    ("currency", "dollars", "currency"),
    ("loan", "perhaps", "loan"),
])
def test_edits_are_checked_field_by_field(field: str, value: str, message: str) -> None:
    with pytest.raises(ReviewError, match=message):
        parse_edits({field: value})


def test_edits_parse_to_stored_types() -> None:
    assert parse_edits(parse_assignments(["supplier_country=null", "amount=1,500,000", "loan=yes",
                                          "currency=usd", "country=Kenya"])) == {
        "supplier_country": None, "amount": 1500000.0, "loan": True, "currency": "USD", "country": "KEN"}
    with pytest.raises(ReviewError, match="FIELD=VALUE"):
        parse_assignments(["status"])
