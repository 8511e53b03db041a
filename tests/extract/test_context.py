from custodes.extract.context import SentenceContext, sentence_contexts
from custodes.extract.sentences import SentenceIndex, split_sentences


def ctx(text: str) -> SentenceContext:
    (c,) = sentence_contexts(text, SentenceIndex(split_sentences(text)))
    return c


def test_deployment_needs_predicate_or_noun_with_tech() -> None:
    assert ctx("The ministry installed new cameras.").states_deployment()
    assert ctx("The national CCTV network covers the capital.").states_deployment()
    assert not ctx("The weather was fine on Tuesday.").states_deployment()


def test_denied_predicates_state_nothing() -> None:
    assert not ctx("Serbia has not installed any facial recognition cameras.").states_deployment()
    assert not ctx("Zambia has no plans to buy spyware.").states_deployment()
    assert not ctx("The ministry refused to sign the camera contract.").states_deployment()
    assert ctx("Serbia has not installed face recognition but uses CCTV cameras.").states_deployment()


def test_set_phrases_are_not_predicates() -> None:
    assert not ctx("Cameras are spreading across developing countries.").has("deployment_predicates")
    assert not ctx("Hikvision employs 40,000 people.").has("deployment_predicates")
    assert ctx("Police employed facial recognition at the stadium.").has("deployment_predicates")
    assert ctx("The firms source the cameras from abroad.").has("deployment_predicates")
    assert not ctx("A source close to the ministry spoke about cameras.").has("deployment_predicates")


def test_negative_contexts() -> None:
    assert ctx("The global market for cameras will reach $9 billion, a forecast says.").negative
    assert ctx("Acme cameras are now present in 40 countries.").negative
    assert not ctx("Ecuador bought cameras from Acme.").negative
    # a press conference or a summit does not make a statement about a deal negative
    assert not ctx("At a press conference the minister said Huawei installed the cameras.").negative


def test_ban_needs_prior_use() -> None:
    assert ctx("The law bans agencies from buying Acme cameras.").barred
    assert not ctx("The city banned Acme cameras and removed those installed.").barred
    assert ctx("The council imposed a moratorium on face recognition.").barred
    assert not ctx("Censors use the system to block websites.").barred


def test_hedge_scope_and_modal_subject() -> None:
    text = "Critics alleged that Serbia used it."
    c = ctx(text)
    assert c.hedged_before(text.index("Serbia"))
    text2 = "Bolivia could buy it, while Ecuador, which may wait, bought it."
    c2 = ctx(text2)
    assert c2.hedged_before(text2.index("Bolivia"), text2.index("Bolivia") + 7)
    assert not c2.hedged_before(text2.index("Ecuador"), text2.index("Ecuador") + 7)


def test_words_that_only_look_like_hedges() -> None:
    text = "Kenya spent a considerable sum so cameras flag suspected criminals in Nairobi."
    assert not ctx(text).hedged_before(text.index("Nairobi"))
    text2 = "Kenya is considering cameras for Nairobi."
    assert ctx(text2).hedged_before(text2.index("Nairobi"))


def test_month_may_is_not_a_hedge_and_institution_names_are_not_tech() -> None:
    assert not ctx("In May 2020 the police bought cameras.").cues.get("hedges")
    assert ctx("The CCTV Standards Office spoke to reporters.").categories == []
    assert ctx("Delegates met at a safe city summit in the capital.").categories == []


def test_not_only_is_no_denial() -> None:
    assert ctx("The city not only installed cameras but also hired guards.").has("deployment_predicates")


def test_bar_and_donation_vocabulary() -> None:
    assert ctx("Lawmakers moved to bar federal purchases of Acme cameras.").barred
    assert ctx("Police received 500 cameras donated by a foreign firm.").states_deployment()


def test_business_events_state_no_deployment() -> None:
    assert ctx("The firm completed its acquisition of a provider of plate-recognition cameras.").business_event
    assert ctx("Hikvision agreed to buy a 20% stake in a Brazilian distributor.").business_event
    assert ctx("The firm will stop selling its products to customers in Russia.").business_event
    assert ctx("The deal was cancelled before any cameras were installed.").business_event
    # a stop in sales after stated use is a cancellation, not a business event
    assert not ctx("It stopped selling to customers in Iran after police there used its routers.").business_event
    assert not ctx("Police bought cameras from the company in 2019.").business_event


def test_a_hedge_after_its_subject() -> None:
    text = "Mexico bought the tool, while Hungary and India are alleged to have used it."
    c = ctx(text)
    for name in ("Hungary", "India"):
        start = text.index(name)
        assert c.hedged_before(start, start + len(name))
    start = text.index("Mexico")
    assert not c.hedged_before(start, start + len("Mexico"))
