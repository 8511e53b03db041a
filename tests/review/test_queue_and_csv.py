"""The review queue's order and filters; CSV import with bad rows, and the export round trip."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import Engine, func, select

from custodes.review.csvio import export_decisions, import_decisions
from custodes.review.decisions import ReviewError
from custodes.review.queue import review_queue
from custodes.store.schema import reviews
from tests.review.helpers import add_doc, claim_of, record, store

T0, T1 = "2025-01-01T00:00:00+00:00", "2025-02-01T00:00:00+00:00"


@pytest.fixture
def stored(engine: Engine) -> Engine:
    add_doc(engine, "doc-a")
    add_doc(engine, "doc-b", text="Uganda signed with Acme, a second outlet said." + " " * 50)
    store(engine, "doc-a", [record("KEN", conf=0.35), record("UGA", conf=0.32), record("ZMB", supplier="Bolt",
                                                                                      conf=0.9)], T0)
    store(engine, "doc-b", [record("UGA", conf=0.31, evidence=(0, 23))], T0)
    return engine


def test_low_confidence_first_then_claims_that_alone_carry_a_deployment(stored: Engine) -> None:
    with stored.connect() as conn:
        order = [(i.country, i.deployment_claims) for i in review_queue(conn)]
    # KEN (0.35) and UGA (0.31, 0.32) share the 0.3 band: Kenya's single claim carries its
    # deployment alone, so it comes before Uganda's two; the confident Zambia claim comes last
    assert order == [("KEN", 1), ("UGA", 2), ("UGA", 2), ("ZMB", 1)]


def test_queue_filters_by_country_supplier_and_state(stored: Engine) -> None:
    with stored.connect() as conn:
        assert {i.country for i in review_queue(conn, country="UGA")} == {"UGA"}
        assert [i.country for i in review_queue(conn, supplier="bolt")] == ["ZMB"]
        assert review_queue(conn, states=("accepted",)) == []
        with pytest.raises(ValueError, match="--status 'done'"):
            review_queue(conn, states=("done",))


def test_import_records_the_good_rows_and_names_the_bad_ones(stored: Engine) -> None:
    ken, zmb = claim_of(stored, "KEN")["id"], claim_of(stored, "ZMB")["id"]
    csv_text = (
        "claim_id,decision,reviewer,reason,status,year,colour\n"
        f"{ken},accept,alice,fine,,,\n"
        f"{zmb},edit,bob,,planned,2021,\n"
        "clm-0000000000000000,accept,alice,,,,\n"
        f"{ken},edit,alice,,maybe,,\n"
        f"{zmb},reject,,,,,\n"
    )
    with stored.begin() as conn:
        result = import_decisions(conn, io.StringIO(csv_text), "decisions.csv", T1)
    assert result.applied == 2
    assert result.ignored_columns == ["colour"]
    assert result.errors == [
        "decisions.csv:4: clm-0000000000000000: no such claim",
        "decisions.csv:5: status: 'maybe' is not one of deployed, planned, cancelled, unknown",
        "decisions.csv:6: reviewer: say who decides (--by NAME)",
    ]
    assert claim_of(stored, "KEN")["review_state"] == "accepted"
    zmb_row = claim_of(stored, "ZMB")
    assert (zmb_row["review_state"], zmb_row["status"], zmb_row["year"]) == ("edited", "planned", 2021)


def test_a_file_without_the_required_columns_is_refused_whole(stored: Engine) -> None:
    with pytest.raises(ReviewError, match="missing column"), stored.begin() as conn:
        import_decisions(conn, io.StringIO("claim,verdict\nx,y\n"), "d.csv", T1)


def test_exported_decisions_import_into_another_database_and_stale_ones_are_refused(
        stored: Engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from custodes.store.db import open_database

    ken = str(claim_of(stored, "KEN")["id"])
    with stored.begin() as conn:
        import_decisions(conn, io.StringIO(f"claim_id,decision,reviewer,year\n{ken},edit,alice,2015\n"), "a.csv", T1)
    out = io.StringIO()
    with stored.connect() as conn:
        assert export_decisions(conn, out) == 1
    exported = out.getvalue()

    other = open_database(tmp_path / "other.db")
    add_doc(other, "doc-a")
    store(other, "doc-a", [record("KEN", conf=0.35)], T0)
    with other.begin() as conn:
        result = import_decisions(conn, io.StringIO(exported), "log.csv", T1)
    assert result.applied == 1 and not result.errors
    assert "decided_at" in result.ignored_columns
    assert claim_of(other, "KEN")["year"] == 2015

    stale = open_database(tmp_path / "stale.db")
    add_doc(stale, "doc-a")
    store(stale, "doc-a", [record("KEN", year=2011)], T0)  # another extraction: the decision is not about it
    with stale.begin() as conn:
        result = import_decisions(conn, io.StringIO(exported), "log.csv", T1)
    assert result.applied == 0 and "output_hash: the claim changed" in result.errors[0]
    with stale.connect() as conn:
        assert conn.execute(select(func.count()).select_from(reviews)).scalar() == 0
