from custodes.extract import EXTRACTOR_VERSION, extract
from custodes.extract.model import Deployment


def run(text: str) -> list[Deployment]:
    return extract(text)


def pairs(text: str) -> set[tuple[str, str | None, str | None]]:
    return {(d.country, d.supplier, d.supplier_country) for d in run(text)}


def test_version_is_set() -> None:
    assert EXTRACTOR_VERSION == "0.6.0"


def test_named_supplier_with_nationality_is_not_a_recipient() -> None:
    text = "Ecuador has installed facial recognition cameras from Chinese firm Huawei."
    (d,) = run(text)
    assert (d.country, d.supplier, d.supplier_country) == ("ECU", "Huawei", "CHN")
    assert d.tech == ["facial_recognition"]  # cameras with face recognition are that system
    assert d.status == "deployed"


def test_evidence_offsets_are_verbatim() -> None:
    text = "Title about nothing\n\nSerbia bought 300 CCTV cameras from Hikvision in 2019."
    (d,) = run(text)
    for ev in d.evidence:
        assert text[ev.start : ev.end] == ev.text
    assert d.year == 2019
    assert d.to_gold_dict()["evidence"] == d.evidence[0].text


def test_unnamed_supplier_keeps_country() -> None:
    text = "Kenya's new CCTV network was built by Chinese companies and opened last year."
    assert pairs(text) == {("KEN", None, "CHN")}


def test_several_deployments_in_one_passage() -> None:
    text = (
        "Huawei has supplied safe city systems to Kenya and Serbia. Palantir's software is used by police in Germany."
    )
    assert pairs(text) == {("KEN", "Huawei", "CHN"), ("SRB", "Huawei", "CHN"), ("DEU", "Palantir", "USA")}


def test_reference_to_the_company_in_next_sentence() -> None:
    text = (
        "Bolivian police met Japanese company NEC on Monday. "
        "The company will install face recognition cameras in Bolivia next year."
    )
    (d,) = run(text)
    assert (d.country, d.supplier, d.status) == ("BOL", "NEC", "planned")


def test_supplier_only_sentence_attaches_to_main_recipient() -> None:
    text = (
        "Uganda is expanding its safe city network in the capital. "
        "The contract was awarded to integrator Tessaro Systems."
    )
    assert ("UGA", "Tessaro Systems", None) in pairs(text)


def test_title_line_counts() -> None:
    text = "Uganda deploys Hikvision cameras\n\nThe mayor spoke about the weather."
    assert pairs(text) == {("UGA", "Hikvision", "CHN")}


def test_domestic_deployment_without_supplier() -> None:
    text = "Authorities in Guayaquil have installed 900 surveillance cameras."
    assert pairs(text) == {("ECU", None, None)}


def test_market_statistics_and_forecasts_are_not_deployments() -> None:
    text = (
        "The global facial recognition market will grow to $9 billion by 2030, a forecast says. "
        "Hikvision holds 30% of global revenue in Kenya's camera market."
    )
    assert run(text) == []


def test_vendor_profile_is_not_a_deployment() -> None:
    assert run("Hikvision, a Chinese camera maker, is a leading provider of CCTV.") == []


def test_prospective_ban_is_not_a_deployment_but_removal_is_cancelled() -> None:
    assert run("A new law bans U.S. agencies from buying Hikvision cameras.") == []
    (d,) = run("Kenya banned Hikvision cameras and removed those already installed.")
    assert d.status == "cancelled"


def test_hedged_allegations_and_hypotheticals() -> None:
    assert run("Activists alleged that Serbia used Huawei spyware against reporters.") == []
    assert run("Analysts said Bolivia could buy ZTE surveillance cameras.") == []


def test_cancelled_contract() -> None:
    (d,) = run("Ecuador scrapped its facial recognition contract with NEC last month.")
    assert d.status == "cancelled"


def test_factsheet_fields() -> None:
    text = (
        "Example face matching system\n"
        "Operator: Guayaquil City Police\nDeveloper: NEC\nCountry: Ecuador; Serbia\n"
        "Technology: Facial recognition\n"
    )
    got = {(d.country, d.supplier, tuple(d.tech)) for d in run(text)}
    assert ("ECU", "NEC", ("facial_recognition",)) in got
    assert ("SRB", "NEC", ("facial_recognition",)) in got


def test_empty_and_irrelevant_text() -> None:
    assert run("") == []
    assert run("The weather in Kenya was sunny on Tuesday.") == []


def test_opinion_piece_states_no_supplier_deal_by_itself() -> None:
    text = (
        "Opinion: Ecuador should ban face recognition\n\n"
        "Ecuador's lawmakers should ban live face recognition. "
        "Vendors such as Hikvision are eager to sell."
    )
    assert run(text) == []


def test_reported_future_is_a_plan_not_a_hedge() -> None:
    (d,) = run("The Serbian interior ministry said it would buy 500 CCTV cameras from Hikvision.")
    assert (d.country, d.supplier, d.status) == ("SRB", "Hikvision", "planned")


def test_a_special_administrative_region_is_recorded_under_its_state() -> None:
    from custodes.extract.extractor import recipient_states

    assert recipient_states()["HKG"] == "CHN"
    assert "TWN" not in recipient_states()
    got = {(d.country, d.supplier) for d in run("Hong Kong police bought phone-cracking kits from Cellebrite in 2019.")}
    assert got == {("CHN", "Cellebrite")}


def test_a_pair_told_only_by_business_events_is_vetoed_whatever_its_score() -> None:
    from custodes.extract.doc import Doc
    from custodes.extract.extractor import build_pipeline

    doc = build_pipeline()(Doc("Hikvision bought a 30% stake in a camera distributor in Chile last year."))
    assert doc["deployments"] == []
    assert any("business event" in reason for reason in doc["vetoes"].values())


def test_a_nationality_never_named_with_the_recipient_is_vetoed() -> None:
    from custodes.extract.doc import Doc
    from custodes.extract.extractor import build_pipeline

    text = ("Brazil's federal police have deployed new facial recognition cameras at airports. "
            "The drones it plans to buy are Israeli-made surveillance models.")
    doc = build_pipeline()(Doc(text))
    assert doc["vetoes"].get(("BRA", "c", "ISR")) == "supplier nationality never named with the recipient"
    assert all(d.supplier_country != "ISR" for d in doc["deployments"])
