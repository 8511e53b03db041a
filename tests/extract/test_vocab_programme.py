"""programme.py reads its words from data/lang/en/programme.yaml; these fail if a list loses a word."""

from custodes.extract.programme import find_programmes


def names(text: str) -> list[str]:
    return [p.name for p in find_programmes(text)]


def test_programme_nouns_and_joiners() -> None:
    assert "Alpha Initiative" in names("They joined the Alpha Initiative last year.")
    assert "Ministry of Public Security" in names("the Ministry of Public Security Platform")
    assert "Skynet" in names("the 'Skynet' SCHEME was extended")


def test_generic_lead_words_are_cut_off() -> None:
    assert names("Work began on National Lighthouse Project sites.") == ["Lighthouse Project"]


def test_naming_verbs_count_after_a_programme_noun_only() -> None:
    assert "Falcon" in names("a surveillance system known as Falcon")
    assert "Falcon" in names("a monitoring app, branded Falcon")
    assert "Falcon" not in names("a company called Falcon")


def test_city_programmes_acronym_heads_and_codes() -> None:
    assert "Smart Cities" in names("Smart Cities were announced.")
    assert "ICCC" in names("the Integrated Command and Control Centre (ICCC) opened")
    assert "DOI" not in names("the Department of the Interior (DOI) said")
    assert names("the KES300 bill") == []
    assert names("a Closed Circuit Television System (CCTV) was installed") == []
