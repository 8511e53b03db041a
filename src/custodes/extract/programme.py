"""Named programmes and projects ("Safe City", "ABC-112", the "X Project").

Names are recognised by shape: capitalised phrases before a programme noun, names introduced
by "dubbed"/"called"/"so-called", quoted names, and code-like names (letters plus digits).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from custodes.extract.vocab import vocabulary

_VOCAB = vocabulary("programme")
_CAP = r"(?:[A-Z][\w'’\-]*|\d[\w\-]*)"
_NAME = rf"{_CAP}(?:\s+(?:{_VOCAB.alternation('name_joiners')}\s+)?{_CAP}){{0,5}}"
_NOUN = _VOCAB.alternation("programme_nouns")
_GENERIC_LEAD = _VOCAB.word_set("generic_lead")
_BEFORE_NOUN = re.compile(rf"(?<![\w-])({_NAME})\s+{_NOUN}\b")
_NOUN_ONLY = re.compile(rf"\s{_NOUN}\b")
# Case-insensitive for the noun only: a case-insensitive name would read "Kenya's cameras and
# the 'x' project" as one long quoted name and backtrack over every apostrophe of the text.
_QUOTED = re.compile(rf"[\"“‘']({_NAME})[\"”’']\s+(?i:{_NOUN})\b")
_DUBBED = re.compile(
    rf"\b(?:({_VOCAB.alternation('naming_verbs')}|known as)|so-called)\s+(?:the\s+)?[\"“]?({_NAME})",
)
# "a programme dubbed X" names a programme; "a company called X" or "Kenya named X" do not.
_PROGRAMME_NOUN_BEFORE = _VOCAB.pattern("named_thing_before")
# Code-like names (ECU-911, C4I). Letters that are a currency, a fiscal period or a standard
# are not programmes ("USD396", "FY 2020", "ISO 27001").
_CODE = re.compile(r"\b([A-Z](?:[A-Z]+(?:-?\d{2,4}| \d{3}|-[A-Z]{2,})|\d[A-Z]))\b")
_CODE_NOT = frozenset(_VOCAB.words("code_not"))
# Literal first, so the scan is fast; the optional leading name ("Nairobi Safe City") is looked
# for behind the match.
_SAFE_CITY = _VOCAB.pattern("city_programme")
_NAME_BEFORE = re.compile(r"(?<![\w'’\-])[A-Z][\w\-]+\s+$")
_ACRONYM_DEF = re.compile(r"\(([A-Z][A-Z0-9\-]{2,})\b")
_LETTER_SPACE_BEFORE = re.compile(r"[A-Za-z]\s$")
# An acronym defined after a capitalised name is a programme only when that name is one:
# "Integrated Command and Control Centre (ICCC)", not "Department of the Interior (DOI)".
_PROGRAMME_NAME_BEFORE = _VOCAB.pattern("acronym_head_before")
_NOT_PROGRAMME = frozenset(_VOCAB.words("not_programme"))


@dataclass(frozen=True)
class ProgrammeMention:
    start: int
    end: int
    name: str


def _clean(name: str) -> str | None:
    words = name.split()
    while words and words[0].lower() in _GENERIC_LEAD:
        words = words[1:]
    if not words:
        return None
    cleaned = " ".join(words).strip(" -'’")
    return cleaned or None


def _add(out: list[ProgrammeMention], start: int, end: int, name: str | None) -> None:
    if name and name.upper() not in _NOT_PROGRAMME:
        out.append(ProgrammeMention(start, end, name))


def _before_noun(text: str) -> list[re.Match[str]]:
    """Capitalised names right before a programme noun; the noun is found first so the costly
    name pattern only runs on short windows."""
    out: list[re.Match[str]] = []
    last = -1
    for n in _NOUN_ONLY.finditer(text):
        lo = max(0, n.start() - 120, last)
        found = [m for m in _BEFORE_NOUN.finditer(text, lo, n.end()) if m.end() == n.end()]
        if found:
            out.append(found[-1])
            last = found[-1].end()
    return out


def find_programmes(text: str) -> list[ProgrammeMention]:
    """Programme mentions in text, in order of position."""
    out: list[ProgrammeMention] = []
    for m in _SAFE_CITY.finditer(text):
        lead = _NAME_BEFORE.search(text, max(0, m.start() - 40), m.start())
        start = lead.start() if lead else m.start()
        _add(out, start, m.end(), _clean(text[start : m.end()]))
    for m in _QUOTED.finditer(text):
        _add(out, m.start(1), m.end(1), _clean(m.group(1)))
    for m in _DUBBED.finditer(text):
        if m.group(1) and not _PROGRAMME_NOUN_BEFORE.search(text, max(0, m.start() - 40), m.start()):
            continue
        _add(out, m.start(2), m.end(2), _clean(m.group(2)))
    for m in _CODE.finditer(text):
        letters = re.match(r"[A-Z]+", m.group(1))
        if letters and letters.group() in _CODE_NOT:
            continue
        _add(out, m.start(1), m.end(1), m.group(1))
    for m in _before_noun(text):
        name = _clean(m.group(1))
        if name and " " not in name and name.isalpha() and not name.isupper():
            name = f"{name} {m.group(0).split()[-1]}"  # "Alpha Project": one word needs its noun
        _add(out, m.start(1), m.end(), name)
    for m in _ACRONYM_DEF.finditer(text):
        if not _LETTER_SPACE_BEFORE.search(text, max(0, m.start() - 2), m.start()):
            continue
        if _PROGRAMME_NAME_BEFORE.search(text, max(0, m.start() - 40), m.start() + 1):
            _add(out, m.start(1), m.end(1), m.group(1))
    out.sort(key=lambda p: (p.start, -(p.end - p.start)))
    return out


def programme_in(mentions: Sequence[ProgrammeMention], start: int, end: int) -> str | None:
    """The first programme mentioned inside [start, end)."""
    for p in mentions:
        if start <= p.start and p.end <= end:
            return p.name
    return None
