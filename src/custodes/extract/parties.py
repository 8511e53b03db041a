"""Named companies that are in a sentence without being its supplier.

A deal has more parties than the one that supplies: the recipient's own operator or customer
("the state-owned operator X"), the lender ("with financing from X"), the owners of the
supplier ("the joint venture of A and B"), the company bought in a takeover ("completed its
acquisition of X") and a bidder whose award was revoked ("previously awarded to X"). News names
them all in the same breath as the supplier, so each is recognised from the words around its
name and kept out of the supplier slot.

Everything is a regular expression anchored at the mention, run only on sentences that name a
company and may state a deal, and only where a cheap hint-word scan says it can match, so the
cost stays proportional to the mentions.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import ahocorasick

from custodes.extract.mentions import CountryRef, SupplierRef
from custodes.extract.roles import INTERNAL, RECIPIENT
from custodes.extract.vocab import vocabulary

OWNER = "owner"
FINANCIER = "financier"
OPERATOR = "operator"
CUSTOMER = "customer"
ACQUIRED = "acquired"
REVOKED = "revoked"
# Flags of a mention that is not the supplier of its sentence.
NOT_SUPPLIER = frozenset({OWNER, FINANCIER, OPERATOR, CUSTOMER, ACQUIRED, REVOKED})

_VOCAB = vocabulary("parties", extra=("hints",))
# "the joint venture of Finland's Nokia", "a subsidiary of", "owned by", "its parent company,".
_OWNER_BEFORE = _VOCAB.pattern("owner_before")
# The next owner of a list: "of Finland's Nokia and Germany's Siemens".
_LIST_GAP = _VOCAB.pattern("list_gap")
# "with financing from X", "funded by X", "a $100 million loan from X".
_FINANCIER_BEFORE = _VOCAB.pattern("financier_before")
# "X financed the project": the subject lends; a supply verb in the clause makes it a supplier.
_FINANCIER_AFTER = _VOCAB.pattern("financier_after")
# "X, the state conglomerate that financed the second phase", "X, a Chinese lender".
_FINANCIER_APPOSITION = _VOCAB.pattern("financier_apposition")
# "the state-owned X", "a single state-owned operator, X", "X, the state-run carrier".
_STATE_BEFORE = _VOCAB.pattern("state_before")
# "Uzbek state telecom company X", "the national carrier X".
_STATE_NOUN_BEFORE = _VOCAB.pattern("state_noun_before")
_STATE_AFTER = _VOCAB.pattern("state_after")
# "sold cameras to X", "supplied a monitoring centre to the state-controlled X": the customer.
_CUSTOMER_BEFORE = _VOCAB.pattern("customer_before")
# "completed its acquisition of X", "agreed to buy rival X": a takeover target.
_ACQUIRED_BEFORE = _VOCAB.pattern("acquired_before")
_ACQUIRED_AFTER = _VOCAB.pattern("acquired_after")
# "previously awarded to X", "originally won by X": an award that the sentence then revokes.
_REVOKED_BEFORE = _VOCAB.pattern("revoked_before")
_REVOCATION = _VOCAB.pattern("revocation")


# Hint words per flag: cheap substring tests keep the patterns off the sentences they cannot match.
_HINTS: dict[str, tuple[str, ...]] = {str(k): tuple(str(w) for w in v) for k, v in _VOCAB.extra["hints"].items()}


@cache
def _hint_automaton() -> Any:
    automaton = ahocorasick.Automaton()
    labels: dict[str, set[str]] = {}
    for label, words in _HINTS.items():
        for w in words:
            labels.setdefault(w, set()).add(label)
    for w, ls in labels.items():
        automaton.add_word(w, tuple(ls))
    automaton.make_automaton()
    return automaton


def _hints(sentence_text: str) -> set[str]:
    """The hint labels whose words occur in the sentence (substrings, case-insensitive)."""
    out: set[str] = set()
    for _, labels in _hint_automaton().iter(sentence_text.lower()):
        out.update(labels)
    return out


def _before(text: str, s: SupplierRef, sentence_start: int, width: int = 90) -> str:
    return text[max(sentence_start, s.start - width) : s.start]


def _owner(text: str, s: SupplierRef, prev: SupplierRef | None, sentence_start: int) -> bool:
    if prev is not None and OWNER in prev.flags and _LIST_GAP.match(text[prev.end : s.start]):
        return True
    return bool(_OWNER_BEFORE.search(_before(text, s, sentence_start)))


def _customer(before: str) -> bool:
    """"sold cameras to X": X buys. An award in between ("the tender for supplying cameras to
    the police was awarded to X") makes X the supplier again."""
    m = _CUSTOMER_BEFORE.search(before)
    return m is not None and not _AWARDED.search(before, m.start())


_AWARDED = _VOCAB.pattern("awarded")


def _operator(text: str, s: SupplierRef, sentence_start: int, attached: set[int], index: int) -> bool:
    """A state-owned company that the text does not tie to a foreign home: the recipient's own
    operator. Registry vendors are suppliers by definition ("China's state-owned CEIEC")."""
    if s.registered or index in attached:
        return False
    before = _before(text, s, sentence_start, 60)
    return bool(
        _STATE_BEFORE.search(before)
        or _STATE_NOUN_BEFORE.search(before)
        or _STATE_AFTER.match(text, s.end, s.end + 80)
    )


def mark_parties(
    text: str,
    sentence_start: int,
    sentence_text: str,
    suppliers: Sequence[SupplierRef],
    countries: Sequence[CountryRef],
) -> None:
    """Flag, in place, the named companies of one sentence that are not its supplier; an
    operator's own country named inside its name ("Telecommunication Company of Iran") becomes
    the recipient it stands for."""
    if not suppliers:
        return
    attached = {c.attached for c in countries if c.attached is not None}
    hints = _hints(sentence_text)
    may_own = "own" in hints
    may_finance = "finance" in hints
    may_state = "state" in hints
    may_sell = "to" in hints
    may_buy = "buy" in hints
    revocation = "award" in hints and bool(_REVOCATION.search(sentence_text))
    prev: SupplierRef | None = None
    for i, s in enumerate(suppliers):
        before = _before(text, s, sentence_start)
        if may_own and _owner(text, s, prev, sentence_start):
            s.flags.add(OWNER)
        elif may_finance and (
            _FINANCIER_BEFORE.search(before)
            or _FINANCIER_AFTER.match(text, s.end, s.end + 120)
            or _FINANCIER_APPOSITION.match(text, s.end, s.end + 120)
        ):
            s.flags.add(FINANCIER)
        elif may_state and _operator(text, s, sentence_start, attached, i):
            s.flags.add(OPERATOR)
            for c in countries:
                if c.role == INTERNAL and s.start <= c.start and c.end <= s.end:
                    c.role = RECIPIENT
        elif may_sell and _customer(before):
            s.flags.add(CUSTOMER)
        elif (
            may_buy
            and "product" not in s.flags  # "the army acquired Pegasus." buys a product, not a firm
            and _ACQUIRED_BEFORE.search(before)
            and _ACQUIRED_AFTER.match(text, s.end, s.end + 40)
        ):
            s.flags.add(ACQUIRED)
        elif revocation and _REVOKED_BEFORE.search(before):
            s.flags.add(REVOKED)
        prev = s


def is_party_only(s: SupplierRef) -> bool:
    """True for a mention flagged as a party other than the supplier."""
    return bool(s.flags & NOT_SUPPLIER)
