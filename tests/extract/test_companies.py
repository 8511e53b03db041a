from custodes.extract.companies import find_companies, short_name, strip_legal_suffix


def names(sentence: str) -> list[str]:
    return [c.name for c in find_companies(sentence)]


def test_corporate_suffix_and_legal_form() -> None:
    assert names("The cameras were made by Orbis Vision Technologies Ltd.") == ["Orbis Vision Technologies"]
    assert strip_legal_suffix("Kappa S.A.") == "Kappa"


def test_supplier_positions() -> None:
    assert names("The ministry hired local contractor Zentor for the work.") == ["Zentor"]
    assert names("It signed a contract with Quillon to supply scanners.") == ["Quillon"]
    assert names("Velmar, a Bolivian security firm, installed the system.") == ["Velmar"]
    assert names("Tarsis won the tender for the control room.") == ["Tarsis"]


def test_lists_descriptors_and_non_companies() -> None:
    got = names("Tenders went to firms including Aldo Security & Communication and Brix Tech.")
    assert got == ["Aldo Security & Communication", "Brix Tech"]
    assert names("The deal went to IT services supplier Corvex.") == ["Corvex"]
    assert names("The Ministry of Interior Technology Department met.") == []
    assert names("President Ravel Tech said nothing.") == []


def test_acronym_and_short_name() -> None:
    (c,) = find_companies("a deal with Northern Signal Construction Corp. (NSCC) for cameras")
    assert c.acronym == "NSCC"
    text = "Aldo Security & Communication won. Later Aldo declined to comment."
    assert short_name("Aldo Security & Communication", text) == "Aldo"
    assert short_name("Brix Tech", "Brix Tech won.") == "Brix Tech"


def test_pronouns_opening_a_sentence_are_not_companies() -> None:
    assert names('"We have installed 2,000 cameras," the mayor said.') == []
    assert names("They supplied the cameras to the ministry.") == []
    # an acronym that looks like a pronoun stays part of the name
    assert names("The contract went to local firm Linn IT Solution, officials said.") == ["Linn IT Solution"]


def test_company_introduced_by_name() -> None:
    assert names("Bids came from a local company called Seguritech.") == ["Seguritech"]
    assert names("A start-up known as Vantix Labs won the tender.") == ["Vantix Labs"]


def test_people_fragments_and_institution_heads_are_not_companies() -> None:
    assert names("Clearview AI won. Hoan Ton-That, the company's founder, said so.") == []
    assert names("Jane Roe, who founded the start-up, said Acme supplied the cameras.") == ["Acme"]
    assert names("Acme Digital Co., Inc. supplied 500 cameras to the city.") == ["Acme Digital"]
    assert names("It signed a contract with the Road Transport and Safety Agency on Monday.") == []


def test_leading_stop_words_are_cut_from_names() -> None:
    # prepositions, time words and sentence adverbs that a sentence capitalises
    assert names("However, the company said it would supply more.") == []
    assert names("Since Orbis Vision Technologies won, prices fell.") == ["Orbis Vision Technologies"]
    assert names("Last year Brix Systems won the tender.") == ["Brix Systems"]
    assert names("Meanwhile, the firm said its cameras work.") == []


def test_lower_case_offices_mark_people() -> None:
    assert names("With new president Ravel Tanso installed in May, the police changed.") == []
    assert names("The cameras were installed by governor Mira Castell and staff.") == []


def test_apposition_noun_that_opens_the_next_name() -> None:
    assert names("Along the Amber Coast, the Chinese company Quillon is putting up cameras.") == ["Quillon"]


def test_acronym_spells_the_whole_name() -> None:
    (c,) = find_companies("The ministry and local partner Made in Port Industries (MIPI) signed the deal.")
    assert (c.surface, c.acronym) == ("Made in Port Industries", "MIPI")


def test_and_joins_words_of_trade() -> None:
    assert names("Cameras will be installed by local partner Kivu Hardware and Electrical.") == [
        "Kivu Hardware and Electrical"
    ]
    assert names("Tenders went to firms including Brix Tech and Zentor.") == ["Brix Tech", "Zentor"]


def test_a_name_before_system_names_a_product() -> None:
    assert names("Police moved to the Unified Offender Matching Technology (UOMT) system.") == []
    assert names("Police hired Unified Matching Technology for the work.") == ["Unified Matching Technology"]


def test_sources_only_on_request() -> None:
    sentence = "Reports by the Global Monitor and by the Institute for Open Data said that Brix Systems won the tender."
    assert names(sentence) == ["Brix Systems"]
    kinds = {c.surface: c.kind for c in find_companies(sentence, sources=True)}
    assert kinds == {"Global Monitor": "media", "Institute for Open Data": "research", "Brix Systems": "company"}
