"""one deployment per deal: deployment and claim ids no longer include the programme

The same (country, supplier) stated with and without a programme name ("Huawei's cameras in
Quito" and "Huawei's ECU-911 cameras") is one deal; the programme is an attribute of the deal,
not part of its identity. The id recipe changed, so stored extraction results are cleared, as in
0005: `custodes extract` rebuilds them from the stored documents.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("claims", "deployments", "mentions", "document_extractions", "stale_deployments"):
        op.execute(f"DELETE FROM {table}")
    if op.get_bind().dialect.name == "sqlite":  # PostgreSQL's GIN index needs no rebuild
        op.execute("INSERT INTO claims_fts(claims_fts) VALUES ('rebuild')")


def downgrade() -> None:
    for table in ("claims", "deployments", "mentions", "document_extractions", "stale_deployments"):
        op.execute(f"DELETE FROM {table}")
    if op.get_bind().dialect.name == "sqlite":  # PostgreSQL's GIN index needs no rebuild
        op.execute("INSERT INTO claims_fts(claims_fts) VALUES ('rebuild')")
