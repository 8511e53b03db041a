"""mentions, per-document claims with evidence, aggregated deployments, extraction runs

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None



def _doc_fk() -> sa.ForeignKey:
    return sa.ForeignKey("documents.id", ondelete="CASCADE")

_CLAIMS_FTS_TRIGGERS = (
    """CREATE TRIGGER claims_fts_ai AFTER INSERT ON claims BEGIN
         INSERT INTO claims_fts(rowid, evidence_text) VALUES (new.pk, new.evidence_text);
       END""",
    """CREATE TRIGGER claims_fts_ad AFTER DELETE ON claims BEGIN
         INSERT INTO claims_fts(claims_fts, rowid, evidence_text)
         VALUES ('delete', old.pk, old.evidence_text);
       END""",
    """CREATE TRIGGER claims_fts_au AFTER UPDATE OF evidence_text ON claims BEGIN
         INSERT INTO claims_fts(claims_fts, rowid, evidence_text)
         VALUES ('delete', old.pk, old.evidence_text);
         INSERT INTO claims_fts(rowid, evidence_text) VALUES (new.pk, new.evidence_text);
       END""",
)


def upgrade() -> None:
    op.create_table(
        "document_extractions",
        sa.Column("document_id", sa.String(32), _doc_fk(), primary_key=True),
        sa.Column("extractor_version", sa.String(32), nullable=False),
        sa.Column("reference_version", sa.String(32), nullable=False),
        sa.Column("extracted_at", sa.String(32), nullable=False),
        sa.Column("claims", sa.Integer, nullable=False),
        sa.Column("mentions", sa.Integer, nullable=False),
    )
    op.create_table(
        "mentions",
        sa.Column("pk", sa.Integer, primary_key=True),
        sa.Column("document_id", sa.String(32), _doc_fk(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("surface", sa.Text, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
    )
    op.create_index("ix_mentions_document_id", "mentions", ["document_id"])
    op.create_index("ix_mentions_kind_value", "mentions", ["kind", "value"])
    op.create_table(
        "claims",
        sa.Column("pk", sa.Integer, primary_key=True),
        sa.Column("id", sa.String(32), nullable=False, unique=True),
        sa.Column("document_id", sa.String(32), _doc_fk(), nullable=False),
        sa.Column("deployment_id", sa.String(32), nullable=False),
        sa.Column("country", sa.String(3), nullable=False),
        sa.Column("supplier", sa.Text),
        sa.Column("supplier_country", sa.String(3)),
        sa.Column("tech", sa.Text, nullable=False),
        sa.Column("year", sa.Integer),
        sa.Column("program", sa.Text),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("evidence_text", sa.Text, nullable=False),
        sa.Column("evidence_start", sa.Integer, nullable=False),
        sa.Column("evidence_end", sa.Integer, nullable=False),
        sa.Column("evidence_spans", sa.Text, nullable=False),
        sa.Column("lender", sa.Text),
        sa.Column("amount", sa.Float),
        sa.Column("currency", sa.String(8)),
        sa.Column("loan", sa.Boolean),
        sa.Column("financing_evidence", sa.Text),
        sa.Column("extractor_version", sa.String(32), nullable=False),
        sa.Column("reference_version", sa.String(32), nullable=False),
        sa.Column("first_seen", sa.String(32), nullable=False),
        sa.Column("last_seen", sa.String(32), nullable=False),
    )
    op.create_index("ix_claims_document_id", "claims", ["document_id"])
    op.create_index("ix_claims_deployment_id", "claims", ["deployment_id"])
    op.create_index("ix_claims_country", "claims", ["country"])
    if op.get_bind().dialect.name == "postgresql":  # a GIN index where SQLite has FTS5 (see 0002)
        op.execute("CREATE INDEX ix_claims_fts ON claims USING gin (to_tsvector('simple', evidence_text))")
    else:
        op.execute(
            "CREATE VIRTUAL TABLE claims_fts USING fts5("
            "evidence_text, content='claims', content_rowid='pk', tokenize='unicode61')"
        )
        for trigger in _CLAIMS_FTS_TRIGGERS:
            op.execute(trigger)
    op.create_table(
        "deployments",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("country", sa.String(3), nullable=False),
        sa.Column("supplier", sa.Text),
        sa.Column("supplier_country", sa.String(3)),
        sa.Column("program", sa.Text),
        sa.Column("tech", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("latest_status", sa.String(16), nullable=False),
        sa.Column("year", sa.Integer),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("claims", sa.Integer, nullable=False),
        sa.Column("documents", sa.Integer, nullable=False),
        sa.Column("sources", sa.Integer, nullable=False),
        sa.Column("lender", sa.Text),
        sa.Column("amount", sa.Float),
        sa.Column("currency", sa.String(8)),
        sa.Column("first_reported", sa.String(32)),
        sa.Column("last_reported", sa.String(32)),
        sa.Column("first_seen", sa.String(32), nullable=False),
        sa.Column("last_seen", sa.String(32), nullable=False),
    )
    op.create_index("ix_deployments_country", "deployments", ["country"])
    op.create_index("ix_deployments_supplier", "deployments", ["supplier"])


def downgrade() -> None:
    op.drop_table("deployments")
    if op.get_bind().dialect.name != "postgresql":  # the GIN index goes with the table
        for name in ("claims_fts_ai", "claims_fts_ad", "claims_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS claims_fts")
    op.drop_table("claims")
    op.drop_table("mentions")
    op.drop_table("document_extractions")
