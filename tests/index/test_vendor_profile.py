"""Vendor profile data: home country, restrictions, OEM brands, countries supplied with provenance."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from custodes.index.vendors import vendor_profile, vendor_profile_by_name
from custodes.resolve.vendors import VendorRegistry
from custodes.sources.datasets import get_importer
from custodes.sources.datasets.runner import run_import
from tests.index.conftest import claim, store_claims

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "datasets"


def test_profile_joins_restrictions_oem_and_supplies(engine: Engine) -> None:
    for name in ("restricted-vendors", "oem-brands", "aigs-2022"):
        run_import(engine, get_importer(name))
    store_claims(engine, "doc-a", "doc-a", [claim("KEN", "Hikvision", "CHN", ["facial_recognition"],
                                                  "Hikvision cameras were installed in Nairobi.")],
                 title="Nairobi cameras")
    with engine.connect() as conn:
        profile = vendor_profile_by_name(conn, "Hangzhou Hikvision Digital Technology")
    assert profile is not None
    assert (profile.id, profile.name, profile.country) == ("hikvision", "Hikvision", "CHN")
    assert {r.list_id for r in profile.restrictions} == {"ndaa-889", "fcc-covered-list", "fcc-22-84",
                                                         "bis-entity-list"}
    entity = next(r for r in profile.restrictions if r.list_id == "bis-entity-list")
    assert (entity.jurisdiction, entity.date, entity.active) == ("US", "2019-10-09", True)
    assert entity.citation_url.startswith("https://") and entity.origin.startswith("restricted-vendors@2024-12:")
    brands = {(o.brand, o.attribution): o.evidence_strength for o in profile.oem_brands}
    assert brands[("Honeywell", "either")] == "moderate"
    assert brands[("LTS", "named")] == "weak"
    by_country = {c.iso3: c for c in profile.countries}
    ken = by_country["KEN"]
    [source] = ken.sources
    assert (source.kind, source.title, source.evidence) == ("document", "Nairobi cameras",
                                                          "Hikvision cameras were installed in Nairobi.")
    assert ken.categories == ["facial_recognition"]
    are = by_country["ARE"]  # AIGS spells it "Hikvsion" on this row
    [aigs] = are.sources
    assert (aigs.kind, aigs.dataset, aigs.origin) == ("dataset", "aigs-2022", "aigs-2022@v4:AIGS 2022!R12")
    assert aigs.categories_scope == "country" and "facial_recognition" in aigs.categories
    assert are.categories == []  # AIGS does not say which categories Hikvision supplied
    assert "TJK" not in by_country  # no overflow company is attributed


def test_brand_side_and_unknown_vendor(engine: Engine) -> None:
    run_import(engine, get_importer("oem-brands"))
    honeywell = VendorRegistry.default().resolve("Honeywell")
    assert honeywell is not None
    with engine.connect() as conn:
        profile = vendor_profile(conn, honeywell)
        assert {(o.manufacturer, o.attribution) for o in profile.sells_for} == {
            ("Dahua", "named"), ("Dahua", "either"), ("Hikvision", "either")}
        assert profile.restrictions == [] and profile.to_dict()["country"] == "USA"
        assert vendor_profile_by_name(conn, "No Such Company Ltd") is None


def test_dataset_financed_project_appears_with_its_origin(engine: Engine) -> None:
    run_import(engine, get_importer("aiddata-gcdf3"), FIXTURES / "gcdf3_mini.csv")
    zte = VendorRegistry.default().resolve("ZTE")
    assert zte is not None
    with engine.connect() as conn:
        profile = vendor_profile(conn, zte)
    [tza] = profile.countries
    [source] = tza.sources
    assert (tza.iso3, tza.categories) == ("TZA", ["smart_city"])
    assert source.origin == "aiddata-gcdf3@3.0:gcdf3_mini.csv!R3"
    assert source.url == "https://china.aiddata.org/projects/60196/"


def test_country_datasets_for_a_profile(engine: Engine) -> None:
    from custodes.index.country_datasets import country_datasets

    for name in ("bri-countries", "regime-type", "aigs-2022", "aiddata-gcdf3"):
        run_import(engine, get_importer(name))
    with engine.connect() as conn:
        view = country_datasets(conn, "ECU")
    assert view.bri_member is True and view.regime_type in ("EA", "ED", "LD", "CA") and view.regime_year
    aigs = view.facts["aigs-2022@v4"]
    assert {f.value for f in aigs if f.property == "category"} == {"smart_city", "facial_recognition",
                                                                  "smart_policing"}
    assert all(f.origin.startswith("aigs-2022@v4:") for f in aigs)
    lenders = {d["lender"] for d in view.deployments if d["dataset"] == "aiddata-gcdf3"}
    assert "China Development Bank" in lenders
    assert {d["supplier"] for d in view.deployments if d["dataset"] == "aigs-2022"} == {"Huawei", "CEIEC"}
