"""The common interface of document readers.

Every kind of input is one module with a `Reader`; the ingest pipeline only sees
`SourceDocument`s and `ReadFailure`s, so adding a source never touches the pipeline.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol


@dataclass
class SourceDocument:
    """A document as a reader found it, before normalisation and storage."""

    source: str
    text: str
    locator: str
    title: str | None = None
    url: str | None = None
    published: str | None = None
    author: str | None = None
    site: str | None = None
    lang: str | None = None
    content_type: str = "text"
    extra: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    bytes_read: int = 0


@dataclass
class ReadFailure:
    """One input that could not become a document; `locator` names the file (and line)."""

    locator: str
    reason: str
    bytes_read: int = 0


ReadResult = SourceDocument | ReadFailure


class InputError(Exception):
    """Raised by reader helpers; the reader turns it into a ReadFailure with the locator."""


class Reader(Protocol):
    """Reads one file (or stream) into documents, never raising for bad content."""

    name: str
    suffixes: tuple[str, ...]

    def read(self, path: Path, max_bytes: int) -> Iterator[ReadResult]: ...


def check_size(path: Path, max_bytes: int) -> int:
    """Refuse empty files and files over the limit before reading them into memory."""
    size = path.stat().st_size
    if size == 0:
        raise InputError("empty file")
    if size > max_bytes:
        raise InputError(f"file is {size:,} bytes, over the limit of {max_bytes:,} (--max-bytes)")
    return size


def looks_binary(data: bytes) -> bool:
    """NUL bytes outside UTF-16 text mean a binary file, not a text document."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    return b"\x00" in data[:8192]
