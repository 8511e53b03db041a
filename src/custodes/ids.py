"""Deterministic identifiers.

Ids are part of the data model: a document or fact must keep its id across re-ingests and
machines, so that statements from different runs merge instead of duplicating. The recipes are
written down in docs/IDS.md; changing one is a migration.
"""

from __future__ import annotations

import hashlib
import unicodedata

DOCUMENT_ID_PREFIX = "doc-"
_ID_HEX_CHARS = 16


def normalise_text(text: str) -> str:
    """Text as stored: NFC, Unix newlines, no trailing spaces, no surrounding blank lines.

    Offsets of evidence point into this form, so it must stay stable.
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\ufeff", "")
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip()


def identity_text(text: str) -> str:
    """The form hashed for identity: whitespace differences never make a new document."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def document_id(text: str) -> str:
    """`doc-` + the first 16 hex digits of SHA-256 over the identity text (UTF-8)."""
    digest = hashlib.sha256(identity_text(text).encode("utf-8")).hexdigest()
    return DOCUMENT_ID_PREFIX + digest[:_ID_HEX_CHARS]


def stable_id(prefix: str, *parts: object) -> str:
    """`prefix-` + 16 hex digits of SHA-256 over the parts joined by U+001F.

    None becomes the empty string; every other part is `str()`-ed.
    """
    joined = "\x1f".join("" if p is None else str(p) for p in parts)
    return f"{prefix}-{hashlib.sha256(joined.encode('utf-8')).hexdigest()[:_ID_HEX_CHARS]}"
