"""The extractor's vocabulary per language, read from `custodes.data/lang/LANG/*.yaml`.

Words change far more often than the logic that uses them, and a new language is new words
under the same names, so every word list and every pattern built from word lists lives in
data, one file per extractor module (`roles.yaml` for `extract/roles.py`), and this module is
the one reader of those files. A file is a mapping with a `version`, optional `lists` (named
word lists), optional `patterns` (regular expressions that name lists as `{list}`), optional
`signal` (names of lists whose words let a document past the first stage, see prefilter.py)
and any other keys its module declares in `extra` when asking for it.

Words of a list are plain text: a space stands for any run of white space and a final `*`
for any word characters ("rolled out", "install*"); everything else is literal. A list is
put into a pattern as a non-capturing alternation, longest word first, so that a word which
is the start of another ("use" and "used") never cuts the longer one short.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

_KEYS = frozenset({"version", "lists", "patterns", "signal"})
_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")


class VocabularyError(ValueError):
    """A vocabulary file that cannot be used; the message names the file and the key."""


def word_regex(word: str) -> str:
    """The regular expression of one list word (see the module docstring for the notation)."""
    prefix = word.endswith("*")
    body = word[:-1] if prefix else word
    parts = [re.escape(p) for p in body.split()]
    regex = r"\s+".join(parts)
    if body[:1].isspace():
        regex = r"\s+" + regex
    if body[-1:].isspace():
        regex += r"\s+"
    return regex + (r"\w*" if prefix else "")


def alternation(words: Iterable[str]) -> str:
    """A non-capturing alternation of the words, longest first (stable for equal lengths)."""
    ordered = sorted(dict.fromkeys(words), key=len, reverse=True)
    return "(?:" + "|".join(word_regex(w) for w in ordered) + ")"


@dataclass(frozen=True)
class Vocabulary:
    """One module's words and patterns in one language."""

    name: str
    lang: str
    version: str
    lists: Mapping[str, tuple[str, ...]]
    templates: Mapping[str, str]
    signal: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)
    _compiled: dict[str, re.Pattern[str]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def source(self) -> str:
        return f"data/lang/{self.lang}/{self.name}.yaml"

    def words(self, name: str) -> tuple[str, ...]:
        """The words of a list, as written."""
        try:
            return self.lists[name]
        except KeyError:
            raise VocabularyError(f"{self.source}: no list {name!r} under 'lists'") from None

    def word_set(self, name: str) -> frozenset[str]:
        """The lower-cased words of a list, for membership tests on single tokens."""
        return frozenset(w.lower() for w in self.words(name))

    def alternation(self, name: str) -> str:
        return alternation(self.words(name))

    def pattern(self, name: str) -> re.Pattern[str]:
        """A pattern of the file, its `{list}` placeholders replaced by the lists' alternations."""
        compiled = self._compiled.get(name)
        if compiled is None:
            try:
                template = self.templates[name]
            except KeyError:
                raise VocabularyError(f"{self.source}: no pattern {name!r} under 'patterns'") from None
            regex = _PLACEHOLDER.sub(lambda m: self.alternation(m.group(1)), template)
            try:
                compiled = re.compile(regex)
            except re.error as exc:
                raise VocabularyError(f"{self.source}: pattern {name!r} does not compile: {exc}") from None
            self._compiled[name] = compiled
        return compiled

    def signal_words(self) -> tuple[str, ...]:
        return tuple(w for name in self.signal for w in self.words(name))

    def check(self) -> None:
        """Compile every pattern, so a broken file fails when it is loaded, not mid-corpus."""
        for name in self.templates:
            self.pattern(name)
        for name in self.signal:
            self.words(name)


@cache
def _read(lang: str, name: str) -> Any:
    """One file's content, parsed once per process (the signal gate and the modules both read
    it); callers must not modify it."""
    resource = resources.files("custodes.data").joinpath(f"lang/{lang}/{name}.yaml")
    if not resource.is_file():
        raise VocabularyError(f"data/lang/{lang}/{name}.yaml: no such vocabulary file")
    import yaml

    return yaml.safe_load(resource.read_text(encoding="utf-8"))


def _string_list(source: str, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str | int) and not isinstance(v, bool) for v in value):
        # YAML reads bare on/off/yes/no as booleans: a word list must quote them
        raise VocabularyError(f"{source}: {key} must be a list of words (quote on, off, yes, no)")
    return tuple(str(v) for v in value)


def parse(lang: str, name: str, data: Any, extra: Iterable[str] = ()) -> Vocabulary:
    """Check one file's content and build its vocabulary; unknown keys are refused."""
    source = f"data/lang/{lang}/{name}.yaml"
    if not isinstance(data, dict):
        raise VocabularyError(f"{source}: expected a mapping")
    allowed = _KEYS | set(extra)
    unknown = set(data) - allowed
    if unknown:
        raise VocabularyError(f"{source}: unknown keys {sorted(unknown)} (allowed: {sorted(allowed)})")
    if "version" not in data:
        raise VocabularyError(f"{source}: missing key 'version'")
    raw_lists = data.get("lists") or {}
    raw_patterns = data.get("patterns") or {}
    if not isinstance(raw_lists, dict) or not isinstance(raw_patterns, dict):
        raise VocabularyError(f"{source}: 'lists' and 'patterns' must be mappings")
    lists = {str(k): _string_list(source, f"lists.{k}", v) for k, v in raw_lists.items()}
    templates: dict[str, str] = {}
    for key, value in raw_patterns.items():
        if not isinstance(value, str):
            raise VocabularyError(f"{source}: patterns.{key} must be a string")
        missing = [m for m in _PLACEHOLDER.findall(value) if m not in lists]
        if missing:
            raise VocabularyError(f"{source}: patterns.{key} names unknown lists {missing}")
        templates[str(key)] = value
    vocab = Vocabulary(
        name=name,
        lang=lang,
        version=str(data["version"]),
        lists=lists,
        templates=templates,
        signal=_string_list(source, "signal", data.get("signal") or []),
        extra={k: data[k] for k in extra if k in data},
    )
    vocab.check()
    return vocab


@cache
def vocabulary(name: str, lang: str = "en", extra: tuple[str, ...] = ()) -> Vocabulary:
    """The vocabulary of one module in one language (read once per process)."""
    return parse(lang, name, _read(lang, name), extra)


def signal_words(lang: str = "en") -> tuple[str, ...]:
    """The words of every list that a file of the language names under `signal`."""
    folder = resources.files("custodes.data").joinpath(f"lang/{lang}")
    words: list[str] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            data = _read(lang, entry.name[: -len(".yaml")])
            if isinstance(data, dict) and data.get("signal"):
                words += vocabulary(entry.name[: -len(".yaml")], lang).signal_words()
    return tuple(words)


@cache
def lang_file(name: str, lang: str = "en", keys: tuple[str, ...] = ()) -> dict[str, Any]:
    """A vocabulary file whose shape is its module's own (the mention guards' files): checked
    for a version and for keys outside `keys`, returned as read."""
    data = _read(lang, name)
    source = f"data/lang/{lang}/{name}.yaml"
    if not isinstance(data, dict):
        raise VocabularyError(f"{source}: expected a mapping")
    allowed = {"version", *keys}
    unknown = set(data) - allowed
    if keys and unknown:
        raise VocabularyError(f"{source}: unknown keys {sorted(unknown)} (allowed: {sorted(allowed)})")
    if "version" not in data:
        raise VocabularyError(f"{source}: missing key 'version'")
    _refuse_booleans_in_lists(source, data)
    return data


def _refuse_booleans_in_lists(source: str, node: Any, where: str = "") -> None:
    """A list item YAML read as a boolean was a word (on, no, yes) that lost its quotes."""
    if isinstance(node, dict):
        for k, v in node.items():
            _refuse_booleans_in_lists(source, v, f"{where}.{k}" if where else str(k))
    elif isinstance(node, list):
        if any(isinstance(v, bool) for v in node):
            raise VocabularyError(f"{source}: {where} must be a list of words (quote on, off, yes, no)")
        for v in node:
            _refuse_booleans_in_lists(source, v, where)
