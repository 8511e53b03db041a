from custodes.extract.cues import CueMatcher, category_ids, longest_only, taxonomy, tech_matcher


def test_taxonomy_has_the_eight_categories() -> None:
    assert set(category_ids()) == {
        "smart_city",
        "facial_recognition",
        "smart_policing",
        "social_media_monitoring",
        "video_surveillance",
        "biometric_id",
        "communications_interception",
        "telecom_infrastructure",
    }
    assert all(c.cues and c.description for c in taxonomy().values())


def test_word_boundaries_and_case() -> None:
    m = CueMatcher([("cctv", "v"), ("install*", "i")])
    found = m.find("CCTVs no, CCTV yes; Installation done, reinstall no")
    assert [(x.cue, x.label) for x in found] == [("CCTV", "v"), ("Installation", "i")]


def test_tech_cues_find_categories() -> None:
    labels = tech_matcher().labels("Police use face recognition and ANPR at the safe city hub")
    assert {"facial_recognition", "smart_policing", "smart_city"} <= labels


def test_longest_only_drops_nested() -> None:
    m = CueMatcher([("face recognition", "a"), ("live face recognition", "b")])
    got = longest_only(m.find("a live face recognition van"))
    assert [x.label for x in got] == ["b"]
