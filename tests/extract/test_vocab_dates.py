"""dates.py reads its words from data/lang/en/dates.yaml; these fail if a list loses a word."""

from custodes.extract.dates import anchored_years, deployment_year
from custodes.extract.vocab import vocabulary


def test_every_month_and_preposition_anchors_a_year() -> None:
    for month in ("Jan.", "February", "Sept", "december", "May"):
        assert anchored_years(f"It opened {month} 2019.") == [(10, 2019)], month
    assert deployment_year("The cameras were installed on 3rd March, 2016.") == 2016
    assert deployment_year("The cameras were installed during mid-2016.") == 2016
    # "on" is a word of the list, not YAML's boolean
    assert "on" in vocabulary("dates").words("year_prepositions")


def test_event_reporting_and_future_words() -> None:
    assert deployment_year("The network went live in 2015.") == 2015
    assert deployment_year("The network was trialled in 2015.") == 2015
    assert deployment_year("The city plans to expand the network installed in 2015.") is None
    assert deployment_year("Police announced in 2015 that the network had been installed.") is None
    assert deployment_year("Police have just rolled out the cameras, the mayor announced in 2015.") == 2015


def test_non_deployment_words_are_matched_as_prefixes() -> None:
    assert deployment_year("The cameras installed then were dismantled in 2020.") is None
    assert deployment_year("The cameras installed then were withdrawn in 2020.") is None
