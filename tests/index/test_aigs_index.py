"""The country index: AIGS 2022 reproduced exactly, and the same computation on extracted data."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from custodes.index.aigs import (
    CountryRow,
    Reference,
    apply_reference,
    load_index,
    merge_rows,
    rows_from_deployments,
    summarise,
)
from custodes.sources.datasets import get_importer
from custodes.sources.datasets.runner import run_import
from tests.index.conftest import claim, store_claims

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "datasets"

# The published figures of the 2022 workbook (Carnegie AIGS, Mendeley V4).
AIGS_2022 = {
    "countries": 97,
    "categories": {"safe city": 64, "facial recognition": 78, "smart policing": 69,
                   "social media surveillance": 38},
    "chinese_technology": 68,
    "us_technology": 31,
    "bri_members": 68,
    "chinese_technology_bri_members": 53,
    "regime_types": {"CA": 13, "EA": 32, "ED": 30, "LD": 22},
}


@pytest.fixture
def aigs_engine(engine: Engine) -> Engine:
    report = run_import(engine, get_importer("aigs-2022"))  # the bundled original workbook
    assert report.status == "imported" and report.rejected == 0
    return engine


def test_aigs2022_summary_reproduces_the_workbook_exactly(aigs_engine: Engine) -> None:
    with aigs_engine.connect() as conn:
        rows, summary = load_index(conn, "aigs2022")
    assert summary.to_dict() == AIGS_2022
    assert len(rows) == 97


def test_aigs2022_country_rows(aigs_engine: Engine) -> None:
    with aigs_engine.connect() as conn:
        rows, _ = load_index(conn, "aigs2022")
    by = {r.iso3: r for r in rows}
    usa = by["USA"]  # the row whose name cell is mangled in the workbook
    assert usa.categories == ["safe city", "facial recognition", "smart policing", "social media surveillance"]
    assert (usa.china, usa.us, usa.bri_member, usa.regime_type) == (False, True, False, "LD")
    assert usa.suppliers == ["Amazon", "Cognitec", "Palantir", "PredPol"]  # "Mult" is not a supplier
    assert usa.other_supplier_countries == ["ISR", "JPN"]
    tjk = by["TJK"]  # overflow companies are not Tajikistan's
    assert tjk.suppliers == ["Huawei"] and not tjk.us
    assert by["ARE"].suppliers == ["BriefCam", "Circinus", "Hikvision", "Huawei", "NEC"]
    assert by["KOR"].other_supplier_countries == ["KOR", "RUS", "SWE"]
    assert by["VNM"].categories == ["social media surveillance"] and by["VNM"].sources == 1


def test_extracted_index_from_claims_and_reference_tables(engine: Engine) -> None:
    run_import(engine, get_importer("bri-countries"), FIXTURES / "bri_mini.csv")
    run_import(engine, get_importer("regime-type"), FIXTURES / "regime_mini.csv")
    store_claims(engine, "doc-a", "doc-a", [claim("KEN", "Huawei", "CHN", ["smart_city", "video_surveillance"]),
                                            claim("SWE", "Palantir", "USA", ["smart_policing"])])
    store_claims(engine, "doc-b", "doc-a", [claim("KEN", "NEC", "JPN", ["facial_recognition"])])  # near-dup
    store_claims(engine, "doc-c", "doc-c", [claim("KEN", "Huawei", "CHN", ["smart_city"])])
    store_claims(engine, "doc-d", "doc-d", [claim("ITA", "Hikvision", "CHN", ["video_surveillance"])])
    with engine.connect() as conn:
        rows, summary = load_index(conn, "extracted")
    by = {r.iso3: r for r in rows}
    assert set(by) == {"KEN", "SWE"}  # Italy: video surveillance only, not an AIGS category
    ken = by["KEN"]
    assert ken.categories == ["safe city", "facial recognition"]
    assert (ken.china, ken.us, ken.other_supplier_countries) == (True, False, ["JPN"])
    assert ken.suppliers == ["Huawei", "NEC"] and ken.sources == 2  # doc-a and doc-b are one story
    assert (ken.bri_member, ken.regime_type) == (True, "EA")
    assert (by["SWE"].bri_member, by["SWE"].regime_type, by["SWE"].us) == (False, "LD", True)
    assert summary.to_dict() == {
        "countries": 2,
        "categories": {"safe city": 1, "facial recognition": 1, "smart policing": 1, "social media surveillance": 0},
        "chinese_technology": 1, "us_technology": 1, "bri_members": 1, "chinese_technology_bri_members": 1,
        "regime_types": {"CA": 0, "EA": 1, "ED": 0, "LD": 1}}


def test_all_unites_sources_and_counts_a_dataset_once(aigs_engine: Engine) -> None:
    run_import(aigs_engine, get_importer("aiddata-gcdf3"), FIXTURES / "gcdf3_mini.csv")
    store_claims(aigs_engine, "doc-a", "doc-a", [claim("PAK", "Huawei", "CHN", ["smart_city"])])
    with aigs_engine.connect() as conn:
        rows, summary = load_index(conn, "all")
    by = {r.iso3: r for r in rows}
    pak = by["PAK"]
    assert pak.datasets == ["aiddata-gcdf3", "aigs-2022"]
    assert pak.sources == 3  # one document group, AidData, AIGS
    assert "GNQ" not in by  # AidData says video surveillance only: not an AIGS category
    tza = by["TZA"]  # not in AIGS 2022; AidData's ZTE-funded Safe Zanzibar project
    assert (tza.categories, tza.china, tza.suppliers, tza.sources) == (["safe city"], True, ["ZTE"], 1)
    assert summary.countries == 98


def test_pure_functions_merge_and_reference() -> None:
    def name(iso3: str) -> str:
        return iso3.lower()

    deps = [
        {"id": "d1", "country": "KEN", "supplier": "Huawei", "supplier_country": "CHN", "tech": '["smart_city"]'},
        {"id": "d2", "country": "KEN", "supplier": None, "supplier_country": "USA", "tech": ["smart_policing"]},
        {"id": "d3", "country": "PER", "supplier": "X", "supplier_country": "PER", "tech": ["video_surveillance"]},
    ]
    rows = rows_from_deployments(deps, {"d1": {"g1"}, "d2": {"g1", "g2"}}, name)
    assert [(r.iso3, r.categories, r.china, r.us, r.sources) for r in rows] == [
        ("KEN", ["safe city", "smart policing"], True, True, 2)]
    aigs = [CountryRow("KEN", "ken", ["social media surveillance"], bri_member=True, regime_type="EA", sources=1,
                       datasets=["aigs-2022"])]
    merged = merge_rows(rows, aigs, aigs)
    assert merged[0].categories == ["safe city", "smart policing", "social media surveillance"]
    assert merged[0].sources == 3  # two groups + AIGS once, however often it is merged
    apply_reference(merged, {"KEN": Reference(False, "ED")}, bri_loaded=True, regime_loaded=True)
    assert (merged[0].bri_member, merged[0].regime_type) == (False, "ED")
    assert summarise(merged).countries == 1
    assert summarise([CountryRow("X", "x")]).countries == 0  # no category: not in the index


def test_unknown_source_is_refused(engine: Engine) -> None:
    with engine.connect() as conn, pytest.raises(ValueError, match="source must be one of"):
        load_index(conn, "aigs2019")
