from fakes import FakeGazetteer, FakeRegistry

from custodes.extract.context import sentence_contexts
from custodes.extract.mentions import collect_mentions
from custodes.extract.roles import assign_roles
from custodes.extract.sentences import SentenceIndex, split_sentences


def roles(text: str) -> list[tuple[str, str]]:
    sents = split_sentences(text)
    (ctx,) = sentence_contexts(text, SentenceIndex(sents))
    countries, suppliers = collect_mentions(text, sents, FakeGazetteer(), FakeRegistry())
    assign_roles(text, ctx, countries, suppliers)
    return [(c.surface, c.role) for c in countries]


def test_nationality_of_a_named_company_is_supplier() -> None:
    assert roles("Kenya hired Chinese tech giant Huawei.") == [("Kenya", "recipient"), ("Chinese", "supplier")]
    assert roles("Kenya and China's ZTE signed a deal.") == [("Kenya", "recipient"), ("China", "supplier")]


def test_based_built_from_by_are_supplier_side() -> None:
    assert ("Shenzhen", "supplier") in roles("A Shenzhen-based start-up sold cameras to Kenya.")
    assert ("China", "supplier") in roles("Kenya purchased cameras from China.")
    assert ("Germany", "recipient") in roles("The software is used by Germany.")


def test_bystanders_and_hedges() -> None:
    assert roles("U.S. senators criticised the Kenyan police deal.") == [("U.S.", "bystander"), ("Kenyan", "recipient")]
    assert roles("Critics alleged that Sylvania used the tool.") == [("Sylvania", "hedged")]


def test_company_internal_country_names() -> None:
    text = "Kenya signed with China Harbour Signal Corporation for cameras."
    assert roles(text) == [("Kenya", "recipient"), ("China", "internal")]
