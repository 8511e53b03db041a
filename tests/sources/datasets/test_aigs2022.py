"""The AIGS 2022 importer on the bundled original workbook and on a small fixture workbook."""

from __future__ import annotations

from pathlib import Path

import pytest

from custodes.sources.datasets.aigs2022 import Aigs2022Importer
from custodes.sources.datasets.base import DatasetFormatError, RowProblem, Statement
from tests.fixtures.datasets.build_datasets import MAIN_HEADERS, MAIN_ROWS, REPRESSION_ROWS, write_aigs
from tests.sources.datasets.conftest import DATASETS, read_all

MAIN = "AIGS 2022"


@pytest.fixture(scope="module")
def importer() -> Aigs2022Importer:
    return Aigs2022Importer()


@pytest.fixture(scope="module")
def bundled(importer: Aigs2022Importer) -> tuple[list[Statement], list[RowProblem]]:
    return read_all(importer, importer.default_path())


def _on(statements: list[Statement], subject: str, prop: str, sheet: str = MAIN) -> list[Statement]:
    return [s for s in statements if s.subject == subject and s.property == prop and s.sheet == sheet]


def _problem(problems: list[RowProblem], kind: str, row: int) -> RowProblem:
    found = [p for p in problems if p.kind == kind and p.row == row]
    assert len(found) == 1, (kind, row, problems)
    return found[0]


def test_bundled_workbook_is_the_original(importer: Aigs2022Importer) -> None:
    from custodes.sources.datasets.base import sha256_file

    assert sha256_file(importer.default_path()) == "d36990124a364c49a3425a3aad8d93d667f3440286b0420d181f7d073600cdc2"


def test_every_main_sheet_row_becomes_a_country(bundled: tuple[list[Statement], list[RowProblem]]) -> None:
    statements, problems = bundled
    countries = {s.subject for s in statements if s.property == "country_name" and s.sheet == MAIN}
    assert len(countries) == 97
    assert not [p for p in problems if p.severity == "error"]


def test_mangled_country_name_is_reported_and_kept_visible(bundled: tuple[list[Statement], list[RowProblem]]) -> None:
    statements, problems = bundled
    p = _problem(problems, "corrupted-cell", 97)
    assert p.sheet == MAIN and p.cell == "A97" and p.severity == "warning"
    assert "UnitElectoral Democracy States of AmeriClosed Autocracy" in p.message
    assert "does not resolve to a country" in p.message
    [name] = _on(statements, "USA", "country_name")
    assert name.value == "United States of America"
    assert name.raw_value == "UnitElectoral Democracy States of AmeriClosed Autocracy"
    assert all(s.note and "regime label" in s.note for s in statements if s.sheet == MAIN and s.row == 97)


def test_mangled_supplier_countries_are_reported(bundled: tuple[list[Statement], list[RowProblem]]) -> None:
    statements, problems = bundled
    row91 = [p for p in problems if p.row == 91 and p.kind == "corrupted-cell"]
    assert {p.cell for p in row91} == {"R91"}
    assert any("South KorElectoral Autocracy" in p.message for p in row91)
    assert any("SwElectoral Democracyen" in p.message for p in row91)
    others = {s.value: s.raw_value for s in _on(statements, "KOR", "other_supplier_country")}
    assert others == {"KOR": "South KorElectoral Autocracy", "SWE": "SwElectoral Democracyen", "RUS": "Russia"}


@pytest.mark.parametrize(("row", "subject", "cells", "companies"), [
    (23, "IND", "X23:Y23", {"SenseTime"}),
    (37, "RUS", "X37:Z37", {"Gatekeeper"}),
    (40, "TJK", "X40:AF40", {"Avigilon", "Anduril", "Qognify"}),
    (73, "SVN", "X73", {"Qognify"}),
    (83, "FRA", "X83:Y83", {"Genetec"}),
])
def test_overflow_lists_are_reported_and_not_attributed(
        bundled: tuple[list[Statement], list[RowProblem]], row: int, subject: str, cells: str,
        companies: set[str]) -> None:
    statements, problems = bundled
    p = _problem(problems, "overflow", row)
    assert p.cell == cells and subject in p.message and "NOT attributed" in p.message
    attributed = {s.value for s in _on(statements, subject, "deployment")}
    assert not companies & attributed


def test_only_the_five_known_rows_overflow(bundled: tuple[list[Statement], list[RowProblem]]) -> None:
    assert sorted(p.row for p in bundled[1] if p.kind == "overflow") == [23, 37, 40, 73, 83]


def test_typos_resolve_through_aliases(bundled: tuple[list[Statement], list[RowProblem]]) -> None:
    statements, _ = bundled
    uae = {s.value: s for s in _on(statements, "ARE", "deployment")}
    assert uae["Hikvision"].raw_value == "Hikvsion"
    assert uae["Hikvision"].detail and uae["Hikvision"].detail["supplier_id"] == "hikvision"
    for iso3 in ("BHR", "HKG"):
        found = {s.value: s for s in _on(statements, iso3, "deployment")}
        assert found["iOmniscient"].raw_value == "iOmnicient"
        assert found["iOmniscient"].detail and found["iOmniscient"].detail["supplier_country"] == "AUS"


def test_mult_is_kept_raw_and_reported(bundled: tuple[list[Statement], list[RowProblem]]) -> None:
    statements, problems = bundled
    reported = sorted((p.row, p.cell) for p in problems if p.kind == "not-a-company")
    assert reported == [(4, "S4"), (10, "S10"), (37, "S37"), (97, "S97")]
    placeholders = sorted(s.subject for s in statements if s.property == "supplier_placeholder")
    assert placeholders == ["CHN", "RUS", "SAU", "USA"]
    assert all(s.value == "Mult" for s in statements if s.property == "supplier_placeholder")
    assert not [s for s in statements if s.property == "deployment" and s.value == "Mult"]


def test_flags_categories_and_regime(bundled: tuple[list[Statement], list[RowProblem]]) -> None:
    statements, _ = bundled
    assert {s.value for s in _on(statements, "CHN", "category")} == {
        "smart_city", "facial_recognition", "smart_policing", "social_media_monitoring"}
    assert [s.value for s in _on(statements, "VNM", "category")] == ["social_media_monitoring"]
    assert [s.value for s in _on(statements, "LAO", "bri_member")] == ["yes"]
    assert [s.value for s in _on(statements, "MMR", "us_tech")] == ["no"]
    [regime] = _on(statements, "BHR", "regime_type")
    assert (regime.value, regime.as_of, regime.row) == ("CA", "2021", 2)


def test_every_column_is_consumed(bundled: tuple[list[Statement], list[RowProblem]]) -> None:
    """Bahrain's row has a value in every labelled column but two; each value is a statement."""
    statements, problems = bundled
    columns = {(s.detail or {}).get("column") for s in statements if s.subject == "BHR" and s.sheet == MAIN}
    assert not [p for p in problems if p.kind == "unused-column"]
    assert columns >= {"Region", "V-Dem Electoral Democracy Index 2021", "Feldstein Digital Repression Index 2021",
                       "Freedom on the Net 2021 Status", "Freedom on the Net 2021 Score",
                       "Military Expenditures (USD) 2018", "Military Expenditures Ranking (2018)",
                       "Member of Belt & Road Initiative", "Facial Recognition System", "US Tech",
                       "Other Countries", "Company 1", "Company 2", "Company 3"}


def test_second_sheet_and_region_codes(bundled: tuple[list[Statement], list[RowProblem]]) -> None:
    statements, _ = bundled
    repression = "Digital Repression Inde + V-Dem"
    listed = {s.subject for s in statements if s.property == "aigs_listed" and s.value == "yes"}
    assert len(listed) == 97
    assert {s.subject for s in statements if s.subject_type == "territory"} == {
        "Palestine/Gaza", "Palestine/West Bank", "Somaliland", "Zanzibar"}
    [region] = _on(statements, "AGO", "aigs_region")
    assert (region.value, region.raw_value) == ("AFR", "AF")
    assert _on(statements, "AGO", "aigs_region", repression)[0].value == "AFR"


# ---------------------------------------------------------------------- fixture workbook


@pytest.fixture(scope="module")
def mini(importer: Aigs2022Importer) -> tuple[list[Statement], list[RowProblem]]:
    return read_all(importer, DATASETS / "aigs_mini.xlsx")


def test_detection_is_general_not_a_list_of_rows(mini: tuple[list[Statement], list[RowProblem]]) -> None:
    statements, problems = mini
    country = _problem(problems, "corrupted-cell", 4)
    assert country.cell == "A4" and "SwElectoral Democracyen" in country.message
    assert [s.value for s in _on(statements, "SWE", "country_name")] == ["Sweden"]
    supplier = _problem(problems, "corrupted-cell", 8)
    assert supplier.cell == "R8"
    assert {s.value for s in _on(statements, "CHL", "other_supplier_country")} == {"JPN", "KOR"}
    overflow = _problem(problems, "overflow", 5)
    assert overflow.cell == "X5:Z5" and "Avigilon | Genetec | NEC" in overflow.message
    assert {s.value for s in _on(statements, "KEN", "deployment")} == {"Huawei"}


def test_company_on_a_row_without_category_flags(mini: tuple[list[Statement], list[RowProblem]]) -> None:
    statements, problems = mini
    p = _problem(problems, "misplaced-company", 6)
    assert p.cell == "S6" and "Desarrollos Terrestres" in p.message
    assert not _on(statements, "PER", "deployment")


def test_unresolvable_country_rejects_the_row(mini: tuple[list[Statement], list[RowProblem]]) -> None:
    statements, problems = mini
    p = _problem(problems, "unknown-country", 7)
    assert p.severity == "error" and p.cell == "A7" and "Freedonia" in p.message
    assert not [s for s in statements if s.sheet == MAIN and s.row == 7]


def test_bad_flag_and_inconsistent_row(mini: tuple[list[Statement], list[RowProblem]]) -> None:
    statements, problems = mini
    bad = _problem(problems, "bad-value", 9)
    assert bad.cell == "L9" and "'y'" in bad.message
    assert {s.value for s in _on(statements, "GHA", "category")} == {"smart_policing"}
    inconsistent = _problem(problems, "inconsistent-row", 2)
    assert inconsistent.cell == "U2" and "Hikvision" in inconsistent.message
    found = {s.value: s.raw_value for s in _on(statements, "BHR", "deployment")}
    assert found == {"iOmniscient": "iOmnicient", "Pelco": None, "Hikvision": "Hikvsion"}


def test_unknown_column_is_reported_as_unused(importer: Aigs2022Importer, tmp_path: Path) -> None:
    rows = [r[:len(MAIN_HEADERS)] + [None, None, "note"] for r in MAIN_ROWS]
    headers = MAIN_HEADERS + [None, None, "Notes"]  # type: ignore[list-item]
    path = write_aigs(tmp_path / "extra.xlsx", rows, REPRESSION_ROWS, main_headers=headers)  # type: ignore[arg-type]
    _, problems = read_all(importer, path)
    unused = [p for p in problems if p.kind == "unused-column"]
    assert len(unused) == 1 and unused[0].cell == "Z1" and "'Notes'" in unused[0].message


def test_missing_column_is_a_format_error(importer: Aigs2022Importer, tmp_path: Path) -> None:
    headers = [h if h != "China Tech" else "Chinese Tech" for h in MAIN_HEADERS]
    path = write_aigs(tmp_path / "renamed.xlsx", MAIN_ROWS, REPRESSION_ROWS, main_headers=headers)
    with pytest.raises(DatasetFormatError, match="'China Tech'"):
        read_all(importer, path)


def test_not_a_workbook_is_a_format_error(importer: Aigs2022Importer, tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("Country,Region\n")
    with pytest.raises(DatasetFormatError, match="not a readable xlsx"):
        read_all(importer, path)


def test_overflow_names_the_flags_it_would_contradict(bundled: tuple[list[Statement], list[RowProblem]]) -> None:
    tajikistan = _problem(bundled[1], "overflow", 40)
    assert "Anduril (USA)" in tajikistan.message and "contradict" in tajikistan.message
    assert "contradict" not in _problem(bundled[1], "overflow", 83).message  # France has both flags
