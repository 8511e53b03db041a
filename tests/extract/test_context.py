from custodes.extract.context import sentence_contexts
from custodes.extract.sentences import SentenceIndex, split_sentences


def ctx(text: str):
    (c,) = sentence_contexts(text, SentenceIndex(split_sentences(text)))
    return c


def test_deployment_needs_predicate_or_noun_with_tech() -> None:
    assert ctx("The ministry installed new cameras.").states_deployment()
    assert ctx("The national CCTV network covers the capital.").states_deployment()
    assert not ctx("The weather was fine on Tuesday.").states_deployment()


def test_negative_contexts() -> None:
    assert ctx("The global market for cameras will reach $9 billion, a forecast says.").negative
    assert ctx("Acme cameras are now present in 40 countries.").negative
    assert not ctx("Freedonia bought cameras from Acme.").negative


def test_ban_needs_prior_use() -> None:
    assert ctx("The law bans agencies from buying Acme cameras.").barred
    assert not ctx("The city banned Acme cameras and removed those installed.").barred


def test_hedge_scope_and_modal_subject() -> None:
    text = "Critics alleged that Sylvania used it."
    c = ctx(text)
    assert c.hedged_before(text.index("Sylvania"))
    text2 = "Borduria could buy it, while Freedonia, which may wait, bought it."
    c2 = ctx(text2)
    assert c2.hedged_before(text2.index("Borduria"), text2.index("Borduria") + 8)
    assert not c2.hedged_before(text2.index("Freedonia"), text2.index("Freedonia") + 9)


def test_month_may_is_not_a_hedge_and_institution_names_are_not_tech() -> None:
    assert not ctx("In May 2020 the police bought cameras.").cues.get("hedges")
    c = ctx("The CCTV Standards Office spoke to reporters.")
    assert c.categories == []
