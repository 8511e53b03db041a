"""Table definitions used by queries. Migrations, not this file, create and change tables."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, ForeignKey, Integer, LargeBinary, MetaData, String, Table, Text

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

document_extractions = Table(
    "document_extractions",
    metadata,
    Column("document_id", String(32), ForeignKey("documents.id", ondelete="CASCADE"),
           primary_key=True),
    Column("extractor_version", String(32), nullable=False),
    Column("reference_version", String(32), nullable=False),
    Column("extracted_at", String(32), nullable=False),
    Column("claims", Integer, nullable=False),
    Column("mentions", Integer, nullable=False),
)

mentions = Table(
    "mentions",
    metadata,
    Column("pk", Integer, primary_key=True),
    Column("document_id", String(32), ForeignKey("documents.id", ondelete="CASCADE"),
           nullable=False),
    Column("kind", String(16), nullable=False),
    Column("value", Text, nullable=False),
    Column("surface", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
)

claims = Table(
    "claims",
    metadata,
    Column("pk", Integer, primary_key=True),
    Column("id", String(32), nullable=False, unique=True),
    Column("document_id", String(32), ForeignKey("documents.id", ondelete="CASCADE"),
           nullable=False),
    Column("deployment_id", String(32), nullable=False),
    Column("country", String(3), nullable=False),
    Column("supplier", Text),
    Column("supplier_country", String(3)),
    Column("vendor_id", String(64)),
    Column("tech", Text, nullable=False),
    Column("year", Integer),
    Column("program", Text),
    Column("status", String(16), nullable=False),
    Column("confidence", Float, nullable=False),
    Column("evidence_text", Text, nullable=False),
    Column("evidence_start", Integer, nullable=False),
    Column("evidence_end", Integer, nullable=False),
    Column("evidence_spans", Text, nullable=False),
    Column("lender", Text),
    Column("amount", Float),
    Column("currency", String(8)),
    Column("loan", Boolean),
    Column("financing_evidence", Text),
    Column("tech_confidence", Text),  # JSON: category -> probability (migration 0008)
    Column("status_confidence", Float),
    Column("extractor_version", String(32), nullable=False),
    Column("reference_version", String(32), nullable=False),
    Column("first_seen", String(32), nullable=False),
    Column("last_seen", String(32), nullable=False),
)

deployments = Table(
    "deployments",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("country", String(3), nullable=False),
    Column("supplier", Text),
    Column("supplier_country", String(3)),
    Column("vendor_id", String(64)),
    Column("program", Text),
    Column("tech", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("latest_status", String(16), nullable=False),
    Column("year", Integer),
    Column("confidence", Float, nullable=False),
    Column("claims", Integer, nullable=False),
    Column("documents", Integer, nullable=False),
    Column("sources", Integer, nullable=False),
    Column("lender", Text),
    Column("amount", Float),
    Column("currency", String(8)),
    Column("first_reported", String(32)),
    Column("last_reported", String(32)),
    Column("first_seen", String(32), nullable=False),
    Column("last_seen", String(32), nullable=False),
)

stale_deployments = Table(
    "stale_deployments",
    metadata,
    Column("deployment_id", String(32), primary_key=True),
)
