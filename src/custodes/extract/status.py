"""Deployment status from the wording of the evidence sentences.

A cancellation anywhere in a record's evidence wins, because news about a scrapped contract
usually also repeats that the contract had been signed. Otherwise the lead sentence decides,
since the first statement of a deal is what the article reports.
"""

from __future__ import annotations

from functools import cache

from custodes.extract.cues import CueMatcher, cue_lists, longest_only

DEPLOYED = "deployed"
PLANNED = "planned"
CANCELLED = "cancelled"
UNKNOWN = "unknown"

# Cues that say little on their own: perfect tense, generic use verbs.
_WEAK = frozenset(
    {
        "has been",
        "have been",
        "had been",
        "since",
        "used",
        "using",
        "uses",
        "run",
        "runs",
        "helped",
        "helping",
        "has helped",
        "will",
        "soon",
        "commission",
        "approved",
        "approves",
    }
)


@cache
def _matcher() -> CueMatcher:
    status = cue_lists()["status"]
    return CueMatcher((str(c), label) for label, cues in status.items() for c in cues)


def _scores(sentence: str) -> dict[str, float]:
    scores = {DEPLOYED: 0.0, PLANNED: 0.0, CANCELLED: 0.0}
    for m in longest_only(_matcher().find(sentence)):
        if m.start > 0 and sentence[m.start - 1] == "-":
            continue  # "Chinese-built cameras" describes origin, not a completed build
        weight = 0.5 if m.cue.lower() in _WEAK else 1.0
        scores[m.label] += weight
    return scores


def sentence_status(sentence: str) -> str | None:
    """The status one sentence states, or None when it states none."""
    s = _scores(sentence)
    if s[CANCELLED] > 0:
        return CANCELLED
    if s[PLANNED] == 0 and s[DEPLOYED] == 0:
        return None
    return PLANNED if s[PLANNED] > s[DEPLOYED] else DEPLOYED


def classify_status(sentences: list[str], default: str = DEPLOYED) -> str:
    """Status of a record from its evidence sentences, lead sentence first; `default` (the
    document's status) when none of them says."""
    per = [sentence_status(s) for s in sentences]
    if CANCELLED in per:
        return CANCELLED
    for st in per:
        if st is not None:
            return st
    return default


def document_status(sentences: list[str]) -> str:
    """The status the document states first: headline and lead set the frame of a story."""
    for s in sentences:
        st = sentence_status(s)
        if st is not None and st != CANCELLED:
            return st
    return DEPLOYED
