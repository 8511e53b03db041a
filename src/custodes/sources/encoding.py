"""Turning bytes of unknown encoding into text, the way editors and browsers do."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from custodes.sources.base import InputError, looks_binary

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MAX_CONTROL_RATIO = 0.01
# Guesses that short Western text often gets; cp1252 is the safer reading of such bytes, as in
# browsers' default for unlabelled pages.
_LATIN_GUESSES = frozenset({
    "cp1250", "cp1252", "cp1254", "cp1257", "latin_1", "iso8859_1", "iso8859_2", "iso8859_9",
    "iso8859_15", "iso8859_16", "mac_roman", "mac_latin2",
})


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding): BOM first, then UTF-8, then detection, then cp1252.

    Raises InputError for binary data, which must be reported rather than stored as noise.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding), encoding
    if looks_binary(data):
        raise InputError("binary content (NUL bytes), not a text document")
    try:
        return _reject_control_noise(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is not None and best.encoding and best.encoding not in _LATIN_GUESSES:
        return _reject_control_noise(str(best)), best.encoding
    return _reject_control_noise(data.decode("cp1252", errors="replace")), "cp1252"


def _reject_control_noise(text: str) -> str:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if text and controls / len(text) > _MAX_CONTROL_RATIO:
        raise InputError("binary content (control characters), not a text document")
    return text
