from custodes.extract.sentences import SentenceIndex, split_sentences


def test_offsets_are_verbatim() -> None:
    text = "Title line here\n\nThe U.S. firm Acme Corp. sold cameras. Mr. Smith said so! Next?"
    sents = split_sentences(text)
    for s in sents:
        assert text[s.start : s.end] == s.text
    assert [s.text for s in sents] == [
        "Title line here",
        "The U.S. firm Acme Corp. sold cameras.",
        "Mr. Smith said so!",
        "Next?",
    ]


def test_lines_are_boundaries_and_index_maps_offsets() -> None:
    text = "Operator: City Police\nDeveloper: Acme"
    sents = split_sentences(text)
    assert len(sents) == 2
    idx = SentenceIndex(sents)
    assert idx.index_of(text.index("Acme")) == 1
    assert idx.index_of(text.index("\n")) is None


def test_empty_text() -> None:
    assert split_sentences("") == []
