"""sentences.py reads its abbreviations from data/lang/en/sentences.yaml; these fail if a list loses a word."""

from custodes.extract.sentences import split_sentences


def _texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def test_abbreviations_do_not_end_a_sentence() -> None:
    assert len(_texts("Mr. Smith met Prof. Jones. They talked.")) == 2
    assert len(_texts("See case No. 5 and Int'l. Rules apply here.")) == 1  # "no" is a word, not YAML's false
    assert len(_texts("Acme Sdn. Bhd. Signed the deal.")) == 1


def test_country_abbreviation_ends_a_sentence_before_a_starter() -> None:
    assert _texts("Cameras were bought in the U.S. The ministry paid.") == [
        "Cameras were bought in the U.S.",
        "The ministry paid.",
    ]
    assert len(_texts("Cameras were bought in the U.S. On Monday they arrived.")) == 2
    assert len(_texts("Cameras were bought by the U.S. Army.")) == 1
