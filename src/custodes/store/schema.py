"""Table definitions used by queries. Migrations, not this file, create and change tables."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, LargeBinary, MetaData, String, Table, Text

metadata = MetaData()

documents = Table(
    "documents",
    metadata,
    Column("pk", Integer, primary_key=True),
    Column("id", String(32), nullable=False, unique=True),
    Column("source", Text, nullable=False),
    Column("url", Text),
    Column("title", Text),
    Column("published", String(32)),
    Column("author", Text),
    Column("site", Text),
    Column("lang", String(8)),
    Column("content_type", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("chars", Integer, nullable=False),
    Column("group_id", String(32), nullable=False, index=True),
    Column("ingested_at", String(32), nullable=False),
    Column("extra", Text),
)

minhash_signatures = Table(
    "minhash_signatures",
    metadata,
    Column("document_id", String(32), ForeignKey("documents.id", ondelete="CASCADE"),
           primary_key=True),
    Column("num_perm", Integer, nullable=False),
    Column("signature", LargeBinary, nullable=False),
)
