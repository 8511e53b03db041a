"""Sentence-level signals: does a sentence state a deployment, is it hedged, negative, a ban?

Each signal is a cue lookup, computed once per document over the whole text and bucketed per
sentence, so that the cost stays linear however many rules consult it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import ahocorasick

from custodes.extract.cues import CueMatch, CueMatcher, cue_lists, longest_only, tech_matcher
from custodes.extract.sentences import Sentence, SentenceIndex

_LISTS = (
    "deployment_predicates",
    "deployment_nouns",
    "hedges",
    "negative_context",
    "ban",
    "prior_use",
    "trade_stop",
)
_INSTITUTION_AFTER = re.compile(
    r"(?:\s+(?:and\s+|of\s+)?[A-Z][\w\-]*){0,3}?\s+(?:Commissioner|Commission|Act|Law|Bill|Office|"
    r"Agency|Department|Ministry|Committee|Bureau|Directive|Regulation|Authority|Council|"
    r"Institute|Association|Conference|Summit|Expo|Award)\b"
)
# "present in 14 countries", "sold to more than 50 countries": aggregate statistics.
_COUNTRY_COUNT = re.compile(
    r"\b(?:\d+|dozens of|scores of|hundreds of|more than \d+|over \d+|at least \d+)\s+"
    r"(?:other\s+|different\s+)?(?:countries|nations|cities|markets|governments|police\s+forces)\b",
    re.IGNORECASE,
)
# Nouns every count of _COUNTRY_COUNT ends in: a cheap gate for the pattern.
_COUNT_NOUNS = ("countries", "nations", "cities", "markets", "governments", "forces")
# A hedge scopes to the end of its clause: "X could buy it, while Y bought it."
_SCOPE_END = re.compile(r";|,\s+(?:while|but|whereas|although|though|yet)\b|\s[–—]\s")
_CLAUSE_BREAK = re.compile(r"[,;:.()\[\]–—]|\b(?:that|which|who|where|when)\b")
_MODALS = frozenset({"could", "might", "may", "would", "should"})
# "the ministry said it would buy": future in reported speech is a plan, not a hedge.
_REPORTED_FUTURE = re.compile(
    r"\b(?:said|says|announced|confirmed|stated|added)\s+(?:that\s+)?(?:it|they|he|she|the\s+\w+)\s+$",
    re.IGNORECASE,
)
_MONTH_MAY = re.compile(r"May(?=\s+\d|\s+\w+\s+\d{4})")
# Hedges that can follow their subject: "Hungary is alleged to have used it", "Bolivia wants to
# buy". Clause-openers ("if", "whether", "warned that") scope forward only.
_SUBJECT_HEDGES = frozenset(
    {"could", "might", "may", "would", "should", "likely", "unlikely", "denied", "denies", "deny",
     "considering", "consider", "considers", "considered buying", "mulling", "exploring", "in talks",
     "want to", "wanted to", "wants to", "eager to", "keen to", "hopes to", "hoping to", "seeks to",
     "seeking to", "believed to", "is believed", "are believed", "thought to be", "said to be",
     "is suspected", "are suspected", "was suspected", "were suspected", "suspected of"}
)
_SUBJECT_HEDGE_PREFIXES = ("alleg", "accus", "rumour", "rumor")
# "is alleged to", "has been accused of": the auxiliaries between a subject and its hedge.
_AUXILIARY_GAP = re.compile(
    r"^\s*(?:(?:,\s*|and\s+|or\s+)(?:the\s+)?[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)?\s+)*"  # "Hungary and India are"
    r"(?:(?:is|are|was|were|has|have|had|been|being|also|itself|widely|reportedly|now|still|"
    r"long)\s+){0,3}$",
)
# Takeovers, stakes and mergers: a business event between companies, not a deployment.
_CORPORATE_EVENT = re.compile(
    r"\b(?:acquisitions?|acquired|acquires|acquiring|acquire|takeover|took\s+over|buy(?:s|ing)?|bought|"
    r"purchased?|purchasing|mergers?|merged?|merging|invest(?:s|ed|ing|ment)?|stake)\s+(?:of\s+|in\s+|"
    r"with\s+)?(?:(?:a|an|the|its|rival|fellow|majority|minority|controlling)\s+)?"
    r"(?:\d+(?:\.\d+)?\s*(?:%|per\s*cent|percent)\s+)?"
    r"(?:(?!(?:from|by|to|for|with|of|in|at)\b)[\w\-’']+\s+){0,4}?"
    r"(?:company|companies|firm|firms|start-?ups?|business|businesses|distributor|rival|subsidiary|"
    r"stake|shares|competitor|specialist|maker|provider|developer|manufacturer|unit)\b(?![’']s)",
    re.IGNORECASE,
)
_CORPORATE_HEADS = ("acqui", "takeover", "took over", "bought", "buy", "purchas", "merg", "invest", "stake")


@cache
def _corporate_heads() -> Any:
    """Aho-Corasick automaton of the words a corporate event needs: a cheap gate for the
    pattern, which most sentences cannot match."""
    automaton = ahocorasick.Automaton()
    for w in _CORPORATE_HEADS:
        automaton.add_word(w, w)
    automaton.make_automaton()
    return automaton


def _may_be_corporate(text: str) -> bool:
    return any(True for _ in _corporate_heads().iter(text.lower()))


# "cancelled before any cameras were installed": a deal undone before anything was delivered.
_UNDELIVERED = re.compile(
    r"\bbefore\s+(?:any|the|a\s+single|it|they|its|their)\s+(?:[\w\-]+\s+){0,3}?(?:was|were|had\s+been|"
    r"could\s+be|w(?:as|ere)\s+ever)\s+(?:delivered|installed|supplied|deployed|shipped|built|put\s+in|"
    r"set\s+up|signed|implemented)\b|\bbefore\s+(?:any\s+)?(?:delivery|installation|deployment)\b",
    re.IGNORECASE,
)
_UNDONE = re.compile(
    r"\b(?:revok\w+|cancel\w*|annul\w+|rescind\w*|scrap\w*|terminat\w+|withdr[ae]w\w*|called\s+off|"
    r"shelved|abandon\w*|voided)\b",
    re.IGNORECASE,
)
# Predicates that tell the sale itself, not that anyone has the system: they are no evidence of
# prior use when a vendor stops selling.
_TRADE_WORDS = frozenset(
    {"customer", "customers", "client", "clients", "sell", "sells", "sold", "selling", "sale of",
     "supply", "supplies", "supplied", "supplying", "supplier", "suppliers", "deal", "deals"}
)
# "has not installed", "never bought", "no plans to buy", "refused to sign the contract": a denial
# scopes over the rest of its clause.
_NEGATOR = re.compile(
    r"\b(?:not(?!\s+(?:only|just|least|long|until|to\s+be\s+confused))|never|nor|neither)\b|n['’]t\b|\bno\s+(?:\w+\s+)?(?:plans?|intention|intent|decision)\s+(?:to|of)\b"
    r"|\bno\s+(?:such\s+|formal\s+|signed\s+|active\s+|existing\s+)?$"  # "had no contract"
    r"|\b(?:refused|refuses|declined|declines|ruled\s+out|rules\s+out|rejected|rejects)\b",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"[,;:()]|\s[–—]\s|\b(?:but|while|whereas|although|though|yet|instead)\b", re.IGNORECASE)
# Predicate words in set phrases that state nothing: "developing countries", "in the long run".
_IDLE_PREDICATE = re.compile(
    r"(?:developed|developing)\s+(?:countries|nations|world|economies|markets|states)\b"
    r"|(?:use|uses)\s+of\s+force\b",
    re.IGNORECASE,
)
_IDLE_RUN = re.compile(r"\b(?:long|short|the)\s+$", re.IGNORECASE)
# "employs 40,000 people": a company profile, not the use of a system.
_HEADCOUNT = re.compile(
    r"\bemploy(?:s|ed|ing)?\s+(?:about\s+|around\s+|some\s+|more\s+than\s+|over\s+|nearly\s+)?"
    r"[\d,.]+\s*(?:thousand\s+|million\s+)?(?:people|staff|workers|employees|engineers|researchers)\b",
    re.IGNORECASE,
)


@cache
def _context_matcher() -> CueMatcher:
    data = cue_lists()
    return CueMatcher((str(c), name) for name in _LISTS for c in data[name])


@dataclass
class SentenceContext:
    """Cue matches of one sentence, document offsets."""

    sentence: Sentence
    tech: list[CueMatch] = field(default_factory=list)
    cues: dict[str, list[CueMatch]] = field(default_factory=dict)
    _negative: bool | None = field(default=None, repr=False)

    def has(self, name: str) -> bool:
        return bool(self.cues.get(name))

    @property
    def categories(self) -> list[str]:
        seen: dict[str, None] = {}
        for m in self.tech:
            seen.setdefault(m.label, None)
        return list(seen)

    @property
    def negative(self) -> bool:
        """Market statistics, courts, opinion: the sentence states no deployment at all."""
        if self._negative is None:
            text = self.sentence.text
            lowered = text.lower()
            self._negative = self.has("negative_context") or (
                any(w in lowered for w in _COUNT_NOUNS) and bool(_COUNTRY_COUNT.search(text))
            )
        return self._negative

    @property
    def barred(self) -> bool:
        """A ban or restriction with no stated prior use: prospective, not a deployment."""
        return self.has("ban") and not self.has("prior_use")

    @property
    def business_event(self) -> bool:
        """A corporate event rather than a deployment: a takeover or stake ("completed its
        acquisition of a provider of ..."), a vendor that stops selling somewhere without the
        text stating earlier use there, or a deal undone before anything was delivered."""
        text = self.sentence.text
        if _may_be_corporate(text) and _CORPORATE_EVENT.search(text):
            return True
        if self.has("trade_stop") and not self._prior_use_beyond_trade():
            return True
        return "before" in text and bool(_UNDELIVERED.search(text) and _UNDONE.search(text))

    def _prior_use_beyond_trade(self) -> bool:
        """A predicate outside the stop-selling phrase that states use ("after police there
        used its routers"), or a prior-use cue."""
        if self.has("prior_use"):
            return True
        stops = self.cues.get("trade_stop", [])
        for m in self.cues.get("deployment_predicates", []):
            if m.cue.lower() in _TRADE_WORDS:
                continue
            if any(t.start <= m.start < t.end for t in stops):
                continue
            return True
        return False

    def states_deployment(self, possessive_tech: bool = False) -> bool:
        """A predicate that is not denied, or a technology with a deployment noun (or owned by
        a recipient: "Kenya's CCTV network")."""
        if self.has("deployment_predicates"):
            return True
        if self.cues.get("negated_predicates"):
            return False  # "has not installed cameras" does not state that a system exists
        return bool(self.tech) and (self.has("deployment_nouns") or possessive_tech)

    def _between(self, start: int, end: int) -> str:
        base = self.sentence.start
        return self.sentence.text[start - base : end - base]

    def hedged_before(self, offset: int, end: int | None = None) -> bool:
        """A hedge cue earlier in the sentence scopes over what follows it; a modal right
        after a mention ("Bolivia could buy") hedges its own subject."""
        for m in self.cues.get("hedges", []):
            if m.start < offset and not _SCOPE_END.search(self._between(m.end, offset)):
                return True
            if end is not None and 0 <= m.start - end <= 60:
                cue = m.cue.lower()
                gap = self.sentence.text[end - self.sentence.start : m.start - self.sentence.start]
                if cue in _MODALS:
                    if len(gap.split()) <= 3 and not _CLAUSE_BREAK.search(gap):
                        return True
                elif (cue in _SUBJECT_HEDGES or cue.startswith(_SUBJECT_HEDGE_PREFIXES)) and _AUXILIARY_GAP.match(gap):
                    return True  # "Hungary is alleged to have used it"
        return False


def _is_real_hedge(text: str, m: CueMatch) -> bool:
    if m.cue == "May" and _MONTH_MAY.match(text, m.start):
        return False
    if m.cue.lower() == "would":
        return not _REPORTED_FUTURE.search(text, max(0, m.start - 40), m.start)
    return True


_EVENT_AFTER = re.compile(
    r"\s+(?:summit|summits|conference|conferences|expo|exhibition|forum|fair|congress|week|"
    r"awards?|workshop|seminar|webinar|event|trade\s+show)\b",
    re.IGNORECASE,
)


def _inside_institution_name(text: str, m: CueMatch) -> bool:
    """A cue naming an event ("a safe city summit") or, capitalised, an office or a law ("the
    Biometrics Office") names that event or institution, not a system."""
    if _EVENT_AFTER.match(text, m.end):
        return True
    if not m.cue[:1].isupper():
        return False
    return bool(_INSTITUTION_AFTER.match(text, m.end))


# Substrings every negator contains: most predicates have none before them, and then the
# pattern need not run.
_NEGATOR_GATE = ("no", "n't", "n’t", "never", "neither", "refus", "declin", "ruled", "rules", "reject")


def _denied(before: str) -> bool:
    """A negator earlier in the same clause: "has not yet installed", "refused to sign the"."""
    lowered = before.lower()
    if not any(g in lowered for g in _NEGATOR_GATE):
        return False
    ends = [m.end() for m in _NEGATOR.finditer(before)]
    return bool(ends) and not _CLAUSE_END.search(before, ends[-1])


def _predicate_kind(text: str, m: CueMatch, sentence_start: int) -> str | None:
    """The cue list a predicate match belongs to: stated, denied ("negated_predicates") or, for
    a word in a set phrase ("developing countries"), none."""
    if _IDLE_PREDICATE.match(text, m.start, min(len(text), m.end + 30)):
        return None
    before = text[max(sentence_start, m.start - 60) : m.start]
    cue = m.cue.lower()
    if cue in {"run", "runs"} and (_IDLE_RUN.search(before) or text.startswith("-up", m.end)):
        return None
    if cue.startswith("employ") and _HEADCOUNT.match(text, m.start, min(len(text), m.end + 60)):
        return None
    if _denied(before):
        return "negated_predicates"
    return "deployment_predicates"


def sentence_contexts(text: str, index: SentenceIndex) -> list[SentenceContext]:
    """One SentenceContext per sentence of the index."""
    out = [SentenceContext(s) for s in index.sentences]
    for m in longest_only(tech_matcher().find(text)):
        i = index.index_of(m.start)
        if i is not None and not _inside_institution_name(text, m):
            out[i].tech.append(m)
    for m in _context_matcher().find(text):
        i = index.index_of(m.start)
        if i is None:
            continue
        label = m.label
        if label == "hedges" and not _is_real_hedge(text, m):
            continue
        if label == "deployment_predicates":
            kind = _predicate_kind(text, m, out[i].sentence.start)
            if kind is None:
                continue
            label = kind
        out[i].cues.setdefault(label, []).append(m)
    return out
