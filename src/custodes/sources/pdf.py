"""PDF reports: the text layer, page by page."""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from custodes.sources.base import InputError, ReadFailure, ReadResult, SourceDocument, check_size
from custodes.sources.text import first_line_title

_MIN_TEXT_CHARS = 20


class PdfDocumentReader:
    """`.pdf` via pypdf; a PDF without a text layer is reported, never stored empty."""

    name: str = "pdf"
    suffixes: tuple[str, ...] = (".pdf",)

    def read(self, path: Path, max_bytes: int) -> Iterator[ReadResult]:
        locator = str(path)
        try:
            size = check_size(path, max_bytes)
            yield document_from_pdf(path, locator=locator, size=size)
        except InputError as exc:
            yield ReadFailure(locator, str(exc))


def document_from_pdf(path: Path | bytes, *, locator: str, size: int, source: str | None = None) -> SourceDocument:
    """Join page texts with blank lines; metadata title/author/date when the PDF has them.

    `path` may be the PDF's bytes (a fetched report), with `source` naming where it came from.
    """
    try:
        reader = PdfReader(BytesIO(path) if isinstance(path, bytes) else str(path))
        if reader.is_encrypted:
            raise InputError("PDF is encrypted")
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
        meta = reader.metadata
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise InputError(f"unreadable PDF: {exc}") from exc
    text = "\n\n".join(p for p in pages if p)
    if len(text.strip()) < _MIN_TEXT_CHARS:
        raise InputError(f"PDF has no text layer ({len(pages)} page(s); scanned image?)")
    doc = SourceDocument(source=source or str(path), text=text, locator=locator, content_type="pdf",
                         bytes_read=size)
    if meta is not None:
        doc.title = _meta_str(meta.title)
        doc.author = _meta_str(meta.author)
        created = meta.creation_date if meta.get("/CreationDate") else None
        if created is not None:
            doc.published = created.date().isoformat()
    doc.extra["pages"] = len(pages)
    if doc.title is None:
        doc.title = first_line_title(text)
    return doc


def _meta_str(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None
