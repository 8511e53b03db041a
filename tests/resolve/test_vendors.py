"""Vendor registry: matching, ambiguity, resolution, relationships and data validation."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from custodes.resolve._matcher import DataError
from custodes.resolve.vendors import Vendor, VendorRegistry, category_ids

GUIDELINE_NAMES = (
    "Huawei",
    "ZTE",
    "Hikvision",
    "Dahua",
    "Uniview",
    "Megvii",
    "SenseTime",
    "Yitu",
    "CloudWalk",
    "iFlytek",
    "CEIEC",
    "Nuctech",
    "Tiandy",
    "Hytera",
    "NEC",
    "IBM",
    "Palantir",
    "Cisco",
    "Clearview AI",
    "NSO Group",
    "Idemia",
    "Thales",
    "Axis",
    "Avigilon",
    "Motorola Solutions",
    "Cellebrite",
    "Hexagon",
    "Siemens",
)
AIGS_LONG = Path(__file__).resolve().parents[3] / "shared" / "data" / "aigs-2022" / "aigs_2022_country_company_long.csv"


@pytest.fixture(scope="module")
def reg() -> VendorRegistry:
    return VendorRegistry.default()


def ids(reg: VendorRegistry, text: str) -> list[str]:
    return [m.vendor.id for m in reg.find(text)]


def test_default_is_cached(reg: VendorRegistry) -> None:
    assert VendorRegistry.default() is reg
    assert reg.version


@pytest.mark.parametrize("name", GUIDELINE_NAMES)
def test_guideline_names_are_canonical(reg: VendorRegistry, name: str) -> None:
    vendor = reg.resolve(name)
    assert vendor is not None
    assert vendor.name == name


def test_guideline_flag_marks_exactly_the_guideline_vendors(reg: VendorRegistry) -> None:
    flagged = sorted(v.name for v in reg.all() if v.guideline_name)
    assert flagged == sorted(GUIDELINE_NAMES)


@pytest.mark.parametrize(
    ("name", "iso3"),
    [
        ("NEC", "JPN"),
        ("Cellebrite", "ISR"),
        ("NSO Group", "ISR"),
        ("Idemia", "FRA"),
        ("Thales", "FRA"),
        ("Hexagon", "SWE"),
        ("Siemens", "DEU"),
        ("Axis", "SWE"),
        ("Avigilon", "CAN"),
        ("Motorola Solutions", "USA"),
        ("Huawei", "CHN"),
        ("Hikvision", "CHN"),
        ("CEIEC", "CHN"),
    ],
)
def test_home_countries(reg: VendorRegistry, name: str, iso3: str) -> None:
    vendor = reg.resolve(name)
    assert vendor is not None and vendor.country == iso3


@pytest.mark.parametrize(
    ("raw", "vendor_id"),
    [
        ("Hikvsion", "hikvision"),
        ("iOmnicient", "iomniscient"),
        ("iOmniscient", "iomniscient"),
        ("HAVESLAN", "havelsan"),
        ("Briefcam (US)", "briefcam"),
        ("Cognitec Systems", "cognitec"),
        ("IDEMIA", "idemia"),
        ("Hanwha Techwin", "hanwha_vision"),
        ("NTechLab", "ntechlab"),
    ],
)
def test_aigs_spellings_resolve(reg: VendorRegistry, raw: str, vendor_id: str) -> None:
    vendor = reg.resolve(raw)
    assert vendor is not None and vendor.id == vendor_id


def test_mult_is_not_a_company(reg: VendorRegistry) -> None:
    assert reg.resolve("Mult") is None
    assert reg.is_not_company("Mult")
    assert not reg.is_not_company("Huawei")
    assert all(nc.reason for nc in reg.not_companies())


@pytest.mark.skipif(not AIGS_LONG.exists(), reason="shared AIGS data not present")
def test_every_aigs_company_is_a_vendor_or_listed_as_not_a_company(reg: VendorRegistry) -> None:
    with AIGS_LONG.open(encoding="utf-8") as fh:
        raws = {row["company_raw"] for row in csv.DictReader(fh)}
    missing = [r for r in raws if reg.resolve(r) is None and not reg.is_not_company(r)]
    assert missing == []


@pytest.mark.parametrize(
    ("name", "vendor_id"),
    [
        ("huawei technologies co., ltd.", "huawei"),
        ("Huawei Technologies (Uganda) Ltd", "huawei"),
        ("Hikvision Technologies Ltd", "hikvision"),
        ("Hangzhou Hikvision Digital Technology Company", "hikvision"),
        ("China National Electronics Import and Export Corporation", "ceiec"),
        ("Yitu Technology", "yitu"),
        ("NEC Corporation", "nec"),
        ("Face++", "megvii"),
        ("Haikang Weishi", "hikvision"),
        ("海康威视", "hikvision"),
        ("motorola_solutions", "motorola_solutions"),
        ("Rohde and Schwarz", "rohde_schwarz"),
    ],
)
def test_resolve(reg: VendorRegistry, name: str, vendor_id: str) -> None:
    vendor = reg.resolve(name)
    assert vendor is not None and vendor.id == vendor_id


@pytest.mark.parametrize("name", ["", "  ", "Acme Widgets", "Chinese firms", "Mult"])
def test_resolve_unknown(reg: VendorRegistry, name: str) -> None:
    assert reg.resolve(name) is None


def test_find_possessives_brands_and_chinese_names(reg: VendorRegistry) -> None:
    text = "Huawei's cameras, Hikvision’s NVRs, Face++ and FindFace; 华为公司与海康威视合作"
    got = [(m.surface, m.vendor.id) for m in reg.find(text)]
    assert got == [
        ("Huawei", "huawei"),
        ("Hikvision", "hikvision"),
        ("Face++", "megvii"),
        ("FindFace", "ntechlab"),
        ("华为", "huawei"),
        ("海康威视", "hikvision"),
    ]


def test_find_longest_match(reg: VendorRegistry) -> None:
    assert ids(reg, "Motorola Solutions and Nokia Siemens Networks") == [
        "motorola_solutions",
        "nokia_siemens_networks",
    ]
    mentions = reg.find("Zhejiang Dahua Technology Co., Ltd. said")
    assert [(m.surface, m.vendor.id) for m in mentions] == [("Zhejiang Dahua Technology Co., Ltd.", "dahua")]


def test_word_boundaries(reg: VendorRegistry) -> None:
    assert ids(reg, "San Francisco police") == []
    assert ids(reg, "Huaweii and Dahuas") == []
    assert ids(reg, "Hikvision-made cameras") == ["hikvision"]


def test_acronyms_need_capitals(reg: VendorRegistry) -> None:
    assert ids(reg, "ZTE built it") == ["zte"]
    assert ids(reg, "zte built it") == []
    assert ids(reg, "HIKVISION WINS CONTRACT") == ["hikvision"]


def test_ambiguous_names_need_context(reg: VendorRegistry) -> None:
    assert ids(reg, "Axis Bank reported profits.") == []
    assert ids(reg, "the Axis powers in the war") == []
    assert ids(reg, "an axis of cooperation") == []
    assert ids(reg, "Axis Communications won the tender.") == ["axis"]
    assert ids(reg, "Axis supplied 500 network cameras.") == ["axis"]
    assert ids(reg, "The ANC's NEC met on Sunday.") == []
    assert ids(reg, "NEC supplied facial recognition to the police.") == ["nec"]
    assert ids(reg, "Fires in the Amazon rainforest spread.") == []
    assert ids(reg, "Amazon sold Rekognition to police.") == ["amazon", "amazon"]
    assert ids(reg, "Orange County deputies") == []
    assert ids(reg, "Orange built the 4G network.") == ["orange"]
    assert ids(reg, "Pegasus spyware infected the phone.") == ["nso_group"]
    assert ids(reg, "the winged horse Pegasus of myth") == []


def test_mentions_are_sorted_and_disjoint(reg: VendorRegistry) -> None:
    text = "Huawei and ZTE and the China National Electronics Import and Export Corporation. " * 40
    mentions = reg.find(text)
    assert len(mentions) == 120
    for a, b in zip(mentions, mentions[1:], strict=False):
        assert a.end <= b.start
    assert all(text[m.start : m.end] == m.surface for m in mentions)


def test_relationships(reg: VendorRegistry) -> None:
    def vendor(vid: str) -> Vendor:
        found = reg.get(vid)
        assert found is not None
        return found

    assert vendor("hikvision").parent == "cetc"
    assert "hikvision" in vendor("cetc").subsidiaries
    assert vendor("ezviz").parent == "hikvision"
    assert vendor("avigilon").parent == "motorola_solutions"
    assert {"avigilon", "pelco"} <= set(vendor("motorola_solutions").subsidiaries)
    assert vendor("hisilicon").parent == "huawei"
    assert vendor("ceiec").parent == "cec"
    lorex = vendor("lorex")
    assert lorex.parent is None and lorex.former_parent == "dahua"
    assert reg.get("no_such_vendor") is None


def test_registry_invariants(reg: VendorRegistry) -> None:
    vendors = reg.all()
    assert len(vendors) >= 150
    assert len({v.id for v in vendors}) == len(vendors)
    for v in vendors:
        assert set(v.categories) <= set(category_ids())
        assert v.citations
        assert reg.resolve(v.name) is v
        for alias in v.aliases:
            assert reg.resolve(alias) is v, (v.id, alias)
        for sub in v.subsidiaries:
            sub_vendor = reg.get(sub)
            assert sub_vendor is not None and sub_vendor.parent == v.id


# ---------------------------------------------------------------- validation

GOOD = """
version: "t1"
vendors:
  - id: acme
    name: Acme
    aliases: [Acme Corp]
    country: USA
    subsidiaries: [acme_eye]
    categories: [video_surveillance]
    citations: [https://example.org/acme]
  - id: acme_eye
    name: AcmeEye
    aliases: []
    country: null
    parent: acme
    categories: []
    citations: [https://example.org/eye]
"""


def load(tmp_path: Path, text: str) -> VendorRegistry:
    path = tmp_path / "vendors.yaml"
    path.write_text(text, encoding="utf-8")
    return VendorRegistry.from_file(path)


def test_small_file_loads(tmp_path: Path) -> None:
    reg = load(tmp_path, GOOD)
    assert ids(reg, "Acme Corp and AcmeEye") == ["acme", "acme_eye"]
    assert reg.version == "t1"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("    country: USA\n", "    country: USA\n    colour: red\n", "unknown key"),
        ("    aliases: [Acme Corp]\n", "", "missing required key"),
        ("[video_surveillance]", "[video_surveillance, mind_reading]", "unknown category"),
        ("aliases: []", "aliases: [ACME CORP]", "also belongs to vendor"),
        ("parent: acme", "parent: nobody", "not another vendor's id"),
        ("subsidiaries: [acme_eye]", "subsidiaries: [ghost]", "not a vendor id"),
        ("    parent: acme\n", "", "whose parent is"),
        ("country: USA", "country: XXX", "ISO3"),
        ("[https://example.org/acme]", "[]", "citations"),
        ("id: acme_eye", "id: Acme Eye", "slug"),
        ("    country: USA\n", "    country: USA\n    ambiguous: true\n", "require_context"),
        ("id: acme_eye", "id: acme", "duplicate id"),
    ],
)
def test_bad_files_raise_clear_errors(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in GOOD
    with pytest.raises(DataError) as err:
        load(tmp_path, GOOD.replace(old, new, 1))
    assert "vendors.yaml" in str(err.value)
    assert message in str(err.value)


def test_not_company_may_not_be_an_alias(tmp_path: Path) -> None:
    text = GOOD + "not_companies:\n  - {raw: Acme Corp, reason: placeholder}\n"
    with pytest.raises(DataError, match="not_companies"):
        load(tmp_path, text)


def test_error_names_the_entry(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="vendor 'acme_eye'"):
        load(tmp_path, GOOD.replace("parent: acme", "parent: nobody"))
