"""The roles' and parties' vocabularies (data/lang/en/roles.yaml, parties.yaml) drive their
decisions: a word removed from a list would change these outcomes."""

from __future__ import annotations

from custodes.extract.parties import _CUSTOMER_BEFORE, _FINANCIER_BEFORE, _HINTS, _REVOCATION
from custodes.extract.roles import _DOMESTIC_VERBS, _HOME_WORDS, _HYPHEN_SUPPLY, _PHRASE_ENDS, _TOLD_LAST


def test_roles_patterns_read_their_lists() -> None:
    assert _HYPHEN_SUPPLY.match("-built cameras") and _HYPHEN_SUPPLY.match("-FUNDED project")
    assert not _HYPHEN_SUPPLY.match("-style cameras")
    assert _DOMESTIC_VERBS.search("cameras were rolled  out in the city")
    assert _DOMESTIC_VERBS.search("the police relied on it") and not _DOMESTIC_VERBS.search("a quiet town")
    assert _HOME_WORDS.search("its headquarters are in") and _HOME_WORDS.search("a neighbour")
    assert {"told", "with", "to", "the"} <= _TOLD_LAST and "which" in _PHRASE_ENDS


def test_parties_patterns_read_their_lists() -> None:
    assert _FINANCIER_BEFORE.search("with a $100 million loan from the ")
    assert _CUSTOMER_BEFORE.search("handed over the cameras to the ")
    assert _REVOCATION.search("the award was re-tendered") and not _REVOCATION.search("the award stands")
    assert " unit " in _HINTS["own"] and "bankroll" in _HINTS["finance"]
