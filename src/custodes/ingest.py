"""The ingest pipeline: read, normalise, identify, group near-duplicates, store.

Each document is committed on its own, so an interrupted run keeps everything it reported,
and the rest of a batch goes on when one input is bad.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing.context import BaseContext
from typing import Any

import py3langid
from sqlalchemy import Engine
from sqlalchemy.engine import Connection, RootTransaction
from sqlalchemy.exc import IntegrityError

from custodes.ids import document_id, normalise_text
from custodes.resolve.near_duplicates import (
    NUM_PERM,
    NearDuplicateIndex,
    signature,
    signature_from_bytes,
    signature_to_bytes,
)
from custodes.sources import Planned, ReadFailure, SourceDocument, read_planned
from custodes.sources.jsonl import JsonlReader
from custodes.store.db import retry_when_locked, take_write_lock
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

SMALL_INPUT = 50  # documents: below this a worker pool costs more than it saves
BATCH = 8  # documents sent to a worker at once: fewer, larger messages
WRITE_BATCH = 32  # documents per transaction in a run (`store_one` keeps one each)
WRITE_BATCH_SECONDS = 1.0  # nor longer than this: other writers wait, events are held
WINDOW_PER_WORKER = 4  # batches in flight per worker: bounds memory on a huge JSON Lines file


@dataclass(frozen=True)
class Analysis:
    """Work done on each new document, split so that the costly part can run in a worker.

    `compute` is pure (normalised text and the document's extra fields in, picklable data out);
    `store` writes its result in the document's own transaction. All three are module-level
    functions, so a worker process can import them; `warm_up` loads what `compute` needs, once.
    """

    compute: Callable[[str, dict[str, Any]], Any]
    store: Callable[[Connection, StoredDocument, Any], object]
    warm_up: Callable[[], None] | None = None


@dataclass(frozen=True)
class Prepared:
    """The pure part of storing one document, wherever it was computed."""

    signature: bytes
    lang: str | None
    analysed: Any = None


def prepare(text: str, lang: str | None, extra: dict[str, Any], analysis: Analysis | None) -> Prepared:
    """Signature, language and analysis of a normalised text: no database, same in any process."""
    analysed = analysis.compute(text, extra) if analysis is not None else None
    return Prepared(signature_to_bytes(signature(text)), lang or detect_language(text), analysed)


@dataclass
class _Step:
    """One input in order: an event known at once, or a document to store; `progress` bytes."""

    event: IngestEvent | None = None
    source: SourceDocument | None = None
    text: str = ""
    doc_id: str = ""
    progress: int = 0
    job: int | None = None  # its place in the batch sent to a worker, if one prepares it


class Ingestor:
    """Holds the near-duplicate index for one run over one database.

    Whatever the number of workers, one writer (this object, in the calling process) decides
    near-duplicates and stores documents in input order, so the stored result is the same.
    """

    def __init__(self, engine: Engine, *, max_bytes: int, after_store: AfterStore | None = None,
                 after_run: AfterRun | None = None, analysis: Analysis | None = None):
        self.engine = engine
        self.max_bytes = max_bytes
        self.after_store = after_store
        self.after_run = after_run
        self.analysis = analysis
        self.index = NearDuplicateIndex()
        with engine.connect() as conn:
            self.index.load(iter_signatures(conn))

    def run(self, planned: Iterable[Planned], on_event: EventSink,
            on_progress: Callable[[int], None] | None = None, *, workers: int = 1) -> IngestSummary:
        """Ingest every planned input; `workers` > 1 prepares documents in that many processes."""
        summary = IngestSummary()

        def emit(event: IngestEvent) -> None:
            summary.counts[event.kind] += 1
            on_event(event)

        planned = list(planned)
        steps = self._steps(planned, summary)
        with self.engine.connect() as conn:
            writer = _BatchWriter(self, conn, emit, on_progress)
            if workers > 1 and _document_estimate(planned) >= SMALL_INPUT:
                self._run_parallel(steps, writer.add, workers)
            else:
                for step in steps:
                    writer.add(step, None)
            writer.commit()
            if self.after_run is not None:
                after_run = self.after_run
                retry_when_locked(lambda: after_run(conn))
        return summary

    def _steps(self, planned: list[Planned], summary: IngestSummary) -> Iterator[_Step]:
        """Read and identify every input, in order; cheap, so it stays in the writer."""
        for item in planned:
            if item.skipped_reason:
                yield _Step(IngestEvent("skipped", item.label, reason=item.skipped_reason),
                            progress=item.size)
                continue
            done = 0
            for result in read_planned(item, self.max_bytes):
                progress = max(result.bytes_read - done, 0)
                done = max(done, result.bytes_read)
                if isinstance(result, ReadFailure):
                    yield _Step(IngestEvent("failed", result.locator, reason=result.reason),
                                progress=progress)
                    continue
                for warning in result.warnings:
                    summary.warnings.append(f"{result.locator}: {warning}")
                text = normalise_text(result.text)
                if not text:
                    yield _Step(_no_text(result), progress=progress)
                else:
                    yield _Step(source=result, text=text, doc_id=document_id(text), progress=progress)
            yield _Step(progress=max(item.size - done, 0))

    def _run_parallel(self, steps: Iterator[_Step], apply: Callable[[_Step, Prepared | str | None], None],
                      workers: int) -> None:
        """Prepare documents in worker processes, a bounded window ahead of the writer, and
        store them here in input order. A document already stored, or already on its way,
        is not sent: it will be "unchanged"."""
        if self.analysis is not None and self.analysis.warm_up is not None:
            self.analysis.warm_up()  # before the fork: the workers inherit it
        window: deque[tuple[list[_Step], Future[list[Prepared | str]] | None]] = deque()
        on_the_way: set[str] = set()
        batch: list[_Step] = []
        jobs: list[tuple[str, str | None, dict[str, Any]]] = []

        def drain(limit: int) -> None:
            while len(window) > limit:
                done, future = window.popleft()
                results = _results(future)
                for step in done:
                    on_the_way.discard(step.doc_id)
                    apply(step, results[step.job] if step.job is not None else None)

        try:
            with ProcessPoolExecutor(workers, mp_context=_fork_context(), initializer=_start_worker,
                                     initargs=(self.analysis, os.getpid())) as pool:
                for step in steps:
                    if step.source is not None and step.doc_id not in self.index and step.doc_id not in on_the_way:
                        on_the_way.add(step.doc_id)
                        step.job = len(jobs)
                        jobs.append((step.text, step.source.lang, step.source.extra))
                    batch.append(step)
                    if len(jobs) >= BATCH or len(batch) >= 4 * BATCH:
                        window.append((batch, pool.submit(_prepare_batch, jobs) if jobs else None))
                        batch, jobs = [], []
                        drain(workers * WINDOW_PER_WORKER)
                window.append((batch, pool.submit(_prepare_batch, jobs) if jobs else None))
                drain(0)
        except BrokenProcessPool as exc:
            raise RuntimeError("an ingest worker process died (out of memory?); the documents "
                               "reported so far are stored; run again, or with --workers 1") from exc

    def store_one(self, conn: Connection, source: SourceDocument) -> IngestEvent:
        """Store one document in its own transaction; identical text is a no-op."""
        text = normalise_text(source.text)
        if not text:
            return _no_text(source)
        return self._store(conn, source, text, document_id(text), None)

    def _store(self, conn: Connection, source: SourceDocument, text: str, doc_id: str,
               prepared: Prepared | str | None, *, in_batch: bool = False) -> IngestEvent:
        """Store a normalised document, prepared by a worker or (when None) here: in a
        transaction of its own, or (`in_batch`) in a savepoint of the caller's transaction."""
        unchanged = IngestEvent("unchanged", source.locator, document_id=doc_id, title=source.title)
        if doc_id in self.index:  # the index holds every stored id, loaded at start
            return unchanged
        try:
            if prepared is None:
                prepared = prepare(text, source.lang, source.extra, self.analysis)
            if isinstance(prepared, str):  # the worker's analysis failed on this document
                raise RuntimeError(prepared)
            ready = prepared
            sig = signature_from_bytes(ready.signature)
            match = self.index.best_match(sig)
            group_id = match.group_id if match else doc_id
            stored = build_stored_document(source, text, doc_id, group_id, ready.lang)
            if in_batch:
                self._write(conn, stored, ready, nested=True)
            else:
                retry_when_locked(lambda: self._write(conn, stored, ready))
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

    def _write(self, conn: Connection, stored: StoredDocument, prepared: Prepared, *,
               nested: bool = False) -> None:
        """The document, its signature and its analysis: together or not at all."""
        with conn.begin_nested() if nested else conn.begin():
            insert_document(conn, stored, prepared.signature, NUM_PERM)
            if self.analysis is not None:
                self.analysis.store(conn, stored, prepared.analysed)
            if self.after_store is not None:
                self.after_store(conn, stored)


class _BatchWriter:
    """Stores a run's documents several to a transaction, as a commit (FTS5 writes its index
    then) costs more than storing a document. Each document has a savepoint of its own, so a bad
    one is left out alone; its event, and every later one, is reported once the transaction is
    committed, so a killed run has stored everything it reported, each document with its claims.
    """

    def __init__(self, ingestor: Ingestor, conn: Connection, emit: EventSink,
                 on_progress: Callable[[int], None] | None) -> None:
        self.ingestor = ingestor
        self.conn = conn
        self.emit = emit
        self.on_progress = on_progress
        self.transaction: RootTransaction | None = None
        self.opened = 0.0
        # documents in the open transaction, with where their event is held
        self.written: list[tuple[_Step, Prepared | str | None, int]] = []
        self.held: list[tuple[IngestEvent | None, int]] = []  # events and progress to report

    def add(self, step: _Step, prepared: Prepared | str | None) -> None:
        if step.source is None:
            self.held.append((step.event, step.progress))
        elif step.doc_id in self.ingestor.index:
            self.held.append((self._unchanged(step), step.progress))
        else:
            if prepared is None:  # prepared here, before the write lock is taken
                prepared = _prepare_or_say_why(step, self.ingestor.analysis)
            if self.transaction is None:
                self.transaction = retry_when_locked(self._begin)
                self.opened = time.monotonic()
            self.written.append((step, prepared, len(self.held)))
            event = self.ingestor._store(self.conn, step.source, step.text, step.doc_id, prepared,
                                         in_batch=True)
            self.held.append((event, step.progress))
        if self.transaction is None:
            self._report()
        elif len(self.written) >= WRITE_BATCH or time.monotonic() - self.opened >= WRITE_BATCH_SECONDS:
            self.commit()

    def commit(self) -> None:
        """Commit the open transaction, then report what it holds."""
        if self.transaction is not None:
            transaction, self.transaction = self.transaction, None
            try:
                transaction.commit()
            except Exception:  # nothing of it is stored: store its documents one by one instead
                if transaction.is_active:
                    transaction.rollback()
                self._one_by_one()
        self.written = []
        self._report()

    def _begin(self) -> RootTransaction:
        transaction = self.conn.begin()
        try:
            take_write_lock(self.conn)
        except BaseException:
            transaction.rollback()
            raise
        return transaction

    def _one_by_one(self) -> None:
        for step, _prepared, at in self.written:
            event = self.held[at][0]
            if event is not None and event.kind in ("stored", "near_duplicate"):
                self.ingestor.index.remove(step.doc_id)
        for step, prepared, at in self.written:
            assert step.source is not None
            event = self.ingestor._store(self.conn, step.source, step.text, step.doc_id, prepared)
            self.held[at] = (event, self.held[at][1])

    def _unchanged(self, step: _Step) -> IngestEvent:
        assert step.source is not None
        return IngestEvent("unchanged", step.source.locator, document_id=step.doc_id, title=step.source.title)

    def _report(self) -> None:
        held, self.held = self.held, []
        for event, progress in held:
            if event is not None:
                self.emit(event)
            _advance(self.on_progress, progress)


def _prepare_or_say_why(step: _Step, analysis: Analysis | None) -> Prepared | str:
    assert step.source is not None
    try:
        return prepare(step.text, step.source.lang, step.source.extra, analysis)
    except Exception as exc:  # reported by `_store`, as a worker's failure is
        return str(exc)


def _no_text(source: SourceDocument) -> IngestEvent:
    return IngestEvent("failed", source.locator, reason="no text after normalisation")


def _document_estimate(planned: list[Planned]) -> int:
    """Files count one document each; a JSON Lines file or stdin may hold many (about 1 KB each)."""
    total = 0
    for item in planned:
        if item.path is None:
            total += SMALL_INPUT  # stdin: no size to go by
        elif isinstance(item.reader, JsonlReader):
            total += max(1, item.size // 1024)
        else:
            total += 1
    return total


def _fork_context() -> BaseContext | None:
    """Fork on Linux: the workers inherit the warmed-up extractor instead of loading it again."""
    return multiprocessing.get_context("fork") if sys.platform.startswith("linux") else None


_worker_analysis: Analysis | None = None
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with_parent(parent: int) -> None:
    """A SIGKILLed ingest gives its workers no chance to be stopped: on Linux the kernel ends a
    worker whose parent dies (PR_SET_PDEATHSIG); elsewhere a thread watches the parent's pid."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
            if os.getppid() != parent:  # the parent died before the request took effect
                os._exit(1)
            return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="custodes-parent-watch").start()


def _start_worker(analysis: Analysis | None, parent: int | None = None) -> None:
    global _worker_analysis
    if parent is not None:
        _die_with_parent(parent)
    _worker_analysis = analysis
    if analysis is not None and analysis.warm_up is not None:
        analysis.warm_up()  # a no-op after a fork: it is cached already


def _prepare_batch(jobs: list[tuple[str, str | None, dict[str, Any]]]) -> list[Prepared | str]:
    """In a worker: prepare each document; a failure is returned as its message, not raised."""
    out: list[Prepared | str] = []
    for text, lang, extra in jobs:
        try:
            out.append(prepare(text, lang, extra, _worker_analysis))
        except Exception as exc:  # reported by `_store` as "could not store: <message>"
            out.append(str(exc))
    return out


def _results(future: Future[list[Prepared | str]] | None) -> list[Prepared | str]:
    return [] if future is None else future.result()


def build_stored_document(source: SourceDocument, text: str, doc_id: str,
                          group_id: str, lang: str | None = None) -> StoredDocument:
    extra = dict(source.extra)
    published = normalise_date(source.published, extra)
    return StoredDocument(
        id=doc_id, source=source.source, url=source.url, title=source.title,
        published=published, author=source.author, site=source.site,
        lang=source.lang or lang or detect_language(text), content_type=source.content_type,
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
