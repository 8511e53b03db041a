"""registry vendor id on claims and deployments; deployment and claim ids key on it

A supplier the vendor registry knows is keyed by its registry id, so that the spellings a
document uses ("Hanwha", "Hanwha Techwin") make one deployment. The id recipe changed, so
stored extraction results are cleared: `custodes extract` rebuilds them from the documents.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("claims", sa.Column("vendor_id", sa.String(64)))
    op.add_column("deployments", sa.Column("vendor_id", sa.String(64)))
    op.create_index("ix_claims_vendor_id", "claims", ["vendor_id"])
    op.create_index("ix_deployments_vendor_id", "deployments", ["vendor_id"])
    for table in ("claims", "deployments", "mentions", "document_extractions"):
        op.execute(f"DELETE FROM {table}")
    if op.get_bind().dialect.name == "sqlite":  # PostgreSQL's GIN index needs no rebuild
        op.execute("INSERT INTO claims_fts(claims_fts) VALUES ('rebuild')")


def downgrade() -> None:
    op.drop_index("ix_deployments_vendor_id", "deployments")
    op.drop_index("ix_claims_vendor_id", "claims")
    with op.batch_alter_table("deployments") as batch:
        batch.drop_column("vendor_id")
    with op.batch_alter_table("claims") as batch:
        batch.drop_column("vendor_id")
