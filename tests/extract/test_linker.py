from custodes.extract.context import sentence_contexts
from custodes.extract.linker import SentenceMentions, bucket, link, main_recipient
from custodes.extract.mentions import collect_mentions
from custodes.extract.sentences import SentenceIndex, split_sentences
from custodes.resolve.countries import Gazetteer
from custodes.resolve.vendors import VendorRegistry


def prepare(text: str) -> list[SentenceMentions]:
    sents = split_sentences(text)
    ctxs = sentence_contexts(text, SentenceIndex(sents))
    countries, suppliers = collect_mentions(text, sents, Gazetteer.default(), VendorRegistry.default())
    return bucket(ctxs, countries, suppliers)


def test_agreement_between_two_countries_uses_document_supplier_side() -> None:
    text = (
        "China signed an agreement with Serbia to build a safe city system. The project is funded by loans from China."
    )
    got = {(c.country, c.supplier, c.supplier_country) for c in link(text, prepare(text))}
    assert ("SRB", None, "CHN") in got
    assert all(c[0] != "CHN" for c in got)


def test_reference_to_the_country() -> None:
    text = "Serbia's interior ministry met reporters. Cameras will be installed across the country by Huawei."
    got = {(c.country, c.supplier) for c in link(text, prepare(text))}
    assert got == {("SRB", "Huawei")}


def test_main_recipient_counts_recipient_mentions_only() -> None:
    text = (
        "Chinese firm Huawei met Kenyan police. China's ZTE and the Chinese firm Hikvision later sold cameras to Kenya."
    )
    sms = prepare(text)
    link(text, sms)  # assigns roles in place
    assert main_recipient(sms) == "KEN"


def test_party_to_an_agreement_placed_nowhere_is_the_partner() -> None:
    text = "Pakistan and China signed a memorandum of understanding for a safe city project in Lahore."
    got = {(c.country, c.supplier, c.supplier_country) for c in link(text, prepare(text))}
    assert got == {("PAK", None, "CHN")}
    text2 = "Serbia signed a deal with China in 2019 to install 1,000 cameras in Belgrade."
    got2 = {(c.country, c.supplier, c.supplier_country) for c in link(text2, prepare(text2))}
    assert got2 == {("SRB", None, "CHN")}


def test_a_hedged_place_blocks_reference_to_an_earlier_recipient() -> None:
    text = (
        "Serbia's police bought Cellebrite phone extraction tools. "
        "A report accused the Jordanian government of hacking into phones of local activists."
    )
    got = {(c.country, c.supplier) for c in link(text, prepare(text))}
    assert got == {("SRB", "Cellebrite")}


def test_state_actors_named_by_nationality_act_for_a_recipient_of_the_document() -> None:
    text = (
        "Uganda's police run a CCTV network supplied by Huawei. "
        "Ugandan security officials used Huawei technicians to intercept messages of critics. "
        "Huawei had spent a year engaging with American officials."
    )
    got = {(c.country, c.supplier, c.categories) for c in link(text, prepare(text))}
    assert ("UGA", "Huawei", ("communications_interception",)) in got
    assert all(c[0] != "USA" for c in got)


def test_customers_of_the_vendor_just_named() -> None:
    text = "Hikvision sold cameras to Ecuador's police. Other customers include the police forces of Chile and Peru."
    got = {(c.country, c.supplier) for c in link(text, prepare(text))}
    assert got == {("ECU", "Hikvision"), ("CHL", "Hikvision"), ("PER", "Hikvision")}
