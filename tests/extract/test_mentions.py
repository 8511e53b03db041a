from fakes import FakeGazetteer, FakeRegistry

from custodes.extract.mentions import SpanSet, collect_mentions
from custodes.extract.sentences import split_sentences


def collect(text: str):
    return collect_mentions(text, split_sentences(text), FakeGazetteer(), FakeRegistry())


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
        "Palantir's Lodestar software is popular. Freedonia uses Lodestar. "
        "Beacon, the phone-hacking tool sold by Huawei, was found."
    )
    _, sups = collect(text)
    names = {(s.surface, s.name) for s in sups}
    assert ("Lodestar", "Palantir") in names and ("Beacon", "Huawei") in names


def test_country_inside_company_name_is_internal() -> None:
    countries, sups = collect("Kenya signed with China Harbour Signal Corporation.")
    assert [c.role for c in countries] == ["recipient", "internal"]
    assert sups[0].stated_country == "CHN"


def test_spanset_overlaps() -> None:
    spans = SpanSet([(0, 5), (10, 20)])
    assert spans.overlaps(4, 6) and spans.overlaps(12, 13) and not spans.overlaps(5, 10)
