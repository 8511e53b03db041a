"""The extractor's first stage: does a document carry any signal a deployment needs?

Most of a news stream is about something else. A deployment needs a technology, so a document
that names no technology cue (taxonomy.yaml), no registry vendor (vendors.yaml) and none of the
field's words (the lists that the files of data/lang/LANG/ name under `signal`) leaves after
one Aho-Corasick pass over its lower-cased text, before sentences are split or mentions
resolved.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import ahocorasick

from custodes.extract.cues import taxonomy
from custodes.extract.vocab import signal_words


@cache
def _automaton(lang: str = "en") -> Any:
    from custodes.resolve.vendors import VendorRegistry

    phrases: dict[str, bool] = {}  # phrase -> matches as a prefix
    for cat in taxonomy().values():
        for cue in cat.cues:
            phrases[cue.lower()] = False
    for v in VendorRegistry.default().all():
        for name in v.names():
            phrases[name.lower()] = False
    for w in signal_words(lang):
        phrases[w.lower().rstrip("*")] = w.endswith("*")
    automaton = ahocorasick.Automaton()
    for phrase, prefix in phrases.items():
        if phrase:
            automaton.add_word(phrase, (len(phrase), prefix))
    automaton.make_automaton()
    return automaton


def _boundary(text: str, i: int) -> bool:
    return i < 0 or i >= len(text) or not text[i].isalnum()


def has_signal(text: str, lang: str = "en") -> bool:
    """True when the text names a technology, a registry vendor or a word of the field, as a
    whole word (or a word's start, for the prefixes of signal.yaml)."""
    folded = text.lower()
    if len(folded) != len(text):  # a case mapping that changes length: keep offsets honest
        folded = "".join(ch.lower()[0] for ch in text)
    for end, (length, prefix) in _automaton(lang).iter(folded):
        start = end - length + 1
        if _boundary(folded, start - 1) and (prefix or _boundary(folded, end + 1)):
            return True
    return False
