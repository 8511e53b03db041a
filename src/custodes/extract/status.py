"""Deployment status from the wording of the evidence sentences.

A cancellation anywhere in a record's evidence wins, because news about a scrapped contract
usually also repeats that the contract had been signed; a plain statement of use anywhere comes
next, because a system in use has left its contract behind. Otherwise the first sentence that
states a status decides. A record whose sentences only tell the deal (signed, awarded, won the
tender) takes the document's frame: in a story about cameras going live, the contract is the
history of a deployed system.
"""

from __future__ import annotations

from functools import cache, lru_cache

from custodes.extract.cues import CueMatcher, cue_lists, longest_only
from custodes.extract.vocab import vocabulary

DEPLOYED = "deployed"
PLANNED = "planned"
CANCELLED = "cancelled"
UNKNOWN = "unknown"
CONTRACTED = "contracted"  # cue list of the deal stage; reported as planned

_VOCAB = vocabulary("status")
_WEAK = _VOCAB.word_set("weak_cues")
_FUTURE_BEFORE = _VOCAB.pattern("future_before")
_RAISING_TO = _VOCAB.pattern("raising_to")


def _future(sentence: str, start: int) -> bool:
    lo = max(0, start - 40)
    return bool(_FUTURE_BEFORE.search(sentence, lo, start)) and not _RAISING_TO.search(sentence, lo, start)


@cache
def _matcher() -> CueMatcher:
    status = cue_lists()["status"]
    return CueMatcher((str(c), label) for label, cues in status.items() for c in cues)


@lru_cache(maxsize=4096)
def _scores(sentence: str) -> dict[str, float]:
    """Cue weights per status; cached because a document asks about its sentences several
    times (document frame, each record). Callers must not modify the result."""
    scores = {DEPLOYED: 0.0, PLANNED: 0.0, CONTRACTED: 0.0, CANCELLED: 0.0}
    for m in longest_only(_matcher().find(sentence)):
        if m.start > 0 and sentence[m.start - 1] == "-":
            continue  # "Chinese-built cameras" describes origin, not a completed build
        weight = 0.5 if m.cue.lower() in _WEAK else 1.0
        label = m.label
        if label == DEPLOYED and _future(sentence, m.start):
            label, weight = PLANNED, 1.0
        scores[label] += weight
    return scores


def sentence_status(sentence: str) -> str | None:
    """The status one sentence states, or None when it states none."""
    return _decide(_scores(sentence))


def _decide(s: dict[str, float]) -> str | None:
    if s[CANCELLED] > 0:
        return CANCELLED
    planned = s[PLANNED] + s[CONTRACTED]
    if planned == 0 and s[DEPLOYED] == 0:
        return None
    return PLANNED if planned > s[DEPLOYED] else DEPLOYED


def classify_status(sentences: list[str], default: str = DEPLOYED, frame: str | None = None) -> str:
    """Status of a record from its evidence sentences: a cancellation anywhere, else a plain
    statement of use anywhere, else the first sentence that states a status; `default` (the
    document's status) when none of them says. A record whose sentences only tell the deal
    (signed, awarded, won the bidding) is planned unless `frame`, the status the document states
    about the same recipient, says the system is running."""
    per = [_scores(s) for s in sentences]
    if any(sc[CANCELLED] > 0 for sc in per):
        return CANCELLED
    if any(sc[DEPLOYED] >= 1 and sc[PLANNED] + sc[CONTRACTED] == 0 for sc in per):
        return DEPLOYED
    deal_only = not any(sc[PLANNED] for sc in per)
    for sc in per:
        st = _decide(sc)
        if st is not None:
            return DEPLOYED if st == PLANNED and deal_only and frame == DEPLOYED else st
    return default


def document_status(sentences: list[str]) -> str:
    """The status the document states first: headline and lead set the frame of a story."""
    return first_status(sentences) or DEPLOYED


def first_status(sentences: list[str]) -> str | None:
    """The first planned or deployed status the sentences state, if any."""
    for s in sentences:
        st = sentence_status(s)
        if st is not None and st != CANCELLED:
            return st
    return None
