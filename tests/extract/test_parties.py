"""Parties of a deal other than its supplier, companies found inside longer names, products that
name their vendor, and the supplier's home country. Texts are written for these tests."""

from __future__ import annotations

from custodes.extract.context import sentence_contexts
from custodes.extract.mentions import SupplierRef, collect_mentions, find_mentions, product_table
from custodes.extract.parties import (
    ACQUIRED,
    CUSTOMER,
    FINANCIER,
    OPERATOR,
    OWNER,
    REVOKED,
    mark_parties,
)
from custodes.extract.roles import assign_roles, states_domestic_use
from custodes.extract.sentences import SentenceIndex, split_sentences
from custodes.resolve.countries import Gazetteer
from custodes.resolve.vendors import VendorRegistry


def flags(text: str) -> dict[str, set[str]]:
    """Party flags of each named company of a one-sentence text."""
    sents = split_sentences(text)
    (ctx,) = sentence_contexts(text, SentenceIndex(sents))
    countries, suppliers = collect_mentions(text, sents, Gazetteer.default(), VendorRegistry.default())
    assign_roles(text, ctx, countries, suppliers)
    mark_parties(text, 0, text, suppliers, countries)
    return {s.name: set(s.flags) - {"product"} for s in suppliers}


def suppliers(text: str) -> list[SupplierRef]:
    return find_mentions(text, split_sentences(text), Gazetteer.default(), VendorRegistry.default()).suppliers


def test_owners_named_in_apposition() -> None:
    got = flags("Nokia Siemens Networks, the joint venture of Finland's Nokia and Germany's Siemens, sold it.")
    assert got == {"Nokia Siemens Networks": set(), "Nokia": {OWNER}, "Siemens": {OWNER}}
    assert flags("Acme Vision Technologies, a subsidiary of Hikvision, sold cameras to Peru.")["Hikvision"] == {OWNER}
    # "as part of X's project" is the project, not an owner
    assert flags("The cameras came as part of Huawei's safe city project in Lima.")["Huawei"] == set()


def test_lenders() -> None:
    text = "ZTE built it with financing from the state conglomerate CITIC Group."
    assert flags(text) == {"ZTE": set(), "CITIC Group": {FINANCIER}}
    assert flags("CITIC Group, the lender that financed the second phase, said so.")["CITIC Group"] == {FINANCIER}


def test_state_operators_and_customers() -> None:
    got = flags("ZTE supplied the equipment, and a single state-owned operator, Ethio Telecom, runs it.")
    assert got == {"ZTE": set(), "Ethio Telecom": {OPERATOR}}
    assert flags("Huawei sold routers to the Kenyan mobile operator Safaricom.")["Safaricom"] == {CUSTOMER}
    # an award makes the company after "to" the supplier again
    text = "The tender for supplying cameras to the police was awarded to Hikvision."
    assert flags(text)["Hikvision"] == set()
    # registry vendors stay suppliers even when state-owned
    assert flags("China's state-owned CEIEC built the system in Quito.")["CEIEC"] == set()


def test_operator_named_after_its_country_is_the_recipient() -> None:
    text = "Nokia Siemens Networks sold a monitoring centre to the state-controlled Telecommunication Company of Iran."
    sents = split_sentences(text)
    (ctx,) = sentence_contexts(text, SentenceIndex(sents))
    countries, sups = collect_mentions(text, sents, Gazetteer.default(), VendorRegistry.default())
    assign_roles(text, ctx, countries, sups)
    mark_parties(text, 0, text, sups, countries)
    assert [(c.iso3, c.role) for c in countries] == [("IRN", "recipient")]


def test_takeover_target_and_revoked_award() -> None:
    text = "Motorola Solutions completed its acquisition of Avigilon, the camera maker."
    assert flags(text)["Avigilon"] == {ACQUIRED}
    # a product is bought, not a firm
    assert flags("The army acquired Pegasus, the phone spyware.")["NSO Group"] == set()
    text = "A tender previously awarded to Dahua was revoked and went to Huawei."
    assert flags(text) == {"Dahua": {REVOKED}, "Huawei": set()}


def test_longest_company_name_wins_over_a_registry_name_inside_it() -> None:
    text = (
        "CITIC Guoan Information Technology has won the tender for the new cameras in the city. "
        "CITIC Guoan said that the work would start in May."
    )
    names = {s.name for s in suppliers(text)}
    assert names == {"CITIC Guoan"}
    # a description of business or a place after a registry name is no other company
    text = "Genetec Security Solutions has won the tender for new cameras in the port city of Mombasa."
    assert {s.name for s in suppliers(text)} == {"Genetec"}
    text = "Genetec Kenya has won the tender for new cameras in the port city of Mombasa."
    assert {s.name for s in suppliers(text)} == {"Genetec"}
    # a guideline vendor keeps its canonical name
    assert {s.name for s in suppliers("Zhejiang Dahua Technology Co. won the tender.")} == {"Dahua"}


def test_country_possessive_is_no_company() -> None:
    text = "China's Huawei Technologies signed an agreement with Uzbekistan's interior ministry."
    assert [s.name for s in suppliers(text)] == ["Huawei"]


def test_products_name_their_vendor() -> None:
    assert all(p.vendor for p in product_table().values())
    (ref,) = suppliers("The police built its platform on Gotham, which links police databases.")
    assert (ref.name, ref.product_tech) == ("Palantir", ("smart_policing",))
    # an ordinary word without the vendor or a telling word nearby is no product
    assert suppliers("Gotham is a nickname of New York.") == []
    # a vendor's product reports the vendor's name, not the document's spelling of the product
    assert [s.name for s in suppliers("Officers used FinSpy against exiles.")] == ["FinFisher"]
    assert [s.name for s in suppliers("Kenyan police use UFED devices.")] == ["Cellebrite"]


def test_domestic_use_of_the_home_country() -> None:
    def domestic(text: str, surface: str) -> bool:
        countries = [c for c in find_mentions(text, split_sentences(text), Gazetteer.default(),
                                              VendorRegistry.default()).countries]
        (c,) = [c for c in countries if c.surface == surface]
        return states_domestic_use(text, c, 0, countries)

    assert domestic("Chinese police use the cameras.", "Chinese")
    assert domestic("Huawei installed cameras in Shenzhen.", "Shenzhen")
    assert domestic("China has installed 200 million cameras.", "China")
    assert domestic("In the United States, the software is employed by the FBI.", "United States")
    assert not domestic("Dahua, whose headquarters are in Hangzhou, won the deal.", "Hangzhou")
    assert not domestic("The firm was preparing to go public in New York.", "New York")
    assert not domestic("Two Hangzhou neighbours make most cameras.", "Hangzhou")
