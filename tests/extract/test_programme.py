from custodes.extract.programme import find_programmes, programme_in


def names(text: str) -> list[str]:
    return [p.name for p in find_programmes(text)]


def test_safe_city_and_codes() -> None:
    assert "Safe City" in names("Under the Safe City project, cameras were installed.")
    assert "Nairobi Safe City" in names("The Nairobi Safe City scheme went live.")
    assert "SRB-112" in names("The SRB-112 emergency system answers calls.")


def test_dubbed_quoted_and_named_project() -> None:
    assert "Beacon" in names("a surveillance programme dubbed Beacon")
    assert "Safe Harbour" in names('the "Safe Harbour" project of the ministry')
    assert "Lighthouse Project" in names("work on the Lighthouse Project continues")


def test_programme_in_span() -> None:
    text = "Intro. The Safe City project began."
    progs = find_programmes(text)
    assert programme_in(progs, text.index("The"), len(text)) == "Safe City"
    assert programme_in(progs, 0, 6) is None


def test_money_and_codes_that_are_not_programmes() -> None:
    assert names("the USD396.8-million contract was signed") == []
    assert names("in FY 2020 the police") == []
    assert names("certified under ISO 27001") == []


def test_acronyms_and_introductions_need_a_programme_noun() -> None:
    assert names("the Integrated Command and Control Centre (ICCC) opened") == ["ICCC"]
    assert names("the Department of the Interior (DOI) said") == []
    assert names("a deal with Acme Signal Corporation (ASC) was signed") == []
    assert names("a local company called Seguritech") == []
    assert names("Kenya named Huawei as its supplier") == []
    assert "Sharp Eyes" in names("the so-called Sharp Eyes campaign")


def test_possessive_country_is_not_part_of_the_name() -> None:
    assert names("Kenya's Safe City project") == ["Safe City"]
