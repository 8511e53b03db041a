"""The one reader of the extractor's vocabulary files (custodes.extract.vocab)."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from custodes.extract.vocab import VocabularyError, alternation, parse, signal_words, vocabulary, word_regex


def test_word_notation_spaces_and_prefixes() -> None:
    assert re.fullmatch(word_regex("rolled out"), "rolled \n out")
    assert re.fullmatch(word_regex("install*"), "installations")
    assert not re.fullmatch(word_regex("install*"), "reinstall")
    assert re.fullmatch(word_regex("a.b"), "a.b") and not re.fullmatch(word_regex("a.b"), "axb")


def test_alternation_puts_longer_words_first() -> None:
    found = re.match(alternation(["use", "used"]), "used")
    assert found is not None and found.group(0) == "used"


def test_pattern_fills_lists_and_compiles_once() -> None:
    vocab = parse("en", "test", {"version": 1, "lists": {"verbs": ["sold", "supplied"]},
                                 "patterns": {"after": r"(?i)^\s+{verbs}\b"}})
    assert vocab.pattern("after").match(" SUPPLIED cameras")
    assert not vocab.pattern("after").match(" bought cameras")
    assert vocab.pattern("after") is vocab.pattern("after")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"lists": {}}, "missing key 'version'"),
        ({"version": 1, "words": []}, "unknown keys ['words']"),
        ({"version": 1, "patterns": {"p": "{nolist}"}}, "names unknown lists ['nolist']"),
        ({"version": 1, "patterns": {"p": "("}}, "pattern 'p' does not compile"),
        ({"version": 1, "lists": {"l": "not a list"}}, "lists.l must be a list of words"),
        ({"version": 1, "signal": ["absent"]}, "no list 'absent'"),
    ],
)
def test_bad_files_name_the_file_and_key(data: dict[str, object], message: str) -> None:
    with pytest.raises(VocabularyError, match=re.escape(message)) as err:
        parse("en", "broken", data)
    assert "data/lang/en/broken.yaml" in str(err.value)


def test_missing_file_is_named() -> None:
    with pytest.raises(VocabularyError, match="data/lang/en/absent.yaml"):
        vocabulary("absent")


def test_every_english_file_with_lists_loads() -> None:
    folder = resources.files("custodes.data").joinpath("lang/en")
    names = [e.name[:-5] for e in folder.iterdir() if e.name.endswith(".yaml")]
    loaded = 0
    for name in names:
        import yaml

        data = yaml.safe_load(folder.joinpath(f"{name}.yaml").read_text(encoding="utf-8"))
        if "lists" in data:
            own_keys = tuple(k for k in data if k not in ("version", "lists", "patterns", "signal"))
            vocabulary(name, extra=own_keys).check()
            loaded += 1
    assert loaded >= 2


def test_signal_words_come_from_the_files_that_name_them() -> None:
    words = signal_words("en")
    assert "surveillance" in words and "camera*" in words
    assert "weak_cues" not in words and "has been" not in words  # status.yaml names no signal list


def test_yaml_booleans_are_refused_in_word_lists() -> None:
    with pytest.raises(VocabularyError, match="quote on, off, yes, no"):
        parse("en", "broken", {"version": 1, "lists": {"prepositions": ["in", True]}})
