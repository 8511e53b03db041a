"""Versions of claims and deployments, and reading the database as it stood at a moment."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from custodes.index.history import deployment_history_of, diff_since
from custodes.index.profiles import country_summaries, deployments_for
from custodes.review.decisions import decide
from custodes.store.asof import as_of
from custodes.store.history import parse_as_of
from custodes.store.schema import deployment_history, deployments
from tests.review.helpers import add_doc, claim_of, record, store

T0, T1, T2 = "2025-01-01T00:00:00+00:00", "2025-02-01T00:00:00+00:00", "2025-03-01T00:00:00+00:00"


@pytest.fixture
def evolving(engine: Engine) -> Engine:
    """Kenya and Uganda extracted at T0; at T1 Uganda is rejected and Kenya's year edited; at T2
    Zambia appears."""
    add_doc(engine, "doc-a")
    store(engine, "doc-a", [record("KEN"), record("UGA", status="planned", year=None)], T0)
    for country, decision, edits in (("UGA", "reject", {}), ("KEN", "edit", {"year": 2016})):
        with engine.begin() as conn:
            decide(conn, str(claim_of(engine, country)["id"]), decision, edits, "alice", None, T1)
    store(engine, "doc-a", [record("KEN"), record("UGA", status="planned", year=None), record("ZMB", supplier="Bolt")],
          T2)
    return engine


def test_an_unchanged_re_extraction_writes_no_new_version(engine: Engine) -> None:
    add_doc(engine, "doc-a")
    store(engine, "doc-a", [record("KEN")], T0)
    store(engine, "doc-a", [record("KEN")], T1)
    with engine.connect() as conn:
        assert len(conn.execute(select(deployment_history)).all()) == 1


def test_as_of_reads_what_was_asserted_then(evolving: Engine) -> None:
    with evolving.connect() as conn:
        with as_of(conn, "2025-01-15T00:00:00+00:00"):
            then = {v.country: v for v in deployments_for(conn)}
            then_countries = [s.iso3 for s in country_summaries(conn)]
        now = {v.country: v for v in deployments_for(conn)}
        with as_of(conn, "2024-12-31T00:00:00+00:00"):
            assert deployments_for(conn) == []
        # the shadow is gone after the block: the live table answers again
        assert {r.country for r in conn.execute(select(deployments.c.country))} == {"KEN", "ZMB"}
    assert set(then) == {"KEN", "UGA"} and then["KEN"].year == 2019 and then["KEN"].reviewed == "none"
    assert [e.text[:5] for e in then["UGA"].evidence] == ["Ugand"]
    assert sorted(then_countries) == ["KEN", "UGA"]
    assert set(now) == {"KEN", "ZMB"} and now["KEN"].year == 2016 and now["KEN"].reviewed == "fully"


def test_diff_lists_added_changed_and_removed(evolving: Engine) -> None:
    with evolving.connect() as conn:
        diff = diff_since(conn, "2025-01-15T00:00:00+00:00")
    assert [i.country for i in diff.added] == ["ZMB"]
    assert [i.country for i in diff.removed] == ["UGA"]
    [changed] = diff.changed
    assert changed.country == "KEN" and changed.changes["year"] == (2019, 2016)
    assert changed.changes["reviewed"] == ("none", "fully")


def test_history_lists_versions_and_the_decisions_behind_them(evolving: Engine) -> None:
    ken = str(claim_of(evolving, "KEN")["deployment_id"])
    with evolving.connect() as conn:
        report = deployment_history_of(conn, ken)
    assert [v.valid_from for v in report.versions] == [T0, T1]
    assert report.versions[0].valid_to == T1 and report.versions[1].valid_to is None
    assert report.versions[1].changes["year"] == (2019, 2016)
    assert [(d.decision, d.reviewer, d.edits) for d in report.decisions] == [("edit", "alice", {"year": 2016})]


@pytest.mark.parametrize(("given", "moment"), [
    ("2025-03-01", "2025-03-01T23:59:59+00:00"),
    ("2025-03-01T12:00:00Z", "2025-03-01T12:00:00+00:00"),
    ("2025-03-01T12:00:00", "2025-03-01T12:00:00+00:00"),
    ("2025-03-01T14:00:00+02:00", "2025-03-01T12:00:00+00:00"),
])
def test_as_of_takes_a_date_or_a_utc_date_time(given: str, moment: str) -> None:
    assert parse_as_of(given) == moment


def test_a_bad_as_of_names_the_expected_forms() -> None:
    with pytest.raises(ValueError, match="ISO date"):
        parse_as_of("last tuesday")
