from custodes.extract.context import sentence_contexts
from custodes.extract.mentions import collect_mentions
from custodes.extract.roles import assign_roles
from custodes.extract.sentences import SentenceIndex, split_sentences
from custodes.resolve.countries import Gazetteer
from custodes.resolve.vendors import VendorRegistry


def roles(text: str) -> list[tuple[str, str]]:
    sents = split_sentences(text)
    (ctx,) = sentence_contexts(text, SentenceIndex(sents))
    countries, suppliers = collect_mentions(text, sents, Gazetteer.default(), VendorRegistry.default())
    assign_roles(text, ctx, countries, suppliers)
    return [(c.surface, c.role) for c in countries]


def test_nationality_of_a_named_company_is_supplier() -> None:
    assert roles("Kenya hired Chinese tech giant Huawei.") == [("Kenya", "recipient"), ("Chinese", "supplier")]
    assert roles("Kenya and China's ZTE signed a deal.") == [("Kenya", "recipient"), ("China", "supplier")]


def test_based_built_from_by_are_supplier_side() -> None:
    assert ("Shenzhen", "supplier") in roles("A Shenzhen-based start-up sold cameras to Kenya.")
    assert ("China", "supplier") in roles("Kenya purchased cameras from China.")
    assert ("Germany", "recipient") in roles("The software is used by Germany.")


def test_bystanders_and_hedges() -> None:
    assert roles("U.S. senators criticised the Kenyan police deal.") == [("U.S.", "bystander"), ("Kenyan", "recipient")]
    assert roles("Critics alleged that Serbia used the tool.") == [("Serbia", "hedged")]


def test_company_internal_country_names() -> None:
    text = "Kenya signed with China Harbour Signal Corporation for cameras."
    assert roles(text) == [("Kenya", "recipient"), ("China", "internal")]


def test_supplier_noun_qualifying_a_state_body_is_not_a_supplier() -> None:
    got = roles("Kenyan security forces bought Chinese surveillance cameras in 2019.")
    assert got == [("Kenyan", "recipient"), ("Chinese", "supplier")]
    assert roles("Ugandan security services installed the gear.") == [("Ugandan", "recipient")]
    assert roles("Uganda's telecom regulator received the gear.") == [("Uganda", "recipient")]
    assert ("Kenyan", "supplier") in roles("Kenyan telecom operator Safaricom built the network in Uganda.")


def test_possessive_state_actors_act_for_the_recipient() -> None:
    assert roles("Ghana's president commissioned the network.") == [("Ghana", "recipient")]
    # named by nationality they are actors: bystanders unless the document makes them the recipient
    assert roles("American officials criticised the network.") == [("American", "actor")]


def test_lenders_venues_and_audiences_are_bystanders() -> None:
    got = roles("The Export-Import Bank of China financed cameras for Ecuador.")
    assert got == [("China", "bystander"), ("Ecuador", "recipient")]
    assert ("Kenya", "bystander") in roles("Huawei showed its cameras at a trade fair held in Kenya.")
    assert ("America", "bystander") in roles("The minister told America's NPR that Peru uses cameras.")
    assert ("Peru", "recipient") in roles("The minister told America's NPR that Peru uses cameras.")


def test_place_of_founding_is_the_supplier_side() -> None:
    assert ("Hangzhou", "supplier") in roles("Founded in Hangzhou, the firm sells cameras to Peru.")


def test_supplier_noun_heading_a_phrase_before_a_bystander_noun() -> None:
    assert ("Israeli", "supplier") in roles("Police in Myanmar used Israeli spyware against activists.")
    assert ("Chinese", "actor") in roles("Chinese security officials visited the cameras in Kenya.")


def test_dateline_country_yields_to_the_recipient_the_sentence_names() -> None:
    text = "HANGZHOU, China, June 5 /PRNewswire/ -- Dahua said its cameras were deployed at a port in Qatar."
    assert ("China", "bystander") in roles(text) and ("Qatar", "recipient") in roles(text)
    got = roles("QUITO, Ecuador (Reuters) - Police installed 900 cameras.")
    assert ("Ecuador", "recipient") in got and {r for _, r in got} == {"recipient"}


def test_a_coordinated_list_of_origins_shares_the_supplier_role() -> None:
    from custodes.extract.doc import Doc
    from custodes.extract.extractor import build_pipeline

    text = ("For years, companies mainly from Israel, the US, and the UK have sold interception systems "
            "to Colombian police.")
    doc = build_pipeline(until="rule_links")(Doc(text))
    roles = {c.iso3: c.role for sm in doc["sentence_mentions"] for c in sm.countries}
    assert roles == {"ISR": "supplier", "USA": "supplier", "GBR": "supplier", "COL": "recipient"}
