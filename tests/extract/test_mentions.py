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


def _mentions(text: str):  # type: ignore[no-untyped-def]
    return find_mentions(text, split_sentences(text), Gazetteer.default(), VendorRegistry.default())


def _country_surfaces(text: str) -> list[str]:
    return [c.surface for c in _mentions(text).countries if c.role != "internal"]


# -- guard 1: demonyms that name people or a language are not places -----------------------


def test_plural_demonyms_and_peoples_are_not_places() -> None:
    assert _country_surfaces("Police there keep files on Kazakhs and Kenyans living abroad.") == []
    assert _country_surfaces("Cameras track Uyghur residents and Tibetan monks every day.") == []
    # the region keeps its country; the adjective still marks a country
    assert _country_surfaces("Kazakh authorities bought scanners for the Tibet Autonomous Region.") == [
        "Kazakh",
        "Tibet Autonomous Region",
    ]


def test_the_demonym_as_a_people_but_not_before_a_noun() -> None:
    assert _country_surfaces("Officials say the Chinese have long wanted such a network.") == []
    assert _country_surfaces("It was built with help from the Chinese government.") == ["Chinese"]
    assert _country_surfaces("It hired the Chinese and Russian contractors.") == ["Chinese", "Russian"]


def test_languages_are_not_places() -> None:
    assert _country_surfaces("The app shows its warnings in Mandarin and in Russian.") == []
    assert _country_surfaces("A Russian-language channel ran the story first.") == []
    assert _country_surfaces("The firm installed cameras in Russian cities last year.") == ["Russian"]


def test_people_nouns_are_not_companies_either() -> None:
    found = _mentions("The new district was designed and built by Kazakhs, officials said.")
    assert found.suppliers == [] and found.countries == []


# -- guard 3: sources of statements are not suppliers -----------------------------------------


def test_outlets_ngos_and_ministries_are_sources_not_suppliers() -> None:
    text = (
        "According to the Harbour Evening Times and the Open Lens Foundation, a contract with "
        "the Ministry of Public Order went to Velmar Systems, a Bolivian security firm."
    )
    found = _mentions(text)
    assert [s.name for s in found.suppliers] == ["Velmar Systems"]
    assert {s.surface: s.flags for s in found.sources} == {
        "Harbour Evening Times": {"source", "media"},
        "Open Lens Foundation": {"source", "ngo"},
        "Ministry of Public Order": {"source", "government"},
    }


def test_source_shape_from_apposition() -> None:
    found = _mentions("The contract with Quillon, a research group in Lisbon, was signed in May.")
    assert found.suppliers == [] and [s.surface for s in found.sources] == ["Quillon"]


def test_place_inside_an_outlet_name_is_no_place() -> None:
    found = _mentions("Kenya Morning News said Huawei supplied the cameras to Uganda.")
    roles = {c.surface: c.role for c in found.countries}
    assert roles["Kenya"] == "internal" and roles["Uganda"] != "internal"


def test_acronym_of_a_source_is_not_a_vendor() -> None:
    text = "The National Elections Commission (NEC) of the country signed a deal. NEC officials said it was cheap."
    assert [s.name for s in _mentions(text).suppliers] == []
    # the vendor itself is still found
    assert [s.name for s in _mentions("NEC supplied the face-matching system to the police.").suppliers] == ["NEC"]


def test_investor_names_are_flagged_financier() -> None:
    found = _mentions("The contract went to Orbis, a company owned by investment firm Tarvel Capital.")
    flags = {s.name: s.flags for s in found.suppliers}
    assert "financier" in flags["Tarvel Capital"] and "financier" not in flags["Orbis"]


# -- guard 2 and 4: fragments and names that are places ---------------------------------------


def test_names_that_are_only_places_are_not_companies() -> None:
    found = _mentions("Acme Vision Technologies sold its subsidiary in the U.S., the firm said.")
    assert [s.name for s in found.suppliers] == ["Acme Vision Technologies"]
    assert [c.surface for c in found.countries] == ["U.S."]


def test_demonym_opening_a_company_name_is_its_home() -> None:
    found = _mentions("The scanners were ordered from the Canadian Orvane Technologies last year.")
    (s,) = found.suppliers
    assert s.name == "Orvane Technologies" and s.supplier_country == "CAN"
