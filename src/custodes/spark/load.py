"""`custodes load`: the Parquet tables of `custodes spark extract` into a database.

Documents, signatures, claims and mentions go through the store's own functions, in input order
(`insert_document`, `replace_document_claims`), so the database holds what `custodes ingest`
would have stored; deployments are then recomputed by the store (`refresh_stale_deployments`).
A document already in the database is left as it is, so loading twice changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from sqlalchemy import Engine
from sqlalchemy.engine import Connection, RootTransaction

from custodes.analyse import now_iso
from custodes.spark.rows import DOCUMENT_FIELDS, claim_record, mention_record
from custodes.store.claims import refresh_stale_deployments, replace_document_claims
from custodes.store.db import retry_when_locked, take_write_lock
from custodes.store.documents import StoredDocument, document_exists, insert_document

BATCH = 256  # documents per transaction: a commit costs more than a document


class LoadError(Exception):
    """The folder is not the output of `custodes spark extract`."""


@dataclass
class BadRow:
    locator: str  # file:row (1-based)
    reason: str


@dataclass
class LoadSummary:
    loaded: int = 0
    unchanged: int = 0  # already in the database
    bad: list[BadRow] = field(default_factory=list)
    deployments: int = 0  # recomputed


def table_files(out: Path, table: str) -> list[Path]:
    """A table's part files in Spark's partition order, which is input order."""
    folder = out / table
    if not folder.is_dir():
        raise LoadError(f"{folder}: no such folder; is {out} the output of `custodes spark extract`?")
    return sorted(p for p in folder.glob("*.parquet") if not p.name.startswith((".", "_")))


def count_documents(out: Path) -> int:
    return sum(pq.ParquetFile(path).metadata.num_rows for path in table_files(out, "documents"))


def iter_rows(files: list[Path]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(file:row, row) over every part file, in order."""
    for path in files:
        number = 0
        for batch in pq.ParquetFile(path).iter_batches(batch_size=1024):
            for row in batch.to_pylist():
                number += 1
                yield f"{path}:{number}", row


class _ByDocument:
    """Rows of claims or mentions, sorted by `doc_order`, taken one document at a time."""

    def __init__(self, files: list[Path]) -> None:
        self.rows = iter_rows(files)
        self.head: tuple[str, dict[str, Any]] | None = next(self.rows, None)

    def take(self, order: int) -> list[tuple[str, dict[str, Any]]]:
        out = []
        while self.head is not None and self.head[1]["doc_order"] <= order:
            if self.head[1]["doc_order"] == order:
                out.append(self.head)
            self.head = next(self.rows, None)
        return sorted(out, key=lambda pair: pair[1]["ordinal"])


def stored_document(row: dict[str, Any]) -> StoredDocument:
    values = {name: row[name] for name in DOCUMENT_FIELDS}
    values["extra"] = json.loads(row["extra"]) if row["extra"] else {}
    values["chars"] = int(values["chars"])
    return StoredDocument(**values)


def load_output(engine: Engine, out: Path, on_progress: Callable[[int], None] | None = None,
                on_bad: Callable[[BadRow], None] | None = None) -> LoadSummary:
    """Store every document of `out` not yet in the database, with its claims and mentions."""
    files = table_files(out, "documents")
    claims, mentions = _ByDocument(table_files(out, "claims")), _ByDocument(table_files(out, "mentions"))
    summary = LoadSummary()
    now = now_iso()
    last_order = -1
    with engine.connect() as conn:
        transaction: RootTransaction | None = None
        pending = 0
        for locator, row in iter_rows(files):
            if row.get("order") is None or row["order"] <= last_order:
                raise LoadError(f"{locator}: documents are not in input order; "
                                "write them with `custodes spark extract`")
            last_order = row["order"]
            if transaction is None:
                transaction = retry_when_locked(lambda: _begin(conn))
            reason = _load_one(conn, row, claims.take(row["order"]), mentions.take(row["order"]), now, summary)
            if reason is not None:
                bad = BadRow(locator, reason)
                summary.bad.append(bad)
                if on_bad is not None:
                    on_bad(bad)
            pending += 1
            if pending >= BATCH:
                transaction.commit()
                transaction, pending = None, 0
            if on_progress is not None:
                on_progress(1)
        if transaction is not None:
            transaction.commit()
        summary.deployments = retry_when_locked(lambda: _refresh(conn, now))
    return summary


def _refresh(conn: Connection, now: str) -> int:
    with conn.begin():
        return refresh_stale_deployments(conn, now)


def _begin(conn: Connection) -> RootTransaction:
    transaction = conn.begin()
    try:
        take_write_lock(conn)
    except BaseException:
        transaction.rollback()
        raise
    return transaction


def _load_one(conn: Connection, row: dict[str, Any], claims: list[tuple[str, dict[str, Any]]],
              mentions: list[tuple[str, dict[str, Any]]], now: str, summary: LoadSummary) -> str | None:
    """One document in a savepoint of the batch's transaction; returns why it could not be stored."""
    try:
        doc = stored_document(row)
        if document_exists(conn, doc.id):
            summary.unchanged += 1
            return None
        records = [claim_record(claim) for _locator, claim in claims]
        found = [mention_record(mention) for _locator, mention in mentions]
        with conn.begin_nested():
            insert_document(conn, doc, row["signature"], int(row["num_perm"]))
            replace_document_claims(conn, doc.id, records, found, extractor_version=row["extractor_version"],
                                    reference_version=row["reference_version"], now=now)
    except Exception as exc:  # one bad row must not stop the load
        return f"could not store: {exc}"
    summary.loaded += 1
    return None
