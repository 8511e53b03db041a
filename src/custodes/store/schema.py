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
    # the extractor's own output for this claim, before any edit (migration 0009)
    Column("extracted", Text),
    Column("output_hash", String(64)),
    Column("evidence_hash", String(64)),
    Column("review_state", String(16), nullable=False, server_default="unreviewed"),
    Column("review_id", Integer),
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
    Column("reviewed", String(8), nullable=False, server_default="none"),  # none | partly | fully
    Column("accepted_claims", Integer, nullable=False, server_default="0"),
)

stale_deployments = Table(
    "stale_deployments",
    metadata,
    Column("deployment_id", String(32), primary_key=True),
)

reviews = Table(
    "reviews",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("claim_id", String(32), nullable=False, index=True),
    Column("decision", String(8), nullable=False),  # accept | reject | edit
    Column("edits", Text),  # JSON object field -> value, for edit
    Column("reviewer", Text, nullable=False),
    Column("reason", Text),
    Column("decided_at", String(32), nullable=False),
    Column("evidence_hash", String(64), nullable=False),
    Column("output_hash", String(64), nullable=False),
    Column("extracted", Text, nullable=False),
    Column("extractor_version", String(32), nullable=False),
    Column("reference_version", String(32), nullable=False),
)


def _history(name: str, key: str) -> Table:
    return Table(
        name,
        metadata,
        Column("pk", Integer, primary_key=True, autoincrement=True),
        Column(key, String(32), nullable=False, index=True),
        Column("valid_from", String(32), nullable=False),
        Column("valid_to", String(32)),  # no index: most rows are open (NULL); lookups go by key
        Column("data", Text, nullable=False),  # JSON of the row's values in that interval
    )


claim_history = _history("claim_history", "claim_id")
deployment_history = _history("deployment_history", "deployment_id")

# who may record decisions through `custodes serve --review` (migration 0010): only the SHA-256
# digest of each secret is kept; a revoked token stays, so its name stays bound to its decisions
review_tokens = Table(
    "review_tokens",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", String(32), nullable=False),
    Column("revoked_at", String(32)),
)

# watch, change feed and alerts (migration 0011)
watch_sources = Table(
    "watch_sources",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("name", String(128), nullable=False, unique=True),
    Column("url", Text, nullable=False, unique=True),
    Column("kind", String(8), nullable=False),  # feed | sitemap | page
    Column("every_seconds", Integer, nullable=False),
    Column("lang", String(8)),
    Column("added_at", String(32), nullable=False),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("last_checked", String(32)),
    Column("last_success", String(32)),
    Column("last_error", Text),
    Column("last_error_at", String(32)),
    Column("consecutive_failures", Integer, nullable=False, server_default="0"),
    Column("empty_runs", Integer, nullable=False, server_default="0"),
    Column("items_total", Integer, nullable=False, server_default="0"),
    Column("last_item_at", String(32)),
)

watch_items = Table(
    "watch_items",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("source_pk", Integer, ForeignKey("watch_sources.pk", ondelete="CASCADE"), nullable=False),
    Column("url", Text, nullable=False, unique=True),
    Column("canonical_url", Text),
    Column("document_id", String(32)),
    Column("outcome", String(16), nullable=False),
    Column("reason", Text),
    Column("published", String(32)),
    Column("date_flag", String(16)),
    Column("first_seen", String(32), nullable=False),
)

published_deployments = Table(
    "published_deployments",
    metadata,
    Column("deployment_id", String(32), primary_key=True),
    Column("content_hash", String(64), nullable=False),
    Column("source_pks", Text, nullable=False, server_default="[]"),
    Column("version", Integer, nullable=False),
)

deltas = Table(
    "deltas",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("created_at", String(32), nullable=False),
    Column("trigger", String(16), nullable=False),
    Column("added", Integer, nullable=False),
    Column("modified", Integer, nullable=False),
    Column("deleted", Integer, nullable=False),
    Column("forced", Boolean, nullable=False, server_default="0"),
)

delta_entries = Table(
    "delta_entries",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("version", Integer, ForeignKey("deltas.version"), nullable=False),
    Column("op", String(3), nullable=False),  # ADD | MOD | DEL
    Column("deployment_id", String(32), nullable=False),
    Column("content_hash", String(64)),
    Column("record", Text),
    Column("country", String(3)),
    Column("vendor_id", String(64)),
    Column("supplier", Text),
    Column("tech", Text),
)

alerts = Table(
    "alerts",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("country", String(3)),
    Column("vendor_id", String(64)),
    Column("vendor", Text),
    Column("tech", String(64)),
    Column("webhook", Text),
    Column("file_path", Text),
    Column("secret", String(64)),
    Column("created_at", String(32), nullable=False),
    Column("from_version", Integer, nullable=False),
    Column("removed_at", String(32)),
)

alert_deliveries = Table(
    "alert_deliveries",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("alert_pk", Integer, ForeignKey("alerts.pk"), nullable=False),
    Column("version", Integer, ForeignKey("deltas.version"), nullable=False),
    Column("entries", Integer, nullable=False),
    Column("state", String(12), nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("last_attempt_at", String(32)),
    Column("last_error", Text),
    Column("delivered_at", String(32)),
)
