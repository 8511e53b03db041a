"""Which side of a deal a country mention is on.

"Chinese firm Huawei", "Russia-based X", "purchased from China" name the supplier's home;
"U.S. senators" or "a Dutch researcher" are bystanders; "installed in Kenya", "Kenyan police"
name the recipient. Roles are decided from the few words around the mention, which is what a
reader does too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from custodes.extract.context import SentenceContext
from custodes.extract.cues import cue_lists
from custodes.extract.mentions import CountryRef, SupplierRef

RECIPIENT = "recipient"
SUPPLIER = "supplier"
BYSTANDER = "bystander"
HEDGED = "hedged"
INTERNAL = "internal"
# "Ugandan officials": state actors named by nationality; a bystander unless the document makes
# that country a recipient elsewhere, when they are the recipient acting (see linker.link).
ACTOR = "actor"

_HYPHEN_SUPPLY = re.compile(
    r"^-(?:built|made|developed|manufactured|designed|supplied|funded|financed|backed|produced)\b",
    re.IGNORECASE,
)
_HYPHEN_BASED = re.compile(r"^-(?:based|headquartered|owned|registered)\b", re.IGNORECASE)
_OF_PLACE = re.compile(r"^\s+of\s+(?:[A-Z][\w\-]+,\s+)?$")
_PAREN_ONLY = re.compile(r"^\s*\($")
_POSSESSIVE = re.compile(r"^['’]s?(?=\s)")
_LOWER_WORDS = re.compile(
    r"^\s+((?:(?!and\b|or\b|with\b|to\b|of\b|for\b|in\b|by\b|from\b|the\b)"
    r"[a-z][\w\-]*\s+){0,3})$"
)
_NEXT_WORDS = re.compile(r"\s*((?:[A-Za-z][\w\-]*\.?\s*){1,4})")
_SUPPLY_VERB_AFTER = re.compile(
    r"^\s+(?:has\s+|have\s+|had\s+)?(?:sells|sold|selling|supplies|supplied|supplying|exports|"
    r"exported|provides|provided|offers|offered|delivers|delivered|funds|funded|finances|"
    r"financed|donated|donates|gifted)\b",
    re.IGNORECASE,
)
_PREP_BEFORE = re.compile(
    r"(?:\b(by|from)\s+(?:the\s+)?(?:[a-z][\w\-]*\s+){0,3}|\b(?:made|built|manufactured|produced|"
    r"headquartered|based|founded|incorporated|registered|listed)\s+in\s+(?:the\s+)?)$",
    re.IGNORECASE,
)
# "the Export-Import Bank of China", "Bank of Tanzania": a lender's home, not a recipient.
_INSTITUTION_OF = re.compile(r"\b(?:Bank|Fund|Exim(?:bank)?|Embassy|Consulate)\s+of\s+(?:the\s+)?$")
_USAGE_BEFORE_BY = re.compile(
    r"\b(?:used|use|employed|operated|adopted|acquired|purchased|bought|procured|deployed|run|"
    r"owned|commissioned|ordered|launched|introduced|implemented|customers?|clients?|signed|"
    r"approved|rejected|criticised|criticized|condemned|opposed|banned|sanctioned|targeted)"
    r"\s+(?:\w+ly\s+)?by\s+(?:the\s+)?(?:[a-z][\w\-]*\s+){0,3}$",
    re.IGNORECASE,
)
_BASED_PREFIX = re.compile(r"^-(?:based|headquartered|owned|registered)\b")
_APPOSITION_GAP = re.compile(r"^\s*(?:\([^()]{1,15}\)\s*)?,\s+(?:a|an|the)\s+(?:[a-z][\w\-$]*\s+){0,3}$")
_PAREN_GAP = re.compile(r"^\s*(?:\([^()]{1,15}\)\s*)?\($")
_PAREN_GAP_LONG = re.compile(r"^\s*(?:\([^()]{1,20}\)\s*)?\($")
_PAREN_AFTER_NAME = re.compile(r"[\w.)]\s*(?:\([^()]{1,15}\)\s*)?\(\s*$")


@cache
def _nouns(name: str) -> frozenset[str]:
    return frozenset(str(w).lower() for w in cue_lists()[name])


@cache
def _phrases(name: str) -> tuple[str, ...]:
    """The multi-word entries of a noun list ("prime minister")."""
    return tuple(w for w in _nouns(name) if " " in w)


def _following_words(text: str, end: int, n: int = 4) -> list[str]:
    m = _NEXT_WORDS.match(text, end)
    if not m:
        return []
    return [w.lower().rstrip(".,") for w in m.group(1).split()][:n]


def _supplier_right_after(text: str, c: CountryRef, suppliers: Sequence[SupplierRef]) -> int | None:
    """Index of a named supplier that this mention modifies ("China's ZTE", "German company
    X"): only lowercase descriptor words may stand between them."""
    for i, s in enumerate(suppliers):
        if s.start < c.end or s.start - c.end > 60:
            continue
        gap = text[c.end : s.start]
        gap = _POSSESSIVE.sub("", gap)
        gap = _BASED_PREFIX.sub("", gap)
        if not gap.strip():
            return i
        words = gap.split()
        if any(w.strip(",") in _nouns("state_body_nouns") for w in words):
            return None  # "Ugandan security officials used Huawei ...": the state, not the vendor
        if _LOWER_WORDS.match(gap) and any(w in _nouns("supplier_nouns") for w in words):
            return i
        return None
    return None


def _apposition_owner(text: str, c: CountryRef, suppliers: Sequence[SupplierRef], sent_start: int) -> int | None:
    """Index of the supplier this mention describes in an apposition or parenthesis:
    "ZTE, the Chinese telecoms company", "Acme (Japan)"."""
    before = text[sent_start : c.start]
    for i in range(len(suppliers) - 1, -1, -1):
        s = suppliers[i]
        if s.end > c.start or c.start - s.end > 50:
            continue
        gap = text[s.end : c.start]
        if _APPOSITION_GAP.match(gap):
            return i
        if _PAREN_AFTER_NAME.search(before) and _PAREN_GAP.match(gap):
            return i
        return None
    return None


def _modifies_supplier_noun(text: str, c: CountryRef) -> bool:
    """An adjective before a supplier noun ("Chinese firms", "Israeli surveillance software"),
    with only lowercase descriptors between; a country name must be directly before it.

    A supplier noun that only qualifies a state body ("Kenyan security forces", "Ugandan
    telecom regulator") does not make the country the supplier.
    """
    m = _NEXT_WORDS.match(text, c.end)
    if not m:
        return False
    raw = m.group(1).split()
    limit = 3 if c.kind == "demonym" else 1
    nouns = _nouns("supplier_nouns")
    for i, w in enumerate(raw[:limit]):
        if not w[:1].islower():
            return False
        if w.lower().rstrip(".,") in nouns:
            nxt = raw[i + 1].lower().rstrip(".,;:") if i + 1 < len(raw) and w[-1:] not in ".,;:" else ""
            return nxt not in _nouns("state_body_nouns")
    return False


def _located_company(text: str, c: CountryRef, suppliers: Sequence[SupplierRef]) -> int | None:
    """Places that locate a named company: "Acme Signal of Shenzhen, China", "Acme (Japan)"."""
    for i in range(len(suppliers) - 1, -1, -1):
        s = suppliers[i]
        if s.end > c.start:
            continue
        if c.start - s.end > 40:
            return None
        gap = text[s.end : c.start]
        if _OF_PLACE.match(gap):
            return i
        if text[c.end : c.end + 1] == ")" and _PAREN_GAP_LONG.match(gap):
            return i
        return None
    return None


def _parenthesised_origin(text: str, c: CountryRef) -> bool:
    """A bare country in brackets after a name ("Acme Corp (Japan)") is its origin."""
    if text[c.start - 1 : c.start] != "(" or text[c.end : c.end + 1] != ")":
        return False
    before = text[max(0, c.start - 3) : c.start - 1].rstrip()
    return bool(before) and (before[-1] == ")" or before[-1].isalnum())


_OFFICE_BEFORE = re.compile(
    r"\b(?:office|offices|headquarters|hq|subsidiary|branch|factory|factories|plant|"
    r"lab|laboratory|campus)\s+in\s+(?:the\s+)?$"
    # an event's venue is no party to a deal: "a summit held in Nairobi"
    r"|\b(?:summit|conference|expo|exhibition|forum|fair|trade\s+show|workshop|seminar|meeting)\s+"
    r"(?:(?:held|hosted|organised|organized|taking\s+place)\s+)?(?:in|at)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# The audience of a statement, a named outlet: "told America's NPR", "said in an interview with
# Britain's Guardian".
_TOLD_BEFORE = re.compile(r"\b(?:told|tells|telling|interview\s+with|spoke\s+to|speaking\s+to)\s+(?:the\s+)?$")
_OUTLET_AFTER = re.compile(r"^['’]s?\s+[A-Z]")
_TOLD_LAST = frozenset({"told", "tells", "telling", "with", "to", "the"})
_MAY_BE_PREP = re.compile(r"\b(?:by|from|in)\b", re.IGNORECASE)
_LANGUAGE_BEFORE = re.compile(r"\b(?:in|from|into|speak|speaks|spoken)\s+(?:(?:[A-Z][a-z]+)\s+and\s+)?$")
_LANGUAGE_AFTER = re.compile(r"\s*(?:[,.;:)]|and\b|or\b|$)")


def _language_use(text: str, c: CountryRef) -> bool:
    """A demonym used as a language ("subtitled in French and German") names no party."""
    if c.kind != "demonym":
        return False
    before = text[max(0, c.start - 30) : c.start]
    return bool(_LANGUAGE_BEFORE.search(before) and _LANGUAGE_AFTER.match(text, c.end))


def _bystander_kind(words: list[str], possessive: bool) -> str | None:
    """BYSTANDER for a bystander noun among the next words ("U.S. senators", "Chinese loans"),
    ACTOR for a state actor named by nationality ("Ugandan officials"); None after a possessive
    state actor ("Ghana's president"), who acts for the recipient."""
    bystanders = _nouns("bystander_nouns")
    actors = _nouns("state_actor_nouns")
    suppliers = _nouns("supplier_nouns")
    hit = None
    for i, w in enumerate(words[:3]):
        if w in bystanders:
            hit = w
            break
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if w in suppliers and nxt not in bystanders:
            return None  # "Israeli spyware against activists": the phrase is about the spyware
    if hit is None:
        joined = " ".join(words)
        hit = next((b for b in _phrases("bystander_nouns") if joined.startswith(b)), None)
    if hit is None:
        return None
    if hit in actors:
        return None if possessive else ACTOR
    return BYSTANDER


def _classify(
    text: str,
    ctx: SentenceContext,
    c: CountryRef,
    suppliers: Sequence[SupplierRef],
) -> tuple[str, int | None]:
    if c.kind == "programme":
        return RECIPIENT, None
    after = text[c.end : c.end + 80]
    attached = _supplier_right_after(text, c, suppliers)
    if _HYPHEN_SUPPLY.match(after):
        return SUPPLIER, attached
    if attached is not None:
        return SUPPLIER, attached
    if _HYPHEN_BASED.match(after):
        words = [w.lower() for w in text[c.end : c.end + 60].split()[1:4]]
        nouns = _nouns("supplier_nouns")
        return (SUPPLIER if any(w.strip(",.") in nouns for w in words) else BYSTANDER), None
    located = _located_company(text, c, suppliers)
    if located is not None:
        return SUPPLIER, located
    owner = _apposition_owner(text, c, suppliers, ctx.sentence.start)
    if owner is not None:
        return SUPPLIER, owner
    if _parenthesised_origin(text, c):
        return SUPPLIER, None
    if ctx.hedged_before(c.start, c.end):
        return HEDGED, None
    # the patterns below end in a known word; the last word before the mention gates them
    tail = text[max(ctx.sentence.start, c.start - 12) : c.start].split()
    last = tail[-1].lower() if tail else ""
    if _language_use(text, c):
        return BYSTANDER, None
    if last in {"in", "at", "the"} and _OFFICE_BEFORE.search(text, max(0, c.start - 40), c.start):
        return BYSTANDER, None
    if last in _TOLD_LAST and _TOLD_BEFORE.search(text, max(0, c.start - 30), c.start) and _OUTLET_AFTER.match(after):
        return BYSTANDER, None
    if last in {"of", "the"} and _INSTITUTION_OF.search(text, max(0, c.start - 40), c.start):
        return BYSTANDER, None
    possessive = bool(_POSSESSIVE.match(after))
    words = _following_words(text, c.end + (2 if possessive else 0))
    kind = _bystander_kind(words, possessive)
    if kind is not None:
        return kind, None
    if not possessive and _modifies_supplier_noun(text, c):
        return SUPPLIER, None
    if _SUPPLY_VERB_AFTER.match(after):
        return SUPPLIER, None
    before = text[max(ctx.sentence.start, c.start - 60) : c.start]
    if _MAY_BE_PREP.search(before) and _PREP_BEFORE.search(before) and not _USAGE_BEFORE_BY.search(before):
        return SUPPLIER, None
    return RECIPIENT, None


def assign_roles(
    text: str,
    ctx: SentenceContext,
    countries: Sequence[CountryRef],
    suppliers: Sequence[SupplierRef],
) -> None:
    """Set role (and attached supplier) on each country mention of one sentence, in place."""
    for c in countries:
        if c.role == INTERNAL:
            continue
        c.role, c.attached = _classify(text, ctx, c, suppliers)
        if c.role == SUPPLIER and c.attached is not None:
            s = suppliers[c.attached]
            if not s.registered and s.stated_country is None:
                s.stated_country = c.iso3
    _demote_dateline(text, ctx, countries)


# Wire and press-release datelines: "NAIROBI, March 3 (Reuters) - ", "HANGZHOU, China, June 5,
# 2023 /PRNewswire/ -- ".
_DATELINE = re.compile(r"[A-Z]{3,}[A-Z .'\-]*(?:,|\s\()[^\n]{0,80}?\s(?:--|—|–|-)\s")


def _demote_dateline(text: str, ctx: SentenceContext, countries: Sequence[CountryRef]) -> None:
    """A dateline says where the story was filed. When the sentence names another recipient,
    the dateline's country (a press release's home town) is no party to the deal; when it names
    none, the dateline place is where the story happens and stays the recipient."""
    m = _DATELINE.match(text, ctx.sentence.start, ctx.sentence.end)
    if m is None:
        return
    inside = [c for c in countries if c.role == RECIPIENT and c.end <= m.end()]
    outside = {c.iso3 for c in countries if c.role == RECIPIENT and c.start >= m.end()}
    for c in inside:
        if outside - {c.iso3}:
            c.role = BYSTANDER
