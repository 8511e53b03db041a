from custodes.extract.status import classify_status, document_status, sentence_status


def test_cancelled_wins_anywhere() -> None:
    assert classify_status(["The city signed a camera deal.", "It later cancelled the deal."]) == "cancelled"
    assert classify_status(["The cameras went live in 2019.", "The council shelved the contract."]) == "cancelled"


def test_planned_and_deployed() -> None:
    assert sentence_status("The ministry will install 500 cameras next year.") == "planned"
    assert sentence_status("The cameras went live on Monday.") == "deployed"
    assert sentence_status("Cameras are being installed across the capital.") == "planned"
    assert sentence_status("Cameras have been installed at 40 sites.") == "deployed"


def test_future_auxiliary_turns_a_completion_word_into_a_plan() -> None:
    assert sentence_status("About 500 cameras will be installed in Quito.") == "planned"
    assert sentence_status("The network will go live next month.") == "planned"
    assert sentence_status("The system is to be financed and implemented by the firm.") == "planned"
    assert sentence_status("The system, which was installed in 2019, will be upgraded.") == "deployed"
    # hearsay about the present is not a plan
    assert sentence_status("The tool is believed to be used by the police.") == "deployed"


def test_tenders_and_new_status_vocabulary() -> None:
    assert sentence_status("Police launched a tender for 300 cameras.") == "planned"
    assert sentence_status("The two governments signed a memorandum of understanding.") == "planned"
    assert sentence_status("Officers in the city are piloting the software.") == "deployed"
    assert sentence_status("The president commissioned the command centre.") == "deployed"
    assert sentence_status("The city is no longer using the scanners.") == "cancelled"
    assert sentence_status("The ministry called off the purchase.") == "cancelled"


def test_a_plain_statement_of_use_outranks_the_contract() -> None:
    texts = ["The ministry signed a contract with the firm.", "Its cameras are already in use on highways."]
    assert classify_status(texts) == "deployed"
    # a sentence mixing a plan with use is not plain
    assert classify_status(["The firm won a tender and its cameras will be in use next year."]) == "planned"


def test_deal_only_records_take_the_frame_of_their_recipient() -> None:
    assert classify_status(["Nothing here.", "The firm won a tender."], default="planned") == "planned"
    # the document's frame alone (a system running elsewhere) does not complete a deal
    assert classify_status(["Nothing here.", "The firm won a tender."], default="deployed") == "planned"
    # what the document says about the same recipient does
    assert classify_status(["The firm won a tender."], default="deployed", frame="deployed") == "deployed"
    assert classify_status(["The firm signed a deal and will install cameras."], frame="deployed") == "planned"
    assert classify_status(["Nothing here."]) == "deployed"


def test_document_status_is_the_first_stated() -> None:
    assert document_status(["Cameras go live in the capital", "The contract was signed in 2018."]) == "deployed"
    assert document_status(["A deal is signed for cameras", "They went live later."]) == "planned"


def test_present_tense_headline_deal() -> None:
    assert sentence_status("Serbia, Huawei sign deal for 1,000 smart cameras") == "planned"
