"""Financing terms: lender, amount, currency and whether it is a loan.

Surveillance deals are often paid with tied loans; recording the lender and amount is what
lets a reader follow the money, so the evidence sentence is kept with the terms.
"""

from __future__ import annotations

import re
from functools import cache

from custodes.extract.cues import CueMatcher, cue_lists
from custodes.extract.model import Evidence, Financing

_SCALE = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "mn": 1e6,
    "m": 1e6,
    "mln": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
    "crore": 1e7,
    "lakh": 1e5,
}
_SYMBOL = {
    "$": "USD",
    "us$": "USD",
    "usd": "USD",
    "u.s. dollars": "USD",
    "us dollars": "USD",
    "dollars": "USD",
    "€": "EUR",
    "eur": "EUR",
    "euros": "EUR",
    "euro": "EUR",
    "£": "GBP",
    "gbp": "GBP",
    "pounds": "GBP",
    "¥": "CNY",
    "rmb": "CNY",
    "yuan": "CNY",
    "cny": "CNY",
    "php": "PHP",
    "rs": "INR",
    "rs.": "INR",
    "inr": "INR",
    "kyat": "MMK",
    "som": "KGS",
    "soms": "KGS",
    "kes": "KES",
    "ksh": "KES",
    "ugx": "UGX",
    "naira": "NGN",
    "cedis": "GHS",
    "hk$": "HKD",
    "a$": "AUD",
    "aud": "AUD",
    "c$": "CAD",
    "rand": "ZAR",
    "ringgit": "MYR",
    "rupiah": "IDR",
    "baht": "THB",
    "dirhams": "AED",
    "riyals": "SAR",
    "lira": "TRY",
    "roubles": "RUB",
    "rubles": "RUB",
    "reais": "BRL",
    "taka": "BDT",
    "tenge": "KZT",
    "birr": "ETB",
    "kwacha": "ZMW",
    "francs": "CHF",
}
# Currency names shared by several countries take the country named before them.
_SHARED = {
    "pesos": {"philippine": "PHP", "mexican": "MXN", "argentine": "ARS", "colombian": "COP", "chilean": "CLP"},
    "shillings": {"kenyan": "KES", "ugandan": "UGX", "tanzanian": "TZS"},
    "rupees": {"indian": "INR", "pakistani": "PKR", "sri lankan": "LKR", "nepali": "NPR"},
    "dollars": {
        "australian": "AUD",
        "canadian": "CAD",
        "hong kong": "HKD",
        "singapore": "SGD",
        "new zealand": "NZD",
        "zimbabwean": "ZWL",
        "taiwan": "TWD",
    },
}
_QUALIFIED = re.compile(
    r"\b(philippine|mexican|argentine|colombian|chilean|kenyan|ugandan|tanzanian|indian|pakistani|"
    r"sri lankan|nepali|australian|canadian|hong kong|singapore|new zealand|zimbabwean|taiwan)\s+"
    r"(pesos|shillings|rupees|dollars)\s*$",
    re.IGNORECASE,
)
_NUM = r"(\d{1,3}(?:[,\s]\d{3})+|\d+(?:\.\d+)?)"
_SCALES = r"(thousand|million|billion|trillion|crore|lakh|mn|mln|bn|tn|m|b|k)"
_PREFIX = re.compile(
    rf"(US\$|HK\$|A\$|C\$|USD|EUR|GBP|PHP|RMB|CNY|INR|KES|AUD|Rs\.?|[$€£¥])\s?{_NUM}"
    rf"(?:[\s-]?{_SCALES}\b)?",
    re.IGNORECASE,
)
_SUFFIX = re.compile(
    rf"\b{_NUM}[\s-]?{_SCALES}?\s+((?:[A-Z][a-z]+\s+){{0,2}}(?:U\.S\. dollars|US dollars|dollars|euros?|"
    rf"pounds|yuan|pesos|rupees|kyat|soms?|shillings|naira|cedis|rand|ringgit|rupiah|baht|dirhams|"
    rf"riyals|lira|roubles|rubles|reais|taka|tenge|birr|kwacha|francs))\b",
    re.IGNORECASE,
)


def _currency(name: str) -> str | None:
    """ISO code of a written currency name; "Kenyan shillings" and "Mexican pesos" differ,
    and a bare shared name ("pesos") stays unknown rather than guessed."""
    q = _QUALIFIED.search(name)
    if q:
        return _SHARED[q.group(2).lower()][q.group(1).lower()]
    last = name.split()[-1].lower() if name.split() else ""
    key = name.lower() if name.lower() in _SYMBOL else last
    if key in _SHARED and key != "dollars":
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
        loan=any("loan" in m.cue.lower() or "credit" in m.cue.lower() for m in loans),
        evidence=Evidence(sentence, start, end),
    )
