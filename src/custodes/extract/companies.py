"""Suppliers that are not in the vendor registry.

Local integrators and small vendors appear in news far more often than any list can follow, so
they are recognised by general shape: a capitalised name carrying a corporate word ("Ltd",
"Technologies", "Corporation"), or a capitalised name in a supplier position ("local company X",
"supplier X", "X, a Chinese firm", "contract with X", "supplied by X", "X won the tender").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from custodes.extract.vocab import lang_file, vocabulary
from custodes.resolve.legal_forms import legal_forms

COMPANY = "company"
_VOCAB = vocabulary("companies")


def _word_set(values: Any) -> frozenset[str]:
    """Lower-cased words of a YAML list, or of every list in a mapping of lists."""
    if isinstance(values, dict):
        return frozenset(w for v in values.values() for w in _word_set(v))
    return frozenset(str(v).lower() for v in values or ())


_TOKEN = r"(?:[A-Z][A-Za-z0-9'’]*(?:-[A-Z0-9][A-Za-z0-9]*)*\.?(?:[A-Za-z]\.)*|\d+[A-Za-z]+)"
_JOIN = r"(?:\s+|\s+&\s+|\s+of\s+|\s+de\s+|\s+for\s+)"
_NAME = re.compile(rf"(?=[A-Z0-9])(?<![\w'’])({_TOKEN}(?:{_JOIN}{_TOKEN}){{0,6}})")

LEGAL_SUFFIXES = legal_forms().in_text  # data/legal_forms.yaml, shared with the vendor registry

CORPORATE_WORDS = _VOCAB.word_set("corporate_words") | LEGAL_SUFFIXES
# Words that describe a line of business rather than name a company: "Bosch Security Systems"
# extends "Bosch" by a description, "CITIC Guoan Information Technology" by a name ("Guoan").
GENERIC_NAME_WORDS = _VOCAB.word_set("generic_name_words")


def distinctive_extension(words: str, places: frozenset[str] = frozenset()) -> bool:
    """Words after a known company name that name another company rather than describe the
    first one's business, legal form or location (`places`: country and city names)."""
    for w in words.split():
        bare = w.strip(".,()'’")
        low = bare.lower()
        if bare[:1].isupper() and low not in CORPORATE_WORDS and low not in GENERIC_NAME_WORDS and bare not in places:
            return True
    return False


_DENY = _VOCAB.word_set("deny_words")
_PERSON_TITLES = _VOCAB.pattern("person_titles")
# "Jane Roe, the company's founder, said", "John Doe, who founded the firm": a person described
# by a role, or a relative clause that only a person takes. Custodes never records private people.
_PERSON_APPOSITION = _VOCAB.pattern("person_apposition")
_COMPANY_CUE_BEFORE = _VOCAB.pattern("company_cue_before")
_CUE_STEMS = _VOCAB.word_set("company_nouns")
_CONTEXT_BEFORE = _VOCAB.pattern("context_before")
_APPOSITION_AFTER = _VOCAB.pattern("apposition_after")
_SUBJECT_OF_SUPPLY = _VOCAB.pattern("subject_of_supply")
_ACRONYM_AFTER = re.compile(r"^\s*\(([A-Z][A-Za-z0-9&\-]{1,9})\)")
_LIST_TAIL = re.compile(r"^\s*(?:,|and|&)\s*$")
_DESCRIPTOR_AFTER = _VOCAB.pattern("descriptor_after")


@dataclass(frozen=True)
class CompanyMention:
    """A company name found by shape; name is its short form, acronym as introduced.

    kind is "company", or the kind of organisation that is a source of statements and never a
    supplier ("media", "research", "ngo", "government", "international"; see source_kind)."""

    start: int
    end: int
    surface: str
    name: str
    acronym: str | None
    kind: str = COMPANY

    @property
    def is_source(self) -> bool:
        return self.kind != COMPANY


@dataclass(frozen=True)
class _SourceShapes:
    """The organisation vocabulary of mentions_organisations.yaml, keyed for one lookup each."""

    names: dict[str, str]  # full name -> kind
    heads: dict[str, str]  # last word -> kind
    openers: dict[str, str]  # first word -> kind
    descriptors: dict[str, str]  # apposition noun phrase (lower case) -> kind
    descriptor_after: re.Pattern[str]
    masking: frozenset[str]


def _source_shapes() -> _SourceShapes:
    names: dict[str, str] = {}
    heads: dict[str, str] = {}
    openers: dict[str, str] = {}
    descriptors: dict[str, str] = {}
    masking: set[str] = set()
    for kind, body in (lang_file("mentions_organisations").get("kinds") or {}).items():
        kind = str(kind)
        if body.get("mask_places", False):
            masking.add(kind)
        for table, key in ((names, "names"), (heads, "heads"), (openers, "openers")):
            for word in body.get(key) or ():
                table.setdefault(str(word), kind)
        for d in body.get("descriptors") or ():
            descriptors.setdefault(str(d).lower(), kind)
    alternatives = "|".join(re.escape(d) for d in sorted(descriptors, key=len, reverse=True))
    return _SourceShapes(
        names,
        heads,
        openers,
        descriptors,
        re.compile(
            r"\s*(?:\([^)]{1,40}\)\s*)?,\s+(?:a|an|the)\s+(?:[\w'’\-]+\s+){0,4}?(" + alternatives + r")\b(?![’']s)",
            re.IGNORECASE,
        ),
        frozenset(masking),
    )


_SOURCES = _source_shapes()
# Kinds whose names hide the places they contain: "Pakistan Point News" is no mention of Pakistan.
PLACE_MASKING_KINDS = _SOURCES.masking


def source_kind(surface: str, sentence: str = "", end: int | None = None) -> str | None:
    """The kind of organisation that is a source of statements, never a supplier, which a name
    is by its shape ("Global Times", "Ministry of Interior", "Human Rights Watch") or by an
    apposition after it ("X, a Washington think tank"); None for anything else."""
    name = _POSSESSIVE_TAIL.sub("", surface)
    kind = _SOURCES.names.get(name)
    if kind is not None:
        return kind
    words = name.split()
    if len(words) > 1:
        kind = _SOURCES.openers.get(words[0]) or _SOURCES.heads.get(words[-1])
        if kind is not None:
            return kind
    if end is not None and sentence[end : end + 2].lstrip()[:1] in {",", "("}:
        m = _SOURCES.descriptor_after.match(sentence, end, end + 120)
        if m is not None:
            return _SOURCES.descriptors.get(m.group(1).lower())
    return None


_POSSESSIVE_TAIL = re.compile(r"['’]s?$")
_WORD_SPLIT = re.compile(r"\s+|-")


def _words(name: str) -> list[str]:
    return _WORD_SPLIT.split(name)


def strip_legal_suffix(name: str) -> str:
    """Drop trailing legal-form tokens: "Kappa S.A." -> "Kappa"."""
    words = name.split()
    while len(words) > 1 and words[-1].lower().rstrip(",") in LEGAL_SUFFIXES:
        words.pop()
    return " ".join(words).rstrip(",")


# Prepositions, determiners, conjunctions, time words and sentence adverbs (data file).
_LEADING_FUNCTION_WORDS = _word_set(lang_file("mentions_stopwords")["leading"])


def _trim(name: str) -> str:
    """Drop a leading article, pronoun or other function word captured because it opens a
    sentence ("We have installed ...", "Officials said ..."); an acronym ("IT") is kept."""
    words = name.split()
    while words and words[0].lower() in _LEADING_FUNCTION_WORDS and not (len(words[0]) > 1 and words[0].isupper()):
        words = words[1:]
    return " ".join(words)


def _has_corporate_word(name: str) -> bool:
    return any(w.lower().rstrip(",") in CORPORATE_WORDS for w in name.split()[1:])


def _denied(name: str) -> bool:
    return any(w.lower().strip(".,’'") in _DENY for w in _words(name))


_CONTEXT_LAST_WORDS = _VOCAB.word_set("context_last_words")


def _has_supplier_context(sentence: str, start: int, end: int) -> bool:
    before = sentence[max(0, start - 45) : start]
    words = before.rstrip(" ,").split()
    if words and words[-1].lower() in {"called", "named", "dubbed"}:
        words = words[:-1]
    elif len(words) > 1 and [w.lower() for w in words[-2:]] == ["known", "as"]:
        words = words[:-2]
    tail = words[-1].lower() if words else ""
    cue_word = tail.rstrip("s") in _CUE_STEMS or tail == "companies"
    located = tail.endswith(("-based", "-headquartered"))
    if tail and (cue_word or located) and _COMPANY_CUE_BEFORE.search(before):
        return True
    if tail in _CONTEXT_LAST_WORDS and _CONTEXT_BEFORE.search(before):
        return True
    after = sentence[end : end + 120]
    opening = after.lstrip()[:1]
    if opening in {",", "("} and _APPOSITION_AFTER.match(after):
        return True
    first = after[:12].split(None, 1)
    return bool(first) and first[0].lower() in _SUPPLY_FIRST_WORDS and bool(_SUBJECT_OF_SUPPLY.match(after))


# First words of _SUBJECT_OF_SUPPLY, so that the pattern only runs where it can match.
_SUPPLY_FIRST_WORDS = _VOCAB.word_set("supply_first_words")


def _is_person(sentence: str, start: int, end: int | None = None) -> bool:
    """A title before the name ("Mr", "founder") or a role in apposition after it."""
    if _PERSON_TITLES.search(sentence[max(0, start - 20) : start]):
        return True
    return end is not None and sentence[end : end + 2].lstrip()[:1] == "," and bool(
        _PERSON_APPOSITION.match(sentence, end, end + 80)
    )


def _only_legal_words(surface: str) -> bool:
    """"Inc." or "Co., Ltd." cut off from the name before it is no company of its own."""
    return all(w.lower().strip(".,") in CORPORATE_WORDS or w.lower() in LEGAL_SUFFIXES for w in surface.split())


_SHAPES = lang_file("mentions_company_shapes")
_TRADE_WORDS = _word_set(_SHAPES["trade_words"])
_PRODUCT_HEAD_AFTER = re.compile(
    r"\s+(?:\([A-Z][A-Za-z0-9&\-]{1,9}\)\s+)?(?:"
    + "|".join(re.escape(w) for w in sorted(_word_set(_SHAPES["product_heads"]), key=len, reverse=True))
    + r")\b"
)
_FINANCIER_HEADS = tuple(str(w) for w in _SHAPES["financier_heads"])


def is_financier_name(name: str) -> bool:
    """"Acme Capital", "Acme Investments": a name of investors or lenders."""
    return any(name.endswith(" " + h) for h in _FINANCIER_HEADS)


def _only_trade_words(name: str) -> bool:
    return all(w.lower().strip(".,") in _TRADE_WORDS for w in name.split())


def _join_and(sentence: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Join names split at "and" ("Trade and Supply Corporation") when the left part is not a
    finished company name and the right part ends in a corporate word, or when the right part
    only describes a trade ("Nations Hardware and Electrical")."""
    out: list[tuple[int, int, str]] = []
    for span in spans:
        if out:
            s0, e0, n0 = out[-1]
            if sentence[e0 : span[0]] == " and " and (
                (
                    n0.split()[-1].lower() not in CORPORATE_WORDS
                    and span[2].split()[-1].lower().rstrip(".") in CORPORATE_WORDS
                )
                or (" " in n0 and _only_trade_words(span[2]) and not _only_trade_words(n0))
            ):
                out[-1] = (s0, span[1], sentence[s0 : span[1]])
                continue
        out.append(span)
    return out


def _candidate_spans(sentence: str) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    for m in _NAME.finditer(sentence):
        raw = m.group(1).rstrip(",")
        if raw.endswith(".") and raw.rsplit(None, 1)[-1].lower() not in LEGAL_SUFFIXES:
            raw = raw[:-1]
        trimmed = _trim(raw)
        if not trimmed:
            continue
        start = m.start(1) + raw.find(trimmed)
        out.append((start, start + len(trimmed), trimmed))
    return _extend_to_acronym(sentence, _join_and(sentence, out))


_WORD = re.compile(r"\S+")


def _extend_to_acronym(sentence: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Grow a name to the words its bracketed acronym spells: the capitalised run "Time
    Technologies (JITT)" is the end of "Just in Time Technologies"."""
    out: list[tuple[int, int, str]] = []
    for s0, e0, name in spans:
        m = _ACRONYM_AFTER.match(sentence[e0:])
        if m is not None:
            letters = "".join(ch for ch in m.group(1) if ch.isalpha()).upper()
            initials = "".join(w[0] for w in name.split()).upper()
            need = len(letters) - len(initials)
            if 0 < need <= 3 and letters.endswith(initials):
                lo = max(0, s0 - 60)
                before = list(_WORD.finditer(sentence, lo, s0))[-need:]
                if (
                    len(before) == need
                    and before[0].group()[:1].isupper()
                    and "".join(w.group()[0] for w in before).upper() == letters[:need]
                    and not any(w.group()[-1] in ",.;:()" for w in before)
                ):
                    s0 = before[0].start()
                    while out and out[-1][1] > s0:
                        out.pop()
                    name = sentence[s0:e0]
        out.append((s0, e0, name))
    return out


_PREV_NAME_AND = re.compile(r"([A-Z][\w'’\-]*(?:\s+(?:of\s+|for\s+|the\s+)?[A-Z][\w'’\-]*)*)\s+and\s+$")


def _tail_of_denied_name(sentence: str, start: int) -> bool:
    """In "Ministry of Roads and Transport Technology" the part after "and" belongs to the
    institution named before it."""
    if not sentence.endswith(" and ", 0, start):
        return False
    m = _PREV_NAME_AND.search(sentence[max(0, start - 80) : start])
    return m is not None and _denied(m.group(1))


_LONG_WORD_INITIAL = re.compile(r"(?<!\S)[A-Za-z](?=\S{3})")


def is_headline(sentence: str) -> bool:
    """Title-case lines capitalise every word, so shape-based name finding is off there."""
    initials = _LONG_WORD_INITIAL.findall(sentence)
    caps = sum(1 for c in initials if c.isupper())
    return len(initials) >= 4 and caps >= 3 * (len(initials) - caps)


_INSTITUTION_HEADS = _VOCAB.word_set("institution_heads")
_NAME_GOES_ON = re.compile(r"\s+(?:and|&)\s+((?:[A-Z][\w'’\-]*\s+){0,3}[A-Z][\w'’\-]*)")


def _head_of_denied_name(sentence: str, end: int | None) -> bool:
    """In "Road Transport and Safety Agency" the part before "and" opens the agency's name."""
    if end is None:
        return False
    m = _NAME_GOES_ON.match(sentence, end)
    return m is not None and m.group(1).rsplit(None, 1)[-1].lower() in _INSTITUTION_HEADS


def _excluded(sentence: str, start: int, surface: str, end: int | None = None) -> bool:
    """Institutions, people, bare legal suffixes and the heads and tails of institution names
    are no companies."""
    return (
        _denied(surface)
        or _only_legal_words(surface)
        or _is_person(sentence, start, end)
        or _tail_of_denied_name(sentence, start)
        or _head_of_denied_name(sentence, end)
    )


def _is_company(sentence: str, start: int, end: int, surface: str, prev_ok: bool) -> bool:
    """A candidate is a company when some evidence says so (corporate word, supplier position,
    a supplier list it continues) and nothing says otherwise. The cheap evidence is looked at
    first: most capitalised phrases of a text have none."""
    corporate = _has_corporate_word(surface)
    if start == 0 and " " not in surface and not corporate:
        # a single capitalised word opening a sentence is usually not a name
        after = sentence[end : end + 120]
        positive = bool(_SUBJECT_OF_SUPPLY.match(after) or _APPOSITION_AFTER.match(after))
        return positive and not _excluded(sentence, start, surface, end)
    # the next items of a list opened by a supplier position: "firms including X, Y and Z"
    if not (corporate or prev_ok or _has_supplier_context(sentence, start, end)):
        return False
    if _DESCRIPTOR_AFTER.match(sentence, end):
        return False  # "IT infrastructure supplier X": the capitalised word describes X
    if _PRODUCT_HEAD_AFTER.match(sentence, end):
        return False  # "the Acme Recognition Technology (ART) system" names a product
    return not _excluded(sentence, start, surface, end)


def find_companies(sentence: str, offset: int = 0, *, sources: bool = False) -> list[CompanyMention]:
    """Company mentions in one sentence; offsets are shifted by offset.  With sources, the
    organisations that are sources of statements (outlets, NGOs, ministries...) come too, with
    their kind, so that the caller can keep them out of the supplier slot."""
    out: list[CompanyMention] = []
    if is_headline(sentence):
        return out
    prev_end = -1
    prev_ok = False
    for start, end, surface in _candidate_spans(sentence):
        in_list = prev_ok and bool(_LIST_TAIL.match(sentence[prev_end:start]))
        kind = source_kind(surface, sentence, end)
        ok = kind is None and _is_company(sentence, start, end, surface, in_list)
        if ok or (sources and kind is not None and not _is_person(sentence, start, end)):
            acr = _ACRONYM_AFTER.match(sentence[end:])
            out.append(
                CompanyMention(
                    start=offset + start,
                    end=offset + end,
                    surface=surface,
                    name=strip_legal_suffix(surface),
                    acronym=acr.group(1) if acr else None,
                    kind=kind or COMPANY,
                )
            )
        prev_end, prev_ok = end, ok
    return out


def short_name(full: str, text: str, blocked: frozenset[str] = frozenset()) -> str:
    """The shortest leading part of a company name that the document uses on its own.

    Articles introduce "Acme Security & Communication" and later say "Acme"; the later form is
    what readers (and annotators) call the company.
    """
    words = full.split()
    for k in range(1, len(words)):
        prefix = " ".join(words[:k])
        if prefix.lower() in CORPORATE_WORDS or len(prefix) < 3 or prefix in blocked:
            continue
        pattern = re.compile(rf"(?<![\w'’]){re.escape(prefix)}(?![\w'’]|\s+{re.escape(words[k])})")
        if pattern.search(text):
            return prefix
    return full
