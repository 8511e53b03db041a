"""Standard input: JSON Lines, HTML or plain text, told apart by the first character."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import IO

from custodes.sources.base import InputError, ReadFailure, ReadResult
from custodes.sources.encoding import decode_bytes
from custodes.sources.html import document_from_html
from custodes.sources.jsonl import read_jsonl_stream
from custodes.sources.text import document_from_text

STDIN_LABEL = "<stdin>"


def read_stdin(stream: IO[bytes], max_bytes: int) -> Iterator[ReadResult]:
    """Pipe a corpus in: `{` starts JSON Lines, `<` starts HTML, anything else is text."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        yield ReadFailure(STDIN_LABEL, f"input is over the limit of {max_bytes:,} bytes (--max-bytes)")
        return
    if not data.strip():
        yield ReadFailure(STDIN_LABEL, "empty input")
        return
    head = data.lstrip()[:1]
    if head == b"{":
        yield from read_jsonl_stream(io.BytesIO(data), source=STDIN_LABEL, max_bytes=max_bytes)
        return
    try:
        text, encoding = decode_bytes(data)
        if head == b"<":
            yield document_from_html(text, source=STDIN_LABEL, locator=STDIN_LABEL, size=len(data))
        else:
            yield document_from_text(text, source=STDIN_LABEL, locator=STDIN_LABEL,
                                     size=len(data), encoding=encoding)
    except InputError as exc:
        yield ReadFailure(STDIN_LABEL, str(exc))
