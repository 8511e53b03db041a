"""Supplier names in records: the guidelines' canonical names for listed suppliers, the
document's own short spelling for every other company, with the registry id kept alongside."""

from custodes.extract import extract
from custodes.extract.model import Deployment


def by_supplier(text: str) -> dict[str | None, Deployment]:
    return {d.supplier: d for d in extract(text)}


def test_guideline_supplier_gets_its_canonical_name_from_a_legal_name() -> None:
    got = by_supplier("Zhejiang Dahua Technology Co., Ltd. supplied 2,000 thermal cameras to Ugandan police.")
    assert set(got) == {"Dahua"}
    assert (got["Dahua"].country, got["Dahua"].supplier_country) == ("UGA", "CHN")
    assert got["Dahua"].extra["vendor_id"] == "dahua"


def test_other_registry_vendor_is_spelled_as_the_document_spells_it() -> None:
    got = by_supplier("South Korea's Hanwha Techwin supplied CCTV to Peru's police. Hanwha declined to comment.")
    assert set(got) == {"Hanwha"}  # the registry calls it "Hanwha Vision"
    assert got["Hanwha"].extra["vendor_id"] == "hanwha_vision"
    assert got["Hanwha"].supplier_country == "KOR"


def test_legal_suffix_is_trimmed_from_the_document_spelling() -> None:
    got = by_supplier("Kenya's national CCTV network was built by Safaricom PLC.")
    assert set(got) == {"Safaricom"}


def test_acronym_introduced_by_the_document_is_its_short_name() -> None:
    text = (
        "Manila signed a contract with China International Telecommunication Construction Corporation "
        "(CITCC) for CCTV. CITCC will build the system."
    )
    got = by_supplier(text)
    assert set(got) == {"CITCC"}
    assert got["CITCC"].country == "PHL" and got["CITCC"].extra["vendor_id"] == "citcc"


def test_unregistered_company_has_no_vendor_id() -> None:
    (d,) = extract("Bolivia's police hired local contractor Zentor Systems to install CCTV cameras.")
    assert d.supplier == "Zentor Systems" and "vendor_id" not in d.extra


def test_fact_sheet_and_prose_name_one_vendor_the_same_way() -> None:
    text = (
        "Border cameras\n"
        "Country: Peru\nDeveloper: Hanwha Techwin Co., Ltd.\nTechnology: CCTV cameras\n"
        "Peru's police installed Hanwha cameras at the border."
    )
    (d,) = extract(text)
    assert (d.country, d.supplier) == ("PER", "Hanwha")
