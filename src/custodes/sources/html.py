"""Web pages: the article's main text and metadata, without the page furniture."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import trafilatura

from custodes.sources.base import InputError, ReadFailure, ReadResult, SourceDocument, check_size
from custodes.sources.encoding import decode_bytes
from custodes.sources.text import first_line_title

# Link lists and sign-up boxes that trafilatura can mistake for body text on some templates.
_BOILERPLATE_XPATHS = [
    "//*[contains(@class, 'newsletter')]",
    "//*[contains(@class, 'share') or contains(@class, 'social')]",
    "//*[contains(@class, 'related') or contains(@class, 'recommended')]",
]


_MIN_WORDS = 5  # fewer words than this is navigation, not an article


class HtmlReader:
    """`.html` / `.htm` via trafilatura; a page without metadata is kept with what it has."""

    name: str = "html"
    suffixes: tuple[str, ...] = (".html", ".htm", ".xhtml")

    def read(self, path: Path, max_bytes: int) -> Iterator[ReadResult]:
        locator = str(path)
        try:
            size = check_size(path, max_bytes)
            html, _ = decode_bytes(path.read_bytes())
            yield document_from_html(html, source=str(path), locator=locator, size=size)
        except InputError as exc:
            yield ReadFailure(locator, str(exc))


def document_from_html(html: str, *, source: str, locator: str, size: int,
                       url: str | None = None) -> SourceDocument:
    """Extract main text and metadata; raise InputError when the page has no article text."""
    result = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=True,
        favor_precision=True, prune_xpath=_BOILERPLATE_XPATHS,
        # the page's date markup only: a year in the article's text is not its publication date,
        # and the fallback text search (dateparser) cost more than the rest of the page's reading
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = getattr(result, "text", None) if result is not None else None
    if not text or len(text.split()) < _MIN_WORDS:
        raise InputError("no article text found in the HTML page")
    doc = SourceDocument(source=source, text=text, locator=locator, content_type="html",
                         bytes_read=size, url=url)
    doc.title = _clean(getattr(result, "title", None)) or first_line_title(text)
    doc.published = _clean(getattr(result, "date", None))
    doc.author = _clean(getattr(result, "author", None))
    doc.site = _clean(getattr(result, "sitename", None))
    doc.url = url or _clean(getattr(result, "url", None))
    lang = _clean(getattr(result, "language", None))
    if lang:
        doc.lang = lang
    return doc


def _clean(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None
