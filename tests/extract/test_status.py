from custodes.extract.status import classify_status, sentence_status


def test_cancelled_wins_anywhere() -> None:
    assert classify_status(["The city signed a camera deal.", "It later cancelled the deal."]) == ("cancelled")


def test_planned_and_deployed() -> None:
    assert sentence_status("The ministry will install 500 cameras next year.") == "planned"
    assert sentence_status("The cameras went live on Monday.") == "deployed"
    assert sentence_status("Cameras are being installed across the capital.") == "planned"
    assert sentence_status("Cameras have been installed at 40 sites.") == "deployed"


def test_lead_sentence_decides_and_default() -> None:
    assert classify_status(["Nothing here.", "The firm won a tender."]) == "planned"
    assert classify_status(["Nothing here."]) == "deployed"
