from fakes import FakeGazetteer, FakeRegistry

from custodes.extract.context import sentence_contexts
from custodes.extract.linker import bucket, link, main_recipient
from custodes.extract.mentions import collect_mentions
from custodes.extract.sentences import SentenceIndex, split_sentences


def prepare(text: str):
    sents = split_sentences(text)
    ctxs = sentence_contexts(text, SentenceIndex(sents))
    countries, suppliers = collect_mentions(text, sents, FakeGazetteer(), FakeRegistry())
    return bucket(ctxs, countries, suppliers)


def test_agreement_between_two_countries_uses_document_supplier_side() -> None:
    text = (
        "China signed an agreement with Sylvania to build a safe city system. "
        "The project is funded by loans from China."
    )
    got = {(c.country, c.supplier, c.supplier_country) for c in link(text, prepare(text))}
    assert ("SYL", None, "CHN") in got
    assert all(c[0] != "CHN" for c in got)


def test_reference_to_the_country() -> None:
    text = "Sylvania's interior ministry met reporters. Cameras will be installed across the country by Huawei."
    got = {(c.country, c.supplier) for c in link(text, prepare(text))}
    assert got == {("SYL", "Huawei")}


def test_main_recipient_counts_recipient_mentions_only() -> None:
    text = "Chinese firm Huawei met Kenyan police. Kenya later bought cameras."
    assert main_recipient(prepare(text)) is None or main_recipient(prepare(text)) == "KEN"
