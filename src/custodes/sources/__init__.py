"""Readers for every kind of input, chosen by file suffix.

A new kind of input is one module with a reader registered in `READERS`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from custodes.sources.base import InputError, Reader, ReadFailure, ReadResult, SourceDocument
from custodes.sources.html import HtmlReader
from custodes.sources.jsonl import JsonlReader
from custodes.sources.pdf import PdfDocumentReader
from custodes.sources.stdin import read_stdin
from custodes.sources.text import TextReader

READERS: tuple[Reader, ...] = (TextReader(), HtmlReader(), PdfDocumentReader(), JsonlReader())
STDIN = "-"

__all__ = [
    "READERS", "STDIN", "InputError", "Planned", "ReadFailure", "ReadResult", "SourceDocument",
    "plan_inputs", "read_planned", "reader_for",
]


def reader_for(path: Path) -> Reader | None:
    suffix = path.suffix.lower()
    for reader in READERS:
        if suffix in reader.suffixes:
            return reader
    return None


@dataclass
class Planned:
    """One input the ingest will read, with its size for the progress bar."""

    path: Path | None
    reader: Reader | None
    size: int
    skipped_reason: str | None = None
    missing: bool = False

    @property
    def label(self) -> str:
        return STDIN if self.path is None else str(self.path)


def plan_inputs(paths: Iterable[str]) -> list[Planned]:
    """Expand folders recursively (sorted, hidden entries left out); classify every file."""
    planned: list[Planned] = []
    for raw in paths:
        if raw == STDIN:
            planned.append(Planned(None, None, 0))
            continue
        path = Path(raw)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue
                planned.append(_plan_file(child))
        elif path.exists():
            planned.append(_plan_file(path))
        else:
            planned.append(Planned(path, None, 0, missing=True))
    return planned


def _plan_file(path: Path) -> Planned:
    reader = reader_for(path)
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    if reader is None:
        return Planned(path, None, size, skipped_reason=f"unknown file type '{path.suffix}'")
    return Planned(path, reader, size)


def read_planned(item: Planned, max_bytes: int) -> Iterator[ReadResult]:
    """Read one planned input; missing paths and unreadable files become failures."""
    if item.missing:
        yield ReadFailure(item.label, "no such file or folder")
        return
    if item.path is None:
        yield from read_stdin(sys.stdin.buffer, max_bytes)
        return
    assert item.reader is not None
    try:
        yield from item.reader.read(item.path, max_bytes)
    except PermissionError:
        yield ReadFailure(item.label, "permission denied")
    except OSError as exc:
        yield ReadFailure(item.label, f"cannot read: {exc.strerror or exc}")
