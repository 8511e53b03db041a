from custodes.sources.base import ReadFailure, SourceDocument
from custodes.sources.html import HtmlReader
from tests.conftest import SOURCES


def read(name: str) -> SourceDocument | ReadFailure:
    [result] = list(HtmlReader().read(SOURCES / name, 10_000_000))
    return result


def test_article_text_and_metadata() -> None:
    doc = read("article.html")
    assert isinstance(doc, SourceDocument)
    assert doc.title == "Port city signs deal for camera network"
    assert doc.published == "2021-05-17"
    assert doc.author == "Ledger Staff"
    assert doc.site == "The Harbour Ledger"
    assert "six hundred networked street cameras" in doc.text
    assert "publish the full contract" in doc.text


def test_boilerplate_is_removed() -> None:
    doc = read("article.html")
    assert isinstance(doc, SourceDocument)
    for noise in ("Recommended Stories", "sardines", "newsletter", "Subscribe",
                  "Share on Facebook", "All rights reserved", "Sport"):
        assert noise not in doc.text, noise


def test_page_without_metadata_is_kept() -> None:
    doc = read("no_metadata.html")
    assert isinstance(doc, SourceDocument)
    assert "licence-plate readers" in doc.text
    assert doc.published is None
    assert doc.title is None  # a long first paragraph is not taken for a title


def test_page_without_article_text_fails(tmp_path) -> None:  # type: ignore[no-untyped-def]
    page = tmp_path / "menu.html"
    page.write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    [result] = list(HtmlReader().read(page, 10_000))
    assert isinstance(result, ReadFailure)
    assert "no article text" in result.reason
