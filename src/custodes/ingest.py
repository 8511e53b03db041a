"""The ingest pipeline: read, normalise, identify, group near-duplicates, store.

Each document is committed on its own, so an interrupted run keeps everything it reported,
and the rest of a batch goes on when one input is bad.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import py3langid
from sqlalchemy import Engine
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from custodes.ids import document_id, normalise_text
from custodes.resolve.near_duplicates import (
    NUM_PERM,
    NearDuplicateIndex,
    signature,
    signature_to_bytes,
)
from custodes.sources import Planned, ReadFailure, SourceDocument, read_planned
from custodes.store.documents import (
    StoredDocument,
    insert_document,
    iter_signatures,
)

_ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?")
_LANG_SAMPLE_CHARS = 400  # enough for a stable guess on prose; langid cost grows with length

EVENT_KINDS = ("stored", "near_duplicate", "unchanged", "skipped", "failed")


@dataclass
class IngestEvent:
    """What happened to one input; `locator` names the file (and line)."""

    kind: str
    locator: str
    document_id: str | None = None
    group_id: str | None = None
    title: str | None = None
    reason: str | None = None
    similarity: float | None = None

    def to_dict(self) -> dict[str, object]:
        """The event as printed by `--log-json`: `event` names the kind."""
        data = {k: v for k, v in self.__dict__.items() if v is not None and k != "kind"}
        return {"event": self.kind, **data}


@dataclass
class IngestSummary:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(EVENT_KINDS, 0))
    warnings: list[str] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return self.counts["failed"]


AfterStore = Callable[[Connection, StoredDocument], None]
AfterRun = Callable[[Connection], None]
EventSink = Callable[[IngestEvent], None]


class Ingestor:
    """Holds the near-duplicate index for one run over one database."""

    def __init__(self, engine: Engine, *, max_bytes: int, after_store: AfterStore | None = None,
                 after_run: AfterRun | None = None):
        self.engine = engine
        self.max_bytes = max_bytes
        self.after_store = after_store
        self.after_run = after_run
        self.index = NearDuplicateIndex()
        with engine.connect() as conn:
            self.index.load(iter_signatures(conn))

    def run(self, planned: Iterable[Planned], on_event: EventSink,
            on_progress: Callable[[int], None] | None = None) -> IngestSummary:
        summary = IngestSummary()

        def emit(event: IngestEvent) -> None:
            summary.counts[event.kind] += 1
            on_event(event)

        with self.engine.connect() as conn:
            for item in planned:
                if item.skipped_reason:
                    emit(IngestEvent("skipped", item.label, reason=item.skipped_reason))
                    _advance(on_progress, item.size)
                    continue
                done = 0
                for result in read_planned(item, self.max_bytes):
                    if isinstance(result, ReadFailure):
                        emit(IngestEvent("failed", result.locator, reason=result.reason))
                    else:
                        for warning in result.warnings:
                            summary.warnings.append(f"{result.locator}: {warning}")
                        emit(self.store_one(conn, result))
                    if result.bytes_read > done:
                        _advance(on_progress, result.bytes_read - done)
                        done = result.bytes_read
                _advance(on_progress, max(item.size - done, 0))
            if self.after_run is not None:
                self.after_run(conn)
        return summary

    def store_one(self, conn: Connection, source: SourceDocument) -> IngestEvent:
        """Store one document in its own transaction; identical text is a no-op."""
        text = normalise_text(source.text)
        if not text:
            return IngestEvent("failed", source.locator, reason="no text after normalisation")
        doc_id = document_id(text)
        unchanged = IngestEvent("unchanged", source.locator, document_id=doc_id, title=source.title)
        if doc_id in self.index:  # the index holds every stored id, loaded at start
            return unchanged
        try:
            with conn.begin():
                sig = signature(text)
                match = self.index.best_match(sig)
                group_id = match.group_id if match else doc_id
                stored = build_stored_document(source, text, doc_id, group_id)
                insert_document(conn, stored, signature_to_bytes(sig), NUM_PERM)
                if self.after_store is not None:
                    self.after_store(conn, stored)
        except IntegrityError:  # another process stored the same text meanwhile
            return unchanged
        except Exception as exc:  # one bad document must not stop the batch
            return IngestEvent("failed", source.locator, reason=f"could not store: {exc}")
        self.index.add(doc_id, group_id, sig)
        if match:
            return IngestEvent("near_duplicate", source.locator, document_id=doc_id,
                               group_id=group_id, title=stored.title,
                               similarity=round(match.similarity, 3))
        return IngestEvent("stored", source.locator, document_id=doc_id, group_id=group_id,
                           title=stored.title)


def build_stored_document(source: SourceDocument, text: str, doc_id: str,
                          group_id: str) -> StoredDocument:
    extra = dict(source.extra)
    published = normalise_date(source.published, extra)
    return StoredDocument(
        id=doc_id, source=source.source, url=source.url, title=source.title,
        published=published, author=source.author, site=source.site,
        lang=source.lang or detect_language(text), content_type=source.content_type,
        text=text, chars=len(text), group_id=group_id,
        ingested_at=datetime.now(UTC).isoformat(timespec="seconds"), extra=extra,
    )


def normalise_date(value: str | None, extra: dict[str, object]) -> str | None:
    """Keep the ISO date prefix; a date in another form is kept in `extra`, not guessed."""
    if not value:
        return None
    match = _ISO_DATE.match(value.strip())
    if match:
        return match.group(0)
    extra["date_unparsed"] = value
    return None


def detect_language(text: str) -> str | None:
    lang, _score = py3langid.classify(text[:_LANG_SAMPLE_CHARS])
    return str(lang) if lang else None


def _advance(callback: Callable[[int], None] | None, amount: int) -> None:
    if callback is not None and amount > 0:
        callback(amount)
