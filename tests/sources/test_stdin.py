import io

from custodes.sources.base import ReadFailure, SourceDocument
from custodes.sources.stdin import read_stdin


def test_jsonl_on_stdin() -> None:
    data = b'{"text": "one"}\n{"text": "two"}\n'
    results = list(read_stdin(io.BytesIO(data), 1000))
    assert [r.text for r in results if isinstance(r, SourceDocument)] == ["one", "two"]


def test_html_on_stdin() -> None:
    page = (b"<html><head><title>Deal</title></head><body><article><p>"
            + b"The city council approved the purchase of cameras for the main square. " * 3
            + b"</p></article></body></html>")
    [doc] = list(read_stdin(io.BytesIO(page), 10_000))
    assert isinstance(doc, SourceDocument)
    assert doc.content_type == "html"
    assert "main square" in doc.text


def test_text_on_stdin() -> None:
    [doc] = list(read_stdin(io.BytesIO(b"Plain words on a pipe.\n"), 1000))
    assert isinstance(doc, SourceDocument)
    assert doc.text.strip() == "Plain words on a pipe."


def test_empty_stdin_fails() -> None:
    [result] = list(read_stdin(io.BytesIO(b"  \n"), 1000))
    assert isinstance(result, ReadFailure)
    assert result.locator == "<stdin>"
