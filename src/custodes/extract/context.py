"""Sentence-level signals: does a sentence state a deployment, is it hedged, negative, a ban?

Each signal is a cue lookup, computed once per document over the whole text and bucketed per
sentence, so that the cost stays linear however many rules consult it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

import ahocorasick

from custodes.extract.cues import CueMatch, CueMatcher, cue_lists, longest_only, tech_matcher
from custodes.extract.sentences import Sentence, SentenceIndex
from custodes.extract.vocab import vocabulary

_LISTS = (
    "deployment_predicates",
    "deployment_nouns",
    "hedges",
    "negative_context",
    "ban",
    "prior_use",
    "trade_stop",
)
_VOCAB = vocabulary("context")
_INSTITUTION_AFTER = _VOCAB.pattern("institution_after")
_COUNTRY_COUNT = _VOCAB.pattern("country_count")
# The last words of every count of _COUNTRY_COUNT: a cheap gate for the pattern.
_COUNT_NOUNS = tuple(w.split()[-1] for w in _VOCAB.words("count_nouns"))
# A hedge scopes to the end of its clause: "X could buy it, while Y bought it."
_SCOPE_END = _VOCAB.pattern("scope_end")
_CLAUSE_BREAK = _VOCAB.pattern("clause_break")
_MODALS = _VOCAB.word_set("modals")
# "the ministry said it would buy": future in reported speech is a plan, not a hedge.
_REPORTED_FUTURE = _VOCAB.pattern("reported_future")
_REPORTED_FUTURE_MODALS = _VOCAB.word_set("reported_future_modals")
_MONTH_HEDGES = _VOCAB.words("month_hedges")
_MONTH_MAY = _VOCAB.pattern("month_hedge")
# Hedges that can follow their subject: "Hungary is alleged to have used it".
_SUBJECT_HEDGES = _VOCAB.word_set("subject_hedges")
_SUBJECT_HEDGE_PREFIXES = tuple(w.rstrip("*") for w in _VOCAB.words("subject_hedge_stems"))
# "is alleged to", "has been accused of": the auxiliaries between a subject and its hedge.
_AUXILIARY_GAP = _VOCAB.pattern("auxiliary_gap")
# Takeovers, stakes and mergers: a business event between companies, not a deployment.
_CORPORATE_EVENT = _VOCAB.pattern("corporate_event")
_CORPORATE_HEADS = _VOCAB.words("corporate_gate")


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
_UNDELIVERED = _VOCAB.pattern("undelivered")
_UNDELIVERED_GATE = _VOCAB.words("undelivered_opener")
_UNDONE = _VOCAB.pattern("undone")
# Predicates that tell the sale itself: no evidence of prior use when a vendor stops selling.
_TRADE_WORDS = _VOCAB.word_set("trade_words")
# "has not installed", "never bought", "no plans to buy", "refused to sign the contract": a denial
# scopes over the rest of its clause.
_NEGATOR = _VOCAB.pattern("negator")
_CLAUSE_END = _VOCAB.pattern("clause_end")
# Predicate words in set phrases that state nothing: "developing countries", "in the long run".
_IDLE_PREDICATE = _VOCAB.pattern("idle_predicate")
_IDLE_RUN = _VOCAB.pattern("idle_run")
_RUN_CUES = _VOCAB.word_set("run_cues")
_RUN_SUFFIXES = _VOCAB.words("run_suffixes")
# "employs 40,000 people": a company profile, not the use of a system.
_HEADCOUNT = _VOCAB.pattern("headcount")
_EMPLOY_VERBS = _VOCAB.words("employ_verbs")


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

    @cached_property
    def business_event(self) -> bool:
        """A corporate event rather than a deployment: a takeover or stake ("completed its
        acquisition of a provider of ..."), a vendor that stops selling somewhere without the
        text stating earlier use there, or a deal undone before anything was delivered."""
        text = self.sentence.text
        if _may_be_corporate(text) and _CORPORATE_EVENT.search(text):
            return True
        if self.has("trade_stop") and not self._prior_use_beyond_trade():
            return True
        return any(w in text for w in _UNDELIVERED_GATE) and bool(_UNDELIVERED.search(text) and _UNDONE.search(text))

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
    if m.cue in _MONTH_HEDGES and _MONTH_MAY.match(text, m.start):
        return False
    if m.cue.lower() in _REPORTED_FUTURE_MODALS:
        return not _REPORTED_FUTURE.search(text, max(0, m.start - 40), m.start)
    return True


_EVENT_AFTER = _VOCAB.pattern("event_after")


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
_NEGATOR_GATE = _VOCAB.words("negator_gate")


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
    if cue in _RUN_CUES and (_IDLE_RUN.search(before) or text.startswith(_RUN_SUFFIXES, m.end)):
        return None
    if cue.startswith(_EMPLOY_VERBS) and _HEADCOUNT.match(text, m.start, min(len(text), m.end + 60)):
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
