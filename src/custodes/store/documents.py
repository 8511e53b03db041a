"""Reading and writing documents. Each write is its own transaction, so a kill loses nothing
that was reported as stored."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.engine import Connection

from custodes.store.schema import documents, minhash_signatures
from custodes.store.search import documents_fulltext


@dataclass
class StoredDocument:
    id: str
    source: str
    url: str | None
    title: str | None
    published: str | None
    author: str | None
    site: str | None
    lang: str | None
    content_type: str
    text: str
    chars: int
    group_id: str
    ingested_at: str
    extra: dict[str, Any]

    def summary(self) -> dict[str, Any]:
        """Everything but the text, for listings."""
        data = self.__dict__.copy()
        data.pop("text")
        return data


def document_exists(conn: Connection, document_id: str) -> bool:
    row = conn.execute(select(documents.c.pk).where(documents.c.id == document_id)).first()
    return row is not None


def insert_document(conn: Connection, doc: StoredDocument, signature: bytes, num_perm: int) -> None:
    """Insert the document and its signature; the caller owns the transaction."""
    values = doc.__dict__.copy()
    values["extra"] = json.dumps(doc.extra, ensure_ascii=False, default=str) if doc.extra else None
    conn.execute(insert(documents), values)
    conn.execute(insert(minhash_signatures),
                 {"document_id": doc.id, "num_perm": num_perm, "signature": signature})


def iter_signatures(conn: Connection) -> Iterator[tuple[str, str, bytes]]:
    query = (
        select(documents.c.id, documents.c.group_id, minhash_signatures.c.signature)
        .join(minhash_signatures, minhash_signatures.c.document_id == documents.c.id)
        .order_by(documents.c.pk)
    )
    for row in conn.execute(query):
        yield row[0], row[1], row[2]


def _row_to_document(row: Any) -> StoredDocument:
    data = dict(row._mapping)
    data.pop("pk", None)
    data["extra"] = json.loads(data["extra"]) if data.get("extra") else {}
    return StoredDocument(**data)


def get_document(conn: Connection, document_id: str) -> StoredDocument | None:
    """Exact id, or a unique id prefix (as users copy short ids from listings)."""
    row = conn.execute(select(documents).where(documents.c.id == document_id)).first()
    if row is None and len(document_id) >= 6:
        rows = conn.execute(
            select(documents).where(documents.c.id.like(f"{document_id}%")).limit(2)
        ).all()
        row = rows[0] if len(rows) == 1 else None
    return None if row is None else _row_to_document(row)


def list_documents(conn: Connection, limit: int = 20, offset: int = 0) -> list[StoredDocument]:
    query = select(documents).order_by(documents.c.pk.desc()).limit(limit).offset(offset)
    return [_row_to_document(row) for row in conn.execute(query)]


def group_members(conn: Connection, group_id: str) -> list[str]:
    query = select(documents.c.id).where(documents.c.group_id == group_id).order_by(documents.c.pk)
    return [row[0] for row in conn.execute(query)]


def search_documents(conn: Connection, query: str, limit: int = 20) -> list[tuple[str, str | None, str]]:
    """Documents with every word of `query` in their title or text: (id, title, snippet), best first."""
    ft = documents_fulltext(conn)
    snippet = ft.snippet("'['", "']'", 12)
    sql = text(
        f"SELECT d.id, d.title, {snippet} "
        f"FROM {ft.source} WHERE {ft.condition} ORDER BY {ft.order} LIMIT :limit"
    )
    return [(r[0], r[1], r[2]) for r in conn.execute(sql, {"q": ft.param(query), "limit": limit})]


@dataclass
class DocumentStats:
    documents: int
    groups: int
    chars: int
    by_type: dict[str, int]
    by_lang: dict[str, int]


def document_stats(conn: Connection) -> DocumentStats:
    total, groups, chars = conn.execute(
        select(func.count(), func.count(documents.c.group_id.distinct()),
               func.coalesce(func.sum(documents.c.chars), 0))
    ).one()
    by_type = {str(k): int(n) for k, n in conn.execute(
        select(documents.c.content_type, func.count()).group_by(documents.c.content_type))}
    by_lang = {str(k): int(n) for k, n in conn.execute(
        select(func.coalesce(documents.c.lang, "?"), func.count()).group_by(documents.c.lang))}
    return DocumentStats(int(total), int(groups), int(chars), by_type, by_lang)


def mark_superseded(conn: Connection, document_id: str, by: str) -> None:
    """Record that a newer version of the same watched page replaced this document."""
    row = conn.execute(select(documents.c.extra).where(documents.c.id == document_id)).first()
    if row is None:
        return
    extra = json.loads(row.extra) if row.extra else {}
    extra["superseded_by"] = by
    conn.execute(update(documents).where(documents.c.id == document_id)
                 .values(extra=json.dumps(extra, ensure_ascii=False, default=str)))
