"""Sentence splitting with character offsets into the original text.

Evidence must be quoted verbatim, so sentences are spans of the input, never rewritten strings.
Lines are hard boundaries because news text keeps titles, bylines and fact-sheet fields on
lines of their own.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from custodes.extract.vocab import vocabulary

_VOCAB = vocabulary("sentences")
# Tokens ending in "." that usually do not end a sentence.
_ABBREVIATIONS = _VOCAB.word_set("abbreviations")
_COUNTRY_ABBREVIATIONS = _VOCAB.word_set("country_abbreviations")
_STARTER = _VOCAB.pattern("starter")
_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
_LINE = re.compile(r"[^\n]+")


@dataclass(frozen=True)
class Sentence:
    """A sentence of the document: text[start:end] == text."""

    index: int
    start: int
    end: int
    text: str
    line: int

    def contains(self, start: int, end: int) -> bool:
        return self.start <= start and end <= self.end


def _is_abbreviation(line: str, dot: int) -> bool:
    """A dot after a known abbreviation or a single initial does not end a sentence."""
    j = dot
    while j > 0 and not line[j - 1].isspace() and line[j - 1] not in "(\"'“":
        j -= 1
    token = line[j:dot].lower().rstrip(".")
    if not token:
        return False
    if token in _ABBREVIATIONS:
        return not (token in _COUNTRY_ABBREVIATIONS and _STARTER.match(line, dot + 1))
    return len(token) == 1 and token.isalpha()


def _split_line(line: str) -> list[tuple[int, int]]:
    """Sentence spans inside one line, relative to the line."""
    spans: list[tuple[int, int]] = []
    begin = 0
    for m in _BOUNDARY.finditer(line):
        if line[m.start()] == "." and m.end() - m.start() == 1 and _is_abbreviation(line, m.start()):
            continue
        spans.append((begin, m.end()))
        begin = m.end()
    spans.append((begin, len(line)))
    return spans


def split_sentences(text: str) -> list[Sentence]:
    """Split text into trimmed, non-empty sentences with offsets into text."""
    out: list[Sentence] = []
    for line_no, lm in enumerate(_LINE.finditer(text)):
        base = lm.start()
        line = lm.group()
        for s, e in _split_line(line):
            chunk = line[s:e]
            stripped = chunk.strip()
            if not stripped:
                continue
            lead = len(chunk) - len(chunk.lstrip())
            start = base + s + lead
            end = start + len(stripped)
            out.append(Sentence(len(out), start, end, text[start:end], line_no))
    return out


class SentenceIndex:
    """Maps character offsets to sentences in O(log n), so matches found once over the whole
    text can be bucketed per sentence without re-scanning."""

    def __init__(self, sentences: list[Sentence]) -> None:
        self.sentences = sentences
        self._starts = [s.start for s in sentences]

    def at(self, offset: int) -> Sentence | None:
        i = bisect.bisect_right(self._starts, offset) - 1
        if i < 0:
            return None
        s = self.sentences[i]
        return s if offset < s.end else None

    def index_of(self, offset: int) -> int | None:
        s = self.at(offset)
        return None if s is None else s.index
