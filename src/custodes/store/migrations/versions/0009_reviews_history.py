"""people's decisions on claims (append-only), and the history of every claim and deployment

`reviews` keeps every decision (accept, reject, edit) with who made it, why, when, and the
claim's evidence and extracted output at that time; rows are never updated or deleted (the
triggers refuse it). Claims keep their extracted output (`extracted`, `output_hash`,
`evidence_hash`) beside the values that count (edited ones, once a person edits), and their
review state. `claim_history` and `deployment_history` hold each version of a claim and a
deployment with the interval it was asserted in (`valid_from` inclusive, `valid_to` exclusive,
NULL while current), which is what `--as-of` reads.

Stored extraction results are cleared, as in 0005 and 0007: `custodes extract` rebuilds them
with their hashes, and history starts from that rebuild.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_SQLITE_GUARDS = (
    """CREATE TRIGGER reviews_no_update BEFORE UPDATE ON reviews BEGIN
         SELECT RAISE(ABORT, 'reviews are append-only: record a new decision instead'); END""",
    """CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews BEGIN
         SELECT RAISE(ABORT, 'reviews are append-only: record a new decision instead'); END""",
)
_POSTGRES_GUARD = (
    """CREATE FUNCTION reviews_append_only() RETURNS trigger AS $$ BEGIN
         RAISE EXCEPTION 'reviews are append-only: record a new decision instead'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER reviews_no_change BEFORE UPDATE OR DELETE ON reviews
         FOR EACH ROW EXECUTE FUNCTION reviews_append_only()""",
)
_RESULTS = ("claims", "deployments", "mentions", "document_extractions", "stale_deployments")


def upgrade() -> None:
    for table in _RESULTS:
        op.execute(f"DELETE FROM {table}")
    if op.get_bind().dialect.name == "sqlite":  # PostgreSQL's GIN index needs no rebuild
        op.execute("INSERT INTO claims_fts(claims_fts) VALUES ('rebuild')")
    op.create_table(
        "reviews",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("claim_id", sa.String(32), nullable=False, index=True),
        sa.Column("decision", sa.String(8), nullable=False),
        sa.Column("edits", sa.Text),
        sa.Column("reviewer", sa.Text, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("decided_at", sa.String(32), nullable=False),
        sa.Column("evidence_hash", sa.String(64), nullable=False),
        sa.Column("output_hash", sa.String(64), nullable=False),
        sa.Column("extracted", sa.Text, nullable=False),
        sa.Column("extractor_version", sa.String(32), nullable=False),
        sa.Column("reference_version", sa.String(32), nullable=False),
    )
    guards = _POSTGRES_GUARD if op.get_bind().dialect.name == "postgresql" else _SQLITE_GUARDS
    for statement in guards:
        op.execute(statement)
    op.add_column("claims", sa.Column("extracted", sa.Text))
    op.add_column("claims", sa.Column("output_hash", sa.String(64)))
    op.add_column("claims", sa.Column("evidence_hash", sa.String(64)))
    op.add_column("claims", sa.Column("review_state", sa.String(16), nullable=False, server_default="unreviewed"))
    op.add_column("claims", sa.Column("review_id", sa.Integer))
    op.add_column("deployments", sa.Column("reviewed", sa.String(8), nullable=False, server_default="none"))
    op.add_column("deployments", sa.Column("accepted_claims", sa.Integer, nullable=False, server_default="0"))
    for name, key in (("claim_history", "claim_id"), ("deployment_history", "deployment_id")):
        op.create_table(
            name,
            sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column(key, sa.String(32), nullable=False, index=True),
            sa.Column("valid_from", sa.String(32), nullable=False),
            sa.Column("valid_to", sa.String(32)),  # no index: most rows are open (NULL), a lookup goes by key
            sa.Column("data", sa.Text, nullable=False),
        )


def downgrade() -> None:
    op.drop_table("deployment_history")
    op.drop_table("claim_history")
    for column in ("accepted_claims", "reviewed"):
        op.drop_column("deployments", column)
    for column in ("review_id", "review_state", "evidence_hash", "output_hash", "extracted"):
        op.drop_column("claims", column)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER reviews_no_change ON reviews")
        op.execute("DROP FUNCTION reviews_append_only")
    op.drop_table("reviews")
    for table in _RESULTS:
        op.execute(f"DELETE FROM {table}")
    if op.get_bind().dialect.name == "sqlite":  # PostgreSQL's GIN index needs no rebuild
        op.execute("INSERT INTO claims_fts(claims_fts) VALUES ('rebuild')")
