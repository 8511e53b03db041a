from pathlib import Path

from custodes.sources.base import ReadFailure, SourceDocument
from custodes.sources.text import TextReader
from tests.conftest import SOURCES

MAX = 50 * 1024 * 1024


def read_one(path: Path, max_bytes: int = MAX) -> SourceDocument | ReadFailure:
    results = list(TextReader().read(path, max_bytes))
    assert len(results) == 1
    return results[0]


def test_plain_utf8_takes_first_line_as_title() -> None:
    doc = read_one(SOURCES / "plain.txt")
    assert isinstance(doc, SourceDocument)
    assert doc.title == "Ministry opens video command centre"
    assert "two hundred cameras" in doc.text
    assert doc.extra["encoding"] == "utf-8"


def test_utf8_bom_is_removed() -> None:
    doc = read_one(SOURCES / "utf8_bom.txt")
    assert isinstance(doc, SourceDocument)
    assert doc.text.startswith("The ministry bought")


def test_utf16_with_bom() -> None:
    doc = read_one(SOURCES / "utf16_bom.txt")
    assert isinstance(doc, SourceDocument)
    assert doc.text.startswith("Police in Quito")


def test_cp1252_fallback_keeps_accents_and_quotes() -> None:
    doc = read_one(SOURCES / "cp1252.txt")
    assert isinstance(doc, SourceDocument)
    assert "São Paulo" in doc.text
    assert "“cameras everywhere”" in doc.text


def test_markdown_front_matter_becomes_metadata() -> None:
    doc = read_one(SOURCES / "with_front_matter.md")
    assert isinstance(doc, SourceDocument)
    assert doc.title == "Licence-plate readers for the ring road"
    assert doc.published == "2022-02-01"
    assert doc.url == "https://example.org/ring-road-readers"
    assert doc.extra["sources"] == ["https://example.org/original-report"]
    assert not doc.text.startswith("---")


def test_invalid_front_matter_is_a_failure() -> None:
    result = read_one(SOURCES / "bad_front_matter.md")
    assert isinstance(result, ReadFailure)
    assert "front matter" in result.reason


def test_binary_file_is_refused() -> None:
    result = read_one(SOURCES / "binary.txt")
    assert isinstance(result, ReadFailure)
    assert "binary" in result.reason
    assert result.locator.endswith("binary.txt")


def test_empty_file_is_refused() -> None:
    result = read_one(SOURCES / "empty.txt")
    assert isinstance(result, ReadFailure)
    assert result.reason == "empty file"


def test_file_over_limit_is_refused_before_reading() -> None:
    result = read_one(SOURCES / "plain.txt", max_bytes=10)
    assert isinstance(result, ReadFailure)
    assert "over the limit of 10" in result.reason
