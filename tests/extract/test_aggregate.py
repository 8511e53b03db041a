from custodes.extract import extract
from custodes.extract.model import Deployment


def run(text: str) -> list[Deployment]:
    return extract(text)


def test_vague_record_is_folded_into_named_one_and_lends_its_year() -> None:
    text = (
        "Serbia launched a safe city system in March 2016. "
        "The system was built by Huawei under a contract signed with the ministry."
    )
    (d,) = run(text)
    assert (d.country, d.supplier, d.year) == ("SRB", "Huawei", 2016)
    assert "smart_city" in d.tech


def test_plain_video_is_dropped_when_face_recognition_is_attached() -> None:
    (d,) = run("Uganda installed CCTV cameras with facial recognition from Hikvision.")
    assert d.tech == ["facial_recognition"]


def test_lead_technology_is_not_lent_to_another_recipient() -> None:
    text = (
        "Kenya switches on Huawei CCTV cameras\n\n"
        "Kenyan police have switched on a camera network supplied by Huawei.\n\n"
        "Elsewhere, in Zambia, Huawei staff helped the police intercept calls of critics."
    )
    got = {d.country: d.tech for d in run(text)}
    assert got["KEN"] == ["video_surveillance"]
    assert got["ZMB"] == ["communications_interception"]


def test_a_sentence_naming_no_party_lends_its_technology_to_its_neighbour() -> None:
    text = (
        "Kyrgyzstan's interior ministry signed a deal with CEIEC for street cameras. "
        "Installed cameras will be able to recognise faces."
    )
    (d,) = run(text)
    assert (d.country, d.supplier) == ("KGZ", "CEIEC")
    assert "facial_recognition" in d.tech


def test_lead_technology_of_another_named_supplier_is_not_lent() -> None:
    text = (
        "Huawei cameras with facial recognition go live in Naypyitaw\n\n"
        "Huawei supplied the cameras to Myanmar's police.\n\n"
        "Later, local firm Naung Yoe Systems won a contract to build a command centre in Myanmar."
    )
    got = {d.supplier: d.tech for d in run(text)}
    assert "facial_recognition" in got["Huawei"]
    assert got["Naung Yoe Systems"] == ["smart_city"]


def test_the_only_year_of_the_document_is_not_lent_to_another_recipient() -> None:
    text = (
        "Poland's secret service bought Pegasus from NSO Group in 2017. "
        "Hungary's interior ministry also bought and used Pegasus, an official told reporters."
    )
    got = {d.country: d.year for d in run(text)}
    assert got == {"POL": 2017, "HUN": None}


def test_financing_sentence_naming_no_party_belongs_to_the_only_recipient() -> None:
    text = (
        "Zambia completed its safe city programme with cameras built by Huawei. "
        "The programme was financed with a $275 million loan from the Export-Import Bank of China."
    )
    (d,) = run(text)
    assert d.financing is not None and d.financing.loan
    assert (d.financing.lender, d.financing.amount) == ("Export-Import Bank of China", 275e6)


def test_financing_stated_a_sentence_after_the_deal_is_the_deals() -> None:
    text = ("Huawei installed a camera network for the police of Zambia in 2016. "
            "The network came with a price tag of $95 million. "
            "The government had to take out a loan to pay for it.")
    from custodes.extract import extract as run
    gaz_free = [d for d in run(text) if d.financing is not None]
    assert gaz_free, "the amount and the loan of the next sentences make one financing statement"
    fin = gaz_free[0].financing
    assert fin is not None and fin.amount == 95_000_000 and fin.currency == "USD" and fin.loan
    assert fin.evidence is not None and text[fin.evidence.start:fin.evidence.end] == fin.evidence.text


def test_a_programme_attaches_only_to_the_deal_it_is_stated_for() -> None:
    from custodes.extract import extract as run

    text = ("Huawei built the Safe Harbour Project cameras for the police of Kenya in 2015. "
            "Separately, ZTE installed a surveillance camera network in Uganda in 2018.")
    got = {(d.country, d.supplier): d.program for d in run(text)}
    assert got.get(("KEN", "Huawei")) == "Safe Harbour"
    assert got.get(("UGA", "ZTE")) is None
