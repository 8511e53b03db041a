"""Plain text and Markdown files, with optional YAML front matter for metadata."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from custodes.sources.base import InputError, ReadFailure, ReadResult, SourceDocument, check_size
from custodes.sources.encoding import decode_bytes

_FRONT_MATTER_FIELDS = ("title", "url", "date", "published", "author", "site", "lang")


class TextReader:
    """`.txt` and `.md`: encoding detected; Markdown front matter becomes metadata."""

    name: str = "text"
    suffixes: tuple[str, ...] = (".txt", ".md", ".markdown", ".text")

    def read(self, path: Path, max_bytes: int) -> Iterator[ReadResult]:
        locator = str(path)
        try:
            size = check_size(path, max_bytes)
            text, encoding = decode_bytes(path.read_bytes())
            yield document_from_text(text, source=str(path), locator=locator, size=size,
                                     encoding=encoding)
        except InputError as exc:
            yield ReadFailure(locator, str(exc), bytes_read=_size_or_zero(path))


def document_from_text(text: str, *, source: str, locator: str, size: int,
                       encoding: str | None = None) -> SourceDocument:
    """Build a document from decoded text, splitting off `---` front matter if present."""
    meta, body = split_front_matter(text)
    if not body.strip():
        raise InputError("no text content")
    doc = SourceDocument(source=source, text=body, locator=locator, content_type="text",
                         bytes_read=size)
    if encoding:
        doc.extra["encoding"] = encoding
    apply_metadata(doc, meta)
    if doc.title is None:
        doc.title = first_line_title(body)
    return doc


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """YAML between a leading `---` line and the next `---` line; invalid YAML is an error."""
    stripped = text.lstrip("\ufeff")
    if not stripped.startswith("---\n") and not stripped.startswith("---\r\n"):
        return {}, text
    lines = stripped.splitlines(keepends=True)
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            try:
                meta = yaml.safe_load("".join(lines[1:i])) or {}
            except yaml.YAMLError as exc:
                raise InputError(f"front matter is not valid YAML: {exc}") from exc
            if not isinstance(meta, dict):
                raise InputError("front matter is not a mapping")
            return meta, "".join(lines[i + 1:])
    return {}, text


def apply_metadata(doc: SourceDocument, meta: dict[str, Any]) -> None:
    """Known fields fill the document; unknown ones are kept in `extra`, never dropped."""
    for key, value in meta.items():
        if key in _FRONT_MATTER_FIELDS and value is not None:
            attr = "published" if key == "date" else key
            setattr(doc, attr, str(value))
        else:
            doc.extra[key] = value


def first_line_title(text: str, max_len: int = 200) -> str | None:
    """A short first line is the title of most news text saved as plain text."""
    first = text.strip().split("\n", 1)[0].strip().lstrip("# ").strip()
    if first and len(first) <= max_len:
        return first
    return None


def _size_or_zero(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
