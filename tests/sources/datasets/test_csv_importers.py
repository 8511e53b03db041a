"""The CSV importers (AidData GCDF 3.0, BRI, regime type, restricted vendors, OEM brands)."""

from __future__ import annotations

from pathlib import Path

import pytest

from custodes.sources.datasets import canonical_name, dataset_names, get_importer
from custodes.sources.datasets.base import DatasetFormatError, RowProblem, Statement
from tests.sources.datasets.conftest import DATASETS, read_all


def _errors(problems: list[RowProblem]) -> dict[int | None, str]:
    return {p.row: p.message for p in problems if p.severity == "error"}


def test_registry_of_importers() -> None:
    assert dataset_names() == ["bri-countries", "regime-type", "restricted-vendors", "oem-brands", "aigs-2022",
                               "aiddata-gcdf3"]
    assert canonical_name("aigs2022") == canonical_name("AIGS-2022") == "aigs-2022"
    assert canonical_name("nope") is None
    with pytest.raises(KeyError):
        get_importer("nope")


@pytest.mark.parametrize("name", ["bri-countries", "regime-type", "restricted-vendors", "oem-brands", "aigs-2022",
                                  "aiddata-gcdf3"])
def test_bundled_copy_has_metadata_and_source(name: str) -> None:
    importer = get_importer(name)
    path = importer.default_path()
    assert path.is_file() and (path.parent / "SOURCE.md").is_file()
    meta = importer.metadata
    assert meta.name == name and meta.licence and meta.citation and meta.url.startswith("http")
    assert importer.count_rows(path) > 0


def test_aiddata_projects_deployments_and_financing() -> None:
    statements, problems = read_all(get_importer("aiddata-gcdf3"), DATASETS / "gcdf3_mini.csv")
    projects = {s.subject: s for s in statements if s.property == "project"}
    assert set(projects) == {"37016", "60196", "1119", "86378", "91780"}
    assert projects["1119"].detail and projects["1119"].detail["recipient_country"] == "MOZ"
    deployments = {s.subject: s.detail for s in statements if s.property == "deployment"}
    assert set(deployments) == {"37016", "60196", "91780"}  # core rows with a country and a category
    pak = deployments["37016"]
    assert pak is not None
    assert (pak["country"], pak["tech"], pak["status"], pak["year"]) == ("PAK", ["smart_city"], "deployed", 2010)
    assert (pak["lender"], pak["lender_country"], pak["currency"]) == ("China Eximbank", "CHN", "USD")
    assert pak["amount"] == pytest.approx(174885814.404555)
    tza = deployments["60196"]
    assert tza is not None and (tza["supplier"], tza["supplier_country"], tza["status"]) == ("ZTE", "CHN", "planned")
    gnq = deployments["91780"]
    assert gnq is not None and gnq["lender"] == "China Development Bank"
    assert gnq["tech"] == ["video_surveillance"]


def test_aiddata_bad_rows_are_rejected_with_row_numbers() -> None:
    statements, problems = read_all(get_importer("aiddata-gcdf3"), DATASETS / "gcdf3_mini.csv")
    errors = _errors(problems)
    assert set(errors) == {5, 6}
    assert "commitment_year '20x5' is not a year" in errors[5]
    assert "18 fields where the header has 19" in errors[6]
    assert not [s for s in statements if s.row in (5, 6)]
    regional = [p for p in problems if p.kind == "no-country"]
    assert [p.row for p in regional] == [7] and regional[0].severity == "warning"


def test_unused_column_is_reported(tmp_path: Path) -> None:
    lines = (DATASETS / "gcdf3_mini.csv").read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ",source_url"] + [line + ",https://example.org" for line in lines[1:]]
    path = tmp_path / "extra.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    statements, problems = read_all(get_importer("aiddata-gcdf3"), path)
    unused = [p for p in problems if p.kind == "unused-column"]
    assert len(unused) == 1 and "'source_url'" in unused[0].message and unused[0].row == 1
    assert len([s for s in statements if s.property == "project"]) == 5


def test_missing_column_is_a_format_error(tmp_path: Path) -> None:
    text = (DATASETS / "bri_mini.csv").read_text(encoding="utf-8").replace("mou,exit", "signed,exit", 1)
    path = tmp_path / "bri.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DatasetFormatError, match="'mou'"):
        read_all(get_importer("bri-countries"), path)


def test_bri_members_exits_and_bad_rows() -> None:
    statements, problems = read_all(get_importer("bri-countries"), DATASETS / "bri_mini.csv")
    values = {s.subject: s for s in statements}
    assert {k: v.value for k, v in values.items()} == {"KEN": "yes", "ITA": "exited", "RUS": "yes"}
    assert values["ITA"].detail and values["ITA"].detail["exit"] == "2023-12-06"
    assert values["RUS"].note and "MoU" in values["RUS"].note
    errors = _errors(problems)
    assert set(errors) == {5, 6} and "'XXX'" in errors[5] and "'May 2015'" in errors[6]


def test_regime_keeps_latest_year_per_country() -> None:
    statements, problems = read_all(get_importer("regime-type"), DATASETS / "regime_mini.csv")
    found = {(s.subject_type, s.subject): (s.value, s.as_of) for s in statements}
    assert found == {("country", "KEN"): ("EA", "2023"), ("country", "XKX"): ("ED", "2024"),
                     ("territory", "Somaliland"): ("EA", "2024"), ("country", "SWE"): ("LD", "2023")}
    assert _errors(problems) == {10: "Political regime '7' is not one of 0, 1, 2, 3; row rejected"}
    historical = [p for p in problems if p.kind == "historical-entity"]
    assert len(historical) == 1 and "East Germany" in historical[0].message


def test_restricted_vendors_with_active_flag_and_citation() -> None:
    statements, problems = read_all(get_importer("restricted-vendors"), DATASETS / "restricted_mini.csv")
    by_subject = {s.subject: s for s in statements}
    hik = by_subject["hikvision"]
    assert hik.value == "ndaa-889" and hik.as_of == "2018-08-13"
    assert hik.detail and hik.detail["active"] is True and hik.detail["active_basis"]
    assert hik.detail["jurisdiction"] == "US"
    assert hik.detail["citation_url"] == "https://www.acq.osd.mil/dpap/dars/section889.html"
    assert hik.raw_value == "Hangzhou Hikvision Digital Technology Company"
    assert "Acme Watchers Ltd." in by_subject  # unknown to the registry: kept under its name, noted
    assert [p.kind for p in problems if p.row == 3] == ["unknown-vendor"]
    assert _errors(problems) == {4: "date 'Oct 2019' is not YYYY-MM or YYYY-MM-DD; row rejected"}
    assert [p.kind for p in problems if p.row == 5] == ["unknown-list"]
    assert by_subject["huawei"].detail and by_subject["huawei"].detail["jurisdiction"] == "UK"


def test_bundled_restricted_list_resolves_its_vendors() -> None:
    importer = get_importer("restricted-vendors")
    statements, problems = read_all(importer, importer.default_path())
    assert len(statements) == 49 and not _errors(problems)
    assert {s.value for s in statements if s.subject == "hikvision"} == {
        "ndaa-889", "fcc-covered-list", "fcc-22-84", "bis-entity-list"}
    assert all(s.detail and s.detail["active"] for s in statements)


def test_oem_brands_with_evidence_strength() -> None:
    statements, problems = read_all(get_importer("oem-brands"), DATASETS / "oem_mini.csv")
    found = {(s.subject, s.value): s.detail for s in statements}
    lorex = found[("dahua", "Lorex")]
    assert lorex and (lorex["attribution"], lorex["evidence_strength"], lorex["evidence_basis"]) == (
        "named", "strong", "IPVM investigation")
    for maker in ("hikvision", "dahua"):
        bosch = found[(maker, "Bosch")]
        assert bosch and bosch["attribution"] == "either" and bosch["evidence_strength"] == "weak"
    assert _errors(problems) == {4: "evidence_strength 'unknown' does not start with one of strong, moderate, "
                                    "weak; row rejected"}


def test_statements_know_their_sheet_and_row() -> None:
    statements, _ = read_all(get_importer("bri-countries"), DATASETS / "bri_mini.csv")
    assert all(isinstance(s, Statement) and s.sheet == "bri_mini.csv" for s in statements)
    assert [s.row for s in statements] == [2, 3, 4]
