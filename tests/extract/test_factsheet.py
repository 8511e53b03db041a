from fakes import FakeGazetteer, FakeRegistry

from custodes.extract.factsheet import factsheet_candidates
from custodes.extract.sentences import split_sentences


def cands(text: str):
    return factsheet_candidates(text, split_sentences(text), FakeGazetteer(), FakeRegistry())


def test_fields_give_recipient_supplier_and_tech() -> None:
    text = "Face matcher\nOperator: Sylvan City police\nDeveloper: Acme Ltd\nTechnology: Face recognition"
    (c,) = cands(text)
    assert (c.country, c.supplier, c.categories) == ("SYL", "Acme", ("facial_recognition",))


def test_prose_without_fields_gives_nothing() -> None:
    assert cands("Acme developed a camera. Sylvania bought it.") == []
