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
        return self.has("negative_context") or bool(_COUNTRY_COUNT.search(self.sentence.text))

    @property
    def barred(self) -> bool:
        """A ban or restriction with no stated prior use: prospective, not a deployment."""
        return self.has("ban") and not self.has("prior_use")

    def states_deployment(self, possessive_tech: bool = False) -> bool:
        if self.has("deployment_predicates"):
            return True
        return bool(self.tech) and (self.has("deployment_nouns") or possessive_tech)

    def _between(self, start: int, end: int) -> str:
        base = self.sentence.start
        return self.sentence.text[start - base : end - base]

    def hedged_before(self, offset: int, end: int | None = None) -> bool:
        """A hedge cue earlier in the sentence scopes over what follows it; a modal right
        after a mention ("Borduria could buy") hedges its own subject."""
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


def _inside_institution_name(text: str, m: CueMatch) -> bool:
    """A capitalised cue inside the name of an office or a law ("the Biometrics Office") names
    the institution, not a system."""
    if not m.cue[:1].isupper():
        return False
    return bool(_INSTITUTION_AFTER.match(text, m.end))


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
        if m.label == "hedges" and not _is_real_hedge(text, m):
            continue
        out[i].cues.setdefault(m.label, []).append(m)
    return out
