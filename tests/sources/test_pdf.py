from custodes.sources.base import ReadFailure, SourceDocument
from custodes.sources.pdf import PdfDocumentReader
from tests.conftest import SOURCES


def read(name: str) -> SourceDocument | ReadFailure:
    [result] = list(PdfDocumentReader().read(SOURCES / name, 10_000_000))
    return result


def test_text_layer_of_every_page() -> None:
    doc = read("report.pdf")
    assert isinstance(doc, SourceDocument)
    assert "four hundred street cameras" in doc.text
    assert "opened in 2020" in doc.text  # second page
    assert doc.title == "Public-safety technology review"
    assert doc.published == "2021-06-14"
    assert doc.extra["pages"] == 2


def test_pdf_without_text_layer_is_reported() -> None:
    result = read("scanned.pdf")
    assert isinstance(result, ReadFailure)
    assert "no text layer" in result.reason


def test_unreadable_pdf_is_reported() -> None:
    result = read("broken.pdf")
    assert isinstance(result, ReadFailure)
    assert "PDF" in result.reason
