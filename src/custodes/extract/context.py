"""Sentence-level signals: does a sentence state a deployment, is it hedged, negative, a ban?

Each signal is a cue lookup, computed once per document over the whole text and bucketed per
sentence, so that the cost stays linear however many rules consult it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from custodes.extract.cues import CueMatch, CueMatcher, cue_lists, longest_only, tech_matcher
from custodes.extract.sentences import Sentence, SentenceIndex

_LISTS = (
    "deployment_predicates",
    "deployment_nouns",
    "hedges",
    "negative_context",
    "ban",
    "prior_use",
)
_INSTITUTION_AFTER = re.compile(
    r"(?:\s+(?:and\s+|of\s+)?[A-Z][\w\-]*){0,3}?\s+(?:Commissioner|Commission|Act|Law|Bill|Office|"
    r"Agency|Department|Ministry|Committee|Bureau|Directive|Regulation|Authority|Council|"
    r"Institute|Association|Conference|Summit|Expo|Award)\b"
)
# "present in 14 countries", "sold to more than 50 countries": aggregate statistics.
_COUNTRY_COUNT = re.compile(
    r"\b(?:\d+|dozens of|scores of|hundreds of|more than \d+|over \d+|at least \d+)\s+"
    r"(?:other\s+|different\s+)?countries\b",
    re.IGNORECASE,
)
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
# "has not installed", "never bought", "no plans to buy", "refused to sign the contract": a denial
# scopes over the rest of its clause.
_NEGATOR = re.compile(
    r"\b(?:not(?!\s+(?:only|just|least|long|until|to\s+be\s+confused))|never|nor|neither)\b|n['’]t\b|\bno\s+(?:\w+\s+)?(?:plans?|intention|intent|decision)\s+(?:to|of)\b"
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
            self._negative = self.has("negative_context") or bool(_COUNTRY_COUNT.search(self.sentence.text))
        return self._negative

    @property
    def barred(self) -> bool:
        """A ban or restriction with no stated prior use: prospective, not a deployment."""
        return self.has("ban") and not self.has("prior_use")

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
            if end is not None and m.cue.lower() in _MODALS and 0 <= m.start - end <= 40:
                gap = self.sentence.text[end - self.sentence.start : m.start - self.sentence.start]
                if len(gap.split()) <= 3 and not _CLAUSE_BREAK.search(gap):
                    return True
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


def _denied(before: str) -> bool:
    """A negator earlier in the same clause: "has not yet installed", "refused to sign the"."""
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
