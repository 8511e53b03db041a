"""The matcher against the real registry and bundled datasets: how each kind of link is found,
the verdict it earns, and that no OEM link is reported without the source row that states it."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from custodes.audit.matcher import Auditor
from custodes.audit.rules import COVERED, NOT_FOUND, POSSIBLY, default_rules, parse_rules
from custodes.resolve._matcher import DataError, lookup_key
from custodes.sources.datasets.base import dataset_dir

OEM_CSV = dataset_dir("oem-brands") / "oem_brands.csv"


def _check(auditor: Auditor, name: str) -> tuple[str, str | None, str, str]:
    result = auditor.check_name(name)
    m = result.decisive
    assert m is not None, name
    return result.verdict, result.manufacturer, m.matched_by, m.link


@pytest.mark.parametrize("name, verdict, maker, matched_by, link", [
    ("Hikvision", COVERED, "Hikvision", "alias", "direct"),
    ("HIKVISION", COVERED, "Hikvision", "alias", "direct"),
    ("Hikvison", COVERED, "Hikvision", "alias", "direct"),  # a misspelling the registry records
    ("Hangzhou Hikvision Digital Technology Co., Ltd.", COVERED, "Hikvision", "alias", "direct"),
    ("Dahua Technology", COVERED, "Dahua", "alias", "direct"),
    ("Huawei", COVERED, "Huawei", "alias", "direct"),
    ("ZTE", COVERED, "ZTE", "alias", "direct"),
    ("Hytera Communications", COVERED, "Hytera", "alias", "direct"),
    ("EZVIZ", COVERED, "Hikvision", "alias", "subsidiary"),
    ("Imou", COVERED, "Dahua", "alias", "subsidiary"),
    ("HiSilicon", COVERED, "Huawei", "alias", "subsidiary"),
    ("Lorex", COVERED, "Dahua", "alias", "oem-brand"),  # strong (IPVM investigation)
    ("Honeywell", POSSIBLY, "Dahua", "alias", "oem-brand"),  # moderate (news report)
    ("Swann", POSSIBLY, "Hikvision", "oem-brand", "oem-brand"),  # weak (integrator blog)
    ("FLIR", POSSIBLY, "Hikvision", "oem-brand", "oem-brand"),  # "FLIR / Lorex" in the source
    ("Hikvisoin", POSSIBLY, "Hikvision", "similar-spelling", "direct"),
    ("Dahia", POSSIBLY, "Dahua", "similar-spelling", "direct"),
    ("AO Kaspersky Lab", COVERED, "AO Kaspersky Lab", "listed-name", "direct"),
    ("Axis Communications", NOT_FOUND, "Axis", "alias", "none"),
    ("Cisco", NOT_FOUND, "Cisco", "alias", "none"),
])
def test_name_verdicts(auditor: Auditor, name: str, verdict: str, maker: str, matched_by: str, link: str) -> None:
    assert _check(auditor, name) == (verdict, maker, matched_by, link)


def test_unknown_name_is_not_found_without_matches(auditor: Auditor) -> None:
    result = auditor.check_name("Northwind Traders")
    assert result.verdict == NOT_FOUND
    assert result.matches == ()
    assert result.manufacturer is None


def test_subsidiary_chain_says_which_parent_and_cites_the_registry(auditor: Auditor) -> None:
    m = auditor.check_name("Ezviz").decisive
    assert m is not None
    assert m.vendor_id == "ezviz" and m.manufacturer_id == "hikvision"
    assert "Ezviz's parent company is Hikvision (vendor registry)" in m.chain
    assert {i.list_id for i in m.listings} >= {"ndaa-889", "fcc-covered-list", "bis-entity-list"}
    assert all(i.subject == "hikvision" for i in m.listings)


def test_listings_carry_jurisdiction_date_active_flag_and_citation(auditor: Auditor) -> None:
    m = auditor.check_name("Dahua").decisive
    assert m is not None
    ndaa = next(i for i in m.listings if i.list_id == "ndaa-889")
    assert (ndaa.jurisdiction, ndaa.date, ndaa.active) == ("US", "2018-08-13", True)
    assert ndaa.citation_url == "https://www.acq.osd.mil/dpap/dars/section889.html"
    assert ndaa.origin.startswith("restricted-vendors@2024-12:restricted_vendors.csv!R")
    assert ndaa.date_meaning and "enactment" in ndaa.date_meaning


def test_oem_strength_is_reported_as_the_source_states_it(auditor: Auditor) -> None:
    strengths = {m.evidence_strength for m in auditor.check_name("Honeywell").matches}
    assert strengths == {"moderate"}
    lorex = auditor.check_name("Lorex").decisive
    assert lorex is not None and lorex.oem is not None
    assert lorex.evidence_strength == "strong"
    assert lorex.oem.source_url == "https://ipvm.com/reports/usg-lorex"
    assert any("sold by Dahua" in step for step in lorex.chain)  # the source's caveat is shown


def _oem_rows() -> list[dict[str, str]]:
    with OEM_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("name", ["Lorex", "Honeywell", "Panasonic", "Bosch", "Swann", "LTS", "FLIR", "Annke",
                                  "Packetalk", "ADT", "Axis", "Sony", "Cisco", "Hanwha Vision", "Avigilon"])
def test_no_oem_link_without_a_source_row_naming_brand_and_maker(auditor: Auditor, name: str) -> None:
    rows = _oem_rows()
    oem = [m for m in auditor.check_name(name).matches if m.link == "oem-brand"]
    stated = {lookup_key(p) for row in rows for p in row["brand"].split(" / ")}
    assert bool(oem) == (lookup_key(name) in stated), name
    for m in oem:
        assert m.oem is not None
        row_number = int(m.oem.origin.rsplit("!R", 1)[1])
        row = rows[row_number - 2]  # R2 is the first data row
        assert lookup_key(name) in {lookup_key(p) for p in row["brand"].split(" / ")} or \
            m.vendor_id == auditor.registry.resolve(row["brand"]).id  # type: ignore[union-attr]
        assert m.manufacturer is not None and m.manufacturer.lower() in row["manufacturer"].lower()
        assert m.oem.source_url == row["source_url"]


@pytest.mark.parametrize("name", ["Axis", "Sony", "Cisco", "Hanwha Vision", "Avigilon", "Milestone", "Genetec"])
def test_clean_brands_get_no_oem_link(auditor: Auditor, name: str) -> None:
    result = auditor.check_name(name)
    assert result.verdict == NOT_FOUND
    assert all(m.link == "none" for m in result.matches)


@pytest.mark.parametrize("mac, org, vendor, verdict", [
    ("44:19:b6:00:00:01", "Hangzhou Hikvision Digital Technology Co.,Ltd.", "Hikvision", COVERED),
    ("08:ed:ed:00:00:01", "Zhejiang Dahua Technology Co., Ltd.", "Dahua", COVERED),
    ("64:f2:fb:00:00:01", "Hangzhou Ezviz Software Co.,Ltd.", "Hikvision", COVERED),  # subsidiary
    ("e0:06:30:00:00:01", "HUAWEI TECHNOLOGIES CO.,LTD", "Huawei", COVERED),
    ("f0:1b:24:00:00:01", "zte corporation", "ZTE", COVERED),
    ("64:69:bc:00:00:01", "Hytera Communications Co .,ltd", "Hytera", COVERED),
    ("00:1f:54:00:00:01", "Lorex Technology Inc.", "Dahua", COVERED),  # registrant is a relabel brand
    ("b8:a4:4f:00:00:01", "Axis Communications AB", "Axis", NOT_FOUND),
])
def test_mac_prefix_registrant_is_matched_through_the_registry(auditor: Auditor, mac: str, org: str, vendor: str,
                                                              verdict: str) -> None:
    result = auditor.check_name(mac)
    m = result.decisive
    assert m is not None and m.registration is not None
    assert m.registration.org == org
    assert m.matched_by == "mac-oui"
    assert (result.manufacturer, result.verdict) == (vendor, verdict)


def test_registrant_with_a_vendor_name_in_another_country_is_only_possibly_covered(auditor: Auditor) -> None:
    result = auditor.check_name("24:b1:05:00:00:01")  # Prama Hikvision India Private Limited
    m = result.decisive
    assert m is not None and m.registration is not None and m.registration.country == "IN"
    assert result.verdict == POSSIBLY
    assert result.manufacturer == "Hikvision"
    assert any("registered in IN" in step for step in m.chain)


def test_unknown_registrant_is_named_but_not_found(auditor: Auditor) -> None:
    result = auditor.check_name("6c:0b:84:00:00:01")
    assert result.verdict == NOT_FOUND
    assert result.manufacturer == "Universal Global Scientific Industrial Co., Ltd."


def test_description_only_match_is_possibly_covered(auditor: Auditor) -> None:
    result = auditor.audit_row(7, {"brand": "", "model": "", "mac": "", "description": "replaces the old Dahua NVR"})
    assert (result.verdict, result.manufacturer) == (POSSIBLY, "Dahua")
    assert result.decisive is not None and result.decisive.matched_by == "text-mention"


def test_relabel_brand_named_only_in_a_description_is_possibly_covered(auditor: Auditor) -> None:
    result = auditor.audit_row(2, {"description": "Swann 8-camera home kit"})
    assert result.verdict == POSSIBLY
    assert result.decisive is not None and result.decisive.link == "oem-brand"


def test_mac_reveals_what_the_brand_column_hides(auditor: Auditor) -> None:
    result = auditor.audit_row(3, {"brand": "Generic", "mac": "08EDED000001"})
    assert (result.verdict, result.manufacturer) == (COVERED, "Dahua")


def test_strongest_link_decides_and_weaker_ones_are_kept(auditor: Auditor) -> None:
    result = auditor.audit_row(4, {"brand": "Axis", "mac": "44:19:b6:00:00:01", "description": "camera"})
    assert result.verdict == COVERED and result.manufacturer == "Hikvision"
    assert [m.field for m in result.matches] == ["mac", "brand"]


def test_description_repeating_the_brand_adds_no_match(auditor: Auditor) -> None:
    result = auditor.audit_row(5, {"brand": "Hikvision", "description": "Hikvision dome camera"})
    assert [m.field for m in result.matches] == ["brand"]


def test_bad_mac_is_an_error_but_the_row_is_still_audited(auditor: Auditor) -> None:
    result = auditor.audit_row(9, {"brand": "ZTE", "mac": "zz:00"})
    assert result.verdict == COVERED
    (problem,) = result.problems
    assert (problem.line, problem.severity, problem.column, problem.value) == (9, "error", "mac", "zz:00")


def test_empty_row_is_an_error(auditor: Auditor) -> None:
    result = auditor.audit_row(11, {"brand": " ", "model": "", "mac": "", "description": ""})
    assert result.verdict == NOT_FOUND
    assert [p.message for p in result.problems] == ["empty row: no brand, model, MAC address or description"]


def test_lists_filter_keeps_only_the_chosen_lists() -> None:
    only_cmic = Auditor(lists=["ofac-ns-cmic"])
    assert only_cmic.check_name("Hikvision").verdict == NOT_FOUND  # not on NS-CMIC in the source
    dji = only_cmic.check_name("DJI")
    assert dji.verdict == COVERED
    assert dji.decisive is not None and {i.list_id for i in dji.decisive.listings} == {"ofac-ns-cmic"}
    with pytest.raises(ValueError, match="unknown list id"):
        Auditor(lists=["no-such-list"])


def test_repeated_values_are_served_from_the_cache(auditor: Auditor) -> None:
    first = auditor.audit_row(1, {"brand": "Hikvision", "mac": "44:19:b6:00:00:01"})
    second = auditor.audit_row(2, {"brand": "Hikvision", "mac": "44:19:b6:00:00:02"})
    assert [id(m) for m in first.matches] == [id(m) for m in second.matches]


def test_rules_file_rejects_a_verdict_typo(tmp_path: Path) -> None:
    import yaml

    text = (Path(__file__).resolve().parents[2] / "src/custodes/data/audit.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    data["verdicts"]["oem_strength"]["weak"] = "coverd"
    with pytest.raises(DataError, match="oem_strength.weak"):
        parse_rules(data)
    assert default_rules().oem_strength == {"strong": COVERED, "moderate": POSSIBLY, "weak": POSSIBLY}
