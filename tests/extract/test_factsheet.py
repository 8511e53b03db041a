from custodes.extract.factsheet import factsheet_candidates
from custodes.extract.linker import Candidate
from custodes.extract.sentences import split_sentences
from custodes.resolve.countries import Gazetteer
from custodes.resolve.vendors import VendorRegistry


def cands(text: str) -> list[Candidate]:
    return factsheet_candidates(text, split_sentences(text), Gazetteer.default(), VendorRegistry.default())


def test_fields_give_recipient_supplier_and_tech() -> None:
    text = "Face matcher\nOperator: Belgrade city police\nDeveloper: Acme Ltd\nTechnology: Face recognition"
    (c,) = cands(text)
    assert (c.country, c.supplier, c.categories) == ("SRB", "Acme", ("facial_recognition",))


def test_registry_developer_keeps_its_home_country() -> None:
    text = "Gate scanners\nCountry: Kenya\nDeveloper: Idemia\nTechnology: fingerprint readers"
    (c,) = cands(text)
    assert (c.country, c.supplier, c.supplier_country, c.registered) == ("KEN", "Idemia", "FRA", True)


def test_prose_without_fields_gives_nothing() -> None:
    assert cands("Acme developed a camera. Serbia bought it.") == []
