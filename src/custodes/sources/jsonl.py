"""JSON Lines corpora: one document per line, as scraped collections and gold files come."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from custodes.sources.base import ReadFailure, ReadResult, SourceDocument

KNOWN_FIELDS = ("text", "id", "url", "title", "date", "lang")


class JsonlReader:
    """`.jsonl`: `text` required; `id`, `url`, `title`, `date`, `lang` optional.

    Other fields are kept in the document's `extra` metadata and reported once per file, so
    a changed corpus format is noticed rather than silently absorbed.
    """

    name: str = "jsonl"
    suffixes: tuple[str, ...] = (".jsonl", ".ndjson")

    def read(self, path: Path, max_bytes: int) -> Iterator[ReadResult]:
        try:
            handle = path.open("rb")
        except OSError as exc:
            yield ReadFailure(str(path), f"cannot open: {exc.strerror or exc}")
            return
        with handle:
            yield from read_jsonl_stream(handle, source=str(path), max_bytes=max_bytes)


def read_jsonl_stream(handle: IO[bytes], *, source: str, max_bytes: int) -> Iterator[ReadResult]:
    """Each line is independent: a bad line is one failure, the rest still read."""
    offset = 0
    seen_extra: set[str] = set()
    any_line = False
    for lineno, raw in enumerate(handle, start=1):
        offset += len(raw)
        locator = f"{source}:{lineno}"
        if not raw.strip():
            continue
        any_line = True
        result = parse_jsonl_line(raw, locator=locator, source=source, max_bytes=max_bytes)
        result.bytes_read = offset
        if isinstance(result, SourceDocument):
            new_extra = sorted(set(result.extra) - seen_extra - {"source_id"})
            if new_extra:
                seen_extra.update(new_extra)
                result.warnings.append(f"fields kept as metadata, not read: {', '.join(new_extra)}")
        yield result
    if not any_line:
        yield ReadFailure(source, "empty file", bytes_read=offset)


def parse_jsonl_line(raw: bytes, *, locator: str, source: str, max_bytes: int) -> ReadResult:
    """One line to a document, or a failure that says which field is wrong."""
    if len(raw) > max_bytes:
        return ReadFailure(locator, f"line is {len(raw):,} bytes, over the limit of "
                                    f"{max_bytes:,} (--max-bytes)")
    try:
        line = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return ReadFailure(locator, f"invalid UTF-8 at byte {exc.start}")
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return ReadFailure(locator, f"malformed JSON: {exc.msg} at column {exc.colno}")
    if not isinstance(obj, dict):
        return ReadFailure(locator, f"expected a JSON object, got {type(obj).__name__}")
    return document_from_record(obj, locator=locator, source=source)


def document_from_record(obj: dict[str, Any], *, locator: str, source: str) -> ReadResult:
    text = obj.get("text")
    if not isinstance(text, str):
        return ReadFailure(locator, "field 'text' is missing or not a string")
    if not text.strip():
        return ReadFailure(locator, "field 'text' is empty")
    for key in ("id", "url", "title", "date", "lang"):
        value = obj.get(key)
        if value is not None and not isinstance(value, str | int):
            return ReadFailure(locator, f"field '{key}' must be a string")
    doc = SourceDocument(
        source=source, text=text, locator=locator, content_type="jsonl",
        title=_opt(obj.get("title")), url=_opt(obj.get("url")), published=_opt(obj.get("date")),
        lang=_opt(obj.get("lang")),
    )
    if obj.get("id") is not None:
        doc.extra["source_id"] = str(obj["id"])
    for key, value in obj.items():
        if key not in KNOWN_FIELDS:
            doc.extra[key] = value
    return doc


def _opt(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None
