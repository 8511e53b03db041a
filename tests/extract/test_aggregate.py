from fakes import FakeGazetteer, FakeRegistry

from custodes.extract import extract


def run(text: str):
    return extract(text, FakeGazetteer(), FakeRegistry())


def test_vague_record_is_folded_into_named_one_and_lends_its_year() -> None:
    text = (
        "Sylvania launched a safe city system in March 2016. "
        "The system was built by Huawei under a contract signed with the ministry."
    )
    (d,) = run(text)
    assert (d.country, d.supplier, d.year) == ("SYL", "Huawei", 2016)
    assert "smart_city" in d.tech


def test_plain_video_is_dropped_when_face_recognition_is_attached() -> None:
    (d,) = run("Ruritania installed CCTV cameras with facial recognition from Hikvision.")
    assert d.tech == ["facial_recognition"]


def test_lead_technology_is_not_lent_to_another_recipient() -> None:
    text = (
        "Kenya switches on Huawei CCTV cameras\n\n"
        "Kenyan police have switched on a camera network supplied by Huawei.\n\n"
        "Elsewhere, in Sylvania, Huawei staff helped the police intercept calls of critics."
    )
    got = {d.country: d.tech for d in run(text)}
    assert got["KEN"] == ["video_surveillance"]
    assert got["SYL"] == ["communications_interception"]
