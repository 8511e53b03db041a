"""Storing imports: migration 0004, idempotent re-import, supersession, rejected rows, projections."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, inspect, select, text

from custodes.ids import stable_id
from custodes.sources.datasets import get_importer
from custodes.sources.datasets.runner import VersionConflict, run_import
from custodes.store.datasets import (
    dataset_deployments,
    dataset_problems,
    dataset_statements,
    datasets,
    make_origin,
    parse_origin,
)
from custodes.store.db import create_sqlite_engine, current_revision, upgrade

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "datasets"
MINI = FIXTURES / "aigs_mini.xlsx"
MINI_V5 = FIXTURES / "aigs_mini_v5.xlsx"


def _snapshot(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    with engine.connect() as conn:
        return {table.name: [dict(r) for r in conn.execute(select(table).order_by(*table.primary_key)).mappings()]
                for table in (datasets, dataset_statements, dataset_problems, dataset_deployments)}


def test_migration_adds_tables_and_view(db_path: Path) -> None:
    engine = create_sqlite_engine(db_path)
    upgrade(engine, "0003")
    upgrade(engine, "0004")
    assert current_revision(engine) == "0004"
    names = set(inspect(engine).get_table_names())
    assert {"datasets", "dataset_statements", "dataset_problems", "dataset_deployments", "countries",
            "vendors"} <= names
    assert "all_deployments" in inspect(engine).get_view_names()
    with engine.begin() as conn:
        from alembic import command

        from custodes.store.db import alembic_config

        command.downgrade(alembic_config(conn), "0003")
    assert "dataset_statements" not in set(inspect(engine).get_table_names())


def test_origin_and_id_recipe() -> None:
    origin = make_origin("aigs-2022", "v4", "AIGS 2022", 12)
    assert origin == "aigs-2022@v4:AIGS 2022!R12"
    assert parse_origin(origin) == ("aigs-2022", "v4", "AIGS 2022", 12)
    assert parse_origin("not an origin") is None


def test_import_stores_statements_with_origin_and_stable_ids(engine: Engine) -> None:
    report = run_import(engine, get_importer("aigs-2022"), MINI, now="2025-01-01T00:00:00+00:00")
    assert report.status == "imported" and report.version == "v4"
    with engine.connect() as conn:
        row = conn.execute(select(dataset_statements).where(
            (dataset_statements.c.subject == "BHR") & (dataset_statements.c.property == "country_name")
            & (dataset_statements.c.origin.like("%AIGS 2022!%")))).mappings().one()
        assert row["origin"] == "aigs-2022@v4:AIGS 2022!R2"
        assert row["id"] == stable_id("dst", "aigs-2022", "v4", row["origin"], "country", "BHR", "country_name",
                                      "Bahrain")
        assert (row["first_seen"], row["last_seen"], row["current"]) == (
            "2025-01-01T00:00:00+00:00", "2025-01-01T00:00:00+00:00", True)
        assert row["importer_version"].startswith("1.")
        meta = conn.execute(select(datasets)).mappings().one()
        assert (meta["rows"], meta["rejected"], meta["superseded"]) == (17, 1, False)
        assert meta["licence"] == "CC BY 4.0" and meta["file"] == "aigs_mini.xlsx"


def test_rejected_rows_are_not_stored_and_problems_are(engine: Engine) -> None:
    report = run_import(engine, get_importer("aigs-2022"), MINI)
    assert report.rejected == 1
    with engine.connect() as conn:
        origins = set(conn.execute(select(dataset_statements.c.origin)).scalars())
        assert "aigs-2022@v4:AIGS 2022!R7" not in origins
        problems = conn.execute(select(dataset_problems).where(dataset_problems.c.severity == "error")).mappings().all()
    assert [(p["sheet"], p["row"], p["cell"], p["kind"]) for p in problems] == [
        ("AIGS 2022", 7, "A7", "unknown-country")]


def test_reimport_changes_nothing(engine: Engine) -> None:
    first = run_import(engine, get_importer("aigs-2022"), MINI, now="2025-01-01T00:00:00+00:00")
    before = _snapshot(engine)
    again = run_import(engine, get_importer("aigs-2022"), MINI, now="2025-02-01T00:00:00+00:00")
    assert again.status == "unchanged"
    assert (again.statements, again.rejected) == (first.statements, first.rejected)
    assert [str(p) for p in again.problems] == [str(p) for p in first.problems]
    assert _snapshot(engine) == before


def test_forced_reimport_keeps_ids_and_first_seen(engine: Engine) -> None:
    run_import(engine, get_importer("aigs-2022"), MINI, now="2025-01-01T00:00:00+00:00")
    before = _snapshot(engine)["dataset_statements"]
    report = run_import(engine, get_importer("aigs-2022"), MINI, force=True, now="2025-02-01T00:00:00+00:00")
    after = _snapshot(engine)["dataset_statements"]
    assert report.counts["new"] == 0 and report.counts["kept"] == len(before)
    assert [(r["id"], r["first_seen"]) for r in after] == [(r["id"], r["first_seen"]) for r in before]
    assert {r["last_seen"] for r in after} == {"2025-02-01T00:00:00+00:00"}


def test_new_version_supersedes_and_history_stays(engine: Engine) -> None:
    old = run_import(engine, get_importer("aigs-2022"), MINI, now="2025-01-01T00:00:00+00:00")
    new = run_import(engine, get_importer("aigs-2022"), MINI_V5, version="v5", now="2025-03-01T00:00:00+00:00")
    assert new.status == "imported" and new.counts["superseded"] == old.statements
    with engine.connect() as conn:
        versions = dict(conn.execute(select(datasets.c.version, datasets.c.superseded)).all())
        assert versions == {"v4": True, "v5": False}
        current = conn.execute(text(
            "SELECT dataset_version, current, count(*) FROM dataset_statements GROUP BY 1, 2")).all()
        assert sorted(current) == [("v4", 0, old.statements), ("v5", 1, new.statements)]
        bahrain = conn.execute(text(
            "SELECT dataset_version, value FROM dataset_statements WHERE subject = 'BHR' AND property = 'category' "
            "AND current")).all()
        assert sorted(v for _ver, v in bahrain) == ["facial_recognition", "smart_policing", "social_media_monitoring"]
        assert {ver for ver, _v in bahrain} == {"v5"}
        chile = conn.execute(text("SELECT count(*), sum(current) FROM dataset_statements WHERE subject = 'CHL'")).one()
        assert chile[0] > 0 and chile[1] == 0  # gone from v5, kept in history
        deps = set(conn.execute(select(dataset_deployments.c.dataset_version)).scalars())
        assert deps == {"v5"}


def test_a_different_file_under_the_same_version_is_refused(engine: Engine) -> None:
    run_import(engine, get_importer("aigs-2022"), MINI)
    with pytest.raises(VersionConflict, match="--version"):
        run_import(engine, get_importer("aigs-2022"), MINI_V5)


def test_dataset_deployments_and_the_all_deployments_view(engine: Engine) -> None:
    run_import(engine, get_importer("aiddata-gcdf3"), FIXTURES / "gcdf3_mini.csv")
    run_import(engine, get_importer("aigs-2022"), MINI)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT origin, dataset, country, supplier, tech, status, lender, lender_country, currency "
            "FROM all_deployments WHERE dataset = 'aiddata-gcdf3' ORDER BY country")).all()
        assert [(r.country, r.lender) for r in rows] == [
            ("GNQ", "China Development Bank"), ("PAK", "China Eximbank"), ("TZA", "ZTE")]
        assert rows[1].origin == "aiddata-gcdf3@3.0:gcdf3_mini.csv!R2"
        assert rows[1].tech == '["smart_city"]' and rows[1].lender_country == "CHN"
        aigs = conn.execute(text(
            "SELECT country, supplier FROM dataset_deployments WHERE dataset = 'aigs-2022' AND country = 'BHR' "
            "ORDER BY supplier COLLATE NOCASE")).all()
        assert [r.supplier for r in aigs] == ["Hikvision", "iOmniscient", "Pelco"]


def test_reference_tables_follow_the_imports(engine: Engine) -> None:
    run_import(engine, get_importer("bri-countries"), FIXTURES / "bri_mini.csv")
    run_import(engine, get_importer("regime-type"), FIXTURES / "regime_mini.csv")
    run_import(engine, get_importer("restricted-vendors"), FIXTURES / "restricted_mini.csv")
    with engine.connect() as conn:
        countries = {r.iso3: r for r in conn.execute(text("SELECT * FROM countries"))}
        ken = countries["KEN"]
        assert (ken.bri_member, ken.regime_type, ken.regime_year) == (1, "EA", 2023)
        assert (countries["ITA"].bri_member, countries["ITA"].bri_exit) == (0, "2023-12-06")
        assert countries["SWE"].bri_member is None and countries["SWE"].regime_type == "LD"
        assert countries["KEN"].bri_origin == "bri-countries@2025-05:bri_mini.csv!R2"
        vendors = {r.id: r for r in conn.execute(text("SELECT * FROM vendors"))}
        assert vendors["hikvision"].restricted_active == 1 and vendors["hikvision"].country == "CHN"
