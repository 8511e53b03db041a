"""Taxonomy and cue-list loading plus fast phrase matching.

All cue vocabularies live in YAML data files so that they can be reviewed and extended without
touching code; matching uses one Aho-Corasick pass per vocabulary so the cost stays linear in
the text length.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import ahocorasick
import yaml

from custodes.extract.vocab import lang_file

_DATA = "custodes.data"


@dataclass(frozen=True)
class CueMatch:
    """One occurrence of a cue phrase: label is the vocabulary entry it belongs to."""

    start: int
    end: int
    cue: str
    label: str


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


class CueMatcher:
    """Case-insensitive phrase matcher on word boundaries; a cue ending in '*' is a prefix."""

    def __init__(self, cues: Iterable[tuple[str, str]]) -> None:
        self._automaton = ahocorasick.Automaton()
        count = 0
        for phrase, label in cues:
            key = phrase.strip().lower()
            prefix = key.endswith("*")
            key = key.rstrip("*")
            if not key:
                continue
            existing = self._automaton.get(key, None)
            entries = list(existing) if existing else []
            entries.append((key, label, prefix))
            self._automaton.add_word(key, tuple(entries))
            count += 1
        self._empty = count == 0
        if not self._empty:
            self._automaton.make_automaton()

    def find(self, text: str) -> list[CueMatch]:
        """All cue occurrences, longest first at equal start, overlapping ones kept."""
        if self._empty:
            return []
        lowered = text.lower()
        if len(lowered) != len(text):  # rare Unicode case-folding length change
            lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
        out: list[CueMatch] = []
        n = len(lowered)
        for end_idx, entries in self._automaton.iter(lowered):
            for key, label, prefix in entries:
                start = end_idx - len(key) + 1
                end = end_idx + 1
                if start > 0 and _is_word_char(lowered[start - 1]) and _is_word_char(key[0]):
                    continue
                if prefix:
                    while end < n and lowered[end].isalpha():
                        end += 1
                elif end < n and _is_word_char(lowered[end]) and _is_word_char(key[-1]):
                    continue
                out.append(CueMatch(start, end, text[start:end], label))
        out.sort(key=lambda m: (m.start, -(m.end - m.start)))
        return out

    def labels(self, text: str) -> set[str]:
        return {m.label for m in self.find(text)}


def longest_only(matches: list[CueMatch]) -> list[CueMatch]:
    """Drop matches nested inside a longer one ("face recognition" inside "live face
    recognition" is one cue occurrence, not two)."""
    out: list[CueMatch] = []
    for m in sorted(matches, key=lambda m: (m.start, -(m.end - m.start))):
        if out and m.start >= out[-1].start and m.end <= out[-1].end:
            continue
        out.append(m)
    return out


def _load_yaml(name: str) -> dict[str, Any]:
    raw = resources.files(_DATA).joinpath(name).read_text(encoding="utf-8")
    data = yaml.safe_load(raw)
    if not isinstance(data, dict):
        raise ValueError(f"{name}: expected a mapping")
    return data


@dataclass(frozen=True)
class Category:
    id: str
    label: str
    description: str
    cues: tuple[str, ...]


@cache
def taxonomy() -> dict[str, Category]:
    """The technology categories, keyed by id, in file order."""
    data = _load_yaml("taxonomy.yaml")
    out: dict[str, Category] = {}
    for cid, body in data["categories"].items():
        out[cid] = Category(
            id=cid,
            label=str(body.get("label", cid)),
            description=str(body.get("description", "")).strip(),
            cues=tuple(str(c) for c in body.get("cues", [])),
        )
    return out


@cache
def cue_lists() -> dict[str, Any]:
    """The English cue phrases (status, hedges, negatives, lenders ...), data/lang/en/cues.yaml.

    Its lists are phrases for an Aho-Corasick automaton, not the word notation of the other
    files of data/lang/en (vocab.py): a space is one space and a final '*' any letters."""
    return lang_file("cues")


@cache
def tech_matcher() -> CueMatcher:
    return CueMatcher((cue, cat.id) for cat in taxonomy().values() for cue in cat.cues)


@cache
def list_matcher(*names: str) -> CueMatcher:
    """A matcher over one or more flat lists of cues.yaml, labelled by list name."""
    data = cue_lists()
    pairs: list[tuple[str, str]] = []
    for name in names:
        node: Any = data
        for part in name.split("."):
            node = node[part]
        pairs.extend((str(c), name) for c in node)
    return CueMatcher(pairs)


def category_ids() -> list[str]:
    return list(taxonomy())
