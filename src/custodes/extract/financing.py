"""Financing terms: lender, amount, currency and whether it is a loan.

Surveillance deals are often paid with tied loans; recording the lender and amount is what
lets a reader follow the money, so the evidence sentence is kept with the terms.
"""

from __future__ import annotations

import re
from functools import cache

from custodes.extract.cues import CueMatcher, cue_lists
from custodes.extract.model import Evidence, Financing
from custodes.extract.vocab import vocabulary

_VOCAB = vocabulary("financing")
# The value of each scale word: the lists are named after their power of ten.
_SCALE = {w: float(f"1e{p}") for p in (3, 5, 6, 7, 9, 12) for w in _VOCAB.word_set(f"scale_e{p}")}


def _codes(prefix: str) -> dict[str, list[str]]:
    """The lists named prefix + ISO code, as code -> words."""
    return {name[len(prefix) :].upper(): list(words) for name, words in _VOCAB.lists.items() if name.startswith(prefix)}


def _shared() -> dict[str, dict[str, str]]:
    """Shared currency name -> country words -> code, from the qualified_ lists."""
    out: dict[str, dict[str, str]] = {}
    for code, phrases in _codes("qualified_").items():
        for phrase in phrases:
            *country, name = phrase.lower().split()
            out.setdefault(name, {})[" ".join(country)] = code
    return out


_SYMBOL = {w.lower(): code for code, words in _codes("currency_").items() for w in words}
# Currency names shared by several countries take the country named before them.
_SHARED = _shared()
# Country words are matched with their single space, so that the match is a key of _SHARED.
_QUALIFIED = re.compile(
    r"\b(" + "|".join(re.escape(c) for by_country in _SHARED.values() for c in by_country) + r")\s+"
    r"(" + "|".join(re.escape(name) for name in _SHARED) + r")\s*$",
    re.IGNORECASE,
)
_PREFIX = _VOCAB.pattern("prefix_amount")
_SUFFIX = _VOCAB.pattern("suffix_amount")
_LOAN_STEMS = _VOCAB.word_set("loan_stems")


def _currency(name: str) -> str | None:
    """ISO code of a written currency name; "Kenyan shillings" and "Mexican pesos" differ,
    and a bare shared name ("pesos") stays unknown rather than guessed."""
    q = _QUALIFIED.search(name)
    if q:
        # a qualifier the table does not pair with this name ("Indian dollars") names no currency
        return _SHARED[q.group(2).lower()].get(q.group(1).lower())
    last = name.split()[-1].lower() if name.split() else ""
    key = name.lower() if name.lower() in _SYMBOL else last
    if key in _SHARED and key not in _SYMBOL:
        return None
    return _SYMBOL.get(key)


@cache
def _lenders() -> CueMatcher:
    return CueMatcher((str(c), "lender") for c in cue_lists()["lenders"])


@cache
def _loans() -> CueMatcher:
    return CueMatcher((str(c), "loan") for c in cue_lists()["loan_words"])


def _value(num: str, scale: str | None) -> float:
    value = float(re.sub(r"[,\s]", "", num))
    return value * _SCALE.get((scale or "").lower(), 1.0)


def find_amount(sentence: str) -> tuple[float, str | None] | None:
    """The first money amount of the sentence as (value, ISO currency); the currency is None
    when the text names one that several countries share without saying whose."""
    best: tuple[int, float, str | None] | None = None
    for m in _PREFIX.finditer(sentence):
        cur = _SYMBOL.get(m.group(1).lower().rstrip("."), _SYMBOL.get(m.group(1).lower()))
        if cur:
            best = (m.start(), _value(m.group(2), m.group(3)), cur)
            break
    for m in _SUFFIX.finditer(sentence):
        if best is None or m.start() < best[0]:
            best = (m.start(), _value(m.group(1), m.group(2)), _currency(m.group(3)))
        break
    return None if best is None else (best[1], best[2])


def find_financing(text: str, start: int, end: int) -> Financing | None:
    """Financing stated in text[start:end]; None unless a lender or loan wording is present."""
    sentence = text[start:end]
    lenders = _lenders().find(sentence)
    loans = _loans().find(sentence)
    if not lenders and not loans:
        return None
    amount = find_amount(sentence)
    return Financing(
        lender=lenders[0].cue if lenders else None,
        amount=amount[0] if amount else None,
        currency=amount[1] if amount else None,
        loan=any(stem in m.cue.lower() for m in loans for stem in _LOAN_STEMS),
        evidence=Evidence(sentence, start, end),
    )
