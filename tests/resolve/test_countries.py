"""Country gazetteer: matching rules, ambiguity handling, resolution and data validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from custodes.resolve._matcher import DataError
from custodes.resolve.countries import CountryMention, Gazetteer


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.default()


def found(gaz: Gazetteer, text: str) -> list[tuple[str, str]]:
    return [(m.surface, m.iso3) for m in gaz.find(text)]


def codes(gaz: Gazetteer, text: str) -> list[str]:
    return [m.iso3 for m in gaz.find(text)]


def test_default_is_cached(gaz: Gazetteer) -> None:
    assert Gazetteer.default() is gaz
    assert gaz.version


@pytest.mark.parametrize(
    ("word", "iso3"),
    [
        ("Ecuadorian", "ECU"),
        ("Kenyan", "KEN"),
        ("Kenyans", "KEN"),
        ("Emirati", "ARE"),
        ("Filipino", "PHL"),
        ("Burmese", "MMR"),
        ("Chinese", "CHN"),
        ("Malaysian", "MYS"),
        ("Kyrgyz", "KGZ"),
        ("Uzbek", "UZB"),
        ("Zambian", "ZMB"),
        ("Nigerien", "NER"),
        ("Nigerian", "NGA"),
        ("South Korean", "KOR"),
        ("North Korean", "PRK"),
    ],
)
def test_demonyms(gaz: Gazetteer, word: str, iso3: str) -> None:
    mentions = gaz.find(f"The {word} police bought the system.")
    assert [(m.surface, m.iso3, m.kind) for m in mentions] == [(word, iso3, "demonym")]


@pytest.mark.parametrize(
    ("name", "iso3"),
    [
        ("Burma", "MMR"),
        ("Ivory Coast", "CIV"),
        ("Côte d'Ivoire", "CIV"),
        ("Cote d'Ivoire", "CIV"),
        ("Swaziland", "SWZ"),
        ("eSwatini", "SWZ"),
        ("Czechia", "CZE"),
        ("Czech Republic", "CZE"),
        ("Holland", "NLD"),
        ("Britain", "GBR"),
        ("U.K.", "GBR"),
        ("U.S.", "USA"),
        ("USA", "USA"),
        ("DPRK", "PRK"),
        ("Laos", "LAO"),
        ("Vietnam", "VNM"),
        ("Bolivia", "BOL"),
        ("Türkiye", "TUR"),
        ("Turkey", "TUR"),
        ("Cape Verde", "CPV"),
        ("East Timor", "TLS"),
        ("Zaire", "COD"),
        ("Ceylon", "LKA"),
        ("Macedonia", "MKD"),
        ("North Macedonia", "MKD"),
        ("Kosovo", "XKX"),
        ("Palestine", "PSE"),
        ("Taiwan", "TWN"),
        ("Hong Kong", "HKG"),
        ("Macau", "MAC"),
    ],
)
def test_alternative_and_former_names(gaz: Gazetteer, name: str, iso3: str) -> None:
    assert codes(gaz, f"Officials in {name} signed it.") == [iso3]
    assert gaz.resolve(name) == iso3


def test_cities_map_to_their_country(gaz: Gazetteer) -> None:
    text = "Cameras went up in Belgrade, Quito, Nairobi, Islamabad, Kiev and São Paulo."
    assert codes(gaz, text) == ["SRB", "ECU", "KEN", "PAK", "UKR", "BRA"]
    assert {m.kind for m in gaz.find(text)} == {"city"}


def test_regions_and_programmes(gaz: Gazetteer) -> None:
    text = (
        "Xinjiang and Scotland and Bavaria; ECU-911 and ECU 911 and BOL-110; "
        "the Safe Philippines project; the carnet de la patria; Sharp Eyes."
    )
    got = [(m.iso3, m.kind) for m in gaz.find(text)]
    assert got == [
        ("CHN", "region"),
        ("GBR", "region"),
        ("DEU", "region"),
        ("ECU", "programme"),
        ("ECU", "programme"),
        ("BOL", "programme"),
        ("PHL", "programme"),
        ("VEN", "programme"),
        ("CHN", "programme"),
    ]


def test_programmes_carry_citations(gaz: Gazetteer) -> None:
    assert any("aiddata" in url for url in gaz.citations("ECU"))
    assert gaz.citations("VEN")


def test_niger_never_matches_inside_nigeria(gaz: Gazetteer) -> None:
    assert found(gaz, "Nigeria and Niger") == [("Nigeria", "NGA"), ("Niger", "NER")]
    assert found(gaz, "Nigerians") == [("Nigerians", "NGA")]


def test_the_guineas_longest_match_wins(gaz: Gazetteer) -> None:
    text = "Guinea-Bissau, Equatorial Guinea, Papua New Guinea and Guinea."
    assert codes(gaz, text) == ["GNB", "GNQ", "PNG", "GIN"]
    assert codes(gaz, "the Gulf of Guinea") == []


def test_the_congos(gaz: Gazetteer) -> None:
    assert codes(gaz, "Congo bought cameras") == ["COD"]
    assert codes(gaz, "the Democratic Republic of the Congo") == ["COD"]
    assert codes(gaz, "the Republic of the Congo") == ["COG"]
    assert codes(gaz, "Congo-Brazzaville and Congo-Kinshasa and DRC") == ["COG", "COD", "COD"]
    assert codes(gaz, "police in Brazzaville") == ["COG"]


def test_longest_match_for_nested_names(gaz: Gazetteer) -> None:
    assert codes(gaz, "New South Wales police") == ["AUS"]
    assert codes(gaz, "Northern Ireland") == ["GBR"]
    assert codes(gaz, "South Sudan and Sudan") == ["SSD", "SDN"]
    assert codes(gaz, "the Dominican Republic and Dominica") == ["DOM", "DMA"]
    assert codes(gaz, "Inner Mongolia and Mongolia") == ["CHN", "MNG"]


def test_georgia_the_us_state(gaz: Gazetteer) -> None:
    assert found(gaz, "Police in Atlanta, Georgia use it.") == [("Atlanta, Georgia", "USA")]
    us = gaz.find("Lawmakers in the US state of Georgia approved face recognition.")
    assert [(m.iso3, m.kind) for m in us] == [("USA", "alias"), ("USA", "region")]
    assert codes(gaz, "Georgia bought cameras for Tbilisi.") == ["GEO", "GEO"]
    assert codes(gaz, "Georgia signed a deal with Huawei.") == ["GEO"]


def test_jordan_and_chad_as_person_names(gaz: Gazetteer) -> None:
    assert codes(gaz, "Michael Jordan scored.") == []
    assert codes(gaz, "Jordan Peterson said so.") == []
    assert codes(gaz, "Mr. Jordan said so.") == []
    assert codes(gaz, "Chad Smith met them.") == []
    assert codes(gaz, "Cameras in Jordan, Chad and Mali.") == ["JOR", "TCD", "MLI"]
    assert codes(gaz, "Jordan's police and the Jordan Armed Forces") == ["JOR", "JOR"]
    assert codes(gaz, "the Hashemite Kingdom of Jordan") == ["JOR"]
    assert codes(gaz, "Jordan Installs Huawei Safe City Cameras") == ["JOR"]  # Title Case


def test_lowercase_turkey_is_a_bird(gaz: Gazetteer) -> None:
    assert codes(gaz, "a roast turkey for dinner") == []
    assert codes(gaz, "Roast TURKEY recipe for the family") == []
    assert codes(gaz, "TURKEY BUYS CHINESE CAMERAS") == ["TUR", "CHN"]
    assert codes(gaz, "chad, china and jordan in lower case") == []


def test_iso3_codes_are_not_matched_in_running_text(gaz: Gazetteer) -> None:
    assert codes(gaz, "The ARE and CAN and ECU and NER values rose.") == []
    assert gaz.resolve("CAN") == "CAN"
    assert gaz.resolve("are") == "ARE"


def test_blocked_phrases_yield_nothing(gaz: Gazetteer) -> None:
    assert codes(gaz, "across Latin America and South America") == []
    assert codes(gaz, "a US$ 10 million loan") == []
    assert codes(gaz, "in the South China Sea") == []
    assert codes(gaz, "Latin America and the United States") == ["USA"]


def test_ambiguous_cities_are_dropped(gaz: Gazetteer) -> None:
    assert codes(gaz, "police in Santiago and Valencia") == []
    assert gaz.resolve("Santiago") == "CHL"
    assert codes(gaz, "the Maldives capital Malé") == ["MDV", "MDV"]
    assert codes(gaz, "Male and female officers") == []


def test_word_boundaries(gaz: Gazetteer) -> None:
    assert codes(gaz, "A woman from Omani police") == ["OMN"]
    assert codes(gaz, "Perusal of Chilean law") == ["CHL"]
    assert codes(gaz, "Sino-Ecuadorian ties") == ["CHN", "ECU"]


def test_possessives_and_typographic_apostrophes(gaz: Gazetteer) -> None:
    assert found(gaz, "Kenya's police") == [("Kenya", "KEN")]
    assert found(gaz, "Kenya’s police") == [("Kenya", "KEN")]
    assert codes(gaz, "Côte d’Ivoire signed") == ["CIV"]


def test_mentions_are_sorted_and_disjoint(gaz: Gazetteer) -> None:
    text = (
        "Huawei supplied Safe City cameras to Nairobi, Kenya, and to Belgrade. "
        "The Ecuadorian ECU-911 system and Bolivia's BOL-110 followed. " * 50
    )
    mentions = gaz.find(text)
    assert len(mentions) == 50 * 7
    for a, b in zip(mentions, mentions[1:], strict=False):
        assert a.end <= b.start
    for m in mentions:
        assert isinstance(m, CountryMention)
        assert text[m.start : m.end] == m.surface


@pytest.mark.parametrize(
    ("name", "iso3"),
    [
        ("Ecuador", "ECU"),
        ("ECU", "ECU"),
        ("ecu", "ECU"),
        ("EC", "ECU"),
        ("Ivory Coast", "CIV"),
        ("ivory coast", "CIV"),
        ("Belgrade", "SRB"),
        ("ecuadorian", "ECU"),
        ("the Netherlands", "NLD"),
        ("Republic of Korea", "KOR"),
        ("Bolivia, Plurinational State of", "BOL"),
        ("ECU-911", "ECU"),
        ("Xinjiang", "CHN"),
        ("Georgia", "GEO"),
        ("Jordan", "JOR"),
    ],
)
def test_resolve(gaz: Gazetteer, name: str, iso3: str) -> None:
    assert gaz.resolve(name) == iso3


@pytest.mark.parametrize("name", ["", "   ", "Atlantis", "Latin America", "ZZZ"])
def test_resolve_unknown(gaz: Gazetteer, name: str) -> None:
    assert gaz.resolve(name) is None


def test_display_names(gaz: Gazetteer) -> None:
    assert gaz.name("BOL") == "Bolivia"
    assert gaz.name("IRN") == "Iran"
    assert gaz.name("KOR") == "South Korea"
    assert gaz.name("RUS") == "Russia"
    assert gaz.name("XKX") == "Kosovo"
    assert gaz.name("VGB") == "British Virgin Islands"
    assert gaz.name("ecu") == "Ecuador"
    with pytest.raises(KeyError):
        gaz.name("ZZZ")


def test_all_iso3(gaz: Gazetteer) -> None:
    codes_ = gaz.all_iso3()
    assert codes_ == sorted(codes_)
    assert {"XKX", "HKG", "MAC", "TWN", "PSE", "ECU"} <= set(codes_)
    assert len(codes_) >= 250


# ---------------------------------------------------------------- validation

GOOD = """
version: "t1"
countries:
  ECU:
    demonyms: [Ecuadorian]
    programmes:
      - names: [ECU-911]
        citations: [https://example.org/ecu]
ambiguous:
  - {surface: Jordan, iso3: JOR, rule: person_name}
"""


def load(tmp_path: Path, text: str) -> Gazetteer:
    path = tmp_path / "countries.yaml"
    path.write_text(text, encoding="utf-8")
    return Gazetteer.from_file(path, use_geonames=False)


def test_small_file_loads(tmp_path: Path) -> None:
    gaz = load(tmp_path, GOOD)
    assert codes(gaz, "An Ecuadorian in Jordan; ECU-911") == ["ECU", "JOR", "ECU"]
    assert gaz.resolve("Belgrade") is None  # no geonames cities when disabled


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (GOOD.replace("demonyms:", "demonymz:"), "unknown key"),
        (GOOD.replace("ECU:", "EQU:"), "unknown ISO3"),
        (GOOD.replace("rule: person_name", "rule: guess"), "unknown rule"),
        (GOOD.replace("        citations: [https://example.org/ecu]\n", ""), "citations"),
        (GOOD.replace('version: "t1"\n', ""), "version"),
        (GOOD + "  - {surface: Peru, rule: person_name}\n", "needs an iso3"),
        (GOOD.replace("[Ecuadorian]", "[Ecuadorian, 7]"), "non-empty strings"),
        (GOOD + "  PER:\n    aliases: [Ecuadorian]\n", "both"),
    ],
)
def test_bad_files_raise_clear_errors(tmp_path: Path, bad: str, message: str) -> None:
    if "PER:" in bad:  # a second country block must sit under `countries`
        bad = GOOD.replace("ambiguous:", "  PER:\n    aliases: [Ecuadorian]\nambiguous:")
    with pytest.raises(DataError) as err:
        load(tmp_path, bad)
    assert "countries.yaml" in str(err.value)
    assert message in str(err.value)


def test_blocked_phrase_may_not_shadow_a_country(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="blocked phrase"):
        load(tmp_path, GOOD + "blocked: [Ecuadorian]\n")


def test_all_caps_datelines(gaz: Gazetteer) -> None:
    assert codes(gaz, "KABUL – The ministry said") == ["AFG"]
    assert codes(gaz, "Intro line.\nCARACAS, Reuters - Officials said") == ["VEN"]
    assert codes(gaz, "WASHINGTON (Reuters) - Officials said") == ["USA"]
    assert codes(gaz, "He flew to NAIROBI and back") == []
    assert codes(gaz, "Intro line.\nKABUL officials said") == []


def test_groups_and_nicknames_are_not_countries(gaz: Gazetteer) -> None:
    """The gazetteer names states and places; a group or a nickname is not a country alias."""
    assert codes(gaz, "the Taliban government bought cameras") == []
    assert codes(gaz, "a Silicon Valley startup") == []
    assert codes(gaz, "the Islamic Emirate of Afghanistan bought cameras") == ["AFG"]


def test_peoples_resolve_but_are_never_found(gaz: Gazetteer) -> None:
    assert gaz.resolve("Uyghur") == "CHN"
    assert found(gaz, "Uyghurs and Tibetans were watched in the Xinjiang Uyghur Autonomous Region.") == [
        ("Xinjiang Uyghur Autonomous Region", "CHN")
    ]


def test_derived_plural_demonyms_are_known_as_people_nouns(gaz: Gazetteer) -> None:
    assert gaz.is_people_noun("Kenyans") and gaz.is_people_noun("Kazakhs")
    assert not gaz.is_people_noun("Kenyan") and not gaz.is_people_noun("Kenya")
