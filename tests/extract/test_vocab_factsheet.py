"""factsheet.py reads its field labels from data/lang/en/factsheet.yaml; these fail if a label is lost."""

from custodes.extract.factsheet import factsheet_candidates
from custodes.extract.linker import Candidate
from custodes.extract.sentences import split_sentences
from custodes.resolve.countries import Gazetteer
from custodes.resolve.vendors import VendorRegistry


def cands(text: str) -> list[Candidate]:
    return factsheet_candidates(text, split_sentences(text), Gazetteer.default(), VendorRegistry.default())


def test_plural_and_synonym_labels_name_the_same_fields() -> None:
    text = "Gate scanners\nDEPLOYERS: Belgrade city police\nVendors: Acme Ltd and Brix\nTechnologies: face recognition"
    got = cands(text)
    assert [(c.country, c.supplier) for c in got] == [("SRB", "Acme"), ("SRB", "Brix")]
    assert got[0].categories == ("facial_recognition",)


def test_location_is_read_for_its_country() -> None:
    (c,) = cands("Gate scanners\nLocation: Nairobi, Kenya\nSupplier: Acme Ltd\nPurpose: border control")
    assert c.country == "KEN"
