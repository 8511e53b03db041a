from custodes.extract.dates import deployment_year, first_deployment_year


def test_anchored_past_event_year() -> None:
    assert deployment_year("The city launched the system in March 2017.") == 2017
    assert deployment_year("The centre has been operational since June 2016.") == 2016


def test_no_year_for_plans_forecasts_or_unanchored() -> None:
    assert deployment_year("The market will reach $5 billion by 2030.") is None
    assert deployment_year("The firm will launch the pilot before 2026.") is None
    assert deployment_year("Police used it during the 2015 protests.") is None
    assert deployment_year("In 2018 the minister said the state will buy cameras.") is None


def test_first_year_in_order() -> None:
    assert first_deployment_year(["No year.", "It was installed in 2014."]) == 2014


def test_year_of_a_report_is_not_the_year_of_the_deployment() -> None:
    text = "In November 2021 an official told reporters that the ministry had bought the spyware."
    assert deployment_year(text) is None
    text2 = "The ministry has begun using the software, the agency reported in March 2022."
    assert deployment_year(text2) == 2022
    assert deployment_year("The cameras were handed over in 2018, officials said.") == 2018


def test_years_of_audits_removals_and_companies_are_not_deployment_years() -> None:
    assert deployment_year("In a 2019 audit, police found the cameras were installed at 30 stations.") is None
    assert deployment_year("According to information gathered in 2019, police removed the cameras.") is None
    assert deployment_year("Founded in Beijing in 2014, the firm sold cameras to Thailand.") is None
    # the event's own year survives a removal told in the same sentence
    assert deployment_year("The ministry ordered the removal of cameras that had been installed in 2019.") == 2019


def test_decision_year_and_a_report_closing_the_sentence() -> None:
    assert deployment_year("In March 2017 the commission decided to buy voter identification kits.") == 2017
    text = "The firm supplied a monitoring centre to the operator in 2008, the company confirmed."
    assert deployment_year(text) == 2008
