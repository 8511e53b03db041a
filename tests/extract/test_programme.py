from custodes.extract.programme import find_programmes, programme_in


def names(text: str) -> list[str]:
    return [p.name for p in find_programmes(text)]


def test_safe_city_and_codes() -> None:
    assert "Safe City" in names("Under the Safe City project, cameras were installed.")
    assert "Fredville Safe City" in names("The Fredville Safe City scheme went live.")
    assert "FRD-112" in names("The FRD-112 emergency system answers calls.")


def test_dubbed_quoted_and_named_project() -> None:
    assert "Beacon" in names("a surveillance programme dubbed Beacon")
    assert "Safe Harbour" in names('the "Safe Harbour" project of the ministry')
    assert "Lighthouse Project" in names("work on the Lighthouse Project continues")


def test_programme_in_span() -> None:
    text = "Intro. The Safe City project began."
    progs = find_programmes(text)
    assert programme_in(progs, text.index("The"), len(text)) == "Safe City"
    assert programme_in(progs, 0, 6) is None
