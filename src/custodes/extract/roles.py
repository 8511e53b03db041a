"""Which side of a deal a country mention is on.

"Chinese firm Huawei", "Russia-based X", "purchased from China" name the supplier's home;
"U.S. senators" or "a Dutch researcher" are bystanders; "installed in Kenya", "Kenyan police"
name the recipient. Roles are decided from the few words around the mention, which is what a
reader does too. A named supplier's home ("headquartered in Hangzhou", "go public in New York",
a press release's dateline) is the supplier side unless the text states a system used there.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from custodes.extract.context import SentenceContext
from custodes.extract.cues import cue_lists
from custodes.extract.mentions import CountryRef, SupplierRef
from custodes.extract.vocab import vocabulary

RECIPIENT = "recipient"
SUPPLIER = "supplier"
BYSTANDER = "bystander"
HEDGED = "hedged"
INTERNAL = "internal"
# "Ugandan officials": state actors named by nationality; a bystander unless the document makes
# that country a recipient elsewhere, when they are the recipient acting (see linker.link).
ACTOR = "actor"

_VOCAB = vocabulary("roles")

_HYPHEN_SUPPLY = _VOCAB.pattern("hyphen_supply")
_HYPHEN_BASED = _VOCAB.pattern("hyphen_based")
_OF_PLACE = re.compile(r"^\s+of\s+(?:[A-Z][\w\-]+,\s+)?$")
_PAREN_ONLY = re.compile(r"^\s*\($")
_POSSESSIVE = re.compile(r"^['’]s?(?=\s)")
_LOWER_WORDS = _VOCAB.pattern("lower_words")
_NEXT_WORDS = re.compile(r"\s*((?:[A-Za-z][\w\-]*\.?\s*){1,4})")
_SUPPLY_VERB_AFTER = _VOCAB.pattern("supply_verb_after")
_PREP_BEFORE = _VOCAB.pattern("prep_before")
# "the Export-Import Bank of China", "Bank of Tanzania": a lender's home, not a recipient.
_INSTITUTION_OF = _VOCAB.pattern("institution_of")
_USAGE_BEFORE_BY = _VOCAB.pattern("usage_before_by")
_BASED_PREFIX = _VOCAB.pattern("based_prefix")
_APPOSITION_GAP = _VOCAB.pattern("apposition_gap")
_PAREN_GAP = re.compile(r"^\s*(?:\([^()]{1,15}\)\s*)?\($")
_PAREN_GAP_LONG = re.compile(r"^\s*(?:\([^()]{1,20}\)\s*)?\($")
_BARE_COMMA_GAP = re.compile(r"^\s*,\s+$")
_POSSESSIVE_DESCRIPTOR = _VOCAB.pattern("possessive_descriptor")
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
        if _BARE_COMMA_GAP.match(gap) and _POSSESSIVE_DESCRIPTOR.match(text, c.end, c.end + 60):
            return i  # "Hikvision, China's largest camera maker"
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
        if not w[:1].islower() and not (c.kind == "demonym" and w.rstrip(".,").isupper()):
            return False  # an acronym may describe the product: "Chinese CCTV cameras"
        if w.lower().rstrip(".,") in _nouns("state_body_nouns"):
            return False  # "Uzbek state telecom company": the state's own operator
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


_OFFICE_BEFORE = _VOCAB.pattern("office_before")
# The audience of a statement, a named outlet: "told America's NPR", "said in an interview with
# Britain's Guardian".
_TOLD_BEFORE = _VOCAB.pattern("told_before")
_OUTLET_AFTER = re.compile(r"^['’]s?\s+[A-Z]")
_TOLD_LAST = frozenset({w.split()[-1] for w in _VOCAB.words("told_words")} | {"the"})
_MAY_BE_PREP = _VOCAB.pattern("may_be_prep")
_LANGUAGE_BEFORE = _VOCAB.pattern("language_before")
_LANGUAGE_AFTER = _VOCAB.pattern("language_after")


def _language_use(text: str, c: CountryRef) -> bool:
    """A demonym used as a language ("subtitled in French and German") names no party."""
    if c.kind != "demonym":
        return False
    before = text[max(0, c.start - 30) : c.start]
    return bool(_LANGUAGE_BEFORE.search(before) and _LANGUAGE_AFTER.match(text, c.end))


def _words_of(text: str) -> list[str]:
    return text.split()


# Words that end the noun phrase a country opens: what follows them is not about the country.
_PHRASE_ENDS = _VOCAB.word_set("phrase_ends")


def _bystander_kind(words: list[str], possessive: bool) -> str | None:
    """BYSTANDER for a bystander noun among the next words ("U.S. senators", "Chinese loans"),
    ACTOR for a state actor named by nationality ("Ugandan officials"); None after a possessive
    state actor ("Ghana's president"), who acts for the recipient."""
    bystanders = _nouns("bystander_nouns")
    actors = _nouns("state_actor_nouns")
    suppliers = _nouns("supplier_nouns")
    hit = None
    for i, w in enumerate(words[:3]):
        if w in _PHRASE_ENDS:
            break  # "police in Ukraine to identify soldiers": the soldiers are not Ukraine's
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
    _share_list_origin(text, countries)
    _demote_dateline(text, ctx, countries)


_LIST_JOIN = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)(?:the\s+)?")


def _share_list_origin(text: str, countries: Sequence[CountryRef]) -> None:
    """Countries coordinated in one list share an origin role: in "companies from Israel, the
    US and the UK" the words that make Israel the supplier's home reach only the first member,
    and in "Chinese and Russian firms" only the last, but the list is one phrase."""
    ordered = sorted(countries, key=lambda c: c.start)
    groups: list[list[CountryRef]] = []
    for c in ordered:
        prev = groups[-1][-1] if groups else None
        if prev is not None and _LIST_JOIN.fullmatch(text, prev.end, c.start):
            groups[-1].append(c)
        else:
            groups.append([c])
    for group in groups:
        if len(group) < 2 or not any(c.role == SUPPLIER and c.attached is None for c in group):
            continue
        for c in group:
            if c.role == RECIPIENT and c.kind != "programme":
                c.role = SUPPLIER


# Wire and press-release datelines: "NAIROBI, March 3 (Reuters) - ", "HANGZHOU, China, June 5,
# 2023 /PRNewswire/ -- ".
_DATELINE = re.compile(
    r"[A-Z]{3,}[A-Z .'\-]*(?:,|\s\()[^\n]{0,80}?\s(?:--|—|–|-)\s|[A-Z]{3,}(?:\s[A-Z]{3,})?\s(?:--|—|–|-)\s"
)


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


# --------------------------------------------------------------------------------------------
# The supplier's home is not a recipient unless the text says the system is used there.

# Words that place a company rather than a system: "headquarters are in", "go public in".
_HOME_WORDS = _VOCAB.pattern("home_words")
_DOMESTIC_VERBS = _VOCAB.pattern("domestic_verbs")
_LOCATIVE = _VOCAB.pattern("locative")
_STATE_BEFORE_IN = _VOCAB.pattern("state_before_in")
_SENTENCE_OPENING = _VOCAB.pattern("sentence_opening")
_CITY_COMMA = re.compile(r",\s+$")


@cache
def _domestic_nouns() -> frozenset[str]:
    return _nouns("domestic_nouns")


def _followed_by_state(text: str, c: CountryRef) -> bool:
    """"Chinese police", "China's public security ministry", "Chinese cities"."""
    after = text[c.end : c.end + 40]
    offset = 2 if _POSSESSIVE.match(after) else 0
    words = _following_words(text, c.end + offset, 3)
    return any(w in _domestic_nouns() for w in words)


_FRONTED_PLACE = _VOCAB.pattern("fronted_place")


def _placed_there(text: str, c: CountryRef, sentence_start: int, place_start: int) -> bool:
    """"installed cameras in Shenzhen", "used across China", "In the United States, the
    software is employed by ...": a system put in the place."""
    if _FRONTED_PLACE.match(text[sentence_start:place_start]):
        after = text[c.end : c.end + 120]
        m = _DOMESTIC_VERBS.search(after)
        return m is not None and not _HOME_WORDS.search(after[: m.start()])
    before = text[max(sentence_start, place_start - 110) : place_start]
    if not _LOCATIVE.search(before):
        return False
    if _STATE_BEFORE_IN.search(before):
        return True
    if _HOME_WORDS.search(before[-50:]):
        return False
    return bool(_DOMESTIC_VERBS.search(before))


def _subject_of_use(text: str, c: CountryRef, sentence_start: int) -> bool:
    """"China has installed 200 million cameras": the country opens the sentence as the one
    that acquires or uses."""
    if not _SENTENCE_OPENING.match(text[sentence_start : c.start]):
        return False
    after = text[c.end : c.end + 60]
    m = _DOMESTIC_VERBS.search(after)
    return m is not None and not _HOME_WORDS.search(after[: m.start()])


def states_domestic_use(text: str, c: CountryRef, sentence_start: int, countries: Sequence[CountryRef]) -> bool:
    """Whether the text states a system in use in the supplier's own home country at this
    mention, as the annotation guidelines require for a domestic deployment."""
    if c.kind == "programme" or _followed_by_state(text, c):
        return True
    place_start = c.start
    for other in countries:  # "installed in Shenzhen, China": the city's preposition counts
        if other.end <= c.start and other.iso3 == c.iso3 and _CITY_COMMA.fullmatch(text[other.end : c.start]):
            place_start = other.start
    if _placed_there(text, c, sentence_start, place_start):
        return True
    return _subject_of_use(text, c, sentence_start)


def _in_dateline(text: str, c: CountryRef, sentence_start: int, sentence_end: int) -> bool:
    m = _DATELINE.match(text, sentence_start, sentence_end)
    return m is not None and c.end <= m.end()


def demote_home_countries(
    text: str,
    sentences: Sequence[tuple[int, int, Sequence[CountryRef]]],
    homes: set[str],
    all_homes: set[str],
) -> None:
    """A country that is the home of a named supplier (its headquarters, listing venue) is a
    recipient only where the text states a system in use there; elsewhere it names the supplier
    side. `homes` are the homes of suppliers the document also places abroad; a dateline that
    is the home of any named supplier (`all_homes`) is a press release's head office even in a
    story about no other country. `sentences` are (start, end, country mentions); roles are
    changed in place."""
    if not all_homes:
        return
    for start, end, countries in sentences:
        for c in countries:
            if c.role != RECIPIENT or c.iso3 not in all_homes:
                continue
            if c.iso3 not in homes and not _in_dateline(text, c, start, end):
                continue
            if not states_domestic_use(text, c, start, countries):
                c.role = SUPPLIER
