import io

from custodes.sources.base import ReadFailure, SourceDocument
from custodes.sources.jsonl import JsonlReader, read_jsonl_stream
from tests.conftest import SOURCES


def test_bad_lines_are_reported_with_line_numbers_and_good_lines_kept() -> None:
    results = list(JsonlReader().read(SOURCES / "bad_lines.jsonl", 10_000))
    docs = [r for r in results if isinstance(r, SourceDocument)]
    failures = {r.locator.rsplit(":", 1)[1]: r.reason for r in results if isinstance(r, ReadFailure)}
    assert [d.extra["source_id"] for d in docs] == ["a1", "a5"]
    assert "malformed JSON" in failures["2"]
    assert "'text'" in failures["3"]
    assert "invalid UTF-8" in failures["4"]
    assert "JSON object" in failures["5"]
    assert set(failures) == {"2", "3", "4", "5"}


def test_optional_fields_and_unknown_fields_are_kept_and_reported() -> None:
    data = (b'{"id": 7, "text": "Body", "url": "https://e.org/x", "title": "T", "date": '
            b'"2020-01-02", "lang": "en", "deployments": [], "sources": ["u"]}\n')
    [doc] = list(read_jsonl_stream(io.BytesIO(data), source="mem", max_bytes=1000))
    assert isinstance(doc, SourceDocument)
    assert (doc.url, doc.title, doc.published, doc.lang) == ("https://e.org/x", "T", "2020-01-02", "en")
    assert doc.extra == {"source_id": "7", "deployments": [], "sources": ["u"]}
    assert doc.warnings == ["fields kept as metadata, not read: deployments, sources"]


def test_line_over_limit() -> None:
    data = b'{"text": "' + b"x" * 200 + b'"}\n'
    [result] = list(read_jsonl_stream(io.BytesIO(data), source="mem", max_bytes=100))
    assert isinstance(result, ReadFailure)
    assert result.locator == "mem:1"
    assert "over the limit" in result.reason


def test_empty_jsonl_file_is_a_failure() -> None:
    [result] = list(read_jsonl_stream(io.BytesIO(b"\n\n"), source="mem", max_bytes=100))
    assert isinstance(result, ReadFailure)
    assert result.reason == "empty file"
