"""Short texts in the styles news about surveillance procurement is written in (datelines,
passive voice, lists of countries, legal names, integrators, tenders, MoUs, loans, hedges, market
reports, vendor profiles, bans), with the records the annotation guidelines expect from them.

The texts are written for these tests; they describe no real event."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from custodes.extract import extract

Pair = tuple[str, str | None, str | None]


@dataclass(frozen=True)
class Case:
    text: str
    pairs: set[Pair]
    tech: dict[Pair, set[str]] | None = None  # expected categories per pair (subset check)
    status: str | None = None  # expected status of every record
    year: int | None = None


CASES: dict[str, Case] = {
    "dateline": Case(
        "NAIROBI, March 3 (Reuters) - Kenya's interior ministry has signed a $40 million deal with Huawei to "
        "install 1,800 CCTV cameras along major highways, officials said on Tuesday.",
        {("KEN", "Huawei", "CHN")},
        {("KEN", "Huawei", "CHN"): {"video_surveillance"}},
        status="planned",
    ),
    "passive_voice": Case(
        "Facial recognition cameras were installed at Belgrade's main railway station in 2021 by the "
        "Chinese company Hikvision.",
        {("SRB", "Hikvision", "CHN")},
        {("SRB", "Hikvision", "CHN"): {"facial_recognition"}},
        status="deployed",
        year=2021,
    ),
    "list_of_countries": Case(
        "Huawei's safe city platforms have been rolled out in Kenya, Zambia, Pakistan and Ecuador, according "
        "to company brochures.",
        {("KEN", "Huawei", "CHN"), ("ZMB", "Huawei", "CHN"), ("PAK", "Huawei", "CHN"), ("ECU", "Huawei", "CHN")},
        status="deployed",
    ),
    "legal_name_of_subsidiary": Case(
        "Zhejiang Dahua Technology Co., Ltd. supplied 2,000 thermal cameras to the Ugandan police last year.",
        {("UGA", "Dahua", "CHN")},
        status="deployed",
    ),
    "local_integrator": Case(
        "The contract for the command centre in Lusaka went to local integrator Kantara Networks, which will "
        "use equipment from Huawei.",
        {("ZMB", "Kantara Networks", None), ("ZMB", "Huawei", "CHN")},
        {("ZMB", "Kantara Networks", None): {"smart_city"}},
        status="planned",
    ),
    "tender_without_supplier": Case(
        "Bolivia's police have launched a tender for a nationwide automatic number plate recognition network; "
        "bids close in June.",
        {("BOL", None, None)},
        {("BOL", None, None): {"smart_policing"}},
        status="planned",
    ),
    "mou_between_governments": Case(
        "Pakistan and China signed a memorandum of understanding on Monday for a safe city project in Lahore.",
        {("PAK", None, "CHN")},
        {("PAK", None, "CHN"): {"smart_city"}},
        status="planned",
    ),
    "loan_from_a_policy_bank": Case(
        "The Export-Import Bank of China will finance the $150 million surveillance system that ZTE is "
        "building for Ecuador's police, the finance ministry said.",
        {("ECU", "ZTE", "CHN")},
        status="planned",
    ),
    "hedged_allegation": Case(
        "Leaked documents suggest that Nigeria may have acquired spyware from NSO Group, although the "
        "government has denied it.",
        set(),
    ),
    "market_report": Case(
        "Hikvision and Dahua together account for about 40 percent of the global video surveillance market, "
        "according to an industry report published in Germany.",
        set(),
    ),
    "vendor_profile": Case(
        "Founded in Hangzhou in 2001, Hikvision is the world's largest maker of surveillance cameras and "
        "employs 40,000 people.",
        set(),
    ),
    "prospective_ban": Case(
        "The Indian government barred Chinese firms from bidding for its CCTV contracts.",
        set(),
    ),
    "removal_after_use": Case(
        "Britain ordered government departments to stop installing Hikvision cameras and to rip out those "
        "already fitted at sensitive sites.",
        {("GBR", "Hikvision", "CHN")},
        status="cancelled",
    ),
    "terminated_contract": Case(
        "Malaysia's government has terminated a contract with Huawei for a smart city platform in Kuala Lumpur.",
        {("MYS", "Huawei", "CHN")},
        {("MYS", "Huawei", "CHN"): {"smart_city"}},
        status="cancelled",
    ),
    "security_forces_buy_foreign_cameras": Case(
        "Kenyan security forces bought Chinese surveillance cameras in 2019.",
        {("KEN", None, "CHN")},
        status="deployed",
        year=2019,
    ),
    "president_commissions_network": Case(
        "Ghana's president commissioned a 5G network built by Huawei to give police access to subscriber data.",
        {("GHA", "Huawei", "CHN")},
        {("GHA", "Huawei", "CHN"): {"telecom_infrastructure"}},
        status="deployed",
    ),
    "handed_over_interception": Case(
        "ZTE handed over a lawful interception platform to Ethiopia's telecom regulator in 2018.",
        {("ETH", "ZTE", "CHN")},
        {("ETH", "ZTE", "CHN"): {"communications_interception"}},
        status="deployed",
        year=2018,
    ),
    "court_filings_imsi_catchers": Case(
        "Court filings show that Mexican authorities bought IMSI catchers and spyware from NSO Group in 2016.",
        {("MEX", "NSO Group", "ISR")},
        {("MEX", "NSO Group", "ISR"): {"communications_interception"}},
        year=2016,
    ),
    "deep_packet_inspection_for_censorship": Case(
        "Egypt deployed deep packet inspection equipment from Sandvine to block websites.",
        {("EGY", "Sandvine", "CAN")},
        {("EGY", "Sandvine", "CAN"): {"communications_interception"}},
        status="deployed",
    ),
    "denial_of_use": Case(
        "Serbia has not installed any facial recognition cameras, the interior ministry said.",
        set(),
    ),
    "quote_opening_with_a_pronoun": Case(
        '"We have installed 2,000 cameras across the city," the mayor of Quito told reporters.',
        {("ECU", None, None)},
        status="deployed",
    ),
    "deal_with_a_country_placed_by_a_city": Case(
        "Serbia signed a deal with China in 2019 to install 1,000 cameras in Belgrade.",
        {("SRB", None, "CHN")},
        status="planned",
        year=2019,
    ),
    "future_passive": Case(
        "About 500 cameras from Dahua will be installed in Quito next year.",
        {("ECU", "Dahua", "CHN")},
        status="planned",
    ),
    "bidders_named_by_description": Case(
        "Three firms, including Hikvision and a local company called Seguritech, are bidding to supply "
        "cameras to Mexico City.",
        {("MEX", "Hikvision", "CHN"), ("MEX", "Seguritech", None)},
        status="planned",
    ),
    "no_longer_in_use": Case(
        "Police in Oakland are no longer using the Axis cameras installed in 2015.",
        {("USA", "Axis", "SWE")},
        status="cancelled",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_news_style(name: str) -> None:
    case = CASES[name]
    records = extract(case.text)
    got = {(d.country, d.supplier, d.supplier_country): d for d in records}
    assert set(got) == case.pairs
    for pair, cats in (case.tech or {}).items():
        assert cats <= set(got[pair].tech), (pair, got[pair].tech)
    if case.status is not None:
        assert {d.status for d in records} == {case.status}
    if case.year is not None:
        assert {d.year for d in records} == {case.year}
    for d in records:
        for ev in d.evidence:
            assert case.text[ev.start : ev.end] == ev.text


def test_loan_terms_are_recorded() -> None:
    (d,) = extract(CASES["loan_from_a_policy_bank"].text)
    assert d.financing is not None
    assert d.financing.lender == "Export-Import Bank of China"
    assert (d.financing.amount, d.financing.currency) == (150e6, "USD")
