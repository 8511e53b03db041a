from custodes.extract.mentions import (
    CountryRef,
    SpanSet,
    SupplierRef,
    collect_mentions,
    document_spelling,
    find_mentions,
    spelled_name,
)
from custodes.extract.sentences import split_sentences
from custodes.resolve.countries import Gazetteer
from custodes.resolve.vendors import VendorRegistry


def collect(text: str) -> tuple[list[CountryRef], list[SupplierRef]]:
    return collect_mentions(text, split_sentences(text), Gazetteer.default(), VendorRegistry.default())


def test_registry_and_shape_found_suppliers_with_later_short_mentions() -> None:
    text = "Kenya hired Huawei and local firm Orbis Vision Technologies. Orbis declined to comment."
    _, sups = collect(text)
    assert [(s.surface, s.name, s.registered) for s in sups] == [
        ("Huawei", "Huawei", True),
        ("Orbis Vision Technologies", "Orbis", False),
        ("Orbis", "Orbis", False),
    ]


def test_product_aliases_stand_for_their_vendor() -> None:
    text = (
        "Palantir's Lodestar software is popular. Ecuador uses Lodestar. "
        "Beacon, the phone-hacking tool sold by Huawei, was found."
    )
    _, sups = collect(text)
    names = {(s.surface, s.name) for s in sups}
    assert ("Lodestar", "Palantir") in names and ("Beacon", "Huawei") in names


def test_country_inside_company_name_is_internal() -> None:
    countries, sups = collect("Kenya signed with China Harbour Signal Corporation.")
    assert [c.role for c in countries] == ["recipient", "internal"]
    assert sups[0].stated_country == "CHN"


def test_places_inside_a_registry_legal_name_are_internal() -> None:
    countries, sups = collect("Serbia hired Zhejiang Dahua Technology.")
    assert [(c.surface, c.role) for c in countries] == [("Serbia", "recipient"), ("Zhejiang", "internal")]
    assert [(s.surface, s.name) for s in sups] == [("Zhejiang Dahua Technology", "Dahua")]


def test_spanset_overlaps() -> None:
    spans = SpanSet([(0, 5), (10, 20)])
    assert spans.overlaps(4, 6) and spans.overlaps(12, 13) and not spans.overlaps(5, 10)


def test_places_and_name_openings_are_not_product_aliases() -> None:
    text = "Huawei's Kenyan unit built it. Huawei's Safe City solution is sold. Kenyan police met. Safe places exist."
    _, sups = collect(text)
    assert [s.surface for s in sups] == ["Huawei", "Huawei"]


def test_spelled_name_trims_possessive_aside_and_legal_suffix() -> None:
    assert spelled_name("Safaricom PLC's") == "Safaricom"
    assert spelled_name("Huawei Technologies (Uganda) Ltd") == "Huawei Technologies"
    assert spelled_name("Vega Radio Engineering Corporation") == "Vega Radio Engineering Corporation"


def test_document_spelling_of_a_non_guideline_vendor() -> None:
    # the registry's name, when the document writes it
    assert document_spelling("Safaricom", ["SAFARICOM PLC", "Safaricom"]) == "Safaricom"
    assert document_spelling("CITCC", ["China Intl Telecom Construction Corp.", "CITCC"], ["CITCC"]) == "CITCC"
    # an acronym the document introduces
    assert document_spelling("Acme Signal", ["Acme Signal Construction Corp.", "ASC"], ["ASC"]) == "ASC"
    # the short form the document also uses
    assert document_spelling("Hanwha Vision", ["Hanwha Techwin", "Hanwha"]) == "Hanwha"
    # else the first form written
    assert document_spelling("FinFisher", ["Gamma FinFisher"]) == "Gamma FinFisher"


def test_non_guideline_registry_vendor_keeps_registry_id_and_document_spelling() -> None:
    found = find_mentions(
        "Peru bought CCTV from Hanwha Techwin. Hanwha said so. Dahua also sold cameras.",
        split_sentences("Peru bought CCTV from Hanwha Techwin. Hanwha said so. Dahua also sold cameras."),
        Gazetteer.default(),
        VendorRegistry.default(),
    )
    got = [(s.surface, s.name, s.vendor_id, s.canonical) for s in found.suppliers]
    assert got == [
        ("Hanwha Techwin", "Hanwha", "hanwha_vision", False),
        ("Hanwha", "Hanwha", "hanwha_vision", False),
        ("Dahua", "Dahua", "dahua", True),
    ]
    assert found.spellings == {"hanwha_vision": "Hanwha"}
