"""Shared Aho-Corasick phrase matching for the country gazetteer and the vendor registry.

One automaton pass over a case-folded copy of the text finds every candidate; each candidate is
then checked against the original text for word boundaries and, where the phrase is
case-sensitive, for its exact spelling.  Checking case after the pass (rather than building one
automaton per case form) keeps matching to a single linear scan whatever the mix of rules.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

import ahocorasick
import yaml

P = TypeVar("P")

# Scripts written without spaces between words: a phrase in them needs no word boundary.
_CJK_RANGES = (
    (0x2E80, 0x9FFF),  # CJK radicals, kana, unified ideographs
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x2FA1F),  # CJK extensions
)
_CAPS_WINDOW = 30


class DataError(ValueError):
    """A reference data file is malformed; the message names the file and the entry."""


def is_word_char(ch: str) -> bool:
    """True for letters/digits that continue a word; CJK characters never do."""
    if not (ch.isalnum() or ch == "_"):
        return False
    code = ord(ch)
    return not any(lo <= code <= hi for lo, hi in _CJK_RANGES)


def fold(text: str) -> str:
    """Lower-case without changing length, so offsets in the folded text are offsets in text."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def normalise_punct(text: str) -> str:
    """Map typographic apostrophes and no-break spaces to ASCII, keeping every offset."""
    if "\u2019" in text:
        text = text.replace("\u2019", "'")
    if "\u00a0" in text:
        text = text.replace("\u00a0", " ")
    return text


def strip_accents(text: str) -> str:
    """ASCII-ish spelling of a name ("Côte d'Ivoire" -> "Cote d'Ivoire") for variant patterns."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_KEY_DROP = re.compile(r"[.,()'\"\u2019]")
_KEY_SPACE = re.compile(r"[\s\-_/]+")


def lookup_key(name: str) -> str:
    """Loose key for exact-name lookups: case, accents, punctuation and '&' don't matter."""
    key = strip_accents(name).casefold().replace("&", " and ")
    key = _KEY_DROP.sub("", key)
    return _KEY_SPACE.sub(" ", key).strip()


@dataclass(frozen=True, slots=True)
class Entry(Generic[P]):
    """One phrase to find, with what it means and whether its case must match exactly.

    The surface must already be passed through normalise_punct (as text is before matching).
    """

    surface: str
    payload: P
    case_sensitive: bool = True


@dataclass(frozen=True, slots=True)
class Hit(Generic[P]):
    """An occurrence of an entry in a text; start/end are offsets in the original text."""

    start: int
    end: int
    entry: Entry[P]

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Prepared:
    """The text in the forms rules need: punctuation-normalised and case-folded."""

    norm: str
    folded: str


def prepare(text: str) -> Prepared:
    norm = normalise_punct(text)
    return Prepared(norm=norm, folded=fold(norm))


def _caps_context(norm: str, start: int, end: int) -> bool:
    """True when the words around a match are in capitals too, as in an ALL-CAPS headline."""
    around = norm[max(0, start - _CAPS_WINDOW) : start] + norm[end : end + _CAPS_WINDOW]
    return around.upper() == around and around.lower() != around


class PhraseMatcher(Generic[P]):
    """Finds entries in text on word boundaries; several entries may share a folded key."""

    def __init__(self, entries: Iterable[Entry[P]]) -> None:
        grouped: dict[str, list[Entry[P]]] = {}
        for entry in entries:
            key = fold(normalise_punct(entry.surface))
            if not key.strip():
                continue
            bucket = grouped.setdefault(key, [])
            if entry not in bucket:
                bucket.append(entry)
        self._automaton = ahocorasick.Automaton()
        for key, bucket in grouped.items():
            self._automaton.add_word(key, (len(key), tuple(bucket)))
        self.size = len(grouped)
        if grouped:
            self._automaton.make_automaton()

    def hits(self, prepared: Prepared) -> list[Hit[P]]:
        """Every valid occurrence, overlapping ones included, in scan order."""
        if not self.size:
            return []
        norm = prepared.norm
        out: list[Hit[P]] = []
        n = len(norm)
        for last, (length, bucket) in self._automaton.iter(prepared.folded):
            start = last - length + 1
            end = last + 1
            if not _bounded(norm, start, end, n):
                continue
            for entry in bucket:
                if not entry.case_sensitive or _case_ok(norm, start, end, entry.surface):
                    out.append(Hit(start, end, entry))
        return out


def _bounded(norm: str, start: int, end: int, n: int) -> bool:
    """Word boundaries at both edges, checked only where the phrase itself starts/ends a word."""
    if is_word_char(norm[start]) and start > 0 and is_word_char(norm[start - 1]):
        return False
    return not (is_word_char(norm[end - 1]) and end < n and is_word_char(norm[end]))


def _case_ok(norm: str, start: int, end: int, surface: str) -> bool:
    found = norm[start:end]
    if found == surface:
        return True
    upper = surface.upper()
    if upper == surface or found != upper:
        return False
    return _caps_context(norm, start, end) or _dateline(norm, start, end)


_DATELINE_NEXT = re.compile(r"[ \t]*(?:[-\u2013\u2014,(/]|$)", re.MULTILINE)


def _dateline(norm: str, start: int, end: int) -> bool:
    """An ALL-CAPS place opening a line and followed by a dash, comma or "(": a news dateline."""
    line_start = norm.rfind("\n", 0, start) + 1
    if norm[line_start:start].strip():
        return False
    return _DATELINE_NEXT.match(norm, end) is not None


def select_longest(hits: Sequence[Hit[P]]) -> list[Hit[P]]:
    """Leftmost-longest non-overlapping subset, so "Papua New Guinea" beats "Guinea"."""
    ordered = sorted(hits, key=lambda h: (h.start, -h.length))
    out: list[Hit[P]] = []
    last_end = -1
    for hit in ordered:
        if hit.start >= last_end:
            out.append(hit)
            last_end = hit.end
    return out


def load_yaml_mapping(path: Path | str, text: str | None = None) -> dict[str, Any]:
    """Parse a YAML data file that must hold a mapping, naming the file in any error."""
    raw = Path(path).read_text(encoding="utf-8") if text is None else text
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise DataError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise DataError(f"{path}: expected a mapping at the top level")
    return data


def check_keys(where: str, body: dict[str, Any], allowed: frozenset[str], required: frozenset[str]) -> None:
    """Reject typos in data files early: unknown keys and missing required ones."""
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise DataError(f"{where}: unknown key(s) {unknown}; allowed: {sorted(allowed)}")
    missing = sorted(required - set(body))
    if missing:
        raise DataError(f"{where}: missing required key(s) {missing}")


def str_list(where: str, value: Any) -> tuple[str, ...]:
    """A YAML list of non-empty strings (None means empty)."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise DataError(f"{where}: expected a list of non-empty strings, got {value!r}")
    return tuple(v.strip() for v in value)
